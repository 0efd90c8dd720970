"""The editable fields of an activity: read from a graph as text, and written back through the
loader's own normalisers and RDF writers, so an edited activity looks as if it had been loaded.

- `timeline` is read by `cells.parse_timeline` into milestones (`rdf.add_milestones`),
- `team_resources` by `cells.parse_team_resources` into allocations (`rdf.add_allocations`),
- `priority` by `cells.parse_priority` (A, B, C; High/Medium/Low),
- `progress` (paragraphs separated by a blank line) and `status` by `cells.derive_status`: a
  status given in the edit plays the completion-status cell, so with none the status follows
  the new progress text by the loader's rules,
- `kpi` is text.
The normalisers' flags for the field replace the old ones (`wcokg:flag` with that
`wcokg:column`). Values are kept as given (trimmed): markup is text, escaped wherever shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from wcokg.loaders import cells
from wcokg.loaders.rdf import (
    STATUS_CODES,
    add_allocations,
    add_flag,
    add_milestones,
    add_status,
)
from wcokg.loaders.records import Flag
from wcokg.loaders.reference import Reference
from wcokg.namespaces import WCOKG, Minter

EDITABLE = ("progress", "status", "timeline", "team_resources", "kpi", "priority")
"""Fields `PATCH /activities/{id}` accepts, in the order they are applied."""

STATUSES = tuple(STATUS_CODES)
_STATUS_OF_CODE = {code: label for label, code in STATUS_CODES.items()}
_LITERAL = {
    "progress": WCOKG.progress,
    "timeline": WCOKG.timeline,
    "team_resources": WCOKG.teamResources,
    "kpi": WCOKG.kpi,
}
_PARTS = {"timeline": WCOKG.hasMilestone, "team_resources": WCOKG.hasAllocation}
MAX_FIELD_CHARS = 20_000
"""Longest text one field may hold."""


@dataclass(frozen=True)
class Located:
    """An activity found in a graph: its node, id and programme id."""

    node: URIRef
    id: str
    programme: str


def find_activity(graph: Graph, activity_id: str, programme: str | None = None) -> Located | None:
    """The (first) activity with this `dcterms:identifier`, within `programme` (its id) when
    given, or None."""
    for node in graph.subjects(DCTERMS.identifier, Literal(activity_id)):
        if isinstance(node, URIRef) and (node, RDF.type, WCOKG.Activity) in graph:
            wp = graph.value(node, WCOKG.inProgramme)
            pid = str(graph.value(wp, DCTERMS.identifier) or "") if wp else ""
            if programme is None or pid == programme:
                return Located(node, activity_id, pid)
    return None


def responsible_bodies(graph: Graph, node: URIRef) -> list[str]:
    """Ids of the activity's responsible bodies (last segment of each body IRI)."""
    return sorted(
        str(b).rstrip("/").rsplit("/", 1)[-1] for b in graph.objects(node, WCOKG.responsibleBody)
    )


def read_value(graph: Graph, node: URIRef, field: str) -> str:
    """The field as text: what `PATCH` takes and the edit log records as old and new."""
    if field in _LITERAL:
        return str(graph.value(node, _LITERAL[field]) or "")
    if field == "status":
        concept = graph.value(node, WCOKG.status)
        return _STATUS_OF_CODE.get(_local(concept), "") if concept else ""
    if field == "priority":
        concept = graph.value(node, WCOKG.priority)
        return _local(concept) if concept else ""
    raise KeyError(field)


def read_values(graph: Graph, node: URIRef) -> dict[str, str]:
    """Every editable field of the activity as text."""
    return {field: read_value(graph, node, field) for field in EDITABLE}


def clean_value(field: str, value: str) -> str:
    """The form a value is stored and compared in: trimmed, Windows line ends made `\\n`;
    progress paragraphs separated by exactly one blank line."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if field == "progress":
        return "\n\n".join(_paragraphs(text))
    return text


def _paragraphs(text: str) -> list[str]:
    paragraphs: list[str] = []
    for block in text.split("\n\n"):
        squashed = " ".join(block.split())
        if squashed:
            paragraphs.append(squashed)
    return paragraphs


def _local(node: Node) -> str:
    return str(node).rstrip("/").rsplit("/", 1)[-1]


class FieldWriter:
    """Writes new field values into a graph with the loader's normalisers and writers."""

    def __init__(self, minter: Minter, reference: Reference) -> None:
        self.minter = minter
        self.reference = reference

    def apply(self, graph: Graph, node: URIRef, changes: Mapping[str, str]) -> None:
        """Set each changed field (values as `clean_value` gives them) and what derives from it."""
        for field in EDITABLE:
            if field not in changes or field == "status":
                continue
            value = changes[field]
            if field in _LITERAL:
                graph.set((node, _LITERAL[field], Literal(value, lang="en")))
            if field == "timeline":
                self._timeline(graph, node, value)
            elif field == "team_resources":
                self._team_resources(graph, node, value)
            elif field == "priority":
                self._priority(graph, node, value)
        if "progress" in changes or "status" in changes:
            self._status(graph, node, changes.get("status"))

    def _timeline(self, graph: Graph, node: URIRef, text: str) -> None:
        section = graph.value(node, WCOKG.inSection)
        in_continuous = bool(section is not None and graph.value(section, WCOKG.continuous))
        parsed = cells.parse_timeline(text, self.reference.bodies, in_continuous)
        milestones, is_continuous = parsed.value
        _drop_parts(graph, node, _PARTS["timeline"])
        add_milestones(graph, node, milestones, self.minter)
        continuous = is_continuous or in_continuous
        graph.remove((node, RDF.type, WCOKG.ContinuousActivity))
        graph.remove((node, RDF.type, WCOKG.TimeBoundActivity))
        kind = WCOKG.ContinuousActivity if continuous else WCOKG.TimeBoundActivity
        graph.add((node, RDF.type, kind))
        self._flags(graph, node, "timeline", parsed.flags)

    def _team_resources(self, graph: Graph, node: URIRef, text: str) -> None:
        parsed = cells.parse_team_resources(text, self.reference.units)
        _drop_parts(graph, node, _PARTS["team_resources"])
        add_allocations(graph, node, parsed.value, self.minter)
        self._flags(graph, node, "team_resources", parsed.flags)

    def _priority(self, graph: Graph, node: URIRef, text: str) -> None:
        parsed = cells.parse_priority(text)
        graph.remove((node, WCOKG.priority, None))
        if parsed.value:
            graph.add((node, WCOKG.priority, self.minter.concept("priority", parsed.value)))
        self._flags(graph, node, "priority", parsed.flags)

    def _status(self, graph: Graph, node: URIRef, status: str | None) -> None:
        progress = _paragraphs(read_value(graph, node, "progress"))
        cell = (
            status
            if status is not None
            else str(graph.value(node, WCOKG.completionStatusText) or "")
        )
        parsed = cells.derive_status(progress, cell)
        value, _colour, rule = parsed.value
        for prop in (WCOKG.status, WCOKG.colour, WCOKG.statusRule, WCOKG.completionStatusText):
            graph.remove((node, prop, None))
        add_status(graph, node, value, rule, cell, self.minter)
        self._flags(graph, node, "status", parsed.flags)

    def _flags(self, graph: Graph, node: URIRef, column: str, flags: tuple[Flag, ...]) -> None:
        """Replace the activity's flags on `column` with the normaliser's new ones."""
        taken = 0
        for old in list(graph.objects(node, WCOKG.flag)):
            suffix = _local(old)
            if suffix.isdigit():
                taken = max(taken, int(suffix))
            if str(graph.value(old, WCOKG.column) or "") == column:
                graph.remove((node, WCOKG.flag, old))
                graph.remove((old, None, None))
        for index, flag in enumerate(flags, start=taken + 1):
            add_flag(graph, node, URIRef(f"{node}/flag/{index}"), flag)


def _drop_parts(graph: Graph, node: URIRef, prop: URIRef) -> None:
    for part in list(graph.objects(node, prop)):
        graph.remove((part, None, None))
    graph.remove((node, prop, None))
