"""Errors as application/problem+json (RFC 9457), mapped once for the whole app."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from wcokg.errors import QueryError, StoreError, WcokgError

PROBLEM = "application/problem+json"


class Problem(Exception):
    """An HTTP error a route raises: status, a short title and a detail a person understands."""

    def __init__(
        self, status: int, title: str, detail: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = dict(headers or {})


def problem_response(
    status: int, title: str, detail: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status_code=status,
        media_type=PROBLEM,
        headers=dict(headers or {}),
    )


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.exception_handler(Problem)
    async def _problem(_: Request, error: Problem) -> JSONResponse:
        return problem_response(error.status, error.title, error.detail, error.headers)

    @app.exception_handler(WcokgError)
    async def _domain(_: Request, error: WcokgError) -> JSONResponse:
        if isinstance(error, StoreError):
            return problem_response(503, "Store unavailable", str(error))
        if isinstance(error, QueryError):
            return problem_response(400, "Bad query", str(error))
        return problem_response(500, type(error).__name__, str(error))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        headers = dict(error.headers or {})
        if error.status_code == 405:  # every route on the path, not only the first matched
            from wcokg.api.protocol import allowed_methods

            headers["Allow"] = allowed_methods(request.scope)
        return problem_response(
            error.status_code, _title(error.status_code), str(error.detail), headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, error: RequestValidationError) -> JSONResponse:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in error.errors()
        )
        return problem_response(422, "Invalid request", detail)


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
