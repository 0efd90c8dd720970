"""The SHACL report of the stored graph (wcokg.validate), computed once per graph version."""

from __future__ import annotations

import threading

from wcokg.api.models import Finding, ValidationReport
from wcokg.errors import WcokgError
from wcokg.store.base import GraphStore
from wcokg.validate import validate_store

_lock = threading.Lock()
_cached: dict[tuple[str, str | None], ValidationReport] = {}


def report(store: GraphStore) -> ValidationReport:
    """The findings of every shape on the stored graph (`available` False if it cannot run)."""
    key = (store.location, store.version())
    with _lock:
        if key in _cached:
            return _cached[key]
        result = _compute(store)
        _cached.clear()
        _cached[key] = result
        return result


def _compute(store: GraphStore) -> ValidationReport:
    try:
        found = validate_store(store)
    except (WcokgError, ValueError) as error:
        return ValidationReport(
            available=False,
            conforms=True,
            counts={},
            findings=[
                Finding(
                    severity="info",
                    rule="validation-unavailable",
                    message=str(error),
                    focus="",
                    subject="",
                )
            ],
        )
    return ValidationReport(
        available=True,
        conforms=found.conforms,
        counts=found.counts(),
        findings=[
            Finding(
                severity=f.severity.value,
                rule=f.rule,
                message=f.message,
                focus=f.focus,
                subject=f.subject,
                activity_id=f.activity_id,
                value=f.value,
                path=f.path,
                source_lines=f.source_lines,
            )
            for f in found.findings
        ],
    )


def for_activity(store: GraphStore, activity_id: str) -> list[Finding]:
    return [f for f in report(store).findings if f.activity_id == activity_id]
