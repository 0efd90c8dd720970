"""HTTP conformance every route shares: HEAD wherever GET is served, `Allow` on every 405, and
one decoding rule for the URL (README: "Request decoding").

- `HeadAsGet` answers HEAD by running the GET route and dropping the body: same status and
  headers (Content-Length included), no body. FastAPI routes declared for GET do not take HEAD
  by themselves.
- `allowed_methods` lists the methods a path takes (over every route matching it, HEAD with
  GET), for the `Allow` header of a 405.
- `Utf8Url` refuses a path or query string whose percent-decoded bytes are not UTF-8 with 400,
  before any route sees it: Starlette would otherwise replace them with U+FFFD silently, so
  `?query=` and a form or a `application/sparql-query` body with the same bytes would differ.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wcokg.api.problems import problem_response


class HeadAsGet:
    """ASGI middleware: a HEAD request is served as GET and its body dropped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def allowed_methods(scope: Scope) -> str:
    """The methods some route takes on this path, as an `Allow` value (HEAD with GET).

    Each method is tried against the app's routes (a full match means a route takes it), so
    routers included in any way are covered without reading their internals."""
    routes = getattr(getattr(scope.get("app"), "router", None), "routes", [])
    methods = [
        method
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in routes)
    ]
    if "GET" in methods:
        methods.insert(1, "HEAD")
    return ", ".join(methods)


def not_utf8(scope: Scope) -> str | None:
    """Which part of the URL is not UTF-8 once percent-decoded ("the path", "the query
    string"), or None when both are."""
    raw_path = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogateescape")
    try:
        unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        return "the path"
    for part in scope.get("query_string", b"").replace(b";", b"&").split(b"&"):
        try:
            unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return "the query string"
    return None


def utf8_problem(channel: str) -> tuple[int, str, str]:
    """The one answer to bytes that are not UTF-8, whichever channel carried them."""
    return 400, "Bad request", f"{channel} is not valid UTF-8 (percent-encode UTF-8 bytes)"


class Utf8Url:
    """ASGI middleware: 400 for a path or query string that is not UTF-8 (`utf8_problem`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            channel = not_utf8(scope)
            if channel is not None:
                await problem_response(*utf8_problem(channel))(scope, receive, send)
                return
        await self.app(scope, receive, send)
