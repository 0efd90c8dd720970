"""The bounded-cost lane: queries whose work is provably a small index scan, answered in-process.

Every other query runs in a killable worker (`wcokg.store.guarded`), which costs a round trip
(pickling, a socket, a second process) larger than a lookup's own evaluation. A query runs in
the serving process instead only when `classify` recognises it as one of two shapes, from a
small grammar of its own (anything it does not recognise goes to a worker):

- **one triple pattern with a constant end**: `SELECT [DISTINCT|REDUCED] (?v… | *) [WHERE]
  { S P O [.] } [LIMIT n] [OFFSET n]` or `ASK [WHERE] { S P O [.] }`, where S or O is an IRI
  (O may also be a plain string) and P an IRI, `a` or a variable. Its work is one index
  prefix scan over the quads of the constant end: the lane runs it only when that end has at
  most `scan_rows` quads in the default graph;
- **a one-predicate closure from a constant**: the same forms with `{ S <p>+ O }` or
  `{ S <p>* O }`, S or O an IRI, when the predicate has at most `path_edges` edges in the
  default graph: a breadth-first walk visits each edge at most once.

Refused by the grammar (so sent to a worker): FILTER, BIND, OPTIONAL, UNION, GRAPH, SERVICE,
sub-queries, aggregates, ORDER BY, VALUES, FROM, BASE, relative IRIs, blank nodes, comments,
escapes, numbers and typed or tagged literals, more than one pattern, any other path. The
counts are read once per graph version and end per term (a COUNT over at most the limit plus
one quads, cheap: no term is decoded), kept in a small per-version table. The query text
itself is then evaluated by the same store call and serialised by the same function, under
the same row and byte caps, as in a worker, so the answer and its errors are the same bytes.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import pyoxigraph as ox

from wcokg.store.base import GraphStore
from wcokg.store.embedded import EmbeddedStore

log = logging.getLogger(__name__)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# One alternative per token kind; a text with anything else (a comment, an escape, a number
# outside LIMIT/OFFSET, a quote of another kind) is not recognised. Names must end at a
# delimiter, so a longer name SPARQL would read (`ex:a.b`, `?x·y`) never splits into two.
_END = r"(?=[ \t\r\n{}]|\.(?:[ \t\r\n}]|$)|$)"
_TOKEN = re.compile(
    r"""
      (?P<ws>[ \t\r\n]+)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)(?P<iri_mod>[+*](?=[ \t\r\n]))?
    | (?P<string>"[^"\\\r\n]*")(?![@^"])
    | (?P<var>[?$][A-Za-z0-9_]+)"""
    + _END
    + r"""
    | (?P<keyword>(?i:prefix|select|distinct|reduced|where|ask|limit|offset))(?![A-Za-z0-9_:-])
    | (?P<a>a)(?=[ \t\r\n])
    | (?P<pname>(?:[A-Za-z][A-Za-z0-9_-]*)?:(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*))?)
          (?:(?P<pname_mod>[+*])(?=[ \t\r\n])|"""
    + _END
    + r""")
    | (?P<integer>[0-9]+)(?![A-Za-z0-9_.:])
    | (?P<punct>[{}.*])
    """,
    re.VERBOSE,
)
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Term:
    """A triple pattern's position: a variable (`value` is its name), an IRI or a plain string."""

    kind: str  # "var", "iri" or "string"
    value: str

    def sparql(self) -> str:
        """The term as one SPARQL token (an IRI or a plain string; never a variable here)."""
        if self.kind == "var" or any(c in self.value for c in '<>"\\\r\n'):
            raise ValueError(f"not a constant token: {self.kind} {self.value!r}")
        return f"<{self.value}>" if self.kind == "iri" else f'"{self.value}"'


@dataclass(frozen=True)
class Shape:
    """A recognised query: one triple pattern, its predicate possibly a `+`/`*` closure."""

    subject: Term
    predicate: Term
    object: Term
    path: str | None  # "+", "*" or None

    def constant_end(self) -> tuple[str, Term] | None:
        """The end whose quads bound a plain pattern: the subject if it is constant, else the
        object (("subject"|"object", term)), None when both are variables."""
        if self.subject.kind != "var":
            return "subject", self.subject
        if self.object.kind != "var":
            return "object", self.object
        return None


Token = tuple[str, str, str | None]
"""(kind, text, path modifier after a name or None)."""


def _tokens(text: str) -> list[Token] | None:
    position, found = 0, []
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            return None
        position = match.end()
        kind: str = match.lastgroup
        if kind == "ws":
            continue
        if kind in ("iri_mod", "pname_mod"):  # a named group after the name: take the name
            kind = "iri" if kind == "iri_mod" else "pname"
        value: str = match.group(kind)
        modifier: str | None = match.group("iri_mod") or match.group("pname_mod")
        if kind == "keyword":
            value = value.upper()
        found.append((kind, value, modifier))
    return found


class _Parser:
    """A recursive reading of the token list along the grammar above; `None` for anything else."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.prefixes: dict[str, str] = {}

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> Token | None:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            return None
        self.at += 1
        return token

    def term(self, token: Token | None) -> Term | None:
        if token is None:
            return None
        kind, value, _ = token
        if kind == "var":
            return Term("var", value[1:])
        if kind == "iri":
            iri = value[1:-1]
            return Term("iri", iri) if _ABSOLUTE.match(iri) else None
        if kind == "pname":
            prefix, _, local = value.partition(":")
            namespace = self.prefixes.get(prefix)
            return None if namespace is None else Term("iri", namespace + local)
        if kind == "a":
            return Term("iri", RDF_TYPE)
        if kind == "string":
            return Term("string", value[1:-1])
        return None


MAX_TEXT = 4096
"""Longer texts are not read at all (a bounded shape needs a few prefixes at most)."""


def classify(text: str) -> Shape | None:
    """The shape of `text` if it is one the lane may run, else None (then: a worker).

    Only decides the lane; the text is still parsed and evaluated by the store. Conservative:
    a text this small grammar does not read exactly as SPARQL does is not recognised. A pure
    function of the text: the last texts' shapes are kept.
    """
    return _classify(text) if len(text) <= MAX_TEXT else None


@functools.lru_cache(maxsize=512)
def _classify(text: str) -> Shape | None:
    tokens = _tokens(text)
    if tokens is None:
        return None
    parser = _Parser(tokens)
    while parser.take("keyword", "PREFIX"):
        name, namespace = parser.take("pname"), parser.take("iri")
        if name is None or namespace is None or name[2] or namespace[2]:
            return None
        prefix, _, local = name[1].partition(":")
        iri = namespace[1][1:-1]
        if local or prefix in parser.prefixes or not _ABSOLUTE.match(iri):
            return None
        parser.prefixes[prefix] = iri
    if parser.take("keyword", "SELECT"):
        select = True
        if not parser.take("keyword", "DISTINCT"):
            parser.take("keyword", "REDUCED")
        if not parser.take("punct", "*"):
            if not parser.take("var"):
                return None
            while parser.take("var"):
                pass
    elif parser.take("keyword", "ASK"):
        select = False
    else:
        return None
    parser.take("keyword", "WHERE")
    if not parser.take("punct", "{"):
        return None
    subject = parser.term(parser.peek())
    parser.at += 1
    verb = parser.peek()
    predicate = parser.term(verb)
    parser.at += 1
    obj = parser.term(parser.peek())
    parser.at += 1
    if subject is None or predicate is None or obj is None or subject.kind == "string":
        return None
    if predicate.kind == "string":
        return None
    path = verb[2] if verb is not None else None
    parser.take("punct", ".")
    if not parser.take("punct", "}"):
        return None
    if select:
        seen: set[str] = set()
        while (keyword := parser.take("keyword")) is not None:
            if keyword[1] not in ("LIMIT", "OFFSET") or keyword[1] in seen:
                return None
            seen.add(keyword[1])
            if not parser.take("integer"):
                return None
    if parser.peek() is not None:
        return None
    shape = Shape(subject, predicate, obj, path)
    if path is not None and (subject.kind == "string" or predicate.kind != "iri"):
        return None
    if path is not None and subject.kind == "var" and obj.kind == "var":
        return None
    if path is None and shape.constant_end() is None:
        return None
    return shape


_END_COUNT = {
    "subject": "SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{ {end} ?p ?o }} LIMIT {max} }} }}",
    "object": "SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{ ?s ?p {end} }} LIMIT {max} }} }}",
    "predicate": "SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{ ?s {end} ?o }} LIMIT {max} }} }}",
}
"""Quads of one term in the default graph, counted up to a limit (`max`: the limit plus one).

The term is written into the text as the query itself wrote it (`Term.sparql`), not bound
with VALUES: binding made the count cost ~140 µs instead of ~45 µs (measured), paid on every
first sight of a term. It is safe: the term is one token matched by the strict IRIREF or
string pattern above (no `>`, quote, backslash or line break inside), so it stays one term,
the same one the query names; it comes from the query the client sent anyway."""


class BoundedLane:
    """Decides whether a query may run in-process (`admits`) from its shape and the counts
    of the served version, which it keeps (at most `max_counts` terms per version)."""

    def __init__(
        self, store: GraphStore, scan_rows: int, path_edges: int, max_counts: int = 4096
    ) -> None:
        self.store = store
        self._link = os.fspath(store.current_link) if isinstance(store, EmbeddedStore) else None
        self.scan_rows = scan_rows
        self.path_edges = path_edges
        self.max_counts = max_counts
        self._version: str | None = None
        self._counts: OrderedDict[tuple[str, Term], int] = OrderedDict()
        self._lock = threading.Lock()

    def admits(self, text: str) -> bool:
        """True when `text` is bounded on the current version (reads the store's counts)."""
        shape = classify(text)
        if shape is None:
            return False
        if shape.path is not None:
            role, term, limit = "predicate", shape.predicate, self.path_edges
        else:
            end = shape.constant_end()
            assert end is not None  # noqa: S101 (classify gives a constant end)
            (role, term), limit = end, self.scan_rows
        if limit <= 0:  # this shape's lane is off
            return False
        try:
            return self._count(role, term, limit) <= limit
        except Exception:  # noqa: BLE001 - not shown bounded: a worker answers (or reports) it
            log.debug("bounded lane: count failed", exc_info=True)
            return False

    def forget(self) -> None:
        """Drop the counts: the graph changed in place (an update keeps the version's name)."""
        with self._lock:
            self._counts.clear()

    def _current(self) -> str | None:
        """The served version's name: the embedded store's `current` link, read directly
        (one system call, where `version()` takes several)."""
        if self._link is None:
            return self.store.version()
        try:
            return os.readlink(self._link)
        except OSError:
            return None

    def _count(self, role: str, term: Term, limit: int) -> int:
        """The quads with `term` in `role`, counted up to `limit + 1`; kept for the version."""
        version = self._current()
        key = (role, term)
        with self._lock:
            if version != self._version:
                self._counts.clear()
                self._version = version
            found = self._counts.get(key)
            if found is not None:
                self._counts.move_to_end(key)
                return found
        text = _END_COUNT[role].format(end=term.sparql(), max=int(limit) + 1)
        result = self.store.execute(text)
        assert isinstance(result, ox.QuerySolutions)  # noqa: S101 (a SELECT)
        count = int(next(iter(result))["n"].value)
        with self._lock:
            if version == self._version:
                self._counts[key] = count
                if len(self._counts) > self.max_counts:
                    self._counts.popitem(last=False)
        return count
