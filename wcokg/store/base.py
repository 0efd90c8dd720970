"""The store interface every backend implements, and the result types it returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Graph
from rdflib.term import Identifier


@dataclass(frozen=True)
class SelectResult:
    """Rows of a SELECT: variable names in order, and per row the bound rdflib terms."""

    variables: list[str]
    rows: list[dict[str, Identifier]]


QueryResult = SelectResult | bool | Graph


class GraphStore(ABC):
    """Holds one built graph; a build replaces it whole, atomically, only on success."""

    @abstractmethod
    def replace(self, graph: Graph) -> str:
        """Store `graph` as the new current version; return the version id."""

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> QueryResult:
        """Run a SPARQL query with variables bound (never pasted into the text)."""

    @abstractmethod
    def version(self) -> str | None:
        """Id of the current version, or None when nothing has been built."""

    @abstractmethod
    def dump(self, media_type: str) -> bytes:
        """The whole graph serialised (text/turtle, application/n-triples, application/ld+json, ...)."""

    @abstractmethod
    def triple_count(self) -> int:
        """Number of triples in the current graph."""
