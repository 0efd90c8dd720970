"""CORS open for reading: every response allows any origin; preflights allow GET and HEAD.

Starlette's CORSMiddleware sends `Access-Control-Allow-Origin` only when the request has an
Origin header, so it must add `Vary: Origin`. Here the header is sent on every response, the
same for every origin, so responses do not vary by Origin and `Vary` stays what the route set
(`Accept`). Nothing but GET/HEAD is allowed across origins (no credentials).
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOWED_METHODS = "GET, HEAD"
MAX_AGE = "600"


class ReadOnlyCORS:
    """ASGI middleware: `Access-Control-Allow-Origin: *` everywhere, preflights for GET/HEAD."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if (
            scope["method"] == "OPTIONS"
            and "origin" in headers
            and "access-control-request-method" in headers
        ):
            response = Response(
                status_code=200,
                headers={
                    "Access-Control-Allow-Origin": "*",
                    "Access-Control-Allow-Methods": ALLOWED_METHODS,
                    "Access-Control-Allow-Headers": headers.get(
                        "access-control-request-headers", "Accept"
                    ),
                    "Access-Control-Max-Age": MAX_AGE,
                },
            )
            await response(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Access-Control-Allow-Origin"] = "*"
            await send(message)

        await self.app(scope, receive, send_with_cors)
