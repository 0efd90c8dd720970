"""Result media types and their serialisation with pyoxigraph (used by every store backend).

A store answers with pyoxigraph result objects (solutions, a boolean or triples); this module
turns them into the bytes of a negotiated media type. Remote results are parsed back into the
same objects first, so both backends serialise through the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import pyoxigraph as ox


class ResultKind(StrEnum):
    """What a query form returns: SELECT solutions, an ASK boolean or a CONSTRUCT/DESCRIBE graph."""

    SOLUTIONS = "solutions"
    BOOLEAN = "boolean"
    GRAPH = "graph"


SOLUTION_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
"""SELECT results, the first is the default."""

BOOLEAN_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
"""ASK results (CSV and TSV have no boolean form), the first is the default."""

GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
"""CONSTRUCT/DESCRIBE results and graph dumps, the first is the default."""

FORMATS_BY_KIND: dict[ResultKind, tuple[str, ...]] = {
    ResultKind.SOLUTIONS: tuple(SOLUTION_FORMATS),
    ResultKind.BOOLEAN: tuple(BOOLEAN_FORMATS),
    ResultKind.GRAPH: tuple(GRAPH_FORMATS),
}

MediaChooser = Callable[[ResultKind], str]
"""Picks the media type for a result kind once the query form is known (may raise)."""


@dataclass(frozen=True)
class SerializedResult:
    """A query answer ready to send: its kind, media type and bytes."""

    kind: ResultKind
    media_type: str
    body: bytes


RawResult = ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple]


def result_kind(result: object) -> ResultKind:
    if isinstance(result, ox.QuerySolutions):
        return ResultKind.SOLUTIONS
    if isinstance(result, ox.QueryBoolean):
        return ResultKind.BOOLEAN
    return ResultKind.GRAPH


def serialize_result(result: object, choose: MediaChooser) -> SerializedResult:
    """Serialise a pyoxigraph result in the media type `choose` picks for its kind."""
    kind = result_kind(result)
    failure: Exception | None = None
    try:
        media_type = choose(kind)
    except Exception as error:
        # pyoxigraph results must be dropped on the thread that made them: do not let the
        # traceback keep this frame (and the result) alive into another thread.
        failure = error.with_traceback(None)
    if failure is not None:
        del result
        raise failure
    body: bytes | None
    if isinstance(result, ox.QuerySolutions):
        body = result.serialize(format=SOLUTION_FORMATS[media_type])
    elif isinstance(result, ox.QueryBoolean):
        body = result.serialize(format=BOOLEAN_FORMATS[media_type])
    elif isinstance(result, ox.QueryTriples):
        body = result.serialize(format=GRAPH_FORMATS[media_type])
    else:
        body = ox.serialize(result, format=GRAPH_FORMATS[media_type])  # type: ignore[arg-type]
    return SerializedResult(kind, media_type, body or b"")
