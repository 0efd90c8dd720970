"""Answers cached per graph version: a rebuild (a new version) or an update empties a cache.

Two instances live on the app: the named-query cache (`/queries/{name}`) and the `/sparql`
cache, which is also bounded by bytes (all entries, and each one: huge answers are not kept).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class ResultCache:
    """Serialised answers keyed by request, valid for one graph version; least recently used out.

    `get` with a new version empties the cache and makes that version current; `put` keeps an
    answer only for the current version, so a slow answer from an older version (or computed
    before a `clear`) never lands in the cache of the newer one.
    """

    def __init__(
        self,
        max_entries: int = 512,
        max_bytes: int | None = None,
        max_entry_bytes: int | None = None,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._version: str | None = None
        self._started = False
        self._generation = 0
        self._entries: OrderedDict[Hashable, tuple[str, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _check(self, version: str | None) -> None:
        if not self._started or version != self._version:
            self._drop_all()
            self._version = version
            self._started = True

    def _drop_all(self) -> None:
        self._entries.clear()
        self._size = 0
        self._generation += 1

    @property
    def generation(self) -> int:
        """Changes whenever the cache is emptied; pass it back to `put` (see there)."""
        return self._generation

    def get(self, version: str | None, key: Hashable) -> tuple[str, bytes] | None:
        with self._lock:
            self._check(version)
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return found

    def put(
        self,
        version: str | None,
        key: Hashable,
        value: tuple[str, bytes],
        generation: int | None = None,
    ) -> bool:
        """Keep `value` unless the version moved on, the cache was emptied since `generation`
        was read, or the answer is larger than `max_entry_bytes`; True when kept."""
        size = len(value[1])
        with self._lock:
            if self._started and version != self._version:
                return False  # an answer from another version than the one served now
            self._check(version)
            if generation is not None and generation != self._generation:
                return False
            if self.max_entry_bytes is not None and size > self.max_entry_bytes:
                return False
            if self.max_bytes is not None and size > self.max_bytes:
                return False
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old[1])
            self._entries[key] = value
            self._size += size
            while len(self._entries) > self.max_entries or (
                self.max_bytes is not None and self._size > self.max_bytes
            ):
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped[1])
            return True

    def clear(self) -> None:
        """Forget everything (after an update that does not change the version id)."""
        with self._lock:
            self._drop_all()

    @property
    def size(self) -> int:
        """Bytes of the answers kept."""
        return self._size

    def __len__(self) -> int:
        return len(self._entries)
