"""The SHACL report of the stored graph (wcokg.validate), computed once per graph version."""

from __future__ import annotations

import threading

from rdflib import Graph

from wcokg.api.models import Finding, ValidationReport
from wcokg.api.services.refresh import Refreshed
from wcokg.errors import WcokgError
from wcokg.store.base import GraphStore
from wcokg.validate import ValidationReport as Report

REPORT_SETTLE_SECONDS = 5.0
REPORT_MAX_STALE_SECONDS = 60.0
"""Pages' report is made again in the background once the version has stayed the same this long
(or has kept changing for a minute): ~1 s of CPU each time on the seed."""

_reports: dict[str, Refreshed[ValidationReport]] = {}  # per store location: its newest report
_reports_lock = threading.Lock()


def _of(store: GraphStore) -> Refreshed[ValidationReport]:
    with _reports_lock:
        found = _reports.get(store.location)
        if found is None:
            if len(_reports) >= 8:  # tests open many stores; a server has one
                _reports.clear()
            found = _reports[store.location] = Refreshed(
                "validation", REPORT_SETTLE_SECONDS, REPORT_MAX_STALE_SECONDS
            )
        return found


def report(store: GraphStore, *, stale_ok: bool = False) -> ValidationReport:
    """The findings of every shape on the stored graph (`available` False if it cannot run).

    With `stale_ok` (pages), the newest report made while the current version's is made in the
    background once edits pause (`api.services.refresh`); without, the current version's."""
    return _of(store).get(
        store.version(), lambda _key: _compute(store), stale_ok=stale_ok, current=store.version
    )


def _compute(store: GraphStore) -> ValidationReport:
    try:
        found = Report(store.findings(), Graph())  # in a worker where the store has them
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


def for_activity(store: GraphStore, activity_id: str, *, stale_ok: bool = False) -> list[Finding]:
    """The report's findings about one activity (see `report` for `stale_ok`)."""
    return [f for f in report(store, stale_ok=stale_ok).findings if f.activity_id == activity_id]
