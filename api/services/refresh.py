"""Stale-while-revalidate for what is computed per graph version (the page snapshot, the SHACL
report): while edits make new versions, readers are answered at once from the newest value
computed, and one background thread computes the current version's.

Why: an edit makes a new version every time (issue 16); the snapshot costs ~0.2 s and the
report ~1 s on the seed, and a reader arriving after each edit would wait for them. Who must
see the current version (an editor after a save, `/validation`) asks with `stale_ok=False` and
waits as before. A value is recomputed only once the version has been steady for `settle`
seconds, or has kept changing for `max_stale` seconds (a burst of edits costs one snapshot
every few seconds and one report, not one each per edit).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class Refreshed(Generic[T]):
    """The newest value of `compute(key)` per key; keys are versions of one kind of thing."""

    def __init__(self, name: str, settle: float = 0.0, max_stale: float = 0.0) -> None:
        self.name = name
        self.settle = settle
        """Seconds the wanted key must stay the newest before a background run computes it..."""
        self.max_stale = max_stale
        """...unless keys keep changing for this long: then the newest is computed anyway."""
        self._lock = threading.Lock()
        self._computing = threading.Lock()  # one computation at a time: others wait and share
        self._newest: tuple[object, T] | None = None
        self._thread: threading.Thread | None = None

    def cached(self, key: object) -> T | None:
        """The value of `key` if computed already (never computes)."""
        newest = self._newest
        return newest[1] if newest is not None and newest[0] == key else None

    def get(
        self,
        key: object,
        compute: Callable[[object], T],
        *,
        stale_ok: bool = False,
        current: Callable[[], object] | None = None,
    ) -> T:
        """The value of `key`: `compute(key)` now (waiting for a running computation of it), or,
        with `stale_ok` and an older value at hand, that one while a background thread computes
        the newest key (`current()` gives it when the thread runs, `key` without it)."""
        newest = self._newest
        if newest is not None and newest[0] == key:
            return newest[1]
        if stale_ok and newest is not None:
            self._start(current or (lambda: key), compute)
            return newest[1]
        return self._compute(key, compute)

    def _compute(self, key: object, compute: Callable[[object], T]) -> T:
        with self._computing:
            newest = self._newest
            if newest is not None and newest[0] == key:
                return newest[1]
            value = compute(key)
            with self._lock:
                self._newest = (key, value)
            return value

    def _start(self, current: Callable[[], object], compute: Callable[[object], T]) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(
                target=self._run, args=(current, compute), name=f"wcokg-{self.name}", daemon=True
            )
            self._thread.start()

    def _run(self, current: Callable[[], object], compute: Callable[[object], T]) -> None:
        try:
            key = current()
            waited = 0.0
            while self.settle > 0 and waited < self.max_stale:  # wait for a steady version
                time.sleep(self.settle)
                waited += self.settle
                now = current()
                if now == key:
                    break
                key = now
            self._compute(key, compute)
        except Exception:  # logged only: a reader already has an answer
            log.warning("%s: background computation failed", self.name, exc_info=True)

    def join(self, timeout: float | None = None) -> None:
        """Wait for a background computation (tests)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
