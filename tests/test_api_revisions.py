"""Revisions over HTTP: the revision list, the changes (JSON, CSV), the "What changed" page, an
activity's history, the `changes-since` named query and the named graphs in the service
description — on the seed and a later revision made by editing a copy of it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from revision_edits import parse, revise, single_line

from wcokg.api.app import create_app
from wcokg.build import build_graph, bundled_sources
from wcokg.history import CHANGE_COLUMNS, diff_store, list_revisions
from wcokg.namespaces import Minter
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore, RemoteStore

SEED = next(p for p in bundled_sources() if p.suffix == ".md")
WP = "/programmes/ptc-2022-2025"


@pytest.fixture(scope="module")
def later(tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedStore, dict[str, str]]:
    text = SEED.read_text(encoding="utf-8")
    rows = single_line(parse(text), "I")
    progress, struck = rows[0], rows[5]
    revised = revise(
        text,
        "PC0800",
        cells={progress.id: {"progress": "Completed. The report was adopted by the Council."}},
        strike=(struck.id,),
    )
    folder = tmp_path_factory.mktemp("revisions")
    path = folder / "pc0800.md"
    path.write_text(revised.text, encoding="utf-8")
    report = build_graph([SEED, path], Minter())
    store = EmbeddedStore(folder / "store")
    store.replace(report.graph, named_graphs=report.named_graphs)
    store.report = report  # type: ignore[attr-defined]  # for the remote-store test
    moved = next(a for a in rows if a.number == struck.number + 1)
    return store, {"progress": progress.id, "struck": struck.id, "moved": moved.id,
                   "moved_now": revised.ids[moved.id]}  # fmt: skip


@pytest.fixture(scope="module")
def client(later: tuple[EmbeddedStore, dict[str, str]]) -> Iterator[TestClient]:
    store = later[0]
    with TestClient(create_app(Settings(store=store.root, warm_up=False), store)) as test_client:
        yield test_client


def test_revisions_route(client: TestClient) -> None:
    got = client.get(f"{WP}/revisions").json()
    assert [(r["revision"], r["document"], r["activities"], r["current"]) for r in got] == [
        ("pc0756", "PC0756", 94, False),
        ("pc0800", "PC0800", 93, True),
    ]
    assert got[1]["graph"] == "https://w3id.org/wcokg/wp/ptc-2022-2025/revision/pc0800"
    missing = client.get("/programmes/nope/revisions")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_changes_json_and_csv(
    client: TestClient, later: tuple[EmbeddedStore, dict[str, str]]
) -> None:
    store, ids = later
    expected = [c.as_dict() for c in diff_store(store)]
    assert client.get(f"{WP}/changes").json() == expected
    assert client.get(f"{WP}/changes", params={"from": "pc0756", "to": "PC0800"}).json() == expected
    response = client.get(f"{WP}/changes", headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0]) == CHANGE_COLUMNS and len(rows) == len(expected)
    assert {"change": "struck", "activity": "", "previous_activity": ids["struck"]}.items() <= rows[
        [r["change"] for r in rows].index("struck")
    ].items()
    assert client.get(f"{WP}/changes", params={"from": "pc0999"}).status_code == 404


def test_what_changed_page(client: TestClient, later: tuple[EmbeddedStore, dict[str, str]]) -> None:
    _, ids = later
    page = client.get(f"{WP}/what-changed")
    assert page.status_code == 200
    html = page.text
    assert "Struck out (1)" in html and ids["struck"] in html
    assert f"{ids['moved']} → " in html
    assert "<ins>Completed." in html and "<del>" in html  # word-level diff of the progress text
    assert ">status</th>" in html


def test_activity_page_history(
    client: TestClient, later: tuple[EmbeddedStore, dict[str, str]]
) -> None:
    _, ids = later
    page = client.get(f"/wp/ptc-2022-2025/activity/{ids['moved']}")  # its IRI did not change
    assert page.status_code == 200
    section = page.text.split("History across revisions", 1)[1].split("</section>", 1)[0]
    assert f"<td>PC0756</td><td>{ids['moved']}</td>" in section
    assert f"<td>PC0800</td><td>{ids['moved_now']}</td>" in section


def test_changes_since_query(
    client: TestClient, later: tuple[EmbeddedStore, dict[str, str]]
) -> None:
    _, ids = later
    rows = client.get("/queries/changes-since", params={"revision": "PC0756"}).json()
    assert {r["change"] for r in rows} == {"changed", "struck", "renumbered"}
    status = next(r for r in rows if r["field"] == "status")
    assert (status["activity"], status["old"], status["new"]) == (
        ids["progress"],
        "In progress",
        "Completed",
    )


def test_service_description_lists_named_graphs(client: TestClient) -> None:
    text = client.get("/sparql", headers={"Accept": "text/turtle"}).text
    for graph in ("revision/pc0756", "revision/pc0800", "graph/reference"):
        assert (
            f"https://w3id.org/wcokg/{'wp/ptc-2022-2025/' if 'revision' in graph else ''}{graph}"
            in text
        )
    assert "urn:x-wcokg:meta" not in text


def test_graph_keyword_reaches_each_revision(client: TestClient) -> None:
    query = (
        "SELECT ?g (COUNT(?a) AS ?n) WHERE { GRAPH ?g { ?a a <https://w3id.org/wcokg/ontology#Activity> } } "
        "GROUP BY ?g ORDER BY ?g"
    )
    got = client.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    ).json()
    counts = {
        b["g"]["value"].rsplit("/", 1)[1]: int(b["n"]["value"]) for b in got["results"]["bindings"]
    }
    assert counts == {"pc0756": 97, "pc0800": 93}


def test_remote_store_gives_the_same_answers(
    later: tuple[EmbeddedStore, dict[str, str]], oxigraph_server: Callable[[], RemoteStore]
) -> None:
    """Each revision's graph written through the Graph Store Protocol to an Oxigraph server."""
    embedded = later[0]
    report = embedded.report  # type: ignore[attr-defined]
    remote = oxigraph_server()
    remote.replace(report.graph, named_graphs=report.named_graphs)
    assert list_revisions(remote) == list_revisions(embedded)
    assert diff_store(remote) == diff_store(embedded) != []
    assert diff_store(remote, start="pc0756", end="pc0800") == diff_store(embedded)


def test_export_docx_route(client: TestClient) -> None:
    import io
    import zipfile

    tracked = client.get("/export/docx", params={"from": "pc0756"})
    assert tracked.status_code == 200
    assert tracked.headers["content-type"].startswith("application/vnd.openxmlformats")
    xml = zipfile.ZipFile(io.BytesIO(tracked.content)).read("word/document.xml")
    assert b"<w:ins " in xml and b"<w:del " in xml
    newest = client.get("/export/docx")  # default: the newest revision against the one before
    assert zipfile.ZipFile(io.BytesIO(newest.content)).read("word/document.xml") == xml
    clean = client.get("/export/docx", params={"to": "pc0800"})
    assert b"<w:ins " not in zipfile.ZipFile(io.BytesIO(clean.content)).read("word/document.xml")
    assert client.get("/export/csv", params={"from": "pc0756"}).status_code == 400
    assert client.get("/export/docx", params={"from": "pc0999"}).status_code == 400


def test_home_page_links_what_changed(client: TestClient) -> None:
    html = client.get("/").text
    assert "revision PC0800" in html and "2 revision(s) loaded" in html
    assert f'href="{WP}/what-changed"' in html
