"""The bundled Turtle files read with pyoxigraph (loaders/turtle.py) give what rdflib's parser gave."""

from __future__ import annotations

from importlib.resources import files

import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from wcokg.loaders.turtle import ONTOLOGY_PACKAGE, bundled_graph, bundled_turtle
from wcokg.settings import DEFAULT_BASE

ROOT = files(ONTOLOGY_PACKAGE)
BUNDLED = ["wcokg.ttl"] + sorted(
    f"{folder}/{p.name}"
    for folder in ("vocab", "reference")
    for p in (ROOT / folder).iterdir()
    if p.name.endswith(".ttl")
)


@pytest.mark.parametrize("path", BUNDLED)
def test_bundled_file_reads_as_rdflib_reads_it(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    expected = Graph().parse(data=text, format="turtle", publicID=DEFAULT_BASE)
    graph = bundled_graph(path)
    assert isomorphic(graph, expected)
    ground = {t for t in expected if not any(isinstance(x, BNode) for x in t)}
    assert ground <= set(graph)  # same terms, datatypes and language tags, not only isomorphic
    assert sorted(graph.namespaces()) == sorted(expected.namespaces())


def test_bundled_files_are_parsed_once() -> None:
    assert bundled_turtle("wcokg.ttl") is bundled_turtle("wcokg.ttl")
