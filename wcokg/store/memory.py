"""An in-memory pyoxigraph store behind the store interface: the build reads its revisions
through it (the same named queries as on the stored graph), and tests use it."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from wcokg.errors import QueryError
from wcokg.store.base import GraphStore, graph_parts
from wcokg.store.bindings import bind_values
from wcokg.store.embedded import MEDIA_FORMATS, quads, version_quad
from wcokg.store.formats import RawResult


class MemoryStore(GraphStore):
    """A dataset held in memory for the life of the object (nothing is written to disk)."""

    def __init__(self, store: ox.Store | None = None) -> None:
        """Over `store` when given (e.g. the build's `convert.oxigraph_dataset`), else empty."""
        self._store = store if store is not None else ox.Store()
        self._version: str | None = None if store is None else f"memory-{time.monotonic_ns()}"

    @property
    def location(self) -> str:
        return "(memory)"

    def replace(
        self,
        graph: Graph,
        copy: ox.Store | None = None,
        named_graphs: Mapping[str, Graph] | None = None,
    ) -> str:
        del copy
        store = ox.Store()
        for name, part in graph_parts(graph, named_graphs):
            store.bulk_extend(
                quads(part, ox.DefaultGraph() if name is None else ox.NamedNode(name))
            )
        self._version = f"memory-{time.monotonic_ns()}"
        store.add(version_quad(self._version))
        self._store = store
        return self._version

    def execute(
        self,
        sparql: str,
        bindings: Mapping[str, Identifier] | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> RawResult:
        text = bind_values(sparql, bindings) if bindings else sparql
        try:
            return self._store.query(
                text,
                base_iri=base_iri,
                default_graph=[ox.NamedNode(g) for g in default_graphs] or None,
                named_graphs=[ox.NamedNode(g) for g in named_graphs] or None,
            )
        except SyntaxError as error:
            raise QueryError(f"malformed SPARQL query: {' '.join(str(error).split())}") from None
        except ValueError as error:
            raise QueryError(str(error)) from None

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as error:
            raise QueryError(f"malformed SPARQL update: {error}") from None

    def version(self) -> str | None:
        return self._version

    def dump(self, media_type: str) -> bytes:
        data = self._store.dump(format=MEDIA_FORMATS[media_type], from_graph=ox.DefaultGraph())
        return data if isinstance(data, bytes) else b""

    def triple_count(self) -> int:
        return len(list(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
