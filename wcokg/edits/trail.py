"""Which store versions an edit service's edits made: the pages serve a slightly older snapshot
while this server's own edits make new versions (`api.services.refresh`), and wait for the
current one after anything else (a build, another process's change).

The edit service keeps a trail as it stores; the serving process keeps one too when the edit
service runs in a process of its own (`wcokg.edits.process`), fed by the outcomes it forwards.
Whether a view shows an activity's latest edit is not decided here but from the edit log (the
activity's latest seq, read before the view: `api.routers.activities`).
"""

from __future__ import annotations

import threading
from collections import deque

MADE_KEPT = 1024
"""Store versions remembered; an older version counts as a build's."""


class VersionTrail:
    """The versions edits made, the latest `MADE_KEPT`; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: deque[str | None] = deque(maxlen=MADE_KEPT)
        self._known: set[str | None] = set()
        self._storing = 0

    def storing(self) -> None:
        """A draft is being stored: the next version the store shows is an edit's."""
        with self._lock:
            self._storing += 1

    def stored(self, version: str | None = None) -> None:
        """The draft being stored is `version` (None: nothing was stored after all)."""
        with self._lock:
            self._storing = max(0, self._storing - 1)
            if version is None or version in self._known:
                return
            if len(self._made) == self._made.maxlen:
                self._known.discard(self._made[0])
            self._made.append(version)
            self._known.add(version)

    def made(self, current: str | None) -> bool:
        """`current` (the store's version) is one an edit made, or a draft is being stored."""
        return self._storing > 0 or current in self._known
