"""Serving under load (issue 8): `/sparql` answers cached per graph version, bounded by entries
and bytes; the worker pool queues normal concurrency instead of refusing it; activity pages
made once per version, the same HTML; the warm-up in the background."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx
import pytest
from conftest import AppServer
from fastapi.testclient import TestClient
from markupsafe import Markup
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from wcokg.api.app import create_app
from wcokg.api.cache import ResultCache
from wcokg.api.services import catalog, views
from wcokg.export.schemaorg import activity_jsonld
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore

SELECT = "SELECT ?s ?o WHERE { ?s <http://purl.org/dc/terms/identifier> ?o } ORDER BY ?o"
ASK = "ASK { <https://w3id.org/wcokg/y> ?p ?o }"
JSON = "application/sparql-results+json"


def _graph(*identifiers: str) -> Graph:
    graph = Graph()
    for identifier in identifiers:
        node = URIRef(f"https://w3id.org/wcokg/{identifier}")
        graph.add((node, DCTERMS.identifier, Literal(identifier)))
    return graph


@pytest.fixture
def small_store(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "store")
    store.replace(_graph("x"))
    return store


def _settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(store=tmp_path / "unused", warm_up=False, **extra)  # type: ignore[arg-type]


# -- the cache itself -----------------------------------------------------------------------------


def test_cache_keeps_answers_for_one_version_only() -> None:
    cache = ResultCache(max_entries=10)
    assert cache.get("v1", "k") is None
    assert cache.put("v1", "k", ("text/csv", b"a"))
    assert cache.get("v1", "k") == ("text/csv", b"a") and cache.hits == 1
    assert cache.get("v2", "k") is None and len(cache) == 0
    # A slow answer computed for v1 does not land in the cache of v2 (nor switch it back).
    assert not cache.put("v1", "k", ("text/csv", b"old"))
    assert cache.get("v2", "k") is None


def test_cache_is_bounded_by_entries_and_bytes() -> None:
    cache = ResultCache(max_entries=3, max_bytes=100, max_entry_bytes=60)
    cache.get("v", "probe")
    assert not cache.put("v", "huge", ("t", b"x" * 61))  # larger than one entry may be
    assert len(cache) == 0 and cache.size == 0
    for i in range(3):
        assert cache.put("v", i, ("t", b"x" * 40))
    assert cache.size <= 100 and len(cache) == 2  # the oldest went to stay under 100 bytes
    assert cache.get("v", 0) is None and cache.get("v", 2) is not None
    for i in range(10, 20):
        cache.put("v", i, ("t", b"y"))
    assert len(cache) == 3 and cache.size == 3


def test_an_answer_computed_before_a_clear_is_not_kept() -> None:
    cache = ResultCache()
    cache.get("v", "k")
    generation = cache.generation
    cache.clear()  # an update happened while the answer was computed
    assert not cache.put("v", "k", ("t", b"stale"), generation)
    assert cache.get("v", "k") is None


# -- /sparql through the app ----------------------------------------------------------------------


def test_sparql_cache_hit_returns_the_same_bytes(
    small_store: EmbeddedStore, tmp_path: Path
) -> None:
    with TestClient(create_app(_settings(tmp_path), small_store)) as client:
        answers = client.app.state.sparql_cache  # type: ignore[attr-defined]
        first = client.get("/sparql", params={"query": SELECT}, headers={"Accept": JSON})
        second = client.get("/sparql", params={"query": SELECT}, headers={"Accept": JSON})
        assert first.status_code == second.status_code == 200
        assert answers.hits == 1
        assert second.content == first.content
        assert second.headers["content-type"] == first.headers["content-type"]
        assert second.headers["vary"] == "Accept"
        # Another media type, dataset or POST form: its own answer, never the JSON bytes.
        csv = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/csv"})
        assert csv.headers["content-type"].startswith("text/csv") and csv.content != first.content
        posted = client.post("/sparql", data={"query": SELECT}, headers={"Accept": JSON})
        assert posted.content == first.content and answers.hits == 2
        other = client.get(
            "/sparql",
            params={"query": SELECT, "default-graph-uri": "urn:x-none"},
            headers={"Accept": JSON},
        )
        assert other.json()["results"]["bindings"] == []
        # A refusal is not cached: 406 again.
        for _ in range(2):
            refused = client.get("/sparql", params={"query": ASK}, headers={"Accept": "text/csv"})
            assert refused.status_code == 406


def test_sparql_cache_is_emptied_by_a_new_version(
    small_store: EmbeddedStore, tmp_path: Path
) -> None:
    with TestClient(create_app(_settings(tmp_path), small_store)) as client:
        ids = lambda: [  # noqa: E731
            b["o"]["value"]
            for b in client.get("/sparql", params={"query": SELECT}).json()["results"]["bindings"]
        ]
        assert ids() == ids() == ["x"]
        small_store.replace(_graph("x", "z"))
        assert ids() == ["x", "z"]


def test_sparql_cache_is_emptied_by_an_update(small_store: EmbeddedStore, tmp_path: Path) -> None:
    settings = _settings(tmp_path, update_enabled=True, update_token="s3cret")
    with TestClient(create_app(settings, small_store)) as client:
        assert client.get("/sparql", params={"query": ASK}).json()["boolean"] is False
        assert client.get("/sparql", params={"query": ASK}).json()["boolean"] is False
        assert client.app.state.sparql_cache.hits == 1  # type: ignore[attr-defined]
        update = (
            "INSERT DATA { <https://w3id.org/wcokg/y> <http://purl.org/dc/terms/identifier> 'y' }"
        )
        answer = client.post(
            "/sparql",
            content=update,
            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer s3cret"},
        )
        assert answer.status_code == 204
        assert client.get("/sparql", params={"query": ASK}).json()["boolean"] is True


def test_large_answers_are_not_cached(small_store: EmbeddedStore, tmp_path: Path) -> None:
    settings = _settings(tmp_path, sparql_cache_entry_bytes=50)
    with TestClient(create_app(settings, small_store)) as client:
        answers = client.app.state.sparql_cache  # type: ignore[attr-defined]
        assert len(client.get("/sparql", params={"query": SELECT}).content) > 50
        assert len(answers) == 0
        client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/csv, */*"})
        assert len(answers) == 1 and answers.size <= 50


def test_the_sparql_cache_can_be_turned_off(small_store: EmbeddedStore, tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path, sparql_cache=False), small_store)) as client:
        assert client.app.state.sparql_cache is None  # type: ignore[attr-defined]
        first = client.get("/sparql", params={"query": SELECT})
        assert first.status_code == 200
        assert client.get("/sparql", params={"query": SELECT}).content == first.content


def test_sparql_cache_setting_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WCOKG_SPARQL_CACHE", "0")
    assert Settings().sparql_cache is False


# -- concurrency: waiting is not refusing ---------------------------------------------------------


def test_sixteen_and_more_concurrent_queries_queue_with_the_default_settings(
    seed_store: EmbeddedStore, tmp_path: Path
) -> None:
    """Distinct queries (no cache) of ~0.1 s each, 32 at once, on the 3 default workers."""
    settings = Settings(store=tmp_path / "unused", warm_up=False)
    assert settings.query_queue >= 64
    query = (
        "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?b ?c } LIMIT 1000 } "
        "{ SELECT ?d WHERE { ?d ?e ?f } LIMIT %d } }"
    )
    with (
        AppServer(create_app(settings, seed_store)) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
        ThreadPoolExecutor(32) as pool,
    ):
        statuses = list(
            pool.map(
                lambda i: client.get("/sparql", params={"query": query % (500 + i)}).status_code,
                range(32),
            )
        )
    assert statuses == [200] * 32


# -- activity pages -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages_client(seed_store: EmbeddedStore) -> Iterator[TestClient]:
    app = create_app(Settings(store=seed_store.root), seed_store)
    app.state.today = date(2024, 3, 1)
    with TestClient(app) as client:
        yield client


def test_embedded_schema_org_is_what_the_export_gives_for_every_activity(
    seed_store: EmbeddedStore,
) -> None:
    snap = catalog.snapshot(seed_store, Settings().base)
    documents = views.schema_org_all(seed_store)
    assert documents is not None and set(documents) <= set(snap.by_iri)
    deleted = [iri for iri, a in snap.by_iri.items() if a.revision == "deleted"]
    assert deleted and not set(deleted) & set(documents)
    for iri in [*list(snap.by_iri)[:: max(1, len(snap.by_iri) // 12)], *deleted]:
        expected = None  # a struck-out row has none, as activity_jsonld refuses it
        if iri not in deleted:  # activity_jsonld, one activity at a time
            data = json.dumps(activity_jsonld(seed_store, iri), ensure_ascii=False, indent=1)
            expected = Markup(data.replace("<", "\\u003c"))  # noqa: S704
        assert views.schema_org_of(snap, seed_store, iri) == expected


def test_activity_page_is_made_once_per_version_and_stays_the_same(
    pages_client: TestClient, seed_store: EmbeddedStore
) -> None:
    path = "/wp/ptc-2022-2025/activity/I-23"
    first = pages_client.get(path, headers={"Accept": "text/html"})
    assert first.status_code == 200
    second = pages_client.get(path, headers={"Accept": "text/html"})
    assert second.content == first.content
    store = pages_client.app.state.store  # type: ignore[attr-defined]
    snap = catalog.snapshot(store, Settings().base, date(2024, 3, 1))
    iri = Settings().base + path.lstrip("/")
    assert ("activity-page", iri) in snap.derived
    page = first.text
    assert '<script type="application/ld+json">' in page
    assert snap.derived["schema-org"][iri] in page  # the embedded JSON-LD, as the export's
    # Made from the snapshot: the page needs no query any more (the warm-up's own are done).
    pages_client.app.state.warmer.join(60)  # type: ignore[attr-defined]
    calls: list[object] = []
    original = store._run
    store._run = lambda task: calls.append(task) or original(task)
    try:
        assert pages_client.get(path, headers={"Accept": "text/html"}).content == first.content
    finally:
        del store._run
    assert calls == []


def test_activity_description_as_rdf_is_unchanged(pages_client: TestClient) -> None:
    answer = pages_client.get("/wp/ptc-2022-2025/activity/I-23", params={"format": "ttl"})
    assert answer.status_code == 200
    assert "I-23" in answer.text
    missing = pages_client.get("/wp/ptc-2022-2025/activity/I-999", headers={"Accept": "text/html"})
    assert missing.status_code == 404


# -- warm-up --------------------------------------------------------------------------------------


def test_warm_up_fills_the_named_query_cache_without_blocking(
    seed_store: EmbeddedStore, tmp_path: Path
) -> None:
    app = create_app(Settings(store=tmp_path / "unused"), seed_store)
    with TestClient(app) as client:
        warmer = app.state.warmer
        warmer.join(120)
        assert warmer.runs == 1
        assert client.get("/health").json()["warm_up"] == "idle"
        cache = app.state.cache
        assert len(cache) > 0
        hits = cache.hits
        assert client.get("/queries/activities").status_code == 200
        assert cache.hits == hits + 1
        snap = catalog.snapshot(app.state.store, Settings().base)
        assert "schema-org" in snap.derived
        # The same version again: nothing to do.
        warmer.kick(seed_store.version())
        warmer.join(10)
        assert warmer.runs == 1


def test_health_says_when_the_warm_up_is_off(seed_store: EmbeddedStore, tmp_path: Path) -> None:
    app = create_app(Settings(store=tmp_path / "unused", warm_up=False), seed_store)
    with TestClient(app) as client:
        assert client.get("/health").json()["warm_up"] == "off"


def test_a_failing_warm_up_does_not_fail_start_up(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "empty")  # no graph built: every query fails
    with TestClient(create_app(Settings(store=tmp_path / "unused"), store)) as client:
        client.app.state.warmer.join(30)  # type: ignore[attr-defined]
        assert client.get("/health").status_code == 200


# -- answers already made, sent without routing (api.fastpath) ------------------------------------


def _same_answer(first: httpx.Response, second: httpx.Response) -> None:
    assert second.status_code == first.status_code == 200
    assert second.content == first.content
    drop = {"date"}
    assert {k: v for k, v in second.headers.items() if k not in drop} == {
        k: v for k, v in first.headers.items() if k not in drop
    }


@pytest.mark.parametrize(
    ("url", "params", "accept"),
    [
        ("/sparql", {"query": SELECT}, JSON),
        ("/sparql", {"query": SELECT, "format": "csv"}, "*/*"),
        ("/queries/activities", {}, "application/json"),
        ("/queries/activities-by-body", {"body": "ptc"}, "text/csv"),
        ("/wp/ptc-2022-2025/activity/I-23", {}, "text/html"),
    ],
)
def test_cached_answers_are_the_routed_answers(
    pages_client: TestClient, url: str, params: dict[str, str], accept: str
) -> None:
    """The second request is answered by the fast path: same bytes, same headers (security
    headers and CORS included)."""
    first = pages_client.get(url, params=params, headers={"Accept": accept})
    second = pages_client.get(url, params=params, headers={"Accept": accept})
    _same_answer(first, second)
    assert "content-security-policy" in second.headers
    assert second.headers["access-control-allow-origin"] == "*"


def test_fast_paths_answer_only_cached_well_formed_requests(pages_client: TestClient) -> None:
    from starlette.requests import Request

    from wcokg.api.routers import queries, resources, sparql

    state = pages_client.app.state  # type: ignore[attr-defined]

    def request(path: str, query: str = "", accept: str = "*/*") -> Request:
        return Request(
            {
                "type": "http",
                "method": "GET",
                "path": path,
                "query_string": query.encode(),
                "headers": [(b"host", b"testserver"), (b"accept", accept.encode())],
                "scheme": "http",
                "server": ("testserver", 80),
                "root_path": "",
            }
        )

    text = "ASK { ?s ?p ?o FILTER(false) }"
    query = httpx.QueryParams({"query": text})
    assert sparql.peek(request("/sparql", str(query)), state) is None  # not answered yet
    assert pages_client.get("/sparql", params={"query": text}).status_code == 200
    found = sparql.peek(request("/sparql", str(query)), state)
    assert found is not None and b"false" in found.body
    # Two queries, an update by GET, no query: the router's answers (400, service description).
    assert sparql.peek(request("/sparql", f"{query}&{query}"), state) is None
    assert sparql.peek(request("/sparql", f"{query}&update=x"), state) is None
    assert pages_client.get("/sparql", params=[("query", text), ("query", text)]).status_code == 400
    # Named queries: a repeated parameter or an unknown query is the router's 422 / 404.
    assert pages_client.get("/queries/activities-by-body", params={"body": "ptc"}).is_success
    assert queries.peek(request("/queries/activities-by-body", "body=ptc"), state) is not None
    assert queries.peek(request("/queries/activities-by-body", "body=ptc&body=ptc"), state) is None
    assert queries.peek(request("/queries/nope", ""), state) is None
    repeated = pages_client.get("/queries/activities-by-body", params=[("body", "ptc")] * 2)
    assert repeated.status_code == 422
    # Pages: HTML only; RDF and 406 from the router.
    path = "/wp/ptc-2022-2025/activity/I-23"
    assert pages_client.get(path, headers={"Accept": "text/html"}).is_success
    assert resources.peek(request(path, "", "text/html"), state) is not None
    assert resources.peek(request(path, "", "text/turtle"), state) is None
    assert (
        pages_client.get(path, headers={"Accept": "text/turtle"})
        .headers["content-type"]
        .startswith("text/turtle")
    )
    assert pages_client.get(path, headers={"Accept": "image/png"}).status_code == 406


def test_a_warm_up_on_an_unreachable_store_logs_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from wcokg.store.remote import RemoteStore

    store = RemoteStore("http://127.0.0.1:9/query")  # nothing listens on the discard port
    app = create_app(Settings(store=tmp_path / "unused"), store)
    with caplog.at_level("WARNING"), TestClient(app):
        app.state.warmer.join(30)
    stopped = [r for r in caplog.records if r.getMessage().startswith("warm-up stopped")]
    assert stopped and all(r.exc_info is None for r in stopped)
    assert "cannot reach the store" in stopped[0].getMessage()
