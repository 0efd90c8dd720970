"""Accounts: password policy and hashing, users in SQLite, tokens, log-in rate limits, the CLI."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from clirunner import run_wcokg

from wcokg.accounts import AccountError, UserStore, check_password_policy
from wcokg.accounts.ratelimit import LoginLimiter
from wcokg.accounts.tokens import TokenSigner, load_secret

PASSWORD = "correct horse battery staple"


def test_password_policy() -> None:
    check_password_policy(PASSWORD, 12)
    with pytest.raises(AccountError, match="at least 12"):
        check_password_policy("short-pass", 12)
    with pytest.raises(AccountError, match="repeated"):
        check_password_policy("a" * 20, 12)
    with pytest.raises(AccountError, match="at most 1024"):
        check_password_policy("ab" * 600, 12)


def test_users_are_stored_with_argon2_hashes_only(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.sqlite")
    users.add("ana", "editor", ["swg", "swg"], PASSWORD, 12)
    row = sqlite3.connect(tmp_path / "users.sqlite").execute("SELECT * FROM users").fetchone()
    assert PASSWORD not in str(row)
    assert row[3].startswith("$argon2id$")
    assert (tmp_path / "users.sqlite").stat().st_mode & 0o077 == 0
    assert users.get("ana").bodies == ("swg",)  # type: ignore[union-attr]
    assert users.authenticate("ana", PASSWORD) is not None
    assert users.authenticate("ana", PASSWORD + "x") is None
    assert users.authenticate("nobody", PASSWORD) is None


def test_bad_names_roles_and_duplicates_are_refused(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.sqlite")
    for name, role, bodies in (
        ("Ana Smith", "editor", ["swg"]),
        ("ana", "owner", []),
        ("ana", "editor", []),
    ):
        with pytest.raises(AccountError):
            users.add(name, role, bodies, PASSWORD, 12)
    users.add("ana", "viewer", [], PASSWORD, 12)
    with pytest.raises(AccountError, match="exists"):
        users.add("ana", "viewer", [], PASSWORD, 12)


def test_a_new_password_changes_the_generation(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.sqlite")
    before = users.add("ana", "viewer", [], PASSWORD, 12).generation
    users.set_password("ana", PASSWORD + "!", 12)
    assert users.get("ana").generation != before  # type: ignore[union-attr]
    assert users.authenticate("ana", PASSWORD) is None
    users.remove("ana")
    assert users.get("ana") is None
    with pytest.raises(AccountError):
        users.remove("ana")


def test_tokens_expire_and_are_bound_to_key_and_purpose(tmp_path: Path) -> None:
    key = load_secret(tmp_path)
    assert load_secret(tmp_path) == key  # made once, then read
    assert (tmp_path / "secret-key").stat().st_mode & 0o077 == 0
    signer = TokenSigner(key, 60)
    token, claims = signer.issue("ana", "g1")
    assert signer.check(token, "access") == claims
    assert signer.check(token, "session") is None
    assert TokenSigner(b"another key of thirty-two bytes!!", 60).check(token, "access") is None
    assert signer.check(token[:-2] + "xx", "access") is None
    expired, _ = TokenSigner(key, -1).issue("ana", "g1")
    assert signer.check(expired, "access") is None
    session, session_claims = signer.issue("ana", "g1", "session")
    assert session_claims.csrf and signer.check(session, "session") == session_claims


def test_rate_limit_counts_failures_per_key() -> None:
    limiter = LoginLimiter(attempts=2, window=0.5)
    assert limiter.retry_after(["user:a"]) == 0
    limiter.failed(["user:a", "addr:1"])
    limiter.failed(["user:a", "addr:1"])
    assert limiter.retry_after(["user:a"]) > 0
    assert limiter.retry_after(["addr:1", "user:b"]) > 0
    assert limiter.retry_after(["user:b", "addr:2"]) == 0
    time.sleep(0.6)
    assert limiter.retry_after(["user:a"]) == 0


def test_users_cli(tmp_path: Path) -> None:
    store = tmp_path / "store"
    env = {"WCOKG_PRIVATE_DIR": str(tmp_path / "private")}

    def users(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        import os
        import subprocess
        import sys

        done = subprocess.run(
            [sys.executable, "-m", "wcokg.cli", "users", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, **env, "WCOKG_STORE": str(store)},
            timeout=120,
        )
        return done.returncode, done.stdout, done.stderr

    code, out, err = users(
        "add",
        "ana",
        "--role",
        "editor",
        "--body",
        "swg",
        "--body",
        "dmpt",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0, err
    assert out == "added ana (editor for swg, dmpt)\n"
    code, out, err = users(
        "add",
        "bob",
        "--role",
        "editor",
        "--body",
        "nobody",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert (
        code == 2 and err.startswith("wcokg: error: unknown body nobody") and "Traceback" not in err
    )
    code, out, err = users("add", "bob", "--role", "admin", "--password-stdin", stdin="tiny\n")
    assert code == 2 and "too short" in err and "tiny" not in err + out
    code, out, _ = users("list")
    assert out.startswith("ana\teditor\tswg dmpt\t") and PASSWORD not in out
    code, out, err = users("passwd", "ana", "--password-stdin", stdin="another good password\n")
    assert code == 0 and "another good password" not in out + err
    assert UserStore(tmp_path / "private" / "users.sqlite").authenticate(
        "ana", "another good password"
    )
    assert users("remove", "ana")[0] == 0
    code, _, err = users("remove", "ana")
    assert code == 2 and err == "wcokg: error: no user 'ana'\n"
    assert run_wcokg(store, "users", "list", env=env).stdout == ""
