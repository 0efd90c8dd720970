"""What every exporter reads from the store: the programmes, the graph, the IRI base."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Graph
from rdflib.term import Identifier

from wcokg.store.base import GraphStore, SelectResult

PROGRAMMES_QUERY = """
PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?iri ?id ?title ?owner ?owner_id ?start ?end ?doc ?source WHERE {
  ?iri a wcokg:WorkProgramme ; dcterms:identifier ?id ; dcterms:title ?title .
  OPTIONAL { ?iri wcokg:programmeOwner ?owner . OPTIONAL { ?owner dcterms:identifier ?owner_id } }
  OPTIONAL { ?iri wcokg:startYear ?start }
  OPTIONAL { ?iri wcokg:endYear ?end }
  OPTIONAL { ?iri prov:wasDerivedFrom ?source . ?source a wcokg:SourceDocument .
             OPTIONAL { ?source dcterms:identifier ?doc } }
}
ORDER BY ?id
"""


@dataclass(frozen=True)
class ProgrammeInfo:
    """A work programme as the exports describe it."""

    iri: str
    id: str
    title: str
    owner_iri: str
    owner_id: str
    start_year: int | None
    end_year: int | None
    doc_reference: str

    @property
    def base(self) -> str:
        """The IRI base the programme was minted under (everything before `wp/`)."""
        return self.iri.rsplit("wp/", 1)[0]


def text(row: dict[str, Identifier], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value)


def select(
    store: GraphStore, sparql: str, graphs: Sequence[str] = ()
) -> list[dict[str, Identifier]]:
    """Rows of a SELECT over the current view, or over the union of `graphs` (a revision's view)."""
    result = store.query(sparql, None, graphs)
    if not isinstance(result, SelectResult):  # pragma: no cover - the queries are SELECTs
        raise TypeError("expected a SELECT result")
    return result.rows


def programmes(store: GraphStore, graphs: Sequence[str] = ()) -> list[ProgrammeInfo]:
    """Every work programme in the store (or in the union of `graphs`), ordered by id."""
    found: dict[str, ProgrammeInfo] = {}
    for row in select(store, PROGRAMMES_QUERY, graphs):
        iri = text(row, "iri")
        if iri in found:
            continue
        start, end = text(row, "start"), text(row, "end")
        found[iri] = ProgrammeInfo(
            iri=iri,
            id=text(row, "id"),
            title=text(row, "title"),
            owner_iri=text(row, "owner"),
            owner_id=text(row, "owner_id"),
            start_year=int(start) if start.isdigit() else None,
            end_year=int(end) if end.isdigit() else None,
            doc_reference=text(row, "doc"),
        )
    return list(found.values())


def store_graph(store: GraphStore) -> Graph:
    """The store's default graph as an rdflib Graph (for SHACL and rdflib serialisers)."""
    graph = Graph()
    graph.parse(data=store.dump("application/n-triples"), format="nt")
    return graph
