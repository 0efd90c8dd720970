"""Dereferencing: every IRI minted under the base answers here, as a page or as RDF.

The path of an IRI (`/wp/ptc-2022-2025/activity/I-1`, `/body/ptc`, `/vocab/priority`,
`/ontology`, ...) is mapped to the IRI under the configured base. Browsers get HTML; Turtle,
JSON-LD, N-Triples and RDF/XML by Accept (q-values) or `?format=ttl|jsonld|nt|rdf`.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from wcokg.api.conneg import VARY
from wcokg.api.deps import SettingsDep, StoreDep, local_version
from wcokg.api.problems import Problem
from wcokg.api.services import catalog, resources, views
from wcokg.api.services.catalog import CATALOG
from wcokg.api.services.urls import DEREFERENCEABLE, iri_for_path
from wcokg.api.services.web import SnapshotDep, choose, render

router = APIRouter(tags=["Linked data"])

OFFERS = ("text/html", *resources.RDF_MEDIA)
RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "HTML, Turtle, JSON-LD, N-Triples or RDF/XML "
        "(Accept or ?format=html|ttl|jsonld|nt|rdf)",
        "content": {media: {"schema": {"type": "string"}} for media in OFFERS},
    },
    404: {"description": "Nothing is known about this IRI"},
    406: {"description": "None of the offered media types is acceptable"},
}


def peek(request: Request, state: Any) -> Response | None:
    """An activity page already made for this graph version, answered without routing
    (`api.fastpath`)."""
    known, version = local_version(state.store)
    if not known:
        return None
    today = getattr(state, "today", None)
    base = state.settings.base
    snap = CATALOG.cached(state.store, version, base, today if isinstance(today, date) else None)
    if snap is None:
        return None
    iri = iri_for_path(request.url.path, base)
    body = snap.derived.get(_page_key(iri, request))
    if body is None or choose(request, OFFERS) != "text/html":
        return None
    return HTMLResponse(body, headers=VARY)


async def dereference(
    rest: str, request: Request, store: StoreDep, settings: SettingsDep, snap: SnapshotDep
) -> Response:
    """Describe the resource whose IRI is this path under the configured base."""
    iri = iri_for_path(request.url.path, settings.base)
    if iri in snap.by_iri and choose(request, OFFERS) == "text/html":
        # An activity page: its HTML is made once per graph version (and path), in a thread;
        # an activity with edits the snapshot may miss is read again, once per edit of it.
        as_of = _fresh_as_of(request, store, snap, iri)
        key: Hashable = _page_key(iri, request)  # the fast path (`peek`) looks it up
        if as_of is not None:
            key = (key, as_of)
        body = snap.derived.get(key)
        if body is None:
            body = await run_in_threadpool(
                snap.remember, key, lambda: _activity_page(request, iri, store, snap, as_of).body
            )
        return HTMLResponse(body, headers=VARY)
    return await run_in_threadpool(describe, request, iri, store, snap)


def ontology(
    request: Request, store: StoreDep, settings: SettingsDep, snap: SnapshotDep
) -> Response:
    """The ontology document with every term (its IRI does not move with the base)."""
    return describe(request, iri_for_path("/ontology", settings.base), store, snap)


def describe(request: Request, iri: str, store: StoreDep, snap: SnapshotDep) -> Response:
    media_type = choose(request, OFFERS)
    if media_type == "text/html" and iri in snap.by_iri:
        # An activity's page is made from the snapshot alone: no need for its description.
        return _activity_page(request, iri, store, snap, _fresh_as_of(request, store, snap, iri))
    graph = resources.describe(store, iri)
    if len(graph) == 0:
        if media_type == "text/html":
            return render(request, "not_found.html", {"iri": iri}, status_code=404, headers=VARY)
        raise Problem(404, "Not Found", f"nothing is known about {iri}", VARY)
    if media_type != "text/html":
        name = iri.rstrip("/").rsplit("/", 1)[-1] or "resource"
        return Response(
            resources.serialize(graph, media_type),
            media_type=media_type,
            headers={
                **VARY,
                "Content-Disposition": f'inline; filename="{name}.{resources.EXTENSIONS[media_type]}"',
            },
        )
    return page_for(request, iri, graph, store, snap)


def page_for(
    request: Request, iri: str, graph: object, store: StoreDep, snap: SnapshotDep
) -> Response:
    """The most specific page: activity, body, instrument, meeting, documentation, or generic."""
    from rdflib import Graph

    assert isinstance(graph, Graph)  # noqa: S101
    types = resources.types_of(graph, iri)
    if iri in snap.by_iri:
        return _activity_page(request, iri, store, snap, _fresh_as_of(request, store, snap, iri))
    for body in snap.bodies.values():
        if body.iri == iri:
            return render(request, "body.html", views.body(snap, body.id), headers=VARY)
    for inst in snap.instruments.values():
        if inst.iri == iri:
            return render(request, "instrument.html", views.instrument(snap, inst.id), headers=VARY)
    for meeting in snap.meetings.values():
        if meeting.iri == iri:
            return render(request, "meeting.html", views.meeting(snap, meeting.id), headers=VARY)
    if views.is_documentation(types):
        return render(
            request, "documentation.html", views.documentation(graph, iri, snap), headers=VARY
        )
    return render(request, "resource.html", views.resource(graph, iri, snap), headers=VARY)


def _page_key(iri: str, request: Request) -> tuple[str, str, str]:
    """Where an activity page's HTML is kept in the snapshot (per path: the links it writes)."""
    return ("activity-html", iri, request.url.path)


def _fresh_as_of(request: Request, store: StoreDep, snap: SnapshotDep, iri: str) -> int | None:
    """When `snap` may miss the activity's latest edits: the log's seq of its latest edit
    (read before the view, `EditService.etag_and_seq`), else None."""
    if snap.version == store.version():
        return None
    edits = getattr(request.app.state, "edits", None)
    if edits is None:
        return None
    seq: int = edits.etag_and_seq(snap.by_iri[iri].id)[1]
    return seq or None


def _activity_page(
    request: Request, iri: str, store: StoreDep, snap: SnapshotDep, as_of: int | None = None
) -> Response:
    """The page; with `as_of` (the seq of its latest edit), the activity read again
    (`fresh_activity`)."""
    if as_of is None:
        context = views.activity(snap, store, snap.by_iri[iri])
    else:
        item = catalog.fresh_activity(snap, store, snap.by_iri[iri].id, as_of)
        context = views.activity(snap, store, item, as_of)
    return render(request, "activity.html", context, headers=VARY)


for _prefix in DEREFERENCEABLE:
    router.add_api_route(
        f"/{_prefix}/{{rest:path}}",
        dereference,
        methods=["GET"],
        summary=f"Dereference an IRI {{base}}{_prefix}/…",
        operation_id=f"dereference_{_prefix}",
        response_class=Response,
        responses=RESPONSES,
    )
router.add_api_route(
    "/ontology",
    ontology,
    methods=["GET"],
    summary="The ontology, documented (HTML) or as RDF",
    operation_id="dereference_ontology",
    response_class=Response,
    responses=RESPONSES,
)
