"""Remote store: any SPARQL 1.1 engine (Query, Update, and the Graph Store Protocol where offered).

**Where the data lives.** Nothing goes to the engine's default graph, whose meaning differs
between engines (Oxigraph: a graph of its own; Virtuoso: the union of every graph, system graphs
included; Fuseki: configurable). A build writes a *dataset* — the default graph of the built
graph and any named graphs it carries (e.g. one per revision) — as named graphs:

- the built default graph goes to a new graph `{graph_base}{version}` for every build;
- a named graph `G` of the dataset is written under a staging name `{graph_base}{version}/staged/N`
  and moved to `G` itself at the flip (its IRI is what queries name in `GRAPH <G>`);
- the *pointer*, the named graph `meta_graph` (`urn:x-wcokg:meta`), says which of them form the
  current dataset: `owl:versionInfo` (the version id, as on the embedded store),
  `sd:defaultGraph` (the versioned data graph), `sd:namedGraph` (each named graph) and
  `dcterms:hasVersion` (every versioned data graph still stored: the current one and up to
  `keep_versions - 1` previous ones).

**The swap** is atomic from the readers' point of view: the new graphs are written first (with a
Graph Store Protocol `PUT ?graph=` when a Graph Store URL is set, else `DROP SILENT GRAPH` and
`INSERT DATA { GRAPH … }` requests of at most `batch_triples` triples), then one update request
moves the staged named graphs into place and rewrites the pointer, then the graphs no longer
kept are dropped. Until the flip readers see the previous version whole; a failed write drops
what it wrote and leaves the pointer as it was. The previous versioned graph is kept
(`keep_versions` is at least 2), so a reader that read the pointer just before a flip still
finds its graph.

**Reading.** Every query is sent with the current dataset as protocol parameters
(`default-graph-uri` = the versioned data graph, `named-graph-uri` = the pointer graph and the
dataset's named graphs), read from the pointer with each query; so queries do not depend on
the engine's default-graph semantics, and the engine's other graphs stay out of sight. A caller
giving its own dataset (the `/sparql` endpoint's `default-graph-uri`/`named-graph-uri`), or a
query with its own `FROM`/`FROM NAMED`, is sent as it is.

**Bindings** are `VALUES` blocks of serialised terms (`wcokg.store.bindings`), the same code the
embedded store uses. **Updates** (`update`) are sent as written: they address the engine's own
graphs, so an update meant for the served data names the current data graph
(`data_graph()`) in `GRAPH <…>`/`WITH <…>`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from wcokg.errors import QueryError, StoreError, WcokgError
from wcokg.store.base import META_GRAPH, VERSION_INFO, GraphStore, graph_parts
from wcokg.store.batches import ntriples_batches
from wcokg.store.bindings import bind_values, declares_dataset, query_form
from wcokg.store.formats import GRAPH_FORMATS, RawResult
from wcokg.store.protocol import Dataset, ProtocolClient

DEFAULT_GRAPH_BASE = "https://w3id.org/wcokg/graph/version/"
SD = "http://www.w3.org/ns/sparql-service-description#"
DEFAULT_GRAPH = SD + "defaultGraph"
NAMED_GRAPH = SD + "namedGraph"
HAS_VERSION = "http://purl.org/dc/terms/hasVersion"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Layout:
    """What the pointer graph says: the current version and the graphs of its dataset."""

    version: str
    default_graph: str | None
    """The versioned data graph (None: a store written before named graphs, data in the
    engine's default graph)."""
    named_graphs: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    """Every versioned data graph still stored, newest first (version ids sort by time)."""

    def dataset(self, meta_graph: str) -> Dataset:
        if self.default_graph is None:
            return Dataset()
        return Dataset((self.default_graph,), (meta_graph, *self.named_graphs))


class RemoteStore(GraphStore):
    """A graph held by a SPARQL 1.1 engine, in named graphs it is told about with every query."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
        graph_base: str = DEFAULT_GRAPH_BASE,
        batch_triples: int = 1000,
        keep_versions: int = 2,
        meta_graph: str = META_GRAPH,
    ) -> None:
        """`graph_base` prefixes the versioned data graphs (`{WCOKG_BASE}graph/version/` from the
        settings); `meta_graph` is the pointer graph (another one lets two deployments share an
        engine); `batch_triples` bounds an `INSERT DATA` request."""
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.graph_store_url = graph_store_url
        self.user = user
        self.password = password
        self.timeout = timeout
        self.graph_base = graph_base
        self.batch_triples = batch_triples
        self.keep_versions = max(2, keep_versions)
        self.meta_graph = meta_graph
        auth = (user, password or "") if user is not None else None
        self.client = ProtocolClient(query_url, self.update_url, graph_store_url, auth, timeout)

    @property
    def location(self) -> str:
        return self.query_url

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
        if base_iri:
            # Relative IRIs resolved as the embedded store resolves them (an engine would use
            # its own endpoint, or, as Virtuoso does, leave them relative in its answer); on the
            # first line, so the engine's line numbers stay the query's own.
            try:
                text = f"BASE <{ox.NamedNode(base_iri).value}> {text}"
            except ValueError as error:
                raise QueryError(f"invalid base IRI: {error}") from None
        if default_graphs or named_graphs:
            # The side not given is empty, as the protocol says; named explicitly (a graph never
            # written), since Virtuoso would otherwise use every graph for it.
            empty = (f"{self.graph_base}empty",)
            dataset = Dataset(tuple(default_graphs) or empty, tuple(named_graphs) or empty)
        elif declares_dataset(text):
            dataset = Dataset()
        else:
            dataset = self._current().dataset(self.meta_graph)
        return self.client.query(text, query_form(text) or "SELECT", dataset)

    def update(self, sparql: str) -> None:
        if query_form(sparql):
            raise QueryError("malformed SPARQL update: this is a query, not an update")
        self.client.update(sparql)

    # -- the pointer -------------------------------------------------------------------------

    def layout(self) -> Layout | None:
        """The pointer graph read now: the current version and its graphs (None: nothing built)."""
        result = self.client.query(
            f"SELECT ?p ?o WHERE {{ GRAPH <{self.meta_graph}> {{ <{self.meta_graph}> ?p ?o }} }}",
            "SELECT",
            Dataset(),
        )
        values: dict[str, list[str]] = {}
        for solution in result:  # type: ignore[union-attr]
            values.setdefault(str(solution["p"].value), []).append(str(solution["o"].value))
        versions = values.get(VERSION_INFO)
        if not versions:
            return None
        defaults = values.get(DEFAULT_GRAPH)
        return Layout(
            version=versions[0],
            default_graph=defaults[0] if defaults else None,
            named_graphs=tuple(sorted(values.get(NAMED_GRAPH, []))),
            kept=tuple(sorted(values.get(HAS_VERSION, []), reverse=True)),
        )

    def _current(self) -> Layout:
        layout = self.layout()
        if layout is None:
            raise StoreError(f"{self.query_url}: no graph built yet (run `wcokg build` first)")
        return layout

    def version(self) -> str | None:
        layout = self.layout()
        return layout.version if layout else None

    def data_graph(self) -> str | None:
        """IRI of the named graph holding the current data (the default graph of queries)."""
        layout = self.layout()
        return layout.default_graph if layout else None

    # -- counts and dumps --------------------------------------------------------------------

    def triple_count(self) -> int:
        result = self.execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        for solution in result:  # type: ignore[union-attr]
            return int(solution["n"].value)
        return 0

    def dump(self, media_type: str) -> bytes:
        """The current data graph serialised. Raises StoreError when the engine sends fewer
        triples than it counts (an engine-side result limit, e.g. Virtuoso's ResultSetMaxRows)."""
        triples = list(self.execute("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))  # type: ignore[arg-type]
        expected = self.triple_count()
        if len(triples) < expected:
            raise StoreError(
                f"{self.query_url}: the engine sent {len(triples)} of {expected} triples "
                "(raise its result-size limit, e.g. Virtuoso's [SPARQL] ResultSetMaxRows)"
            )
        return ox.serialize(triples, format=GRAPH_FORMATS[media_type]) or b""

    # -- replacing the dataset ---------------------------------------------------------------

    def replace(
        self,
        graph: Graph,
        copy: ox.Store | None = None,
        named_graphs: Mapping[str, Graph] | None = None,
    ) -> str:
        """Write `graph` (the default graph; an rdflib Dataset's own named graphs too) and
        `named_graphs` (IRI -> triples: the revisions, the reference graph) as the new
        current version, then flip the pointer and drop what is no longer kept; see the module
        docstring. Returns the version id. Raises StoreError (pointer unchanged) on failure."""
        del copy  # sent as N-Triples either way
        now = time.time_ns()  # ids sort as they were made: second, then zero-padded nanoseconds
        version = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9)) + f"-{now % 10**9:09d}"
        data_graph = f"{self.graph_base}{version}"
        parts = graph_parts(graph, named_graphs)
        named = [name for name, _ in parts if name is not None]
        for reserved in named:
            if reserved == self.meta_graph or reserved.startswith(self.graph_base):
                raise StoreError(f"{reserved}: a graph name the store keeps for itself")
        previous = self.layout()
        written: list[str] = []
        staged: list[tuple[str, str]] = []
        try:
            for index, (name, part) in enumerate(parts):
                target = data_graph if name is None else f"{data_graph}/staged/{index}"
                written.append(target)
                self._write_graph(target, part)
                if name is not None:
                    staged.append((target, name))
            kept = [data_graph, *(previous.kept if previous else ())][: self.keep_versions]
            self.client.update(self._flip(version, data_graph, staged, kept))
        except WcokgError:
            self._drop(written)
            raise
        obsolete = [g for g in (previous.kept if previous else ()) if g not in kept]
        if previous is not None:
            obsolete += [g for g in previous.named_graphs if g not in named]
        self._drop(obsolete)
        return version

    def _write_graph(self, target: str, part: Graph) -> None:
        if self.graph_store_url is not None:
            self.client.put(target, part.serialize(format="nt", encoding="utf-8"))
            return
        self.client.update(f"DROP SILENT GRAPH <{target}>")
        for batch in ntriples_batches(part, self.batch_triples):
            quads = f"GRAPH <{target}> {{\n{batch.ntriples}}}"
            # Blank nodes: a template (fresh nodes per request, as INSERT DATA would make) is
            # the form every engine takes; Virtuoso refuses blank nodes in INSERT DATA.
            self.client.update(
                f"INSERT {{ {quads} }} WHERE {{}}" if batch.blank else f"INSERT DATA {{ {quads} }}"
            )

    def _flip(
        self, version: str, data_graph: str, staged: list[tuple[str, str]], kept: list[str]
    ) -> str:
        """One update request: staged named graphs moved into place, the pointer rewritten."""
        meta = self.meta_graph
        pointer = [
            f'<{meta}> <{VERSION_INFO}> "{version}" .',
            f"<{meta}> <{DEFAULT_GRAPH}> <{data_graph}> .",
        ]
        pointer += [f"<{meta}> <{NAMED_GRAPH}> <{name}> ." for _, name in staged]
        pointer += [f"<{meta}> <{HAS_VERSION}> <{g}> ." for g in kept]
        moves = [f"MOVE SILENT GRAPH <{source}> TO GRAPH <{name}>" for source, name in staged]
        body = "\n".join(pointer)
        return " ;\n".join(
            [
                *moves,
                f"DROP SILENT GRAPH <{meta}>",
                f"INSERT DATA {{ GRAPH <{meta}> {{\n{body}\n}} }}",
            ]
        )

    def _drop(self, graphs: Sequence[str]) -> None:
        """Drop graphs, best effort (a failure here leaves unreferenced graphs, not wrong data)."""
        if not graphs:
            return
        try:
            self.client.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
        except WcokgError as error:
            log.info("could not drop %d old graph(s): %s", len(graphs), error)
