"""Graph stores behind one small interface: embedded on disk by default, or a remote SPARQL store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wcokg.store.base import GraphStore, SelectResult
from wcokg.store.embedded import EmbeddedStore
from wcokg.store.remote import RemoteStore

if TYPE_CHECKING:
    from wcokg.settings import Settings

__all__ = ["EmbeddedStore", "GraphStore", "RemoteStore", "SelectResult", "open_store"]


def open_store(settings: Settings | None = None) -> GraphStore:
    """The store the settings choose: remote when `WCOKG_SPARQL_QUERY_URL` is set, else embedded."""
    from wcokg.settings import get_settings

    settings = settings or get_settings()
    if settings.sparql_query_url:
        password = settings.sparql_password
        return RemoteStore(
            settings.sparql_query_url,
            update_url=settings.sparql_update_url,
            graph_store_url=settings.graph_store_url or None,
            user=settings.sparql_user,
            password=password.get_secret_value() if password else None,
            timeout=settings.sparql_timeout,
            graph_base=f"{settings.base}graph/version/",
            batch_triples=settings.sparql_update_batch,
            keep_versions=settings.keep_versions,
        )
    return EmbeddedStore(settings.store, settings.keep_versions, settings.store_in_memory)
