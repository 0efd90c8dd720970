"""IATI activity XML 2.03: one `iati-activity` per current activity.

Mapping (documented choices; the IATI codelists are at iatistandard.org/en/iati-standard/203/codelists):
- `iati-identifier`: ``{REPORTING_ORG_REF}-{PROGRAMME ID}-{activity id}``, upper-cased programme
  id, e.g. ``XM-WCO-PTC-2022-2025-I-23``. The WCO has no registered IATI organisation identifier;
  ``XM-WCO`` (XM = international organisation without a registration agency prefix) is a
  provisional reference to be replaced by the one the WCO registers.
- `reporting-org`: the WCO, OrganisationType 40 (Multilateral).
- `title`: the Activities cell; `description` type 1 (General): the progress text (or the title);
  `description` type 2 (Objectives): the Key Performance Indicators.
- `participating-org`: the body in charge with role 2 (Accountable), every other responsible
  body with role 4 (Implementing); bodies are WCO working bodies, OrganisationType 40.
- `activity-status` (ActivityStatus): Not started -> 1 Pipeline/identification, In progress ->
  2 Implementation, Completed -> 4 Closed, Postponed -> 6 Suspended.
- `activity-date`: type 1 (planned start) = 1 January of the programme's first year; type 3
  (planned end) = the due date of the last milestone, or 31 December of the programme's last
  year for an activity without milestones (continuous activities).
- `related-activity` type 3 (Sibling) for each activity this one depends on (`wcokg:dependsOn`).
- `result` type 1 (Output) with one qualitative `indicator` (measure 5) titled by the KPI, and one
  `period` per milestone due date (end = the due date, start = the day after the previous one, or
  the programme start), its target comment naming the bodies at which the milestone falls.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from wcokg.export.common import ProgrammeInfo, programmes, select, text
from wcokg.store.base import GraphStore
from wcokg.table import ActivityRow, activity_rows

REPORTING_ORG_REF = "XM-WCO"
REPORTING_ORG_NAME = "World Customs Organization"
ORGANISATION_TYPE_MULTILATERAL = "40"
ROLE_ACCOUNTABLE = "2"
ROLE_IMPLEMENTING = "4"
ACTIVITY_STATUS = {"Not started": "1", "In progress": "2", "Completed": "4", "Postponed": "6"}
RELATED_SIBLING = "3"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_BODIES = """
PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?iri ?rank ?text ?name WHERE {
  ?iri a wcokg:Activity ; wcokg:hasResponsibility ?r . ?r wcokg:rank ?rank ; wcokg:bodyText ?text .
  OPTIONAL { ?r wcokg:body/skos:prefLabel ?name }
} ORDER BY ?iri ?rank
"""
_MILESTONES = """
PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?iri ?rank ?due ?label WHERE {
  ?iri a wcokg:Activity ; wcokg:hasMilestone ?m . ?m wcokg:rank ?rank ; wcokg:dueBy ?due .
  OPTIONAL { ?m wcokg:bodyText ?text }
  OPTIONAL { ?m wcokg:body/skos:prefLabel ?name }
  BIND(COALESCE(?name, ?text) AS ?label)
} ORDER BY ?iri ?rank
"""
_DEPENDS = """
PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
SELECT ?iri ?other WHERE { ?iri wcokg:dependsOn ?other . ?other a wcokg:Activity }
"""
_PROGRAMME_OF = """
PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
SELECT ?iri ?wp WHERE { ?iri wcokg:inProgramme ?wp }
"""


def iati_identifier(programme: ProgrammeInfo, activity_id: str) -> str:
    return f"{REPORTING_ORG_REF}-{programme.id.upper()}-{activity_id}"


def _narrative(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    ET.SubElement(element, "narrative").text = value
    return element


def render_iati(store: GraphStore, now: datetime | None = None) -> bytes:
    """The IATI activities document (UTF-8 XML) for every current activity of the store."""
    stamp = (now or datetime.now(UTC)).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    by_iri = {p.iri: p for p in programmes(store)}
    owner = {text(r, "iri"): by_iri.get(text(r, "wp")) for r in select(store, _PROGRAMME_OF)}
    bodies: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in select(store, _BODIES):
        bodies[text(r, "iri")].append((text(r, "name") or text(r, "text"), text(r, "text")))
    milestones: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for r in select(store, _MILESTONES):
        milestones[text(r, "iri")].append((date.fromisoformat(text(r, "due")), text(r, "label")))
    depends: dict[str, list[str]] = defaultdict(list)
    for r in select(store, _DEPENDS):
        depends[text(r, "iri")].append(text(r, "other"))
    rows = activity_rows(store)
    identifiers = {
        row.iri: iati_identifier(programme, row.id)
        for row in rows
        if (programme := owner.get(row.iri)) is not None
    }

    root = ET.Element("iati-activities", {"version": "2.03", "generated-datetime": stamp})
    for row in rows:
        programme = owner.get(row.iri)
        if programme is None:
            continue
        _activity(
            root,
            row,
            programme,
            identifiers,
            bodies.get(row.iri, []),
            milestones.get(row.iri, []),
            depends.get(row.iri, []),
            stamp,
        )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _activity(
    root: ET.Element,
    row: ActivityRow,
    programme: ProgrammeInfo,
    identifiers: dict[str, str],
    bodies: list[tuple[str, str]],
    milestones: list[tuple[date, str]],
    depends: list[str],
    stamp: str,
) -> None:
    activity = ET.SubElement(
        root,
        "iati-activity",
        {"last-updated-datetime": stamp, XML_LANG: "en", "hierarchy": "1"},
    )
    ET.SubElement(activity, "iati-identifier").text = identifiers[row.iri]
    _narrative(
        activity,
        "reporting-org",
        REPORTING_ORG_NAME,
        ref=REPORTING_ORG_REF,
        type=ORGANISATION_TYPE_MULTILATERAL,
    )
    _narrative(activity, "title", row.title or row.id)
    _narrative(activity, "description", " ".join(row.progress.split()) or row.title, type="1")
    if row.kpi:
        _narrative(activity, "description", row.kpi, type="2")
    if not bodies:  # the XSD needs one participating organisation: the reporting WCO
        bodies = [(REPORTING_ORG_NAME, REPORTING_ORG_NAME)]
    for rank, (name, _) in enumerate(bodies, start=1):
        _narrative(
            activity,
            "participating-org",
            name,
            role=ROLE_ACCOUNTABLE if rank == 1 else ROLE_IMPLEMENTING,
            type=ORGANISATION_TYPE_MULTILATERAL,
        )
    ET.SubElement(activity, "activity-status", {"code": ACTIVITY_STATUS.get(row.status, "2")})
    start = date(programme.start_year, 1, 1) if programme.start_year else None
    ends = [due for due, _ in milestones]
    end = max(ends) if ends else None
    if end is None and programme.end_year:
        end = date(programme.end_year, 12, 31)
    if start is not None:
        ET.SubElement(activity, "activity-date", {"type": "1", "iso-date": start.isoformat()})
    if end is not None:
        ET.SubElement(activity, "activity-date", {"type": "3", "iso-date": end.isoformat()})
    if start is None and end is None:  # the XSD needs one date: the export day, as planned start
        ET.SubElement(activity, "activity-date", {"type": "1", "iso-date": stamp[:10]})
    for other in depends:
        if other in identifiers:
            ET.SubElement(
                activity, "related-activity", {"ref": identifiers[other], "type": RELATED_SIBLING}
            )
    if row.kpi:
        result = ET.SubElement(activity, "result", {"type": "1"})
        _narrative(result, "title", row.kpi)
        indicator = ET.SubElement(result, "indicator", {"measure": "5"})
        _narrative(indicator, "title", row.kpi)
        at: dict[date, list[str]] = defaultdict(list)
        for due, label in milestones:
            if label and label not in at[due]:
                at[due].append(label)
            at.setdefault(due, [])
        begin = start
        for due in sorted(at):
            period = ET.SubElement(indicator, "period")
            first = begin if begin is not None and begin <= due else due
            ET.SubElement(period, "period-start", {"iso-date": first.isoformat()})
            ET.SubElement(period, "period-end", {"iso-date": due.isoformat()})
            target = ET.SubElement(period, "target")
            where = f" at: {', '.join(at[due])}" if at[due] else ""
            _narrative(target, "comment", f"Milestone due by {due.isoformat()}{where}")
            begin = due + timedelta(days=1)
