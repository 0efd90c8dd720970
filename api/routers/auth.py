"""Log-in: `POST /auth/token` (OAuth2 password flow, for API clients) and the pages' log-in
form with a session cookie (`/login`, `/logout`)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field
from starlette.responses import Response

from wcokg.api.problems import Problem
from wcokg.api.services.auth import (
    LOGIN_CSRF_COOKIE,
    accounts_of,
    check_csrf,
    clear_session,
    client_address,
    login_csrf_token,
    session_of,
    set_login_csrf,
    set_session,
)
from wcokg.api.services.web import render

router = APIRouter(tags=["Accounts"])

NO_STORE = {"Cache-Control": "no-store"}


class Token(BaseModel):
    access_token: str
    token_type: str = Field(default="bearer", description="Always `bearer`")
    expires_in: int = Field(description="Seconds the token stays valid")


@router.post(
    "/auth/token",
    summary="Log in (OAuth2 password flow): a bearer token for the write routes",
    response_model=Token,
    responses={
        401: {"description": "Wrong user name or password"},
        429: {"description": "Too many failed log-ins for this user or address"},
    },
)
def token(
    request: Request,
    response: Response,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    accounts = accounts_of(request)
    user = accounts.log_in(form.username, form.password, client_address(request))
    access, _claims = accounts.signer.issue(user.name, user.generation, "access")
    response.headers.update(NO_STORE)
    return Token(access_token=access, expires_in=accounts.signer.lifetime)


_LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9/_.~%?=&+-]*")


def safe_next(target: str | None) -> str:
    """Only a plain local path is followed after log-in (no scheme, no `//host`, no
    backslash, whitespace or control character a browser might fold into one)."""
    if target and _LOCAL_PATH.fullmatch(target):
        return target
    return "/"


@router.get("/login", summary="The log-in form", include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> Response:
    token = login_csrf_token(request)
    session = session_of(request)
    page = render(
        request,
        "login.html",
        {
            "csrf": token,
            "next": safe_next(next),
            "user": session[0] if session else None,
            "logout_csrf": session[1].csrf if session else "",
            "error": None,
        },
        headers=NO_STORE,
    )
    set_login_csrf(request, page, token)
    return page


@router.post("/login", summary="Log in from the form (session cookie)", include_in_schema=False)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=256)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    check_csrf(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf)
    try:
        user = accounts_of(request).log_in(username, password, client_address(request))
    except Problem as problem:
        if problem.status not in (401, 429):
            raise
        page = render(
            request,
            "login.html",
            {"csrf": csrf, "next": safe_next(next), "user": None, "error": problem.detail},
            status_code=problem.status,
            headers={
                **NO_STORE,
                **{k: v for k, v in problem.headers.items() if k == "Retry-After"},
            },
        )
        return page
    answer = RedirectResponse(safe_next(next), status_code=303, headers=NO_STORE)
    set_session(request, answer, user)
    return answer


@router.post("/logout", summary="Log out (ends the session cookie)", include_in_schema=False)
def logout(request: Request, csrf: Annotated[str, Form(max_length=256)] = "") -> Response:
    session = session_of(request)
    if session is not None:
        check_csrf(session[1].csrf, csrf)
    answer = RedirectResponse("/", status_code=303, headers=NO_STORE)
    clear_session(request, answer)
    return answer
