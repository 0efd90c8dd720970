"""Failed log-ins counted per user name and per client address over a sliding window.

Kept in the serving process's memory (one `wcokg serve` process): a restart forgets the
counts. Beyond `attempts` failures within `window` seconds, a key is refused until its oldest
failure leaves the window.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class LoginLimiter:
    """Counts failures per key ("user:NAME", "addr:IP")."""

    def __init__(self, attempts: int, window: float) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        found = self._failures[key]
        while found and found[0] <= now - self.window:
            found.popleft()
        if not found:
            del self._failures[key]
        return found

    def retry_after(self, keys: list[str]) -> int:
        """Seconds until every key may try again (0: allowed now)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in keys:
                found = self._trim(key, now)
                if len(found) >= self.attempts:
                    wait = max(wait, found[0] + self.window - now)
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, keys: list[str]) -> None:
        """Record one failed attempt under each key."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures[key].append(now)
