"""IATI activity XML 2.03 export: validates against the official 2.03 activity schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from rdflib import Graph, URIRef

from wcokg.build import BuildReport
from wcokg.export.iati import ACTIVITY_STATUS, REPORTING_ORG_REF, render_iati
from wcokg.namespaces import WCOKG
from wcokg.store import EmbeddedStore
from wcokg.table import activity_rows

ACTIVITY = "https://w3id.org/wcokg/wp/ptc-2022-2025/activity/"


@pytest.fixture
def iati_schema(shared_dir: Path) -> etree.XMLSchema:
    xsd = shared_dir / "standards" / "iati" / "iati-activities-schema.xsd"
    if not xsd.is_file():
        pytest.skip(f"IATI 2.03 activity schema not found at {xsd}")
    return etree.XMLSchema(etree.parse(str(xsd)))


def check(schema: etree.XMLSchema, data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    if not schema.validate(root):
        errors = [f"line {e.line}: {e.message}" for e in schema.error_log]
        pytest.fail("IATI XSD errors:\n" + "\n".join(errors[:20]))
    return root


def test_export_validates_against_the_iati_schema(
    seed_store: EmbeddedStore, iati_schema: etree.XMLSchema
) -> None:
    root = check(iati_schema, render_iati(seed_store))
    assert root.get("version") == "2.03"
    activities = root.findall("iati-activity")
    assert len(activities) == len(activity_rows(seed_store)) == 94
    identifiers = [a.findtext("iati-identifier") for a in activities]
    assert len(set(identifiers)) == len(identifiers)
    assert all(i and i.startswith(REPORTING_ORG_REF + "-") for i in identifiers)
    assert "XM-WCO-PTC-2022-2025-I-23" in identifiers


def test_activity_fields_map_to_iati_codes(seed_store: EmbeddedStore) -> None:
    root = etree.fromstring(render_iati(seed_store))
    rows = {r.id: r for r in activity_rows(seed_store)}
    for activity in root.findall("iati-activity"):
        row = rows[activity.findtext("iati-identifier").split("PTC-2022-2025-")[1]]
        assert activity.find("activity-status").get("code") == ACTIVITY_STATUS[row.status]
        roles = [p.get("role") for p in activity.findall("participating-org")]
        assert roles[0] == "2" and set(roles[1:]) <= {"4"}
        assert activity.find("title/narrative").text == row.title
        dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
        assert dates["1"] == "2022-01-01"
        if row.milestones:
            assert dates["3"][:4] == max(m[:4] for m in row.milestones.split("; "))
        else:
            assert dates["3"] == "2025-12-31"
        if row.kpi:
            assert activity.find("result/indicator/title/narrative").text == row.kpi


def test_dependencies_become_related_activities(
    seed_report: BuildReport, tmp_path: Path, iati_schema: etree.XMLSchema
) -> None:
    graph = Graph()
    graph += seed_report.graph
    graph.add((URIRef(ACTIVITY + "I-24"), WCOKG.dependsOn, URIRef(ACTIVITY + "I-23")))
    store = EmbeddedStore(tmp_path / "store")
    store.replace(graph)
    root = check(iati_schema, render_iati(store))
    activity = next(
        a for a in root.findall("iati-activity") if a.findtext("iati-identifier").endswith("-I-24")
    )
    related = activity.findall("related-activity")
    assert [(r.get("ref"), r.get("type")) for r in related] == [("XM-WCO-PTC-2022-2025-I-23", "3")]


def test_the_schema_rejects_an_invalid_document(iati_schema: etree.XMLSchema) -> None:
    bad = (
        b"<iati-activities version='2.03'><iati-activity><title/></iati-activity></iati-activities>"
    )
    assert not iati_schema.validate(etree.fromstring(bad))
