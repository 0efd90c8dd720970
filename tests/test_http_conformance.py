"""HTTP as real clients use it: HEAD wherever GET is served, `Allow` on every 405, one UTF-8
rule for every channel a query or parameter arrives by, 414 problem+json for over-long URLs
(from the real uvicorn protocol), and one media-type table (`text/plain` is N-Triples on IRIs)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from tests.conftest import AppServer
from wcokg.api.app import create_app
from wcokg.api.server import MAX_URL_BYTES
from wcokg.export import FORMATS, get_format
from wcokg.mediatypes import media_type
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore

ACTIVITY = "/wp/ptc-2022-2025/activity/I-1"
ASK = "ASK { ?s ?p ?o }"
GET_ROUTES = [
    f"/sparql?query={ASK}",
    "/sparql",
    ACTIVITY,
    "/body/ptc",
    "/ontology",
    "/",
    "/health",
    "/console",
    "/queries",
    "/queries/reporting-line?body=ptc",
    "/export/ttl",
    "/activities",
    "/pictures/reporting-lines?format=json",
    "/static/console.js",
]
SECURITY = ("x-content-type-options", "content-security-policy", "access-control-allow-origin")


@pytest.fixture(scope="module")
def client(seed_store: EmbeddedStore) -> Iterator[TestClient]:
    settings = Settings(store=seed_store.root, sparql_cache=False, warm_up=False)
    with TestClient(create_app(settings, seed_store)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def server(seed_store: EmbeddedStore) -> Iterator[str]:
    settings = Settings(store=seed_store.root, warm_up=False)
    with AppServer(create_app(settings, seed_store)) as app_server:
        yield app_server.url


# -- 1. HEAD and Allow ----------------------------------------------------------------------


@pytest.mark.parametrize("url", GET_ROUTES)
def test_head_answers_like_get_without_a_body(client: TestClient, url: str) -> None:
    got = client.get(url, headers={"Origin": "https://elsewhere.example"})
    head = client.head(url, headers={"Origin": "https://elsewhere.example"})
    assert got.status_code == 200, got.text
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers.get("content-length") == got.headers.get("content-length")
    for name in SECURITY:
        assert head.headers[name] == got.headers[name]


def test_head_of_an_unknown_iri_is_404_like_get(client: TestClient) -> None:
    assert client.head("/body/no-such-body").status_code == 404


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("PUT", "/sparql", "GET, HEAD, POST"),
        ("DELETE", "/sparql", "GET, HEAD, POST"),
        ("POST", ACTIVITY, "GET, HEAD"),
        ("PUT", "/health", "GET, HEAD"),
        ("POST", "/export/ttl", "GET, HEAD"),
        ("PATCH", "/queries/reporting-line", "GET, HEAD"),
    ],
)
def test_405_names_every_method_the_path_takes(
    client: TestClient, method: str, url: str, allow: str
) -> None:
    response = client.request(method, url)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.headers["content-type"] == "application/problem+json"


def test_405_allow_is_what_the_path_really_takes(client: TestClient) -> None:
    # POST /sparql works although the 405 of PUT used to say `Allow: GET`.
    allowed = client.put("/sparql").headers["allow"].split(", ")
    assert "POST" in allowed
    answer = client.post(
        "/sparql", content=ASK, headers={"Content-Type": "application/sparql-query"}
    )
    assert answer.status_code == 200


# -- 3. one decoding rule ----------------------------------------------------------------------

BAD = "%C3%28"  # percent-encoded bytes that are not UTF-8


@pytest.mark.parametrize(
    ("how", "channel"),
    [
        ("get-query", "the query string"),
        ("named-query-parameter", "the query string"),
        ("post-url-parameter", "the query string"),
        ("form", "the form body"),
        ("direct", "the request body"),
        ("path", "the path"),
    ],
)
def test_bytes_that_are_not_utf8_get_one_answer_on_every_channel(
    client: TestClient, how: str, channel: str
) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    direct = {"Content-Type": "application/sparql-query"}
    if how == "get-query":
        response = client.get(f"/sparql?query=ASK%7B%7D%23{BAD}")
    elif how == "named-query-parameter":
        response = client.get(f"/queries/reporting-line?body={BAD}")
    elif how == "post-url-parameter":
        response = client.post(f"/sparql?default-graph-uri={BAD}", content=ASK, headers=direct)
    elif how == "form":
        response = client.post(
            "/sparql", content=b"query=ASK%7B%7D%23" + BAD.encode(), headers=form
        )
    elif how == "direct":
        response = client.post("/sparql", content=b"ASK {} #\xc3\x28", headers=direct)
    else:
        response = client.get(f"/body/{BAD}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith(f"{channel} is not valid UTF-8")


def test_raw_non_utf8_form_bytes_are_the_same_400(client: TestClient) -> None:
    response = client.post(
        "/sparql",
        content=b"query=ASK%7B%7D%23\xff",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert "the form body is not valid UTF-8" in response.json()["detail"]


def test_a_declared_charset_other_than_utf8_is_415(client: TestClient) -> None:
    response = client.post(
        "/sparql",
        content="ASK {}".encode("latin-1"),
        headers={"Content-Type": "application/sparql-query; charset=latin-1"},
    )
    assert response.status_code == 415


def test_utf8_that_is_valid_passes_on_every_channel(client: TestClient) -> None:
    query = 'ASK { FILTER("é" = "é") }'
    assert client.get("/sparql", params={"query": query}).json()["boolean"] is True
    assert client.post("/sparql", data={"query": query}).json()["boolean"] is True
    direct = client.post(
        "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert direct.json()["boolean"] is True


# -- 4. over-long request lines (real uvicorn with the project's protocol) ---------------------


def _raw(url: str, request: bytes) -> tuple[bytes, dict[str, str], bytes]:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status.encode(), headers, body


@pytest.mark.parametrize("size", [MAX_URL_BYTES + 10, 80_000, 200_000])
def test_an_over_long_url_is_414_problem_json_with_the_usual_headers(
    server: str, size: int
) -> None:
    # A raw socket: HTTP client libraries refuse URLs this long themselves.
    target = "/sparql?query=ASK{}" + "%20" * (size // 3)
    status, headers, body = _raw(
        server, f"GET {target} HTTP/1.1\r\nHost: x\r\nOrigin: https://x.example\r\n\r\n".encode()
    )
    assert status.startswith(b"HTTP/1.1 414")
    assert headers["content-type"] == "application/problem+json"
    assert "POST" in json.loads(body)["detail"]
    assert headers["access-control-allow-origin"] == "*"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert "server" not in headers


def test_the_same_long_query_by_post_is_answered(server: str) -> None:
    query = "ASK{}" + " " * 80_000
    response = httpx.post(f"{server}/sparql", data={"query": query})
    assert response.status_code == 200
    assert response.json()["boolean"] is False or response.json()["boolean"] is True


def test_an_unparseable_request_is_400_problem_json_not_the_servers_text(server: str) -> None:
    status, headers, body = _raw(server, b"GET /health HTTP/1.1\r\nHost x\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 400")
    assert headers["content-type"] == "application/problem+json"
    assert headers["x-frame-options"] == "DENY"
    assert b"Invalid HTTP request received" not in body


def test_a_url_under_the_limit_still_works(server: str) -> None:
    query = "ASK{}" + "%20" * ((MAX_URL_BYTES - 200) // 3)
    assert httpx.get(f"{server}/sparql?query={query}").status_code == 200


# -- 5. one media-type table -------------------------------------------------------------------


def test_text_plain_on_an_iri_is_n_triples(client: TestClient) -> None:
    # What rdflib's parse(format="nt") sends.
    response = client.get(ACTIVITY, headers={"Accept": "text/plain, */*;q=0.1"})
    assert response.headers["content-type"].startswith("application/n-triples")
    assert len(Graph().parse(data=response.text, format="nt")) > 10


def test_text_plain_on_sparql_construct_is_n_triples(client: TestClient) -> None:
    response = client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3"},
        headers={"Accept": "text/plain, */*;q=0.1"},
    )
    assert response.headers["content-type"].startswith("application/n-triples")


@pytest.mark.parametrize(
    ("url", "fmt", "expected"),
    [
        (ACTIVITY, "nt", "application/n-triples"),
        (
            "/sparql?query=CONSTRUCT%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201",
            "nt",
            "application/n-triples",
        ),
        ("/sparql?query=ASK%7B%7D", "xml", "application/sparql-results+xml"),
        ("/body/ptc", "xml", "application/rdf+xml"),
        ("/pictures/reporting-lines", "dot", "text/vnd.graphviz"),
        ("/queries/reporting-line?body=ptc", "csv", "text/csv"),
    ],
)
def test_short_names_mean_the_same_everywhere(
    client: TestClient, url: str, fmt: str, expected: str
) -> None:
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}format={fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(expected)


def test_a_format_offered_nowhere_on_the_route_is_406_naming_the_offers(client: TestClient) -> None:
    response = client.get("/queries/reporting-line?body=ptc&format=svg")
    assert response.status_code == 406
    assert "csv" in response.json()["detail"]


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_export_is_in_the_media_type_table(name: str) -> None:
    export = get_format(name)
    assert media_type(export.media_type).extension == export.extension


# -- uncached /sparql without routing: errors still come from the app's handlers ---------------


def test_uncached_get_errors_are_the_apps_problems(client: TestClient) -> None:
    malformed = client.get("/sparql", params={"query": "SELECT WHERE {"})
    assert malformed.status_code == 400
    assert malformed.headers["content-type"] == "application/problem+json"
    refused = client.get("/sparql", params={"query": ASK}, headers={"Accept": "text/csv"})
    assert refused.status_code == 406
    assert "boolean" in refused.json()["detail"]
    twice = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert twice.status_code == 400
