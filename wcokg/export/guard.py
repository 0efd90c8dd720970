"""Exports refuse a graph that violates the project's SHACL shapes (`wcokg.validate`).

A stored graph is validated once per version (`wcokg.validate.validate_store`), so repeated
exports, e.g. over HTTP, and the API's quality pages share one report.
"""

from __future__ import annotations

from rdflib import Graph

from wcokg.errors import WcokgError
from wcokg.store.base import GraphStore
from wcokg.validate import (
    ValidationReport,
    ensure_no_violations,
    validate_graph,
    validate_store,
)


class ExportRefusedError(WcokgError):
    """The graph has SHACL violations: nothing is exported (exit code 1, HTTP 409)."""

    exit_code = 1


def check_exportable(graph: Graph) -> None:
    """Raise ExportRefusedError, one line, when the graph violates the shapes."""
    _refuse_violations(validate_graph(graph))


def _refuse_violations(report: ValidationReport) -> None:
    try:
        ensure_no_violations(report)
    except WcokgError as error:
        raise ExportRefusedError(f"export refused: {error}") from None


def check_store_exportable(store: GraphStore) -> None:
    """`check_exportable` on the store's current graph (validated once per stored version)."""
    _refuse_violations(validate_store(store))
