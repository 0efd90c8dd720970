"""Users, roles and bodies in SQLite (outside the published graph).

Roles: `viewer` reads (as anonymous); `editor` edits the activities in which one of their bodies
is responsible; `admin` edits every activity and reverts edits. Each user has a `generation`,
a random value changed by a new password: tokens carry it, so a removed user's or an old
password's tokens stop working at once.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wcokg.accounts.passwords import hash_password, verify_password
from wcokg.errors import WcokgError
from wcokg.private_db import private_db

ROLES = ("viewer", "editor", "admin")
MAX_PASSWORD = 1024
"""Longest password accepted (hashing a huge input is a denial-of-service lever)."""
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


class AccountError(WcokgError):
    """A bad user name, role, body or password, or an unknown user (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class User:
    """A user as the API sees it: no password hash."""

    name: str
    role: str
    bodies: tuple[str, ...]
    generation: str
    created: str

    def can_edit(self, responsible_bodies: Sequence[str]) -> bool:
        """Admins edit everything; editors the activities one of their bodies is responsible for."""
        if self.role == "admin":
            return True
        return self.role == "editor" and bool(set(self.bodies) & set(responsible_bodies))


def check_name(name: str) -> str:
    """A user name: 1-64 lowercase letters, digits, `.`, `_`, `-`; raises AccountError."""
    if not 1 <= len(name) <= 64 or not set(name) <= _NAME_CHARS:
        raise AccountError(
            f"user name {name[:64]!r}: expected 1-64 lowercase letters, digits, '.', '_' or '-'"
        )
    return name


def check_password_policy(password: str, min_length: int) -> None:
    """Refuse a password shorter than `min_length` characters, longer than 1024, or made of one
    repeated character; the message never contains the password."""
    if len(password) < min_length:
        raise AccountError(f"password too short: expected at least {min_length} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"password too long: expected at most {MAX_PASSWORD} characters")
    if len(set(password)) == 1:
        raise AccountError("password is one repeated character")


class UserStore:
    """The users table in `path` (SQLite, WAL, created on first use, file mode 0600)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return private_db(
            self.path,
            "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL,"
            " bodies TEXT NOT NULL, hash TEXT NOT NULL, generation TEXT NOT NULL,"
            " created TEXT NOT NULL)",
            30,
            lambda reason: AccountError(
                f"users file: cannot open it in the private folder ({reason})"
            ),
        )

    def add(
        self, name: str, role: str, bodies: Sequence[str], password: str, min_length: int
    ) -> User:
        """Create a user; raises AccountError for a taken name, bad role or weak password."""
        check_name(name)
        if role not in ROLES:
            raise AccountError(f"role {role!r}: expected one of {', '.join(ROLES)}")
        if role == "editor" and not bodies:
            raise AccountError("an editor needs at least one --body (the bodies they edit for)")
        check_password_policy(password, min_length)
        user = User(
            name,
            role,
            tuple(dict.fromkeys(bodies)),
            secrets.token_hex(8),
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        with self._connect() as db:
            try:
                db.execute(
                    "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        name,
                        role,
                        " ".join(user.bodies),
                        hash_password(password),
                        user.generation,
                        user.created,
                    ),
                )
            except sqlite3.IntegrityError:
                raise AccountError(f"user {name!r} exists already") from None
        return user

    def get(self, name: str) -> User | None:
        """The user called `name`, or None."""
        found = self._row(name)
        return found[0] if found else None

    def _row(self, name: str) -> tuple[User, str] | None:
        if not self.path.exists():  # no users yet: reading creates nothing
            return None
        with self._connect() as db:
            row = db.execute(
                "SELECT name, role, bodies, generation, created, hash FROM users WHERE name = ?",
                (name,),
            ).fetchone()
        if row is None:
            return None
        return User(row[0], row[1], tuple(row[2].split()), row[3], row[4]), row[5]

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when name and password match, else None (same work either way)."""
        found = self._row(name) if len(password) <= MAX_PASSWORD else None
        if found is None:
            verify_password(password[:MAX_PASSWORD], None)
            return None
        user, stored = found
        return user if verify_password(password, stored) else None

    def list(self) -> list[User]:
        """Every user, by name."""
        if not self.path.exists():
            return []
        with self._connect() as db:
            rows = db.execute(
                "SELECT name, role, bodies, generation, created FROM users ORDER BY name"
            ).fetchall()
        return [User(r[0], r[1], tuple(r[2].split()), r[3], r[4]) for r in rows]

    def remove(self, name: str) -> None:
        """Delete a user (their tokens stop working); raises AccountError when unknown."""
        with self._connect() as db:
            if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise AccountError(f"no user {name!r}")

    def set_password(self, name: str, password: str, min_length: int) -> None:
        """Change a password; the user's earlier tokens stop working."""
        check_password_policy(password, min_length)
        with self._connect() as db:
            changed = db.execute(
                "UPDATE users SET hash = ?, generation = ? WHERE name = ?",
                (hash_password(password), secrets.token_hex(8), name),
            ).rowcount
        if changed == 0:
            raise AccountError(f"no user {name!r}")
