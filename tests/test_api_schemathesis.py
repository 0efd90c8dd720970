"""Schemathesis over the whole OpenAPI schema: no request makes the server fail (no 5xx).

Bounded: a few examples per operation, so the run stays well under a minute. The app is built
at collection time (schemathesis needs its schema then) over the seed in a temporary store.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import date
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from wcokg.api.app import create_app
from wcokg.build import build_graph, bundled_sources
from wcokg.namespaces import Minter
from wcokg.settings import Settings
from wcokg.store import EmbeddedStore

_folder = Path(tempfile.mkdtemp(prefix="wcokg-schemathesis-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)
_store = EmbeddedStore(_folder)
_report = build_graph(bundled_sources(), Minter())
_store.replace(_report.graph, named_graphs=_report.named_graphs)
_app = create_app(Settings(store=_folder), _store)
_app.state.today = date(2024, 3, 1)

schema = schemathesis.openapi.from_asgi("/openapi.json", _app)


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])
