"""Dereferencing: minted IRIs answer with HTML or RDF by Accept (q-values) or ?format=."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from wcokg.api.app import create_app
from wcokg.build import build_graph, bundled_sources
from wcokg.namespaces import WCOKG, Minter
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore

ACTIVITY = "/wp/ptc-2022-2025/activity/I-1"
IRI = "https://w3id.org/wcokg" + ACTIVITY
PARSERS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


@pytest.fixture(scope="module")
def client(seed_store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=seed_store.root), seed_store)) as test_client:
        yield test_client


@pytest.mark.parametrize("media_type", list(PARSERS))
def test_activity_in_every_rdf_format_by_accept(client: TestClient, media_type: str) -> None:
    response = client.get(ACTIVITY, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers["vary"]
    graph = Graph().parse(data=response.content, format=PARSERS[media_type])
    assert (URIRef(IRI), RDF.type, WCOKG.Activity) in graph
    assert any(str(s).startswith(IRI + "/milestone/") for s in graph.subjects()), "parts included"


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"),
     ("rdf", "application/rdf+xml"), ("html", "text/html")],
)  # fmt: skip
def test_format_parameter_overrides_accept(client: TestClient, name: str, media_type: str) -> None:
    response = client.get(ACTIVITY, params={"format": name}, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith(media_type)


def test_q_values_are_honoured(client: TestClient) -> None:
    accept = "text/html;q=0.5, application/ld+json;q=0.9, text/turtle;q=0.8"
    response = client.get(ACTIVITY, headers={"Accept": accept})
    assert response.headers["content-type"].startswith("application/ld+json")
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert (
        client.get(ACTIVITY, headers={"Accept": browser})
        .headers["content-type"]
        .startswith("text/html")
    )
    refused = client.get(ACTIVITY, headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_unknown_iri_is_404(client: TestClient) -> None:
    for path in ("/body/no-such-body", "/wp/ptc-2022-2025/activity/X-1", "/vocab/nothing"):
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404
        html = client.get(path, headers={"Accept": "text/html"})
        assert html.status_code == 404 and "Not found" in html.text
    problem = client.get("/body/no-such-body", headers={"Accept": "text/turtle"}).json()
    assert "no-such-body" in problem["detail"]


@pytest.mark.parametrize(
    "path",
    ["/wp/ptc-2022-2025", "/body/ptc", "/org/wto-tfaf", "/instrument/safe-fos-2025", "/vocab/priority",
     "/vocab/priority/A", "/source/ptc-work-programme-2022-2025", "/ontology"],
)  # fmt: skip
def test_minted_iris_dereference(client: TestClient, path: str) -> None:
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200, path
    assert len(Graph().parse(data=turtle.text, format="turtle")) > 0
    html = client.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.text.startswith("<!doctype html>")


def test_every_minted_iri_in_the_graph_dereferences(
    client: TestClient, seed_store: EmbeddedStore
) -> None:
    """Every first-class resource (one with an identifier) minted under the base answers 200."""
    data = Graph().parse(data=seed_store.dump("application/n-triples"), format="nt")
    from rdflib.namespace import DCTERMS

    base = "https://w3id.org/wcokg/"
    subjects = sorted(
        {str(s) for s in data.subjects(DCTERMS.identifier) if str(s).startswith(base)}
    )
    assert len(subjects) > 200
    for iri in subjects[::7]:
        response = client.get(iri[len(base) - 1 :], headers={"Accept": "application/n-triples"})
        assert response.status_code == 200, iri


def test_ontology_html_documents_every_term(client: TestClient) -> None:
    html = client.get("/ontology", headers={"Accept": "text/html"}).text
    ontology = Graph().parse(
        data=client.get("/ontology", params={"format": "ttl"}).text, format="turtle"
    )
    terms = {
        str(t)
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in ontology.subjects(RDF.type, kind)
        if str(t).startswith(str(WCOKG))
    }
    assert len(terms) > 50
    for term in terms:
        assert f'id="{term.split("#")[1]}"' in html, term


def test_vocabulary_html_lists_concepts(client: TestClient) -> None:
    html = client.get("/vocab/status", headers={"Accept": "text/html"}).text
    for label in ("Completed", "In progress", "Not started"):
        assert label in html


def test_other_base_maps_paths_to_its_iris(tmp_path_factory: pytest.TempPathFactory) -> None:
    base = "http://example.org/kg/"
    store = EmbeddedStore(tmp_path_factory.mktemp("other-base"))
    store.replace(build_graph(bundled_sources(), Minter(base)).graph)
    with TestClient(create_app(Settings(store=store.root, base=base), store)) as client:
        response = client.get("/body/ptc", headers={"Accept": "application/n-triples"})
        assert response.status_code == 200
        assert "<http://example.org/kg/body/ptc>" in response.text
        page = client.get("/activities/I-1").json()
        assert page["iri"] == base + "wp/ptc-2022-2025/activity/I-1"
        assert page["url"] == ACTIVITY
