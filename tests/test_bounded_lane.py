"""The bounded-cost lane (`wcokg.store.bounded`): which queries run in the serving process, and
that their answers are the very bytes a query worker gives.

The classifier is tried on small hand-written texts (bounded and not); the counts on a small
hand-written store; the HTTP answers on the seed, against an app whose lane is off (every
query in a worker), for every result format and for the errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Namespace

from wcokg.api.app import create_app
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore
from wcokg.store.bounded import BoundedLane, classify
from wcokg.store.guarded import GuardedStore, QueryLimits

ORG = "http://www.w3.org/ns/org#"
EX = Namespace("http://example.org/")

BOUNDED = [
    "SELECT ?p ?o WHERE { <http://example.org/a> ?p ?o }",
    "select * { <http://example.org/a> ?p ?o . }",
    "SELECT DISTINCT ?p WHERE { <http://example.org/a> ?p ?o } LIMIT 3 OFFSET 1",
    "SELECT REDUCED ?s { ?s <http://example.org/p> <http://example.org/b> } OFFSET 1 LIMIT 2",
    'SELECT ?s WHERE { ?s ?p "a plain string" }',
    "ASK { <http://example.org/a> a ?type }",
    "ASK WHERE { ?s a <http://example.org/Class> }",
    "PREFIX ex: <http://example.org/>\nSELECT ?o WHERE {\n  ex:a ex:p ?o .\n}",
    "SELECT ?b WHERE { <http://example.org/a> <http://www.w3.org/ns/org#reportsTo>+ ?b }",
    "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?b { ?b org:reportsTo* <http://example.org/c> }",
    "ASK { <http://example.org/a> <http://example.org/p>+ <http://example.org/c> }",
]

UNBOUNDED = {
    "variables only": "SELECT * WHERE { ?s ?p ?o }",
    "constant predicate only": "SELECT * WHERE { ?s <http://example.org/p> ?o }",
    "join": "SELECT * WHERE { <http://example.org/a> ?p ?o . ?o ?q ?r }",
    "filter": "SELECT * WHERE { <http://example.org/a> ?p ?o FILTER(isIRI(?o)) }",
    "filter function": 'SELECT * WHERE { <http://example.org/a> ?p ?o FILTER(REGEX(?o, "x")) }',
    "optional": "SELECT * WHERE { <http://example.org/a> ?p ?o OPTIONAL { ?o ?q ?r } }",
    "service": "SELECT * WHERE { SERVICE <http://example.org/sparql> { <http://x/a> ?p ?o } }",
    "escaped service": "SELECT * WHERE { \\u0053ERVICE <http://x/s> { <http://x/a> ?p ?o } }",
    "graph": "SELECT * WHERE { GRAPH ?g { <http://example.org/a> ?p ?o } }",
    "from": "SELECT * FROM <http://example.org/g> WHERE { <http://example.org/a> ?p ?o }",
    "aggregate": "SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/a> ?p ?o }",
    "subquery": "SELECT * WHERE { { SELECT * WHERE { <http://example.org/a> ?p ?o } } }",
    "order by": "SELECT * WHERE { <http://example.org/a> ?p ?o } ORDER BY ?o",
    "values": "SELECT * WHERE { <http://example.org/a> ?p ?o } VALUES ?o { 1 }",
    "construct": "CONSTRUCT WHERE { <http://example.org/a> ?p ?o }",
    "describe": "DESCRIBE <http://example.org/a>",
    "comment": "SELECT * WHERE { <http://example.org/a> ?p ?o } # a comment",
    "relative iri": "SELECT * WHERE { <a> ?p ?o }",
    "base": "BASE <http://example.org/> SELECT * WHERE { <a> ?p ?o }",
    "undeclared prefix": "SELECT * WHERE { ex:a ?p ?o }",
    "prefixed name SPARQL reads longer": "PREFIX ex: <http://e/> SELECT * { ex:a.b ?p ?o }",
    "tagged literal": 'SELECT * WHERE { ?s ?p "x"@en }',
    "typed literal": 'SELECT * WHERE { ?s ?p "1"^^<http://www.w3.org/2001/XMLSchema#int> }',
    "blank node": "SELECT * WHERE { _:b ?p ?o }",
    "path between variables": "SELECT * WHERE { ?a <http://www.w3.org/ns/org#reportsTo>+ ?b }",
    "sequence path": "SELECT * WHERE { <http://example.org/a> <http://x/p>/<http://x/q> ?o }",
    "inverse path": "SELECT * WHERE { <http://example.org/a> ^<http://x/p> ?o }",
    "spaced path modifier": "SELECT * WHERE { <http://example.org/a> <http://x/p> + ?o }",
    "two limits": "SELECT * WHERE { <http://example.org/a> ?p ?o } LIMIT 1 LIMIT 2",
    "ask with limit": "ASK { <http://example.org/a> ?p ?o } LIMIT 1",
    "update": "INSERT DATA { <http://example.org/a> <http://x/p> <http://x/o> }",
    "two patterns in one group": "SELECT * { <http://example.org/a> ?p ?o ; ?q ?r }",
}


@pytest.mark.parametrize("text", BOUNDED)
def test_the_classifier_recognises_one_pattern_or_one_closure_from_a_constant(text: str) -> None:
    assert classify(text) is not None


@pytest.mark.parametrize("text", list(UNBOUNDED.values()), ids=list(UNBOUNDED))
def test_the_classifier_leaves_everything_else_to_the_workers(text: str) -> None:
    assert classify(text) is None


def test_the_classifier_reads_the_terms_as_sparql_does() -> None:
    shape = classify("PREFIX ex: <http://example.org/> SELECT ?o { ex:a a ?o }")
    assert shape is not None
    assert (shape.subject.kind, shape.subject.value) == ("iri", "http://example.org/a")
    assert shape.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert (shape.object.kind, shape.object.value, shape.path) == ("var", "o", None)
    path = classify(f"SELECT ?b {{ ?b <{ORG}reportsTo>* <http://example.org/c> }}")
    assert path is not None and path.path == "*" and path.object.value == "http://example.org/c"


# -- the counts, on a small hand-written store ------------------------------------------------


def _graph(edges: int) -> Graph:
    """`ex:a` with three triples; a `reportsTo` chain of `edges` edges from ex:n0."""
    graph = Graph()
    graph.add((EX.a, EX.p, EX.b))
    graph.add((EX.a, EX.p, EX.c))
    graph.add((EX.a, EX.q, EX.d))
    reports = Namespace(ORG)["reportsTo"]
    for i in range(edges):
        graph.add((EX[f"n{i}"], reports, EX[f"n{i + 1}"]))
    return graph


@pytest.fixture
def small_store(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "store")
    store.replace(_graph(edges=3))
    return store


def test_a_pattern_runs_in_process_only_below_the_scan_limit(small_store: EmbeddedStore) -> None:
    text = "SELECT ?p ?o WHERE { <http://example.org/a> ?p ?o }"
    assert BoundedLane(small_store, scan_rows=3, path_edges=0).admits(text)
    assert not BoundedLane(small_store, scan_rows=2, path_edges=0).admits(text)
    # The constant object bounds it when the subject is a variable.
    by_object = "SELECT ?s WHERE { ?s ?p <http://example.org/b> }"
    assert BoundedLane(small_store, scan_rows=1, path_edges=0).admits(by_object)
    assert not BoundedLane(small_store, scan_rows=0, path_edges=0).admits(by_object)  # off


def test_a_path_runs_in_process_only_below_the_edge_limit(small_store: EmbeddedStore) -> None:
    text = f"SELECT ?b WHERE {{ <http://example.org/n0> <{ORG}reportsTo>+ ?b }}"
    lane = BoundedLane(small_store, scan_rows=0, path_edges=3)
    assert lane.admits(text)
    assert not BoundedLane(small_store, scan_rows=1000, path_edges=2).admits(text)
    # Counted again for a new version: a longer chain is over the limit.
    small_store.replace(_graph(edges=4))
    assert not lane.admits(text)


def test_the_lane_answers_as_a_worker_would(small_store: EmbeddedStore) -> None:
    guarded = GuardedStore(small_store, QueryLimits(workers=1, timeout=5))
    try:
        text = f"SELECT ?b WHERE {{ <http://example.org/n0> <{ORG}reportsTo>+ ?b }}"

        def choose(kind: object) -> str:
            return "application/sparql-results+json"

        lane = guarded.query_bounded(text, choose)
        assert lane is not None
        assert guarded.pool is not None and guarded.pool.alive == 0  # no worker was used
        worker = guarded.query_serialized(text, choose)
        assert guarded.pool.alive == 1
        assert (lane.kind, lane.media_type, lane.body) == (
            worker.kind,
            worker.media_type,
            worker.body,
        )
        assert b"http://example.org/n3" in lane.body
        assert guarded.query_bounded("SELECT * WHERE { ?s ?p ?o }", choose) is None
    finally:
        guarded.close()


# -- over HTTP, on the seed: the same bytes as a worker's, for every format --------------------


def _app(store: EmbeddedStore, lane: bool, **limits: object) -> TestClient:
    options: dict[str, object] = {
        "query_workers": 1,
        "query_timeout": 3,
        "sparql_cache": False,
        "warm_up": False,
        "bounded_scan_rows": 1000 if lane else 0,
        "bounded_path_edges": 1000 if lane else 0,
    }
    settings = Settings(store=Path("unused"), **(options | limits))  # type: ignore[arg-type]
    return TestClient(create_app(settings, store), raise_server_exceptions=False)


def _seed_queries(store: EmbeddedStore) -> dict[str, str]:
    """A lookup, a path and an ASK with terms found in the data (not named)."""
    activity = store.query(
        "SELECT ?a WHERE { ?a a <https://w3id.org/wcokg/ontology#Activity> } ORDER BY ?a LIMIT 1"
    )
    body = store.query(f"SELECT ?s WHERE {{ ?s <{ORG}reportsTo> ?b }} ORDER BY ?s LIMIT 1")
    a = str(activity.rows[0]["a"])  # type: ignore[union-attr]
    s = str(body.rows[0]["s"])  # type: ignore[union-attr]
    return {
        "lookup": f"SELECT ?p ?o WHERE {{ <{a}> ?p ?o }}",
        "distinct": f"SELECT DISTINCT ?p WHERE {{ <{a}> ?p ?o }} LIMIT 5 OFFSET 1",
        "path": f"SELECT ?b WHERE {{ <{s}> <{ORG}reportsTo>+ ?b }}",
        "ask": f"ASK {{ <{a}> a ?type }}",
    }


FORMATS = ["json", "xml", "csv", "tsv", "ttl", None]


def test_in_lane_answers_are_the_workers_bytes_in_every_format(seed_store: EmbeddedStore) -> None:
    queries = _seed_queries(seed_store)
    with _app(seed_store, lane=True) as lane, _app(seed_store, lane=False) as workers:
        for name, text in queries.items():
            for fmt in FORMATS:
                params = {"query": text} | ({"format": fmt} if fmt else {})
                ours, theirs = (
                    lane.get("/sparql", params=params),
                    workers.get("/sparql", params=params),
                )
                assert ours.status_code == theirs.status_code, (name, fmt, ours.text)
                assert ours.headers["content-type"] == theirs.headers["content-type"]
                assert ours.content == theirs.content, (name, fmt)
                if fmt is None:
                    assert ours.status_code == 200 and ours.content, name
            # By POST too (form and direct).
            form = lane.post("/sparql", data={"query": text})
            direct = lane.post(
                "/sparql", content=text, headers={"content-type": "application/sparql-query"}
            )
            assert (
                form.content
                == direct.content
                == workers.get("/sparql", params={"query": text}).content
            )
        # Every answer above came from the lane: its app never started a worker.
        assert lane.app.state.store.pool.alive == 0  # type: ignore[attr-defined]
        assert workers.app.state.store.pool.alive == 1  # type: ignore[attr-defined]


def test_in_lane_errors_are_the_workers_errors(seed_store: EmbeddedStore) -> None:
    lookup = _seed_queries(seed_store)["lookup"]
    with (
        _app(seed_store, lane=True, max_result_rows=3) as lane,
        _app(seed_store, lane=False, max_result_rows=3) as workers,
    ):
        for params in (
            {"query": lookup},  # more rows than the cap: 400
            {"query": lookup, "format": "ttl"},  # no graph format for a SELECT: 406
            {"query": lookup.replace("?p ?o WHERE", "?p ?p WHERE")},  # parser's 400
        ):
            ours, theirs = lane.get("/sparql", params=params), workers.get("/sparql", params=params)
            assert ours.status_code == theirs.status_code >= 400, (params, ours.text)
            assert ours.json() == theirs.json()
        assert lane.app.state.store.pool.alive == 0  # type: ignore[attr-defined]


def test_a_dataset_or_an_unbounded_query_still_goes_to_a_worker(seed_store: EmbeddedStore) -> None:
    lookup = _seed_queries(seed_store)["lookup"]
    with _app(seed_store, lane=True) as client:
        pool = client.app.state.store.pool  # type: ignore[attr-defined]
        assert client.get("/sparql", params={"query": lookup}).status_code == 200
        assert pool.alive == 0
        answer = client.get(
            "/sparql", params={"query": lookup, "default-graph-uri": "http://example.org/none"}
        )
        assert answer.status_code == 200 and pool.alive == 1
        assert answer.json()["results"]["bindings"] == []


def test_a_runaway_query_still_gets_its_time_limit(seed_store: EmbeddedStore) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with _app(seed_store, lane=True, query_timeout=1) as client:
        answer = client.get("/sparql", params={"query": runaway})
    assert answer.status_code == 503
    assert "time limit of 1 s" in answer.json()["detail"]


def test_an_update_in_place_is_counted_again(small_store: EmbeddedStore) -> None:
    """An update keeps the version's name: the lane must not trust its old counts."""
    guarded = GuardedStore(small_store, QueryLimits(workers=0, bounded_path_edges=3))
    text = f"SELECT ?b WHERE {{ <http://example.org/n0> <{ORG}reportsTo>+ ?b }}"
    assert guarded.lane is not None and guarded.lane.admits(text)
    guarded.update(
        f"INSERT DATA {{ <http://example.org/n3> <{ORG}reportsTo> <http://example.org/n4> }}"
    )
    assert not guarded.lane.admits(text)


def test_the_lane_settings_are_documented_with_their_defaults() -> None:
    settings = Settings()
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    security = (root / "SECURITY.md").read_text(encoding="utf-8")
    for name, default in (
        ("WCOKG_BOUNDED_SCAN_ROWS", settings.bounded_scan_rows),
        ("WCOKG_BOUNDED_PATH_EDGES", settings.bounded_path_edges),
    ):
        assert f"| `{name}` | `{default}` |" in readme
        assert name in security
