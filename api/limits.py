"""The HTTP API's limits and hardening, installed once by `create_app` (SECURITY.md).

- Every query runs in `GuardedStore`'s worker pool: time limit (the worker is killed), row and
  byte caps, concurrency cap, federation allow-list; except the `/sparql` queries of the
  bounded-cost lane (`wcokg.store.bounded`), provably small index scans, answered in-process
  under the same caps.
- Request bodies are capped (413), before and while they are read.
- Errors never carry a traceback, a file path or a library version: a catch-all handler
  answers 500 with a plain problem, and store errors name no folder or internal URL.
- Security headers on every answer; a Content-Security-Policy without inline script on pages.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wcokg.api.problems import PROBLEM, problem_response
from wcokg.errors import StoreError
from wcokg.settings import Settings
from wcokg.store.guarded import (
    ClientGone,
    FederationRefused,
    GuardedStore,
    QueryBusy,
    QueryLimits,
    QueryTimeout,
    ResultTooLarge,
)

log = logging.getLogger(__name__)

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""Pages: scripts only from /static (no inline script), inline styles allowed (SVG, exports)."""

DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
"""Anything else (data, pictures): nothing runs, nothing frames it."""

HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

_PATH = re.compile(r"(?<![\w:/.])/(?:[\w.@-]+/)+[\w.@-]*")


class BodyTooLarge(Exception):
    """A request body grew past the cap while it was read."""


def _csp(content_type: bytes) -> bytes:
    if content_type.startswith((b"text/html", b"application/xhtml", b"image/svg")):
        return PAGE_CSP.encode()
    return DATA_CSP.encode()


class Hardening:
    """ASGI middleware: body cap (Content-Length and streamed), security headers, no Server."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = False
                if too_big:
                    await _too_large(limit)(scope, receive, _with_headers(scope, send))
                    return
        received = 0

        async def capped() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        await self.app(scope, capped, _with_headers(scope, send))


def _with_headers(scope: Scope, send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (k, v) for k, v in message.get("headers", []) if k.lower() not in (b"server",)
            ]
            present = {k.lower() for k, _ in headers}
            content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
            for name, value in HEADERS:
                if name not in present:
                    headers.append((name, value))
            if b"content-security-policy" not in present:
                headers.append((b"content-security-policy", _csp(content_type.lower())))
            message = {**message, "headers": headers}
        await send(message)

    return sending


def _too_large(limit: int) -> JSONResponse:
    return problem_response(
        413,
        "Content Too Large",
        f"the request body is larger than {limit} bytes (WCOKG_MAX_BODY_BYTES)",
        {"Connection": "close"},
    )


def _scrub(text: str, store: Any) -> str:
    """A message without the store's folder or URL, nor any other file path."""
    location = getattr(store, "location", None)
    if location:
        text = text.replace(str(location), "the store")
    return _PATH.sub("…", text)


def install(app: FastAPI, settings: Settings) -> None:
    """Guard the app's store and add the handlers, the middleware and the pool's shutdown."""
    limits = QueryLimits.from_settings(settings)
    store = app.state.store
    if not isinstance(store, GuardedStore):
        store = app.state.store = GuardedStore(store, limits)

    @app.exception_handler(QueryTimeout)
    async def _timeout(_: Request, error: QueryTimeout) -> JSONResponse:
        return problem_response(
            503, "Query timed out", str(error), {"Retry-After": str(int(limits.timeout))}
        )

    @app.exception_handler(ClientGone)
    async def _gone(_: Request, error: ClientGone) -> JSONResponse:
        # Nobody reads it; 499 is the usual log code for "client closed the request".
        return problem_response(499, "Client closed request", str(error))

    @app.exception_handler(QueryBusy)
    async def _busy(_: Request, error: QueryBusy) -> JSONResponse:
        return problem_response(429, "Too many queries", str(error), {"Retry-After": "1"})

    @app.exception_handler(ResultTooLarge)
    async def _large(_: Request, error: ResultTooLarge) -> JSONResponse:
        return problem_response(400, "Result too large", str(error))

    @app.exception_handler(FederationRefused)
    async def _federation(_: Request, error: FederationRefused) -> JSONResponse:
        return problem_response(400, "Federation refused", str(error))

    @app.exception_handler(StoreError)
    async def _store(_: Request, error: StoreError) -> JSONResponse:
        log.warning("store error: %s", error)
        return problem_response(503, "Store unavailable", _scrub(str(error), store.inner))

    @app.exception_handler(BodyTooLarge)
    async def _body(_: Request, error: BodyTooLarge) -> JSONResponse:
        return _too_large(settings.max_body_bytes)

    @app.exception_handler(Exception)
    async def _any(request: Request, error: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
        return JSONResponse(
            {
                "type": "about:blank",
                "title": "Internal Server Error",
                "status": 500,
                "detail": "the server could not answer this request; it has been logged",
            },
            status_code=500,
            media_type=PROBLEM,
        )

    inner_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        try:
            async with inner_lifespan(application) as state:
                yield state
        finally:
            store.close()

    app.router.lifespan_context = lifespan
    app.add_middleware(Hardening, max_body_bytes=settings.max_body_bytes)
