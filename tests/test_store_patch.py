"""`GraphStore.patch`: an edit stores its changes, not the whole dataset, and readers holding an
in-memory copy catch up by applying the deltas (issue 16's load: no store copy per edit)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from editing import edit_settings
from rdflib import BNode, Graph, Literal, URIRef

from wcokg.accounts import User
from wcokg.build import BuildReport
from wcokg.edits.check import neighbourhood
from wcokg.edits.errors import EditInvalid
from wcokg.edits.fields import find_activity
from wcokg.edits.service import EditService
from wcokg.namespaces import WCOKG
from wcokg.store import EmbeddedStore
from wcokg.store.base import GraphChange
from wcokg.store.convert import to_rdflib
from wcokg.store.embedded import quads
from wcokg.store.guarded import GuardedStore, QueryLimits
from wcokg.validate import validate_graph

EX = "https://example.org/"
ADMIN = User("boss", "admin", (), "g", "")


def iri(name: str) -> URIRef:
    return URIRef(EX + name)


def small() -> tuple[Graph, dict[str, Graph]]:
    g = Graph()
    g.add((iri("a"), iri("p"), Literal("one")))
    g.add((iri("a"), iri("q"), BNode("b0")))
    g.add((BNode("b0"), iri("p"), Literal("inner", lang="en")))
    part = Graph()
    part.add((iri("a"), iri("p"), Literal("one")))
    return g, {EX + "graph/r1": part}


def dataset(store: EmbeddedStore | ox.Store) -> set[tuple[object, ...]]:
    """Every quad of the store's current version but the version triple, as rdflib terms (in
    the lexical forms the store keeps: it writes `2.0`^^xsd:decimal as `2`)."""
    found: set[tuple[object, ...]] = set()
    held = store._store() if isinstance(store, EmbeddedStore) else store
    for quad in held.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.startswith("urn:"):
            continue
        name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        found.add(
            (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object), name)
        )
    return found


def test_patch_applies_the_changes_and_readers_catch_up(tmp_path: Path) -> None:
    writer = EmbeddedStore(tmp_path / "store", keep_versions=3, in_memory=True)
    graph, named = small()
    first = writer.replace(graph, named_graphs=named)
    reader = EmbeddedStore(tmp_path / "store", keep_versions=3, in_memory=True)
    copy = reader._store()  # the reader's in-memory copy of the first version

    removed = (iri("a"), iri("p"), Literal("one"))
    added = (iri("a"), iri("p"), Literal("two"))
    graph.remove(removed)
    graph.add(added)
    graph.add((BNode("b0"), iri("p"), Literal("more")))
    named[EX + "graph/r1"].add((iri("c"), iri("p"), Literal("new")))
    changes = [
        GraphChange(
            None, frozenset({removed}), frozenset({added, (BNode("b0"), iri("p"), Literal("more"))})
        ),
        GraphChange(
            EX + "graph/r1", frozenset(), frozenset({(iri("c"), iri("p"), Literal("new"))})
        ),
    ]
    second = writer.patch(changes, graph, named)
    assert second != first and writer.version() == second
    assert (tmp_path / "store" / "deltas" / second / "parent").read_text() == first

    expected = {(*t, None) for t in graph} | {(*t, EX + "graph/r1") for t in named[EX + "graph/r1"]}
    assert dataset(writer) == expected
    # the reader applies the delta to the copy it has (the same store object), blank nodes and all
    assert reader._store() is copy
    assert dataset(reader) == expected
    # the version triple moved with it
    meta = list(copy.quads_for_pattern(None, None, None, ox.NamedNode("urn:x-wcokg:meta")))
    assert [str(q.object) for q in meta] == [ox.Literal(second).__str__()]

    # two more versions: a reader two deltas behind applies both, in order
    behind = EmbeddedStore(tmp_path / "store", keep_versions=3, in_memory=True)
    behind_copy = behind._store()
    for n in (3, 4):
        old = (iri("a"), iri("p"), Literal(str(n - 1) if n > 3 else "two"))
        new = (iri("a"), iri("p"), Literal(str(n)))
        graph.remove(old)
        graph.add(new)
        writer.patch([GraphChange(None, frozenset({old}), frozenset({new}))], graph, named)
    expected = {(*t, None) for t in graph} | {(*t, EX + "graph/r1") for t in named[EX + "graph/r1"]}
    assert behind._store() is behind_copy and dataset(behind) == expected
    # the deltas of pruned versions go with them (keep_versions=3)
    kept = {p.name for p in (tmp_path / "store" / "versions").iterdir()}
    assert {p.name for p in (tmp_path / "store" / "deltas").iterdir()} <= kept


def test_a_reader_without_the_deltas_reads_the_version_whole(tmp_path: Path) -> None:
    writer = EmbeddedStore(tmp_path / "store", keep_versions=5, in_memory=True)
    graph, named = small()
    writer.replace(graph, named_graphs=named)
    reader = EmbeddedStore(tmp_path / "store", in_memory=True)
    copy = reader._store()
    added = (iri("z"), iri("p"), Literal("z"))
    graph.add(added)
    version = writer.patch([GraphChange(None, frozenset(), frozenset({added}))], graph, named)
    shutil.rmtree(tmp_path / "store" / "deltas" / version)
    assert reader._store() is not copy
    assert (added[0], added[1], added[2], None) in dataset(reader)


def test_patch_on_an_empty_store_stores_the_graph_whole(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    graph, named = small()
    store.patch([GraphChange(None, frozenset(), frozenset(graph))], graph, named)
    assert len(dataset(store)) == len(graph) + 1


def test_edits_store_exactly_the_draft(tmp_path: Path, seed_report: BuildReport) -> None:
    """After edits stored as patches, the stored dataset is the service's draft: the default
    graph and every named graph, triple for triple (what a whole `replace` would have stored)."""
    settings = edit_settings(tmp_path)
    store = EmbeddedStore(settings.store)
    store.replace(seed_report.graph, named_graphs=seed_report.named_graphs)
    service = EditService(store, settings)
    # the first edit opens the draft revision (a new named graph, its description in the
    # default graph); every edit is stored as a patch
    service.submit(ADMIN, "I-23", {"kpi": "Endorsed edition"}, service.etag("I-23"))
    first = store.version()
    assert first is not None and (settings.store / "deltas" / first).is_dir()
    for changes in (
        {"progress": "Completed <b>early</b>.", "status": "Completed"},
        {"timeline": "June 2026 (Council)", "team_resources": "Two officers"},
        {"team_resources": "0.5 officer", "timeline": "Continuous"},  # removes what came before
    ):
        service.submit(ADMIN, "I-23", changes, service.etag("I-23"))
    version = store.version()
    assert version is not None and (settings.store / "deltas" / version).is_dir()
    state = service.sync_state()
    expected = ox.Store()  # what a whole replace stores
    expected.extend(quads(state.graph, ox.DefaultGraph()))
    for name, part in state.named.items():
        expected.extend(quads(part, ox.NamedNode(name)))
    assert dataset(store) == dataset(expected)


def test_an_edit_is_validated_in_a_query_worker(tmp_path: Path, seed_report: BuildReport) -> None:
    """The serving process's edits validate their neighbourhood in a worker (it keeps the
    interpreter for requests): the same violations as in-process, blank nodes kept, and an
    invalid edit still refused with them."""
    settings = edit_settings(tmp_path)
    inner = EmbeddedStore(settings.store)
    inner.replace(seed_report.graph, named_graphs=seed_report.named_graphs)
    store = GuardedStore(inner, QueryLimits(workers=1))
    try:
        graph = Graph()
        graph += seed_report.graph
        found = find_activity(graph, "I-23")
        assert found is not None
        graph.set((found.node, WCOKG.priority, Literal("Z")))  # not a priority: a violation
        graph.add((found.node, iri("note"), BNode("kept-label")))
        sub = neighbourhood(graph, found.node)
        here = validate_graph(sub).violations
        there = store.violations(sub)
        assert here, "the hand-made violation is found"
        assert {(f.rule, f.focus, f.value) for f in there} == {
            (f.rule, f.focus, f.value) for f in here
        }
        assert store.checks is not None and store.checks.alive == 1  # it ran in the worker
        service = EditService(store, settings)
        with pytest.raises(EditInvalid) as refused:
            service.submit(ADMIN, "I-23", {"timeline": "no date here"}, service.etag("I-23"))
        assert refused.value.findings and refused.value.findings[0].activity_id == "I-23"
    finally:
        store.close()
