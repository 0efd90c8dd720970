"""A small SPARQL 1.1 Protocol client: queries, updates and Graph Store PUTs over one connection pool.

Plain httpx rather than SPARQLWrapper: SPARQLWrapper adds `format`/`output`/`results`
parameters that some engines read as a format request (Virtuoso 7 answered every SELECT with
406 Not Acceptable), guesses the query form with regular expressions, keeps the server's message
only as a repr, and opens a new connection per request. Here the client sends exactly the
protocol's parameters, reuses connections (keep-alive), and:

- **negotiates as a client**: SELECT/ASK ask for SPARQL JSON, then SPARQL XML; CONSTRUCT and
  DESCRIBE ask for N-Triples, then Turtle. The answer is read by its `Content-Type` (an engine
  may pick another offered format), and one outside the offer is refused in one line;
- **reports errors in one short line**: the HTTP status and the engine's own message with HTML
  tags and whitespace collapsed, cut at `MESSAGE_CHARS`; the request text is never included
  (engines echo the query in their messages — Virtuoso appends "SPARQL query: …" — and that
  part is cut off). A 400 is a malformed request (QueryError), anything else a StoreError.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from wcokg.errors import QueryError, StoreError
from wcokg.mediatypes import ALIASES
from wcokg.store.formats import SOLUTION_FORMATS, RawResult

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
_READ = ("application/sparql-results+json", "application/sparql-results+xml")
RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    name: SOLUTION_FORMATS[target]
    for name, target in [*((t, t) for t in _READ), *ALIASES.items()]
    if target in _READ
}
"""Result formats the client reads (the offered ones and their aliases in `wcokg.mediatypes`)."""
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
}
"""RDF formats the client reads for CONSTRUCT/DESCRIBE (the offered ones and their aliases)."""
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MESSAGE_CHARS = 300
"""Most characters of an engine's message in an error line."""
_ECHO = re.compile(r"\b(?:SPARQL (?:query|update|request)|Query|Update)\s*:\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query runs on, told to the engine with the protocol's parameters."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def params(self) -> list[tuple[str, str]]:
        return [("default-graph-uri", g) for g in self.default_graphs] + [
            ("named-graph-uri", g) for g in self.named_graphs
        ]


class ProtocolClient:
    """Sends SPARQL requests to one engine; every failure becomes a one-line domain error."""

    def __init__(
        self,
        query_url: str,
        update_url: str,
        graph_store_url: str | None,
        auth: tuple[str, str] | None,
        timeout: float,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.graph_store_url = graph_store_url
        self._auth = auth
        self._timeout = timeout
        self._client: httpx.Client | None = None

    @property
    def client(self) -> httpx.Client:
        """The connection pool, made on first use (so a store can be pickled to a worker)."""
        if self._client is None:
            self._client = httpx.Client(auth=self._auth, timeout=self._timeout)
        return self._client

    def query(self, text: str, form: str, dataset: Dataset) -> RawResult:
        """Run a query (`form`: SELECT, ASK, CONSTRUCT or DESCRIBE); the answer as pyoxigraph objects.

        Raises QueryError for a malformed query (HTTP 400), StoreError for any other failure or
        an answer in a format that was not offered.
        """
        graph_form = form in GRAPH_FORMS
        response = self._send(
            "POST",
            self.query_url,
            "query",
            content=urlencode([("query", text), *dataset.params()]),
            headers={"Accept": GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT, **FORM},
            sent=text,
        )
        media_type = _media_type(response)
        data = response.content
        try:
            if graph_form:
                rdf_format = RDF_FORMATS.get(media_type)
                if rdf_format is None:
                    raise self._unexpected(media_type, GRAPH_ACCEPT)
                return [quad.triple for quad in ox.parse(data, format=rdf_format)]
            results_format = RESULTS_FORMATS.get(media_type)
            if results_format is None:
                raise self._unexpected(media_type, RESULTS_ACCEPT)
            return ox.parse_query_results(_blank_labels(data), format=results_format)
        except (SyntaxError, ValueError) as error:
            message = _one_line(str(error))[:MESSAGE_CHARS]
            raise StoreError(
                f"{self.query_url}: unreadable answer ({media_type}): {message}"
            ) from None

    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update request (one request; the engine decides its transaction)."""
        self._send(
            "POST",
            self.update_url,
            "update",
            content=urlencode([("update", text)]),
            headers=FORM,
            sent=text,
        )

    def put(self, graph_iri: str, ntriples: bytes) -> None:
        """Replace one named graph with a Graph Store Protocol `PUT ?graph=`."""
        if self.graph_store_url is None:
            raise StoreError("no Graph Store Protocol endpoint configured")
        self._send(
            "PUT",
            self.graph_store_url,
            "graph store",
            params={"graph": graph_iri},
            content=ntriples,
            headers={"Content-Type": "application/n-triples"},
        )

    def _send(
        self, method: str, url: str, operation: str, sent: str = "", **request: object
    ) -> httpx.Response:
        try:
            response = self.client.request(method, url, **request)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            raise StoreError(f"{url}: no answer within {self._timeout:g} s") from None
        except httpx.HTTPError as error:
            raise StoreError(f"{url}: cannot reach the store ({error})") from None
        if response.is_success:
            return response
        message = engine_message(response.content, _media_type(response), sent)
        if response.status_code == 400 and operation in ("query", "update"):
            raise QueryError(f"malformed SPARQL {operation}: {message}")
        status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        raise StoreError(f"{url}: {operation} refused ({status}){': ' if message else ''}{message}")

    def _unexpected(self, media_type: str, offered: str) -> StoreError:
        return StoreError(
            f"{self.query_url}: answered {media_type or 'without a Content-Type'}, "
            f"not one of the offered {offered}"
        )


def engine_message(body: bytes, media_type: str = "", sent: str = "") -> str:
    """The engine's message from an error answer, as one line of at most MESSAGE_CHARS.

    HTML is reduced to its text; an echo of the request that engines append ("SPARQL query:"
    and what follows), or the start of the `sent` request text wherever it appears, is cut
    off, so the request text never reaches an error line.
    """
    text = body[: 64 * 1024].decode("utf-8", "replace")
    if "html" in media_type or text.lstrip().startswith("<"):
        text = re.sub(r"(?is)<(script|style|title)\b.*?</\1>", " ", text)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    kept: list[str] = []
    for line in text.splitlines():
        if _ECHO.search(line.strip()):
            before = _ECHO.sub("", line.strip())
            if before:
                kept.append(before)
            break
        kept.append(line)
    message = _one_line(" ".join(kept))
    head = _one_line(sent)[:40]
    if len(head) >= 12 and head in message:
        message = message[: message.index(head)].rstrip(" :")
    if len(message) > MESSAGE_CHARS:
        message = message[: MESSAGE_CHARS - 1].rstrip() + "…"
    return message


_BNODE_VALUE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*"|<bnode>)([^"<]*)')


def _blank_labels(data: bytes) -> bytes:
    """Results with blank-node labels made valid: Virtuoso writes `nodeID://b10006`, which is
    no blank-node label; its characters outside [A-Za-z0-9_-] become `_` (labels stay distinct
    within an answer, and labels are local to it anyway)."""
    if b"bnode" not in data:
        return data
    return _BNODE_VALUE.sub(
        lambda m: m.group(1) + re.sub(rb"[^A-Za-z0-9_-]", b"_", m.group(2)), data
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _media_type(response: httpx.Response) -> str:
    return (response.headers.get("content-type") or "").split(";")[0].strip().lower()
