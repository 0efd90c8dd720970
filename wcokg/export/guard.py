"""Exports refuse a graph that violates the project's SHACL shapes (`wcokg.validate`).

A stored version that passed is remembered for the life of the process (by store location and
version id), so repeated exports, e.g. over HTTP, validate each built graph once.
"""

from __future__ import annotations

import importlib
from typing import Any

from rdflib import Graph

from wcokg.errors import WcokgError
from wcokg.store.base import GraphStore

_PASSED: set[tuple[str, str]] = set()


class ExportRefusedError(WcokgError):
    """The graph has SHACL violations: nothing is exported (exit code 1, HTTP 409)."""

    exit_code = 1


def _validator() -> Any | None:
    """`wcokg.validate` once issue 4 has landed, else None (exports then skip the check)."""
    try:
        return importlib.import_module("wcokg.validate")
    except ModuleNotFoundError as error:
        if error.name != "wcokg.validate":
            raise
        return None


def check_exportable(graph: Graph) -> None:
    """Raise ExportRefusedError, one line, when the graph violates the shapes."""
    validate = _validator()
    if validate is None:
        return
    report = validate.validate_graph(graph)
    try:
        validate.ensure_no_violations(report)
    except WcokgError as error:
        raise ExportRefusedError(f"export refused: {error}") from None


def check_store_exportable(store: GraphStore) -> None:
    """`check_exportable` on the store's current graph, once per stored version."""
    from wcokg.export.common import store_graph

    version = store.version()
    key = (store.location, version or "")
    if version is not None and key in _PASSED:
        return
    check_exportable(store_graph(store))
    if version is not None:
        _PASSED.add(key)
