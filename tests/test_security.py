"""Hostile input on the query path (issue 9): each guarantee of SECURITY.md has a test here.

A real `wcokg serve` (2 workers, 2 s time limit) answers the time-limit, concurrency, SSRF and
`Server`-header tests; in-process apps with small caps answer the others. Loopback listeners
stand in for the hosts an attacker would make the server call: they must receive nothing.
"""

from __future__ import annotations

import http.server
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fastapi
import httpx
import pyoxigraph as ox
import pytest
import rdflib
from engines import free_port, wait_until_answers
from fastapi.testclient import TestClient

from wcokg.api.app import create_app
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore, RemoteStore

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "ASK { ?s ?p ?o }"
ROOT = Path(__file__).resolve().parents[1]


class Listener:
    """A loopback TCP port that counts the connections it receives (and answers nothing)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def settle(self) -> int:
        time.sleep(0.3)  # anything sent is accepted by then
        return self.connections

    def close(self) -> None:
        self._stop = True
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


# -- a real server ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(
    seed_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {
        **os.environ,
        "WCOKG_STORE": str(seed_store.root),
        "WCOKG_QUERY_TIMEOUT": "2",
        "WCOKG_QUERY_WORKERS": "2",
        "WCOKG_QUERY_QUEUE": "1",
        # The pool alone answers these tests: no cached answers, no warm-up queries meanwhile.
        "WCOKG_SPARQL_CACHE": "0",
        "WCOKG_WARM_UP": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "wcokg.cli", "serve", "--port", str(port)],
        cwd=tmp_path_factory.mktemp("serve"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(f"{url}/health", process)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _children_cpu(pid: int) -> float:
    """CPU seconds used so far by the children of `pid` (the query workers)."""
    ticks = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def server(served: tuple[str, int]) -> str:
    return served[0]


def test_a_runaway_query_is_stopped_while_others_stay_fast(served: tuple[str, int]) -> None:
    server, pid = served
    with httpx.Client(base_url=server, timeout=30) as client:
        assert client.get("/sparql", params={"query": CHEAP}).status_code == 200  # warm
        with ThreadPoolExecutor(1) as pool:
            started = time.monotonic()
            slow = pool.submit(client.get, "/sparql", params={"query": CARTESIAN})
            time.sleep(0.5)
            cheap_times = []
            for _ in range(5):
                begin = time.monotonic()
                cheap = client.get("/sparql", params={"query": CHEAP})
                cheap_times.append(time.monotonic() - begin)
                assert cheap.status_code == 200
            answer = slow.result()
            took = time.monotonic() - started
        assert min(cheap_times) < 0.1, cheap_times
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        assert "time limit of 2 s" in answer.json()["detail"]
        assert took < 2 + 2
        # The work really stopped: the workers are idle, and a new one answers.
        before = _children_cpu(pid)
        time.sleep(1.0)
        assert _children_cpu(pid) - before < 0.3
        assert client.get("/sparql", params={"query": CHEAP}).status_code == 200


def test_excess_concurrent_queries_are_refused_not_piled_up(server: str) -> None:
    # 2 workers and 1 waiting place: of 5 runaway queries at once, some are refused at once.
    with httpx.Client(base_url=server, timeout=30) as client, ThreadPoolExecutor(5) as pool:
        answers = list(
            pool.map(lambda _: client.get("/sparql", params={"query": CARTESIAN}), range(5))
        )
    statuses = sorted(a.status_code for a in answers)
    assert 429 in statuses and set(statuses) <= {429, 503}
    refused = [a for a in answers if a.status_code == 429]
    assert all(a.headers["retry-after"] == "1" for a in refused)
    assert any("too many queries" in a.json()["detail"] for a in refused)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
        "PREFIX x: <{url}> SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE x:sparql { ?s ?p ?o } } }",
        "SELECT * WHERE { \\u0053ERVICE <{url}> { ?s ?p ?o } }",
        "SELECT * WHERE { VALUES ?e { <{url}> } SERVICE ?e { ?s ?p ?o } }",
        "BASE <{url}> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    ],
    ids=["plain", "silent", "prefixed", "escaped", "variable", "relative", "construct"],
)
def test_service_makes_no_outbound_connection(server: str, listener: Listener, query: str) -> None:
    text = query.replace("{url}", listener.url)
    with httpx.Client(base_url=server, timeout=30) as client:
        answer = client.post(
            "/sparql", content=text, headers={"content-type": "application/sparql-query"}
        )
    assert answer.status_code == 400, answer.text
    assert "federation" in answer.json()["detail"].lower()
    assert listener.settle() == 0


def test_no_server_header_naming_the_library(server: str) -> None:
    answer = httpx.get(f"{server}/health")
    assert "server" not in answer.headers
    assert "uvicorn" not in str(answer.headers).lower()


# -- in-process apps with small limits ------------------------------------------------------------


def _client(store: object, **limits: object) -> TestClient:
    settings = Settings(store=Path("unused"), query_workers=1, **limits)  # type: ignore[arg-type]
    return TestClient(create_app(settings, store), raise_server_exceptions=False)  # type: ignore[arg-type]


def test_the_listener_would_see_an_allowed_service(
    seed_store: EmbeddedStore, listener: Listener
) -> None:
    """Control: with the target allowed, pyoxigraph does call it — so the SSRF test can fail."""
    with _client(seed_store, federation_allow=[listener.url], query_timeout=5) as client:
        client.get(
            "/sparql", params={"query": f"ASK {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"}
        )
    assert listener.settle() >= 1


def test_row_and_size_caps(seed_store: EmbeddedStore) -> None:
    with _client(seed_store, max_result_rows=5) as client:
        for query in ("SELECT * { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"):
            for fmt in ("json", "csv", "xml", "tsv", "ttl", "nt"):
                answer = client.get("/sparql", params={"query": query, "format": fmt})
                if answer.status_code == 406:
                    continue
                assert answer.status_code == 400, (query, fmt)
                assert "more than 5 rows" in answer.json()["detail"]
        assert (
            client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 5"}).status_code
            == 200
        )
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
    with _client(seed_store, max_response_bytes=2000) as client:
        answer = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 200"})
        assert answer.status_code == 400
        assert "larger than 2000 bytes" in answer.json()["detail"]
        small = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 2"})
        assert small.status_code == 200 and len(small.content) <= 2000


def test_named_queries_are_capped_too(seed_store: EmbeddedStore) -> None:
    with _client(seed_store, max_result_rows=3) as client:
        answer = client.get("/queries/workload")
    assert answer.status_code == 400
    assert "more than 3 rows" in answer.json()["detail"]


def test_request_body_cap(seed_store: EmbeddedStore) -> None:
    big = "ASK {} #" + "x" * 5000
    with _client(seed_store, max_body_bytes=4096) as client:
        sized = client.post(
            "/sparql", content=big, headers={"content-type": "application/sparql-query"}
        )
        assert sized.status_code == 413
        assert "larger than 4096 bytes" in sized.json()["detail"]

        def chunks() -> Iterator[bytes]:
            for _ in range(10):
                yield b"# " + b"y" * 998

        streamed = client.post(
            "/sparql", content=chunks(), headers={"content-type": "application/sparql-query"}
        )
        assert streamed.status_code == 413
        ok = client.post(
            "/sparql", content="ASK {}", headers={"content-type": "application/sparql-query"}
        )
        assert ok.status_code == 200


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <{url}>",
        "LOAD SILENT <{url}> INTO GRAPH <urn:x>",
        "CLEAR ALL",
        "DROP ALL",
        "DROP GRAPH <urn:x-wcokg:meta>",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused_without_authorisation(
    seed_store: EmbeddedStore, listener: Listener, update: str
) -> None:
    text = update.replace("{url}", listener.url)
    before = seed_store.triple_count()
    with _client(seed_store) as client:
        form = client.post("/sparql", data={"update": text})
        direct = client.post(
            "/sparql", content=text, headers={"content-type": "application/sparql-update"}
        )
        by_get = client.get("/sparql", params={"update": text})
        as_query = client.get("/sparql", params={"query": text})
    assert form.status_code == direct.status_code == 403
    assert by_get.status_code == as_query.status_code == 400
    with _client(seed_store, update_enabled=True, update_token="s3cret") as client:
        no_token = client.post("/sparql", data={"update": text})
        wrong = client.post("/sparql", data={"update": text}, headers={"authorization": "Bearer x"})
    assert no_token.status_code == wrong.status_code == 401
    assert listener.settle() == 0
    assert seed_store.triple_count() == before


def test_an_authorised_load_still_may_not_call_out(
    seed_store: EmbeddedStore, listener: Listener
) -> None:
    with _client(seed_store, update_enabled=True, update_token="s3cret") as client:
        answer = client.post(
            "/sparql",
            data={"update": f"LOAD <{listener.url}> INTO GRAPH <urn:x>"},
            headers={"authorization": "Bearer s3cret"},
        )
    assert answer.status_code == 400
    assert listener.settle() == 0


LEAKS = [
    "Traceback",
    'File "',
    "site-packages",
    str(ROOT),
    f"rdflib {rdflib.__version__}",
    rdflib.__version__,
    ox.__version__ if hasattr(ox, "__version__") else "pyoxigraph/",
    fastapi.__version__,
    "uvicorn",
    "Python/",
]


def _assert_no_leak(answer: httpx.Response, *secrets: str) -> None:
    text = answer.text
    for leak in (*LEAKS, *secrets):
        assert leak not in text, (answer.request.url, leak, text[:300])
    if answer.status_code >= 400:
        assert answer.headers["content-type"] == "application/problem+json", answer.request.url


def test_errors_carry_no_traceback_path_or_version(
    seed_store: EmbeddedStore, tmp_path: Path
) -> None:
    app = create_app(Settings(store=tmp_path), seed_store)

    @app.get("/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError(f"internal failure reading {tmp_path}/secret.db")

    with TestClient(app, raise_server_exceptions=False) as client:
        answers = [
            client.get("/boom"),
            client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}),
            client.get("/sparql", params={"query": "ASK {}"}, headers={"accept": "image/png"}),
            client.post(
                "/sparql", content=b"\xff", headers={"content-type": "application/sparql-query"}
            ),
            client.post("/sparql", content="x", headers={"content-type": "text/plain"}),
            client.put("/sparql"),
            client.get("/no/such/page"),
            client.get("/queries/no-such-query"),
            client.get("/queries/references", params={"activity": "x", "bogus": "1"}),
            client.get("/activities", params={"limit": "many"}),
            client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"}),
        ]
    assert answers[0].status_code == 500
    assert (
        answers[0].json()["detail"]
        == "the server could not answer this request; it has been logged"
    )
    assert sum(answer.status_code >= 400 for answer in answers) >= 9
    for answer in answers:
        _assert_no_leak(answer, str(tmp_path), "RuntimeError")


def test_store_errors_name_no_folder(tmp_path: Path) -> None:
    empty = EmbeddedStore(tmp_path / "nothing-built")
    with TestClient(
        create_app(Settings(store=tmp_path), empty), raise_server_exceptions=False
    ) as client:
        answers = [
            client.get("/sparql", params={"query": "ASK {}"}),
            client.get("/queries/workload"),
            client.get("/activities"),
            client.get("/"),
        ]
    for answer in answers:
        assert answer.status_code == 503, answer.request.url
        assert "no graph built yet" in answer.json()["detail"]
        _assert_no_leak(answer, str(tmp_path))


def test_remote_store_errors_name_no_internal_url() -> None:
    hidden = f"http://127.0.0.1:{free_port()}/internal-sparql"
    with _client(RemoteStore(hidden, timeout=2)) as client:
        answer = client.get("/sparql", params={"query": "ASK {}"})
    assert answer.status_code == 503
    _assert_no_leak(answer, hidden, "127.0.0.1")


PAGES = [
    "/",
    "/search?q=SAFE",
    "/browse/bodies",
    "/browse/pictures",
    "/console",
    "/wp/ptc-2022-2025/activity/I-23",
]


def test_pages_carry_security_headers_and_no_inline_script(seed_store: EmbeddedStore) -> None:
    with _client(seed_store) as client:
        for path in PAGES:
            answer = client.get(path, headers={"accept": "text/html"})
            assert answer.status_code == 200, path
            assert answer.headers["content-type"].startswith("text/html")
            csp = answer.headers["content-security-policy"]
            directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
            assert directives["script-src"] == "'self'", path
            assert directives["frame-ancestors"] == "'none'"
            assert directives["object-src"] == "'none'"
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["referrer-policy"] == "same-origin"
            assert answer.headers["x-frame-options"] == "DENY"
            for tag in re.findall(r"<script\b[^>]*>", answer.text):
                assert "src=" in tag or 'type="application/ld+json"' in tag, (path, tag)
            assert not re.search(r"\son[a-z]+\s*=", answer.text), path  # no inline handlers
        data = client.get("/sparql", params={"query": "ASK {}"})
        assert data.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in data.headers["content-security-policy"]


# -- parsing RDF fetches nothing -----------------------------------------------------------------


def _jsonld(url: str) -> bytes:
    return f'{{"@context": "{url}context.jsonld", "@id": "http://a", "name": "x"}}'.encode()


def _rdfxml(url: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
  <!ENTITY remote SYSTEM "{url}entity">
  <!ENTITY local SYSTEM "file:///etc/hostname">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/">
  <rdf:Description rdf:about="http://a"><ex:p>&remote;&local;</ex:p></rdf:Description>
</rdf:RDF>""".encode()


def test_pyoxigraph_parsers_fetch_no_context_and_resolve_no_entity(listener: Listener) -> None:
    for data, rdf_format in (
        (_jsonld(listener.url), ox.RdfFormat.JSON_LD),
        (_rdfxml(listener.url), ox.RdfFormat.RDF_XML),
    ):
        with pytest.raises(SyntaxError):
            list(ox.parse(data, format=rdf_format))
    assert listener.settle() == 0


def test_remote_store_answers_are_parsed_without_fetching(listener: Listener) -> None:
    """A hostile SPARQL server answering a CONSTRUCT with RDF/XML entities or JSON-LD."""
    answers = [
        (b"application/rdf+xml", _rdfxml(listener.url)),
        (b"application/ld+json", _jsonld(listener.url)),
    ]

    class Hostile(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            media_type, body = answers[0]
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(200)
            self.send_header("content-type", media_type.decode())
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            return None

    hostile = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=hostile.serve_forever, daemon=True).start()
    try:
        store = RemoteStore(f"http://127.0.0.1:{hostile.server_address[1]}/query", timeout=5)
        for _ in range(2):
            with pytest.raises(Exception) as raised:
                list(store.execute("CONSTRUCT WHERE { ?s ?p ?o }"))
            assert "Traceback" not in str(raised.value)
            answers.pop(0)
    finally:
        hostile.shutdown()
        hostile.server_close()
    assert listener.settle() == 0


def test_no_project_code_hands_json_ld_or_rdf_xml_to_rdflib() -> None:
    """rdflib's JSON-LD parser fetches remote contexts: the project parses those with pyoxigraph."""
    pattern = re.compile(
        r"\.parse\([^)]*format\s*=\s*[\"'](json-ld|jsonld|xml|rdfxml|application/)"
    )
    for folder in ("wcokg", "loaders", "api"):
        for path in (ROOT / folder).rglob("*.py"):
            assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_settings_defaults_are_the_documented_ones() -> None:
    settings = Settings()
    assert settings.query_timeout == 10.0
    assert settings.federation_allow == []
    assert settings.update_enabled is False
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    for name in (
        "WCOKG_QUERY_TIMEOUT",
        "WCOKG_QUERY_WORKERS",
        "WCOKG_QUERY_QUEUE",
        "WCOKG_MAX_RESULT_ROWS",
        "WCOKG_MAX_RESPONSE_BYTES",
        "WCOKG_MAX_BODY_BYTES",
        "WCOKG_FEDERATION_ALLOW",
        "WCOKG_UPDATE_ENABLED",
        "WCOKG_UPDATE_TOKEN",
    ):
        assert name in text
