"""Typed records passed between the loader stages: plain dataclasses, no RDF, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Flag:
    """Something the loader could not read with confidence: kept, never dropped or guessed silently."""

    code: str
    message: str
    value: str = ""
    column: str = ""


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A normaliser's answer: the value (None when unreadable) and the flags raised on the way."""

    value: T
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class Cell:
    """One table cell: its verbatim cell markup, its cleaned current paragraphs (tracked
    deletions out, insertions in), footnote references, and the previous paragraphs (insertions
    out, deletions in; equal to `paragraphs` when the revision left the cell alone)."""

    raw: str
    paragraphs: tuple[str, ...]
    footnotes: tuple[str, ...] = ()
    inserted: bool = False
    previous: tuple[str, ...] | None = None
    deleted: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.paragraphs)

    @property
    def previous_text(self) -> str:
        """The cell's text before the revision."""
        return " ".join(self.paragraphs if self.previous is None else self.previous)

    @property
    def revision(self) -> str:
        """What the revision did to the cell: ``unchanged``, ``inserted``, ``deleted`` (all its
        text) or ``replaced`` (some text inserted and/or deleted)."""
        if self.previous_text == self.text:
            return "unchanged"
        if self.inserted:
            return "inserted"
        return "deleted" if self.deleted else "replaced"


@dataclass
class Row:
    """A table row of one section, after page furniture is dropped and continuations merged.

    `cells` maps a column key (see document.COLUMNS) to the verbatim Markdown of the cell; when a
    continuation row was merged in, its fragment follows on a new line.
    """

    section: str
    cells: dict[str, str]
    line_start: int
    line_end: int
    raw_lines: list[str] = field(default_factory=list)
    continuation_lines: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """A numbered section of the programme ("I", "II") with its heading."""

    key: str
    title: str
    continuous: bool


@dataclass(frozen=True)
class Footnote:
    """A footnote of the document, referenced from column headers or cells by its mark."""

    mark: str
    text: str
    line: int


@dataclass(frozen=True)
class BodyRef:
    """A responsible-body mention: the resolved body id, or None with the raw text kept."""

    text: str
    body_id: str | None


@dataclass(frozen=True)
class Allocation:
    """Team resources: a number of staff (FTE min-max) from one Secretariat unit."""

    text: str
    fte_min: float | None
    fte_max: float | None
    unit_text: str | None
    unit_id: str | None


@dataclass(frozen=True)
class Milestone:
    """A dated step of the timeline at one body; month is None when only the year is known."""

    text: str
    year: int
    month: int | None
    season: str | None
    body_id: str | None
    body_text: str | None


@dataclass
class Activity:
    """One activity of the programme, normalised, with its flags and provenance."""

    section: str
    number: int
    previous_number: int | None
    revision: str  # unchanged | renumbered | inserted | deleted
    raw_number: str
    title: str
    title_paragraphs: tuple[str, ...]
    priority: str | None
    strategic_link: bool | None
    strategic_codes: tuple[str, ...]
    task_type: str | None
    bodies: tuple[BodyRef, ...]
    team_resources: str
    allocations: tuple[Allocation, ...]
    kpi: str
    timeline: str
    milestones: tuple[Milestone, ...]
    continuous: bool
    progress: tuple[str, ...]
    status: str
    status_rule: str
    completion_status_cell: str
    line_start: int
    line_end: int
    cells: dict[str, Cell]
    raw_lines: list[str]
    flags: list[Flag] = field(default_factory=list)
    id_suffix: str = ""
    match_confidence: float | None = None
    """How surely this row was matched to an activity of the previous revision (0-1), when it was
    (loaders/revisions.py); None for the first revision and for rows no earlier one holds."""

    @property
    def id(self) -> str:
        """The section-scoped id, e.g. ``I-23``; a deleted row keeps its old number, suffixed."""
        if self.revision == "deleted":
            return f"{self.section}-{self.number}-deleted{self.id_suffix}"
        return f"{self.section}-{self.number}{self.id_suffix}"

    @property
    def deleted(self) -> bool:
        return self.revision == "deleted"


@dataclass
class Programme:
    """A work programme as read from one document."""

    id: str
    title: str
    body_id: str | None
    start_year: int | None
    end_year: int | None
    doc_reference: str | None
    source_path: str
    source_sha256: str
    source_lines: int
    sections: list[Section]
    footnotes: dict[str, Footnote]
    activities: list[Activity]
    flags: list[Flag] = field(default_factory=list)
    session: str | None = None
    """The session the document reports progress for, as stated (``243rd/244th Sessions``)."""
    session_ordinal: int | None = None
    reports_for: str | None = None
    """The month (``YYYY-MM``) or year the document reports progress for, when it states one."""

    def current(self) -> list[Activity]:
        return [a for a in self.activities if not a.deleted]


# --- Links, meetings, outcomes and news (loaders/linking.py, meetings.py, news.py) -----------


@dataclass(frozen=True)
class Link:
    """One link from an activity (or source) to an instrument, edition or activity.

    `prop` is the local name of the ontology property (feeds, produces, updates, maintains,
    promotes, dependsOn, references, mentions); `method` is ``rule`` or ``curated``; `rule` names
    the rule (or holds the curator's justification); `evidence` is the text span relied on.
    """

    programme: str
    subject: str
    prop: str
    obj: str
    object_kind: str  # instrument | activity
    method: str
    rule: str
    evidence: str
    cited_number: int | None = None
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class MeetingMention:
    """A session named in text: body, ordinals and/or month, the span and the text around it."""

    body_id: str | None
    body_text: str
    ordinals: tuple[int, ...]
    year: int | None
    month: int | None
    start: int
    end: int
    text: str


@dataclass
class Meeting:
    """A session of a working body; identified by its ordinals or, failing those, its month."""

    id: str
    body_id: str
    ordinals: tuple[int, ...] = ()
    year: int | None = None
    month: int | None = None
    start_date: str | None = None
    end_date: str | None = None
    venue: str | None = None
    participants: str | None = None
    format: str | None = None  # a code of vocab/meeting-format: in-person, online, hybrid, ...
    derived: str = ""  # how ordinals or month were derived from the calendar, when they were
    aliases: set[str] = field(default_factory=set)
    flags: list[Flag] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """What a meeting did with an activity, instrument, programme or body, with the sentence
    that says so; `line` and `source` (a news item's id) locate the sentence in a news item."""

    meeting: str
    subject: str
    subject_kind: str  # activity | instrument | programme | body
    verb: str
    evidence: str
    programme: str | None = None
    line: int | None = None
    source: str | None = None


@dataclass(frozen=True)
class CandidateInstrument:
    """An instrument a meeting decided on that the reference data does not know yet: its own id,
    the phrase as label, typed by its head noun (an instrument-type code), for the Secretariat to
    confirm (flagged ``new-instrument-candidate``)."""

    id: str
    label: str
    type_code: str
    phrase: str
    sentence: str
    line: int


@dataclass
class NewsItem:
    """A news item read as a second source: its meeting, outcomes and mentions with line numbers.

    `session` is the mention of the meeting the item reports (resolved to `meeting` by the build,
    which also fills in `outcomes`); `reported` holds (verb, instrument id, sentence, line).
    """

    id: str
    title: str
    source_path: str
    source_sha256: str
    source_lines: int
    session: MeetingMention | None = None
    start_date: str | None = None
    end_date: str | None = None
    venue: str | None = None
    participants: str | None = None
    format: str | None = None
    date_line: int | None = None
    meeting: Meeting | None = None
    reported: list[tuple[str, str, str, int]] = field(default_factory=list)
    decisions: list[tuple[str, str, str, int]] = field(default_factory=list)
    """(verb code, object phrase, sentence, line) for every decision the item states."""
    candidates: dict[str, CandidateInstrument] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    mentions: list[tuple[str, str, int, str]] = field(default_factory=list)
    """(kind, id, line, line text) for every instrument, activity or body mentioned."""
    flags: list[Flag] = field(default_factory=list)
