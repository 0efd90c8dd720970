"""Named-query results cached per graph version: a rebuild (a new version) empties the cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class ResultCache:
    """Serialised answers keyed by request, valid for one graph version; least recently used out."""

    def __init__(self, max_entries: int = 512) -> None:
        self.max_entries = max_entries
        self._version: str | None = None
        self._entries: OrderedDict[Hashable, tuple[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def _check(self, version: str | None) -> None:
        if version != self._version:
            self._entries.clear()
            self._version = version

    def get(self, version: str | None, key: Hashable) -> tuple[str, bytes] | None:
        with self._lock:
            self._check(version)
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            return found

    def put(self, version: str | None, key: Hashable, value: tuple[str, bytes]) -> None:
        with self._lock:
            self._check(version)
            self._entries[key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (after an update that does not change the version id)."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
