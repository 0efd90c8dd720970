"""IATI activity XML 2.03 export: the official 2.03 schema, the Standard's own ruleset and
codelists (`tests/iati_rules.py`), and a real consumer's validator (okfn-iati)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from iati_rules import Ruleset, codelist_codes, codelist_uses
from lxml import etree
from okfn_iati import IatiValidator
from rdflib import Graph, URIRef

from wcokg.build import BuildReport
from wcokg.export.iati import ACTIVITY_STATUS, render_iati
from wcokg.namespaces import WCOKG
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore
from wcokg.table import activity_rows

ACTIVITY = "https://w3id.org/wcokg/wp/ptc-2022-2025/activity/"
ORG_REF = Settings().iati_organisation_ref
# Attributes that hold no code: identifiers, dates, flags (every other one must map to a codelist).
UNCODED = {"ref", "iso-date", "generated-datetime", "last-updated-datetime", "hierarchy"}


@pytest.fixture
def iati_dir(shared_dir: Path) -> Path:
    folder = shared_dir / "standards" / "iati"
    needed = [folder / "rulesets" / "standard.json", folder / "codelists" / "mapping.xml"]
    missing = [str(f) for f in needed if not f.is_file()]
    if missing:
        pytest.skip(f"IATI ruleset or codelists not found: {', '.join(missing)}")
    return folder


@pytest.fixture
def ruleset(iati_dir: Path) -> Ruleset:
    agencies = codelist_codes(iati_dir / "codelists" / "OrganisationRegistrationAgency.xml")
    return Ruleset(iati_dir / "rulesets" / "standard.json", agencies, date.today())


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
    assert all(i and i.startswith(ORG_REF + "-") for i in identifiers)
    assert f"{ORG_REF}-PTC-2022-2025-I-23" in identifiers


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
    assert [(r.get("ref"), r.get("type")) for r in related] == [
        (f"{ORG_REF}-PTC-2022-2025-I-23", "3")
    ]


def test_the_schema_rejects_an_invalid_document(iati_schema: etree.XMLSchema) -> None:
    bad = (
        b"<iati-activities version='2.03'><iati-activity><title/></iati-activity></iati-activities>"
    )
    assert not iati_schema.validate(etree.fromstring(bad))


def test_export_passes_the_iati_standard_ruleset(
    seed_store: EmbeddedStore, ruleset: Ruleset
) -> None:
    root = etree.fromstring(render_iati(seed_store))
    assert len(root.findall("iati-activity")) == 94  # the rules had activities to look at
    findings = ruleset.check(root)
    assert [str(f) for f in findings] == []  # 0 errors (6.2.2 sector…) and 0 warnings (1.14.8…)


def test_every_code_is_in_its_iati_codelist(seed_store: EmbeddedStore, iati_dir: Path) -> None:
    root = etree.fromstring(render_iati(seed_store))
    uses = codelist_uses(root, iati_dir / "codelists")
    assert [u for u in uses if not u.known] == []
    used = {u.codelist for u in uses}
    assert {"Sector", "Region", "ActivityScope", "ActivityStatus", "OrganisationType"} <= used
    mapped = {u.xpath for u in uses}
    tree = root.getroottree()
    unmapped = {
        f"{element.tag}/@{name}"
        for element in root.iter()
        for name in element.attrib
        if f"{tree.getpath(element)}/@{name}" not in mapped and name not in UNCODED
    }
    assert unmapped == set()  # every coded attribute was checked against a codelist
    sectors = {(s.get("vocabulary"), s.get("code")) for s in root.iter("sector")}
    assert sectors == {("1", "33120")}  # OECD DAC 5-digit: Trade facilitation
    regions = {(r.get("vocabulary"), r.get("code")) for r in root.iter("recipient-region")}
    assert regions == {("1", "998")}


def test_the_reporting_organisation_is_a_setting_with_an_approved_agency_prefix(
    seed_store: EmbeddedStore, iati_dir: Path, ruleset: Ruleset
) -> None:
    agencies = codelist_codes(iati_dir / "codelists" / "OrganisationRegistrationAgency.xml")
    assert any(ORG_REF.startswith(agency + "-") for agency in agencies)
    root = etree.fromstring(render_iati(seed_store, organisation_ref="XM-DAC-99999"))
    assert {e.get("ref") for e in root.iter("reporting-org")} == {"XM-DAC-99999"}
    assert all(i.startswith("XM-DAC-99999-") for i in root.xpath("//iati-identifier/text()"))
    unregistered = etree.fromstring(render_iati(seed_store, organisation_ref="XX-WCO"))
    rules = {f.rule for f in ruleset.check(unregistered)}
    assert rules == {"1.14.8"}  # the Standard warns about a prefix no agency has


def test_okfn_iati_validator_accepts_the_export(seed_store: EmbeddedStore) -> None:
    valid, errors = IatiValidator().validate(render_iati(seed_store).decode("utf-8"))
    assert errors == {"schema_errors": [], "ruleset_errors": []}
    assert valid


MINIMAL = """<iati-activities version="2.03">
 <iati-activity xml:lang="en" last-updated-datetime="2024-01-01T00:00:00Z">
  <iati-identifier>XI-IATI-T-1</iati-identifier>
  <reporting-org ref="XI-IATI-T" type="40"><narrative>T</narrative></reporting-org>
  <title><narrative>A title</narrative></title>
  <activity-date type="1" iso-date="{start}"/><activity-date type="3" iso-date="2023-12-31"/>
  {extra}
 </iati-activity>
</iati-activities>"""


@pytest.mark.parametrize(
    ("start", "extra", "expected"),
    [
        ("2023-01-01", '<recipient-region code="998"/><sector code="33120"/>', set()),
        ("2023-01-01", '<recipient-region code="998"/>', {"6.2.2"}),
        ("2023-01-01", '<sector code="33120"/>', {"3.7.1"}),
        ("2024-06-01", '<recipient-region code="998"/><sector code="33120"/>', {"11.1.2"}),
        (
            "2023-01-01",
            '<recipient-region code="998"/><sector code="33120" percentage="60"/>'
            '<sector code="33110" percentage="30"/>',
            {"2.1.2"},
        ),
    ],
)
def test_the_rule_interpreter_on_small_documents(
    ruleset: Ruleset, start: str, extra: str, expected: set[str]
) -> None:
    root = etree.fromstring(MINIMAL.format(start=start, extra=extra))
    assert {f.rule for f in ruleset.check(root)} == expected


def test_the_rule_interpreter_refuses_an_unknown_rule_kind(iati_dir: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text('{"//iati-activity": {"sometimes": {"cases": [{"paths": ["x"]}]}}}')
    checker = Ruleset(rules, set(), datetime.now(UTC).date())
    with pytest.raises(NotImplementedError):
        checker.check(etree.fromstring(MINIMAL.format(start="2023-01-01", extra="")))
