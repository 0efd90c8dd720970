"""Dependencies the routers receive: the store, the settings and the answer caches."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from wcokg.api.cache import ResultCache
from wcokg.settings import Settings
from wcokg.store.base import GraphStore


def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_cache(request: Request) -> ResultCache:
    cache: ResultCache = request.app.state.cache
    return cache


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_sparql_cache(request: Request) -> ResultCache | None:
    """The `/sparql` answers cache, None when `WCOKG_SPARQL_CACHE` is off."""
    cache: ResultCache | None = getattr(request.app.state, "sparql_cache", None)
    return cache


CacheDep = Annotated[ResultCache, Depends(get_cache)]
SparqlCacheDep = Annotated[ResultCache | None, Depends(get_sparql_cache)]
