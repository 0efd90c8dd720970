"""Dependencies the routers receive: the store, the settings and the answer caches.

They are `async`: FastAPI runs a plain `def` dependency in the thread pool, a hop per
dependency per request (measured ~0.2 ms each under load) for what is an attribute lookup.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from wcokg.api.cache import ResultCache
from wcokg.settings import Settings
from wcokg.store.base import GraphStore
from wcokg.store.embedded import EmbeddedStore


async def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_cache(request: Request) -> ResultCache:
    cache: ResultCache = request.app.state.cache
    return cache


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_sparql_cache(request: Request) -> ResultCache | None:
    """The `/sparql` answers cache, None when `WCOKG_SPARQL_CACHE` is off."""
    cache: ResultCache | None = getattr(request.app.state, "sparql_cache", None)
    return cache


CacheDep = Annotated[ResultCache, Depends(get_cache)]
SparqlCacheDep = Annotated[ResultCache | None, Depends(get_sparql_cache)]


def local_version(store: GraphStore) -> tuple[bool, str | None]:
    """`(True, version)` when reading the version does not block (an embedded store reads a
    symbolic link), so a cached answer can be served without a thread; else `(False, None)`
    (a remote store asks its server)."""
    inner = getattr(store, "inner", store)  # GuardedStore delegates version() to its inner
    if isinstance(inner, EmbeddedStore):
        return True, store.version()
    return False, None
