"""The draft of edits as a revision: a named graph marked draft on top of the latest loaded
revision, listed with the revisions, diffed and exported like them, published or discarded by an
admin; and issue 16's done-when scenario end to end (HTTP edits, `wcokg diff --to draft`,
`wcokg export docx` with the edits as tracked changes)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirunner import run_wcokg
from editing import PASSWORD, add_users, edit_settings
from fastapi.testclient import TestClient
from lxml import etree
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF
from test_export_docx import W, resolve

from wcokg.accounts import User
from wcokg.api.app import create_app
from wcokg.build import BuildReport
from wcokg.edits.errors import BadCode, EditConflict, EditForbidden
from wcokg.edits.revision import close_draft, open_draft
from wcokg.edits.service import EditService
from wcokg.export.docx import render_docx
from wcokg.history import diff_rows, diff_store, list_revisions, revision_table
from wcokg.loaders.programme import load_programme
from wcokg.namespaces import WCOKG, Minter
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore
from wcokg.table import activity_rows

PROGRAMME = "ptc-2022-2025"
SWG = User("swg-editor", "editor", ("swg",), "g", "")
ADMIN = User("boss", "admin", (), "g", "")
EDIT = {"status": "Completed", "progress": "Completed: the SAFE FoS 2025 was endorsed."}


def seed_with_revisions(settings: Settings, report: BuildReport) -> EmbeddedStore:
    store = EmbeddedStore(settings.store)
    store.replace(report.graph, named_graphs=report.named_graphs)
    return store


@pytest.fixture
def edited(tmp_path: Path, seed_report: BuildReport) -> tuple[EditService, EmbeddedStore]:
    settings = edit_settings(tmp_path)
    store = seed_with_revisions(settings, seed_report)
    service = EditService(store, settings)
    service.submit(SWG, "I-23", EDIT, service.etag("I-23"))
    return service, store


DRAFT_OF = """
PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
ASK { ?d a wcokg:Revision, wcokg:Draft ; prov:wasRevisionOf ?r . ?r dcterms:identifier ?id }
"""


def draft_based_on(store: EmbeddedStore, revision: str) -> bool:
    """The stored draft revision is a revision of `revision` (SPARQL on the current view)."""
    return store.query(DRAFT_OF, {"id": Literal(revision)}) is True


# -- the draft revision in the graph (small hand-written input) -------------------------------


def test_open_and_close_draft_on_a_small_graph() -> None:
    minter = Minter()
    wp, rev = minter.programme("wp-x"), minter.revision("wp-x", "a1")
    graph = Graph()
    graph.add((wp, DCTERMS.identifier, Literal("wp-x")))
    graph.add((wp, WCOKG.hasRevision, rev))
    graph.add((wp, WCOKG.currentRevision, rev))
    graph.add((rev, RDF.type, WCOKG.Revision))
    graph.add((rev, WCOKG.revisionIndex, Literal(3)))
    graph.add((rev, WCOKG.isCurrent, Literal(True)))
    graph.add((rev, WCOKG.activityCount, Literal(2)))
    part = Graph()
    part.add((URIRef("urn:x:a"), DCTERMS.identifier, Literal("I-1")))
    named = {str(rev): part}
    draft = open_draft(graph, named, minter, "wp-x")
    assert draft == minter.revision("wp-x", "draft")
    assert set(named[str(draft)]) == set(part) and named[str(draft)] is not part
    assert {WCOKG.Revision, WCOKG.Draft} <= set(graph.objects(draft, RDF.type))
    assert graph.value(draft, PROV.wasRevisionOf) == rev
    assert graph.value(draft, WCOKG.revisionIndex) == Literal(4)
    assert graph.value(wp, WCOKG.currentRevision) == draft
    assert graph.value(rev, WCOKG.isCurrent) == Literal(False)
    assert open_draft(graph, named, minter, "wp-x") == draft  # one draft per programme
    close_draft(graph, named, minter, "wp-x")
    assert graph.value(wp, WCOKG.currentRevision) == rev
    assert graph.value(rev, WCOKG.isCurrent) == Literal(True)
    assert list(graph.triples((draft, None, None))) == [] and str(draft) not in named
    # a graph stored without revisions gets no draft revision
    assert open_draft(Graph(), {}, minter, "wp-x") is None


# -- the draft on the seed ---------------------------------------------------------------------


def test_the_draft_is_a_revision_listed_diffed_and_current(
    edited: tuple[EditService, EmbeddedStore],
) -> None:
    _, store = edited
    revisions = list_revisions(store, PROGRAMME)
    assert [(r.id, r.current, r.draft) for r in revisions] == [
        ("pc0756", False, False),
        ("draft", True, True),
    ]
    assert draft_based_on(store, "pc0756")
    changes = diff_store(store, PROGRAMME, end="draft")
    assert [(c.change, c.activity, c.field, c.new) for c in changes] == [
        ("changed", "I-23", "status", "Completed"),
        ("changed", "I-23", "progress", EDIT["progress"]),
    ]
    earlier, draft = revisions
    assert changes == diff_rows(
        PROGRAMME, revision_table(store, earlier), revision_table(store, draft)
    )
    assert diff_store(store) == changes  # the default: the last two revisions
    current = {r.id: r for r in activity_rows(store)}  # the current view shows the draft
    assert current["I-23"].status == "Completed"
    assert {r.id: r.status for r in revision_table(store, earlier)}["I-23"] == "In progress"


def test_the_draft_survives_a_restart_and_a_rebuild(
    tmp_path: Path, seed_report: BuildReport, edited: tuple[EditService, EmbeddedStore]
) -> None:
    service, store = edited
    settings = edit_settings(tmp_path)
    again = EditService(store, settings)
    assert again.values("I-23")[0]["status"] == "Completed"
    store.replace(seed_report.graph, named_graphs=seed_report.named_graphs)  # a rebuild
    assert [r.id for r in list_revisions(store)] == ["pc0756"]
    report = EditService(store, settings).sync()
    assert report.replayed and report.applied == 2
    assert [(r.id, r.draft) for r in list_revisions(store)] == [("pc0756", False), ("draft", True)]
    assert [c.field for c in diff_store(store, end="draft")] == ["status", "progress"]


def test_publish_makes_the_draft_a_revision_with_its_code(
    edited: tuple[EditService, EmbeddedStore], tmp_path: Path
) -> None:
    service, store = edited
    with pytest.raises(EditForbidden):
        service.publish(SWG, "PC0800")
    with pytest.raises(BadCode):
        service.publish(ADMIN, "PC 0800; DROP")
    with pytest.raises(EditConflict):
        service.publish(ADMIN, "PC0756")  # the code of an existing revision
    closing = service.publish(ADMIN, "PC0800")
    assert (closing.user, closing.action, closing.code, closing.through) == (
        "boss",
        "publish",
        "PC0800",
        2,
    )
    revisions = list_revisions(store, PROGRAMME)
    assert [(r.id, r.code, r.current, r.draft) for r in revisions] == [
        ("pc0756", "PC0756", False, False),
        ("pc0800", "PC0800", True, False),
    ]
    # the changes are recorded as a build records them: the SPARQL answer and the diff agree
    assert [c.field for c in diff_store(store)] == ["status", "progress"]
    assert diff_store(store) == diff_store(store, recorded=False)
    # kept as README says (`wcokg export docx --to PC0800`): the file reads back as that
    # revision of the same programme, under its own code
    word = tmp_path / "PC0800.docx"
    word.write_bytes(render_docx(store, end="PC0800"))
    again = load_programme(word)
    assert (again.id, again.doc_reference) == (PROGRAMME, "PC0800")
    with pytest.raises(EditConflict):
        service.publish(ADMIN, "PC0801")  # nothing left to publish
    # the next edit starts a new draft on top of the published revision
    service.submit(SWG, "I-23", {"kpi": "Endorsed edition"}, service.etag("I-23"))
    revisions = list_revisions(store, PROGRAMME)
    assert [(r.id, r.draft) for r in revisions][-1] == ("draft", True)
    assert draft_based_on(store, "pc0800")
    assert [c.field for c in diff_store(store, end="draft")] == ["kpi"]
    assert [e.seq for e in service.log.pending()] == [3]


def test_discard_drops_the_draft_and_keeps_the_log(
    tmp_path: Path, edited: tuple[EditService, EmbeddedStore]
) -> None:
    service, store = edited
    with pytest.raises(EditForbidden):
        service.discard(SWG)
    closing = service.discard(ADMIN)
    assert (closing.action, closing.through) == ("discard", 2)
    assert [(r.id, r.current) for r in list_revisions(store)] == [("pc0756", True)]
    assert {r.id: r.status for r in activity_rows(store)}["I-23"] == "In progress"
    assert len(service.log.all()) == 2 and service.log.pending() == []
    assert [c.action for c in service.log.closings()] == ["discard"]
    with pytest.raises(EditConflict):
        service.discard(ADMIN)
    # a restart does not bring the discarded edits back
    assert EditService(store, edit_settings(tmp_path)).values("I-23")[0]["status"] == "In progress"


# -- issue 16's done-when scenario, end to end -------------------------------------------------


@pytest.fixture
def served(tmp_path: Path, seed_report: BuildReport) -> Iterator[tuple[TestClient, Settings]]:
    settings = edit_settings(tmp_path)
    add_users(settings)
    app = create_app(settings, seed_with_revisions(settings, seed_report))
    with TestClient(app) as client:
        yield client, settings


def _token(client: TestClient, user: str) -> dict[str, str]:
    answer = client.post("/auth/token", data={"username": user, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_done_when_the_edit_is_in_the_diff_and_the_word_file(
    served: tuple[TestClient, Settings], tmp_path: Path
) -> None:
    client, settings = served
    swg, dmpt = _token(client, "swg-editor"), _token(client, "dmpt-editor")
    tag = client.get("/activities/I-23").headers["etag"]
    assert (
        client.patch("/activities/I-23", json=EDIT, headers={**dmpt, "If-Match": tag}).status_code
        == 403
    )
    done = client.patch("/activities/I-23", json=EDIT, headers={**swg, "If-Match": tag})
    assert done.status_code == 200, done.text
    # over HTTP: the draft among the revisions, its changes, the Word file
    listed = client.get(f"/programmes/{PROGRAMME}/revisions").json()
    assert [(r["revision"], r["current"], r["draft"]) for r in listed][-1] == ("draft", True, True)
    changes = client.get(
        f"/programmes/{PROGRAMME}/changes", params={"to": "draft"}, headers={"Accept": "text/csv"}
    )
    rows = list(csv.DictReader(io.StringIO(changes.text)))
    assert [(r["activity"], r["field"], r["new"]) for r in rows] == [
        ("I-23", "status", "Completed"),
        ("I-23", "progress", EDIT["progress"]),
    ]
    page = client.get(f"/programmes/{PROGRAMME}/what-changed", params={"to": "draft"})
    shown = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())  # the word-level diff's text
    assert page.status_code == 200 and "I-23" in shown and "FoS 2025 was endorsed" in shown
    word = client.get("/export/docx")
    assert word.status_code == 200
    assert_tracked(word.content)
    # on the command line, against the same store and private folder
    env = {"WCOKG_PRIVATE_DIR": str(settings.private_path()), "WCOKG_QUERY_WORKERS": "0"}
    diffed = run_wcokg(settings.store, "diff", "--to", "draft", "--format", "csv", env=env)
    assert diffed.returncode == 0, diffed.stderr
    assert list(csv.DictReader(io.StringIO(diffed.stdout))) == rows
    out = tmp_path / "draft.docx"
    exported = run_wcokg(settings.store, "export", "docx", "-o", str(out), env=env)
    assert exported.returncode == 0, exported.stderr
    assert_tracked(out.read_bytes())
    # publish and discard: admin only over HTTP, and on the command line with `--as`
    assert client.post("/draft/publish", json={"code": "PC0800"}).status_code == 401
    assert client.post("/draft/publish", json={"code": "PC0800"}, headers=swg).status_code == 403
    refused = run_wcokg(settings.store, "draft", "discard", "--as", "swg-editor", env=env)
    assert refused.returncode != 0 and "not an admin" in refused.stderr
    assert "Traceback" not in refused.stderr
    boss = _token(client, "boss")
    bad = client.post("/draft/publish", json={"code": "PC 0800"}, headers=boss)
    assert bad.status_code == 422 and "document code" in bad.json()["detail"]
    published = client.post("/draft/publish", json={"code": "PC0800"}, headers=boss)
    assert published.status_code == 200, published.text
    assert published.json()["code"] == "PC0800" and published.json()["user"] == "boss"
    listed = client.get(f"/programmes/{PROGRAMME}/revisions").json()
    assert [(r["revision"], r["draft"]) for r in listed] == [("pc0756", False), ("pc0800", False)]
    assert client.post("/draft/discard", headers=boss).status_code == 409  # nothing to discard
    # the next edit is a new draft on top of PC0800, published from the command line
    tag = client.get("/activities/I-23").headers["etag"]
    again = client.patch(
        "/activities/I-23", json={"kpi": "Endorsed"}, headers={**swg, "If-Match": tag}
    )
    assert again.status_code == 200, again.text
    cli = run_wcokg(settings.store, "draft", "publish", "--code", "PC0801", "--as", "boss", env=env)
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.strip() == "published edits up to 3 as revision PC0801"
    listed = run_wcokg(settings.store, "revisions", "--format", "csv", env=env)
    assert [line.split(",")[1] for line in listed.stdout.splitlines()[1:]] == [
        "pc0756",
        "pc0800",
        "pc0801",
    ]
    assert client.get("/activities/I-23").json()["kpi"] == "Endorsed"
    nothing = run_wcokg(settings.store, "draft", "discard", "--as", "boss", env=env)
    assert nothing.returncode != 0 and "no draft" in nothing.stderr
    assert nothing.stderr.count("\n") == 1


def assert_tracked(docx: bytes) -> None:
    """The I-23 edit is in the Word file as tracked changes: accepted, the row reads Completed
    and the new progress; rejected, the old status."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    assert root.find(f".//{W}ins") is not None and root.find(f".//{W}del") is not None
    accepted, rejected = resolve(docx, accept=True), resolve(docx, accept=False)
    changed = [
        (a, r)
        for ta, tr in zip(accepted, rejected, strict=True)
        for a, r in zip(ta, tr, strict=True)
        if a != r
    ]
    assert len(changed) == 1
    after, before = changed[0]
    assert "Completed" in " ".join(" ".join(cell) for cell in after)
    assert EDIT["progress"] in [p for cell in after for p in cell]
    assert EDIT["progress"] not in [p for cell in before for p in cell]
