"""DCAT-AP 3.0 export: every DCAT-AP 3.0.1 SHACL shape file (mandatory, range, recommended,
deprecated terms, controlled vocabularies with the EU authority terms as a local graph), and a real
harvester, ckanext-dcat's RDFParser with its DCAT-AP 3 profile."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REQUIRE_SYSTEM_TOOLS
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, SKOS, XSD
from typer.testing import CliRunner

from wcokg.errors import SettingError
from wcokg.export.dcat import EU, LICENCE_TITLE, SUPRANATIONAL, catalog_graph, corporate_body
from wcokg.settings import Settings, get_settings
from wcokg.store import EmbeddedStore

TESTS = Path(__file__).parent
AUTHORITY_TERMS = TESTS / "fixtures" / "eu-authority-terms.ttl"
SHAPE_FILES = (
    "shapes.ttl",
    "range.ttl",
    "shapes_recommended.ttl",
    "deprecateduris.ttl",
    "mdr-vocabularies.shape.ttl",
)
CORPORATE_BODY = "http://data.europa.eu/r5r#CorporateBodyRestriction"
SETTING = "WCOKG_PUBLISHER_CORPORATE_BODY"
# A stand-in for the check only, NOT a claim about the EU corporate-body table: no entry for the
# WCO could be confirmed offline. It stands for the IRI an operator would set once confirmed.
STAND_IN = EU + "corporate-body/WCOKG_TEST_STAND_IN"
STAND_IN_TERMS = f"""
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
<{EU}corporate-body> a skos:ConceptScheme ; dct:title "Corporate body"@en .
<{STAND_IN}> a skos:Concept ; skos:inScheme <{EU}corporate-body> ;
    skos:prefLabel "Stand-in for the WCO's entry (tests only)"@en .
"""
HARVESTER_VENV = TESTS.parent / ".venv-harvester"  # made by `make harvester`


def harvester_python() -> Path | None:
    """The harvester's Python: WCOKG_HARVESTER_PYTHON, or the completely installed venv's."""
    if "WCOKG_HARVESTER_PYTHON" in os.environ:
        return Path(os.environ["WCOKG_HARVESTER_PYTHON"])
    if (HARVESTER_VENV / ".installed").is_file():
        return HARVESTER_VENV / "bin" / "python"
    return None


@pytest.fixture
def dcat_shapes(shared_dir: Path) -> Graph:
    """Every shape file of DCAT-AP 3.0.1's html-shacl folder (its imports files hold no shapes)."""
    folder = shared_dir / "standards" / "dcat-ap" / "3.0.1" / "html-shacl"
    files = [folder / name for name in SHAPE_FILES]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        pytest.skip(f"DCAT-AP 3.0.1 shapes not found: {', '.join(missing)}")
    shapes = Graph()
    for path in files:
        shapes.parse(path, format="turtle")
    return shapes


def with_authority_terms(catalog: Graph) -> Graph:
    """The catalogue with the EU authority terms it uses (and the stand-in corporate body)."""
    data = Graph()
    data += catalog
    data.parse(AUTHORITY_TERMS, format="turtle")
    data.parse(data=STAND_IN_TERMS, format="turtle")
    return data


def results(data: Graph, shapes: Graph) -> list[tuple[str, str, str, str]]:
    """(severity, focus node, path, what) for every top-level result of the report."""
    _, report, _ = validate(data, shacl_graph=shapes, advanced=True)
    assert isinstance(report, Graph)
    found = []
    for r in report.objects(None, SH.result):
        shape = report.value(r, SH.sourceShape)
        nodes = {str(n) for n in shapes.objects(shape, SH.node)} if shape is not None else set()
        what = CORPORATE_BODY if CORPORATE_BODY in nodes else str(report.value(r, SH.resultMessage))
        found.append(
            (
                str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                str(report.value(r, SH.focusNode)),
                str(report.value(r, SH.resultPath)),
                what,
            )
        )
    return found


@pytest.fixture(scope="module")
def catalog(seed_store: EmbeddedStore) -> Graph:
    """The catalogue with the setting's default, empty: the project's own publisher IRI."""
    return catalog_graph(seed_store, publisher_iri=Settings.model_fields[
        "publisher_corporate_body"].default)  # fmt: skip


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """WCOKG_PUBLISHER_CORPORATE_BODY set to the stand-in, read afresh by get_settings()."""
    monkeypatch.setenv(SETTING, STAND_IN)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def configured_catalog(seed_store: EmbeddedStore, configured: None) -> Graph:
    return catalog_graph(seed_store)


def violations(data: Graph, shapes: Graph) -> list[str]:
    _, report, _ = validate(data, shacl_graph=shapes, advanced=True)
    assert isinstance(report, Graph)
    return [
        f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}: "
        f"{report.value(r, SH.resultMessage)}"
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    ]


def test_all_dcat_ap_shapes_give_no_violation_and_no_warning_but_the_publisher(
    catalog: Graph, dcat_shapes: Graph
) -> None:
    found = results(with_authority_terms(catalog), dcat_shapes)
    assert [f for f in found if f[0] == "Violation"] == []
    # By default exactly 3 warnings, all one rule: the WCO is no concept of the EU corporate-body
    # table (none could be confirmed offline; README, Exports), once for the catalogue, the
    # dataset and the data service. Every other recommendation and vocabulary rule holds.
    assert len(found) == 3
    assert all(f[0] == "Warning" and f[3] == CORPORATE_BODY for f in found), found
    assert {f[2] for f in found} == {str(DCTERMS.publisher)}
    publishers = {
        catalog.value(subject, DCTERMS.publisher)
        for cls in (DCAT.Catalog, DCAT.Dataset, DCAT.DataService)
        for subject in catalog.subjects(RDF.type, cls)
    }
    assert len(publishers) == 1 and str(publishers.pop()).endswith("/org/wco")
    assert {f[1] for f in found} == {
        str(s) for c in (DCAT.Catalog, DCAT.Dataset, DCAT.DataService)
        for s in catalog.subjects(RDF.type, c)
    }  # fmt: skip


def test_the_publisher_setting_is_empty_by_default() -> None:
    assert Settings.model_fields["publisher_corporate_body"].default == ""
    assert corporate_body("") is None


def test_a_publisher_in_the_eu_corporate_body_table_clears_every_warning(
    configured_catalog: Graph, dcat_shapes: Graph
) -> None:
    # STAND_IN is given as a concept of the table by STAND_IN_TERMS, a local graph for the check
    # (a stand-in, not a claim about the table).
    assert results(with_authority_terms(configured_catalog), dcat_shapes) == []
    g = configured_catalog
    publisher = URIRef(STAND_IN)
    for cls in (DCAT.Catalog, DCAT.Dataset, DCAT.DataService):
        subjects = list(g.subjects(RDF.type, cls))
        assert subjects and all(g.value(s, DCTERMS.publisher) == publisher for s in subjects)
    assert (publisher, RDF.type, FOAF.Agent) in g
    assert g.value(publisher, FOAF.name) == Literal("World Customs Organization", lang="en")
    assert g.value(publisher, DCTERMS.type) == SUPRANATIONAL
    assert g.value(publisher, SKOS.inScheme) == URIRef(EU + "corporate-body")
    assert not any(str(t).endswith("/org/wco") for triple in g for t in triple)


def test_without_the_table_the_stand_in_gets_the_warnings_back(
    configured_catalog: Graph, dcat_shapes: Graph
) -> None:
    # The check reads the publisher's scheme: a catalogue whose publisher is in no scheme fails.
    broken = with_authority_terms(configured_catalog)
    broken.remove((None, SKOS.inScheme, URIRef(EU + "corporate-body")))
    found = results(broken, dcat_shapes)
    assert len(found) == 3 and {f[3] for f in found} == {CORPORATE_BODY}


@pytest.mark.parametrize(
    "value",
    [
        "https://publications.europa.eu/resource/authority/corporate-body/WCO",  # not the table's
        "http://publications.europa.eu/resource/authority/corporate-body/",
        "http://publications.europa.eu/resource/authority/corporate-body/A/B",
        "http://publications.europa.eu/resource/authority/corporate-body/A B",
        "http://publications.europa.eu/resource/authority/country/BEL",
        "http://example.org/wco",
        "WCO",
    ],
)
def test_a_publisher_outside_the_corporate_body_table_is_refused(value: str) -> None:
    with pytest.raises(SettingError, match=f"^{SETTING}: expected an IRI of the EU corporate-b"):
        corporate_body(value)


def test_the_cli_refuses_a_bad_publisher_setting_in_one_line(
    seed_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wcokg import cli

    monkeypatch.setattr(cli, "open_store", lambda: seed_store)
    monkeypatch.setenv(SETTING, "https://example.org/wco")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli.app, ["export", "dcat"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"wcokg: error: {SETTING}: expected an IRI of the EU corporate-body table, "
        f"{EU}corporate-body/CODE (or empty), got 'https://example.org/wco'"
    ]


def test_the_vocabulary_shapes_catch_terms_outside_the_eu_tables(
    catalog: Graph, dcat_shapes: Graph
) -> None:
    broken = with_authority_terms(catalog)
    distribution = next(broken.subjects(RDF.type, DCAT.Distribution))
    broken.remove((distribution, DCTERMS.format, None))
    media = URIRef("http://www.iana.org/assignments/media-types/text/markdown")
    broken.add((distribution, DCTERMS.format, media))
    broken.add((media, RDF.type, DCTERMS.MediaTypeOrExtent))
    spatial = next(broken.subjects(RDF.type, DCTERMS.Location))
    broken.remove((spatial, DCAT.bbox, None))
    found = results(broken, dcat_shapes)
    assert any(f[0] == "Violation" and f[2] == str(DCTERMS.format) for f in found)
    assert any(f[0] == "Warning" and f[2] == str(DCAT.bbox) for f in found)


def test_every_eu_authority_term_the_export_uses_is_in_the_local_graph(
    catalog: Graph, configured_catalog: Graph
) -> None:
    local = Graph().parse(AUTHORITY_TERMS, format="turtle")
    local.parse(data=STAND_IN_TERMS, format="turtle")
    for exported in (catalog, configured_catalog):
        used = {
            term
            for triple in exported
            for term in (triple[0], triple[2])
            if isinstance(term, URIRef) and str(term).startswith(EU) and str(term).count("/") > 5
        }
        assert used and all(local.value(term, SKOS.inScheme) is not None for term in used), used


def test_catalogue_describes_the_programme(catalog: Graph) -> None:
    # A graph with no DCAT instances would conform trivially: check the catalogue is there.
    catalogs = list(catalog.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    datasets = list(catalog.objects(catalogs[0], DCAT.dataset))
    assert len(datasets) == 1
    dataset = datasets[0]
    assert str(catalog.value(dataset, DCTERMS.identifier)) == "ptc-2022-2025"
    formats = {
        str(catalog.value(d, DCAT.mediaType)).rsplit("/", 2)[-2:][-1]
        for d in catalog.objects(dataset, DCAT.distribution)
    }
    assert formats >= {"turtle", "ld+json", "csv", "markdown", "html"}
    period = catalog.value(dataset, DCTERMS.temporal)
    assert catalog.value(period, DCAT.startDate) == Literal("2022", datatype=XSD.gYear)
    assert catalog.value(period, DCAT.endDate) == Literal("2025", datatype=XSD.gYear)
    themes = set(catalog.objects(dataset, DCAT.theme))
    assert URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE") in themes
    publisher = catalog.value(dataset, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in catalog
    assert catalog.value(dataset, DCAT.contactPoint) is not None
    assert catalog.value(catalogs[0], DCTERMS.license) is not None
    services = list(catalog.subjects(RDF.type, DCAT.DataService))
    assert len(services) == 1
    assert str(catalog.value(services[0], DCAT.endpointURL)).endswith("/sparql")
    assert catalog.value(services[0], DCAT.servesDataset) == dataset


def test_the_shapes_catch_a_catalogue_without_title(catalog: Graph, dcat_shapes: Graph) -> None:
    broken = with_authority_terms(catalog)
    for catalogue in list(broken.subjects(RDF.type, DCAT.Catalog)):
        broken.remove((catalogue, DCTERMS.title, None))
    assert any("title" in v for v in violations(broken, dcat_shapes))


def harvest(turtle: bytes) -> list[dict[str, Any]]:
    python = harvester_python()
    if python is None or not python.is_file():
        reason = f"CKAN harvester (ckanext-dcat) not installed in {HARVESTER_VENV}: make harvester"
        if REQUIRE_SYSTEM_TOOLS:
            pytest.fail(f"{reason}; WCOKG_REQUIRE_SYSTEM_TOOLS=1 requires it")
        pytest.skip(reason)
    done = subprocess.run(
        [str(python), str(TESTS / "harvester" / "ckan_harvest.py")],
        input=turtle,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    datasets: list[dict[str, Any]] = json.loads(done.stdout)
    return datasets


def test_ckan_harvester_reads_the_catalogue_with_a_licence(catalog: Graph) -> None:
    datasets = harvest(catalog.serialize(format="turtle", encoding="utf-8"))
    assert len(datasets) == 1
    dataset = datasets[0]
    assert dataset["license_id"] == "cc-by"  # mapped by the licence's title
    assert dataset["title"] == str(catalog.value(next(catalog.subjects(RDF.type, DCAT.Dataset)),
                                                 DCTERMS.title))  # fmt: skip
    extras = {e["key"]: e["value"] for e in dataset["extras"]}
    assert extras["publisher_name"] == "World Customs Organization"
    assert extras["spatial_uri"].startswith("https://sws.geonames.org/")
    formats = {r["format"].rsplit("/", 1)[-1] for r in dataset["resources"]}
    assert formats == {"RDF_TURTLE", "JSON_LD", "CSV", "TXT", "HTML"}


def test_ckan_harvester_reads_the_corporate_body_publisher(configured_catalog: Graph) -> None:
    datasets = harvest(configured_catalog.serialize(format="turtle", encoding="utf-8"))
    extras = {e["key"]: e["value"] for e in datasets[0]["extras"]}
    assert extras["publisher_uri"] == STAND_IN
    assert extras["publisher_name"] == "World Customs Organization"
    assert datasets[0]["license_id"] == "cc-by"


def test_ckan_harvester_leaves_the_licence_empty_without_a_known_title(catalog: Graph) -> None:
    untitled = Graph()
    untitled += catalog
    untitled.remove((None, DCTERMS.title, Literal(LICENCE_TITLE, lang="en")))
    datasets = harvest(untitled.serialize(format="turtle", encoding="utf-8"))
    assert datasets[0]["license_id"] == ""
