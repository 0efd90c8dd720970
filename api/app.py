"""App factory: `create_app(settings, store)` wires the store, the cache and the routers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles

from wcokg import __version__
from wcokg.api import limits, problems
from wcokg.api.cache import ResultCache
from wcokg.api.cors import ReadOnlyCORS
from wcokg.api.fastpath import CachedAnswers
from wcokg.api.protocol import HeadAsGet, Utf8Url
from wcokg.api.routers import (
    activities,
    api_docs,
    auth,
    bodies,
    edits,
    export,
    instruments,
    meetings,
    pages,
    pictures,
    queries,
    resources,
    revisions,
    sparql,
    validation,
)
from wcokg.api.services import views
from wcokg.api.services.auth import Accounts
from wcokg.api.services.catalog import CATALOG
from wcokg.api.services.warmup import Warmer
from wcokg.api.services.web import STATIC_DIR
from wcokg.edits.process import EditProcess
from wcokg.edits.service import EditService
from wcokg.errors import WcokgError
from wcokg.registry import registry
from wcokg.settings import Settings, get_settings
from wcokg.store import GraphStore, open_store
from wcokg.store.guarded import store_factory

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Read the named queries once at start-up, start with empty answer caches, and warm them
    (and what pages need) in the background (`api.services.warmup`)."""
    registry()
    app.state.cache.clear()
    if app.state.sparql_cache is not None:
        app.state.sparql_cache.clear()
    if app.state.warmer is not None:
        app.state.warmer.start()
    await sync_edits(app)
    yield
    close = getattr(app.state.edits, "close", None)
    if close is not None:
        await run_in_threadpool(close)  # the edit process, if one was started


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """A FastAPI app serving the stored graph; the store comes from the settings unless given."""
    settings = settings or get_settings()
    app = FastAPI(
        title="wcokg",
        version=__version__,
        summary="WCO work-programme knowledge graph: SPARQL 1.1 endpoint and named queries",
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc come from api_docs, without a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store or open_store(settings)
    app.state.cache = ResultCache()
    app.state.sparql_cache = (
        ResultCache(
            settings.sparql_cache_entries,
            settings.sparql_cache_bytes,
            settings.sparql_cache_entry_bytes,
        )
        if settings.sparql_cache
        else None
    )
    app.state.warmer = Warmer(app.state) if settings.warm_up else None
    CATALOG.prepare = views.prepare_snapshot
    problems.install(app)
    app.include_router(pages.router)
    app.include_router(sparql.router)
    app.include_router(queries.router)
    app.include_router(export.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    api_docs.install(app)
    for router in (
        activities,
        bodies,
        instruments,
        meetings,
        validation,
        pictures,
        revisions,
        resources,
    ):
        app.include_router(router.router)
    app.include_router(auth.router)
    app.include_router(edits.router)
    # Cached answers without routing; inside CORS and hardening, which add their headers.
    app.add_middleware(
        CachedAnswers,
        state=app.state,
        peeks=[("/sparql", sparql.peek), ("/queries/", queries.peek), ("/wp/", resources.peek)],
        directs={"/sparql": sparql.direct},
    )
    # A path or query string that is not UTF-8 is refused before any route reads it.
    app.add_middleware(Utf8Url)
    # Browser clients elsewhere may read everything (GET); nothing else crosses origins.
    app.add_middleware(ReadOnlyCORS)
    # Queries in killable workers under limits; body cap, headers, errors without details.
    limits.install(app, settings)
    # Accounts and edits (README: Editing): after the store is guarded, so that storing a draft
    # restarts the query workers on the new version.
    app.state.accounts = Accounts.from_settings(settings)
    app.state.edits = edit_service(app.state.store, settings)
    # HEAD wherever GET is served (outermost: every layer inside sees a GET).
    app.add_middleware(HeadAsGet)
    return app


def edit_service(store: GraphStore, settings: Settings) -> EditService | EditProcess:
    """The edit service: in a process of its own when the settings ask and the store can be
    opened there again (`wcokg.edits.process`), else in this one."""
    factory = store_factory(store) if settings.edit_process else None
    if factory is None:
        return EditService(store, settings)
    return EditProcess(store, settings, factory)


async def sync_edits(app: FastAPI) -> None:
    """Replay the edit log if the stored graph is behind it (after a rebuild or a crash)."""
    try:
        await run_in_threadpool(app.state.edits.sync)
    except WcokgError as error:
        log.warning("edit log not replayed: %s", error)
