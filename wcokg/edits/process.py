"""The edit service in a process of its own (`WCOKG_EDIT_PROCESS`, on by default).

Why: an edit costs the process making it ~60 ms of interpreter time (the draft's rdflib
graphs, the neighbourhood it validates, the delta it stores), and in the serving process every
read waited for the interpreter meanwhile: with 20 editors saving every 2.5-7.5 s, read p99
was 85-110 ms, against 31 ms at a quarter of that rate (`benchmarks/edit_load.py`,
BENCHMARKS.md "Edits under load").

So the draft lives in a child process (spawned by `multiprocessing`'s manager; it talks over a
local socket with a random authentication key, and stops when its parent does). The serving
process forwards to it what writes or needs the draft (`submit`, `revert`, `publish`,
`discard`, `values`, `conflicts`, `sync`, `warm`), each call on its own connection (so the
child's group commit sees concurrent edits as before), and answers itself what readers ask on
every request: ETags (the edit log, and the base version from the outcomes it forwards) and
`made_current_version` (a `VersionTrail` fed by the same outcomes). If the child dies, a write
that finds it gone answers StoreError (503), a read asks a new child at once; a new child
replays the log (`EditService.sync`): nothing answered 200 is lost.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from multiprocessing.context import SpawnContext, SpawnProcess
from multiprocessing.managers import BaseManager
from typing import Any

from wcokg.accounts.users import User
from wcokg.edits.log import Closing
from wcokg.edits.service import EditOutcome, EditService, SyncReport, edit_log, entity_tag
from wcokg.edits.trail import VersionTrail
from wcokg.errors import StoreError
from wcokg.settings import Settings
from wcokg.store.base import GraphStore
from wcokg.store.guarded import GuardedStore, QueryLimits

log = logging.getLogger(__name__)

PARENT_POLL_SECONDS = 1.0
"""How often the child checks that the serving process is still there."""

BASES_KEPT = 64
"""Base versions remembered for the latest versions edits made."""

_READS = frozenset({"conflicts", "values", "pid", "warm", "sync"})
"""Calls that change nothing the client asked for: asked again of a new child when the child
is gone (`sync` only replays what the log holds)."""

_GONE = (EOFError, ConnectionError, OSError)
"""What a call raises when the child is gone (killed, out of memory)."""


class ChildGone(StoreError):
    """The edit process died during a call (answered 503, like any store failure)."""


class ChildEdits(EditService):
    """The edit service as the child runs it."""

    def pid(self) -> int:
        """The child's process id (tests, operators)."""
        return os.getpid()


def open_service(factory: Callable[[], GraphStore], settings: Settings) -> ChildEdits:
    """The child's edit service, on the store `factory` opens (one query worker: the child's
    own queries are few; SHACL validation in a worker of its own, as in the serving process)."""
    limits = QueryLimits.from_settings(settings)
    limits = dataclasses.replace(limits, workers=min(limits.workers, 1))
    return ChildEdits(GuardedStore(factory(), limits), settings)


def _watch_parent(parent: int) -> None:
    """Started in the child: it exits when the serving process is gone (even killed -9)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="wcokg-edits-parent", daemon=True).start()


class _DaemonProcess(SpawnProcess):
    """A spawned process that the parent's exit stops rather than waits for: a manager
    started by a daemon thread that the interpreter's exit froze before it registered its
    shutdown was waited for forever (the child waits for its parent to go)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.daemon = True


class _DaemonSpawn(SpawnContext):
    Process = _DaemonProcess


class _Manager(BaseManager):
    """Serves one `EditService` from a child process."""


_Manager.register("EditService", callable=open_service)


class EditProcess:
    """The serving process's side of an edit service running in a child process; used by the
    API exactly as an `EditService` (same methods, same errors)."""

    def __init__(
        self, store: GraphStore, settings: Settings, factory: Callable[[], GraphStore]
    ) -> None:
        self.store = store
        self.log = edit_log(settings)
        self.trail = VersionTrail()
        self._local = EditService(store, settings)  # ETags only: it never loads the draft
        self._settings = settings
        self._factory = factory
        self._lock = threading.Lock()
        self._bases: OrderedDict[str | None, str] = OrderedDict()  # version -> base version
        self._manager: _Manager | None = None
        self._remote: Any = None

    # -- what readers ask: answered here -------------------------------------------------

    def base_version(self) -> str:
        """Known from the child's outcomes for the versions its edits made (reading the draft
        marker instead would open each new version's store on a reader's request)."""
        base = self._bases.get(self.store.version())
        return base if base is not None else self._local.base_version()

    def etag(self, activity_id: str) -> str:
        return self.etag_and_seq(activity_id)[0]

    def etag_and_seq(self, activity_id: str) -> tuple[str, int]:
        """As `EditService.etag_and_seq` (read it before the view it goes with)."""
        seq = self.log.last_seq(activity_id)
        return entity_tag(self.base_version(), activity_id, seq), seq

    def made_current_version(self) -> bool:
        return self.trail.made(self.store.version())

    # -- what needs the draft: forwarded -------------------------------------------------

    def conflicts(self) -> tuple[int, ...]:
        if self.log.last_seq() == 0:
            return ()
        found: tuple[int, ...] = self._call("conflicts")
        return found

    def values(self, activity_id: str) -> tuple[dict[str, str], list[str]]:
        found: tuple[dict[str, str], list[str]] = self._call("values", activity_id)
        return found

    def sync(self) -> SyncReport:
        version = self.store.version()
        if not self.log.pending() and self._local.base_version() == str(version or ""):
            return SyncReport(False, version=version)  # no draft to replay: no child needed
        report: SyncReport = self._call("sync")
        return report

    def warm(self) -> None:
        self._call("warm")

    def submit(
        self, user: User, activity_id: str, changes: Mapping[str, str], if_match: str | None
    ) -> EditOutcome:
        return self._write("submit", user, activity_id, dict(changes), if_match)

    def revert(self, user: User, seq: int) -> EditOutcome:
        return self._write("revert", user, seq)

    def publish(self, user: User, code: str) -> Closing:
        closing: Closing = self._call("publish", user, code)
        return closing

    def discard(self, user: User) -> Closing:
        closing: Closing = self._call("discard", user)
        return closing

    def child_pid(self) -> int:
        """The process id of the child making the edits (started if it was not)."""
        pid: int = self._call("pid")
        return pid

    def close(self) -> None:
        """Stop the child (the app's shutdown)."""
        with self._lock:
            manager, self._manager, self._remote = self._manager, None, None
        if manager is not None:
            manager.shutdown()

    # -- the child -----------------------------------------------------------------------

    def _write(self, method: str, *args: Any) -> EditOutcome:
        self.trail.storing()
        outcome: EditOutcome | None = None
        try:
            outcome = self._call(method, *args)
        finally:
            self.trail.stored(outcome.version if outcome is not None else None)
        assert outcome is not None  # noqa: S101 (raised otherwise)
        with self._lock:
            self._bases[outcome.version] = outcome.base_version
            while len(self._bases) > BASES_KEPT:
                self._bases.popitem(last=False)
        return outcome

    def _call(self, method: str, *args: Any) -> Any:
        """`method(*args)` in the child; a read that finds the child gone starts another and
        asks again, a write answers StoreError (it may have been made: the client decides,
        and its If-Match makes a repeat safe)."""
        try:
            return self._once(method, args)
        except ChildGone:
            if method not in _READS:
                raise
            return self._once(method, args)

    def _once(self, method: str, args: tuple[Any, ...]) -> Any:
        try:
            remote = self._service()
        except _GONE as error:
            log.warning("the edit process did not start: %s", error)
            raise StoreError("the edit process did not start (see the server log)") from None
        try:
            return getattr(remote, method)(*args)
        except _GONE as error:
            log.warning("the edit process stopped (%s); the next call starts another", error)
            with self._lock:
                if self._remote is remote:
                    self._remote = None
            raise ChildGone("the edit process stopped; try again") from None

    def _service(self) -> Any:
        with self._lock:
            if self._remote is None:
                manager = _Manager(ctx=_DaemonSpawn())
                manager.start(_watch_parent, (os.getpid(),))
                if self._manager is not None:
                    self._manager.shutdown()
                self._manager = manager
                self._remote = manager.EditService(self._factory, self._settings)  # type: ignore[attr-defined]
            return self._remote
