"""Embedded store: pyoxigraph on disk, one folder per built version, a `current` link swapped atomically.

pyoxigraph was chosen over rdflib's memory store for the stored graph: measured here it loads
10-15x faster with a third of the memory and answers most queries 10-50x faster
(see docs in the README). rdflib stays for building, SHACL and serialisation.
A build writes a new version folder and only then repoints `current` (an atomic rename), so a
failed or killed build leaves the previous graph as it was.

An edit (`patch`) writes a new version too, but cheaply: a RocksDB checkpoint of the current
version (`Store.backup`: hard links, ~2 ms) with the edit's few quads removed and added, and the
change itself under `deltas/{version}/` (its parent version, `removed.nq`, `added.nq`), written
before `current` moves. A reader holding an in-memory copy (`wcokg serve` and its query workers)
applies the deltas from its version to the current one instead of copying the whole store again
(~0.3 s on the seed, per reader and version).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.term import Identifier

from wcokg.errors import QueryError, StoreError
from wcokg.store.base import (
    META_GRAPH,
    VERSION_INFO,
    GraphChange,
    GraphStore,
    Triple,
    graph_parts,
)
from wcokg.store.bindings import bind_values
from wcokg.store.convert import to_oxigraph
from wcokg.store.formats import GRAPH_FORMATS, RawResult

MEDIA_FORMATS = GRAPH_FORMATS
MAX_DELTA_CHAIN = 64
"""Most deltas a reader applies to catch up; further behind, it copies the version whole."""


class EmbeddedStore(GraphStore):
    """A pyoxigraph store under `root`; readers open the current version read-only."""

    def __init__(self, root: Path, keep_versions: int = 2, in_memory: bool = False) -> None:
        self.root = Path(root)
        self.keep_versions = max(1, keep_versions)
        self.in_memory = in_memory
        """Copy the current version into an in-memory store when it is first read (`wcokg
        serve` sets this: measured 2-4x faster on scan-heavy queries, BENCHMARKS.md)."""
        self._opened: tuple[str, ox.Store] | None = None

    @property
    def current_link(self) -> Path:
        return self.root / "current"

    def version(self) -> str | None:
        link = self.current_link
        if not link.is_symlink() and not link.exists():
            return None
        return Path(os.readlink(link)).name if link.is_symlink() else None

    def replace(
        self,
        graph: Graph,
        copy: ox.Store | None = None,
        named_graphs: Mapping[str, Graph] | None = None,
    ) -> str:
        versions = self.root / "versions"
        try:
            versions.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"{self.root}: cannot create the store folder ({error.strerror})"
            ) from None
        version = _new_version_id()
        target = versions / version
        try:
            store = ox.Store(str(target))
            if copy is not None and not isinstance(graph, Dataset):
                # The copy's default graph, and the named graphs it holds already.
                store.bulk_extend(copy.quads_for_pattern(None, None, None, None))
                named = named_graphs or {}
                pending = {
                    name: named[name]
                    for name in named
                    if not copy.contains_named_graph(ox.NamedNode(name))
                }
                parts = graph_parts(graph, pending)[1:]
            else:
                parts = graph_parts(graph, named_graphs)
            for name, part in parts:
                into = ox.DefaultGraph() if name is None else ox.NamedNode(name)
                store.bulk_extend(quads(part, into))
            store.add(version_quad(version))
            store.flush()
            del store
            temporary = self.root / f".current-{version}"
            temporary.symlink_to(Path("versions") / version)
            os.replace(temporary, self.current_link)
        except (OSError, ValueError) as error:
            shutil.rmtree(target, ignore_errors=True)
            raise StoreError(f"{self.root}: could not store the graph ({error})") from None
        self._opened = None
        self._prune(versions)
        return version

    def patch(
        self,
        changes: Sequence[GraphChange],
        graph: Graph,
        named_graphs: Mapping[str, Graph] | None = None,
    ) -> str:
        """A new version: the current one with `changes` applied (see the module docstring);
        stored whole by `replace` when nothing is stored yet. Raises StoreError, leaving the
        current version as it was."""
        current = self.version()
        if current is None:
            return self.replace(graph, named_graphs=named_graphs)
        versions = self.root / "versions"
        version = _new_version_id()
        target = versions / version
        delta = self.root / "deltas" / version
        removed, added = _delta_quads(changes, current, version)
        try:
            ox.Store.read_only(str(versions / current)).backup(str(target))
            store = ox.Store(str(target))
            _apply(store, removed, added)
            store.flush()
            del store
            delta.mkdir(parents=True)
            _write_quads(delta / "removed.nq", removed)
            _write_quads(delta / "added.nq", added)
            (delta / "parent").write_text(current, encoding="utf-8")
            temporary = self.root / f".current-{version}"
            temporary.symlink_to(Path("versions") / version)
            os.replace(temporary, self.current_link)
        except (OSError, ValueError) as error:
            shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(delta, ignore_errors=True)
            raise StoreError(f"{self.root}: could not store the change ({error})") from None
        opened = self._opened
        if opened is not None and opened[0] == current and self.in_memory:
            _apply(opened[1], removed, added)  # this process's copy follows at once
            self._opened = (version, opened[1])
        else:
            self._opened = None
        self._prune(versions)
        return version

    def _prune(self, versions: Path) -> None:
        """Remove old versions beyond `keep_versions` (never the current one) and the deltas
        of versions no longer kept."""
        current = self.version()
        old = sorted(p for p in versions.iterdir() if p.is_dir() and p.name != current)
        for path in old[: max(0, len(old) - (self.keep_versions - 1))]:
            shutil.rmtree(path, ignore_errors=True)
        deltas = self.root / "deltas"
        if deltas.is_dir():
            kept = {p.name for p in versions.iterdir()}
            for path in deltas.iterdir():
                if path.name not in kept:
                    shutil.rmtree(path, ignore_errors=True)

    def _catch_up(self, opened: tuple[str, ox.Store], version: str) -> bool:
        """Apply the deltas from the opened in-memory copy's version to `version`, if they
        are all there (False: read the version whole)."""
        chain: list[Path] = []
        at = version
        while at != opened[0]:
            delta = self.root / "deltas" / at
            if len(chain) >= MAX_DELTA_CHAIN or not (delta / "parent").is_file():
                return False
            chain.append(delta)
            at = (delta / "parent").read_text(encoding="utf-8").strip()
        try:
            for delta in reversed(chain):
                _apply(
                    opened[1], _read_quads(delta / "removed.nq"), _read_quads(delta / "added.nq")
                )
        except (OSError, SyntaxError):
            return False
        return True

    def _store(self) -> ox.Store:
        version = self.version()
        if version is None:
            raise StoreError(f"{self.root}: no graph built yet (run `wcokg build` first)")
        opened = self._opened
        if opened is not None and opened[0] != version and self.in_memory:
            if self._catch_up(opened, version):
                self._opened = (version, opened[1])
            else:
                self._opened = None
        if self._opened is None or self._opened[0] != version:
            try:
                store = ox.Store.read_only(str(self.root / "versions" / version))
            except OSError as error:
                raise StoreError(f"{self.root}: cannot open the graph ({error})") from None
            if self.in_memory:
                memory = ox.Store()
                memory.bulk_extend(store.quads_for_pattern(None, None, None, None))
                store = memory
            self._opened = (version, store)
        return self._opened[1]

    def execute(
        self,
        sparql: str,
        bindings: Mapping[str, Identifier] | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> RawResult:
        # Bound with VALUES blocks of serialised terms (never pasted), as on the remote store.
        text = bind_values(sparql, bindings) if bindings else sparql
        try:
            return self._store().query(
                text,
                base_iri=base_iri,
                default_graph=[ox.NamedNode(g) for g in default_graphs] or None,
                named_graphs=[ox.NamedNode(g) for g in named_graphs] or None,
            )
        except SyntaxError as error:
            raise QueryError(f"malformed SPARQL query: {' '.join(str(error).split())}") from None
        except ValueError as error:  # an invalid graph IRI
            raise QueryError(str(error)) from None

    def update(self, sparql: str) -> None:
        """Apply an update to the current version in place (this process sees it at once)."""
        version = self.version()
        if version is None:
            raise StoreError(f"{self.root}: no graph built yet (run `wcokg build` first)")
        self._opened = None
        try:
            store = ox.Store(str(self.root / "versions" / version))
            store.update(sparql)
            store.flush()
            del store
        except SyntaxError as error:
            raise QueryError(f"malformed SPARQL update: {error}") from None
        except OSError as error:
            raise StoreError(f"{self.root}: cannot update the graph ({error})") from None

    @property
    def location(self) -> str:
        return str(self.root)

    def dump(self, media_type: str) -> bytes:
        data = self._store().dump(format=MEDIA_FORMATS[media_type], from_graph=ox.DefaultGraph())
        return data if isinstance(data, bytes) else b""

    def triple_count(self) -> int:
        result = self._store().query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(result, ox.QuerySolutions)  # noqa: S101 (a SELECT gives solutions)
        return int(next(iter(result))["n"].value)


def quads(graph: Graph, into: ox.NamedNode | ox.DefaultGraph) -> Iterator[ox.Quad]:
    """The triples of an rdflib graph as pyoxigraph quads in graph `into` (no N-Triples pass)."""
    for s, p, o in graph:
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), into)  # type: ignore[arg-type]


def _new_version_id() -> str:
    """A version id that sorts by time (pruning keeps the newest): local time to the
    nanosecond, then the process id."""
    now = time.time_ns()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(now // 10**9))
    return f"{stamp}-{now % 10**9:09d}-{os.getpid()}"


def _delta_quads(
    changes: Sequence[GraphChange], parent: str, version: str
) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The quads a patch removes and adds, the version triple's change included."""
    removed = [version_quad(parent)]
    added = [version_quad(version)]
    for change in changes:
        into = ox.DefaultGraph() if change.graph is None else ox.NamedNode(change.graph)
        removed.extend(_quad(triple, into) for triple in change.removed)
        added.extend(_quad(triple, into) for triple in change.added)
    return removed, added


def _quad(triple: Triple, into: ox.NamedNode | ox.DefaultGraph) -> ox.Quad:
    s, p, o = triple
    return ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), into)  # type: ignore[arg-type]


def _apply(store: ox.Store, removed: Sequence[ox.Quad], added: Sequence[ox.Quad]) -> None:
    for quad in removed:
        store.remove(quad)
    store.extend(added)


def _write_quads(path: Path, found: Sequence[ox.Quad]) -> None:
    with path.open("wb") as out:
        ox.serialize(found, out, format=ox.RdfFormat.N_QUADS)


def _read_quads(path: Path) -> list[ox.Quad]:
    with path.open("rb") as data:
        return list(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def version_quad(version: str) -> ox.Quad:
    """The one triple, in META_GRAPH, that records the stored version (same on every backend)."""
    meta = ox.NamedNode(META_GRAPH)
    return ox.Quad(meta, ox.NamedNode(VERSION_INFO), ox.Literal(version), meta)
