"""Helpers for the accounts and edits tests: a fresh store of the seed, settings, users."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from wcokg.accounts import UserStore
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore

PASSWORD = "correct horse battery staple"


def edit_settings(root: Path, **overrides: object) -> Settings:
    """Settings with their own store and private folder under `root`; in-process queries."""
    values: dict[str, object] = {
        "store": root / "store",
        "private_dir": root / "private",
        "query_workers": 0,
        "warm_up": False,
        "sparql_cache": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def fresh_store(settings: Settings, graph: Graph) -> EmbeddedStore:
    store = EmbeddedStore(settings.store)
    store.replace(graph)
    return store


def add_users(settings: Settings) -> UserStore:
    """swg-editor (SWG), dmpt-editor (DMPT), boss (admin), reader (viewer); one password."""
    users = UserStore(settings.private_path() / "users.sqlite")
    users.add("swg-editor", "editor", ["swg"], PASSWORD, 12)
    users.add("dmpt-editor", "editor", ["dmpt"], PASSWORD, 12)
    users.add("boss", "admin", [], PASSWORD, 12)
    users.add("reader", "viewer", [], PASSWORD, 12)
    return users
