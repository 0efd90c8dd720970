"""IATI activity XML 2.03: one `iati-activity` per current activity.

Mapping (documented choices; the IATI codelists are at iatistandard.org/en/iati-standard/203/codelists):
- organisation identifier: the setting ``WCOKG_IATI_ORGANISATION_REF`` (``Settings.iati_organisation_ref``),
  by default the placeholder ``XI-IATI-WCO``. The WCO has no IATI organisation identifier yet.
  ``XI-IATI`` is an approved registration agency (OrganisationRegistrationAgency codelist: the
  IATI Secretariat allocates identifiers to bona fide organisations, such as intergovernmental
  ones, that no national register covers), so rule 1.14.8 holds; the ``WCO`` part is a
  placeholder until the IATI Technical Team allocates the real one (then set the setting). The
  DAC channel codes that name the WCO (47139 Customs Co-operation Fund, 47102 Fellowship
  Programme) identify funds, not the organisation, so ``XM-DAC-…`` is not used.
- `iati-identifier`: ``{organisation ref}-{PROGRAMME ID}-{activity id}``, upper-cased programme
  id, e.g. ``XI-IATI-WCO-PTC-2022-2025-I-23``.
- `reporting-org`: the WCO, OrganisationType 40 (Multilateral).
- `title`: the Activities cell; `description` type 1 (General): the progress text (or the title);
  `description` type 2 (Objectives): the Key Performance Indicators.
- `participating-org`: the body in charge with role 2 (Accountable), every other responsible
  body with role 4 (Implementing); bodies are WCO working bodies, OrganisationType 40.
- `activity-scope` 1 (Global) and `recipient-region` 998 "Developing countries, unspecified"
  (vocabulary 1, OECD DAC): the work programmes are worldwide (the WCO's membership), not for one
  country or region; 998 is the DAC region for activities not allocable by country or region,
  which the Standard's rules and consumers ask for (a recipient country or region on every
  activity). No percentage: one region.
- `sector`: vocabulary 1 (OECD DAC CRS 5-digit), code 33120 "Trade facilitation", whose
  definition names the WCO's work: "simplification and harmonisation of international import and
  export procedures (e.g. customs valuation, licensing procedures, transport formalities …);
  support to customs departments and other border agencies …; tariff reforms". One sector for
  every activity (no percentage: rule 2.1.4); the work programmes do not classify their
  activities further, and 33110 (Trade policy) or 15114 (Domestic revenue mobilisation) would
  be guesses per activity.
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
from wcokg.settings import get_settings
from wcokg.store.base import GraphStore
from wcokg.table import ActivityRow, activity_rows

REPORTING_ORG_NAME = "World Customs Organization"
ORGANISATION_TYPE_MULTILATERAL = "40"
ROLE_ACCOUNTABLE = "2"
ROLE_IMPLEMENTING = "4"
ACTIVITY_STATUS = {"Not started": "1", "In progress": "2", "Completed": "4", "Postponed": "6"}
RELATED_SIBLING = "3"
ACTIVITY_SCOPE_GLOBAL = "1"
REGION_VOCABULARY_OECD_DAC = "1"
REGION_DEVELOPING_COUNTRIES_UNSPECIFIED = "998"
SECTOR_VOCABULARY_OECD_DAC_5 = "1"
SECTOR_TRADE_FACILITATION = "33120"
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


def iati_identifier(organisation_ref: str, programme: ProgrammeInfo, activity_id: str) -> str:
    """``{organisation ref}-{PROGRAMME ID}-{activity id}`` (rule 1.1.21: prefixed by the org ref)."""
    return f"{organisation_ref}-{programme.id.upper()}-{activity_id}"


def _narrative(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    ET.SubElement(element, "narrative").text = value
    return element


def render_iati(
    store: GraphStore, now: datetime | None = None, organisation_ref: str | None = None
) -> bytes:
    """The IATI activities document (UTF-8 XML) for every current activity of the store.

    `organisation_ref` defaults to the setting ``WCOKG_IATI_ORGANISATION_REF``.
    """
    org_ref = organisation_ref or get_settings().iati_organisation_ref
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
        row.iri: iati_identifier(org_ref, programme, row.id)
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
            org_ref,
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
    org_ref: str,
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
        ref=org_ref,
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
    ET.SubElement(activity, "activity-scope", {"code": ACTIVITY_SCOPE_GLOBAL})
    ET.SubElement(
        activity,
        "recipient-region",
        {"code": REGION_DEVELOPING_COUNTRIES_UNSPECIFIED, "vocabulary": REGION_VOCABULARY_OECD_DAC},
    )
    ET.SubElement(
        activity,
        "sector",
        {"code": SECTOR_TRADE_FACILITATION, "vocabulary": SECTOR_VOCABULARY_OECD_DAC_5},
    )
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
