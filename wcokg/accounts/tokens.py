"""Signed, expiring tokens (JWT, HS256 with PyJWT) for the bearer header and the session cookie.

A token names the user and their `generation` (users.py): a removed user, or a user whose
password changed, no longer matches and the token is refused. The signing key is the
`secret_key` setting or, by default, 32 random bytes kept in `private_dir/secret-key` (0600).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jwt

from wcokg.accounts.users import AccountError

ALGORITHM = "HS256"


@dataclass(frozen=True)
class Claims:
    """What a valid token says: who, which generation of their password, for what, until when."""

    user: str
    generation: str
    purpose: str  # "access" (bearer) or "session" (cookie; carries the CSRF token)
    expires: int
    csrf: str = ""


def load_secret(folder: Path, configured: str | None = None, create: bool = True) -> bytes | None:
    """The signing key: the configured one, else the key file under `folder`, made when missing
    and `create` (written with O_EXCL so two processes starting together keep one key); None
    when missing and not `create` (no token can have been issued)."""
    if configured:
        if len(configured) < 32:
            raise AccountError("WCOKG_SECRET_KEY: expected at least 32 characters")
        return configured.encode("utf-8")
    path = Path(folder) / "secret-key"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        if not create:
            return None
    except ValueError:
        raise AccountError("signing key: not a key written by wcokg (hex expected)") from None
    key = secrets.token_bytes(32)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_secret(folder)
    except OSError as error:
        raise AccountError(
            f"signing key: cannot write it in the private folder ({error.strerror})"
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.hex())
        out.flush()
        os.fsync(out.fileno())
    return key


class TokenSigner:
    """Issues and checks tokens with one key and lifetime (seconds); the key is bytes, or a
    function `source(create)` giving it when first needed."""

    def __init__(self, key: bytes | Callable[[bool], bytes | None], lifetime: int) -> None:
        self._source = key
        self._loaded: bytes | None = key if isinstance(key, bytes) else None
        self.lifetime = lifetime

    def _key(self, create: bool) -> bytes | None:
        """The key; `source(create)` is asked until it has one (checking a token never makes
        a key file: without one, no token is valid)."""
        if self._loaded is None:
            source = self._source
            self._loaded = source if isinstance(source, bytes) else source(create)
        return self._loaded

    def issue(self, user: str, generation: str, purpose: str = "access") -> tuple[str, Claims]:
        """A new token and its claims; a session token also gets a random CSRF token."""
        now = int(time.time())
        claims = Claims(
            user,
            generation,
            purpose,
            now + self.lifetime,
            secrets.token_urlsafe(24) if purpose == "session" else "",
        )
        payload = {
            "sub": user,
            "gen": generation,
            "pur": purpose,
            "iat": now,
            "exp": claims.expires,
            "csrf": claims.csrf,
        }
        key = self._key(True)
        if key is None:
            raise AccountError("signing key: none could be made")
        return jwt.encode(payload, key, algorithm=ALGORITHM), claims

    def check(self, token: str, purpose: str) -> Claims | None:
        """The claims of a valid, unexpired token of this purpose; None otherwise."""
        key = self._key(False)
        if key is None:
            return None
        try:
            data = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                options={"require": ["exp", "sub", "gen", "pur"]},
            )
        except jwt.PyJWTError:
            return None
        if data.get("pur") != purpose:
            return None
        return Claims(
            str(data["sub"]),
            str(data["gen"]),
            purpose,
            int(data["exp"]),
            str(data.get("csrf", "")),
        )
