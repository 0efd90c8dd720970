"""Graph stores behind one small interface: embedded on disk by default, a remote SPARQL store later."""

from __future__ import annotations

from wcokg.store.base import GraphStore, SelectResult
from wcokg.store.embedded import EmbeddedStore

__all__ = ["EmbeddedStore", "GraphStore", "SelectResult", "open_store"]


def open_store() -> GraphStore:
    """The store the settings choose."""
    from wcokg.settings import get_settings

    return EmbeddedStore(get_settings().store)
