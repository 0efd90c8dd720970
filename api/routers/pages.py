"""The home page, `/health` and `/activities.json` (fuller pages come with a later issue)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from wcokg.api.deps import StoreDep
from wcokg.table import activity_rows

router = APIRouter()


@router.get("/health", summary="Liveness and the graph version served")
async def health(store: StoreDep) -> dict[str, str | None]:
    return {"status": "ok", "version": await run_in_threadpool(store.version)}


@router.get("/activities.json", summary="The activities table as JSON")
def activities(store: StoreDep, include_deleted: bool = False) -> list[dict[str, object]]:
    return [r.as_dict() for r in activity_rows(store, include_deleted)]


@router.get("/", response_class=HTMLResponse, summary="Home page")
def home(store: StoreDep) -> str:
    rows = activity_rows(store)
    items = "".join(
        f"<tr><td>{r.id}</td><td>{r.priority}</td><td>{r.status}</td><td>{_escape(r.title)}</td></tr>"
        for r in rows
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>wcokg — WCO work programmes</title></head><body>"
        f"<h1>WCO work programmes</h1><p>{len(rows)} current activities.</p>"
        "<p><a href='/sparql'>SPARQL endpoint</a> · <a href='/queries'>named queries</a></p>"
        "<table><thead><tr><th>Id</th><th>Priority</th><th>Status</th><th>Title</th></tr></thead>"
        f"<tbody>{items}</tbody></table></body></html>"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
