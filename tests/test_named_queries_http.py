"""Every named query, with its `#+ example` parameters, gives the same answer on the embedded
store and on each real engine (Oxigraph server, Virtuoso), directly and over HTTP
(`/queries/{name}`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from wcokg.api.app import create_app
from wcokg.registry import NamedQuery, parse_query_file, registry
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore, GraphStore, RemoteStore
from wcokg.store.base import SelectResult

NAMES = sorted(registry())

PARAM_QUERY = """#+ name: test-by-identifier
#+ summary: Things with a given identifier (a test query with a required parameter)
#+ param: id string The identifier, e.g. I-1
#+ param: predicate iri=http://purl.org/dc/terms/identifier The property holding it
#+ example: id=I-1
SELECT ?thing ?id ?predicate WHERE { ?thing ?predicate ?id } ORDER BY ?thing LIMIT 5
"""


def normalised(result: SelectResult) -> tuple[list[str], list[tuple[str, ...]]]:
    """Variables and rows as N3 text; blank-node labels (store-specific) replaced by `_:b`."""
    rows = [
        tuple(
            "_:b" if isinstance(row.get(v), BNode) else (row[v].n3() if v in row else "")
            for v in result.variables
        )
        for row in result.rows
    ]
    return result.variables, rows


@pytest.fixture(scope="module")
def clients(
    seed_store: EmbeddedStore, remote_store: RemoteStore
) -> Iterator[dict[str, TestClient]]:
    settings = Settings()
    with (
        TestClient(create_app(settings, seed_store)) as embedded,
        TestClient(create_app(settings, remote_store)) as remote,
    ):
        yield {"embedded": embedded, "remote": remote}


@pytest.fixture
def param_query(monkeypatch: pytest.MonkeyPatch) -> NamedQuery:
    named = parse_query_file("test-by-identifier", PARAM_QUERY)
    monkeypatch.setitem(registry(), named.name, named)
    return named


@pytest.mark.parametrize("name", NAMES)
def test_named_query_gives_identical_results_on_both_stores(
    name: str, seed_store: EmbeddedStore, remote_store: RemoteStore
) -> None:
    named = registry()[name]
    values = named.example_values()
    embedded = named.run(seed_store, values)
    assert normalised(embedded) == normalised(named.run(remote_store, values))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_named_query_over_http_is_identical_on_both_stores(
    name: str, fmt: str, clients: dict[str, TestClient]
) -> None:
    params = {**registry()[name].example_values(), "format": fmt}
    answers = []
    for kind in ("embedded", "remote"):
        answer = clients[kind].get(f"/queries/{name}", params=params)
        assert answer.status_code == 200, answer.text
        assert "Accept" in answer.headers["vary"]
        answers.append(_without_blank_labels(answer.text, fmt, clients[kind], name))
    assert answers[0] == answers[1]


def _without_blank_labels(text: str, fmt: str, client: TestClient, name: str) -> object:
    """The answer with blank-node labels (which each store picks itself) replaced by `_:b`."""
    store = client.app.state.store  # type: ignore[attr-defined]
    result = registry()[name].run(store, registry()[name].example_values())
    blanks = {str(t) for row in result.rows for t in row.values() if isinstance(t, BNode)}
    if fmt == "json":
        rows = json.loads(text)
        return [{k: "_:b" if v in blanks else v for k, v in row.items()} for row in rows]
    return [["_:b" if c in blanks else c for c in row] for row in csv.reader(io.StringIO(text))]


def test_the_list_describes_every_named_query(clients: dict[str, TestClient]) -> None:
    listed = clients["embedded"].get("/queries").json()
    assert sorted(q["name"] for q in listed) == sorted(registry())
    for entry in listed:
        assert set(entry) >= {"name", "summary", "parameters", "example", "example_url"}
        assert entry["summary"]


def test_parameters_are_bound_not_pasted_on_both_stores(
    param_query: NamedQuery, clients: dict[str, TestClient]
) -> None:
    results = {}
    for kind, client in clients.items():
        answer = client.get("/queries/test-by-identifier", params={"id": "I-1"})
        assert answer.status_code == 200, answer.text
        results[kind] = answer.json()
        hostile = client.get("/queries/test-by-identifier", params={"id": 'I-1" } ?x ?y ?z . { "'})
        assert hostile.status_code == 200, hostile.text
        assert hostile.json() == []
    assert results["embedded"] == results["remote"]
    assert [row["id"] for row in results["embedded"]] == ["I-1"]


def test_typed_parameters_are_bound_identically(
    seed_store: EmbeddedStore, remote_store: RemoteStore
) -> None:
    query = "SELECT ?x ?n ?iri WHERE { BIND(?n + 1 AS ?x) FILTER(?iri != <urn:x>) }"
    bindings = {"n": Literal(41), "iri": URIRef("https://w3id.org/wcokg/x")}
    for store in (seed_store, remote_store):
        result = store.query(query, bindings)
        assert isinstance(result, SelectResult)
        assert [str(r["x"]) for r in result.rows] == ["42"]


def test_unknown_parameter_is_422_problem(clients: dict[str, TestClient]) -> None:
    answer = clients["embedded"].get(f"/queries/{NAMES[0]}", params={"bogus": "1"})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert "unknown parameter(s) bogus" in answer.json()["detail"]


def test_missing_parameter_is_422_with_the_example(
    param_query: NamedQuery, clients: dict[str, TestClient]
) -> None:
    answer = clients["remote"].get("/queries/test-by-identifier")
    assert answer.status_code == 422
    assert "missing parameter(s) id" in answer.json()["detail"]
    assert "id=I-1" in answer.json()["detail"]


def test_badly_typed_parameter_is_422(
    param_query: NamedQuery, clients: dict[str, TestClient]
) -> None:
    answer = clients["embedded"].get(
        "/queries/test-by-identifier", params={"id": "I-1", "predicate": "not an iri"}
    )
    assert answer.status_code == 422
    assert "expected iri" in answer.json()["detail"]


def test_unknown_query_is_404_problem(clients: dict[str, TestClient]) -> None:
    answer = clients["embedded"].get("/queries/no-such-query")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


def test_csv_by_accept_and_406_for_other_types(clients: dict[str, TestClient]) -> None:
    client = clients["embedded"]
    answer = client.get(f"/queries/{NAMES[0]}", headers={"Accept": "text/csv"})
    assert answer.headers["content-type"].startswith("text/csv")
    header = next(csv.reader(io.StringIO(answer.text)))
    assert header == list(registry()[NAMES[0]].run(client.app.state.store).variables)  # type: ignore[attr-defined]
    weighted = client.get(
        f"/queries/{NAMES[0]}", headers={"Accept": "application/json;q=0.4, text/csv;q=0.8"}
    )
    assert weighted.headers["content-type"].startswith("text/csv")
    assert client.get(f"/queries/{NAMES[0]}", headers={"Accept": "image/png"}).status_code == 406


def _small_graph(identifier: str) -> Graph:
    graph = Graph()
    graph.add((URIRef("https://w3id.org/wcokg/x"), DCTERMS.identifier, Literal(identifier)))
    return graph


@pytest.mark.parametrize("backend", ["embedded", "remote"])
def test_results_are_cached_per_version_and_invalidated_on_rebuild(
    backend: str, param_query: NamedQuery, tmp_path_factory: pytest.TempPathFactory, remote_engine
) -> None:  # type: ignore[no-untyped-def]
    store: GraphStore = (
        EmbeddedStore(tmp_path_factory.mktemp("cache"))
        if backend == "embedded"
        else remote_engine()
    )
    store.replace(_small_graph("first"))
    with TestClient(create_app(Settings(), store)) as client:
        cache = client.app.state.cache  # type: ignore[attr-defined]
        url = "/queries/test-by-identifier"
        assert [r["id"] for r in client.get(url, params={"id": "first"}).json()] == ["first"]
        assert client.get(url, params={"id": "first"}).json() and cache.hits == 1
        store.replace(_small_graph("second"))
        assert client.get(url, params={"id": "first"}).json() == []
        assert cache.hits == 1
        assert [r["id"] for r in client.get(url, params={"id": "second"}).json()] == ["second"]
