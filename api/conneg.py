"""Content negotiation, in one place: Accept with q-values, a `?format=` override, `Vary: Accept`.

Every route that answers in more than one media type asks `negotiate` which of its offers fits
the request; the SPARQL endpoint asks once per result kind, because the kind (solutions, boolean,
graph) is only known when the query has been parsed.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fastapi import Request

from wcokg.api.problems import Problem
from wcokg.mediatypes import ALIASES, SHORT_NAMES
from wcokg.store.formats import FORMATS_BY_KIND, MediaChooser, ResultKind

VARY = {"Vary": "Accept"}

FORMAT_ALIASES = SHORT_NAMES
"""Short names accepted by `?format=` (a full media type is accepted too): `wcokg.mediatypes`."""

MEDIA_ALIASES = ALIASES
"""Media types clients send, and the one each stands for (`wcokg.mediatypes`)."""


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 `type/*`, 1 `*/*`), 0 when it does not match."""
        kind, _, subtype = media_type.partition("/")
        if self.type == "*":
            return 1
        if self.type != kind:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == subtype else 0


def by_format(
    offers: Sequence[str], override: Sequence[str], aliases: Mapping[str, str] = MEDIA_ALIASES
) -> str | None:
    """The first offer that a `?format=` value (short name or media type, possibly a
    comma-separated list) names, or None."""
    for value in override:
        for wanted in (w.strip().lower() for w in value.split(",")):
            for candidate in FORMAT_ALIASES.get(wanted, (wanted,)):
                for name in (candidate, aliases.get(candidate)):
                    if name in offers:
                        return name
    return None


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header (parameters other than q ignored)."""
    ranges = []
    for part in (header or "").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        if "/" not in media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        kind, _, subtype = media.lower().partition("/")
        ranges.append(MediaRange(kind, subtype, q))
    return ranges


def negotiate(
    accept: str | None,
    offers: Sequence[str],
    override: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
) -> str | None:
    """The offer that best fits: `override` (`?format=` values) wins, then Accept.

    `override` holds short names or media types, possibly comma-separated (SPARQLWrapper sends
    `format=json-ld&format=application/ld+json,application/x-json+ld`); the first that is
    offered wins, and when none is, Accept decides. Each offer gets the q of the most specific
    Accept range matching it (or one of its `aliases`, by default the table's); the highest q wins and ties go to the
    earlier offer. No Accept means the first offer; None when nothing is acceptable.
    """
    aliases = MEDIA_ALIASES if aliases is None else aliases
    named = by_format(offers, override, aliases)
    if named is not None:
        return named
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0] if offers else None
    names: dict[str, list[str]] = {offer: [offer] for offer in offers}
    for alias, target in aliases.items():
        if target in names:
            names[target].append(alias)
    best, chosen = 0.0, None
    for offer in offers:
        specificity, q = 0, 0.0
        for media_range in ranges:
            for name in names[offer]:
                level = media_range.matches(name)
                if name != offer and level < 3:
                    continue  # an alias counts only when named exactly (text/* is not text/xml)
                if level > specificity:
                    specificity, q = level, media_range.q
        if q > best:
            best, chosen = q, offer
    return chosen


@functools.lru_cache(maxsize=256)
def _sparql_offer(accept: str | None, kind: ResultKind, override: tuple[str, ...]) -> str | None:
    """`negotiate` for one result kind, kept for the Accept headers and `?format=` values
    seen lately: a pure function of its arguments, asked three times per `/sparql` request."""
    return negotiate(accept, FORMATS_BY_KIND[kind], override, MEDIA_ALIASES)


def sparql_chooser(request: Request) -> MediaChooser:
    """Picks the SPARQL result media type for each result kind; 406 when none is acceptable."""
    accept = request.headers.get("accept")
    override = tuple(request.query_params.getlist("format"))

    def choose(kind: ResultKind) -> str:
        offers = FORMATS_BY_KIND[kind]
        chosen = _sparql_offer(accept, kind, override)
        if chosen is None:
            raise Problem(
                406,
                "Not Acceptable",
                f"{kind.value} results are available as {', '.join(offers)}; "
                f"requested: {', '.join(override) or accept}",
                VARY,
            )
        return chosen

    return choose


def choose(request: Request, offers: Sequence[str]) -> str:
    """The offer `?format=` (short name or media type) or Accept asks for; 406 when none fits
    (a `?format=` naming nothing offered is 406 too, listing the names that are)."""
    formats = request.query_params.getlist("format")
    if formats and by_format(offers, formats) is None:
        names = sorted({k for k, v in SHORT_NAMES.items() if set(v) & set(offers)})
        raise Problem(
            406,
            "Not Acceptable",
            f"format {', '.join(formats)} is not offered here; available: {', '.join(names)}",
            VARY,
        )
    chosen = negotiate(request.headers.get("accept"), offers, formats)
    if chosen is None:
        raise Problem(
            406,
            "Not Acceptable",
            f"available as {', '.join(offers)} (Accept or ?format=)",
            VARY,
        )
    return chosen
