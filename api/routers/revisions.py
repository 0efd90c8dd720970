"""Revisions of a programme and what changed: `/programmes/{id}/revisions`, `/changes`, and the
"What changed" page. The diff is wcokg.history's, the same as `wcokg diff`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from wcokg.api.conneg import VARY, choose
from wcokg.api.deps import StoreDep
from wcokg.api.problems import Problem
from wcokg.api.services.web import render
from wcokg.errors import QueryError
from wcokg.history import (
    CHANGE_COLUMNS,
    Change,
    RevisionInfo,
    diff_rows,
    list_revisions,
    pairs,
    revision_table,
)
from wcokg.output import render as render_rows
from wcokg.store.base import GraphStore
from wcokg.worddiff import word_diff

router = APIRouter(tags=["Revisions"])

FORMATS = {"application/json": "json", "text/csv": "csv"}
FROM = Query(
    alias="from", description="Earlier revision: id or document code (default: the one before `to`)"
)
TO = Query(description="Later revision (default: the current one)")


def _revisions(store: GraphStore, programme: str) -> list[RevisionInfo]:
    try:
        return list_revisions(store, programme)
    except QueryError as error:
        raise Problem(404, "Not Found", str(error)) from None


def _pair(
    store: GraphStore, programme: str, start: str | None, end: str | None
) -> tuple[RevisionInfo, RevisionInfo] | None:
    revisions = _revisions(store, programme)
    try:
        found = pairs(revisions, start, end)
    except QueryError as error:
        raise Problem(404, "Not Found", str(error)) from None
    return found[0] if found else None


def _changes(store: GraphStore, pair: tuple[RevisionInfo, RevisionInfo] | None) -> list[Change]:
    if pair is None:
        return []
    earlier, later = pair
    return diff_rows(
        earlier.programme, revision_table(store, earlier), revision_table(store, later)
    )


@router.get(
    "/programmes/{programme}/revisions",
    summary="The revisions of a programme, in order, the current one marked",
)
def revisions(programme: str, store: StoreDep) -> list[dict[str, object]]:
    return [{**r.row(), "graph": r.iri} for r in _revisions(store, programme)]


@router.get(
    "/programmes/{programme}/changes",
    summary="What changed between two revisions (default: the last two); JSON or CSV",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
def changes(
    programme: str,
    request: Request,
    store: StoreDep,
    start: Annotated[str | None, FROM] = None,
    to: Annotated[str | None, TO] = None,
) -> Response:
    media_type = choose(request, tuple(FORMATS))
    rows = [c.as_dict() for c in _changes(store, _pair(store, programme, start, to))]
    body = render_rows(CHANGE_COLUMNS, rows, FORMATS[media_type])
    return Response(body, media_type=media_type, headers=VARY)


@router.get(
    "/programmes/{programme}/what-changed",
    summary='"What changed" between two revisions (HTML)',
    response_class=HTMLResponse,
)
def what_changed(
    programme: str,
    request: Request,
    store: StoreDep,
    start: Annotated[str | None, FROM] = None,
    to: Annotated[str | None, TO] = None,
) -> Response:
    pair = _pair(store, programme, start, to)
    return render(
        request,
        "changes.html",
        page(programme, _revisions(store, programme), pair, _changes(store, pair)),
    )


def page(
    programme: str,
    revisions: list[RevisionInfo],
    pair: tuple[RevisionInfo, RevisionInfo] | None,
    found: list[Change],
) -> dict[str, Any]:
    """The page's context: added, struck and renumbered lists; changed fields side by side
    (progress with a word-level diff)."""
    changed: dict[str, list[dict[str, Any]]] = {}
    for c in found:
        if c.change == "changed":
            pieces = word_diff(c.old, c.new) if c.field == "progress" else None
            changed.setdefault(c.activity, []).append({"change": c, "pieces": pieces})
    return {
        "programme": programme,
        "revisions": revisions,
        "pair": pair,
        "added": [c for c in found if c.change == "added"],
        "struck": [c for c in found if c.change == "struck"],
        "renumbered": [c for c in found if c.change == "renumbered"],
        "changed": changed,
    }
