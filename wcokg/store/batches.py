"""A graph cut into N-Triples batches of bounded size, blank nodes kept whole.

Stores without a Graph Store Protocol endpoint are written with `INSERT DATA` requests; one
request per graph does not scale (a 10× graph is tens of megabytes of update text, which
engines refuse or hold in memory), so the triples go in batches. A blank-node label is scoped to
one request, so every triple mentioning a blank node travels in the same batch as every other
triple connected to it through blank nodes (its connected component); a component larger than
the bound is sent alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import BNode, Graph
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Batch:
    """N-Triples text of some triples; `blank` when they hold blank nodes (engines differ on
    blank nodes in `INSERT DATA`: Virtuoso refuses them, so such batches use `INSERT … WHERE {}`)."""

    ntriples: str
    blank: bool


def ntriples_batches(graph: Graph, max_triples: int) -> Iterator[Batch]:
    """`graph` in batches of at most `max_triples` (a larger blank-node component goes alone):
    first the triples with blank nodes, whole components per batch, then the others. Every
    triple appears in exactly one batch."""
    if max_triples < 1:
        raise ValueError("max_triples must be at least 1")
    ground: list[Triple] = []
    blank: list[Triple] = []
    for triple in graph:
        (blank if _blank_nodes(triple) else ground).append(triple)
    yield from _pack(list(_components(blank)), max_triples, blank=True)
    yield from _pack([[t] for t in ground], max_triples, blank=False)


def _pack(units: list[list[Triple]], max_triples: int, blank: bool) -> Iterator[Batch]:
    batch: list[Triple] = []
    for unit in units:
        if batch and len(batch) + len(unit) > max_triples:
            yield Batch(_ntriples(batch), blank)
            batch = []
        batch.extend(unit)
    if batch:
        yield Batch(_ntriples(batch), blank)


def _blank_nodes(triple: Triple) -> list[BNode]:
    return [term for term in (triple[0], triple[2]) if isinstance(term, BNode)]


def _components(triples: list[Triple]) -> Iterable[list[Triple]]:
    """Triples grouped by the blank nodes that connect them (union-find over blank nodes)."""
    parent: dict[BNode, BNode] = {}

    def root(node: BNode) -> BNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for triple in triples:
        nodes = _blank_nodes(triple)
        for other in nodes[1:]:
            parent[root(other)] = root(nodes[0])
    groups: dict[BNode, list[Triple]] = {}
    for triple in triples:
        groups.setdefault(root(_blank_nodes(triple)[0]), []).append(triple)
    return groups.values()


def _ntriples(triples: list[Triple]) -> str:
    """The triples as N-Triples (rdflib's serialiser: the escaping every engine reads)."""
    batch = Graph()
    for triple in triples:
        batch.add(triple)
    return batch.serialize(format="nt", encoding="utf-8").decode("utf-8")
