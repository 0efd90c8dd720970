"""App factory: `create_app(settings)` wires the store and the routers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from wcokg import __version__
from wcokg.errors import StoreError, WcokgError
from wcokg.settings import Settings, get_settings
from wcokg.store import EmbeddedStore, GraphStore
from wcokg.table import activity_rows


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """A FastAPI app serving the stored graph."""
    settings = settings or get_settings()
    app = FastAPI(title="wcokg", version=__version__, summary="WCO work-programme knowledge graph")
    app.state.store = store or EmbeddedStore(settings.store, settings.keep_versions)

    @app.exception_handler(WcokgError)
    async def domain_error(_: Request, error: WcokgError) -> JSONResponse:
        status = 503 if isinstance(error, StoreError) else 400
        return JSONResponse(
            {
                "type": "about:blank",
                "title": type(error).__name__,
                "status": status,
                "detail": str(error),
            },
            status_code=status,
            media_type="application/problem+json",
        )

    @app.get("/health", summary="Liveness and the graph version served")
    def health(request: Request) -> dict[str, str | None]:
        return {"status": "ok", "version": request.app.state.store.version()}

    @app.get("/activities.json", summary="The activities table as JSON")
    def activities(request: Request, include_deleted: bool = False) -> list[dict[str, object]]:
        return [r.as_dict() for r in activity_rows(request.app.state.store, include_deleted)]

    @app.get("/", response_class=HTMLResponse, summary="Home page")
    def home(request: Request) -> str:
        rows = activity_rows(request.app.state.store)
        items = "".join(
            f"<tr><td>{r.id}</td><td>{r.priority}</td><td>{r.status}</td><td>{_escape(r.title)}</td></tr>"
            for r in rows
        )
        return (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<title>wcokg — WCO work programmes</title></head><body>"
            f"<h1>WCO work programmes</h1><p>{len(rows)} current activities.</p>"
            "<table><thead><tr><th>Id</th><th>Priority</th><th>Status</th><th>Title</th></tr></thead>"
            f"<tbody>{items}</tbody></table></body></html>"
        )

    return app


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
