"""Who is asking: bearer tokens (API) and session cookies with CSRF tokens (pages).

`app.state.accounts` is an `Accounts`: the users, the token signer, the log-in rate limiter.
The API's write routes take `Authorization: Bearer <token>` from `POST /auth/token`; pages take
the `wcokg_session` cookie (HttpOnly, SameSite=Strict, Secure over HTTPS or when
`WCOKG_SECURE_COOKIES`), and every form they post carries the session's CSRF token, compared
in constant time. Log-in forms (no session yet) use a double-submit CSRF cookie.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from starlette.responses import Response

from wcokg.accounts import User, UserStore
from wcokg.accounts.ratelimit import LoginLimiter
from wcokg.accounts.tokens import Claims, TokenSigner, load_secret
from wcokg.api.problems import Problem
from wcokg.settings import Settings

SESSION_COOKIE = "wcokg_session"
LOGIN_CSRF_COOKIE = "wcokg_login_csrf"
BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="wcokg"'}


@dataclass
class Accounts:
    """Users, signer and limiter of one app."""

    users: UserStore
    signer: TokenSigner
    limiter: LoginLimiter
    settings: Settings

    @classmethod
    def from_settings(cls, settings: Settings) -> Accounts:
        folder = settings.private_path()
        secret = settings.secret_key.get_secret_value() if settings.secret_key else None
        return cls(
            UserStore(folder / "users.sqlite"),
            TokenSigner(
                lambda create: load_secret(folder, secret, create), settings.token_lifetime
            ),
            LoginLimiter(settings.login_attempts, settings.login_window),
            settings,
        )

    def user_for(self, token: str, purpose: str) -> tuple[User, Claims] | None:
        """The user a valid token names, if they still exist with the same password."""
        claims = self.signer.check(token, purpose)
        if claims is None:
            return None
        user = self.users.get(claims.user)
        if user is None or not hmac.compare_digest(user.generation, claims.generation):
            return None
        return user, claims

    def log_in(self, name: str, password: str, address: str) -> User:
        """Check a password under the rate limit: 429 when this name or address failed too
        often lately, 401 for wrong credentials (same answer for an unknown name)."""
        keys = [f"user:{name.casefold()[:64]}", f"addr:{address}"]
        wait = self.limiter.retry_after(keys)
        if wait:
            raise Problem(
                429,
                "Too Many Requests",
                "too many failed log-ins: try again later",
                {"Retry-After": str(wait)},
            )
        user = self.users.authenticate(name, password)
        if user is None:
            self.limiter.failed(keys)
            raise Problem(401, "Unauthorized", "wrong user name or password", BEARER_CHALLENGE)
        return user


def accounts_of(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


OAUTH2 = OAuth2PasswordBearer(
    tokenUrl="/auth/token", auto_error=False, description="POST /auth/token (password flow)"
)
"""FastAPI's reader of `Authorization: Bearer …` (and the OpenAPI security scheme, so /docs
can log in); errors are ours (problem+json)."""


def bearer_user(request: Request, token: Annotated[str | None, Depends(OAUTH2)]) -> User:
    """The user of `Authorization: Bearer …`; 401 without one, or when it is expired,
    forged, or its user was removed or changed password."""
    if not token or not token.strip():
        raise Problem(
            401, "Unauthorized", "log in: send Authorization: Bearer <token>", BEARER_CHALLENGE
        )
    found = accounts_of(request).user_for(token.strip(), "access")
    if found is None:
        raise Problem(
            401,
            "Unauthorized",
            "the token is invalid or expired, or its user no longer exists",
            {"WWW-Authenticate": 'Bearer realm="wcokg", error="invalid_token"'},
        )
    return found[0]


BearerUser = Annotated[User, Depends(bearer_user)]


def session_of(request: Request) -> tuple[User, Claims] | None:
    """The logged-in user of the session cookie, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    return accounts_of(request).user_for(token, "session") if token else None


def any_user(request: Request, token: Annotated[str | None, Depends(OAUTH2)]) -> User:
    """A bearer token or a session: who is reading the edit log (401 for anonymous)."""
    if request.headers.get("authorization"):
        return bearer_user(request, token)
    found = session_of(request)
    if found is None:
        raise Problem(401, "Unauthorized", "the edit log is for logged-in users", BEARER_CHALLENGE)
    return found[0]


AnyUser = Annotated[User, Depends(any_user)]


def check_csrf(expected: str, given: str | None) -> None:
    """403 unless the form's CSRF token equals the expected one (constant-time)."""
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise Problem(403, "Forbidden", "missing or wrong CSRF token: reload the form")


def secure(request: Request) -> bool:
    """Cookies are Secure over HTTPS, and always when the settings say so."""
    return request.url.scheme == "https" or accounts_of(request).settings.secure_cookies


def set_session(request: Request, response: Response, user: User) -> None:
    """Start a session for `user`: the signed cookie (its CSRF token inside)."""
    accounts = accounts_of(request)
    token, _claims = accounts.signer.issue(user.name, user.generation, "session")
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=accounts.signer.lifetime,
        httponly=True,
        secure=secure(request),
        samesite="strict",
        path="/",
    )


def clear_session(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, secure=secure(request), samesite="strict", path="/"
    )


def login_csrf_token(request: Request) -> str:
    """The double-submit token of the log-in form: the cookie's, or a new one."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)


def set_login_csrf(request: Request, response: Response, token: str) -> None:
    """Send the log-in form's CSRF cookie (read back by `POST /login`)."""
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        secure=secure(request),
        samesite="strict",
        path="/login",
    )
