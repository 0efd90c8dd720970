"""The store interface every backend implements, and the result types it returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph
from rdflib.term import Identifier, Node

from wcokg.store.formats import MediaChooser, RawResult, SerializedResult, serialize_result

META_GRAPH = "urn:x-wcokg:meta"
"""Named graph in which every backend records the id of the stored version (one triple)."""

VERSION_INFO = "http://www.w3.org/2002/07/owl#versionInfo"


@dataclass(frozen=True)
class SelectResult:
    """Rows of a SELECT: variable names in order, and per row the bound rdflib terms."""

    variables: list[str]
    rows: list[dict[str, Identifier]]


QueryResult = SelectResult | bool | Graph

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class GraphChange:
    """What one write removes from and adds to one graph of the stored dataset (rdflib terms);
    `graph` is a named graph's IRI, or None for the default graph (the current view)."""

    graph: str | None
    removed: frozenset[Triple]
    added: frozenset[Triple]


class GraphStore(ABC):
    """Holds one built graph; a build replaces it whole, atomically, only on success.

    Backends implement `execute` (pyoxigraph result objects); `query` converts them to rdflib
    terms for Python callers and `query_serialized` to bytes for the HTTP endpoint.
    """

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the graph lives, for messages (a folder or an endpoint URL)."""

    @abstractmethod
    def replace(
        self,
        graph: Graph,
        copy: ox.Store | None = None,
        named_graphs: Mapping[str, Graph] | None = None,
    ) -> str:
        """Store a dataset as the new current version, whole, atomically; return the version id.

        `graph` is the default graph (the current view); `named_graphs` maps graph IRIs to their
        triples (a revision per graph, the reference data) and replaces every named graph the
        store had. An rdflib `Dataset` given as `graph` also keeps its own named graphs. `copy`,
        an in-memory pyoxigraph copy of a plain `graph` made already (the build's, by
        `convert.oxigraph_copy`, possibly holding the named graphs too: `oxigraph_dataset`), is
        used by stores that can load from it.
        """

    def patch(
        self,
        changes: Sequence[GraphChange],
        graph: Graph,
        named_graphs: Mapping[str, Graph] | None = None,
    ) -> str:
        """Store the current version changed by `changes` as a new version, atomically; return
        its id. `graph` and `named_graphs` are the whole dataset after the changes (as for
        `replace`): a backend that cannot apply changes stores them whole, which is what this
        default does. The embedded store applies the changes alone (an edit's few triples)."""
        return self.replace(graph, named_graphs=named_graphs)

    def violations(self, graph: Graph) -> list[Any]:
        """The SHACL violations (`wcokg.validate.Finding`) of a small graph, such as an edit's
        neighbourhood, against the project's shapes. Here in this process; a store with query
        workers validates in one of them (`GuardedStore`), so the serving process keeps its
        interpreter for requests."""
        from wcokg.validate import validate_graph

        return validate_graph(graph).violations

    def findings(self) -> list[Any]:
        """Every SHACL finding (`wcokg.validate.Finding`) of the current graph, computed once
        per version (`validate_store`); a store with query workers computes them in one
        (`GuardedStore`), so the serving process keeps its interpreter for requests."""
        from wcokg.validate import validate_store

        return validate_store(self).findings

    @abstractmethod
    def execute(
        self,
        sparql: str,
        bindings: Mapping[str, Identifier] | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> RawResult:
        """Run a query: variables bound (never pasted in), the dataset given by graph IRIs.

        Empty `default_graphs`/`named_graphs` mean the store's own default graph and all its
        named graphs; `base_iri` resolves relative IRIs (a remote server uses its own).
        Raises QueryError with the parser's message for a malformed query.
        """

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update (the HTTP endpoint allows it only when enabled)."""

    @abstractmethod
    def version(self) -> str | None:
        """Id of the current version, or None when nothing has been built."""

    @abstractmethod
    def dump(self, media_type: str) -> bytes:
        """The whole graph serialised (text/turtle, application/n-triples, application/ld+json, ...)."""

    @abstractmethod
    def triple_count(self) -> int:
        """Number of triples in the current graph."""

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Identifier] | None = None,
        default_graphs: Sequence[str] = (),
    ) -> QueryResult:
        """Run a SPARQL query with variables bound (never pasted into the text).

        `default_graphs` (graph IRIs) makes their union the query's default graph, e.g. one
        revision's graph and the reference graph: that revision's view instead of the current one.
        """
        from wcokg.store.convert import convert_result

        return convert_result(self.execute(sparql, bindings, default_graphs))

    def query_serialized(
        self,
        sparql: str,
        choose: MediaChooser,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> SerializedResult:
        """Run a query and serialise its answer in the media type `choose` picks for its kind."""
        result = self.execute(sparql, None, default_graphs, named_graphs, base_iri)
        return serialize_result(result, choose)

    def query_bounded(
        self, sparql: str, choose: MediaChooser, base_iri: str | None = None
    ) -> SerializedResult | None:
        """The answer when this store can give it at once, without a worker (a guarded store's
        bounded-cost lane, `wcokg.store.bounded`); None means: use `query_serialized`."""
        return None


def graph_parts(
    graph: Graph, named_graphs: Mapping[str, Graph] | None = None
) -> list[tuple[str | None, Graph]]:
    """(graph IRI or None for the default graph, triples) of a graph or an rdflib Dataset, then
    of the extra `named_graphs`."""
    extra: list[tuple[str | None, Graph]] = list((named_graphs or {}).items())
    if not isinstance(graph, Dataset):
        return [(None, graph), *extra]
    default = graph.default_graph
    parts: list[tuple[str | None, Graph]] = [(None, default)]
    for part in graph.graphs():
        if part.identifier != default.identifier and not isinstance(part.identifier, BNode):
            parts.append((str(part.identifier), part))
    return parts + extra
