"""Edits without HTTP: the fields re-normalised by the loader's code, the draft replayed from the
log (conflicts kept), the log's transactions, and the service's rules, restart and rebuild."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from editing import edit_settings, fresh_store
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from wcokg.accounts import User
from wcokg.build import BuildReport
from wcokg.edits.check import activity_violations, neighbourhood, new_violations
from wcokg.edits.draft import DRAFT, apply_edits, read_mark
from wcokg.edits.errors import (
    EditConflict,
    EditForbidden,
    EditInvalid,
    PreconditionFailed,
    PreconditionRequired,
)
from wcokg.edits.fields import FieldWriter, clean_value, find_activity, read_value, read_values
from wcokg.edits.log import Edit, EditLog, NewEdit
from wcokg.edits.service import EditService
from wcokg.loaders.reference import load_reference
from wcokg.namespaces import WCOKG, Minter
from wcokg.store import EmbeddedStore, RemoteStore

SWG = User("swg-editor", "editor", ("swg",), "g", "")
DMPT = User("dmpt-editor", "editor", ("dmpt",), "g", "")
ADMIN = User("boss", "admin", (), "g", "")


def writer() -> FieldWriter:
    return FieldWriter(Minter(), load_reference())


def small_activity(continuous: bool = False) -> tuple[Graph, URIRef]:
    """A hand-written activity with only what the writers read: section, progress, status."""
    minter = Minter()
    g = Graph()
    node = minter.activity("wp-x", "I-1")
    section = minter.iri("wp", "wp-x", "section", "I")
    g.add((node, RDF.type, WCOKG.Activity))
    g.add((node, DCTERMS.identifier, Literal("I-1")))
    g.add((node, WCOKG.inSection, section))
    g.add((section, WCOKG.continuous, Literal(continuous)))
    g.add((node, WCOKG.progress, Literal("Work has started.", lang="en")))
    g.add((node, WCOKG.completionStatusText, Literal("")))
    return g, node


# -- fields: the loader's normalisers -----------------------------------------------------------


def test_timeline_gives_milestones() -> None:
    g, node = small_activity()
    writer().apply(g, node, {"timeline": "Spring 2024 (PTC) June 2024 (Council)"})
    months = sorted(
        str(g.value(m, URIRef("http://www.w3.org/2006/time#inXSDgYearMonth")))
        for m in g.objects(node, WCOKG.hasMilestone)
    )
    assert months == ["2024-04", "2024-06"]
    bodies = {
        str(g.value(m, WCOKG.body)).rsplit("/", 1)[-1] for m in g.objects(node, WCOKG.hasMilestone)
    }
    assert bodies == {"ptc", "council"}
    assert (node, RDF.type, WCOKG.TimeBoundActivity) in g
    writer().apply(g, node, {"timeline": "Continuous"})
    assert list(g.objects(node, WCOKG.hasMilestone)) == []
    assert (node, RDF.type, WCOKG.ContinuousActivity) in g
    assert (node, RDF.type, WCOKG.TimeBoundActivity) not in g
    # the normaliser's flag replaces the old ones on that column
    codes = {str(g.value(f, WCOKG.flagCode)) for f in g.objects(node, WCOKG.flag)}
    assert codes == {"unexpected-continuous"}


def test_team_resources_give_allocations() -> None:
    g, node = small_activity()
    writer().apply(
        g, node, {"team_resources": "One to two officers from the Facilitation Sub-Directorate"}
    )
    [allocation] = list(g.objects(node, WCOKG.hasAllocation))
    assert float(g.value(allocation, WCOKG.fteMin)) == 1.0  # type: ignore[arg-type]
    assert float(g.value(allocation, WCOKG.fteMax)) == 2.0  # type: ignore[arg-type]
    assert g.value(allocation, WCOKG.unit) is not None


def test_progress_gives_a_status_unless_one_is_given() -> None:
    g, node = small_activity()
    writer().apply(g, node, {"progress": "The study has been completed."})
    assert read_value(g, node, "status") == "Completed"
    assert str(g.value(node, WCOKG.statusRule)).startswith("keyword:")
    writer().apply(g, node, {"progress": "Nothing yet.", "status": "Postponed"})
    assert read_value(g, node, "status") == "Postponed"
    assert str(g.value(node, WCOKG.statusRule)) == "completion-status-column"
    assert str(g.value(node, WCOKG.colour)).endswith("/red")


def test_priority_is_read_like_the_loader() -> None:
    g, node = small_activity()
    writer().apply(g, node, {"priority": "High"})
    assert read_value(g, node, "priority") == "A"


def test_clean_value() -> None:
    assert clean_value("progress", "  One\r\n\r\n\r\n  two  \n three ") == "One\n\ntwo three"
    assert clean_value("kpi", "  x  ") == "x"


# -- the draft -------------------------------------------------------------------------------


def _edit(seq: int, activity: str, field: str, old: str, new: str) -> Edit:
    return Edit(
        seq, "r", "2025-01-01T00:00:00+00:00", "ana", "ptc-2022-2025", activity, field, old, new
    )


def test_apply_edits_replays_and_keeps_conflicts(seed_report: BuildReport) -> None:
    base = seed_report.graph
    node = find_activity(base, "I-23")
    assert node is not None
    before = read_values(base, node.node)
    edits = [
        _edit(1, "I-23", "status", before["status"], "Completed"),
        _edit(2, "I-23", "kpi", "not what the base says", "new KPI"),
        _edit(3, "I-99", "kpi", "", "x"),
        # the same activity id in a programme the graph does not hold: never applied elsewhere
        Edit(4, "r4", "2025-01-01T00:00:00+00:00", "ana", "other-2030-2033", "I-23", "kpi",
             before["kpi"], "x"),
    ]  # fmt: skip
    result = apply_edits(base, edits, writer(), "v1")
    assert result.applied == [1] and result.conflicts == [2, 3, 4]
    assert read_value(result.graph, node.node, "status") == "Completed"
    assert read_value(result.graph, node.node, "kpi") == before["kpi"]
    assert read_values(base, node.node) == before  # the base is not changed
    record = URIRef(f"{node.node}/edit/1")
    assert (record, RDF.type, PROV.Entity) in result.graph
    assert result.graph.value(record, PROV.wasAttributedTo) is not None
    assert result.graph.value(record, PROV.generatedAtTime) is not None
    mark = read_mark(result.graph)
    assert mark is not None and (mark.base_version, mark.last_edit, mark.conflicts) == (
        "v1",
        4,
        (2, 3, 4),
    )
    assert read_mark(base) is None and (DRAFT, None, None) not in base


# -- the log ---------------------------------------------------------------------------------


def test_log_commits_or_rolls_back(tmp_path: Path) -> None:
    log = EditLog(tmp_path / "edits.sqlite")
    row = NewEdit("r", "2025-01-01T00:00:00+00:00", "ana", "p", "I-1", "kpi", "a", "b")
    with log.writing() as w:
        assert [e.seq for e in w.append([row, row])] == [1, 2]
    with pytest.raises(RuntimeError), log.writing() as w:
        w.append([row])
        raise RuntimeError("crash before the commit")
    assert [e.seq for e in log.all()] == [1, 2]
    assert log.last_seq("I-1") == 2 and log.last_seq("I-2") == 0
    assert log.query(user="bob") == [] and len(log.query(since="2025-01-01T00:00:00+00:00")) == 2


# -- the service -----------------------------------------------------------------------------


@pytest.fixture
def service(tmp_path: Path, seed_report: BuildReport) -> EditService:
    settings = edit_settings(tmp_path)
    return EditService(fresh_store(settings, seed_report.graph), settings)


def test_rules_in_order(service: EditService) -> None:
    etag = service.etag("I-23")
    version = service.store.version()
    with pytest.raises(EditForbidden):
        service.submit(DMPT, "I-23", {"status": "Completed"}, etag)
    with pytest.raises(PreconditionRequired):
        service.submit(SWG, "I-23", {"status": "Completed"}, None)
    with pytest.raises(PreconditionFailed):
        service.submit(SWG, "I-23", {"status": "Completed"}, '"stale"')
    before = set(service.sync_state().graph)
    with pytest.raises(EditInvalid) as invalid:
        service.submit(SWG, "I-23", {"timeline": "no date here", "kpi": "New"}, etag)
    assert set(service.sync_state().graph) == before  # undone exactly
    assert invalid.value.findings and invalid.value.findings[0].activity_id == "I-23"
    assert service.store.version() == version and service.log.all() == []  # nothing stored
    done = service.submit(SWG, "I-23", {"status": "Completed", "progress": "Finished."}, etag)
    assert [e.field for e in done.edits] == ["progress", "status"]
    assert done.etag != etag and done.etag == service.etag("I-23")
    assert service.store.version() != version
    assert service.etag("I-22") == EditService(service.store, service_settings(service)).etag(
        "I-22"
    )


def service_settings(service: EditService):  # type: ignore[no-untyped-def]
    return edit_settings(service.folder.parent.parent)


def test_concurrent_edits_of_one_activity_exactly_one_wins(service: EditService) -> None:
    etag = service.etag("I-23")
    results: list[str] = []

    def edit(text: str) -> None:
        try:
            service.submit(SWG, "I-23", {"progress": text}, etag)
            results.append("200")
        except PreconditionFailed:
            results.append("412")

    threads = [threading.Thread(target=edit, args=(f"Progress {n}.",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["200", "412"]
    assert len(service.log.all()) == 1


def test_restart_rebuild_and_revert(tmp_path: Path, seed_report: BuildReport) -> None:
    settings = edit_settings(tmp_path)
    store = fresh_store(settings, seed_report.graph)
    first = EditService(store, settings)
    first.submit(SWG, "I-23", {"status": "Completed"}, first.etag("I-23"))
    # restart: a new service reads the stored draft
    again = EditService(store, settings)
    assert again.values("I-23")[0]["status"] == "Completed"
    # rebuild of the same sources: the log is replayed on the new base
    store.replace(seed_report.graph)
    report = EditService(store, settings).sync()
    assert report.replayed and report.applied == 1 and report.conflicts == ()
    assert EditService(store, settings).values("I-23")[0]["status"] == "Completed"
    # a base whose old value differs: the edit is kept and flagged, not applied
    changed = Graph()
    changed += seed_report.graph
    node = find_activity(changed, "I-23")
    assert node is not None
    changed.set((node.node, WCOKG.status, Minter().concept("status", "postponed")))
    store.replace(changed)
    rebuilt = EditService(store, settings)
    assert rebuilt.sync().conflicts == (1,)
    assert rebuilt.values("I-23")[0]["status"] == "Postponed"
    assert len(rebuilt.log.all()) == 1
    with pytest.raises(EditConflict):
        rebuilt.revert(ADMIN, 1)


def test_revert_is_an_edit(service: EditService) -> None:
    done = service.submit(SWG, "I-23", {"kpi": "A new KPI"}, service.etag("I-23"))
    with pytest.raises(EditForbidden):
        service.revert(SWG, done.edits[0].seq)
    undone = service.revert(ADMIN, done.edits[0].seq)
    assert undone.edits[0].kind == "revert" and undone.edits[0].reverts == done.edits[0].seq
    assert undone.values["kpi"] == done.edits[0].old


def test_store_ahead_of_or_behind_the_log_is_replayed(
    tmp_path: Path, seed_report: BuildReport
) -> None:
    """A crash between storing the draft and committing the log (store ahead), or between the
    commit and storing (store behind): the next sync makes the store say what the log says."""
    settings = edit_settings(tmp_path)
    store = fresh_store(settings, seed_report.graph)
    service = EditService(store, settings)
    service.submit(SWG, "I-23", {"kpi": "Logged"}, service.etag("I-23"))
    # behind: a row committed to the log that never reached the store
    with service.log.writing() as w:
        w.append(
            [
                NewEdit(
                    "r2",
                    "2025-01-01T00:00:00+00:00",
                    "swg-editor",
                    "ptc-2022-2025",
                    "I-23",
                    "kpi",
                    "Logged",
                    "Committed, not stored",
                )
            ]
        )
    assert EditService(store, settings).values("I-23")[0]["kpi"] == "Committed, not stored"
    # ahead: a draft stored whose rows were rolled back
    graph = EditService(store, settings).sync_state().graph
    node = find_activity(graph, "I-23")
    assert node is not None
    writer().apply(graph, node.node, {"kpi": "Never committed"})
    graph.set((DRAFT, WCOKG.lastEdit, Literal(3)))
    row = NewEdit(
        "r3",
        "2025-01-01T00:00:00+00:00",
        "swg-editor",
        "ptc-2022-2025",
        "I-23",
        "kpi",
        "Committed, not stored",
        "Never committed",
    )
    with pytest.raises(RuntimeError), service.log.writing() as w:
        w.append([row])
        store.replace(graph)
        raise RuntimeError("killed before the commit")
    assert EditService(store, settings).values("I-23")[0]["kpi"] == "Committed, not stored"


def test_edits_on_the_external_store(
    tmp_path: Path, seed_report: BuildReport, oxigraph_server: Callable[[], RemoteStore]
) -> None:
    settings = edit_settings(tmp_path)
    store = oxigraph_server()
    store.replace(seed_report.graph)
    service = EditService(store, settings)
    done = service.submit(SWG, "I-23", {"status": "Completed"}, service.etag("I-23"))
    assert done.etag == EditService(store, settings).etag("I-23")
    assert EditService(store, settings).values("I-23")[0]["status"] == "Completed"
    store.replace(seed_report.graph)  # a rebuild on the external store
    assert EditService(store, settings).sync().applied == 1
    assert EditService(store, settings).values("I-23")[0]["status"] == "Completed"


def test_neighbourhood_holds_the_activity_its_parts_and_one_hop() -> None:
    g, node = small_activity()
    writer().apply(g, node, {"timeline": "Spring 2024 (PTC)"})
    other = Minter().activity("wp-x", "I-2")
    g.add((other, RDF.type, WCOKG.Activity))
    sub = neighbourhood(g, node)
    [milestone] = list(g.objects(node, WCOKG.hasMilestone))
    section = g.value(node, WCOKG.inSection)
    assert set(g.triples((milestone, None, None))) <= set(sub)
    assert (section, WCOKG.continuous, Literal(False)) in sub
    assert (other, RDF.type, WCOKG.Activity) not in sub


def test_new_violations_of_the_seed_activity(seed_report: BuildReport) -> None:
    graph = Graph()
    graph += seed_report.graph
    found = find_activity(graph, "I-23")
    assert found is not None
    before = activity_violations(graph, found.node, "I-23")
    writer().apply(graph, found.node, {"timeline": "no date"})
    broken = new_violations(before, activity_violations(graph, found.node, "I-23"))
    assert [f.rule for f in broken] == ["TimeBoundActivity-milestone"]


def test_waiting_edits_are_committed_together(tmp_path: Path, seed_report: BuildReport) -> None:
    """Edits that queue behind one being stored share one store version and one log commit;
    each is still checked on its own (the second of two from one ETag gets 412)."""
    settings = edit_settings(tmp_path)

    class Counting(EmbeddedStore):
        replaced = 0  # versions stored, whole or as a patch

        def replace(  # type: ignore[override]
            self, graph: Graph, copy: object = None, named_graphs: Any = None
        ) -> str:
            Counting.replaced += 1
            return super().replace(graph, named_graphs=named_graphs)

        def patch(self, changes: Any, graph: Graph, named_graphs: Any = None) -> str:
            Counting.replaced += 1
            return super().patch(changes, graph, named_graphs)

    store = Counting(settings.store)
    store.replace(seed_report.graph)
    Counting.replaced = 0
    service = EditService(store, settings)
    tags = {a: service.etag(a) for a in ("I-23", "I-24")}
    results: dict[str, str] = {}

    def edit(name: str, activity: str, text: str) -> None:
        try:
            service.submit(ADMIN, activity, {"kpi": text}, tags[activity])
            results[name] = "200"
        except PreconditionFailed:
            results[name] = "412"
        except EditInvalid:
            results[name] = "422"

    jobs = [("a", "I-23", "One"), ("b", "I-24", "Two"), ("c", "I-23", "Three")]
    threads = [threading.Thread(target=edit, args=job) for job in jobs]
    with service._lock:  # an edit being stored: the others queue
        for t in threads:
            t.start()
        time.sleep(0.5)
    for t in threads:
        t.join()
    assert results["b"] == "200"
    assert sorted([results["a"], results["c"]]) == ["200", "412"]
    assert Counting.replaced == 1
    assert len(service.log.all()) == 2


def test_an_edit_keeps_every_revision_graph(tmp_path: Path, seed_report: BuildReport) -> None:
    """The revisions' named graphs and the reference graph are stored again, unchanged, with the
    draft; the draft revision is one more named graph (tests/test_draft_revision.py)."""
    settings = edit_settings(tmp_path)
    store = EmbeddedStore(settings.store)
    store.replace(seed_report.graph, named_graphs=seed_report.named_graphs)
    before = {name: len(g) for name, g in seed_report.named_graphs.items()}
    assert before, "the seed build has a revision graph and the reference graph"
    service = EditService(store, settings)
    service.submit(ADMIN, "I-23", {"kpi": "Endorsed edition"}, service.etag("I-23"))
    after = {name: len(g) for name, g in service._named_graphs().items()}
    draft = str(Minter().revision("ptc-2022-2025", "draft"))
    assert after.pop(draft) > 0
    assert after == before
