"""`/queries`: the named queries of `queries/*.rq`, listed and run with bound parameters."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from wcokg.api.conneg import VARY, choose
from wcokg.api.deps import CacheDep, StoreDep, local_version
from wcokg.api.disconnect import while_connected
from wcokg.api.problems import Problem
from wcokg.api.services.warmup import Warmer
from wcokg.errors import QueryError
from wcokg.output import render, select_records
from wcokg.registry import NamedQuery, registry
from wcokg.store.base import GraphStore

router = APIRouter(tags=["Named queries"])

FORMATS = {"application/json": "json", "text/csv": "csv"}
RESERVED = ("format",)


@router.get("/queries", summary="The named queries: name, summary, parameters and an example")
def list_queries(request: Request) -> list[dict[str, object]]:
    return [_describe(named, request) for named in registry().values()]


def _parameters(request: Request) -> tuple[dict[str, str], str | None]:
    """The query's parameters (format and the like left out), and the first one given twice."""
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in RESERVED:
            continue
        if key in values:
            return values, key
        values[key] = value
    return values, None


def peek(request: Request, state: Any) -> Response | None:
    """A named query whose answer is in the cache, answered without routing (`api.fastpath`)."""
    name = request.url.path.removeprefix("/queries/")
    named = registry().get(name)
    if named is None:
        return None
    known, version = local_version(state.store)
    if not known:
        return None
    media_type = choose(request, tuple(FORMATS))
    values, twice = _parameters(request)
    if twice is not None:
        return None  # 422 from the router
    # Only valid parameters ever reach the cache, so a hit needs no new check.
    found = state.cache.get(version, _key(named, values, media_type))
    if found is None:
        return None
    return Response(found[1], media_type=media_type, headers=VARY)


@router.get(
    "/queries/{name}",
    summary="Run a named query; parameters as ?KEY=VALUE; JSON or CSV by Accept or ?format=",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
async def run_query(name: str, request: Request, store: StoreDep, cache: CacheDep) -> Response:
    named = registry().get(name)
    if named is None:
        raise Problem(
            404, "Not Found", f"unknown query {name!r}; named queries: {', '.join(registry())}"
        )
    media_type = choose(request, tuple(FORMATS))
    values, twice = _parameters(request)
    if twice is not None:
        raise Problem(422, "Invalid parameters", f"query {name}: parameter {twice} given twice")
    try:
        named.bindings(values)
    except QueryError as error:
        raise Problem(422, "Invalid parameters", str(error)) from None
    known, version = local_version(store)
    if known:  # a cached answer without a thread
        found = cache.get(version, _key(named, values, media_type))
        if found is not None:
            return Response(found[1], media_type=media_type, headers=VARY)
    warmer = getattr(request.app.state, "warmer", None)
    body = await while_connected(request, answer, named, values, store, cache, media_type, warmer)
    return Response(body, media_type=media_type, headers=VARY)


def answer(
    named: NamedQuery,
    values: dict[str, str],
    store: GraphStore,
    cache: CacheDep,
    media_type: str,
    warmer: Warmer | None = None,
) -> bytes:
    """The serialised answer, from the cache when the graph version has not changed."""
    version = store.version()
    if warmer is not None:
        warmer.kick(version)  # a new version: warm the other answers in the background
    key = _key(named, values, media_type)
    cached = cache.get(version, key)
    if cached is not None:
        return cached[1]
    generation = cache.generation
    columns, rows = select_records(named.run(store, values))
    body = render(columns, rows, FORMATS[media_type]).encode("utf-8")
    cache.put(version, key, (media_type, body), generation)
    return body


def _key(named: NamedQuery, values: dict[str, str], media_type: str) -> tuple[object, ...]:
    return (named.name, tuple(sorted(values.items())), media_type)


def _describe(named: NamedQuery, request: Request) -> dict[str, object]:
    example = named.example_values()
    url = request.url_for("run_query", name=named.name).path
    return {
        "name": named.name,
        "summary": named.summary,
        "description": named.description,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "default": p.default,
                "description": p.description,
            }
            for p in named.params
        ],
        "example": named.example,
        "example_url": url + (f"?{urlencode(example)}" if example else ""),
    }
