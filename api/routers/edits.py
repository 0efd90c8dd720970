"""Edits: `PATCH /activities/{id}` (bearer token, If-Match), the edit log `GET /edits`, an
admin's revert, and the edit form page `/edit/activities/{id}` (session cookie, CSRF).

Rules live in `wcokg.edits.service`; this module maps them to HTTP: 401 no/invalid token,
403 wrong role or body, 404 unknown activity, 428 no If-Match, 412 stale If-Match, 422 a
malformed body or a violation of the shapes (with the findings), 409 a revert of a changed field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

import anyio
from fastapi import APIRouter, Form, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from wcokg.api.problems import PROBLEM, Problem
from wcokg.api.services.auth import AnyUser, BearerUser, check_csrf, session_of
from wcokg.api.services.web import current_snapshot, render
from wcokg.edits.errors import EditError, EditInvalid, PreconditionFailed
from wcokg.edits.fields import EDITABLE, MAX_FIELD_CHARS, STATUSES
from wcokg.edits.log import Edit
from wcokg.edits.process import EditProcess
from wcokg.edits.service import EditOutcome, EditService

router = APIRouter(tags=["Edits"])

Text = Annotated[str, Field(max_length=MAX_FIELD_CHARS)]


class ActivityEdit(BaseModel):
    """Any of the editable fields; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    progress: Text | None = Field(default=None, description="Paragraphs separated by a blank line")
    status: Literal["Completed", "In progress", "Not started", "Postponed"] | None = Field(
        default=None, description="When left out, a new progress text decides it (loader rules)"
    )
    timeline: Text | None = Field(default=None, description="e.g. 'Spring 2025 (PTC)': milestones")
    team_resources: Text | None = Field(default=None, description="e.g. 'One officer from …'")
    kpi: Text | None = None
    priority: Literal["A", "B", "C"] | None = None


class EditRecord(BaseModel):
    """One changed field in the edit log."""

    seq: int
    request: str = Field(description="Edits made by one request share it")
    at: str = Field(description="ISO 8601, UTC")
    user: str
    programme: str
    activity: str
    field: str
    old: str
    new: str
    kind: str = Field(description="edit or revert")
    reverts: int | None = None
    conflict: bool = Field(
        description="Kept but not applied: the rebuilt graph no longer held `old`"
    )


class EditResult(BaseModel):
    """What an accepted edit changed, and the activity's fields and ETag after it."""

    activity: str
    etag: str
    edits: list[EditRecord]
    values: dict[str, str]


T = TypeVar("T")

EDIT_THREADS = anyio.CapacityLimiter(32)
"""Threads for work that may wait for an edit being stored (the edit lock): their own, so that
20 editors waiting never take the threads readers' routes run in (anyio's default: 40)."""


async def in_edit_thread(func: Callable[..., T], *args: Any) -> T:
    """`func(*args)` in one of the edit threads."""
    return await anyio.to_thread.run_sync(func, *args, limiter=EDIT_THREADS)


def edits_of(request: Request) -> EditService | EditProcess:
    service: EditService | EditProcess = request.app.state.edits
    return service


def _record(edit: Edit, conflicts: set[int]) -> EditRecord:
    return EditRecord(**edit.__dict__, conflict=edit.seq in conflicts)


def _result(activity_id: str, outcome: EditOutcome) -> JSONResponse:
    body = EditResult(
        activity=activity_id,
        etag=outcome.etag,
        edits=[_record(e, set()) for e in outcome.edits],
        values=outcome.values,
    )
    return JSONResponse(body.model_dump(), headers={"ETag": outcome.etag})


def edit_problem(error: EditError) -> JSONResponse:
    """problem+json for a refused edit; a 422 from the shapes lists the findings."""
    content: dict[str, Any] = {
        "type": "about:blank",
        "title": error.title,
        "status": error.status,
        "detail": str(error),
    }
    if isinstance(error, EditInvalid):
        content["findings"] = [f.as_dict() for f in error.findings]
    return JSONResponse(content, status_code=error.status, media_type=PROBLEM)


@router.patch(
    "/activities/{activity_id}",
    summary="Edit an activity (editor of a responsible body, or admin): If-Match required",
    response_model=EditResult,
    responses={
        401: {"description": "No, expired or invalid bearer token"},
        403: {"description": "Not an editor of a responsible body"},
        404: {"description": "Unknown activity"},
        412: {"description": "If-Match does not match the current ETag"},
        422: {"description": "Malformed body, or the edit breaks the shapes (findings listed)"},
        428: {"description": "If-Match missing"},
    },
)
async def patch_activity(
    activity_id: str,
    edit: ActivityEdit,
    request: Request,
    user: BearerUser,
    if_match: Annotated[str | None, Header(description="The ETag of GET /activities/{id}")] = None,
) -> Response:
    changes = edit.model_dump(exclude_unset=True, exclude_none=True)
    if not changes:
        raise Problem(422, "Invalid request", f"give any of {', '.join(EDITABLE)}")
    service = edits_of(request)
    try:
        outcome = await in_edit_thread(service.submit, user, activity_id, changes, if_match)
    except EditError as error:
        return edit_problem(error)
    return _result(activity_id, outcome)


@router.get(
    "/edits",
    summary="The edit log (logged-in users): who changed which field of which activity, when",
    response_model=list[EditRecord],
    responses={401: {"description": "Not logged in"}},
)
async def list_edits(
    request: Request,
    _user: AnyUser,
    activity: Annotated[
        str | None, Query(max_length=64, description="Activity id, e.g. I-23")
    ] = None,
    user: Annotated[str | None, Query(max_length=64, description="User name")] = None,
    since: Annotated[
        datetime | None, Query(description="Edits at or after this time (ISO 8601)")
    ] = None,
) -> list[EditRecord]:
    if since is not None and since.tzinfo is None:
        raise Problem(422, "Invalid request", "since: give a time zone, e.g. 2025-01-01T00:00:00Z")
    since_text = since.astimezone(UTC).isoformat(timespec="microseconds") if since else None
    service = edits_of(request)
    found = await run_in_threadpool(service.log.query, activity, user, since_text)
    conflicts = set(await run_in_threadpool(service.conflicts)) if found else set()
    return [_record(e, conflicts) for e in found]


@router.post(
    "/edits/{seq}/revert",
    summary="Revert one edit (admin): itself recorded as an edit",
    response_model=EditResult,
    responses={
        401: {"description": "Not logged in"},
        403: {"description": "Not an admin"},
        404: {"description": "Unknown edit"},
        409: {"description": "The field changed since that edit"},
    },
)
async def revert_edit(seq: int, request: Request, user: BearerUser) -> Response:
    service = edits_of(request)
    try:
        outcome = await in_edit_thread(service.revert, user, seq)
    except EditError as error:
        return edit_problem(error)
    activity = outcome.edits[0].activity if outcome.edits else ""
    return _result(activity, outcome)


class Publication(BaseModel):
    """The document code the draft is published under."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=64, description="Document code, e.g. PC0800")


class ClosingRecord(BaseModel):
    """The draft published or discarded, as the edit log records it."""

    seq: int
    at: str = Field(description="ISO 8601, UTC")
    user: str
    action: str = Field(description="publish or discard")
    code: str = Field(description="The document code published under (empty for discard)")
    through: int = Field(description="The last edit (seq) the draft held")


_CLOSING_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not logged in"},
    403: {"description": "Not an admin"},
    409: {"description": "No draft (no edits since the last closing), or the code is taken"},
}


@router.post(
    "/draft/publish",
    summary="Publish the draft of edits as a revision with a document code (admin)",
    response_model=ClosingRecord,
    responses={**_CLOSING_RESPONSES, 422: {"description": "Not a document code"}},
)
async def publish_draft(body: Publication, request: Request, user: BearerUser) -> Response:
    try:
        closing = await in_edit_thread(edits_of(request).publish, user, body.code)
    except EditError as error:
        return edit_problem(error)
    await run_in_threadpool(current_snapshot, request)
    return JSONResponse(ClosingRecord(**closing.__dict__).model_dump())


@router.post(
    "/draft/discard",
    summary="Discard the draft of edits (admin); the edits stay in the log",
    response_model=ClosingRecord,
    responses=_CLOSING_RESPONSES,
)
async def discard_draft(request: Request, user: BearerUser) -> Response:
    try:
        closing = await in_edit_thread(edits_of(request).discard, user)
    except EditError as error:
        return edit_problem(error)
    await run_in_threadpool(current_snapshot, request)
    return JSONResponse(ClosingRecord(**closing.__dict__).model_dump())


# -- the edit form -------------------------------------------------------------------------

NO_STORE = {"Cache-Control": "no-store"}


def _form_page(
    request: Request,
    activity_id: str,
    values: dict[str, str],
    etag: str,
    csrf: str,
    errors: dict[str, list[str]],
    status_code: int = 200,
    saved: bool = False,
) -> Response:
    service = edits_of(request)
    history = service.log.query(activity=activity_id)
    conflicts = set(service.conflicts()) if history else set()
    return render(
        request,
        "edit.html",
        {
            "activity_id": activity_id,
            "values": values,
            "etag": etag,
            "csrf": csrf,
            "errors": errors,
            "statuses": STATUSES,
            "history": [_record(e, conflicts) for e in reversed(history)],
            "saved": saved,
        },
        status_code=status_code,
        headers=NO_STORE,
    )


def _session_or_login(request: Request, activity_id: str) -> Any:
    session = session_of(request)
    if session is None:
        return RedirectResponse(f"/login?next=/edit/activities/{activity_id}", status_code=303)
    return session


@router.get("/edit/activities/{activity_id}", include_in_schema=False)
async def edit_form(request: Request, activity_id: str, saved: bool = False) -> Response:
    return await in_edit_thread(_edit_form, request, activity_id, saved)


def _edit_form(request: Request, activity_id: str, saved: bool) -> Response:
    session = _session_or_login(request, activity_id)
    if isinstance(session, Response):
        return session
    user, claims = session
    service = edits_of(request)
    etag = service.etag(activity_id)  # before the values: they are at least as new
    try:
        values, bodies = service.values(activity_id)
    except EditError as error:
        raise Problem(error.status, error.title, str(error)) from None
    if not user.can_edit(bodies):
        raise Problem(403, "Forbidden", f"{user.name} may not edit {activity_id}")
    return _form_page(request, activity_id, values, etag, claims.csrf, {}, saved=saved)


@router.post("/edit/activities/{activity_id}", include_in_schema=False)
async def submit_form(
    request: Request,
    activity_id: str,
    csrf: Annotated[str, Form(max_length=256)] = "",
    etag: Annotated[str, Form(max_length=256)] = "",
    progress: Annotated[str, Form(max_length=MAX_FIELD_CHARS)] = "",
    status: Annotated[str, Form(max_length=64)] = "",
    timeline: Annotated[str, Form(max_length=MAX_FIELD_CHARS)] = "",
    team_resources: Annotated[str, Form(max_length=MAX_FIELD_CHARS)] = "",
    kpi: Annotated[str, Form(max_length=MAX_FIELD_CHARS)] = "",
    priority: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    given = {
        "progress": progress,
        "status": status,
        "timeline": timeline,
        "team_resources": team_resources,
        "kpi": kpi,
        "priority": priority,
    }
    return await in_edit_thread(_submit_form, request, activity_id, csrf, etag, given)


STALE_FORM = (
    "Someone changed this activity after you opened the form; your changes were not saved. "
    "This is the activity now: make your changes again."
)


def _submit_form(
    request: Request, activity_id: str, csrf: str, etag: str, given: dict[str, str]
) -> Response:
    status, priority = given["status"], given["priority"]
    session = session_of(request)
    if session is None:
        raise Problem(401, "Unauthorized", "log in first: /login")
    user, claims = session
    check_csrf(claims.csrf, csrf)
    errors: dict[str, list[str]] = {}
    if status not in STATUSES:
        errors.setdefault("status", []).append(f"choose one of {', '.join(STATUSES)}")
    if priority not in ("A", "B", "C"):
        errors.setdefault("priority", []).append("choose A, B or C")
    service = edits_of(request)
    if not errors:
        try:
            service.submit(user, activity_id, given, etag)
        except PreconditionFailed:
            # changed by someone else since the form was read: the form shows the activity as
            # it is now, with its tag (keeping the stale values would let one more Save
            # overwrite that change unseen)
            current = service.etag(activity_id)
            values = service.values(activity_id)[0]
            return _form_page(
                request,
                activity_id,
                values,
                current,
                claims.csrf,
                {"": [STALE_FORM]},
                status_code=409,
            )
        except EditInvalid as error:
            for finding in error.findings:
                errors.setdefault(_field_of(finding.path, finding.rule), []).append(finding.message)
            if not error.findings:
                errors.setdefault("", []).append(str(error))
        except EditError as error:
            if error.status in (403, 404):
                raise Problem(error.status, error.title, str(error)) from None
            errors.setdefault("", []).append(str(error))
        else:
            return RedirectResponse(
                f"/edit/activities/{activity_id}?saved=true", status_code=303, headers=NO_STORE
            )
    return _form_page(
        request, activity_id, given, etag, claims.csrf, errors, status_code=422 if errors else 200
    )


_FIELD_WORDS = {
    "progress": "progress",
    "status": "status",
    "colour": "status",
    "timeline": "timeline",
    "milestone": "timeline",
    "teamresources": "team_resources",
    "allocation": "team_resources",
    "kpi": "kpi",
    "priority": "priority",
}


def _field_of(path: str | None, rule: str) -> str:
    """The form field a finding is about (by its path or rule name), "" for the whole form."""
    text = f"{path or ''} {rule}".casefold().replace("_", "")
    for word, name in _FIELD_WORDS.items():
        if word in text:
            return name
    return ""
