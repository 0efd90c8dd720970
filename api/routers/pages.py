"""Pages people read: home, search, lists, pictures, data quality, the query console.

Pages of single resources (an activity, a body, an instrument, a meeting, the ontology) are
their IRIs, served by the `resources` router. `/health` and `/activities.json` stay here.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from wcokg.api.deps import StoreDep
from wcokg.api.services import validation, views
from wcokg.api.services.catalog import ActivityFilter
from wcokg.api.services.web import SnapshotDep, render
from wcokg.table import activity_rows

router = APIRouter(tags=["Pages"])


@router.get(
    "/health",
    summary="Liveness, the graph version served, the warm-up's state and queries stopped",
)
async def health(request: Request, store: StoreDep) -> dict[str, str | int | None]:
    warmer = request.app.state.warmer
    warm_up = "off" if warmer is None else ("running" if warmer.running else "idle")
    pool = getattr(store, "pool", None)
    return {
        "status": "ok",
        "version": await run_in_threadpool(store.version),
        "warm_up": warm_up,
        "queries_timed_out": pool.timeouts if pool is not None else 0,
        "queries_abandoned": pool.abandoned if pool is not None else 0,
    }


@router.get("/activities.json", summary="The activities table as JSON (the CLI's columns)")
def activities_table(store: StoreDep, include_deleted: bool = False) -> list[dict[str, object]]:
    return [r.as_dict() for r in activity_rows(store, include_deleted)]


@router.get("/", summary="Home page: the programme at a glance", response_class=HTMLResponse)
def home(request: Request, snap: SnapshotDep, store: StoreDep) -> Response:
    return render(request, "home.html", views.home(snap, store))


@router.get("/search", summary="Search and filter activities (HTML)", response_class=HTMLResponse)
def search(
    request: Request,
    snap: SnapshotDep,
    q: str | None = None,
    section: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    task_type: str | None = None,
    body: str | None = None,
    instrument: str | None = None,
    strategic_code: str | None = None,
    due_before: Annotated[date | None, Query()] = None,
    due_after: Annotated[date | None, Query()] = None,
) -> Response:
    chosen = ActivityFilter(
        section=section or None,
        status=status or None,
        priority=priority or None,
        task_type=task_type or None,
        body=body or None,
        instrument=instrument or None,
        strategic_code=strategic_code or None,
        due_before=due_before,
        due_after=due_after,
        q=q or None,
    )
    results = chosen.apply(snap)
    return render(
        request,
        "search.html",
        {"results": results, "f": chosen, **views.filter_options(snap)},
    )


@router.get("/browse/bodies", summary="Working bodies (HTML)", response_class=HTMLResponse)
def bodies_page(request: Request, snap: SnapshotDep) -> Response:
    return render(request, "bodies.html", {"bodies": list(snap.bodies.values())})


@router.get("/browse/instruments", summary="Instruments (HTML)", response_class=HTMLResponse)
def instruments_page(request: Request, snap: SnapshotDep) -> Response:
    return render(request, "instruments.html", {"instruments": list(snap.instruments.values())})


@router.get("/browse/meetings", summary="Meetings (HTML)", response_class=HTMLResponse)
def meetings_page(request: Request, snap: SnapshotDep) -> Response:
    return render(
        request, "meetings.html", {"meetings": list(snap.meetings.values()), "bodies": snap.bodies}
    )


@router.get(
    "/browse/pictures",
    summary="Dependency map, reporting lines, timeline (HTML)",
    response_class=HTMLResponse,
)
def pictures_page(request: Request, snap: SnapshotDep) -> Response:
    return render(request, "pictures.html", views.pictures_page(snap))


@router.get("/browse/quality", summary="Data-quality findings (HTML)", response_class=HTMLResponse)
def quality_page(request: Request, store: StoreDep, snap: SnapshotDep) -> Response:
    return render(
        request,
        "quality.html",
        {"report": validation.report(store, stale_ok=True), "activities": snap.activities},
    )


@router.get(
    "/console",
    summary="Query console: SPARQL editor and named-query gallery",
    response_class=HTMLResponse,
)
def console(request: Request) -> Response:
    return render(request, "console.html", views.console())
