"""The log-in form and the edit form in real headless Chromium: an editor logs in from the
activity page, saves a progress text with markup, and the page shows it as text (no script
runs). Same set-up as tests/test_browser.py (Debian `chromium`, never Playwright's downloads)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import AppServer, require_program
from editing import PASSWORD, add_users, edit_settings, fresh_store
from test_browser import ARGS, ARTIFACTS, TIMEOUT_MS

from wcokg.api.app import create_app
from wcokg.build import BuildReport

playwright_api = pytest.importorskip("playwright.sync_api")

MARKUP = "<img src=x onerror=alert(1)> Finished <b>on time</b>."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seed_report: BuildReport) -> Iterator[str]:
    settings = edit_settings(tmp_path_factory.mktemp("browser-edits"))
    add_users(settings)
    app = create_app(settings, fresh_store(settings, seed_report.graph))
    with AppServer(app) as running:
        yield running.url


def test_editor_logs_in_and_edits(server: str) -> None:
    chromium = require_program("chromium", "chromium", "browser tests")
    ARTIFACTS.mkdir(exist_ok=True)
    dialogs: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(server + "/wp/ptc-2022-2025/activity/I-23")
        page.get_by_role("link", name="Edit (editors)").click()
        page.wait_for_url("**/login?next=/edit/activities/I-23")
        page.get_by_label("User name").fill("swg-editor")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/edit/activities/I-23")
        [session] = [c for c in context.cookies() if c["name"] == "wcokg_session"]
        assert session["httpOnly"] and session["sameSite"] == "Strict"
        page.get_by_label("Status").select_option("Completed")
        page.get_by_label("Progress (paragraphs separated by a blank line)").fill(MARKUP)
        page.get_by_role("button", name="Save").click()
        page.wait_for_url("**/edit/activities/I-23?saved=true")
        assert page.get_by_role("status").inner_text().startswith("Saved.")
        page.screenshot(path=str(ARTIFACTS / "edit-I-23.png"), full_page=True)
        page.goto(server + "/wp/ptc-2022-2025/activity/I-23")
        assert MARKUP in page.locator("main").inner_text()
        assert page.locator("main img[src=x]").count() == 0
        assert dialogs == []
        browser.close()
