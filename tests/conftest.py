"""Shared fixtures: the seed built once per test session into a temporary embedded store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wcokg.build import BuildReport, build_graph, bundled_sources
from wcokg.namespaces import Minter
from wcokg.store import EmbeddedStore

SHARED = Path(os.environ.get("WCOKG_SHARED", Path(__file__).resolve().parents[2] / "shared"))


@pytest.fixture(scope="session")
def seed_report() -> BuildReport:
    return build_graph(bundled_sources(), Minter())


@pytest.fixture(scope="session")
def seed_store(seed_report: BuildReport, tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("store"))
    store.replace(seed_report.graph)
    return store


@pytest.fixture
def shared_dir() -> Path:
    """The workplace's shared folder (standards, seeds); tests needing it skip when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared folder not found at {SHARED} (set WCOKG_SHARED to point at it)")
    return SHARED
