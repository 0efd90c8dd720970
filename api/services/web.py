"""What the REST, picture, resource and page routers share: the snapshot dependency, the
templates, and media-type choice with this app's short format names (over `api.conneg`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from wcokg.api.conneg import choose
from wcokg.api.deps import SettingsDep, StoreDep, local_version
from wcokg.api.services.catalog import CATALOG, Snapshot, snapshot
from wcokg.api.services.urls import local_url

HERE = Path(__file__).resolve().parent.parent
__all__ = [
    "choose",
    "render",
    "get_snapshot",
    "current_snapshot",
    "SnapshotDep",
    "STATIC_DIR",
    "TEMPLATES",
]

TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
STATIC_DIR = HERE / "static"


async def get_snapshot(store: StoreDep, settings: SettingsDep, request: Request) -> Snapshot:
    """The snapshot of the version served: on the event loop when it is built and the version
    can be read without blocking, else (remote store, or a new version to read) in a thread.
    After this server's edits, the newest snapshot built is served while the current one is
    built in the background (`api.services.refresh`), so readers never wait for edits."""
    today = getattr(request.app.state, "today", None)
    day = today if isinstance(today, date) else None
    known, version = local_version(store)
    found = CATALOG.cached(store, version, settings.base, day) if known else None
    if found is None:
        # After this server's own edits, the newest snapshot built while the current one is
        # built in the background (an activity with edits it may miss is read again:
        # `catalog.fresh_activity`);
        # after a build or another process's change, the current one.
        edits = getattr(request.app.state, "edits", None)
        stale_ok = edits is not None and edits.made_current_version()
        found = await run_in_threadpool(snapshot, store, settings.base, day, stale_ok=stale_ok)
    warmer = getattr(request.app.state, "warmer", None)
    if warmer is not None:
        warmer.kick(found.version)  # a new version: warm the rest in the background
    return found


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]


def current_snapshot(request: Request) -> Snapshot:
    """Build the current version's snapshot now (a write does, before it answers, so that the
    writer's next page shows its change; readers meanwhile get the newest one built). Blocks:
    call it in a thread."""
    today = getattr(request.app.state, "today", None)
    day = today if isinstance(today, date) else None
    return snapshot(request.app.state.store, request.app.state.settings.base, day)


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A page from `api/templates/`, with the helpers every template uses."""
    settings = request.app.state.settings
    full = {
        "link": lambda iri: local_url(iri, settings.base),
        "path": request.url.path,
        **context,
    }
    return TEMPLATES.TemplateResponse(
        request, template, full, status_code=status_code, headers=dict(headers or {})
    )
