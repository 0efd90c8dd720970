"""`/meetings`: sessions of the working bodies and what each did (outcomes)."""

from __future__ import annotations

from fastapi import APIRouter

from wcokg.api.models import Meeting, MeetingSummary
from wcokg.api.problems import Problem
from wcokg.api.services.catalog import meeting_summary
from wcokg.api.services.web import SnapshotDep

router = APIRouter(tags=["Meetings"])
NOT_FOUND = {404: {"description": "Unknown meeting", "content": {"application/problem+json": {}}}}


@router.get(
    "/meetings", summary="Meetings of the working bodies", response_model=list[MeetingSummary]
)
def list_meetings(snap: SnapshotDep) -> list[MeetingSummary]:
    return [meeting_summary(m) for m in snap.meetings.values()]


@router.get(
    "/meetings/{meeting_id}",
    summary="One meeting with its outcomes",
    response_model=Meeting,
    responses=NOT_FOUND,  # type: ignore[arg-type]
)
def get_meeting(meeting_id: str, snap: SnapshotDep) -> Meeting:
    found = snap.meetings.get(meeting_id)
    if found is None:
        raise Problem(404, "Not Found", f"no meeting with id {meeting_id!r}")
    return found
