"""The edit log: the durable, append-only source of truth of the draft.

SQLite in WAL mode with `synchronous=FULL` (every commit is on disk, fsync'd, before it
returns), in the private folder beside the users. One row per changed field; the fields one
request changed share a `request` id. Rows are never updated or deleted: a revert is a new row.
Publishing or discarding the draft adds a row to `closings` (who, when, `publish` with the
document code or `discard`, and the last edit it closes): the draft is made of the edits after
the latest closing (`pending`).
A writer holds the database's write lock (`BEGIN IMMEDIATE`) from its check of the activity's
latest edit to its commit, so two writers of one activity, in one process or several, are
serialised and the second sees the first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from wcokg.errors import StoreError
from wcokg.private_db import private_db

SCHEMA = """
CREATE TABLE IF NOT EXISTS edits (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request TEXT NOT NULL,
  at TEXT NOT NULL,
  user TEXT NOT NULL,
  programme TEXT NOT NULL,
  activity TEXT NOT NULL,
  field TEXT NOT NULL,
  old TEXT NOT NULL,
  new TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'edit',
  reverts INTEGER
);
CREATE INDEX IF NOT EXISTS edits_activity ON edits (activity, seq);
CREATE TABLE IF NOT EXISTS closings (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  user TEXT NOT NULL,
  action TEXT NOT NULL,
  code TEXT NOT NULL DEFAULT '',
  through INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Edit:
    """One changed field: who, when (ISO 8601 UTC), which activity, old and new value as text.

    `kind` is `edit` or `revert` (then `reverts` is the seq of the edit undone).
    """

    seq: int
    request: str
    at: str
    user: str
    programme: str
    activity: str
    field: str
    old: str
    new: str
    kind: str = "edit"
    reverts: int | None = None


@dataclass(frozen=True)
class NewEdit:
    """A field change about to be appended (the log gives it its seq)."""

    request: str
    at: str
    user: str
    programme: str
    activity: str
    field: str
    old: str
    new: str
    kind: str = "edit"
    reverts: int | None = None


@dataclass(frozen=True)
class Closing:
    """The draft published (with its document code) or discarded: who, when, up to which edit."""

    seq: int
    at: str
    user: str
    action: str
    code: str
    through: int


_COLUMNS = "seq, request, at, user, programme, activity, field, old, new, kind, reverts"


class EditLog:
    """The edits table in `path`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return private_db(
            self.path,
            SCHEMA,
            60,
            lambda reason: StoreError(f"edit log: cannot open it in the private folder ({reason})"),
        )

    def all(self) -> list[Edit]:
        """Every edit, oldest first."""
        return self.query()

    def query(
        self,
        activity: str | None = None,
        user: str | None = None,
        since: str | None = None,
        seq: int | None = None,
    ) -> list[Edit]:
        """Edits filtered by activity id, user name, time (`at >= since`, ISO 8601) or seq."""
        clauses, values = [], []
        for column, value in (("activity", activity), ("user", user), ("seq", seq)):
            if value is not None:
                clauses.append(f"{column} = ?")
                values.append(value)
        if since is not None:
            clauses.append("at >= ?")
            values.append(since)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        if not self.path.exists():  # nothing edited yet: reading creates nothing
            return []
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM edits{where} ORDER BY seq",  # noqa: S608 (fixed column names; values bound)
                values,
            ).fetchall()
        return [Edit(*row) for row in rows]

    def pending(self) -> list[Edit]:
        """The edits of the draft: those after the latest publication or discard."""
        if not self.path.exists():
            return []
        with self._connect() as db:
            return LogWriter(db).pending()

    def closings(self) -> list[Closing]:
        """Every publication and discard of the draft, oldest first."""
        if not self.path.exists():
            return []
        with self._connect() as db:
            rows = db.execute(
                "SELECT seq, at, user, action, code, through FROM closings ORDER BY seq"
            ).fetchall()
        return [Closing(*row) for row in rows]

    def last_seq(self, activity: str | None = None) -> int:
        """The seq of the latest edit (of one activity), 0 when none."""
        if not self.path.exists():
            return 0
        with self._connect() as db:
            return _last(db, activity)

    @contextmanager
    def writing(self) -> Iterator[LogWriter]:
        """Hold the write lock; what is appended is committed (fsync'd) when the block ends
        without an exception, and rolled back otherwise."""
        with self._connect() as db:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise StoreError(f"edit log: busy ({error})") from None
            try:
                yield LogWriter(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")


class LogWriter:
    """Reads and appends inside one write transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def last_seq(self, activity: str | None = None) -> int:
        return _last(self._db, activity)

    def savepoint(self) -> None:
        """Start a nested part of the transaction (one edit of a group commit)."""
        self._db.execute("SAVEPOINT edit")

    def rollback_to_savepoint(self) -> None:
        """Drop what was appended since `savepoint()` (a refused edit), and end the part."""
        self._db.execute("ROLLBACK TO SAVEPOINT edit")
        self._db.execute("RELEASE SAVEPOINT edit")

    def release_savepoint(self) -> None:
        """Keep what was appended since `savepoint()` in the transaction."""
        self._db.execute("RELEASE SAVEPOINT edit")

    def all(self) -> list[Edit]:
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM edits ORDER BY seq").fetchall()  # noqa: S608
        return [Edit(*row) for row in rows]

    def pending(self) -> list[Edit]:
        """The edits after the latest closing, oldest first."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM edits WHERE seq > "  # noqa: S608 (fixed column names)
            "(SELECT COALESCE(MAX(through), 0) FROM closings) ORDER BY seq"
        ).fetchall()
        return [Edit(*row) for row in rows]

    def close(self, at: str, user: str, action: str, code: str = "") -> Closing:
        """Record that the draft (every edit so far) was published under `code` or discarded."""
        through = _last(self._db, None)
        cursor = self._db.execute(
            "INSERT INTO closings (at, user, action, code, through) VALUES (?, ?, ?, ?, ?)",
            (at, user, action, code, through),
        )
        assert cursor.lastrowid is not None  # noqa: S101 (an INSERT has a row id)
        return Closing(cursor.lastrowid, at, user, action, code, through)

    def append(self, edits: Sequence[NewEdit]) -> list[Edit]:
        """Append the rows; returns them with their seq."""
        stored = []
        for e in edits:
            cursor = self._db.execute(
                "INSERT INTO edits (request, at, user, programme, activity, field, old, new,"
                " kind, reverts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    e.request,
                    e.at,
                    e.user,
                    e.programme,
                    e.activity,
                    e.field,
                    e.old,
                    e.new,
                    e.kind,
                    e.reverts,
                ),
            )
            seq = cursor.lastrowid
            assert seq is not None  # noqa: S101 (an INSERT has a row id)
            stored.append(Edit(seq, *(getattr(e, f) for f in _NEW_FIELDS)))
        return stored


_NEW_FIELDS = (
    "request",
    "at",
    "user",
    "programme",
    "activity",
    "field",
    "old",
    "new",
    "kind",
    "reverts",
)


def _last(db: sqlite3.Connection, activity: str | None) -> int:
    if activity is None:
        row = db.execute("SELECT MAX(seq) FROM edits").fetchone()
    else:
        row = db.execute("SELECT MAX(seq) FROM edits WHERE activity = ?", (activity,)).fetchone()
    return int(row[0] or 0)
