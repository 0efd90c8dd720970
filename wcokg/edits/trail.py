"""What readers ask of an edit service, kept apart from the draft: which store versions its
edits made (in order), and the version each activity's latest edit is in.

The pages serve a slightly older snapshot while this server's own edits make new versions
(`api.services.refresh`), and re-read an edited activity alone (`edited_since`). The edit
service keeps a trail as it stores; the serving process keeps one too when the edit service
runs in a process of its own (`wcokg.edits.process`), fed by the outcomes it forwards.
"""

from __future__ import annotations

import threading
from collections import deque

MADE_KEPT = 1024
"""Store versions remembered in order; an older version counts as a build (read it whole)."""


class VersionTrail:
    """The versions edits made, and each edited activity's latest; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._recent: dict[str, str | None] = {}
        self._made: deque[str | None] = deque(maxlen=MADE_KEPT)
        self._order: dict[str | None, int] = {}
        self._dropped = 0
        self._storing = 0

    def storing(self) -> None:
        """A draft is being stored: the next version the store shows is an edit's."""
        with self._lock:
            self._storing += 1

    def stored(self, version: str | None = None) -> None:
        """The draft being stored is `version` (None: nothing was stored after all)."""
        with self._lock:
            self._storing = max(0, self._storing - 1)
            if version is not None:
                self._note(version)

    def edited(self, activity_id: str, version: str | None) -> None:
        """An accepted edit of the activity is in `version`."""
        with self._lock:
            self._note(version)
            self._recent[activity_id] = version

    def forget_activities(self) -> None:
        """The draft was read anew (a build, a replay, a publication): no edit is recent."""
        with self._lock:
            self._recent = {}

    def _note(self, version: str | None) -> None:
        if version in self._order:
            return
        if len(self._made) == self._made.maxlen:
            self._order.pop(self._made[0], None)
            self._dropped += 1
        self._made.append(version)
        self._order[version] = len(self._made) + self._dropped

    def made(self, current: str | None) -> bool:
        """`current` (the store's version) is one an edit made, or a draft is being stored."""
        return self._storing > 0 or current in self._order

    def latest(self, activity_id: str) -> str | None:
        """The version the activity's latest edit is in (None: no edit since the draft was
        read)."""
        return self._recent.get(activity_id)

    def edited_since(self, activity_id: str, version: str | None) -> bool:
        """Whether the activity has an accepted edit newer than `version`."""
        last = self._recent.get(activity_id, version)
        if last == version:
            return False
        order = self._order
        if version not in order:  # a build, or older than the versions remembered
            return True
        return last in order and order[last] > order[version]
