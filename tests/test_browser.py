"""Browser tests in real headless Chromium (Debian `chromium`, driven by Playwright).

The app runs under uvicorn on a free loopback port over the seed. Screenshots go to
test-artifacts/ (gitignored). Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import re
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


# -- the console: every query form, downloads, a long query, the editor's helpers ----------------

SELECT_QUERY = """PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?a ?id WHERE { ?a a wcokg:Activity ; dcterms:identifier ?id } ORDER BY ?id LIMIT 7"""
ASK_QUERY = "ASK { ?a a <https://w3id.org/wcokg/ontology#Activity> }"
CONSTRUCT_QUERY = """PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
CONSTRUCT { ?a wcokg:dependsOn ?b } WHERE { ?a wcokg:dependsOn ?b }"""
DESCRIBE_QUERY = "DESCRIBE <https://w3id.org/wcokg/body/ptc>"
DOWNLOADS = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


def _console(server: str, browser: object, fragment: str = "") -> object:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server + "/console" + fragment)
    page.locator("#sparql-form .cm-content").wait_for()
    return page


def _type_query(page: object, text: str) -> None:
    editor = page.locator("#sparql-form .cm-content")  # type: ignore[attr-defined]
    editor.click()
    page.keyboard.press("Control+A")  # type: ignore[attr-defined]
    page.keyboard.press("Delete")  # type: ignore[attr-defined]
    page.keyboard.insert_text(text)  # type: ignore[attr-defined]


def _check_downloads(page: object, server: str, expected: list[str]) -> None:
    """Each download link (or long-query form) gives the format it names."""
    import httpx

    expect = playwright_api.expect
    links = page.locator("#download-list [data-format]")  # type: ignore[attr-defined]
    expect(links).to_have_count(len(expected))
    for fmt in expected:
        item = page.locator(f"#download-{fmt}")  # type: ignore[attr-defined]
        href = item.get_attribute("href")
        if href is not None:  # a link (short query)
            answer = httpx.get(server + href, timeout=60)
        else:  # a POST form (long query)
            action = item.get_attribute("action") or ""
            query = item.locator("input[name=query]").input_value()
            answer = httpx.post(server + action, data={"query": query}, timeout=60)
        assert answer.status_code == 200, (fmt, answer.text)
        assert answer.headers["content-type"].startswith(DOWNLOADS[fmt]), fmt


def test_console_select_table_graph_and_downloads(server: str, browser: object) -> None:
    expect = playwright_api.expect
    page = _console(server, browser)
    _type_query(page, SELECT_QUERY)
    page.get_by_role("button", name="Run query").click()  # type: ignore[attr-defined]
    expect(page.locator("#result-status")).to_have_text("7 rows")  # type: ignore[attr-defined]
    expect(page.locator("#result-table tbody tr")).to_have_count(7)  # type: ignore[attr-defined]
    expect(page.locator("#result-table thead")).to_contain_text("id")  # type: ignore[attr-defined]
    _check_downloads(page, server, ["csv", "tsv", "json", "xml"])
    page.close()  # type: ignore[attr-defined]


def test_console_ask(server: str, browser: object) -> None:
    expect = playwright_api.expect
    page = _console(server, browser)
    _type_query(page, ASK_QUERY)
    expect(page.locator("#query-form")).to_have_text("ASK query")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Run query").click()  # type: ignore[attr-defined]
    expect(page.locator("#result-status")).to_have_text("ASK: true")  # type: ignore[attr-defined]
    _check_downloads(page, server, ["json", "xml"])
    page.close()  # type: ignore[attr-defined]


def test_console_construct_as_triples_and_graph(server: str, browser: object) -> None:
    expect = playwright_api.expect
    page = _console(server, browser)
    _type_query(page, CONSTRUCT_QUERY)
    page.get_by_role("button", name="Run query").click()  # type: ignore[attr-defined]
    expect(page.locator("#result-status")).to_contain_text("(CONSTRUCT)")  # type: ignore[attr-defined]
    expect(page.locator("#result-table thead")).to_have_text("subjectpredicateobject")  # type: ignore[attr-defined]
    expect(page.locator("#result-table tbody")).to_contain_text("wcokg:dependsOn")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Graph").click()  # type: ignore[attr-defined]
    graph = page.locator("#result-graph svg.result-graph")  # type: ignore[attr-defined]
    expect(graph).to_be_visible()
    expect(graph.locator("g.edge").first).to_be_attached()
    assert graph.locator("g.node").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "console-construct-graph.png"), full_page=True)  # type: ignore[attr-defined]
    _check_downloads(page, server, ["ttl", "nt", "jsonld", "rdfxml"])
    page.close()  # type: ignore[attr-defined]


def test_console_describe(server: str, browser: object) -> None:
    expect = playwright_api.expect
    page = _console(server, browser)
    _type_query(page, DESCRIBE_QUERY)
    page.get_by_role("button", name="Run query").click()  # type: ignore[attr-defined]
    expect(page.locator("#result-status")).to_contain_text("(DESCRIBE)")  # type: ignore[attr-defined]
    expect(page.locator("#result-table tbody")).to_contain_text("body/ptc")  # type: ignore[attr-defined]
    expect(page.locator("#download-ttl")).to_have_text("Turtle")  # type: ignore[attr-defined]
    _check_downloads(page, server, ["ttl", "nt", "jsonld", "rdfxml"])
    page.close()  # type: ignore[attr-defined]


def test_console_long_query_is_posted_and_kept_across_a_reload(
    server: str, browser: object
) -> None:
    expect = playwright_api.expect
    padding = "\n".join(f"# padding line {i:04d} " + "x" * 40 for i in range(220))
    long_query = padding + "\n" + SELECT_QUERY
    assert len(long_query) > 10_000
    page = _console(server, browser)
    _type_query(page, long_query)
    page.get_by_role("button", name="Run query").click()  # type: ignore[attr-defined]
    expect(page.locator("#result-status")).to_have_text("7 rows")  # type: ignore[attr-defined]
    # Downloads of a long query are POST forms, and each gives its format.
    expect(page.locator("#download-csv")).to_have_attribute("method", "post")  # type: ignore[attr-defined]
    _check_downloads(page, server, ["csv", "tsv", "json", "xml"])
    page.reload()  # type: ignore[attr-defined]
    # The editor shows the visible lines only; the form field behind it holds the whole query.
    expect(page.locator("#sparql-form .cm-content")).to_contain_text("padding line 0000")  # type: ignore[attr-defined]
    expect(page.locator("#sparql-query")).to_have_value(long_query)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Run query").click()  # type: ignore[attr-defined]
    expect(page.locator("#result-status")).to_have_text("7 rows")  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_console_query_in_the_fragment(server: str, browser: object) -> None:
    from urllib.parse import quote

    expect = playwright_api.expect
    page = _console(server, browser, "#query=" + quote(ASK_QUERY))
    expect(page.locator("#sparql-form .cm-content")).to_contain_text("ASK")  # type: ignore[attr-defined]
    expect(page.locator("#query-form")).to_have_text("ASK query")  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_console_highlights_completes_and_adds_prefixes(server: str, browser: object) -> None:
    expect = playwright_api.expect
    page = _console(server, browser)
    # Highlighting: keywords get their own styled spans.
    expect(page.locator("#sparql-form .cm-content span").first).to_be_attached()  # type: ignore[attr-defined]
    expect(page.locator("#sparql-form")).to_have_attribute(
        "data-terms-loaded", re.compile(r"[1-9]\d*")
    )  # type: ignore[attr-defined]
    _type_query(page, "SELECT * WHERE { ?s a wcokg:Activ")
    page.keyboard.press("Control+Space")  # type: ignore[attr-defined]
    option = page.locator(".cm-tooltip-autocomplete li", has_text="wcokg:Activity").first  # type: ignore[attr-defined]
    expect(option).to_be_visible()
    option.click()
    # Choosing an ontology term declared its prefix.
    expect(page.locator("#sparql-form .cm-content")).to_contain_text(  # type: ignore[attr-defined]
        "PREFIX wcokg: <https://w3id.org/wcokg/ontology#>"
    )
    page.keyboard.insert_text(" . ?s dcterms:title ?t }")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Add prefixes").click()  # type: ignore[attr-defined]
    expect(page.locator("#sparql-form .cm-content")).to_contain_text(  # type: ignore[attr-defined]
        "PREFIX dcterms: <http://purl.org/dc/terms/>"
    )
    page.get_by_role("button", name="Run query").click()  # type: ignore[attr-defined]
    expect(page.locator("#result-status")).to_contain_text("rows")  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_console_gallery_query_loads_into_the_editor(server: str, browser: object) -> None:
    expect = playwright_api.expect
    page = _console(server, browser)
    card = page.locator("#q-reporting-line")  # type: ignore[attr-defined]
    card.locator("summary").click()
    card.get_by_role("button", name="Edit in the console").click()
    expect(page.locator("#sparql-form .cm-content")).to_contain_text("SELECT")  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]
