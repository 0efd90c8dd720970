"""`/sparql` as clients use it: SPARQLWrapper against the app served by uvicorn (over the
embedded store and over a real Oxigraph server), and the protocol's edges in-process."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from wcokg.api.app import create_app
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore, RemoteStore
from wcokg.store.base import SelectResult

WCOKG = "https://w3id.org/wcokg/ontology#"
SELECT = f"""PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?activity ?id WHERE {{ ?activity a <{WCOKG}Activity> ; dcterms:identifier ?id }}
ORDER BY ?id LIMIT 7"""
ASK_TRUE = f"ASK {{ ?a a <{WCOKG}Activity> }}"
ASK_FALSE = f"ASK {{ ?a a <{WCOKG}NoSuchClass> }}"
CONSTRUCT = f"""PREFIX dcterms: <http://purl.org/dc/terms/>
CONSTRUCT {{ ?activity dcterms:identifier ?id }}
WHERE {{ ?activity a <{WCOKG}Activity> ; dcterms:identifier ?id }}"""
BACKENDS = ["embedded", "remote"]


@pytest.fixture(scope="module")
def expected(seed_store: EmbeddedStore) -> dict[str, object]:
    rows = seed_store.query(SELECT)
    graph = seed_store.query(CONSTRUCT)
    assert isinstance(rows, SelectResult) and isinstance(graph, Graph)
    return {
        "pairs": [(str(r["activity"]), str(r["id"])) for r in rows.rows],
        "graph": set(graph),
    }


def client_for(url: str, query: str, fmt: str | None = None, method: str = "GET") -> SPARQLWrapper:
    wrapper = SPARQLWrapper(f"{url}/sparql")
    wrapper.setQuery(query)
    if fmt is not None:
        wrapper.setReturnFormat(fmt)
    if method == "POST":
        wrapper.setMethod(POST)
    elif method == "POSTDIRECTLY":
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(POSTDIRECTLY)
    return wrapper


# -- SPARQLWrapper as the client, every format, every request method, both backends -------------


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
def test_select_as_json(
    backend: str, method: str, app_servers: dict[str, str], expected: dict[str, object]
) -> None:
    result = client_for(app_servers[backend], SELECT, JSON, method).query().convert()
    assert isinstance(result, dict)
    assert result["head"]["vars"] == ["activity", "id"]
    pairs = [(b["activity"]["value"], b["id"]["value"]) for b in result["results"]["bindings"]]
    assert pairs == expected["pairs"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_select_as_xml(
    backend: str, app_servers: dict[str, str], expected: dict[str, object]
) -> None:
    document = client_for(app_servers[backend], SELECT, XML).query().convert()
    pairs = []
    for result in document.getElementsByTagName("result"):  # type: ignore[union-attr]
        values = {
            b.getAttribute("name"): b.firstChild.firstChild.data  # type: ignore[union-attr]
            for b in result.getElementsByTagName("binding")
        }
        pairs.append((values["activity"], values["id"]))
    assert pairs == expected["pairs"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_select_as_csv_and_tsv(
    backend: str, app_servers: dict[str, str], expected: dict[str, object]
) -> None:
    text = client_for(app_servers[backend], SELECT, CSV).query().convert()
    rows = list(csv.reader(io.StringIO(text.decode())))  # type: ignore[union-attr]
    assert rows[0] == ["activity", "id"]
    assert [tuple(r) for r in rows[1:]] == expected["pairs"]
    text = client_for(app_servers[backend], SELECT, TSV).query().convert()
    lines = text.decode().splitlines()  # type: ignore[union-attr]
    assert lines[0] == "?activity\t?id"
    assert [tuple(line.split("\t")) for line in lines[1:]] == [
        (f"<{a}>", json.dumps(i))
        for a, i in expected["pairs"]  # type: ignore[attr-defined]
    ]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(backend: str, fmt: str, app_servers: dict[str, str]) -> None:
    for query, answer in ((ASK_TRUE, True), (ASK_FALSE, False)):
        result = client_for(app_servers[backend], query, fmt).query().convert()
        if fmt == JSON:
            assert result["boolean"] is answer  # type: ignore[index]
        else:
            node = result.getElementsByTagName("boolean")[0]  # type: ignore[union-attr]
            assert node.firstChild.data == str(answer).lower()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, RDFXML, "n-triples"])
def test_construct(
    backend: str, fmt: str, app_servers: dict[str, str], expected: dict[str, object]
) -> None:
    # SPARQLWrapper has no N-Triples format: ask by Accept (its `format=n3` parameter names no
    # format the endpoint offers, so Accept decides).
    wrapper = client_for(app_servers[backend], CONSTRUCT, N3 if fmt == "n-triples" else fmt)
    if fmt == "n-triples":
        wrapper.addCustomHttpHeader("Accept", "application/n-triples")
    response = wrapper.query()
    media_type = response.info()["content-type"].split(";")[0]
    assert (
        media_type
        == {
            TURTLE: "text/turtle",
            JSONLD: "application/ld+json",
            RDFXML: "application/rdf+xml",
            "n-triples": "application/n-triples",
        }[fmt]
    )
    graph = Graph().parse(data=response.response.read(), format=media_type)
    assert set(graph) == expected["graph"]


# -- the protocol's edges, in-process -----------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def client(
    request: pytest.FixtureRequest, seed_store: EmbeddedStore, remote_store: RemoteStore
) -> Iterator[TestClient]:
    store = seed_store if request.param == "embedded" else remote_store
    with TestClient(create_app(Settings(), store)) as test_client:
        yield test_client


def test_malformed_query_is_400_with_the_parsers_message(client: TestClient) -> None:
    answer = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x"})
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert "malformed SPARQL query" in answer.json()["detail"]
    assert re.search(r"\d+:", answer.json()["detail"])  # the parser's position (line[:column])


def test_two_query_parameters_are_400(client: TestClient) -> None:
    answer = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert answer.status_code == 400


def test_unsupported_request_type_is_415(client: TestClient) -> None:
    answer = client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"})
    assert answer.status_code == 415
    assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml;q=0.5, text/csv", "text/csv"),
        (
            "text/tab-separated-values;q=0.9, application/sparql-results+json;q=0.1",
            "text/tab-separated-values",
        ),
        ("application/json", "application/sparql-results+json"),
        ("text/*", "text/csv"),
    ],
)
def test_select_content_negotiation(
    client: TestClient, accept: str | None, media_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    answer = client.get("/sparql", params={"query": SELECT}, headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in answer.headers["vary"]


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    answer = client.get(
        "/sparql", params={"query": CONSTRUCT, "format": "nt"}, headers={"Accept": "text/turtle"}
    )
    assert answer.headers["content-type"].split(";")[0] == "application/n-triples"


def test_unacceptable_result_type_is_406(client: TestClient) -> None:
    answer = client.get("/sparql", params={"query": ASK_TRUE}, headers={"Accept": "text/csv"})
    assert answer.status_code == 406


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml"])
def test_service_description(client: TestClient, accept: str) -> None:
    answer = client.get("/sparql", headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == accept
    graph = Graph().parse(data=answer.content, format=accept)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "endpoint"), URIRef("http://testserver/sparql")) in graph
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update")) not in graph


def test_other_methods_are_405(client: TestClient) -> None:
    assert client.put("/sparql?query=ASK%7B%7D").status_code == 405


def test_update_is_refused_by_default(client: TestClient) -> None:
    answer = client.post(
        "/sparql",
        content="CLEAR ALL",
        headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer x"},
    )
    assert answer.status_code == 403
    assert client.get("/sparql", params={"query": ASK_TRUE}).json()["boolean"] is True


def test_both_backends_answer_identically(
    seed_store: EmbeddedStore, remote_store: RemoteStore
) -> None:
    queries = [SELECT, ASK_TRUE, ASK_FALSE, CONSTRUCT, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"]
    clients = [TestClient(create_app(Settings(), s)) for s in (seed_store, remote_store)]
    for query in queries:
        for accept in ("application/sparql-results+json", "text/csv", "application/n-triples"):
            answers = [
                c.get("/sparql", params={"query": query}, headers={"Accept": accept})
                for c in clients
            ]
            assert answers[0].status_code == answers[1].status_code
            if query == CONSTRUCT and accept == "application/n-triples":
                assert sorted(answers[0].text.splitlines()) == sorted(answers[1].text.splitlines())
            else:
                assert answers[0].content == answers[1].content


# -- updates when enabled: a bearer token is required --------------------------------------------


@pytest.fixture
def writable(seed_report, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    from rdflib import Literal
    from rdflib.namespace import DCTERMS

    store = EmbeddedStore(tmp_path_factory.mktemp("writable"))
    graph = Graph()
    graph.add((URIRef("https://w3id.org/wcokg/x"), DCTERMS.identifier, Literal("x")))
    store.replace(graph)
    settings = Settings(update_enabled=True, update_token="s3cret")  # type: ignore[arg-type]
    with TestClient(create_app(settings, store)) as test_client:
        yield test_client


def test_update_needs_the_bearer_token(writable: TestClient) -> None:
    update = "INSERT DATA { <https://w3id.org/wcokg/y> <http://purl.org/dc/terms/identifier> 'y' }"
    ask = "ASK { <https://w3id.org/wcokg/y> ?p ?o }"
    headers = {"Content-Type": "application/sparql-update"}
    assert writable.post("/sparql", content=update, headers=headers).status_code == 401
    wrong = {**headers, "Authorization": "Bearer wrong"}
    answer = writable.post("/sparql", content=update, headers=wrong)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert writable.get("/sparql", params={"query": ask}).json()["boolean"] is False
    right = {**headers, "Authorization": "Bearer s3cret"}
    assert writable.post("/sparql", content=update, headers=right).status_code == 204
    assert writable.get("/sparql", params={"query": ask}).json()["boolean"] is True
    form = writable.post(
        "/sparql",
        data={
            "update": "DELETE DATA { <https://w3id.org/wcokg/y> <http://purl.org/dc/terms/identifier> 'y' }"
        },
        headers={"Authorization": "Bearer s3cret"},
    )
    assert form.status_code == 204
    assert writable.get("/sparql", params={"query": ask}).json()["boolean"] is False
    description = Graph().parse(data=writable.get("/sparql").content, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update")) in description
