"""`/bodies`: the working bodies, each with its reporting line, sub-bodies and activities."""

from __future__ import annotations

from fastapi import APIRouter

from wcokg.api.models import Body, BodyRef
from wcokg.api.problems import Problem
from wcokg.api.services.catalog import body_ref
from wcokg.api.services.web import SnapshotDep

router = APIRouter(tags=["Working bodies"])
NOT_FOUND = {404: {"description": "Unknown body", "content": {"application/problem+json": {}}}}


@router.get("/bodies", summary="The working bodies", response_model=list[BodyRef])
def list_bodies(snap: SnapshotDep) -> list[BodyRef]:
    return [body_ref(b) for b in snap.bodies.values()]


@router.get(
    "/bodies/{body_id}",
    summary="One body: reporting line up to the Council, sub-bodies, activities, meetings",
    response_model=Body,
    responses=NOT_FOUND,  # type: ignore[arg-type]
)
def get_body(body_id: str, snap: SnapshotDep) -> Body:
    found = snap.bodies.get(body_id)
    if found is None:
        raise Problem(404, "Not Found", f"no working body with id {body_id!r}")
    return found
