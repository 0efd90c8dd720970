"""A client that goes away frees its query worker at once (not after the time limit).

The app runs under uvicorn over the seed with ONE query worker and a 30 s time limit: while a
runaway query holds that worker, nobody else is answered, so a cheap query answered within a
few seconds of the runaway's client disconnecting shows the worker was freed (killed and
replaced), and `/health` counts the abandoned query.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import AppServer
from wcokg.api.app import create_app
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s ?p ?o }"


@pytest.fixture
def server(seed_store: EmbeddedStore) -> Iterator[str]:
    settings = Settings(
        store=seed_store.root,
        query_workers=1,
        query_timeout=30,
        sparql_cache=False,
        warm_up=False,
    )
    app = create_app(settings, seed_store)
    app.state.store.pool.warm()
    with AppServer(app) as app_server:
        yield app_server.url


def _send_and_hang_up(url: str, request: bytes, after: float) -> None:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(request)
        time.sleep(after)  # the query is running in the only worker now


def _abandoned(url: str) -> int:
    return int(httpx.get(f"{url}/health").json()["queries_abandoned"])


def _cheap_answer_time(url: str) -> float:
    started = time.monotonic()
    answer = httpx.get(f"{url}/sparql", params={"query": CHEAP}, timeout=60)
    assert answer.status_code == 200
    return time.monotonic() - started


@pytest.mark.parametrize("method", ["GET", "POST form", "POST direct"])
def test_a_client_that_hangs_up_frees_the_worker(server: str, method: str) -> None:
    before = _abandoned(server)
    if method == "GET":
        request = f"GET /sparql?query={quote(CARTESIAN)} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    else:
        body = f"query={quote(CARTESIAN)}".encode() if method == "POST form" else CARTESIAN.encode()
        kind = (
            "application/x-www-form-urlencoded"
            if method == "POST form"
            else "application/sparql-query"
        )
        request = (
            f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: {kind}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
    _send_and_hang_up(server, request, after=1.0)
    assert _cheap_answer_time(server) < 5  # not the 30 s time limit
    assert _abandoned(server) == before + 1


def test_a_named_query_client_that_hangs_up_is_counted_too(server: str) -> None:
    # A named query is cheap; what matters is that waiting for the one busy worker stops too.
    before = _abandoned(server)
    runaway = f"GET /sparql?query={quote(CARTESIAN)} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as holder:
        holder.sendall(runaway)
        time.sleep(0.5)
        # Waits for the busy worker, then hangs up.
        _send_and_hang_up(
            server, b"GET /queries/reporting-line?body=ptc HTTP/1.1\r\nHost: x\r\n\r\n", 0.5
        )
        time.sleep(0.3)
    assert _cheap_answer_time(server) < 5
    assert _abandoned(server) == before + 2


def test_a_patient_client_still_gets_its_answer(server: str) -> None:
    before = _abandoned(server)
    assert httpx.get(f"{server}/queries/reporting-line", params={"body": "ptc"}).status_code == 200
    assert _abandoned(server) == before
