"""Revisions of a programme: which documents are revisions of which, their order, and the one
identity each activity keeps across them. Pure functions over loader records (no RDF, no I/O).

A document is a revision of a programme (same owner body and cycle: the programme id). It is
identified by its document code (``PC0756`` -> ``pc0756``) or, without one, by its content hash
(``sha-`` and 12 hex digits). Revisions are ordered by what the documents state — the session they
report to, then the month, then the document code's number — and, where that does not decide,
by the order they were given in.

Activities are matched between consecutive revisions by identity, never by their numbers alone:
identical rows first; then the tracked-change marks of the later document (``12 11.``: this row
was 12; a struck-out row keeps its old number) when they are relative to the earlier revision
(most marks name the row closest in content) and the named row shares some content
(MARK_THRESHOLD); then a weighted word overlap of title, KPI, timeline, team resources, bodies and
progress (at least THRESHOLD, with titles sharing TITLE_THRESHOLD of their words unless the rest
is STRONG). Each match has a confidence (0-1); a content match with a runner-up nearly as close
is flagged ``ambiguous-revision-match``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cmp_to_key

from wcokg.errors import SourceFormatError
from wcokg.loaders.numbering import printed_previous
from wcokg.loaders.records import Activity, Flag, Programme

WEIGHTS = {
    "title": 0.35,
    "kpi": 0.15,
    "timeline": 0.1,
    "team_resources": 0.1,
    "bodies": 0.1,
    "progress": 0.2,
}
"""Share of each field in the content similarity (sums to 1)."""
THRESHOLD = 0.5
"""Least similarity for two rows to be the same activity ..."""
TITLE_THRESHOLD = 0.25
"""... with at least this word overlap of their titles, unless the rest makes it STRONG."""
STRONG = 0.8
"""Similarity at which a rewritten title does not prevent a match."""
MARK_THRESHOLD = 0.3
"""Least similarity for a row to be the one its tracked-change mark names."""
MARK_AGREEMENT = 0.8
"""Share of marked rows whose mark must name (nearly) their closest row for marks to be trusted."""
MARK_MARGIN = 0.1
"""How much closer another row may be than the row a mark names, for the mark still to agree."""
AMBIGUITY_MARGIN = 0.05
"""A runner-up within this margin of the chosen match makes the match ambiguous."""

_WORD_RE = re.compile(r"\w+")
_CODE_RE = re.compile(r"^([A-Za-z]+)(\d+)")


@dataclass(frozen=True)
class Match:
    """An activity of the later revision and the earlier one it continues (None: added)."""

    later: Activity | None
    earlier: Activity | None
    confidence: float = 1.0
    ambiguous_with: str | None = None


@dataclass(eq=False)
class Revision:
    """One revision of a programme, in order, with the identity key of each of its activities.

    `identities` maps the activity id in this revision (``I-12``) to its identity key, the id it
    had in the revision where it first appeared (``I-11``): the key names its IRI.
    """

    programme: Programme
    id: str
    index: int
    previous: Revision | None = None
    identities: dict[str, str] = field(default_factory=dict)
    matches: list[Match] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        return self.programme.doc_reference


def revision_id(programme: Programme) -> str:
    """``pc0756`` from the document code, else ``sha-`` and the first 12 hex digits of the file."""
    if programme.doc_reference:
        return re.sub(r"[^a-z0-9]+", "-", programme.doc_reference.lower()).strip("-")
    return f"sha-{programme.source_sha256[:12]}"


def _compare(a: Programme, b: Programme) -> int:
    """Order two revisions by what they state; 0 when nothing they state decides."""
    sa, sb = a.session_ordinal, b.session_ordinal
    if sa is not None and sb is not None and sa != sb:
        return -1 if sa < sb else 1
    if a.reports_for and b.reports_for and a.reports_for != b.reports_for:
        return -1 if a.reports_for < b.reports_for else 1
    ca = _CODE_RE.match(a.doc_reference or "")
    cb = _CODE_RE.match(b.doc_reference or "")
    if ca and cb and ca.group(1).upper() == cb.group(1).upper():
        na, nb = int(ca.group(2)), int(cb.group(2))
        if na != nb:
            return -1 if na < nb else 1
    return 0


def order_revisions(programmes: Sequence[Programme]) -> dict[str, list[Programme]]:
    """The documents of each programme in revision order (given order where nothing decides).

    The same document given twice counts once. Raises SourceFormatError when two documents claim
    the same revision id with different content.
    """
    groups: dict[str, list[Programme]] = defaultdict(list)
    for programme in programmes:
        seen = {revision_id(p): p for p in groups[programme.id]}
        rid = revision_id(programme)
        other = seen.get(rid)
        if other is None:
            groups[programme.id].append(programme)
        elif other.source_sha256 != programme.source_sha256:
            raise SourceFormatError(
                programme.source_path,
                f"claims revision {rid} of {programme.id}, already given by "
                f"{other.source_path} with different content",
            )
    # sorted() is stable: documents nothing orders stay in the given order.
    return {wp: sorted(docs, key=cmp_to_key(_compare)) for wp, docs in groups.items()}


def plan_revisions(programmes: Sequence[Programme]) -> list[Revision]:
    """Every revision of every programme, ordered, activities matched and identities assigned.

    The first revision's activities keep their ids as identity keys; a matched activity keeps its
    predecessor's key; an unmatched one takes its own id, or ``{id}-{revision}`` when an earlier
    activity already holds that key. Ambiguous matches add a flag to the later activity.
    """
    revisions: list[Revision] = []
    for docs in order_revisions(programmes).values():
        used: set[str] = set()
        previous: Revision | None = None
        for index, programme in enumerate(docs, start=1):
            revision = Revision(programme, revision_id(programme), index, previous)
            if previous is None:
                revision.matches = [Match(a, None) for a in programme.activities]
            else:
                revision.matches = match_activities(
                    previous.programme.activities, programme.activities
                )
            for match in revision.matches:
                if match.later is None:
                    continue
                if match.earlier is not None and previous is not None:
                    key = previous.identities[match.earlier.id]
                    match.later.match_confidence = round(match.confidence, 2)
                else:
                    key = match.later.id
                    if key in used:
                        key = f"{key}-{revision.id}"
                if match.ambiguous_with and match.earlier is not None:
                    match.later.flags.append(
                        Flag(
                            "ambiguous-revision-match",
                            f"Matched to {match.earlier.id} of revision {previous.id if previous else ''}"
                            f" with confidence {match.confidence:.2f}; {match.ambiguous_with} was"
                            " nearly as close",
                            match.earlier.id,
                        )
                    )
                revision.identities[match.later.id] = key
                used.add(key)
            revisions.append(revision)
            previous = revision
    return revisions


def current_revisions(revisions: Iterable[Revision]) -> list[Revision]:
    """The latest revision of each programme."""
    latest: dict[str, Revision] = {}
    for revision in revisions:
        latest[revision.programme.id] = revision
    return list(latest.values())


# --- matching -------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORD_RE.findall(text))


@dataclass(frozen=True)
class _Profile:
    """The words of each weighted field of one row, and its exact content."""

    activity: Activity
    words: dict[str, frozenset[str]]
    exact: tuple[str, ...]


def _profile(activity: Activity) -> _Profile:
    texts = {
        "title": activity.title,
        "kpi": activity.kpi,
        "timeline": activity.timeline,
        "team_resources": activity.team_resources,
        "bodies": " ".join(b.body_id or b.text for b in activity.bodies),
        "progress": " ".join(activity.progress),
    }
    exact = (activity.section, activity.priority or "", activity.task_type or "", *texts.values())
    return _Profile(activity, {k: _words(v) for k, v in texts.items()}, exact)


def similarity(a: Activity, b: Activity) -> float:
    """Content similarity of two rows in [0, 1] (weighted word overlap per field; 0 when their
    titles share under TITLE_THRESHOLD of their words and the weighted overlap is under STRONG)."""
    return _score(_profile(a), _profile(b))


def _score(a: _Profile, b: _Profile) -> float:
    """Weighted word overlap; 0 when the titles share too little and the rest is not STRONG."""
    total = _weighted(a, b)
    x, y = a.words["title"], b.words["title"]
    title = len(x & y) / len(x | y) if x or y else 1.0
    return total if title >= TITLE_THRESHOLD or total >= STRONG else 0.0


def _weighted(a: _Profile, b: _Profile) -> float:
    total = 0.0
    for key, weight in WEIGHTS.items():
        x, y = a.words[key], b.words[key]
        if not x and not y:
            total += weight
        elif x and y:
            total += weight * len(x & y) / len(x | y)
    return total


def _mark(activity: Activity) -> tuple[str, int] | None:
    """(section, old number) a row's tracked-change mark names: the old number printed before the
    new one (``12 11.``), or the number a struck-out row keeps; None without a mark."""
    if activity.deleted:
        return activity.section, activity.number
    if activity.revision != "renumbered":
        return None
    old = printed_previous(activity.raw_number, activity.number)
    return (activity.section, old) if old is not None else None


def _marks_trusted(before: list[_Profile], after: list[_Profile]) -> dict[int, int]:
    """Later row -> earlier row named by its mark, when the document's marks are relative to the
    earlier revision: for at least MARK_AGREEMENT of the marked rows, no row is closer in content
    than the one the mark names by more than MARK_MARGIN (marks left from an older revision name
    rows clearly less alike than the right ones). Else empty."""
    numbered = {(p.activity.section, p.activity.number): i for i, p in enumerate(before)}
    named: dict[int, int] = {}
    for j, p in enumerate(after):
        mark = _mark(p.activity)
        if mark is not None and mark in numbered:
            named[j] = numbered[mark]
    if not named:
        return {}
    agree = 0
    for j, i in named.items():
        best = max(_weighted(p, after[j]) for p in before)
        agree += best - _weighted(before[i], after[j]) <= MARK_MARGIN
    return named if agree >= MARK_AGREEMENT * len(named) else {}


def match_activities(earlier: Sequence[Activity], later: Sequence[Activity]) -> list[Match]:
    """One Match per row of `later` (earlier None: added), in `later`'s order.

    Rows of `earlier` that no later row continues are not listed (struck without a trace).
    """
    before = [_profile(a) for a in earlier]
    after = [_profile(b) for b in later]
    chosen: dict[int, Match] = {}
    taken: set[int] = set()
    # 1. Identical content: paired in document order; several identical rows are ambiguous.
    groups_before: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, p in enumerate(before):
        groups_before[p.exact].append(i)
    groups_after: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, p in enumerate(after):
        groups_after[p.exact].append(j)
    for key, js in groups_after.items():
        is_ = groups_before.get(key, [])
        ambiguous = len(is_) > 1 or len(js) > 1
        for i, j in zip(is_, js, strict=False):
            other = next((before[k].activity.id for k in is_ if k != i), None)
            chosen[j] = Match(
                after[j].activity,
                before[i].activity,
                1.0,
                other if ambiguous and other else None,
            )
            taken.add(i)
    # 2. Tracked-change marks relative to the earlier revision, with some content in common.
    for j, i in _marks_trusted(before, after).items():
        if j in chosen or i in taken:
            continue
        s = _weighted(before[i], after[j])
        if s >= MARK_THRESHOLD:
            chosen[j] = Match(after[j].activity, before[i].activity, s)
            taken.add(i)
    # 3. The rest by content similarity, best pairs first.
    rest_before = [i for i in range(len(before)) if i not in taken]
    rest_after = [j for j in range(len(after)) if j not in chosen]
    scores: dict[tuple[int, int], float] = {}
    candidates = []
    for j in rest_after:
        for i in rest_before:
            s = _score(before[i], after[j])
            scores[i, j] = s
            if s >= THRESHOLD:
                candidates.append((-s, j, i))
    candidates.sort()
    for negative, j, i in candidates:
        if j in chosen or i in taken:
            continue
        s = -negative
        runner = max(
            (
                (scores[k, j], before[k].activity.id)
                for k in rest_before
                if k != i and scores[k, j] >= THRESHOLD
            ),
            default=None,
        )
        near = runner[1] if runner and runner[0] >= s - AMBIGUITY_MARGIN else None
        chosen[j] = Match(after[j].activity, before[i].activity, s, near)
        taken.add(i)
    return [chosen.get(j, Match(after[j].activity, None, 0.0)) for j in range(len(after))]
