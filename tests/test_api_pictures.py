"""Pictures: dependency views (JSON, Mermaid, DOT, SVG), the map, reporting lines, timeline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from wcokg.api.app import create_app
from wcokg.api.services import pictures
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore


@pytest.fixture(scope="module")
def client(seed_store: EmbeddedStore) -> Iterator[TestClient]:
    app = create_app(Settings(store=seed_store.root), seed_store)
    app.state.today = date(2024, 3, 1)
    with TestClient(app) as test_client:
        yield test_client


def test_dependency_view_json(client: TestClient) -> None:
    view = client.get("/activities/I-23/dependencies").json()
    assert view["focus"] == "I-23" and view["direction"] == "both"
    ids = {n["id"] for n in view["nodes"]}
    assert {"I-23", "safe-fos-2025"} <= ids
    assert {"source", "target", "kind"} <= set(view["edges"][0])
    assert set(view["kinds"]) == {e["kind"] for e in view["edges"]}
    assert all(e["source"] in ids and e["target"] in ids for e in view["edges"])


def test_direction_and_depth(client: TestClient) -> None:
    both = client.get("/activities/I-23/dependencies", params={"depth": 3}).json()
    down = client.get("/activities/I-23/dependencies", params={"direction": "downstream"}).json()
    up = client.get("/activities/I-23/dependencies", params={"direction": "upstream"}).json()
    one = client.get("/activities/I-23/dependencies", params={"depth": 1}).json()
    assert "safe-fos-2025" in {n["id"] for n in down["nodes"]}
    assert "safe-fos-2025" not in {n["id"] for n in up["nodes"]}
    assert len(one["nodes"]) <= len(both["nodes"])
    bad = client.get("/activities/I-23/dependencies", params={"direction": "sideways"})
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("name", "media_type", "marker"),
    [("mermaid", "text/vnd.mermaid", "flowchart LR"), ("dot", "text/vnd.graphviz", "digraph"),
     ("svg", "image/svg+xml", "<svg")],
)  # fmt: skip
def test_dependency_view_formats(
    client: TestClient, name: str, media_type: str, marker: str, request: pytest.FixtureRequest
) -> None:
    if name == "svg":
        request.getfixturevalue("graphviz")
    by_format = client.get("/activities/I-23/dependencies", params={"format": name})
    by_accept = client.get("/activities/I-23/dependencies", headers={"Accept": media_type})
    for response in (by_format, by_accept):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
        assert marker in response.text
        assert "I-23" in response.text


def test_svg_links_nodes_to_pages(client: TestClient, graphviz: str) -> None:
    svg = client.get("/activities/I-23/dependencies", params={"format": "svg"}).text
    assert 'href="/wp/ptc-2022-2025/activity/I-23"' in svg
    assert 'href="/instrument/safe-fos-2025"' in svg


def test_whole_programme_map_and_reporting_lines(client: TestClient, graphviz: str) -> None:
    graph = client.get("/pictures/dependencies").json()
    assert len(graph["edges"]) > 20 and "dependsOn" in graph["kinds"]
    assert "<svg" in client.get("/pictures/dependencies", params={"format": "svg"}).text
    lines = client.get("/pictures/reporting-lines").json()
    assert {"source": "ptc", "target": "council", "kind": "reportsTo"} in lines["edges"]
    assert "ptc" in client.get("/pictures/reporting-lines", params={"format": "mermaid"}).text


def test_timeline_marks_today_and_overdue(client: TestClient) -> None:
    svg = client.get("/pictures/timeline", params={"today": "2024-03-01"}).text
    assert svg.startswith("<svg") and "today 2024-03-01" in svg
    assert 'class="today"' in svg and 'class="overdue"' in svg
    earlier = client.get("/pictures/timeline", params={"today": "2020-01-01"}).text
    assert 'class="overdue"' not in earlier, "nothing is overdue before the programme starts"
    ptc = client.get("/pictures/timeline", params={"body": "ptc"}).text
    assert "PTC" in ptc


def test_unacceptable_picture_format_is_406(client: TestClient) -> None:
    response = client.get("/activities/I-23/dependencies", params={"format": "png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"


def test_without_graphviz_svg_is_503_and_other_formats_work(
    seed_store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A machine without `dot`: one clear problem for SVG, every text format still served."""
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no `dot` to find
    monkeypatch.setattr(pictures, "RENDERER", pictures.SvgRenderer())  # nothing remembered
    app = create_app(Settings(store=seed_store.root), seed_store)
    with TestClient(app) as fresh:
        svg = fresh.get("/pictures/dependencies", params={"format": "svg"})
        assert svg.status_code == 503
        assert "Graphviz" in svg.json()["detail"] and "\n" not in svg.json()["detail"]
        for name in ("json", "mermaid", "dot"):
            answer = fresh.get("/activities/I-23/dependencies", params={"format": name})
            assert answer.status_code == 200, name
        page = fresh.get("/wp/ptc-2022-2025/activity/I-23", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Graphviz is missing" in page.text
