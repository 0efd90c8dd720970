"""The interactive API documentation, `/docs` (Swagger UI) and `/redoc` (ReDoc), served offline.

FastAPI's own pages load Swagger UI and ReDoc from a CDN and start them with an inline script.
Here the assets come from the `fastapi-offline` package, which ships the released bundles of
both (kept current by its maintainer), mounted at `/docs/assets/`; the pages are small templates
whose only script besides the bundle is `/static/api-docs.js`; ReDoc runs without its search
(it would start a worker from a `blob:` URL, which the CSP refuses). So they work without a network
and under the same Content-Security-Policy as every page (`script-src 'self'`, no inline script).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs/assets"
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
"""Swagger UI (`swagger-ui-bundle.js`, `swagger-ui.css`), ReDoc (`redoc.standalone.js`)."""

_SWAGGER = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · API (Swagger UI)</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""

_REDOC = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · API (ReDoc)</title>
<link rel="icon" href="{assets}/favicon.png">
</head>
<body>
<redoc spec-url="{openapi}" disable-search="true"></redoc>
<script src="{assets}/redoc.standalone.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Adds `/docs`, `/redoc` and their assets to an app created with `docs_url=None` and
    `redoc_url=None` (so FastAPI's CDN pages are not registered)."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="api-docs-assets")
    values = {"title": app.title, "assets": ASSETS_URL, "openapi": app.openapi_url or ""}
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(_SWAGGER.format(**values))

    @router.get("/redoc")
    async def redoc() -> HTMLResponse:
        return HTMLResponse(_REDOC.format(**values))

    app.include_router(router)
