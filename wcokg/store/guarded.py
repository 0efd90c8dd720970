"""Queries under limits that really stop the work: a pool of killable worker processes.

pyoxigraph cannot cancel a running query, and a thread cannot be killed, so a time limit in
the serving process would only stop *waiting*. `GuardedStore` wraps a store and sends every
query to one of a few worker processes (spawned, each opening the same store read-only). A
query that runs past the time limit is stopped by killing its worker, which is replaced; the
other workers keep answering meanwhile.

The same place enforces the other query limits:

- concurrency: at most `workers` queries run at once and `queue` more wait (at most one time
  limit) for a worker; beyond that `QueryBusy` at once, not a pile-up. Waiting costs nothing
  (a blocked thread), so the default queue is sized for normal concurrency (64), and the
  protection against runaway queries is the few workers and the time limit;
- result size: at most `max_rows` rows (solutions or triples) and `max_bytes` serialised bytes;
- federation: `SERVICE` (which pyoxigraph evaluates by calling the target over HTTP) only to
  the IRIs of the allow-list; checked in the worker, by parsing, before evaluation.

One exception to "every query in a worker": `query_bounded` answers in the serving process the
queries whose work is provably a small index scan (`wcokg.store.bounded`), with the same code
and the same row, byte and federation limits as a worker.

Updates, dumps, counts and builds are delegated to the wrapped store (updates are authorised
by the HTTP layer; see SECURITY.md).
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import dataclasses
import functools
import io
import logging
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import IO, Any, cast

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from wcokg.errors import QueryError, StoreError, WcokgError
from wcokg.store.base import GraphChange, GraphStore, QueryResult, SelectResult
from wcokg.store.bounded import BoundedLane
from wcokg.store.convert import graph_from_ntriples
from wcokg.store.embedded import EmbeddedStore
from wcokg.store.formats import (
    BOOLEAN_FORMATS,
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    MediaChooser,
    RawResult,
    ResultKind,
    SerializedResult,
)
from wcokg.store.memory import MemoryStore
from wcokg.store.remote import RemoteStore

log = logging.getLogger(__name__)

WORKER_START_TIMEOUT = 60.0
"""Seconds a new worker may take to import its modules and open the store."""


class QueryTimeout(StoreError):
    """The query ran past the time limit and was stopped."""


class QueryBusy(StoreError):
    """Too many queries at once: refused without waiting."""


class ClientGone(StoreError):
    """The client that asked went away: its query was stopped (its worker killed)."""


CANCEL: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "wcokg_query_cancel", default=None
)
"""Set by the HTTP layer around a query (`wcokg.api.disconnect`): when the event is set, the
query is abandoned as if past the time limit (waiting for a worker stops too)."""

POLL_SECONDS = 0.05
"""How often a waiting query looks at its cancel event."""


class ResultTooLarge(QueryError):
    """The answer has more rows or bytes than the limits allow."""


class FederationRefused(QueryError):
    """The query calls a SERVICE that is not on the allow-list."""


@dataclass(frozen=True)
class QueryLimits:
    """What one query may use; see Settings for the defaults."""

    timeout: float = 10.0
    workers: int = 3
    queue: int = 64
    max_rows: int = 100_000
    max_bytes: int = 32 * 1024 * 1024
    federation_allow: tuple[str, ...] = ()
    bounded_scan_rows: int = 1000
    bounded_path_edges: int = 1000

    @classmethod
    def from_settings(cls, settings: Any) -> QueryLimits:
        return cls(
            timeout=float(settings.query_timeout),
            workers=int(settings.query_workers),
            queue=int(settings.query_queue),
            max_rows=int(settings.max_result_rows),
            max_bytes=int(settings.max_response_bytes),
            federation_allow=tuple(settings.federation_allow),
            bounded_scan_rows=int(settings.bounded_scan_rows),
            bounded_path_edges=int(settings.bounded_path_edges),
        )


# -- federation: which SERVICE (and LOAD) targets a text names --------------------------------

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_KEYWORD = re.compile(r"(?i)\b(service|load)\b")


def _unescape(text: str) -> str:
    """SPARQL's \\uXXXX escapes, which apply anywhere in a query (so `\\u0053ERVICE` is SERVICE)."""

    def replace(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except ValueError:
            return match.group(0)

    return _ESCAPE.sub(replace, text)


def check_federation(
    text: str, allow: Iterable[str], base_iri: str | None = None, update: bool = False
) -> None:
    """Raise FederationRefused when `text` calls a SERVICE (or LOADs) an IRI not in `allow`.

    Parsed with rdflib's SPARQL parser, prefixes and the base resolved. A text rdflib cannot
    parse that still contains the keyword is refused: it cannot be shown to be safe.
    """
    plain = _unescape(text)
    if not _KEYWORD.search(plain):
        return
    allowed = set(allow)
    try:
        targets = list(_service_targets(plain, base_iri, update))
    except Exception:  # rdflib's parser raises many kinds; any failure means "not verified"
        raise FederationRefused(
            "the query mentions SERVICE or LOAD and its target could not be verified; "
            "federated queries are refused unless their endpoint is on the allow-list"
        ) from None
    for target in targets:
        if target is None or target not in allowed:
            shown = "a variable" if target is None else f"<{target}>"
            raise FederationRefused(
                f"SERVICE/LOAD to {shown} is refused: federation is off except to the endpoints "
                "of WCOKG_FEDERATION_ALLOW"
            )


def _service_targets(text: str, base_iri: str | None, update: bool) -> Iterator[str | None]:
    from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    tree: Any = (
        translateUpdate(parseUpdate(text), base=base_iri)
        if update
        else translateQuery(parseQuery(text), base=base_iri)
    )
    seen: set[int] = set()
    stack: list[Any] = list(tree.algebra) if update else [tree.algebra]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                term = node.get("term")
                yield str(term) if isinstance(term, URIRef) else None
            elif node.name == "Load":
                term = node.get("iri")
                yield str(term) if isinstance(term, URIRef) else None
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple | set):
            stack.extend(node)


# -- the work a worker does ----------------------------------------------------------------------


class _Capped:
    """A binary writer that refuses to grow past `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self.exceeded: str | None = None

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            self.exceeded = "bytes"
            raise OSError("response size limit")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _too_large(limits: QueryLimits, what: str) -> ResultTooLarge:
    if what == "rows":
        return ResultTooLarge(
            f"the answer has more than {limits.max_rows} rows; add LIMIT or narrow the query"
        )
    return ResultTooLarge(
        f"the answer is larger than {limits.max_bytes} bytes; add LIMIT or narrow the query"
    )


def _capped_triples(triples: Iterable[ox.Triple], limits: QueryLimits) -> Iterator[ox.Triple]:
    for count, triple in enumerate(triples, start=1):
        if count > limits.max_rows:
            raise _too_large(limits, "rows")
        yield triple


def _write(serialize: Callable[[IO[bytes]], object], limits: QueryLimits) -> bytes:
    """What `serialize` writes, stopped as soon as it passes the byte cap."""
    writer = _Capped(limits.max_bytes)
    try:
        serialize(cast(IO[bytes], writer))
    except OSError:
        if writer.exceeded:
            raise _too_large(limits, writer.exceeded) from None
        raise
    return writer.getvalue()


MIN_ROW_BYTES: dict[str, int] = {
    "application/sparql-results+json": 2,  # {}
    "application/sparql-results+xml": 9,  # <result/>
    "text/csv": 2,  # CRLF
    "text/tab-separated-values": 1,  # LF
}
"""The fewest bytes one solution takes in each SELECT result format."""


def _count_rows(body: bytes, media_type: str) -> int:
    """The solutions in a serialised SELECT answer (CSV, which pyoxigraph does not parse, by
    its records after the header)."""
    if media_type == "text/csv":
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline=""))) - 1
    solutions = ox.parse_query_results(body, format=SOLUTION_FORMATS[media_type])
    assert isinstance(solutions, ox.QuerySolutions)  # noqa: S101 (a SELECT answer)
    return sum(1 for _ in solutions)


def _serialize_capped(
    result: RawResult, media: Mapping[ResultKind, str | None], limits: QueryLimits
) -> tuple[ResultKind, str | None, bytes]:
    """Serialise within the row and byte limits; (kind, None, b"") when no media type fits."""
    if isinstance(result, ox.QueryBoolean):
        media_type = media.get(ResultKind.BOOLEAN)
        if media_type is None:
            return ResultKind.BOOLEAN, None, b""
        return (
            ResultKind.BOOLEAN,
            media_type,
            result.serialize(format=BOOLEAN_FORMATS[media_type]) or b"",
        )
    if isinstance(result, ox.QuerySolutions):
        media_type = media.get(ResultKind.SOLUTIONS)
        if media_type is None:
            return ResultKind.SOLUTIONS, None, b""
        # Serialised once, in the chosen format, under the byte cap. Every row takes at least
        # MIN_ROW_BYTES in it, so only an answer longer than max_rows times that can hold too
        # many rows; only such an answer is parsed back and counted.
        solutions = result
        target = SOLUTION_FORMATS[media_type]
        body = _write(lambda out: solutions.serialize(out, format=target), limits)
        long_enough = len(body) > limits.max_rows * MIN_ROW_BYTES[media_type]
        if long_enough and _count_rows(body, media_type) > limits.max_rows:
            raise _too_large(limits, "rows")
        return ResultKind.SOLUTIONS, media_type, body
    media_type = media.get(ResultKind.GRAPH)
    if media_type is None:
        return ResultKind.GRAPH, None, b""
    triples = _capped_triples(result, limits)
    rdf_format = GRAPH_FORMATS[media_type]
    body = _write(lambda out: ox.serialize(triples, out, format=rdf_format), limits)
    return ResultKind.GRAPH, media_type, body


def _converted(result: QueryResult, limits: QueryLimits) -> object:
    """A picklable QueryResult (a Graph travels as its triples), within the row limit."""
    if isinstance(result, SelectResult) and len(result.rows) > limits.max_rows:
        raise _too_large(limits, "rows")
    if isinstance(result, Graph):
        if len(result) > limits.max_rows:
            raise _too_large(limits, "rows")
        return ("graph", list(result))
    return result


def run_task(store: GraphStore, task: tuple[Any, ...], limits: QueryLimits) -> object:
    """Do one task (in a worker, or in-process when the pool has no workers)."""
    kind = task[0]
    if kind == "serialized":
        _, sparql, media, default_graphs, named_graphs, base_iri = task
        check_federation(sparql, limits.federation_allow, base_iri)
        result = store.execute(sparql, None, default_graphs, named_graphs, base_iri)
        return _serialize_capped(result, media, limits)
    if kind == "query":
        _, sparql, bindings, default_graphs = task
        return _converted(store.query(sparql, bindings, default_graphs), limits)
    if kind == "validate":
        _, ntriples = task
        return store.violations(graph_from_ntriples(ntriples))
    if kind == "findings":
        _, ntriples = task
        from wcokg.validate import validate_graph

        return validate_graph(graph_from_ntriples(ntriples)).findings
    if kind == "ping":
        return "pong"
    raise ValueError(f"unknown task {kind!r}")


def _worker_main(conn: Connection) -> None:
    """A worker: receive how to open the store, open it, then answer tasks until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops its workers itself
    factory, limits = conn.recv()
    store = factory()
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, object] = ("ok", run_task(store, task, limits))
        except WcokgError as error:
            reply = ("error", error)
        except Exception as error:  # reported without details: the parent logs the kind
            reply = ("error", StoreError(f"the query failed ({type(error).__name__})"))
        try:
            conn.send(reply)
        except Exception:  # an unpicklable answer
            conn.send(("error", StoreError("the answer could not be returned")))


# -- the pool ------------------------------------------------------------------------------------


class _Worker:
    """A worker process (`python -m wcokg.store.guarded FD`) and its end of a socket pair.

    A plain subprocess rather than multiprocessing: spawning with multiprocessing re-imports
    the parent's `__main__`, which breaks in scripts without a `__main__` guard.
    """

    def __init__(self, process: subprocess.Popen[bytes], conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.generation = 0

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.is_alive():
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


def _kill_all(workers: list[_Worker]) -> None:
    for worker in list(workers):
        worker.kill()
    workers.clear()


class QueryPool:
    """`workers` killable processes; a task past `limits.timeout` kills its worker."""

    def __init__(self, factory: Callable[[], GraphStore], limits: QueryLimits) -> None:
        self.factory = factory
        self.limits = limits
        self._admission = threading.BoundedSemaphore(max(1, limits.workers + limits.queue))
        self._free: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        for _ in range(limits.workers):
            self._free.put(None)  # started on first use
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._generation = 0
        self.timeouts = 0
        self.abandoned = 0  # queries stopped because their client went away
        self._finalizer = weakref.finalize(self, _kill_all, self._all)

    def _start(self) -> _Worker:
        ours, theirs = socket.socketpair()
        with theirs:
            process = subprocess.Popen(  # noqa: S603 (this interpreter, this module)
                [sys.executable, "-m", "wcokg.store.guarded", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C on the terminal goes to the parent only
            )
        parent = Connection(ours.detach())
        worker = _Worker(process, parent)
        try:
            parent.send((self.factory, self.limits))
        except OSError:
            worker.kill()
            raise StoreError("a query worker did not start") from None
        if not parent.poll(WORKER_START_TIMEOUT):
            worker.kill()
            raise StoreError("a query worker did not start")
        try:
            parent.recv()
        except (EOFError, OSError):
            worker.kill()
            raise StoreError("a query worker could not open the store") from None
        with self._lock:
            worker.generation = self._generation
            self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def run(self, task: tuple[Any, ...]) -> object:
        if not self._admission.acquire(blocking=False):
            raise QueryBusy(
                f"too many queries at once (at most {self.limits.workers} running and "
                f"{self.limits.queue} waiting); retry shortly"
            )
        cancel = CANCEL.get()
        try:
            # Each running query ends within the time limit (plus killing and restarting).
            worker = self._wait_for_worker(self.limits.timeout * 1.5 + 2, cancel)
            try:
                if worker is not None and worker.generation != self._generation:
                    self._retire(worker)
                    worker = None
                if worker is None:
                    worker = self._start()
                reply = self._exchange(worker, task, cancel)
            except BaseException:
                if worker is not None:
                    self._retire(worker)
                self._free.put(None)
                raise
            self._free.put(worker)
        finally:
            self._admission.release()
        status, value = reply
        if status == "error":
            assert isinstance(value, Exception)  # noqa: S101 (workers send exceptions)
            raise value
        return value

    def _wait_for_worker(self, timeout: float, cancel: threading.Event | None) -> _Worker | None:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                return self._free.get(timeout=max(0.0, min(left, POLL_SECONDS)))
            except queue.Empty:
                pass
            if cancel is not None and cancel.is_set():
                self.abandoned += 1
                log.info("query dropped before it started: the client went away")
                raise ClientGone("the client went away")
            if left <= 0:
                raise QueryBusy("every query worker stayed busy; retry shortly")

    def _exchange(
        self, worker: _Worker, task: tuple[Any, ...], cancel: threading.Event | None = None
    ) -> tuple[str, object]:
        """Send the task and wait for the reply, at most the time limit; a set `cancel`
        stops the wait (the caller kills the worker on any exception)."""
        started = time.monotonic()
        deadline = started + self.limits.timeout
        try:
            worker.conn.send(task)
            while True:
                left = deadline - time.monotonic()
                step = left if cancel is None else min(left, POLL_SECONDS)
                if worker.conn.poll(max(0.0, step)):
                    reply: tuple[str, object] = worker.conn.recv()
                    return reply
                if cancel is not None and cancel.is_set():
                    self.abandoned += 1
                    log.warning(
                        "query stopped after %.1f s: the client went away",
                        time.monotonic() - started,
                    )
                    raise ClientGone("the client went away")
                if left <= 0:
                    break
        except (EOFError, OSError):
            raise StoreError(
                "the query stopped its worker (too much memory?) and was abandoned"
            ) from None
        self.timeouts += 1
        log.warning("query stopped after %.1f s (time limit)", time.monotonic() - started)
        raise QueryTimeout(
            f"the query ran longer than the time limit of {self.limits.timeout:g} s and was "
            "stopped; narrow it or add LIMIT"
        )

    def warm(self) -> None:
        """Start every worker now (not on the first queries)."""
        started: list[_Worker | None] = []
        while True:
            try:
                started.append(self._free.get_nowait())
            except queue.Empty:
                break
        try:
            for i, worker in enumerate(started):
                if worker is None:
                    started[i] = self._start()
        finally:
            for worker in started:
                self._free.put(worker)

    def restart(self) -> None:
        """Workers reopen the store before their next task (after an update in place)."""
        with self._lock:
            self._generation += 1

    def close(self) -> None:
        """Stop every worker; the pool starts new ones if it is used again."""
        _kill_all(self._all)
        self.restart()

    @property
    def alive(self) -> int:
        return sum(1 for w in self._all if w.is_alive())

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._all]


def store_factory(store: GraphStore) -> Callable[[], GraphStore] | None:
    """A picklable recipe that opens `store` again in a worker, or None for unknown kinds."""
    if isinstance(store, GuardedStore):
        return store_factory(store.inner)
    if isinstance(store, EmbeddedStore):
        return functools.partial(EmbeddedStore, store.root, store.keep_versions, store.in_memory)
    if isinstance(store, RemoteStore):
        return functools.partial(
            RemoteStore,
            store.query_url,
            store.update_url,
            store.graph_store_url,
            store.user,
            store.password,
            store.timeout,
            store.graph_base,
            store.batch_triples,
            store.keep_versions,
            store.meta_graph,
        )
    return None


class GuardedStore(GraphStore):
    """A store whose queries run in the worker pool, under `QueryLimits`.

    Stores it cannot reopen in a worker (or `workers=0`) run queries in-process with the row,
    size and federation limits but without a time limit. On the embedded store, `query_bounded`
    answers the bounded-cost queries in-process (`wcokg.store.bounded`).
    """

    def __init__(self, inner: GraphStore, limits: QueryLimits) -> None:
        self.inner = inner
        self.limits = limits
        factory = store_factory(inner) if limits.workers > 0 else None
        self.pool = QueryPool(factory, limits) if factory is not None else None
        checking = dataclasses.replace(limits, workers=1, timeout=max(limits.timeout, 600.0))
        self.checks = QueryPool(MemoryStore, checking) if self.pool is not None else None
        """A worker of its own for edits' SHACL validation (`violations`): the store is not
        needed there, and an edit does not wait behind readers' queries."""
        self.reports = QueryPool(MemoryStore, checking) if self.pool is not None else None
        """Another for the whole graph's (`findings`: ~1 s on the seed, minutes at 100x; up to
        600 s), so that edits do not wait behind it either; started when first asked."""
        self.lane = (
            BoundedLane(inner, limits.bounded_scan_rows, limits.bounded_path_edges)
            if isinstance(inner, EmbeddedStore)
            else None
        )

    # Delegated: these are bounded by the graph, not by the request.
    @property
    def location(self) -> str:
        return self.inner.location

    def replace(
        self,
        graph: Graph,
        copy: ox.Store | None = None,
        named_graphs: Mapping[str, Graph] | None = None,
    ) -> str:
        version = self.inner.replace(graph, copy, named_graphs)
        if self.pool is not None and not isinstance(self.inner, EmbeddedStore):
            self.pool.restart()  # embedded workers read a new version by themselves
        if self.lane is not None:
            self.lane.forget()
        return version

    def patch(
        self,
        changes: Sequence[GraphChange],
        graph: Graph,
        named_graphs: Mapping[str, Graph] | None = None,
    ) -> str:
        """The inner store's patch; embedded workers catch up with its delta on their next
        task (no restart), other stores' workers reopen."""
        version = self.inner.patch(changes, graph, named_graphs)
        if self.pool is not None and not isinstance(self.inner, EmbeddedStore):
            self.pool.restart()
        if self.lane is not None:
            self.lane.forget()
        return version

    def violations(self, graph: Graph) -> list[Any]:
        """Validated in the validation worker (the graph travels as N-Triples), under the time
        limit; a failure there is reported as the store's error, and the edit is refused."""
        if self.checks is None:
            return self.inner.violations(graph)
        found = self.checks.run(("validate", graph.serialize(format="nt")))
        assert isinstance(found, list)  # noqa: S101 (a list of findings)
        return found

    def findings(self) -> list[Any]:
        """The current graph's findings, computed in the report worker (callers keep them per
        version: `api.services.validation`)."""
        if self.reports is None:
            return self.inner.findings()
        found = self.reports.run(("findings", self.inner.dump("application/n-triples")))
        assert isinstance(found, list)  # noqa: S101 (a list of findings)
        return found

    def update(self, sparql: str) -> None:
        check_federation(sparql, self.limits.federation_allow, update=True)
        self.inner.update(sparql)
        if self.pool is not None:
            self.pool.restart()
        if self.lane is not None:
            self.lane.forget()  # the version keeps its name: its counts are out of date

    def version(self) -> str | None:
        return self.inner.version()

    def dump(self, media_type: str) -> bytes:
        return self.inner.dump(media_type)

    def triple_count(self) -> int:
        return self.inner.triple_count()

    def execute(
        self,
        sparql: str,
        bindings: Mapping[str, Identifier] | None = None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> RawResult:
        """Raw pyoxigraph results cannot leave a worker: in-process, for trusted callers only."""
        return self.inner.execute(sparql, bindings, default_graphs, named_graphs, base_iri)

    # Guarded: every query.
    def _run(self, task: tuple[Any, ...]) -> object:
        if self.pool is None:
            return run_task(self.inner, task, self.limits)
        return self.pool.run(task)

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Identifier] | None = None,
        default_graphs: Sequence[str] = (),
    ) -> QueryResult:
        task = ("query", sparql, dict(bindings) if bindings else None, list(default_graphs))
        value = self._run(task)
        if isinstance(value, tuple) and value and value[0] == "graph":
            graph = Graph()
            for triple in value[1]:
                graph.add(triple)
            return graph
        assert isinstance(value, SelectResult | bool)  # noqa: S101 (see _converted)
        return value

    def query_serialized(
        self,
        sparql: str,
        choose: MediaChooser,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> SerializedResult:
        """The answer serialised in a worker, in the media type `choose` picks for its kind."""
        media, refusals = _media(choose)
        task = ("serialized", sparql, media, list(default_graphs), list(named_graphs), base_iri)
        return _answer(self._run(task), refusals)

    def query_bounded(
        self, sparql: str, choose: MediaChooser, base_iri: str | None = None
    ) -> SerializedResult | None:
        """The answer made in this process when the bounded lane admits the query (on the
        store's default graph), else None (then: `query_serialized`, in a worker). Same
        evaluation, serialisation, limits and errors as in a worker; call it on one thread
        (pyoxigraph's results stay on the thread that made them)."""
        if self.lane is None or not self.lane.admits(sparql):
            return None
        media, refusals = _media(choose)
        task: tuple[Any, ...] = ("serialized", sparql, media, [], [], base_iri)
        try:
            value = run_task(self.inner, task, self.limits)
        except WcokgError:
            raise
        except Exception as error:  # as a worker reports it
            raise StoreError(f"the query failed ({type(error).__name__})") from None
        return _answer(value, refusals)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        for pool in (self.checks, self.reports):
            if pool is not None:
                pool.close()


def _media(
    choose: MediaChooser,
) -> tuple[dict[ResultKind, str | None], dict[ResultKind, Exception]]:
    """The media type `choose` picks for each result kind, and what it raised for the others."""
    media: dict[ResultKind, str | None] = {}
    refusals: dict[ResultKind, Exception] = {}
    for kind in ResultKind:
        try:
            media[kind] = choose(kind)
        except Exception as error:  # e.g. 406: raised only if the query has this kind
            media[kind] = None
            refusals[kind] = error.with_traceback(None)
    return media, refusals


def _answer(value: object, refusals: Mapping[ResultKind, Exception]) -> SerializedResult:
    kind, media_type, body = cast(tuple[ResultKind, str | None, bytes], value)
    if media_type is None:
        raise refusals[kind]
    return SerializedResult(kind, media_type, body)


if __name__ == "__main__":
    # Through the imported module, so the classes a worker pickles are the parent's.
    from wcokg.store import guarded

    guarded._worker_main(Connection(int(sys.argv[1])))
