"""The HTTP app over each external engine (Oxigraph server, Virtuoso) answers as over the
embedded store: the activities table, dereferencing, pages and exports."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from wcokg.api.app import create_app
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore, RemoteStore

ACTIVITY = "/wp/ptc-2022-2025/activity/I-23"


@pytest.fixture(scope="module")
def clients(
    seed_store: EmbeddedStore, remote_store: RemoteStore
) -> Iterator[dict[str, TestClient]]:
    settings = Settings(store=seed_store.root)
    with (
        TestClient(create_app(settings, seed_store)) as embedded,
        TestClient(create_app(settings, remote_store)) as remote,
    ):
        yield {"embedded": embedded, "remote": remote}


def _both(clients: dict[str, TestClient], path: str, **options: object) -> list[object]:
    answers = []
    for kind in ("embedded", "remote"):
        answer = clients[kind].get(path, **options)  # type: ignore[arg-type]
        assert answer.status_code == 200, (kind, path, answer.text[:300])
        answers.append(answer)
    return answers


def _ground(data: bytes) -> set[str]:
    """N-Triples lines without blank nodes (whose labels each store picks)."""
    return {
        str(q.triple)
        for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }


def test_the_activities_table_is_the_same(clients: dict[str, TestClient]) -> None:
    embedded, remote = _both(clients, "/activities.json")
    assert embedded.json() == remote.json()  # type: ignore[attr-defined]
    listed = _both(clients, "/activities", params={"limit": 500, "include_deleted": "true"})
    ids = [[a["id"] for a in answer.json()["items"]] for answer in listed]  # type: ignore[attr-defined]
    assert ids[0] == ids[1] and len(ids[0]) == 97


def test_dereferencing_gives_the_same_triples(clients: dict[str, TestClient]) -> None:
    for path in (ACTIVITY, "/body/ptc", "/instrument/safe-fos-2025"):
        embedded, remote = _both(clients, path, params={"format": "nt"})
        assert _ground(embedded.content) == _ground(remote.content)  # type: ignore[attr-defined]
        assert _ground(embedded.content)  # type: ignore[attr-defined]
    assert clients["remote"].get("/body/no-such-body", params={"format": "nt"}).status_code == 404


def test_pages_render(clients: dict[str, TestClient]) -> None:
    for path in ("/", ACTIVITY, "/body/swg", "/meeting/ptc-239-240"):
        embedded, remote = _both(clients, path, headers={"accept": "text/html"})
        assert remote.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
        assert len(remote.text) > 0.9 * len(embedded.text)  # type: ignore[attr-defined]
    page = clients["remote"].get(ACTIVITY, headers={"accept": "text/html"}).text
    assert "Compendium" in page or "SAFE" in page


@pytest.mark.parametrize("fmt", ["csv", "nt", "iati"])
def test_exports_are_the_same(clients: dict[str, TestClient], fmt: str) -> None:
    embedded, remote = _both(clients, f"/export/{fmt}")
    if fmt == "nt":
        assert _ground(embedded.content) == _ground(remote.content)  # type: ignore[attr-defined]
    elif fmt == "iati":  # the generation time differs
        assert len(embedded.content) == len(remote.content)  # type: ignore[attr-defined]
    else:
        assert embedded.content == remote.content  # type: ignore[attr-defined]
