"""SQLite files in the private folder (the users table, the edit log): never in the graph."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def private_db(
    path: Path, schema: str, timeout: float, error: Callable[[str], Exception]
) -> Iterator[sqlite3.Connection]:
    """A connection to the SQLite file `path`, made with mode 0600 in a 0700 folder on first use,
    in WAL mode with synchronous FULL (a commit is on disk when it returns), `schema` applied.

    `timeout` (seconds) is how long a writer waits for the lock. Raises `error(reason)` with a
    short reason (no path) when the file cannot be opened; closes the connection on exit.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        new = not path.exists()
        db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        if new:
            path.chmod(0o600)
    except (OSError, sqlite3.Error) as failure:
        raise error(getattr(failure, "strerror", None) or type(failure).__name__) from None
    try:
        db.execute("PRAGMA synchronous=FULL")
        key = (path.resolve(), schema)
        if new or key not in _READY:  # once per process: both need the write lock, which an edit
            db.execute("PRAGMA journal_mode=WAL")  # being stored holds (readers then waited)
            db.executescript(schema)
            _READY.add(key)
        yield db
    finally:
        db.close()


_READY: set[tuple[Path, str]] = set()
"""Files whose WAL mode and schema this process has set (both persist in the file)."""
