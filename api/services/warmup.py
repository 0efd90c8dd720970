"""Work kept out of the request path: what the first requests after start-up or after a new
graph version would otherwise pay for, computed in a background thread.

Warmed, in this order: the snapshot every page reads (with the schema.org JSON-LD the activity
pages embed: `Catalog.prepare`), the edit service's draft in memory and its validation worker,
the SHACL report, and the answers of the named queries that take no parameter (JSON, in
the named-query cache). Queries go through the store as any request's do (worker pool, time
limit). A failure is logged and never reaches start-up or a request (`WCOKG_WARM_UP=0` turns
the warm-up off).
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from datetime import date
from typing import Any

from wcokg.api.cache import ResultCache
from wcokg.api.services import catalog, validation
from wcokg.errors import WcokgError
from wcokg.registry import registry
from wcokg.store.base import GraphStore

log = logging.getLogger(__name__)

WARM_SETTLE_SECONDS = 1.0
"""How long a new version must stay current before it is warmed (not the first one)."""


def freeze_long_lived() -> None:
    """Leave what the server holds for its lifetime (modules, templates, the first snapshot,
    the edit service's draft: a few million objects on the seed) out of the garbage collector's
    full collections, which walked all of it every few seconds under load and stopped every
    request for ~0.25 s each time (`gc.freeze`: done once, after the first warm-up)."""
    gc.collect()
    gc.freeze()
    log.info("%d long-lived objects left out of garbage collection", gc.get_freeze_count())


class Warmer:
    """Warms one version at a time, in one daemon thread; `kick` never waits."""

    def __init__(self, state: Any) -> None:
        self.state = state  # the app's state: store, settings, cache, today (read when warming)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._warmed: object = object()  # no version yet
        self._warmed_once = False
        self.runs = 0
        self.settle = WARM_SETTLE_SECONDS

    def kick(self, version: str | None) -> None:
        """Warm `version` in the background unless it is warm or a warm-up is running."""
        if version != self._warmed:
            self.start()

    def start(self) -> None:
        """Warm the current version in the background unless a warm-up is running."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._run, name="wcokg-warm-up", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        store: GraphStore = self.state.store
        try:
            for _ in range(3):  # again when the version moved on meanwhile, a few times at most
                version = store.version()
                if version == self._warmed:
                    return
                if self._warmed_once and not self._steady(store, version):
                    return  # edits keep coming: the next request after them kicks again
                self.warm(store)
                self._warmed = version
                if not self._warmed_once:
                    freeze_long_lived()
                self._warmed_once = True
                self.runs += 1
        except WcokgError as error:  # the store is gone or refuses: one line, as requests say
            log.warning("warm-up stopped: %s", error)
        except Exception:  # logged only: a warm-up must never fail the server
            log.warning("warm-up stopped", exc_info=True)

    def _steady(self, store: GraphStore, version: str | None) -> bool:
        """After the first warm-up, a new version is warmed once it has stayed `settle` seconds
        (a burst of edits makes many versions; warming each would take the CPU from readers)."""
        time.sleep(self.settle)
        return store.version() == version

    def warm(self, store: GraphStore) -> None:
        today = getattr(self.state, "today", None)
        base = self.state.settings.base
        catalog.snapshot(store, base, today if isinstance(today, date) else None)
        edits = getattr(self.state, "edits", None)
        if edits is not None:
            edits.warm()  # the draft in memory and the validation worker, before the first edit
        validation.report(store, stale_ok=True)  # made once edits pause (services.refresh)
        warm_named_queries(store, self.state.cache)

    @property
    def running(self) -> bool:
        """A warm-up is under way (`/health` says so: benchmarks wait for the end of it)."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        """Wait for a running warm-up (tests)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)


def warm_named_queries(store: GraphStore, cache: ResultCache) -> None:
    from wcokg.api.routers.queries import answer

    for named in registry().values():
        if named.params:
            continue
        try:
            answer(named, {}, store, cache, "application/json")
        except Exception as error:  # noqa: BLE001 - the request will report it, not the warm-up
            log.info("warm-up: query %s failed (%s)", named.name, type(error).__name__)
