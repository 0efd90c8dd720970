"""DCAT-AP 3.0 export: conforms to the official DCAT-AP 3.0.1 SHACL shapes (no Violations)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, XSD

from wcokg.export.dcat import catalog_graph
from wcokg.store import EmbeddedStore


@pytest.fixture
def dcat_shapes(shared_dir: Path) -> Graph:
    folder = shared_dir / "standards" / "dcat-ap" / "3.0.1" / "html-shacl"
    files = [folder / "shapes.ttl", folder / "range.ttl"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        pytest.skip(f"DCAT-AP 3.0.1 shapes not found: {', '.join(missing)}")
    shapes = Graph()
    for path in files:
        shapes.parse(path, format="turtle")
    return shapes


@pytest.fixture(scope="module")
def catalog(seed_store: EmbeddedStore) -> Graph:
    return catalog_graph(seed_store)


def violations(data: Graph, shapes: Graph) -> list[str]:
    _, report, _ = validate(data, shacl_graph=shapes, advanced=True)
    assert isinstance(report, Graph)
    return [
        f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}: "
        f"{report.value(r, SH.resultMessage)}"
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    ]


def test_catalogue_conforms_to_the_dcat_ap_shapes(catalog: Graph, dcat_shapes: Graph) -> None:
    assert violations(catalog, dcat_shapes) == []


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
    broken = Graph()
    for triple in catalog:
        broken.add(triple)
    for catalogue in list(broken.subjects(RDF.type, DCAT.Catalog)):
        broken.remove((catalogue, DCTERMS.title, None))
    assert any("title" in v for v in violations(broken, dcat_shapes))
