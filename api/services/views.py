"""What each page shows, assembled from the snapshot, the store and the pictures (no HTML here)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from rdflib import Graph
from rdflib.namespace import OWL, RDF, SKOS

from wcokg.api.models import Activity, Finding
from wcokg.api.services import catalog, pictures, resources, validation
from wcokg.api.services.catalog import STATUS_ORDER, Snapshot
from wcokg.export.schemaorg import activities_jsonld
from wcokg.history import activity_history, list_revisions
from wcokg.namespaces import PREFIXES, WCOKG
from wcokg.registry import registry
from wcokg.store.base import GraphStore

PRIORITY_COLOURS = {"A": "#b2182b", "B": "#ef8a62", "C": "#67a9cf"}


def _safe(svg: str) -> Markup:
    """SVG this app wrote (pictures.py escapes every text it puts in)."""
    return Markup(svg)  # noqa: S704


def _svg(view: Any, title: str, rankdir: str = "LR") -> Markup | None:
    try:
        return Markup(pictures.inline_svg(pictures.to_svg(view, title, rankdir)))  # noqa: S704 (Graphviz output)
    except pictures.RenderError:
        return None


@dataclass
class NextSession:
    body: str
    year: int
    month: int
    due: list[tuple[Activity, str, date]]
    overdue: list[tuple[Activity, str, date]]

    @property
    def label(self) -> str:
        return date(self.year, self.month, 1).strftime("%B %Y")


def next_session(snap: Snapshot, body_id: str = "ptc") -> NextSession | None:
    """The body's next regular session (from its calendar), what falls due by then, what is late."""
    months = sorted(snap.calendar.get(body_id, []))
    if not months:
        return None
    today = snap.today
    year, month = today.year, next((m for m in months if m >= today.month), None)
    if month is None:
        year, month = year + 1, months[0]
    end = date(year + (month // 12), month % 12 + 1, 1)
    due: list[tuple[Activity, str, date]] = []
    overdue: list[tuple[Activity, str, date]] = []
    for activity in snap.current():
        if activity.status == "Completed":
            continue
        for m in activity.milestones:
            if m.body_id != body_id or m.due_by >= end:
                continue
            (overdue if m.overdue else due).append((activity, m.when, m.due_by))
    key = lambda t: (t[2], t[0].section, t[0].number)  # noqa: E731
    return NextSession(body_id, year, month, sorted(due, key=key), sorted(overdue, key=key))


def home(snap: Snapshot, store: GraphStore) -> dict[str, Any]:
    current = snap.current()
    by_status = catalog.counts(current, "status", STATUS_ORDER)
    by_priority = catalog.counts(current, "priority", ("A", "B", "C"))
    by_task = catalog.counts(current, "task_type", ("Development", "Updating", "Maintenance"))
    by_body = catalog.counts(current, "lead_body")[:12]
    report = validation.report(store, stale_ok=True)
    return {
        "total": len(current),
        "deleted": len(snap.activities) - len(current),
        "counts": {
            "bodies": len(snap.bodies),
            "instruments": len(snap.instruments),
            "meetings": len(snap.meetings),
        },
        "charts": [  # Markup: SVG written by pictures.bar_chart with every text escaped
            (
                "By status",
                by_status,
                _safe(pictures.bar_chart("By status", by_status, pictures.STATUS_COLOURS)),
            ),  # noqa: S704
            (
                "By priority",
                by_priority,
                _safe(pictures.bar_chart("By priority", by_priority, PRIORITY_COLOURS)),
            ),  # noqa: S704
            ("By task type", by_task, _safe(pictures.bar_chart("By task type", by_task))),  # noqa: S704
            (
                "By body in charge",
                by_body,
                _safe(pictures.bar_chart("By body in charge", by_body)),
            ),  # noqa: S704
        ],
        "session": next_session(snap),
        "validation": report,
        "today": snap.today,
        "bodies": snap.bodies,
        "revisions": snap.remember("revisions", lambda: list_revisions(store)),
    }


def activity(
    snap: Snapshot, store: GraphStore, item: Activity, fresh_seq: int | None = None
) -> dict[str, Any]:
    """The activity page's context, computed once per graph version (pages only read it);
    `fresh_seq`: `item` was read again from the store for the activity's edit of that seq
    (`catalog.fresh_activity`), once per such edit."""
    key = (
        ("activity-page", item.iri) if fresh_seq is None else ("activity-page", item.iri, fresh_seq)
    )
    return snap.remember(key, lambda: _activity(snap, store, item, fresh_seq is not None))


def _activity(snap: Snapshot, store: GraphStore, item: Activity, fresh: bool) -> dict[str, Any]:
    full = item.model_copy(update={"provenance": catalog.provenance(store, item)})
    view = pictures.dependency_view(snap, item, "both", 2)
    groups: dict[str, list[Any]] = {
        "Instruments it feeds": [],
        "Needs first (depends on)": [],
        "Needed by": [],
        "Fed by": [],
        "Cross-references": [],
    }
    for link in item.links:
        if link.property == "dependsOn":
            groups["Needs first (depends on)" if link.direction == "out" else "Needed by"].append(
                link
            )
        elif link.property == "references":
            groups["Cross-references"].append(link)
        elif link.direction == "out":
            groups["Instruments it feeds"].append(link)
        else:
            groups["Fed by"].append(link)
    by_meeting: dict[str, list[Any]] = {}
    for outcome in item.outcomes:
        by_meeting.setdefault(outcome.meeting_id, []).append(outcome)
    findings: list[Finding] = validation.for_activity(store, item.id, stale_ok=True)
    return {
        "history": activity_history(store, item.id),
        "programme_id": item.iri.split("/wp/", 1)[-1].split("/", 1)[0],
        "a": full,
        "picture": _svg(view, f"dependencies of {item.id}"),
        "view": view,
        "groups": {k: v for k, v in groups.items() if v},
        "by_meeting": by_meeting,
        "meetings": snap.meetings,
        "findings": findings,
        "bodies": snap.bodies,
        # the snapshot's JSON-LD would describe the activity before its edit: none until the
        # next snapshot (a few seconds; one activity's costs ~0.2 s to make alone)
        "schema_org": None if fresh else schema_org_of(snap, store, item.iri),
    }


def prepare_snapshot(snap: Snapshot, store: GraphStore) -> None:
    """Made with every snapshot before it is served (`Catalog.prepare`): the activity pages'
    schema.org JSON-LD, one view of all activities (~0.15 s on the seed)."""
    snap.remember("schema-org", lambda: schema_org_all(store))


def schema_org_of(snap: Snapshot, store: GraphStore, iri: str) -> Markup | None:
    """The activity's schema.org JSON-LD (issue 7's export) for a script tag, from one view of
    all activities per graph version (`activity_jsonld` reads the whole programme for each
    activity: ~200 ms); none for a struck-out row or when the view cannot be made."""
    documents = snap.remember("schema-org", lambda: schema_org_all(store))
    return None if documents is None else documents.get(iri)


def schema_org_all(store: GraphStore) -> dict[str, Markup] | None:
    """Every activity's schema.org JSON-LD for a script tag (None if it cannot be made)."""
    try:
        documents = activities_jsonld(store)
    except Exception:  # noqa: BLE001 - the pages must not fail over their embedded metadata
        return None
    return {iri: _script_json(node) for iri, node in documents.items()}


def _script_json(data: Any) -> Markup:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c"))  # noqa: S704 (JSON with '<' escaped)


def body(snap: Snapshot, body_id: str) -> dict[str, Any]:
    found = snap.bodies[body_id]
    line = [found, *found.reporting_line]
    return {
        "b": found,
        "line": line,
        "timeline": Markup(pictures.timeline_svg(snap, body=body_id)),  # noqa: S704
    }


def instrument(snap: Snapshot, instrument_id: str) -> dict[str, Any]:
    return {"i": snap.instruments[instrument_id], "activities": snap.activities}


def meeting(snap: Snapshot, meeting_id: str) -> dict[str, Any]:
    found = snap.meetings[meeting_id]
    return {"m": found, "body": snap.bodies.get(found.body_id or "")}


def pictures_page(snap: Snapshot) -> dict[str, Any]:
    return {
        "map": _svg(pictures.programme_map(snap), "dependency map"),
        "lines": _svg(pictures.reporting_lines(snap), "reporting lines", "BT"),
        "timeline": Markup(pictures.timeline_svg(snap)),  # noqa: S704
        "today": snap.today,
    }


def console() -> dict[str, Any]:
    """The console: the named-query gallery, the prefixes the editor declares on demand and
    where its completion reads the ontology's classes and properties (a named query)."""
    return {
        "queries": list(registry().values()),
        "prefixes": {prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
        "terms_url": "/queries/ontology-terms?" + urlencode({"namespace": str(WCOKG)}),
    }


def filter_options(snap: Snapshot) -> dict[str, Any]:
    current = snap.current()
    return {
        "statuses": [s for s, _ in catalog.counts(current, "status", STATUS_ORDER)],
        "priorities": ["A", "B", "C"],
        "task_types": ["Development", "Updating", "Maintenance"],
        "sections": sorted({a.section for a in current}),
        "bodies": sorted(snap.bodies.values(), key=lambda b: b.label),
        "instruments": sorted(snap.instruments.values(), key=lambda i: i.label),
        "codes": sorted({c for a in current for c in a.strategic_codes}),
    }


def resource(graph: Graph, iri: str, snap: Snapshot) -> dict[str, Any]:
    """A generic page: the resource and its parts with their properties, labels resolved."""
    return {
        "iri": iri,
        "sections": resources.sections(graph, iri, snap.labels, snap.base),
        "title": snap.labels.get(iri) or resources.curie(iri),
    }


def documentation(graph: Graph, iri: str, snap: Snapshot) -> dict[str, Any]:
    """Ontology or concept scheme: its header and every term it defines."""
    kind = "Ontology" if (None, RDF.type, OWL.Ontology) in graph else "Concept scheme"
    terms = resources.terms(graph, snap.labels, snap.base)
    return {
        "iri": iri,
        "kind": kind,
        "title": snap.labels.get(iri) or iri,
        "header": resources.header(graph, iri),
        "terms": terms,
        "namespace": str(WCOKG) if kind == "Ontology" else iri + "/",
    }


def is_documentation(types: set[str]) -> bool:
    return str(OWL.Ontology) in types or str(SKOS.ConceptScheme) in types
