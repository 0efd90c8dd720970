"""/docs and /redoc: served from the project, no CDN, no inline script, the pages' CSP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from wcokg.api.app import create_app
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore


@pytest.fixture(scope="module")
def client(seed_store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=seed_store.root), seed_store)) as test_client:
        yield test_client


class _Resources(HTMLParser):
    """Collects every script and stylesheet a page loads, and inline script bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            if values.get("src"):
                self.urls.append(values["src"] or "")
            else:
                self._in_script = True
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"] or "")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_load_nothing_from_outside_the_server(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    resources = _Resources()
    resources.feed(page.text)
    assert resources.urls, "the page loads its assets"
    assert resources.inline_scripts == 0
    for url in resources.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.content.strip(), url
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    assert not re.search(r"https?://", csp)


def test_openapi_still_described(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/sparql" in spec["paths"]
    assert "/docs" not in spec["paths"] and "/redoc" not in spec["paths"]
