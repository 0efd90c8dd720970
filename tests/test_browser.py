"""Browser tests in real headless Chromium (Debian `chromium`, driven by Playwright).

The app runs under uvicorn on a free loopback port over the seed. Screenshots go to
test-artifacts/ (gitignored). Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import AppServer

from wcokg.api.app import create_app
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium; see .ci/run)")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


def test_home_to_activity_with_dependency_picture(server: str, browser: object) -> None:
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
    page.wait_for_function(
        "document.querySelector('#result-status').textContent.includes('20 rows')"
    )
    page.close()


def test_narrow_screen(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})  # type: ignore[attr-defined]
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server + "/wp/ptc-2022-2025/activity/I-1")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(ARTIFACTS / "activity-narrow.png"), full_page=True)
    page.close()
