"""`/pictures/...`: the whole-programme dependency map, the reporting lines, the timeline."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from wcokg.api.conneg import VARY
from wcokg.api.models import DependencyGraph
from wcokg.api.routers.activities import PICTURE_FORMATS, PICTURE_RESPONSES, picture_response
from wcokg.api.services import pictures
from wcokg.api.services.web import SnapshotDep, choose

router = APIRouter(tags=["Pictures"])
FORMAT = Query(description="json, mermaid, dot or svg (overrides Accept)")


@router.get(
    "/pictures/dependencies",
    summary="Whole-programme dependency map: every link between activities and instruments",
    response_model=DependencyGraph,
    responses=PICTURE_RESPONSES,
)
def dependency_map(
    request: Request, snap: SnapshotDep, format: Annotated[str | None, FORMAT] = None
) -> Response:
    media_type = choose(request, PICTURE_FORMATS)
    return picture_response(pictures.programme_map(snap), media_type, "dependency map")


@router.get(
    "/pictures/reporting-lines",
    summary="Reporting lines of the working bodies (up to the Council)",
    response_model=DependencyGraph,
    responses=PICTURE_RESPONSES,
)
def reporting_lines(
    request: Request, snap: SnapshotDep, format: Annotated[str | None, FORMAT] = None
) -> Response:
    media_type = choose(request, PICTURE_FORMATS)
    return picture_response(pictures.reporting_lines(snap), media_type, "reporting lines", "BT")


@router.get(
    "/pictures/timeline",
    summary="Milestones by body on a time axis (SVG), today marked, overdue items crossed",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}}},
)
def timeline(
    snap: SnapshotDep,
    body: Annotated[str | None, Query(description="Only this body's milestones")] = None,
    today: Annotated[date | None, Query(description="The date marked as today")] = None,
) -> Response:
    svg = pictures.timeline_svg(snap, today, body)
    return Response(svg, media_type="image/svg+xml", headers=VARY)
