"""Response models of the REST API (pydantic): what `/activities`, `/bodies`, ... answer.

They document the API in OpenAPI and are what the services hand to the routers and templates.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class Milestone(BaseModel):
    rank: int = Field(description="Position in the Timeline cell (1 is the first)")
    when: str = Field(description="YYYY-MM or YYYY as written")
    due_by: date = Field(description="Last day of the month (or year) of the milestone")
    body_id: str | None = Field(
        default=None, description="Working body at which the milestone falls"
    )
    body_text: str | None = Field(default=None, description="The body as written")
    overdue: bool = Field(description="Due before today and the activity is not completed")


class Allocation(BaseModel):
    label: str = Field(description="The allocation as written in the Team resources cell")
    fte_min: float | None = None
    fte_max: float | None = None
    unit_id: str | None = Field(default=None, description="Secretariat unit")


class Flag(BaseModel):
    code: str
    message: str | None = None
    column: str | None = None
    value: str | None = None


class Link(BaseModel):
    """A link between an activity and an instrument or another activity."""

    property: str = Field(
        description="feeds, produces, updates, maintains, promotes, dependsOn or references"
    )
    direction: str = Field(description="'out' (this activity is the subject) or 'in'")
    other_id: str | None = Field(default=None, description="Identifier of the other end")
    other_iri: str
    other_label: str | None = None
    other_kind: str = Field(description="activity, instrument, edition or other")
    url: str | None = Field(default=None, description="Page of the other end on this server")
    rule: str | None = Field(default=None, description="The rule (or curator's justification)")
    evidence: str | None = Field(default=None, description="The text the link was read from")


class OutcomeRef(BaseModel):
    """What a meeting did with an activity or instrument."""

    meeting_id: str
    meeting_iri: str
    meeting_label: str | None = None
    meeting_date: str | None = Field(default=None, description="Start date or month of the meeting")
    verb: str | None = Field(
        default=None, description="endorsed, approved, adopted, took-note, ..."
    )
    subject_id: str | None = None
    subject_iri: str | None = None
    subject_label: str | None = None
    evidence: str | None = None


class RawCell(BaseModel):
    column: str
    value: str


class Provenance(BaseModel):
    document: str | None = Field(default=None, description="IRI of the source document")
    document_name: str | None = None
    document_id: str | None = None
    first_line: int | None = None
    last_line: int | None = None
    source_lines: str = Field(description="'31' or '205-214'")
    raw_cells: list[RawCell] = Field(default_factory=list, description="Cells as written")


class ActivitySummary(BaseModel):
    id: str = Field(description="Section-scoped id, e.g. I-1")
    iri: str
    url: str = Field(description="Page of the activity on this server")
    programme: str | None = None
    section: str
    number: int
    revision: str
    title: str
    priority: str | None = None
    status: str
    task_type: str | None = None
    lead_body: str | None = None
    responsible_bodies: list[str] = Field(default_factory=list)
    strategic_codes: list[str] = Field(default_factory=list)
    continuous: bool
    next_due: date | None = Field(default=None, description="Earliest milestone not yet past")


class Activity(ActivitySummary):
    """Every field of an activity with its milestones, allocations, links and provenance."""

    previous_number: int | None = None
    strategic_link: str | None = Field(default=None, description="Y or N")
    timeline: str
    kpi: str
    team_resources: str
    fte_min: str | None = None
    fte_max: str | None = None
    progress: str
    milestones: list[Milestone] = Field(default_factory=list)
    allocations: list[Allocation] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    outcomes: list[OutcomeRef] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    provenance: Provenance
    previous: dict[str, str] = Field(
        default_factory=dict,
        description="Text before the document's tracked revision, for exactly the columns the "
        "revision changed (column key -> previous text; number: the previous number)",
    )


class ActivityPage(BaseModel):
    total: int = Field(description="Activities matching the filters")
    offset: int
    limit: int
    items: list[ActivitySummary]
    next: str | None = Field(default=None, description="URL of the next page")
    previous: str | None = Field(default=None, description="URL of the previous page")


class BodyRef(BaseModel):
    id: str
    iri: str
    label: str
    notation: str | None = None
    url: str


class Body(BodyRef):
    reports_to: BodyRef | None = None
    reporting_line: list[BodyRef] = Field(
        default_factory=list, description="From this body's parent up to the Council"
    )
    sub_bodies: list[BodyRef] = Field(default_factory=list)
    source: str | None = Field(default=None, description="Where the reporting line comes from")
    scope_note: str | None = None
    lead_activities: list[ActivitySummary] = Field(default_factory=list)
    activities: list[ActivitySummary] = Field(
        default_factory=list, description="Activities the body is responsible for (any rank)"
    )
    meetings: list[MeetingSummary] = Field(default_factory=list)


class InstrumentRef(BaseModel):
    id: str
    iri: str
    label: str
    kind: str = Field(description="instrument or edition")
    type: str | None = Field(default=None, description="Convention, Guidelines, ...")
    url: str


class FeedingActivity(BaseModel):
    id: str
    title: str
    status: str
    url: str
    via: str = Field(description="The activity that feeds the instrument itself")
    property: str = Field(description="How 'via' feeds it: produces, updates, ...")
    instrument_id: str = Field(description="The instrument, edition or part fed")


class Edition(InstrumentRef):
    version: str | None = None
    activities: list[FeedingActivity] = Field(default_factory=list)


class Instrument(InstrumentRef):
    version: str | None = None
    scope_note: str | None = None
    edition_of: InstrumentRef | None = None
    part_of: InstrumentRef | None = None
    parts: list[InstrumentRef] = Field(default_factory=list)
    editions: list[Edition] = Field(default_factory=list)
    activities: list[FeedingActivity] = Field(
        default_factory=list,
        description="Activities feeding it (or its editions and parts), directly or upstream",
    )
    outcomes: list[OutcomeRef] = Field(default_factory=list)


class MeetingSummary(BaseModel):
    id: str
    iri: str
    label: str
    url: str
    body_id: str | None = None
    start: date | None = None
    end: date | None = None
    month: str | None = None
    venue: str | None = None
    sessions: list[int] = Field(default_factory=list)


class Meeting(MeetingSummary):
    participants: str | None = None
    outcomes: list[OutcomeRef] = Field(default_factory=list)


class Finding(BaseModel):
    severity: str = Field(description="violation, warning or info")
    rule: str
    message: str
    focus: str
    subject: str
    activity_id: str | None = None
    value: str | None = None
    path: str | None = None
    source_lines: str | None = None


class ValidationReport(BaseModel):
    available: bool = Field(description="False when validation could not run")
    conforms: bool
    counts: dict[str, int]
    findings: list[Finding]


class Node(BaseModel):
    id: str
    iri: str
    label: str
    kind: str = Field(description="activity, instrument, edition or body")
    status: str | None = None
    url: str | None = None
    focus: bool = False


class Edge(BaseModel):
    source: str = Field(description="Node id of the subject")
    target: str = Field(description="Node id of the object")
    kind: str = Field(description="The property: dependsOn, references, feeds, reportsTo, ...")


class DependencyGraph(BaseModel):
    focus: str | None = Field(default=None, description="The activity the view is centred on")
    direction: str
    depth: int | None = None
    nodes: list[Node]
    edges: list[Edge]
    kinds: list[str] = Field(description="Edge kinds present")


Body.model_rebuild()
