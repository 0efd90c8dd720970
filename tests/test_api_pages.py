"""Server-rendered pages: home, activity, body, instrument, meeting, search, console."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from wcokg.api.app import create_app
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(seed_store: EmbeddedStore) -> Iterator[TestClient]:
    app = create_app(Settings(store=seed_store.root), seed_store)
    app.state.today = date(2024, 3, 1)
    with TestClient(app) as test_client:
        yield test_client


def _no_external_resources(html: str) -> None:
    for attr in re.findall(r'(?:src|href)="([^"]+)"', html):
        if attr.startswith("http"):
            assert not re.search(r"\.(js|css|woff2?)$", attr), attr
    assert "<script>" not in html, "no inline script"


def test_home_at_a_glance(client: TestClient) -> None:
    html = client.get("/").text
    assert "<h1>" in html and "94 current activities" in html
    assert html.count('class="bars"') == 4
    for caption in ("By status", "By priority", "By task type", "By body in charge"):
        assert caption in html
    assert "Due at the next PTC session (April 2024)" in html
    assert "Data quality" in html and "findings" in html
    _no_external_resources(html)


def test_activity_page(client: TestClient, graphviz: str) -> None:
    html = client.get("/wp/ptc-2022-2025/activity/I-23", headers=HTML).text
    assert "I-23" in html and "Key Performance Indicators" in html
    assert 'id="dependency-picture"' in html and "<svg" in html
    assert "<details" in html and "Raw cells" in html
    assert "safe-fos-2025" in html and "Outcomes by meeting" in html
    assert "Validation findings" in html
    assert "?format=ttl" in html and "?format=jsonld" in html
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "schema.org JSON-LD embedded"
    assert json.loads(match.group(1))["@context"]
    _no_external_resources(html)


def test_body_instrument_meeting_pages(client: TestClient) -> None:
    body = client.get("/body/ptc", headers=HTML).text
    assert "Reporting line" in body and "WCO Council" in body
    instrument = client.get("/instrument/safe-fos-2025", headers=HTML).text
    assert "Activities feeding SAFE Framework of Standards, 2025 edition" in instrument
    assert "I-23" in instrument
    meeting_id = client.get("/meetings").json()[0]["id"]
    meeting = client.get(f"/meeting/{meeting_id}", headers=HTML)
    assert meeting.status_code == 200 and "Outcomes" in meeting.text


def test_search_page(client: TestClient) -> None:
    html = client.get("/search", params={"q": "SAFE", "status": "In progress"}).text
    assert "I-23" in html
    assert '<label for="f-q">' in html
    assert "activities." in html


def test_console_page(client: TestClient) -> None:
    html = client.get("/console").text
    assert '<label for="sparql-query">' in html and "<textarea" in html
    assert '<script src="/static/console.js" defer></script>' in html
    assert 'data-name="instrument-feeders"' in html
    assert client.get("/static/console.js").status_code == 200
    assert client.get("/static/style.css").status_code == 200


@pytest.mark.parametrize(
    "path", ["/browse/bodies", "/browse/instruments", "/browse/meetings", "/browse/pictures",
             "/browse/quality"],
)  # fmt: skip
def test_list_pages(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and "<h1>" in response.text
