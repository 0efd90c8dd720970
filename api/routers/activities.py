"""`/activities`: the activities with filters and pages, one activity, its dependency view."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response

from wcokg.api.conneg import VARY
from wcokg.api.deps import StoreDep
from wcokg.api.models import Activity, ActivityPage, DependencyGraph
from wcokg.api.problems import Problem
from wcokg.api.services import catalog, pictures
from wcokg.api.services.catalog import ActivityFilter, Snapshot
from wcokg.api.services.web import SnapshotDep, choose

router = APIRouter(tags=["Activities"])

PICTURE_FORMATS = ("application/json", "text/vnd.mermaid", "text/vnd.graphviz", "image/svg+xml")
PICTURE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "JSON (nodes, edges, kinds), Mermaid, Graphviz DOT or SVG "
        "(Accept or ?format=json|mermaid|dot|svg)",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/DependencyGraph"}},
            "text/vnd.mermaid": {"schema": {"type": "string"}},
            "text/vnd.graphviz": {"schema": {"type": "string"}},
            "image/svg+xml": {"schema": {"type": "string"}},
        },
    },
    404: {"description": "Unknown activity", "content": {"application/problem+json": {}}},
}


def find_activity(snap: Snapshot, activity_id: str) -> Activity:
    found = snap.activities.get(activity_id)
    if found is None:
        raise Problem(404, "Not Found", f"no activity with id {activity_id!r}")
    return found


@router.get(
    "/activities",
    summary="Activities, filtered and paged",
    response_model=ActivityPage,
    response_model_exclude_none=False,
)
def list_activities(
    request: Request,
    snap: SnapshotDep,
    section: Annotated[str | None, Query(description="I or II")] = None,
    status: Annotated[
        str | None, Query(description="Completed, In progress, Not started, Postponed")
    ] = None,
    priority: Annotated[str | None, Query(description="A, B or C")] = None,
    task_type: Annotated[
        str | None, Query(description="Maintenance, Updating or Development")
    ] = None,
    body: Annotated[str | None, Query(description="A responsible body's id, e.g. ptc")] = None,
    instrument: Annotated[
        str | None,
        Query(description="Instrument or edition id: activities feeding it, e.g. safe-fos-2025"),
    ] = None,
    strategic_code: Annotated[str | None, Query(description="e.g. SP1, FA2")] = None,
    due_before: Annotated[
        date | None, Query(description="Has a milestone due on or before this date")
    ] = None,
    due_after: Annotated[
        date | None, Query(description="Has a milestone due on or after this date")
    ] = None,
    q: Annotated[str | None, Query(description="Words that must all occur in the text")] = None,
    include_deleted: Annotated[bool, Query(description="Include struck-out rows")] = False,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ActivityPage:
    chosen = ActivityFilter(
        section=section,
        status=status,
        priority=priority,
        task_type=task_type,
        body=body,
        instrument=instrument,
        strategic_code=strategic_code,
        due_before=due_before,
        due_after=due_after,
        q=q,
        include_deleted=include_deleted,
    ).apply(snap)
    page = chosen[offset : offset + limit]

    def link(new_offset: int) -> str:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
        return f"{request.url.path}?{urlencode([*params, ('offset', str(new_offset))])}"

    return ActivityPage(
        total=len(chosen),
        offset=offset,
        limit=limit,
        items=[catalog.summarise(a) for a in page],
        next=link(offset + limit) if offset + limit < len(chosen) else None,
        previous=link(max(0, offset - limit)) if offset > 0 else None,
    )


@router.get(
    "/activities/{activity_id}",
    summary="One activity: every field, milestones, allocations, links, outcomes, provenance",
    response_model=Activity,
    responses={
        404: {"description": "Unknown activity", "content": {"application/problem+json": {}}}
    },
)
def get_activity(
    activity_id: str, snap: SnapshotDep, store: StoreDep, request: Request, response: Response
) -> Activity:
    service = request.app.state.edits
    # The entity tag a PATCH must send back in If-Match (wcokg.edits.service), read before the
    # body: the body is then at least as new as the tag (never an older body under a newer tag).
    tag, seq = service.etag_and_seq(activity_id)
    activity = find_activity(snap, activity_id)
    if seq and snap.version != store.version():  # the snapshot may miss its latest edits
        activity = catalog.fresh_activity(snap, store, activity_id, seq)  # the whole edit
    response.headers["ETag"] = tag
    source = snap.remember(  # the source cells: edits do not change them
        ("provenance", activity.iri), lambda: catalog.provenance(store, activity)
    )
    return activity.model_copy(update={"provenance": source})


@router.get(
    "/activities/{activity_id}/dependencies",
    summary="Dependency view of one activity (JSON, Mermaid, DOT or SVG)",
    response_model=DependencyGraph,
    responses=PICTURE_RESPONSES,
)
def activity_dependencies(
    activity_id: str,
    request: Request,
    snap: SnapshotDep,
    direction: Annotated[
        str,
        Query(pattern="^(upstream|downstream|both)$", description="upstream, downstream or both"),
    ] = "both",
    depth: Annotated[int, Query(ge=1, le=10, description="Steps from the activity")] = 2,
    format: Annotated[
        str | None, Query(description="json, mermaid, dot or svg (overrides Accept)")
    ] = None,
) -> Response:
    activity = find_activity(snap, activity_id)
    media_type = choose(request, PICTURE_FORMATS)
    view = pictures.dependency_view(snap, activity, direction, depth)
    return picture_response(view, media_type, f"dependencies of {activity.id}")


def picture_response(
    view: DependencyGraph, media_type: str, title: str, rankdir: str = "LR"
) -> Response:
    if media_type == "application/json":
        body = view.model_dump_json().encode("utf-8")
    elif media_type == "text/vnd.mermaid":
        body = pictures.to_mermaid(view, rankdir).encode("utf-8")
    elif media_type == "text/vnd.graphviz":
        body = pictures.to_dot(view, title, rankdir).encode("utf-8")
    else:
        try:
            body = pictures.to_svg(view, title, rankdir)
        except pictures.RenderError as error:
            raise Problem(503, "Picture unavailable", str(error)) from None
    return Response(body, media_type=media_type, headers=VARY)
