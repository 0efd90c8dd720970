"""Link the typed records: activities to instruments, to other activities, and cross-references.

Pure functions over typed records and reference data: no RDF, no I/O beyond reading the bundled
reference Turtle once. Every link carries the rule that made it (or the curator's justification)
and the text span it was read from. The rules (named in `Link.rule`):

- ``instrument-verb``: an instrument named in the Activities cell, typed by the nearest verb before
  it (develop -> produces, update/review -> updates, maintain/monitor -> maintains,
  promote/implement/capacity building -> promotes; a study on X, or X introduced by "under" /
  "in the context of", only feeds X);
- ``instrument-task-type``: the same without a verb: typed by the task type (Development ->
  produces, Updating -> updates, Maintenance -> maintains);
- ``edition-mention``: "the 4th edition of the Compendium", "version 4.0.0 of the WCO Data Model"
  in the Progress cell: the edition of an instrument the activity already links to;
- ``stage-sequence``: "(Stage II of the work ...)" depends on the activity with the same title
  and Stage I;
- ``once-finalized``: "... once the related Guidelines are finalized" depends on the activity
  that develops those guidelines (best match by content);
- ``based-on-progress``: "Based on the progress on X" depends on the activity about X;
- ``feasibility-study``: the development an activity's "Feasibility Study for developing X"
  prepares depends on that study;
- ``revision-process``: "the SAFE Review Cycle", "the revision of X", "the update of X" (a bare
  "the review cycle": the title's instruments) -> the activity feeds the edition of X under
  development in the programme's cycle (version = a year of the programme);
- ``sister-activity``: an activity with the same verb and object type as one linked by a rule
  (not by this one) gets the same kind of link when its text names the same instrument (an
  edition's instrument or parts count) or its object's topic is phrased the same way;
- ``cross-reference``: "See activity 24 below", "(activity number 2)", "(activity 21 above)":
  resolved by the content of the phrase the reference qualifies; a bare number is read in the
  numbering the citing row was written against; a number that differs from the resolved
  activity's current number is flagged ``stale-cross-reference-number``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, SKOS
from rdflib.term import Node

from wcokg.loaders.heads import ARTICLE_RE, instrument_head
from wcokg.loaders.lexicon import Lexicon, Match, fold
from wcokg.loaders.records import Activity, Flag, Link, Programme
from wcokg.loaders.reference import Reference
from wcokg.loaders.turtle import bundled_graph
from wcokg.namespaces import WCOKG
from wcokg.settings import DEFAULT_BASE

INSTRUMENT_BASE = DEFAULT_BASE + "instrument/"
INSTRUMENTS_FILE = "instruments.ttl"
CURATED_FILE = "curated-links.ttl"

FEED_PROPERTIES = ("feeds", "produces", "updates", "maintains", "promotes")
LINK_PROPERTIES = (*FEED_PROPERTIES, "dependsOn", "references", "mentions")

TASK_TYPE_RELATION = {"Development": "produces", "Updating": "updates", "Maintenance": "maintains"}

# Cue words before an instrument name and the relation they give; the longest alternative at a
# position wins, the cue nearest to the name decides. "report" cues fall back to the task type.
_CUES: tuple[tuple[str, str | None], ...] = (
    (r"feasibility study|study (?:on|for)|undertake a study", "feeds"),
    (r"monitor(?:ing)? (?:the )?implementation", "maintains"),
    (r"provide (?:an? )?(?:updates?|progress)(?: on| from)?|progress report", None),
    (
        r"develop(?:s|ed|ing|ment)?|draft(?:s|ed|ing)?|compil(?:e|es|ed|ing)|prepar(?:e|es|ed|ing)",
        "produces",
    ),
    (r"updat(?:e|es|ed|ing)|review(?:s|ed|ing)?|revis(?:e|es|ed|ing|ion)", "updates"),
    (r"maintain(?:s|ed|ing)?|monitor(?:s|ed|ing)?|adjust(?:s|ed|ing|ments?)?", "maintains"),
    (
        r"promot(?:e|es|ed|ing|ion)|implement(?:s|ed|ing|ation)|accession|capacity building"
        r"|accredited experts|engage|encourage|experiences?|use of",
        "promotes",
    ),
)
_CUE_RE = re.compile(
    "|".join(f"(?P<c{i}>\\b(?:{pattern})\\b)" for i, (pattern, _) in enumerate(_CUES))
)
_CONTEXT_RE = re.compile(r"\b(?:under|within the framework of|in the context of|through)\b")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "on",
        "to",
        "in",
        "for",
        "by",
        "with",
        "at",
        "its",
        "it",
        "this",
        "that",
        "from",
        "under",
        "related",
        "wco",
        "customs",
        "new",
        "be",
        "is",
        "are",
        "was",
        "were",
        "as",
        "other",
    ]
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
_ORDINAL_EDITION_RE = re.compile(
    r"\b(\d+)\s*(?:st|nd|rd|th)\s+edition\s+of\s+(?:the\s+)?((?:[\w-]+\s*){1,8})"
)
_VERSION_RE = re.compile(r"\bversion\s+(\d+(?:\.\d+)+)\.?\s+of\s+(?:the\s+)?((?:[\w-]+\s*){1,6})")
_XREF_RE = re.compile(
    r"(?P<open>\(\s*)?(?:see\s+)?activity\s+(?:number\s+|no\.?\s*)?(?P<n>\d{1,3})"
    r"(?:\s+(?P<dir>above|below))?(?P<close>\s*\))?"
)
CONTENT_THRESHOLD = 0.6
"""Share of a phrase's (IDF-weighted) content words an activity title must contain to match."""


def strip_parens(text: str) -> str:
    """Parentheses out: "Time Release Study (TRS) Guide" is matched as "Time Release Study TRS Guide"."""
    return re.sub(r"[()]", " ", text)


def norm(text: str) -> str:
    """The form every rule reads: folded, parentheses out, whitespace collapsed."""
    return fold(strip_parens(text))


@dataclass(frozen=True)
class Catalogue:
    """Instruments and editions from the reference data, and a name matcher for them."""

    graph: Graph
    lexicon: Lexicon
    edition_of: dict[str, str]
    part_of: dict[str, str]
    version: dict[str, str]
    labels: dict[str, str]
    bodies: Lexicon
    organisations: Lexicon

    def editions(self, instrument: str) -> dict[str, str]:
        """version -> edition id for one instrument."""
        return {self.version[e]: e for e, i in self.edition_of.items() if i == instrument}

    def find(self, text: str) -> list[Match]:
        """Instrument names in `norm(text)`, skipping names inside body or organisation names."""
        normed = norm(text)
        masked = [(m.start, m.end) for m in self.bodies.find_all(normed)]
        masked += [(m.start, m.end) for m in self.organisations.find_all(normed)]
        found = []
        for m in self.lexicon.find_all(normed):
            # a body or organisation name overlapping the instrument name and not inside it
            # ("SAFE" in "SAFE WG") hides it; "WCO" inside "WCO Data Model" does not
            if any(s < m.end and m.start < e and (s < m.start or e > m.end) for s, e in masked):
                continue
            if normed[m.end : m.end + 1] == "-":  # "WCO DM-compliant" is not the Data Model
                continue
            found.append(m)
        return found


def _ids_under(graph: Graph, base: str) -> dict[str, URIRef]:
    return {
        str(s)[len(base) :]: s
        for s in set(graph.subjects())
        if isinstance(s, URIRef) and str(s).startswith(base) and "/" not in str(s)[len(base) :]
    }


def _stripped(lexicon: Lexicon) -> Lexicon:
    return Lexicon({strip_parens(a): i for a, i in lexicon.aliases.items()})


@lru_cache(maxsize=4)
def _instrument_graph() -> Graph:
    return bundled_graph(f"reference/{INSTRUMENTS_FILE}")


def load_catalogue(reference: Reference) -> Catalogue:
    """The instrument catalogue (instruments.ttl) with matchers masking body/organisation names."""
    graph = _instrument_graph()
    ids = _ids_under(graph, INSTRUMENT_BASE)
    by_iri: dict[Node, str] = {iri: i for i, iri in ids.items()}
    aliases: dict[str, str] = {}
    for rid, iri in ids.items():
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for value in graph.objects(iri, prop):
                aliases[strip_parens(str(value))] = rid
    return Catalogue(
        graph=graph,
        lexicon=Lexicon(aliases),
        edition_of={
            by_iri[s]: by_iri[o] for s, o in graph.subject_objects(WCOKG.editionOf) if s in by_iri
        },
        part_of={
            by_iri[s]: by_iri[o]
            for s, o in graph.subject_objects(WCOKG.partOfInstrument)
            if s in by_iri
        },
        version={by_iri[s]: str(o) for s, o in graph.subject_objects(OWL.versionInfo)},
        labels={rid: str(graph.value(iri, SKOS.prefLabel)) for rid, iri in ids.items()},
        bodies=_stripped(reference.bodies),
        organisations=_stripped(reference.organisations),
    )


# --- content similarity ---------------------------------------------------------------------


def tokens(text: str) -> set[str]:
    """Content words of a text: folded, stop words out, a plural 's' dropped."""
    words = re.findall(r"[a-z0-9]+", norm(text))
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in _STOPWORDS}


class Similarity:
    """IDF-weighted share of a phrase's content words found in a candidate's title."""

    def __init__(self, activities: Sequence[Activity]) -> None:
        self.titles = {a.id: tokens(a.title) for a in activities}
        counts: dict[str, int] = {}
        for words in self.titles.values():
            for w in words:
                counts[w] = counts.get(w, 0) + 1
        total = max(len(self.titles), 1)
        self.idf = {w: math.log(1 + total / c) for w, c in counts.items()}
        self.unknown = math.log(1 + total)

    def score(self, phrase: str, activity: Activity) -> float:
        words = tokens(phrase)
        if not words:
            return 0.0
        weight = {w: self.idf.get(w, self.unknown) for w in words}
        found = sum(v for w, v in weight.items() if w in self.titles.get(activity.id, ()))
        return found / sum(weight.values())

    def best(
        self, phrase: str, candidates: Iterable[Activity], threshold: float = CONTENT_THRESHOLD
    ) -> Activity | None:
        scored = sorted(
            ((self.score(phrase, a), i, a) for i, a in enumerate(candidates)),
            key=lambda t: (-t[0], t[1]),
        )
        if scored and scored[0][0] >= threshold:
            return scored[0][2]
        return None


# --- activity -> instrument -------------------------------------------------------------------


def cue_relation(before: str) -> tuple[str | None, str, bool]:
    """(relation, cue text, found) for the cue nearest the end of `before` (normalised text)."""
    last = None
    for m in _CUE_RE.finditer(before):
        last = m
    if last is None:
        return None, "", False
    index = int(next(k for k, v in last.groupdict().items() if v is not None)[1:])
    relation = _CUES[index][1]
    if relation not in (None, "feeds") and _CONTEXT_RE.search(before[last.end() :]):
        return "feeds", last.group(0), True
    if relation != "feeds" and re.search(
        r"feasibility study|study (?:on|for)|undertake a study", before
    ):
        return "feeds", "study", True
    return relation, last.group(0), True


def instrument_links(programme: Programme, activity: Activity, catalogue: Catalogue) -> list[Link]:
    """Instruments named in the Activities cell, typed by verb or task type."""
    links: list[Link] = []
    title = norm(activity.title)
    for m in catalogue.find(activity.title):
        relation, cue, found = cue_relation(title[: m.start])
        rule = "instrument-verb" if found and relation else "instrument-task-type"
        if relation is None:
            relation = TASK_TYPE_RELATION.get(activity.task_type or "", "feeds")
            if _CONTEXT_RE.search(title[: m.start]):
                relation = "feeds"
        links.append(
            Link(
                programme.id,
                activity.id,
                relation,
                m.id,
                "instrument",
                "rule",
                rule,
                activity.title if not cue else f"{activity.title} [cue: {cue}]",
            )
        )
    first: dict[str, Link] = {}
    for link in links:  # one relation per instrument: the first mention's
        first.setdefault(link.obj, link)
    return list(first.values())


def _head_resolves(phrase: str, context: Sequence[str], catalogue: Catalogue) -> str | None:
    """An instrument named by `phrase` (full name, or its head noun among the context ones)."""
    found = catalogue.find(phrase)
    if found and found[0].start < 4:
        return found[0].id
    words = re.findall(r"[a-z-]+", phrase)
    head = words[0] if words else ""
    for instrument in context:
        label_words = tokens(catalogue.labels.get(instrument, ""))
        if head and (head in label_words or head.rstrip("s") in label_words):
            return instrument
    return None


def edition_links(programme: Programme, activity: Activity, catalogue: Catalogue) -> list[Link]:
    """Editions named in the Progress cell of instruments the activity already links to."""
    context = [
        link.obj for link in instrument_links(programme, activity, catalogue)
    ]  # the title's instruments
    context += [catalogue.edition_of[c] for c in context if c in catalogue.edition_of]
    links = []
    for paragraph in activity.progress:
        for sentence in sentences(paragraph):
            text = norm(sentence)
            for pattern in (_ORDINAL_EDITION_RE, _VERSION_RE):
                for m in pattern.finditer(text):
                    instrument = _head_resolves(m.group(2), context, catalogue)
                    if instrument is None:
                        continue
                    instrument = catalogue.edition_of.get(instrument, instrument)
                    edition = catalogue.editions(instrument).get(m.group(1))
                    if edition is None or edition in context:
                        continue
                    relation = (
                        "produces"
                        if activity.task_type in ("Updating", "Development", "Maintenance")
                        else "feeds"
                    )
                    links.append(
                        Link(
                            programme.id,
                            activity.id,
                            relation,
                            edition,
                            "instrument",
                            "rule",
                            "edition-mention",
                            sentence,
                        )
                    )
    return _dedupe(links)


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph (split after . ; before a capital or digit)."""
    parts = re.split(r"(?<=[.;])\s+(?=[A-Z0-9])", text.strip())
    return [p.strip() for p in parts if p.strip()]


# --- activity -> activity ----------------------------------------------------------------------


def _stage(title: str) -> tuple[str, int] | None:
    m = re.search(r"\(?\s*stage\s+(i{1,3}|iv|v|\d)\b", norm(title))
    if m is None:
        return None
    value = m.group(1)
    number = int(value) if value.isdigit() else _ROMAN[value]
    stem = norm(title)[: m.start()].strip(" :-(")
    return stem, number


def dependency_links(programme: Programme, similarity: Similarity | None = None) -> list[Link]:
    """Activity-to-activity dependencies the text states or clearly implies."""
    current = programme.current()
    similarity = similarity or Similarity(current)
    links: list[Link] = []
    stages = {a.id: _stage(a.title) for a in current}
    for a in current:
        stage = stages[a.id]
        if stage and stage[1] > 1:
            for b in current:
                other = stages[b.id]
                if other and other[0] == stage[0] and other[1] == stage[1] - 1:
                    links.append(
                        _dep(programme, a, b, "stage-sequence", a.title, "dependsOn", "activity")
                    )
        for text in (a.title, *a.progress):
            for sentence in sentences(text):
                n = norm(sentence)
                once = re.search(
                    r"\bonce the related ([a-z-]+) (?:is|are|has been|have been) finali[sz]ed", n
                )
                if once:
                    kind = once.group(1).rstrip("s")
                    topic = n[: once.start()]
                    topic_words = tokens(topic) - tokens(once.group(1))
                    candidates = [
                        b
                        for b in current
                        if b.id != a.id
                        and kind in tokens(b.title) | {w.rstrip("s") for w in tokens(b.title)}
                        and b.task_type == "Development"
                    ]
                    target = similarity.best(" ".join(sorted(topic_words)), candidates, 0.3)
                    if target:
                        links.append(_dep(programme, a, target, "once-finalized", sentence))
                based = re.search(
                    r"\bbased on the progress (?:on|of|made on) ([^,.;]+?)(?: at | in |,|$)", n
                )
                if based:
                    candidates = [b for b in current if b.id != a.id]
                    target = similarity.best(based.group(1), candidates)
                    if target:
                        links.append(_dep(programme, a, target, "based-on-progress", sentence))
        feasibility = re.search(
            r"feasibility study (?:for|on) (?:developing |the development of )?(.+)$", norm(a.title)
        )
        if feasibility:
            candidates = [
                b
                for b in current
                if b.id != a.id
                and re.match(r"\s*(?:develop|development)\b", norm(b.title))
                and not re.search(r"\bstudy (?:on|for)\b|feasibility", norm(b.title))
            ]
            target = similarity.best(feasibility.group(1), candidates, 0.8)
            if target:
                links.append(_dep(programme, target, a, "feasibility-study", a.title))
    return _dedupe(links)


def _dep(
    programme: Programme,
    subject: Activity,
    obj: Activity,
    rule: str,
    evidence: str,
    prop: str = "dependsOn",
    kind: str = "activity",
) -> Link:
    return Link(programme.id, subject.id, prop, obj.id, kind, "rule", rule, evidence)


def cross_references(programme: Programme, similarity: Similarity | None = None) -> list[Link]:
    """Explicit cross-references resolved to the activity meant; stale numbers flagged."""
    links: list[Link] = []
    similarity = similarity or Similarity(programme.current())
    order = {a.id: i for i, a in enumerate(programme.activities)}
    for a in programme.current():
        for text in (*a.progress,):
            for sentence in sentences(text):
                raw = fold(sentence)
                for m in _XREF_RE.finditer(raw):
                    number = int(m.group("n"))
                    direction = m.group("dir")
                    phrase = ""
                    if m.group("open"):
                        before = norm(raw[: m.start()])
                        phrase = " ".join(before.split()[-12:])
                    target = resolve_reference(
                        programme, a, number, direction, phrase, similarity, order
                    )
                    flags: tuple[Flag, ...] = ()
                    if target is None:
                        flags = (
                            Flag(
                                "unresolved-cross-reference",
                                f"{a.id} cites activity {number}: no activity matches",
                                sentence,
                                "progress",
                            ),
                        )
                        links.append(
                            Link(
                                programme.id,
                                a.id,
                                "references",
                                "",
                                "activity",
                                "rule",
                                "cross-reference",
                                sentence,
                                number,
                                flags,
                            )
                        )
                        continue
                    if target.number != number:
                        flags = (
                            Flag(
                                "stale-cross-reference-number",
                                f"{a.id} cites activity {number}; the activity meant is {target.id}"
                                f" (number {target.number}, previously {target.previous_number})",
                                m.group(0).strip(),
                                "progress",
                            ),
                        )
                    links.append(
                        Link(
                            programme.id,
                            a.id,
                            "references",
                            target.id,
                            "activity",
                            "rule",
                            "cross-reference",
                            sentence,
                            number,
                            flags,
                        )
                    )
    return links


def resolve_reference(
    programme: Programme,
    citing: Activity,
    number: int,
    direction: str | None,
    phrase: str,
    similarity: Similarity,
    order: dict[str, int],
) -> Activity | None:
    """The activity a cross-reference means: by content when the phrase says, else by number."""
    here = order[citing.id]
    pool = [
        b
        for b in programme.current()
        if b.section == citing.section
        and b.id != citing.id
        and (
            direction is None
            or (direction == "above" and order[b.id] < here)
            or (direction == "below" and order[b.id] > here)
        )
    ]
    if phrase:
        scored = sorted(
            pool,
            key=lambda b: (
                -round(similarity.score(phrase, b), 6),
                b.number != number,
                b.previous_number != number,
            ),
        )
        best = similarity.score(phrase, scored[0]) if scored else 0.0
        runner_up = similarity.score(phrase, scored[1]) if len(scored) > 1 else 0.0
        # the content decides when it matches well, or clearly better than any other activity
        if best >= CONTENT_THRESHOLD or (best >= 0.3 and best >= 2 * runner_up):
            return scored[0]
    by_current = [b for b in pool if b.number == number]
    by_previous = [b for b in pool if b.previous_number == number]
    # A row renumbered in the revision carries text written against the old numbering.
    preferred = (
        (by_previous, by_current)
        if citing.revision in ("renumbered", "deleted")
        else (by_current, by_previous)
    )
    for group in preferred:
        if group:
            return group[0]
    return None


# --- curated links ----------------------------------------------------------------------------


def curated_links(programmes: Sequence[Programme], base: str = DEFAULT_BASE) -> list[Link]:
    """Curated assertions (ontology/reference/curated-links.ttl) whose subject is loaded."""
    graph = bundled_graph(f"reference/{CURATED_FILE}")
    known = {(p.id, a.id) for p in programmes for a in p.activities}
    activity_re = re.compile(re.escape(DEFAULT_BASE) + r"wp/([^/]+)/activity/([^/]+)$")
    links = []
    for node in sorted(graph.subjects(predicate=WCOKG.linkSubject), key=str):
        subject = str(graph.value(node, WCOKG.linkSubject))
        obj = str(graph.value(node, WCOKG.linkObject))
        prop = str(graph.value(node, WCOKG.linkProperty)).rsplit("#", 1)[-1]
        sm = activity_re.match(subject)
        if sm is None or (sm.group(1), sm.group(2)) not in known:
            continue
        om = activity_re.match(obj)
        if om is not None:
            if (om.group(1), om.group(2)) not in known:
                continue
            target, kind = om.group(2), "activity"
        else:
            target, kind = obj[len(INSTRUMENT_BASE) :], "instrument"
        links.append(
            Link(
                sm.group(1),
                sm.group(2),
                prop,
                target,
                kind,
                "curated",
                str(graph.value(node, WCOKG.rule) or ""),
                str(graph.value(node, WCOKG.evidence) or ""),
            )
        )
    return links


# --- the process that revises an instrument, and sister activities ------------------------------

_REVISION_BEFORE_RE = re.compile(
    r"\b(?:review cycle|review|revision|revising|update|updating)\s+(?:cycle\s+)?of\s+(?:the\s+)?$"
)
_CYCLE_AFTER_RE = re.compile(r"^\s*review cycle\b")
_BARE_CYCLE_RE = re.compile(r"\breview cycle\b")
_TASK_RE = re.compile(
    r"\b(?P<verb>develop|draft|compil|prepar|updat|revis|review|maintain|monitor|organi[sz]"
    r"|conduct|promot|implement|collect|publish)[a-z]*\s+(?P<object>.+)$"
)
_OBJECT_END_RE = re.compile(r"\s(?:of|on|for|to|in|under|concerning|regarding|about|with)\s")


def cycle_edition(instrument: str, programme: Programme, catalogue: Catalogue) -> str | None:
    """The edition of an instrument under development in the programme's cycle: an edition
    whose version is a year from the programme's first to its last year (the latest if several);
    an edition is its own."""
    if instrument in catalogue.edition_of:
        return instrument
    root = instrument
    while root in catalogue.part_of:
        root = catalogue.part_of[root]
    if programme.start_year is None or programme.end_year is None:
        return None
    years = {
        int(version): edition
        for version, edition in catalogue.editions(root).items()
        if re.fullmatch(r"(?:19|20)\d\d", version)
        and programme.start_year <= int(version) <= programme.end_year
    }
    return years[max(years)] if years else None


def revision_links(
    programme: Programme, activity: Activity, catalogue: Catalogue, linked: Sequence[str]
) -> list[Link]:
    """Rule ``revision-process``: the process that revises an instrument ("the SAFE Review
    Cycle", "the revision of X", "the update of X"; a bare "the review cycle" means the
    instruments the title names) leads to the edition under development in the programme's
    cycle, which the activity then feeds. `linked`: instruments the activity already links to."""
    links = []
    for text in (activity.title, *activity.progress):
        for sentence in sentences(text):
            n = norm(sentence)
            named = []
            for m in catalogue.find(sentence):
                before = n[max(0, m.start - 40) : m.start]
                if _CYCLE_AFTER_RE.match(n[m.end :]) or _REVISION_BEFORE_RE.search(before):
                    named.append(m.id)
            if not named and _BARE_CYCLE_RE.search(n):
                named = [i for i in linked if i in catalogue.labels]
            for instrument in named:
                edition = cycle_edition(instrument, programme, catalogue)
                if edition is None or edition in linked:
                    continue
                links.append(
                    Link(
                        programme.id,
                        activity.id,
                        "feeds",
                        edition,
                        "instrument",
                        "rule",
                        "revision-process",
                        sentence,
                    )
                )
    return _dedupe(links)


@dataclass(frozen=True)
class Task:
    """What an activity's title says it does: verb stem, object types, the object's topic."""

    verb: str
    types: frozenset[str]
    topic: frozenset[str]


def task_of(title: str) -> Task | None:
    """The first verb of the title whose object's head noun is a kind of instrument ("Develop
    the new guidelines/tools for expanding the concept of AEO to ..." -> develop, {guidelines,
    tool}, {expanding, concept, aeo}); the topic runs from the head noun to the first "to"."""
    n = norm(title)
    for m in _TASK_RE.finditer(n):
        obj = ARTICLE_RE.sub("", m.group("object"))
        head = _OBJECT_END_RE.split(f"{obj} ", maxsplit=1)[0]
        types = frozenset(t for alt in head.split("/") if (t := instrument_head(alt)) is not None)
        if types:
            rest = obj[len(head) :]
            topic = re.split(r"\sto\s", f"{rest} ", maxsplit=1)[0]
            return Task(m.group("verb"), types, frozenset(tokens(topic)))
    return None


def _family(target: str, catalogue: Catalogue) -> set[str]:
    """A target and, for an edition, its instrument and that instrument's parts."""
    root = catalogue.edition_of.get(target)
    if root is None:
        return {target}
    found = {target, root}
    changed = True
    while changed:
        more = {p for p, whole in catalogue.part_of.items() if whole in found} - found
        found |= more
        changed = bool(more)
    return found


def sister_links(programme: Programme, links: Sequence[Link], catalogue: Catalogue) -> list[Link]:
    """Rule ``sister-activity``: an activity with the same verb and an object of the same type
    as an activity linked by rule to an instrument gets the same kind of link when its text names
    the same instrument (an edition's instrument or its parts count) or the same process (its
    object's topic is phrased the same way). Sister links are not chained."""
    current = {a.id: a for a in programme.current()}
    tasks = {a.id: task_of(a.title) for a in current.values()}
    names: dict[str, set[str]] = {}
    for a in current.values():
        found = {m.id for text in (a.title, *a.progress) for m in catalogue.find(text)}
        names[a.id] = found | {catalogue.edition_of[i] for i in found if i in catalogue.edition_of}
    linked = {(link.subject, link.obj) for link in links}
    made: list[Link] = []
    for link in links:
        task = tasks.get(link.subject)
        if (
            link.programme != programme.id
            or link.method != "rule"
            or link.rule == "sister-activity"
            or link.object_kind != "instrument"
            or link.prop not in FEED_PROPERTIES
            or task is None
        ):
            continue
        family = _family(link.obj, catalogue)
        for other_id, other in tasks.items():
            if other is None or other_id == link.subject or (other_id, link.obj) in linked:
                continue
            if other.verb != task.verb or not (other.types & task.types):
                continue
            same_topic = bool(task.topic) and other.topic == task.topic
            if not (names[other_id] & family or same_topic):
                continue
            made.append(
                Link(
                    programme.id,
                    other_id,
                    link.prop,
                    link.obj,
                    "instrument",
                    "rule",
                    "sister-activity",
                    f"{current[other_id].title} [sister of {link.subject}: same verb"
                    f" ({task.verb}), object type ({', '.join(sorted(other.types & task.types))})"
                    f" and {'topic' if same_topic else 'instrument'}; {link.subject}"
                    f" {link.prop} {link.obj} by {link.rule}: {link.evidence}]",
                )
            )
    return _dedupe(made)


def link_programme(programme: Programme, catalogue: Catalogue) -> list[Link]:
    """Every rule-made link of one programme."""
    similarity = Similarity(programme.current())
    links: list[Link] = []
    for activity in programme.current():
        own = instrument_links(programme, activity, catalogue)
        own += edition_links(programme, activity, catalogue)
        own += revision_links(programme, activity, catalogue, [link.obj for link in own])
        links += own
    links += sister_links(programme, links, catalogue)
    links += dependency_links(programme, similarity)
    links += cross_references(programme, similarity)
    return links


def _dedupe(links: list[Link]) -> list[Link]:
    seen: set[tuple[str, str, str, str]] = set()
    kept = []
    for link in links:
        key = (link.subject, link.prop, link.obj, link.method)
        if key not in seen:
            seen.add(key)
            kept.append(link)
    return kept
