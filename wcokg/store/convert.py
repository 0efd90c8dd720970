"""Conversion of terms between rdflib and pyoxigraph."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from wcokg.store.base import QueryResult, SelectResult


def to_rdflib(term: object) -> Identifier:
    """An rdflib term for a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def convert_result(result: object) -> QueryResult:
    """pyoxigraph results as SelectResult, bool or rdflib Graph."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        # Terms repeat across rows (IRIs, codes); rdflib terms are costly to make (~5-50 us),
        # so each distinct term is converted once per result.
        seen: dict[object, Identifier] = {}
        rows = []
        for solution in result:
            row = {}
            for name in variables:
                term = solution[name]
                if term is not None:
                    converted = seen.get(term)
                    if converted is None:
                        converted = seen[term] = to_rdflib(term)
                    row[name] = converted
            rows.append(row)
        return SelectResult(variables, rows)
    graph = Graph()
    for triple in result:  # type: ignore[attr-defined]
        graph.add(
            (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        )
    return graph


def oxigraph_copy(graph: Graph, into: ox.Store | None = None) -> ox.Store:
    """An in-memory pyoxigraph copy of `graph`'s triples (in its default graph).

    The build makes one for validation (SPARQL targets and checks run on it) and hands it to
    the embedded store, which loads it without writing N-Triples again. `into` adds them to a
    store that already holds the named graphs (`oxigraph_dataset`): one copy of the dataset.
    """
    store = into if into is not None else ox.Store()
    store.extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in graph
    )
    return store


def oxigraph_dataset(named_graphs: Mapping[str, Iterable[tuple[Node, Node, Node]]]) -> ox.Store:
    """An in-memory pyoxigraph store holding the named graphs (each triple converted once)."""
    store = ox.Store()
    for name, graph in named_graphs.items():
        into = ox.NamedNode(name)
        store.extend(
            ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), into)  # type: ignore[arg-type]
            for s, p, o in graph
        )
    return store


def graph_from_ntriples(data: bytes | str) -> Graph:
    """An rdflib graph of N-Triples whose blank nodes keep their labels (rdflib's own parser
    makes new ones), so that triples read from a store can be removed from it again."""
    graph = Graph()
    for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        graph.add(
            (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        )
    return graph
