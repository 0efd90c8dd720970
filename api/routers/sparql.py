"""`/sparql`: the SPARQL 1.1 Protocol (query by GET, form POST or direct POST; service description).

Updates are refused unless `WCOKG_UPDATE_ENABLED` is on and the request carries the bearer
token `WCOKG_UPDATE_TOKEN`.
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, VOID, XSD

from wcokg.api.cache import ResultCache
from wcokg.api.conneg import VARY, choose, sparql_chooser
from wcokg.api.deps import CacheDep, SettingsDep, SparqlCacheDep, StoreDep, local_version
from wcokg.api.disconnect import while_connected
from wcokg.api.problems import Problem
from wcokg.api.protocol import utf8_problem
from wcokg.settings import Settings
from wcokg.store.base import META_GRAPH, GraphStore, SelectResult
from wcokg.store.formats import (
    BOOLEAN_FORMATS,
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    MediaChooser,
    ResultKind,
)

router = APIRouter(tags=["SPARQL"])

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}

Params = list[tuple[str, str]]


@router.get("/sparql", summary="SPARQL query by GET, or the service description without a query")
async def sparql_get(
    request: Request, store: StoreDep, settings: SettingsDep, answers: SparqlCacheDep
) -> Response:
    params = request.query_params.multi_items()
    if _values(params, "update"):
        raise Problem(400, "Bad request", "SPARQL Update must be sent by POST, not GET")
    queries = _values(params, "query")
    if not queries:
        return await service_description(request, store, settings)
    return await _query(request, store, answers, _single(queries, "query"), params)


@router.post("/sparql", summary="SPARQL query (or update, when enabled) by POST")
async def sparql_post(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    cache: CacheDep,
    answers: SparqlCacheDep,
) -> Response:
    media_type, charset = _content_type(request.headers.get("content-type"))
    if charset not in (None, "utf-8", "utf8"):
        raise Problem(415, "Unsupported Media Type", f"charset {charset}: only UTF-8 is accepted")
    url_params = request.query_params.multi_items()
    body = await request.body()
    if media_type == FORM:
        try:
            form = parse_qsl(
                body.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict"
            )
        except UnicodeDecodeError:
            raise Problem(*utf8_problem("the form body")) from None
        params = url_params + form
        queries, updates = _values(params, "query"), _values(params, "update")
        if queries and updates:
            raise Problem(400, "Bad request", "a request carries either a query or an update")
        if updates:
            return await _update(
                request, store, settings, (cache, answers), _single(updates, "update")
            )
        if not queries:
            raise Problem(400, "Bad request", "the form has no 'query' parameter")
        return await _query(request, store, answers, _single(queries, "query"), params)
    if media_type in (QUERY, UPDATE):
        text = _utf8(body)
        kind = "query" if media_type == QUERY else "update"
        if _values(url_params, "query") or _values(url_params, "update"):
            raise Problem(
                400, "Bad request", f"the {kind} is in the body; no query/update parameter allowed"
            )
        if media_type == QUERY:
            return await _query(request, store, answers, text, url_params)
        return await _update(request, store, settings, (cache, answers), text)
    raise Problem(
        415,
        "Unsupported Media Type",
        f"POST to /sparql takes {FORM}, {QUERY} or {UPDATE}, not {media_type or 'no content type'}",
    )


def peek(request: Request, state: Any) -> Response | None:
    """A GET /sparql whose answer is in the cache, answered without routing (`api.fastpath`)."""
    answers: ResultCache | None = state.sparql_cache
    if answers is None or request.url.path != "/sparql":
        return None
    known, version = local_version(state.store)
    if not known:
        return None
    params = request.query_params.multi_items()
    queries = _values(params, "query")
    if len(queries) != 1 or _values(params, "update"):
        return None  # the router answers (service description, 400)
    found = answers.get(version, _key(request, sparql_chooser(request), queries[0], params))
    if found is None:
        return None
    return Response(found[1], media_type=found[0], headers=VARY)


async def direct(request: Request, state: Any) -> Response | None:
    """A GET /sparql with one query, answered without routing whether cached or not
    (`api.fastpath`): FastAPI's routing and dependency solving cost about as much as an
    uncached lookup. Anything else (no query, an update, two queries) is routed."""
    params = request.query_params.multi_items()
    queries = _values(params, "query")
    if len(queries) != 1 or _values(params, "update"):
        return None
    return await _query(request, state.store, state.sparql_cache, queries[0], params)


Dataset = tuple[tuple[str, ...], tuple[str, ...], str]
"""default-graph-uri values, named-graph-uri values and the base IRI (the endpoint)."""


def _dataset(request: Request, params: Params) -> Dataset:
    return (
        tuple(_values(params, "default-graph-uri")),
        tuple(_values(params, "named-graph-uri")),
        str(request.url.replace(query="", fragment="")),
    )


def _key(request: Request, choose: MediaChooser, text: str, params: Params) -> tuple[Any, ...]:
    """What decides the bytes of an answer: the query text, the media type negotiated for each
    result kind (the kind is known only once the query is parsed), the dataset and the base."""
    return (text, _negotiated(choose), *_dataset(request, params))


async def _query(
    request: Request, store: GraphStore, answers: ResultCache | None, text: str, params: Params
) -> Response:
    choose = sparql_chooser(request)
    dataset = _dataset(request, params)
    if answers is None:
        found = _bounded(store, text, choose, dataset)
        if found is None:
            found = await while_connected(request, _evaluate, store, text, choose, dataset)
        return Response(found[1], media_type=found[0], headers=VARY)
    key = (text, _negotiated(choose), *dataset)
    known, version = local_version(store)
    found = answers.get(version, key) if known else None  # a hit without a thread
    if found is None and known:
        generation = answers.generation  # read after `get`, which empties it on a new version
        found = _bounded(store, text, choose, dataset)
        if found is not None:
            answers.put(version, key, found, generation)
    if found is None:
        found = await while_connected(
            request, _answer, store, answers, key, (version,) if known else None, text, choose
        )
    return Response(found[1], media_type=found[0], headers=VARY)


def _bounded(
    store: GraphStore, text: str, choose: MediaChooser, dataset: Dataset
) -> tuple[str, bytes] | None:
    """The answer of the bounded-cost lane, made on the event loop (`wcokg.store.bounded`: its
    work is a small index scan, so it never holds the loop long), or None: then a worker.
    Queries with a dataset (default-graph-uri, named-graph-uri) always go to a worker."""
    default_graphs, named_graphs, base_iri = dataset
    if default_graphs or named_graphs:
        return None
    result = store.query_bounded(text, choose, base_iri)
    return None if result is None else (result.media_type, result.body)


def _evaluate(
    store: GraphStore, text: str, choose: MediaChooser, dataset: Dataset
) -> tuple[str, bytes]:
    default_graphs, named_graphs, base_iri = dataset
    result = store.query_serialized(
        text, choose, list(default_graphs), list(named_graphs), base_iri
    )
    return result.media_type, result.body


def _answer(
    store: GraphStore,
    answers: ResultCache,
    key: tuple[Any, ...],
    known: tuple[str | None] | None,
    text: str,
    choose: MediaChooser,
) -> tuple[str, bytes]:
    """The answer for this graph version, from the cache or evaluated (and then kept)."""
    if known is None:
        version = store.version()
        found = answers.get(version, key)
        if found is not None:
            return found
    else:
        version = known[0]
    generation = answers.generation  # read after `get`, which empties it on a new version
    answer = _evaluate(store, text, choose, key[2:])
    answers.put(version, key, answer, generation)
    return answer


def _negotiated(choose: MediaChooser) -> tuple[str | None, ...]:
    chosen: list[str | None] = []
    for kind in ResultKind:
        try:
            chosen.append(choose(kind))
        except Problem:  # 406 for this kind: raised again if the query has this kind
            chosen.append(None)
    return tuple(chosen)


async def _update(
    request: Request,
    store: GraphStore,
    settings: Settings,
    caches: tuple[ResultCache, ResultCache | None],
    text: str,
) -> Response:
    _authorise(request, settings)
    params = request.query_params
    if params.getlist("using-graph-uri") or params.getlist("using-named-graph-uri"):
        raise Problem(400, "Bad request", "using-graph-uri/using-named-graph-uri not supported")
    await run_in_threadpool(store.update, text)
    for cache in caches:
        if cache is not None:
            cache.clear()
    return Response(status_code=204)


def _authorise(request: Request, settings: Settings) -> None:
    if not settings.update_enabled or settings.update_token is None:
        raise Problem(
            403,
            "Forbidden",
            "SPARQL Update is disabled on this endpoint (WCOKG_UPDATE_ENABLED and "
            "WCOKG_UPDATE_TOKEN enable it)",
        )
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    expected = settings.update_token.get_secret_value().encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
        raise Problem(
            401,
            "Unauthorized",
            "SPARQL Update needs 'Authorization: Bearer <token>'",
            {"WWW-Authenticate": 'Bearer realm="wcokg"'},
        )


async def service_description(request: Request, store: GraphStore, settings: Settings) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, in Turtle, RDF/XML, JSON-LD or N-Triples."""
    media_type = choose(request, tuple(GRAPH_FORMATS))
    count = await run_in_threadpool(store.triple_count)
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service, dataset, default = BNode(), BNode(), BNode()
    endpoint = URIRef(str(request.url.replace(query="", fragment="")))
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.update_enabled and settings.update_token is not None:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for formats in (SOLUTION_FORMATS, BOOLEAN_FORMATS, GRAPH_FORMATS):
        for result_format in formats.values():
            graph.add((service, SD.resultFormat, URIRef(result_format.iri)))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    graph.add((service, SD.feature, SD.EmptyGraphs))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(count, datatype=XSD.integer)))
    for name in await run_in_threadpool(named_graphs, store):
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
    body = graph.serialize(format=RDFLIB_FORMATS[media_type], encoding="utf-8")
    return Response(body, media_type=media_type, headers=VARY)


NAMED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def named_graphs(store: GraphStore) -> list[str]:
    """The named graphs a query can reach with GRAPH or FROM NAMED: a revision per graph and the
    reference graph (the version bookkeeping graph left out)."""
    result = store.query(NAMED_GRAPHS)
    rows = result.rows if isinstance(result, SelectResult) else []
    return [str(r["g"]) for r in rows if str(r["g"]) != META_GRAPH]


def _values(params: Params, name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _single(values: list[str], name: str) -> str:
    if len(values) > 1:
        raise Problem(400, "Bad request", f"{len(values)} '{name}' parameters; send exactly one")
    return values[0]


def _content_type(header: str | None) -> tuple[str, str | None]:
    media, *params = [p.strip() for p in (header or "").split(";")]
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(*utf8_problem("the request body")) from None
