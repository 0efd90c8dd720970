"""Remote store: any SPARQL 1.1 triplestore (Query, Update and Graph Store HTTP Protocol).

Queries go through SPARQLWrapper. Answers are requested in formats every store speaks (SPARQL
JSON, N-Triples/Turtle) and parsed back into pyoxigraph result objects, so the CLI, the named
queries and the HTTP endpoint see exactly what they see from the embedded store, and the
endpoint serialises both the same way.

Bindings: SPARQLWrapper cannot bind variables, and pasting values into query text is how
injection happens; `wcokg.store.bindings.bind_values` binds them with `VALUES` blocks of
properly serialised RDF terms (see there) — the same code the embedded store uses.

Atomicity: `replace` sends the new graph with one Graph Store Protocol PUT to the default
graph (replaced in one request, which Oxigraph, Fuseki, GraphDB and Virtuoso apply as one
transaction), then records the version in the META_GRAPH with a second PUT. Between the two
requests readers may see the new data under the old version id for a moment; a failed PUT of
the data leaves the previous graph in place. Stores without transactions (or behind a proxy
that splits requests) give weaker guarantees than the embedded store's atomic link swap.
"""

from __future__ import annotations

import ast
import base64
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from wcokg.errors import QueryError, StoreError
from wcokg.store.base import META_GRAPH, VERSION_INFO, GraphStore, graph_parts
from wcokg.store.bindings import bind_values, query_form
from wcokg.store.formats import GRAPH_FORMATS, RawResult

RESULTS_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


class RemoteStore(GraphStore):
    """A graph held by a SPARQL 1.1 server, reached through its three protocol endpoints."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.graph_store_url = graph_store_url
        self.user = user
        self.password = password
        self.timeout = timeout

    @property
    def location(self) -> str:
        return self.query_url

    def _wrapper(self, endpoint: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.query_url, updateEndpoint=self.update_url)
        wrapper.endpoint = endpoint
        wrapper.setMethod(POST)
        wrapper.setTimeout(int(self.timeout))
        if self.user is not None:
            wrapper.setCredentials(self.user, self.password or "")
        return wrapper

    # -- queries -----------------------------------------------------------------------------

    def execute(
        self,
        sparql: str,
        bindings: Mapping[str, Identifier] | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> RawResult:
        text = bind_values(sparql, bindings) if bindings else sparql
        wrapper = self._wrapper(self.query_url)
        wrapper.setQuery(text)
        # SPARQLWrapper guesses the form with regular expressions that comments can fool
        # (`#+ ...` headers made it send a SELECT as an update): tell it.
        wrapper.queryType = query_form(text) or "SELECT"
        graph_form = wrapper.queryType in GRAPH_FORMS
        wrapper.addCustomHttpHeader("Accept", GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT)
        for graph in default_graphs:
            wrapper.addParameter("default-graph-uri", graph)
        for graph in named_graphs:
            wrapper.addParameter("named-graph-uri", graph)
        data, media_type = self._send(wrapper, "query")
        try:
            if graph_form or media_type in GRAPH_FORMATS or media_type == "text/plain":
                rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_TRIPLES
                return [quad.triple for quad in ox.parse(data, format=rdf_format)]
            results_format = ox.QueryResultsFormat.from_media_type(media_type)
            return ox.parse_query_results(data, format=results_format or ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as error:
            raise StoreError(
                f"{self.query_url}: unreadable answer ({media_type}): {error}"
            ) from None

    def _send(self, wrapper: SPARQLWrapper, operation: str) -> tuple[bytes, str]:
        try:
            response = wrapper.query().response
            data = response.read()
            media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
            return data, media_type.lower()
        except QueryBadFormed as error:
            message = " ".join(_server_message(error).split())  # one line
            raise QueryError(f"malformed SPARQL {operation}: {message}") from None
        except SPARQLWrapperException as error:
            raise StoreError(f"{wrapper.endpoint}: {_server_message(error)}") from None
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip()
            raise StoreError(f"{wrapper.endpoint}: HTTP {error.code} {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            raise StoreError(f"{wrapper.endpoint}: cannot reach the store ({error})") from None

    def update(self, sparql: str) -> None:
        wrapper = self._wrapper(self.update_url)
        wrapper.setQuery(sparql)
        if query_form(sparql):
            raise QueryError("malformed SPARQL update: this is a query, not an update")
        wrapper.queryType = "INSERT"  # any update keyword: SPARQLWrapper then sends `update=`
        self._send(wrapper, "update")

    # -- versions, counts and dumps ---------------------------------------------------------

    def version(self) -> str | None:
        result = self.execute(
            f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{VERSION_INFO}> ?v }} }}"
        )
        for solution in result:  # type: ignore[union-attr]
            return str(solution["v"].value)
        return None

    def triple_count(self) -> int:
        result = self.execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        for solution in result:  # type: ignore[union-attr]
            return int(solution["n"].value)
        return 0

    def dump(self, media_type: str) -> bytes:
        triples = self.execute("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        return ox.serialize(triples, format=GRAPH_FORMATS[media_type]) or b""  # type: ignore[arg-type]

    # -- replacing the graph (Graph Store Protocol) ------------------------------------------

    def replace(
        self,
        graph: Graph,
        copy: ox.Store | None = None,
        named_graphs: Mapping[str, Graph] | None = None,
    ) -> str:
        del copy  # sent as N-Triples either way
        version = time.strftime("%Y%m%dT%H%M%S") + f"-{time.monotonic_ns() % 10**9}"
        for name, part in graph_parts(graph, named_graphs):
            self._put(name, part.serialize(format="nt", encoding="utf-8"))
        meta = f'<{META_GRAPH}> <{VERSION_INFO}> "{version}" .\n'.encode()
        self._put(META_GRAPH, meta)
        return version

    def _put(self, graph_iri: str | None, ntriples: bytes) -> None:
        """Replace one graph (None: the default graph) with a Graph Store Protocol PUT."""
        if self.graph_store_url is None:
            self._update_replace(graph_iri, ntriples)
            return
        query = "default" if graph_iri is None else urllib.parse.urlencode({"graph": graph_iri})
        separator = "&" if "?" in self.graph_store_url else "?"
        request = urllib.request.Request(  # noqa: S310 (the URL comes from the settings)
            f"{self.graph_store_url}{separator}{query}",
            data=ntriples,
            method="PUT",
            headers={"Content-Type": "application/n-triples", **self._auth_header()},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip()
            raise StoreError(
                f"{self.graph_store_url}: could not store the graph (HTTP {error.code} {detail})"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            raise StoreError(f"{self.graph_store_url}: cannot reach the store ({error})") from None

    def _update_replace(self, graph_iri: str | None, ntriples: bytes) -> None:
        """Without a Graph Store URL: one update request (DROP + INSERT DATA), one transaction."""
        target = "DEFAULT" if graph_iri is None else f"GRAPH <{graph_iri}>"
        body = ntriples.decode("utf-8")
        insert = (
            f"INSERT DATA {{ {body} }}"
            if graph_iri is None
            else f"INSERT DATA {{ GRAPH <{graph_iri}> {{ {body} }} }}"
        )
        self.update(f"DROP SILENT {target} ;\n{insert}")

    def _auth_header(self) -> dict[str, str]:
        if self.user is None:
            return {}
        token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
        return {"Authorization": f"Basic {token}"}


def _server_message(error: Exception) -> str:
    """The server's own message from a SPARQLWrapper exception (it keeps only a repr)."""
    text = str(error)
    _, found, response = text.partition("Response:\n")
    if not found:
        return text
    try:
        raw = ast.literal_eval(response.strip())
    except (ValueError, SyntaxError):
        return response.strip()
    return raw.decode("utf-8", "replace").strip() if isinstance(raw, bytes) else str(raw)
