"""Revisions in the store and what changed between two of them.

Each revision lives in its own named graph (with the reference graph, that revision's view);
activities keep one IRI across revisions, so a diff is a pure function of two revision tables
keyed by IRI (`diff_rows`). `wcokg revisions`, `wcokg diff`, the HTTP routes and the build (which
records the changes since every earlier revision for the `changes-since` query) all use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from rdflib.term import Identifier

from wcokg.errors import QueryError
from wcokg.registry import get_query
from wcokg.store.base import GraphStore
from wcokg.table import COLUMNS, ActivityRow, activity_rows

CHANGE_COLUMNS = ("programme", "change", "activity", "previous_activity", "field", "old", "new")
"""The stable columns of `wcokg diff` and `/programmes/{id}/changes`."""
BOOKKEEPING = ("id", "number", "previous_number", "revision", "source_lines", "iri")
"""Activities-table columns that are revision bookkeeping, never content: never a changed field."""
FIELDS = tuple(c for c in COLUMNS if c not in BOOKKEEPING)
"""The activities-table columns compared for `changed` rows, in table order."""
KINDS = ("added", "struck", "renumbered", "changed")
REVISION_COLUMNS = (
    "programme", "revision", "document", "session", "date", "activities", "current", "draft",
)  # fmt: skip
"""The columns of `wcokg revisions`."""

_SECTIONS = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


@dataclass(frozen=True)
class Change:
    """One row of a diff. For `renumbered`, `old` and `new` are the numbers and `field` is empty."""

    programme: str
    change: str
    activity: str
    previous_activity: str
    field: str = ""
    old: str = ""
    new: str = ""
    iri: str = dataclass_field(default="", compare=False)
    """The activity's IRI (the same in both revisions); not one of the stable columns."""

    def as_dict(self) -> dict[str, object]:
        """The stable columns (CHANGE_COLUMNS)."""
        return {c: getattr(self, c) for c in CHANGE_COLUMNS}


@dataclass(frozen=True)
class RevisionInfo:
    """A stored revision: its programme, id, named graph and what the document states."""

    programme: str
    id: str
    iri: str
    index: int
    document: str
    code: str
    session: str
    date: str
    activities: int
    current: bool
    reference: str
    """The reference graph (ontology, codelists, bodies) read with the revision's graph."""
    draft: bool = False
    """The draft revision made of the edits (README: Editing)."""

    @property
    def graphs(self) -> tuple[str, ...]:
        """The default graph of a query over this revision's view."""
        return (self.iri, self.reference)

    def row(self) -> dict[str, object]:
        """The row of `wcokg revisions` (REVISION_COLUMNS)."""
        return {
            "programme": self.programme,
            "revision": self.id,
            "document": self.code or self.document,
            "session": self.session,
            "date": self.date,
            "activities": self.activities,
            "current": self.current,
            "draft": self.draft,
        }


def _value(row: ActivityRow, name: str) -> str:
    value = getattr(row, name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def diff_rows(
    programme: str, earlier: Sequence[ActivityRow], later: Sequence[ActivityRow]
) -> list[Change]:
    """The changes from one revision's table to another's (rows with struck-out ones included).

    Activities are the same when their IRIs are (identity is assigned when building). Added:
    current in `later`, not in `earlier`; struck: current in `earlier`, struck out or absent in
    `later`; renumbered: a different id; changed: one row per content field (FIELDS) whose value
    differs. Ordered by section and number, then kind and field.
    """
    before_all = {r.iri: r for r in earlier}
    before = {r.iri: r for r in earlier if r.revision != "deleted"}
    after_all = {r.iri: r for r in later}
    after = {r.iri: r for r in later if r.revision != "deleted"}
    keyed: list[tuple[tuple[int, str, int, int, int], Change]] = []

    def add(row: ActivityRow, kind: str, change: Change, field_index: int = 0) -> None:
        key = (_SECTIONS.get(row.section, 99), row.section, row.number, KINDS.index(kind))
        keyed.append(((*key, field_index), change))

    for iri, new in after.items():
        old = before.get(iri)
        if old is None:
            gone = before_all.get(iri)
            add(new, "added", Change(programme, "added", new.id, gone.id if gone else "", iri=iri))
            continue
        if old.id != new.id:
            change = Change(
                programme, "renumbered", new.id, old.id, "", str(old.number), str(new.number), iri
            )
            add(new, "renumbered", change)
        for index, name in enumerate(FIELDS):
            was, now = _value(old, name), _value(new, name)
            if was != now:
                add(
                    new,
                    "changed",
                    Change(programme, "changed", new.id, old.id, name, was, now, iri),
                    index,
                )
    for iri, old in before.items():
        if iri not in after:
            struck = after_all.get(iri)
            add(
                old,
                "struck",
                Change(programme, "struck", struck.id if struck else "", old.id, iri=iri),
            )
    keyed.sort(key=lambda pair: pair[0])
    return [change for _, change in keyed]


def _text(row: dict[str, Identifier], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value)


def list_revisions(store: GraphStore, programme: str | None = None) -> list[RevisionInfo]:
    """The stored revisions, by programme and order (`queries/revisions.rq`)."""
    rows = get_query("revisions").run(store).rows
    found = [
        RevisionInfo(
            programme=_text(r, "programme"),
            id=_text(r, "revision"),
            iri=_text(r, "iri"),
            index=int(_text(r, "index")),
            document=_text(r, "document"),
            code=_text(r, "code"),
            session=_text(r, "session"),
            date=_text(r, "date"),
            activities=int(_text(r, "activities") or 0),
            current=_text(r, "current") == "true",
            reference=_text(r, "reference"),
            draft=_text(r, "draft") == "true",
        )
        for r in rows
    ]
    if programme is not None:
        known = sorted({r.programme for r in found})
        if programme not in known:
            raise QueryError(
                f"unknown programme {programme!r}; programmes: {', '.join(known) or 'none'}"
            )
        found = [r for r in found if r.programme == programme]
    return sorted(found, key=lambda r: (r.programme, r.index))


def find_revision(revisions: Sequence[RevisionInfo], name: str) -> RevisionInfo:
    """The revision named by its id (``pc0756``) or document code (``PC0756``); QueryError if
    none or several match."""
    wanted = name.strip().casefold()
    found = [r for r in revisions if wanted in (r.id.casefold(), r.code.casefold())]
    if len(found) == 1:
        return found[0]
    known = ", ".join(f"{r.programme}:{r.id}" for r in revisions) or "none"
    if not found:
        raise QueryError(f"unknown revision {name!r}; revisions: {known}")
    raise QueryError(f"revision {name!r} names several revisions ({known}): give --programme")


def revision_table(store: GraphStore, revision: RevisionInfo) -> list[ActivityRow]:
    """The activities table of one revision, struck-out rows included."""
    return activity_rows(store, include_deleted=True, graphs=revision.graphs)


def pairs(
    revisions: Sequence[RevisionInfo], start: str | None = None, end: str | None = None
) -> list[tuple[RevisionInfo, RevisionInfo]]:
    """Which revisions to compare: the named ones, or by default the last two of each programme
    (`start` alone: from it to its programme's current revision; `end` alone: from the one
    before it)."""
    if start is None and end is None:
        by_programme: dict[str, list[RevisionInfo]] = {}
        for r in revisions:
            by_programme.setdefault(r.programme, []).append(r)
        return [(rs[-2], rs[-1]) for rs in by_programme.values() if len(rs) >= 2]
    later = find_revision(revisions, end) if end else None
    earlier = find_revision(revisions, start) if start else None
    programme = (earlier or later).programme  # type: ignore[union-attr]
    own = [r for r in revisions if r.programme == programme]
    if later is None:
        later = own[-1]
    if earlier is None:
        before = [r for r in own if r.index < later.index]
        if not before:
            raise QueryError(f"revision {later.id} has no earlier revision to compare with")
        earlier = before[-1]
    if earlier.programme != later.programme:
        raise QueryError(
            f"revisions {earlier.id} and {later.id} belong to different programmes "
            f"({earlier.programme}, {later.programme})"
        )
    return [(earlier, later)]


def diff_store(
    store: GraphStore,
    programme: str | None = None,
    start: str | None = None,
    end: str | None = None,
    recorded: bool = True,
) -> list[Change]:
    """The changes between two stored revisions (default: the last two of each programme).

    Changes to the current revision are read as the build recorded them (`recorded_changes`,
    one query) unless `recorded` is False or it is the draft (made after the build); others are
    computed from the two revision tables.
    """
    revisions = list_revisions(store, programme)
    changes: list[Change] = []
    for earlier, later in pairs(revisions, start, end):
        if later.current and recorded and not later.draft:
            changes += recorded_changes(store, earlier)
        else:
            changes += diff_rows(
                earlier.programme, revision_table(store, earlier), revision_table(store, later)
            )
    return changes


def recorded_changes(store: GraphStore, earlier: RevisionInfo) -> list[Change]:
    """The changes from `earlier` to the current revision as the build recorded them
    (`queries/changes-since.rq`): the same rows `diff_rows` gives, without reading two tables."""
    rows = get_query("changes-since").run(store, {"revision": earlier.id}).rows
    return [
        Change(**{c: _text(r, c) for c in CHANGE_COLUMNS}, iri=_text(r, "iri"))
        for r in rows
        if _text(r, "programme") == earlier.programme and _text(r, "since") == earlier.id
    ]


@dataclass(frozen=True)
class HistoryEntry:
    """An activity in one revision: its id there, how the document marked it, status, milestones."""

    revision: str
    code: str
    id: str
    state: str
    status: str
    milestones: tuple[str, ...]


def activity_history(store: GraphStore, activity_id: str) -> list[HistoryEntry]:
    """The activity (by its id in the current view) in every revision holding it, earliest first
    (`queries/activity-history.rq`)."""
    rows = get_query("activity-history").run(store, {"activity": activity_id}).rows
    heads: dict[str, tuple[str, str, str, str, str]] = {}
    milestones: dict[str, list[str]] = {}
    for row in rows:
        revision = _text(row, "revision")
        heads.setdefault(
            revision,
            (
                revision,
                _text(row, "code"),
                _text(row, "id"),
                _text(row, "state"),
                _text(row, "status"),
            ),
        )
        found = milestones.setdefault(revision, [])
        milestone = _text(row, "milestone")
        if milestone and milestone not in found:
            found.append(milestone)
    return [HistoryEntry(*head, tuple(milestones[key])) for key, head in heads.items()]
