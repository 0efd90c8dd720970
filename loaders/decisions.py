"""Decisions a meeting report states, and what each decision is about.

Pure functions over one sentence (`decisions`) and over one object phrase (`resolve_object`):

- a decision is a past-tense verb (endorsed, approved, adopted, took/taken note of, agreed,
  decided, examined, discussed) that is not a planned step ("will be endorsed", "to be adopted");
  its objects are the clause after it, up to the next decision verb, split into a list ("endorsed
  A, B and C", "endorsed: A; B; and C", "A as well as B"), never inside a known instrument's name.
  Verbs joined with nothing between them share the objects ("examined and endorsed X");
- an object resolves, in this order, to: the work programme it names ("the PTC Work Programme
  2022-2025"), the known instrument or edition it starts with ("the 4th edition of the
  Compendium ...", "version 4.0.0 of the WCO Data Model"), a **candidate instrument** when its
  head noun is a kind of instrument (guidelines, handbook, report, recommendation, terms of
  reference, action plan ...) that the reference data does not know, the known instruments it
  names further on, or the working body it names ("to extend the mandate of the WGPM"); anything
  else (a topic, a work programme that is not loaded) is returned unresolved for the caller to
  flag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from wcokg.loaders.heads import ARTICLE_RE as _ARTICLE_RE
from wcokg.loaders.heads import instrument_head
from wcokg.loaders.lexicon import Lexicon
from wcokg.loaders.linking import Catalogue, norm
from wcokg.loaders.records import Programme
from wcokg.namespaces import slug

DECISION_VERBS = {
    "endorsed": "endorsed",
    "approved": "approved",
    "adopted": "adopted",
    "took note of": "took-note",
    "taken note of": "took-note",
    "took note": "took-note",
    "taken note": "took-note",
    "agreed": "agreed",
    "decided": "decided",
    "examined": "examined",
    "discussed": "discussed",
}
_VERB_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, DECISION_VERBS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_PLANNED_RE = re.compile(
    r"\b(?:will|to|shall|would|should|may|is being|are being|invited to|expected to)\s+"
    r"(?:be\s+)?(?:[a-z]+\s+)?$",
    re.IGNORECASE,
)
_PASSIVE_RE = re.compile(r"\b(?:was|were|been|being|is|are)\s+(?:[a-z]+\s+)?$", re.IGNORECASE)
_IMPERSONAL_RE = re.compile(r"\bit\s+(?:was|has been|had been)\s+(?:also\s+)?$", re.IGNORECASE)
"""'It was agreed to ...': a decision of the meeting, though passive."""
_LEAD_RE = re.compile(r"^[\s:,]*(?:(?:and|also|both|further|then)\s+)*", re.IGNORECASE)
_TAIL_RE = re.compile(
    r"[\s,;:&]*(?:\b(?:and|also|it|as well as|while)\b[\s,;:&]*)*$", re.IGNORECASE
)
_INFINITIVE_RE = re.compile(r"^(?:that\s+|on\s+|upon\s+|to\s+[a-z]+\s+)", re.IGNORECASE)
_TRAILER_RE = re.compile(
    r"\s+(?:as (?:revised|amended|presented|proposed)|until\b.*|by\s+(?:19|20)\d\d.*"
    r"|with (?:minor )?(?:amendments|changes)\b.*|for (?:publication|adoption)\b.*"
    r"|(?:should|would|will|shall|could|must|may|be|is|are|was|were|be)\b.*)$",
    re.IGNORECASE,
)
_ARTICLE_AFTER_AND_RE = re.compile(r"^(?:the|a|an|its|their|this|these)\b", re.IGNORECASE)
_EDITION_RE = re.compile(r"^(\d+)\s*(?:st|nd|rd|th)\s+edition\s+of\s+(?:the\s+)?")
_VERSION_RE = re.compile(r"^version\s+(\d+(?:\.\d+)+)\.?\s+of\s+(?:the\s+)?")


@dataclass(frozen=True)
class Decision:
    """One decision: verb code, the object phrase as written, the sentence."""

    verb: str
    phrase: str
    sentence: str
    at: int = 0
    """Where the verb starts in the sentence (whitespace collapsed)."""


@dataclass(frozen=True)
class Target:
    """What an object phrase resolves to.

    kind: instrument (a known instrument or edition), candidate (an instrument the reference data
    does not know; `id` minted from the label, `type_code` its head noun's instrument type),
    programme, body, or unresolved (`id` empty).
    """

    kind: str
    id: str
    label: str = ""
    type_code: str | None = None


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[\u2010-\u2015\u2212]", "-", text)).strip()


def decisions(sentence: str, catalogue: Catalogue | None = None) -> list[Decision]:
    """The decisions a sentence states, each object of a list separately."""
    text = _clean(sentence)
    verbs = [
        v
        for v in _VERB_RE.finditer(text)
        if not _PLANNED_RE.search(text[max(0, v.start() - 30) : v.start()])
        and (
            not _PASSIVE_RE.search(text[max(0, v.start() - 20) : v.start()])
            or _IMPERSONAL_RE.search(text[max(0, v.start() - 20) : v.start()])
        )
    ]
    found: list[Decision] = []
    pending: list[str] = []
    for index, v in enumerate(verbs):
        stop = verbs[index + 1].start() if index + 1 < len(verbs) else len(text)
        clause = _TAIL_RE.sub("", text[v.end() : stop].rstrip(" ."))
        code = DECISION_VERBS[v.group(1).casefold()]
        if not _LEAD_RE.sub("", clause).strip():  # "examined and endorsed X": shares X
            pending.append(code)
            continue
        for phrase in split_objects(clause, catalogue):
            for verb in (*pending, code):
                found.append(Decision(verb, phrase, sentence, v.start()))
        pending = []
    return found


def split_objects(clause: str, catalogue: Catalogue | None = None) -> list[str]:
    """The list a clause names: split at ";", ",", "as well as", and at "and" before an
    article, a known instrument, or the last item of a comma list; never inside a known name."""
    clause = _LEAD_RE.sub("", _clean(clause)).strip(" .")
    if not clause:
        return []
    parts: list[str] = []
    for chunk in re.split(r"\s*;\s*|\s+as well as\s+", clause):
        commas = [c for c in re.split(r"\s*,\s*", chunk) if c.strip()]
        for position, item in enumerate(commas):
            listed = len(commas) > 1 and position == len(commas) - 1
            parts += _split_and(item, listed, catalogue)
    parts = [_LEAD_RE.sub("", p).strip(" .:") for p in parts]
    return _merge_names([p for p in parts if p], catalogue)


def _split_and(item: str, listed: bool, catalogue: Catalogue | None) -> list[str]:
    pieces = re.split(r"\s+and\s+", item)
    out = [pieces[0]]
    for index, piece in enumerate(pieces[1:]):
        known = bool(catalogue and (found := catalogue.find(piece)) and found[0].start == 0)
        if (listed and index == 0) or known or _ARTICLE_AFTER_AND_RE.match(piece):
            out.append(piece)
        else:
            out[-1] = f"{out[-1]} and {piece}"
    return out


def _merge_names(parts: list[str], catalogue: Catalogue | None) -> list[str]:
    """Join neighbours split inside a known instrument's name ("Simplification and
    Harmonization")."""
    if catalogue is None:
        return parts
    merged = [parts[0]] if parts else []
    for part in parts[1:]:
        joined = f"{merged[-1]} and {part}"
        inside = {m.alias for m in catalogue.find(merged[-1])} | {
            m.alias for m in catalogue.find(part)
        }
        if any(m.alias not in inside for m in catalogue.find(joined)):
            merged[-1] = joined
        else:
            merged.append(part)
    return merged


def candidate_label(phrase: str) -> str:
    """The name a candidate instrument gets: the phrase without article, status words
    ("revised", "updated", "new" ...) and trailers ("as revised", "until June 2026")."""
    label = _TRAILER_RE.sub("", _ARTICLE_RE.sub("", _clean(phrase))).strip(" .,;:")
    return label[:1].upper() + label[1:]


def resolve_object(
    phrase: str,
    catalogue: Catalogue,
    programmes: Sequence[Programme],
    bodies: Lexicon,
) -> list[Target]:
    """What one object phrase is about (see the module docstring for the order)."""
    programme = _programme(phrase, programmes, bodies)
    if programme is not None:
        return [Target("programme", programme.id, programme.title)]
    if re.search(r"\bwork programm?e\b", norm(phrase)):  # a programme that is not loaded
        return [Target("unresolved", "", _clean(phrase))]
    bare = _TRAILER_RE.sub("", _ARTICLE_RE.sub("", _INFINITIVE_RE.sub("", _clean(phrase))))
    leading = _leading_instrument(bare, catalogue)
    if leading is not None:
        return [Target("instrument", leading)]
    type_code = instrument_head(bare)
    if type_code is not None:
        label = candidate_label(bare)
        return [Target("candidate", candidate_id(label, catalogue), label, type_code)]
    named = [m.id for m in catalogue.find(bare)]
    if named:
        return [Target("instrument", i) for i in dict.fromkeys(named)]
    found = bodies.find_all(norm(bare))
    if found:
        return [Target("body", b.id) for b in found[:1]]
    return [Target("unresolved", "", _clean(phrase))]


def candidate_id(label: str, catalogue: Catalogue) -> str:
    """A candidate instrument's id: the slug of its label, never an id of the reference data."""
    rid = slug(label)[:80].strip("-")
    return f"{rid}-candidate" if rid in catalogue.labels else rid


def _leading_instrument(bare: str, catalogue: Catalogue) -> str | None:
    text = norm(bare)
    for pattern in (_EDITION_RE, _VERSION_RE):
        m = pattern.match(text)
        if m is not None:
            rest = text[m.end() :]
            found = catalogue.find(rest)
            if found and found[0].start == 0:
                family = catalogue.edition_of.get(found[0].id, found[0].id)
                return catalogue.editions(family).get(m.group(1), found[0].id)
    found = catalogue.find(text)
    if found and found[0].start == 0:
        # "the SAFE Framework of Standards 2021": a year or version right after the name
        year = re.match(
            r"^,?\s*(?:version\s+|edition\s+)?(\d+(?:\.\d+)+|(?:19|20)\d\d)\b", text[found[0].end :]
        )
        if year is not None:
            family = catalogue.edition_of.get(found[0].id, found[0].id)
            return catalogue.editions(family).get(year.group(1), found[0].id)
        return found[0].id
    return None


def _programme(phrase: str, programmes: Sequence[Programme], bodies: Lexicon) -> Programme | None:
    """The loaded work programme a phrase names: "work programme" with the programme's body
    and, when written, its years."""
    text = norm(phrase)
    if "work programme" not in text and "work program" not in text:
        return None
    named = {b.id for b in bodies.find_all(text)}
    years = re.search(r"\b((?:19|20)\d\d)\s*-\s*((?:19|20)?\d\d)\b", text)
    for programme in programmes:
        if programme.body_id not in named:
            continue
        if years and programme.start_year and programme.end_year:
            end = int(years.group(2)) % 100
            if (int(years.group(1)), end) != (programme.start_year, programme.end_year % 100):
                continue
        return programme
    return None
