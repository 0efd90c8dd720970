"""Answers already made, sent without routing: `/sparql` (GET), `/queries/{name}` and activity
pages whose answer is cached for the graph version served.

FastAPI's routing, dependency solving and exception middleware cost more per request (~0.4 ms,
measured) than sending a cached answer. This ASGI middleware sits inside the hardening and CORS
middleware (so every answer still carries their headers) and asks each route's `peek`
function for a ready answer; a peek answers only a well-formed request whose answer is in a
cache, and gives None for anything else (errors, misses, a store whose version cannot be read
without blocking), which then goes through the app as before.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

Peek = Callable[[Request, Any], Response | None]
"""A route's fast path: the request and the app's state, a ready answer or None."""

Direct = Callable[[Request, Any], Awaitable[Response | None]]
"""A route answered without routing even when nothing is cached (`/sparql`'s uncached GET):
the request and the app's state, an answer or None (then the app routes it). Exceptions are
answered by the app's own exception handlers, as if the route had raised them."""


class CachedAnswers:
    """ASGI middleware: a GET with a ready answer is answered at once, the rest goes on."""

    def __init__(
        self,
        app: ASGIApp,
        state: Any,
        peeks: list[tuple[str, Peek]],
        directs: dict[str, Direct] | None = None,
    ) -> None:
        self.app = app
        self.state = state
        self.peeks = peeks  # (path prefix, peek)
        self.directs = directs or {}  # exact path: direct

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            for prefix, peek in self.peeks:
                if path.startswith(prefix):
                    try:
                        response = peek(Request(scope), self.state)
                    except Exception:  # noqa: BLE001 - the app will answer (or report) it
                        log.debug("fast path declined %s", path, exc_info=True)
                        response = None
                    if response is not None:
                        await response(scope, receive, send)
                        return
                    break
            direct = self.directs.get(path)
            if direct is not None:
                request = Request(scope, receive)
                try:
                    response = await direct(request, self.state)
                except Exception as error:  # noqa: BLE001 - answered by the app's handlers
                    response = await _handled(request, error)
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


async def _handled(request: Request, error: Exception) -> Response:
    """The answer the app's exception handlers give for `error` (re-raised when none does)."""
    handlers = request.app.exception_handlers
    for kind in type(error).__mro__:
        handler = handlers.get(kind)
        if handler is not None:
            response: Response = await handler(request, error)
            return response
    raise error
