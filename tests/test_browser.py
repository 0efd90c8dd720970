"""Browser tests in real headless Chromium (Debian `chromium`, driven by Playwright).

The app runs under uvicorn on a free loopback port over the seed. Screenshots go to
test-artifacts/ (gitignored). Playwright's own browser downloads are never used.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import AppServer, require_program

from wcokg.api.app import create_app
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore

TIMEOUT_MS = 90_000  # generous: CI shares two cores with the server under test
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(seed_store: EmbeddedStore) -> Iterator[str]:
    app = create_app(Settings(store=seed_store.root), seed_store)
    app.state.today = date(2024, 3, 1)
    with AppServer(app) as running:
        yield running.url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    chromium = require_program("chromium", "chromium", "browser tests")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        yield instance
        instance.close()


def test_home_to_activity_with_dependency_picture(
    server: str, browser: object, graphviz: str
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server + "/")
    assert page.locator("h1").inner_text().startswith("WCO work programmes")
    assert page.locator("svg.bars").count() == 4
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

    page.get_by_role("link", name="All activities").click()
    page.wait_for_url("**/search")
    page.get_by_role("link", name="I-23", exact=True).click()
    page.wait_for_url("**/wp/ptc-2022-2025/activity/I-23")
    assert "I-23" in page.locator("h1").inner_text()
    picture = page.locator("#dependency-picture svg")
    picture.wait_for()
    assert picture.is_visible()
    assert picture.locator("g.node").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "activity-I-23.png"), full_page=True)
    picture.screenshot(path=str(ARTIFACTS / "activity-I-23-dependencies.png"))

    page.locator("details.raw summary").click()
    assert page.locator("details.raw dl dt").first.is_visible()
    page.close()


def test_console_runs_a_named_query(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server + "/console")
    card = page.locator("#q-instrument-feeders")
    card.get_by_role("button", name="Run instrument-feeders").click()
    page.locator("#result-table tbody tr").first.wait_for()
    assert page.locator("#result-table tbody tr").count() >= 1
    assert "I-23" in page.locator("#result-table").inner_text()
    assert "row" in page.locator("#result-status").inner_text()
    assert "format=csv" in (page.locator("#download-csv").get_attribute("href") or "")
    page.screenshot(path=str(ARTIFACTS / "console-named-query.png"), full_page=True)

    page.get_by_role("button", name="Run query").click()
    # A locator expectation, not a string to evaluate: the page's CSP forbids eval.
    playwright_api.expect(page.locator("#result-status")).to_contain_text("20 rows")
    page.close()


def test_narrow_screen(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})  # type: ignore[attr-defined]
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server + "/wp/ptc-2022-2025/activity/I-1")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(ARTIFACTS / "activity-narrow.png"), full_page=True)
    page.close()


@pytest.mark.parametrize(("path", "ready"), [("/docs", ".opblock"), ("/redoc", "h1")])
def test_api_docs_render_offline_under_the_csp(
    server: str, browser: object, path: str, ready: str
) -> None:
    """Swagger UI and ReDoc draw the API from local assets: everything loaded comes from the
    server, and the strict CSP refuses nothing but ReDoc's sidebar logo (an image on its CDN,
    which it hides when it fails), so no request leaves the machine."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    problems: list[str] = []
    page.on("requestfinished", lambda request: requests.append(request.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(server + path)
    page.locator(ready).first.wait_for()
    playwright_api.expect(page.locator("body")).to_contain_text("sparql")
    page.screenshot(path=str(ARTIFACTS / f"api{path.replace('/', '-')}.png"))
    page.close()
    outside = [url for url in requests if not url.startswith((server, "data:", "blob:"))]
    assert outside == []
    refused = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert [p for p in refused if "logo-mini.svg" not in p] == []
