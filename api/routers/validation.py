"""`/validation`: the SHACL report of the stored graph (shapes/*.ttl, run by wcokg.validate)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from wcokg.api.deps import StoreDep
from wcokg.api.models import ValidationReport
from wcokg.api.services import validation

router = APIRouter(tags=["Validation"])
RANK = {"violation": 0, "warning": 1, "info": 2}


@router.get("/validation", summary="The SHACL validation report", response_model=ValidationReport)
def get_validation(
    store: StoreDep,
    severity: Annotated[
        str,
        Query(pattern="^(violation|warning|info)$", description="Least serious severity shown"),
    ] = "info",
    activity: Annotated[str | None, Query(description="Only findings about this activity")] = None,
) -> ValidationReport:
    report = validation.report(store)
    findings = [
        f
        for f in report.findings
        if RANK.get(f.severity, 2) <= RANK[severity]
        and (activity is None or f.activity_id == activity)
    ]
    return report.model_copy(update={"findings": findings})
