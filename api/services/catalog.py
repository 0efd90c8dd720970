"""The programme as typed models, read from the named queries once per graph version.

Activities, bodies, instruments, meetings, links and outcomes are small (hundreds of rows), so
one snapshot per stored version answers every listing, filter and page without another query;
a rebuild gives a new version id and a new snapshot.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from rdflib.term import Identifier

from wcokg.api.models import (
    Activity,
    ActivitySummary,
    Allocation,
    Body,
    BodyRef,
    Edition,
    FeedingActivity,
    Flag,
    Instrument,
    InstrumentRef,
    Link,
    Meeting,
    MeetingSummary,
    Milestone,
    OutcomeRef,
    Provenance,
    RawCell,
)
from wcokg.api.services.refresh import Refreshed
from wcokg.api.services.urls import local_url
from wcokg.registry import get_query
from wcokg.store.base import GraphStore
from wcokg.table import activity_query_rows, activity_rows

T = TypeVar("T")

FEED_PROPERTIES = ("feeds", "produces", "updates", "maintains", "promotes")
STATUS_ORDER = ("Not started", "In progress", "Postponed", "Completed")


def _text(row: dict[str, Identifier], key: str) -> str | None:
    value = row.get(key)
    return None if value is None else str(value)


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class Snapshot:
    """Everything the API lists, for one graph version."""

    version: str | None
    base: str
    today: date
    activities: dict[str, Activity] = field(default_factory=dict)
    by_iri: dict[str, Activity] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    instruments: dict[str, Instrument] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    calendar: dict[str, list[int]] = field(default_factory=dict)
    derived: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)
    """What pages compute from this version (page contexts, embedded JSON-LD), kept with it."""
    _derived_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once for this graph version (its value is shared: do not change it)."""
        try:
            return self.derived[key]
        except KeyError:
            pass
        value = compute()
        with self._derived_lock:
            return self.derived.setdefault(key, value)

    def current(self) -> list[Activity]:
        return [a for a in self.activities.values() if a.revision != "deleted"]

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or _local_name(iri)


SNAPSHOT_SETTLE_SECONDS = 0.5
SNAPSHOT_MAX_STALE_SECONDS = 3.0
"""While edits come, lists and counts follow them within these seconds (the edited activity's
own page and REST answer show an edit at once: `fresh_activity`)."""


class Catalog:
    """One Snapshot per (store, base, day), the newest version's (`api.services.refresh`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshots: dict[tuple[int, str, str, date], Refreshed[Snapshot]] = {}
        self.prepare: Callable[[Snapshot, GraphStore], None] | None = None
        """What pages derive from every snapshot, made with it before it is served (the app
        sets it: `views.prepare_snapshot`), so no reader pays for it."""

    def _of(self, store: GraphStore, base: str, today: date) -> Refreshed[Snapshot]:
        key = (id(store), store.location, base, today)
        with self._lock:
            found = self._snapshots.get(key)
            if found is None:
                # other days and bases of this store are done with
                self._snapshots = {k: v for k, v in self._snapshots.items() if k[:2] != key[:2]}
                found = self._snapshots[key] = Refreshed(
                    "snapshot", SNAPSHOT_SETTLE_SECONDS, SNAPSHOT_MAX_STALE_SECONDS
                )
            return found

    def cached(
        self, store: GraphStore, version: str | None, base: str, today: date | None = None
    ) -> Snapshot | None:
        """The snapshot of `version` if it is built already (never builds, never blocks long)."""
        return self._of(store, base, today or date.today()).cached(version)

    def snapshot(
        self, store: GraphStore, base: str, today: date | None = None, *, stale_ok: bool = False
    ) -> Snapshot:
        """The current version's snapshot (built now if need be); with `stale_ok`, the newest
        one built while the current one is built in the background."""
        today = today or date.today()
        return self._of(store, base, today).get(
            store.version(),
            lambda version: self._build(store, _version(version), base, today),
            stale_ok=stale_ok,
            current=store.version,
        )

    def _build(self, store: GraphStore, version: str | None, base: str, today: date) -> Snapshot:
        snap = build_snapshot(store, version, base, today)
        if self.prepare is not None:
            self.prepare(snap, store)
        return snap


def _version(key: object) -> str | None:
    return key if isinstance(key, str) else None


CATALOG = Catalog()


def snapshot(
    store: GraphStore, base: str, today: date | None = None, *, stale_ok: bool = False
) -> Snapshot:
    """The snapshot of the store's current version (see `Catalog.snapshot`)."""
    return CATALOG.snapshot(store, base, today, stale_ok=stale_ok)


def build_snapshot(store: GraphStore, version: str | None, base: str, today: date) -> Snapshot:
    snap = Snapshot(version=version, base=base, today=today)
    for row in get_query("labels").run(store).rows:
        name = _text(row, "name") or ""
        snap.labels[str(row["iri"])] = name[1:]
    _activities(snap, store)
    _links(snap, store)
    _bodies(snap, store)
    _instruments(snap, store)
    _meetings_and_outcomes(snap, store)
    for row in get_query("session-calendar").run(store).rows:
        snap.calendar.setdefault(str(row["body_id"]), []).append(int(str(row["month"])))
    return snap


def fresh_activity(snap: Snapshot, store: GraphStore, activity_id: str, seq: int) -> Activity:
    """The activity as the store holds it now, for a snapshot that may be older than its
    latest edit: its own fields and what they give (milestones, allocations, FTE, flags,
    status) read again for it alone (a few small queries), its links and outcomes (which edits
    do not change) kept; once per snapshot and `seq`, the log's seq of the activity's latest
    edit read before (`EditService.etag_and_seq`; the store holds an edit before the log does):
    other activities' edits do not make it read again (the REST answer and the page share it)."""
    return snap.remember(
        ("fresh-activity", activity_id, seq),
        lambda: _fresh(snap, store, activity_id, store.version()),
    )


def _fresh(snap: Snapshot, store: GraphStore, activity_id: str, version: str | None) -> Activity:
    old = snap.activities[activity_id]
    scratch = Snapshot(version=version, base=snap.base, today=snap.today)
    _activities(scratch, store, only=old.iri)
    new = scratch.by_iri.get(old.iri)
    if new is None:
        return old
    return new.model_copy(update={"links": old.links, "outcomes": old.outcomes})


def _activities(snap: Snapshot, store: GraphStore, only: str | None = None) -> None:
    def rows(name: str) -> list[dict[str, Identifier]]:
        return activity_query_rows(store, name, only=only)

    milestones: dict[str, list[Milestone]] = defaultdict(list)
    for row in rows("activity-milestones"):
        milestones[str(row["iri"])].append(
            Milestone(
                rank=int(str(row["rank"])),
                when=_text(row, "when") or "",
                due_by=date.fromisoformat(str(row["due_by"])),
                body_id=_text(row, "body_id"),
                body_text=_text(row, "body_text"),
                overdue=False,
            )
        )
    allocations: dict[str, list[Allocation]] = defaultdict(list)
    for row in rows("activity-allocations"):
        allocations[str(row["iri"])].append(
            Allocation(
                label=_text(row, "text") or "",
                fte_min=float(Decimal(str(row["fte_min"]))) if "fte_min" in row else None,
                fte_max=float(Decimal(str(row["fte_max"]))) if "fte_max" in row else None,
                unit_id=_text(row, "unit_id"),
            )
        )
    flags: dict[str, list[Flag]] = defaultdict(list)
    for row in rows("activity-flags"):
        flags[str(row["iri"])].append(
            Flag(
                code=_text(row, "code") or "",
                message=_text(row, "message"),
                column=_text(row, "column"),
                value=_text(row, "value"),
            )
        )
    for r in activity_rows(store, include_deleted=True, only=only):
        done = r.status == "Completed"
        ms = [
            m.model_copy(update={"overdue": not done and m.due_by < snap.today})
            for m in milestones.get(r.iri, [])
        ]
        upcoming = [m.due_by for m in ms if m.due_by >= snap.today]
        first, _, last = r.source_lines.partition("-")
        activity = Activity(
            id=r.id,
            iri=r.iri,
            url=local_url(r.iri, snap.base),
            programme=r.iri.split("/activity/")[0] if "/activity/" in r.iri else None,
            section=r.section,
            number=r.number,
            revision=r.revision,
            title=r.title,
            priority=r.priority or None,
            status=r.status,
            task_type=r.task_type or None,
            lead_body=r.lead_body or None,
            responsible_bodies=_split(r.responsible_bodies),
            strategic_codes=_split(r.strategic_codes),
            continuous=r.continuous,
            next_due=min(upcoming) if upcoming else None,
            previous_number=r.previous_number,
            strategic_link=r.strategic_link or None,
            timeline=r.timeline,
            kpi=r.kpi,
            team_resources=r.team_resources,
            fte_min=r.fte_min or None,
            fte_max=r.fte_max or None,
            progress=r.progress,
            milestones=ms,
            allocations=allocations.get(r.iri, []),
            flags=flags.get(r.iri, []),
            previous=r.previous,
            provenance=Provenance(
                source_lines=r.source_lines,
                first_line=int(first) if first.isdigit() else None,
                last_line=int(last or first) if (last or first).isdigit() else None,
            ),
        )
        snap.activities[r.id] = activity
        snap.by_iri[r.iri] = activity


def _split(text: str) -> list[str]:
    return [part for part in text.split("; ") if part]


def _links(snap: Snapshot, store: GraphStore) -> None:
    seen: set[tuple[str, str, str]] = set()
    rows = get_query("link-edges").run(store).rows
    # A specific property (produces) wins over its superproperty (feeds) for the same pair.
    specific = {
        (str(r["source"]), str(r["target"]))
        for r in rows
        if _local_name(str(r["property"])) in FEED_PROPERTIES[1:]
    }
    for row in rows:
        source, target = str(row["source"]), str(row["target"])
        prop = _local_name(str(row["property"]))
        if prop == "feeds" and (source, target) in specific:
            continue
        if (source, prop, target) in seen:
            continue
        seen.add((source, prop, target))
        kind = _text(row, "target_kind") or "other"
        rule, evidence = _text(row, "rule"), _text(row, "evidence")
        subject = snap.by_iri.get(source)
        if subject is not None:
            subject.links.append(
                Link(
                    property=prop,
                    direction="out",
                    other_id=_text(row, "target_id"),
                    other_iri=target,
                    other_label=_text(row, "target_label") or snap.label(target),
                    other_kind=kind,
                    url=local_url(target, snap.base),
                    rule=rule,
                    evidence=evidence,
                )
            )
        other = snap.by_iri.get(target)
        if other is not None and subject is not None:
            other.links.append(
                Link(
                    property=prop,
                    direction="in",
                    other_id=subject.id,
                    other_iri=source,
                    other_label=subject.title,
                    other_kind="activity",
                    url=subject.url,
                    rule=rule,
                    evidence=evidence,
                )
            )


def _bodies(snap: Snapshot, store: GraphStore) -> None:
    rows = get_query("working-bodies").run(store).rows
    parents: dict[str, str] = {}
    for row in rows:
        body_id = str(row["id"])
        if body_id in snap.bodies:
            continue
        iri = str(row["iri"])
        snap.bodies[body_id] = Body(
            id=body_id,
            iri=iri,
            label=_text(row, "label") or body_id,
            notation=_text(row, "notation"),
            url=local_url(iri, snap.base),
            source=_text(row, "source"),
            scope_note=_text(row, "scope_note"),
        )
        if "parent_id" in row:
            parents[body_id] = str(row["parent_id"])
    for body_id, body in snap.bodies.items():
        ref = body_ref(body)
        parent = snap.bodies.get(parents.get(body_id, ""))
        if parent is not None:
            body.reports_to = body_ref(parent)
            parent.sub_bodies.append(ref)
        line, seen, step = [], {body_id}, parents.get(body_id)
        while step and step in snap.bodies and step not in seen:
            seen.add(step)
            line.append(body_ref(snap.bodies[step]))
            step = parents.get(step)
        body.reporting_line = line
    for activity in snap.current():
        for body_id in activity.responsible_bodies:
            found = snap.bodies.get(body_id)
            if found is None:
                continue
            summary = summarise(activity)
            found.activities.append(summary)
            if activity.lead_body == body_id:
                found.lead_activities.append(summary)


def body_ref(body: Body | BodyRef) -> BodyRef:
    return BodyRef(id=body.id, iri=body.iri, label=body.label, notation=body.notation, url=body.url)


def summarise(activity: Activity) -> ActivitySummary:
    return ActivitySummary.model_validate(
        activity.model_dump(include=set(ActivitySummary.model_fields))
    )


def instrument_ref(instrument: Instrument) -> InstrumentRef:
    return InstrumentRef.model_validate(
        instrument.model_dump(include=set(InstrumentRef.model_fields))
    )


def _instruments(snap: Snapshot, store: GraphStore) -> None:
    edition_of: dict[str, str] = {}
    part_of: dict[str, str] = {}
    for row in get_query("instrument-list").run(store).rows:
        inst_id = str(row["id"])
        if inst_id in snap.instruments:
            continue
        iri = str(row["iri"])
        snap.instruments[inst_id] = Instrument(
            id=inst_id,
            iri=iri,
            label=_text(row, "label") or inst_id,
            kind=_text(row, "kind") or "instrument",
            type=_text(row, "type"),
            url=local_url(iri, snap.base),
            version=_text(row, "version"),
            scope_note=_text(row, "scope_note"),
        )
        if "edition_of" in row:
            edition_of[inst_id] = str(row["edition_of"])
        if "part_of" in row:
            part_of[inst_id] = str(row["part_of"])
    # Who feeds what: direct feeders from the activities' links, upstream through dependsOn.
    feeders: dict[str, list[FeedingActivity]] = defaultdict(list)
    for activity in snap.current():
        for link in activity.links:
            if link.direction != "out" or link.property not in FEED_PROPERTIES:
                continue
            if link.other_id not in snap.instruments:
                continue
            for upstream in _upstream(snap, activity):
                feeders[link.other_id].append(
                    FeedingActivity(
                        id=upstream.id,
                        title=upstream.title,
                        status=upstream.status,
                        url=upstream.url,
                        via=activity.id,
                        property=link.property,
                        instrument_id=link.other_id,
                    )
                )
    for inst_id, inst in snap.instruments.items():
        if inst_id in edition_of and edition_of[inst_id] in snap.instruments:
            whole = snap.instruments[edition_of[inst_id]]
            inst.edition_of = instrument_ref(whole)
            whole.editions.append(
                Edition(
                    **instrument_ref(inst).model_dump(),
                    version=inst.version,
                    activities=feeders.get(inst_id, []),
                )
            )
        if inst_id in part_of and part_of[inst_id] in snap.instruments:
            whole = snap.instruments[part_of[inst_id]]
            inst.part_of = instrument_ref(whole)
            whole.parts.append(instrument_ref(inst))
    for inst_id, inst in snap.instruments.items():
        found: dict[tuple[str, str, str], FeedingActivity] = {}
        for member in _members(snap, inst_id, edition_of, part_of):
            for feeder in feeders.get(member, []):
                found.setdefault((feeder.id, feeder.via, feeder.instrument_id), feeder)
        inst.activities = sorted(found.values(), key=lambda f: _activity_key(snap, f.id))


def _members(
    snap: Snapshot, inst_id: str, edition_of: dict[str, str], part_of: dict[str, str]
) -> list[str]:
    """The instrument with its editions and parts (transitively)."""
    members, todo = [inst_id], [inst_id]
    while todo:
        current = todo.pop()
        for child in snap.instruments:
            if child not in members and current in (edition_of.get(child), part_of.get(child)):
                members.append(child)
                todo.append(child)
    return members


def _upstream(snap: Snapshot, activity: Activity) -> list[Activity]:
    """The activity and every activity it depends on, transitively."""
    found, todo = [activity], [activity]
    while todo:
        current = todo.pop()
        for link in current.links:
            if link.direction == "out" and link.property == "dependsOn":
                other = snap.by_iri.get(link.other_iri)
                if other is not None and other not in found:
                    found.append(other)
                    todo.append(other)
    return found


def _activity_key(snap: Snapshot, activity_id: str) -> tuple[int, str, int]:
    activity = snap.activities.get(activity_id)
    if activity is None:
        return (99, activity_id, 0)
    return (1 if activity.section == "I" else 2, activity.section, activity.number)


def _meetings_and_outcomes(snap: Snapshot, store: GraphStore) -> None:
    for row in get_query("meeting-list").run(store).rows:
        meeting_id = str(row["id"])
        if meeting_id in snap.meetings:
            continue
        iri = str(row["iri"])
        sessions = [int(s) for s in (_text(row, "sessions") or "").split("; ") if s.isdigit()]
        start, end = _text(row, "start"), _text(row, "end")
        snap.meetings[meeting_id] = Meeting(
            id=meeting_id,
            iri=iri,
            label=_text(row, "label") or meeting_id,
            url=local_url(iri, snap.base),
            body_id=_text(row, "body_id"),
            start=date.fromisoformat(start) if start else None,
            end=date.fromisoformat(end) if end else None,
            month=_text(row, "month"),
            venue=_text(row, "venue"),
            participants=_text(row, "participants"),
            sessions=sorted(sessions),
        )
    by_iri = {m.iri: m for m in snap.meetings.values()}
    for row in get_query("outcome-list").run(store).rows:
        meeting = by_iri.get(str(row["meeting"]))
        if meeting is None:
            continue
        subject = _text(row, "subject")
        outcome = OutcomeRef(
            meeting_id=meeting.id,
            meeting_iri=meeting.iri,
            meeting_label=meeting.label,
            meeting_date=str(meeting.start) if meeting.start else meeting.month,
            verb=_text(row, "verb"),
            subject_id=_text(row, "subject_id"),
            subject_iri=subject,
            subject_label=_text(row, "subject_label") or (snap.label(subject) if subject else None),
            evidence=_text(row, "evidence"),
        )
        meeting.outcomes.append(outcome)
        if subject and subject in snap.by_iri:
            snap.by_iri[subject].outcomes.append(outcome)
        elif outcome.subject_id in snap.instruments:
            snap.instruments[outcome.subject_id].outcomes.append(outcome)
    for activity in snap.activities.values():
        activity.outcomes.sort(key=lambda o: (o.meeting_date or "", o.meeting_id))
    for meeting in snap.meetings.values():
        body = snap.bodies.get(meeting.body_id or "")
        if body is not None:
            body.meetings.append(meeting_summary(meeting))


def meeting_summary(meeting: Meeting) -> MeetingSummary:
    return MeetingSummary.model_validate(
        meeting.model_dump(include=set(MeetingSummary.model_fields))
    )


# --- provenance on demand (raw cells are many; read per activity) ---------------------------


def provenance(store: GraphStore, activity: Activity) -> Provenance:
    """The activity's provenance with the source document and the raw text of every cell."""
    rows = get_query("activity-source").run(store, {"iri": activity.iri}).rows
    result = activity.provenance.model_copy()
    cells: list[RawCell] = []
    for row in rows:
        result.document = _text(row, "document")
        result.document_name = _text(row, "document_name")
        result.document_id = _text(row, "document_id")
        if "column" in row:
            cells.append(RawCell(column=str(row["column"]), value=_text(row, "raw") or ""))
    result.raw_cells = cells
    return result


# --- filters -------------------------------------------------------------------------------


def _norm(text: str | None) -> str:
    return (text or "").strip().lower().replace("-", " ").replace("_", " ")


@dataclass(frozen=True)
class ActivityFilter:
    section: str | None = None
    status: str | None = None
    priority: str | None = None
    task_type: str | None = None
    body: str | None = None
    instrument: str | None = None
    strategic_code: str | None = None
    due_before: date | None = None
    due_after: date | None = None
    q: str | None = None
    include_deleted: bool = False

    def apply(self, snap: Snapshot) -> list[Activity]:
        items: Iterable[Activity] = (
            snap.activities.values() if self.include_deleted else snap.current()
        )
        if self.section:
            items = [a for a in items if a.section.lower() == self.section.strip().lower()]
        if self.status:
            items = [a for a in items if _norm(a.status) == _norm(self.status)]
        if self.priority:
            items = [a for a in items if _norm(a.priority) == _norm(self.priority)]
        if self.task_type:
            items = [a for a in items if _norm(a.task_type) == _norm(self.task_type)]
        if self.body:
            wanted = self.body.strip().lower()
            items = [a for a in items if wanted in (b.lower() for b in a.responsible_bodies)]
        if self.strategic_code:
            code = self.strategic_code.strip().upper()
            items = [a for a in items if code in a.strategic_codes]
        if self.instrument:
            inst = snap.instruments.get(self.instrument.strip())
            ids = {f.id for f in inst.activities} if inst else set()
            items = [a for a in items if a.id in ids]
        if self.due_before:
            before = self.due_before
            items = [a for a in items if any(m.due_by <= before for m in a.milestones)]
        if self.due_after:
            after = self.due_after
            items = [a for a in items if any(m.due_by >= after for m in a.milestones)]
        if self.q:
            words = self.q.lower().split()
            items = [a for a in items if all(w in _haystack(a) for w in words)]
        return list(items)


def _haystack(activity: Activity) -> str:
    return " ".join(
        [
            activity.id,
            activity.title,
            activity.kpi,
            activity.progress,
            activity.timeline,
            activity.team_resources,
            " ".join(activity.responsible_bodies),
            " ".join(activity.strategic_codes),
        ]
    ).lower()


def counts(items: Iterable[Activity], key: str, order: Iterable[str] = ()) -> list[tuple[str, int]]:
    """(value, count) pairs of one field over activities, in `order` then by count."""
    tally: dict[str, int] = defaultdict(int)
    for activity in items:
        value = getattr(activity, key)
        values = value if isinstance(value, list) else [value]
        for v in values or ["(none)"]:
            tally[str(v) if v is not None else "(none)"] += 1
    known = [(v, tally.pop(v)) for v in order if v in tally]
    return known + sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
