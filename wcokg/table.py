"""The activities table: the documented, stable columns of `wcokg activities`, read from the graph."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal

from rdflib import URIRef
from rdflib.term import Identifier

from wcokg.errors import QueryError
from wcokg.loaders.rdf import COLUMN_LABELS
from wcokg.registry import get_query
from wcokg.store.base import GraphStore, SelectResult

COLUMNS = (
    "id", "section", "number", "previous_number", "revision", "title", "priority",
    "strategic_link", "strategic_codes", "task_type", "responsible_bodies", "lead_body",
    "continuous", "timeline", "milestones", "kpi", "team_resources", "fte_min", "fte_max",
    "status", "progress", "source_lines", "iri",
)  # fmt: skip
JOIN = "; "
PREVIOUS = "previous"
"""The extra key of the JSON rows: {column: text before the tracked revision} for exactly the
columns the revision changed (never in the CSV, whose columns stay as they are)."""


@dataclass(frozen=True)
class ActivityRow:
    """One row of the activities table; multiple values are joined by '; '."""

    id: str
    section: str
    number: int
    previous_number: int | None
    revision: str
    title: str
    priority: str
    strategic_link: str
    strategic_codes: str
    task_type: str
    responsible_bodies: str
    lead_body: str
    continuous: bool
    timeline: str
    milestones: str
    kpi: str
    team_resources: str
    fte_min: str
    fte_max: str
    status: str
    progress: str
    source_lines: str
    iri: str
    previous: dict[str, str] = field(default_factory=dict, hash=False)

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _text(row: dict[str, Identifier], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def _previous(cells: dict[str, str], row: dict[str, Identifier]) -> dict[str, str]:
    """The changed columns' previous text; a renumbered activity's previous number as text."""
    result = dict(cells)
    if _text(row, "revision") == "renumbered" and "previous_number" in row:
        result["number"] = _text(row, "previous_number")
    return {key: result[key] for key in sorted(result)}


def activity_rows(
    store: GraphStore,
    include_deleted: bool = False,
    graphs: Sequence[str] = (),
    only: str | None = None,
) -> list[ActivityRow]:
    """Every activity as a table row, current ones only unless `include_deleted`.

    Read from the current view, or from the union of `graphs` (a revision's named graph and the
    reference graph: that revision's table); `only` (an activity IRI) reads that one alone.
    """

    def run(name: str) -> list[dict[str, Identifier]]:
        return activity_query_rows(store, name, graphs, only)

    base = run("activities")
    bodies: dict[str, list[str]] = defaultdict(list)
    for row in run("activity-bodies"):
        bodies[_text(row, "iri")].append(_text(row, "body_id") or _text(row, "body_text"))
    milestones: dict[str, list[str]] = defaultdict(list)
    for row in run("activity-milestones"):
        at = _text(row, "body_id") or _text(row, "body_text")
        milestones[_text(row, "iri")].append(f"{_text(row, 'when')} {at}".strip())
    codes: dict[str, list[str]] = defaultdict(list)
    for row in run("activity-codes"):
        codes[_text(row, "iri")].append(_text(row, "code"))
    fte: dict[str, list[Decimal]] = {}
    for row in run("activity-allocations"):
        if "fte_min" not in row and "fte_max" not in row:
            continue
        total = fte.setdefault(_text(row, "iri"), [Decimal(0), Decimal(0)])
        total[0] += Decimal(_text(row, "fte_min") or _text(row, "fte_max"))
        total[1] += Decimal(_text(row, "fte_max") or _text(row, "fte_min"))

    keys = {label: key for key, label in COLUMN_LABELS.items()}
    previous: dict[str, dict[str, str]] = defaultdict(dict)
    for row in run("activity-previous"):
        column = _text(row, "column")
        previous[_text(row, "iri")][keys.get(column, column)] = _text(row, "previous")

    result = []
    for row in base:
        iri = _text(row, "iri")
        if _text(row, "revision") == "deleted" and not include_deleted:
            continue
        link = _text(row, "strategic_link")
        first, last = _text(row, "first_line"), _text(row, "last_line")
        totals = fte.get(iri)
        result.append(
            ActivityRow(
                id=_text(row, "id"),
                section=_text(row, "section"),
                number=int(_text(row, "number")),
                previous_number=int(_text(row, "previous_number"))
                if "previous_number" in row
                else None,
                revision=_text(row, "revision"),
                title=_text(row, "title"),
                priority=_text(row, "priority"),
                strategic_link={"true": "Y", "false": "N"}.get(link, ""),
                strategic_codes=JOIN.join(sorted(set(codes.get(iri, [])))),
                task_type=_text(row, "task_type"),
                responsible_bodies=JOIN.join(bodies.get(iri, [])),
                lead_body=_text(row, "lead_body"),
                continuous=_text(row, "continuous") == "true",
                timeline=_text(row, "timeline"),
                milestones=JOIN.join(milestones.get(iri, [])),
                kpi=_text(row, "kpi"),
                team_resources=_text(row, "team_resources"),
                fte_min=_number(totals[0]) if totals else "",
                fte_max=_number(totals[1]) if totals else "",
                status=_text(row, "status"),
                progress=_text(row, "progress"),
                source_lines=first if first == last else f"{first}-{last}",
                iri=iri,
                previous=_previous(previous.get(iri, {}), row),
            )
        )
    order = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
    result.sort(key=lambda r: (order.get(r.section, 99), r.section, r.number, r.id))
    return result


def activity_query_rows(
    store: GraphStore, name: str, graphs: Sequence[str] = (), only: str | None = None
) -> list[dict[str, Identifier]]:
    """The rows of a named query about activities (its `?iri` the activity): all of them, or
    those of the activity IRI `only` (bound as `?iri`). Raises QueryError."""
    if only is None:
        return get_query(name).run(store, default_graphs=graphs).rows
    result = store.query(get_query(name).text, {"iri": URIRef(only)}, graphs)
    if not isinstance(result, SelectResult):
        raise QueryError(f"query {name}: named queries must be SELECT queries")
    return result.rows
