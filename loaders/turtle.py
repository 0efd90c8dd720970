"""The bundled Turtle files (ontology, codelists, reference data), parsed once per process.

A build reads several of them more than once (the reference bodies for the name matcher and for
the graph, the instruments for the linker and for the graph, ...). rdflib's Turtle parser took
~0.3 s for them on the seed; pyoxigraph parses them in a tenth of that, and the triples (immutable
rdflib terms) are kept, so each file is parsed once. The terms are the ones rdflib's parser makes
(checked by tests/test_loader_turtle.py), except that pyoxigraph lower-cases language tags (equal
for rdflib anyway; the bundled files use lower-case tags only).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from wcokg.settings import DEFAULT_BASE
from wcokg.store.convert import to_rdflib

Triple = tuple[Identifier, Identifier, Identifier]

ONTOLOGY_PACKAGE = "wcokg.ontology"


@dataclass(frozen=True)
class Turtle:
    """A parsed Turtle document: its triples and its prefix declarations."""

    triples: tuple[Triple, ...]
    prefixes: tuple[tuple[str, str], ...]

    def add_to(self, graph: Graph) -> None:
        """Add the triples and bind the prefixes, as rdflib's Graph.parse does."""
        for triple in self.triples:
            graph.add(triple)
        for prefix, namespace in self.prefixes:
            graph.bind(prefix, namespace)


def parse_turtle(text: str, base: str | None = None) -> Turtle:
    """A Turtle document as rdflib terms; raises SyntaxError on bad Turtle."""
    terms: dict[object, Identifier] = {}  # terms repeat: convert each one once

    def term(node: object) -> Identifier:
        found = terms.get(node)
        if found is None:
            found = terms[node] = to_rdflib(node)
        return found

    parser = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base)
    triples = tuple((term(q.subject), term(q.predicate), term(q.object)) for q in parser)
    return Turtle(triples, tuple(parser.prefixes.items()))


@cache
def bundled_turtle(path: str) -> Turtle:
    """One bundled file, `path` relative to the ontology package (e.g. "reference/bodies.ttl"),
    relative IRIs resolved against the default IRI base; raises FileNotFoundError, SyntaxError."""
    text = (files(ONTOLOGY_PACKAGE) / path).read_text(encoding="utf-8")
    return parse_turtle(text, DEFAULT_BASE)


def bundled_graph(*paths: str) -> Graph:
    """A new graph holding the given bundled files."""
    graph = Graph()
    for path in paths:
        bundled_turtle(path).add_to(graph)
    return graph
