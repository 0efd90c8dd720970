"""The build's one pyoxigraph copy (`wcokg.store.convert.oxigraph_copy`), shared by validation
and the embedded store (issue 8: the seed build): both give what they gave without it."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from wcokg.build import BuildReport
from wcokg.store import EmbeddedStore
from wcokg.store.base import VERSION_INFO
from wcokg.store.convert import oxigraph_copy
from wcokg.validate import validate_graph


def _stored(store: EmbeddedStore) -> Graph:
    lines = store.dump("application/n-triples").decode().splitlines()
    kept = "\n".join(line for line in lines if str(VERSION_INFO) not in line)
    return Graph().parse(data=kept, format="nt")


def _small() -> Graph:
    graph = Graph()
    a = URIRef("https://example.org/a")
    graph.add((a, URIRef("https://example.org/p"), Literal("x", lang="en")))
    graph.add((a, URIRef("https://example.org/n"), Literal("7", datatype=XSD.integer)))
    return graph


def test_the_copy_holds_every_triple() -> None:
    graph = _small()
    assert len(oxigraph_copy(graph)) == len(graph)


def test_storing_from_the_copy_stores_the_same_graph(tmp_path: Path) -> None:
    graph = _small()
    with_copy, without = EmbeddedStore(tmp_path / "a"), EmbeddedStore(tmp_path / "b")
    with_copy.replace(graph, oxigraph_copy(graph))
    without.replace(graph)
    assert isomorphic(_stored(with_copy), _stored(without))
    assert len(_stored(with_copy)) == 2


def test_seed_stored_from_the_copy_is_the_same_graph(
    seed_report: BuildReport, tmp_path: Path
) -> None:
    graph = seed_report.graph
    with_copy, without = EmbeddedStore(tmp_path / "a"), EmbeddedStore(tmp_path / "b")
    with_copy.replace(graph, oxigraph_copy(graph))
    without.replace(graph)
    assert isomorphic(_stored(with_copy), _stored(without))


def test_validation_with_the_copy_finds_the_same(seed_report: BuildReport) -> None:
    graph = seed_report.graph
    given = validate_graph(graph, copy=oxigraph_copy(graph))
    assert given.findings == validate_graph(graph).findings
    assert given.findings  # the seed has warnings and info findings to compare
