"""Exports refuse a graph that violates the project's SHACL shapes (issue 4: wcokg.validate)."""

from __future__ import annotations

import importlib
from typing import Any

from rdflib import Graph

from wcokg.errors import WcokgError


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
