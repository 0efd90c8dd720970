"""Content negotiation, in one place: Accept with q-values, a `?format=` override, `Vary: Accept`.

Every route that answers in more than one media type asks `negotiate` which of its offers fits
the request; the SPARQL endpoint asks once per result kind, because the kind (solutions, boolean,
graph) is only known when the query has been parsed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fastapi import Request

from wcokg.api.problems import Problem
from wcokg.store.formats import FORMATS_BY_KIND, MediaChooser, ResultKind

VARY = {"Vary": "Accept"}

FORMAT_ALIASES: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "ttl": ("text/turtle",),
    "turtle": ("text/turtle",),
    "jsonld": ("application/ld+json",),
    "json-ld": ("application/ld+json",),
    "nt": ("application/n-triples",),
    "ntriples": ("application/n-triples",),
    "rdfxml": ("application/rdf+xml",),
    "rdf": ("application/rdf+xml",),
    "rdf+xml": ("application/rdf+xml",),
}
"""Short names accepted by `?format=` (a full media type is accepted too)."""

MEDIA_ALIASES: dict[str, str] = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "application/turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/x-json+ld": "application/ld+json",
}
"""Media types clients send for SPARQL results, and the one each stands for."""


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
    Accept range matching it (or one of its `aliases`); the highest q wins and ties go to the
    earlier offer. No Accept means the first offer; None when nothing is acceptable.
    """
    aliases = aliases or {}
    for value in override:
        for wanted in (w.strip().lower() for w in value.split(",")):
            for candidate in FORMAT_ALIASES.get(wanted, (wanted,)):
                candidate = aliases.get(candidate, candidate)
                if candidate in offers:
                    return candidate
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


def sparql_chooser(request: Request) -> MediaChooser:
    """Picks the SPARQL result media type for each result kind; 406 when none is acceptable."""
    accept = request.headers.get("accept")
    override = request.query_params.getlist("format")

    def choose(kind: ResultKind) -> str:
        offers = FORMATS_BY_KIND[kind]
        chosen = negotiate(accept, offers, override, MEDIA_ALIASES)
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


def choose_or_406(request: Request, offers: Sequence[str]) -> str:
    """The negotiated media type among `offers` for an ordinary route, or a 406 problem."""
    chosen = negotiate(
        request.headers.get("accept"), offers, request.query_params.getlist("format")
    )
    if chosen is None:
        raise Problem(
            406,
            "Not Acceptable",
            f"available as {', '.join(offers)} (Accept or ?format=)",
            VARY,
        )
    return chosen
