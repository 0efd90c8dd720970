"""Password hashing with pwdlib's Argon2id hasher (argon2-cffi underneath).

pwdlib is the hashing library FastAPI's own documentation now recommends; Argon2id with its
default cost parameters is the OWASP first choice. Own code only decides what to do with a
user name that does not exist: verify against a fixed dummy hash, so that an unknown name
takes as long as a wrong password (no user enumeration by timing).
"""

from __future__ import annotations

from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher


@cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


@cache
def _dummy_hash() -> str:
    return _hasher().hash("not a password: spends the time of one verification")


def hash_password(password: str) -> str:
    """The Argon2id hash (PHC string, salt included) of `password`."""
    return _hasher().hash(password)


def verify_password(password: str, stored_hash: str | None) -> bool:
    """True when `password` matches `stored_hash`; with no hash (unknown user) the same work is
    done against a dummy hash and the answer is False. The comparison inside argon2 is
    constant-time."""
    if stored_hash is None:
        _hasher().verify(password, _dummy_hash())
        return False
    try:
        return bool(_hasher().verify(password, stored_hash))
    except Exception:  # a malformed stored hash is a failed log-in, never a crash
        return False
