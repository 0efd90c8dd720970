"""The named-query registry: reads `queries/*.rq` and runs them with bound, validated parameters.

Header lines of a query file (grlc style):
    #+ name: reporting-line
    #+ summary: The chain of bodies a working body reports to, up to the Council
    #+ param: body string The working body's id, e.g. dmpt
    #+ param: depth integer=10 Optional parameter with a default
    #+ param: direction upstream|downstream=upstream A choice: one of the listed values
    #+ example: body=dmpt
Each parameter is bound to the SPARQL variable of the same name (`?body`; a hyphen becomes an
underscore: `as-of` binds `?as_of`), never pasted in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib.resources import files

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from wcokg.errors import QueryError
from wcokg.store.base import GraphStore, SelectResult

_HEADER_RE = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")
_PARAM_RE = re.compile(
    r"^([a-z][\w-]*)\s+(string|date|integer|iri|[\w-]+(?:\|[\w-]+)+)(?:=(\S+))?\s*(.*)$"
)
PARAM_TYPES = ("string", "date", "integer", "iri")


@dataclass(frozen=True)
class Param:
    """One query parameter: bound to the variable `?name` with a literal of `type`."""

    name: str
    type: str
    description: str
    default: str | None = None

    @property
    def variable(self) -> str:
        """The SPARQL variable the parameter binds (hyphens are not allowed in variable names)."""
        return self.name.replace("-", "_")

    @property
    def required(self) -> bool:
        return self.default is None

    def bind(self, value: str) -> Identifier:
        """The RDF term for a value given as text; QueryError when it does not fit the type."""
        if "|" in self.type:
            choices = self.type.split("|")
            if value not in choices:
                raise QueryError(
                    f"parameter {self.name}={value!r}: expected one of {', '.join(choices)}"
                )
            return Literal(value)
        try:
            if self.type == "date":
                return Literal(date.fromisoformat(value).isoformat(), datatype=XSD.date)
            if self.type == "integer":
                return Literal(int(value))
            if self.type == "iri":
                if not re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", value, re.IGNORECASE):
                    raise ValueError(value)
                return URIRef(value)
        except ValueError:
            raise QueryError(
                f"parameter {self.name}={value!r}: expected {self.type} ({self.description})"
            ) from None
        return Literal(value)


@dataclass(frozen=True)
class NamedQuery:
    """A named query: its header metadata and SPARQL text."""

    name: str
    summary: str
    text: str
    params: tuple[Param, ...] = ()
    example: str = ""
    description: str = ""
    columns: tuple[str, ...] = field(default=())

    def bindings(self, values: Mapping[str, str]) -> dict[str, Identifier]:
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryError(
                f"query {self.name}: unknown parameter(s) {', '.join(unknown)}; "
                f"it takes: {', '.join(known) or 'no parameters'}"
            )
        missing = [p.name for p in self.params if p.required and p.name not in values]
        if missing:
            raise QueryError(
                f"query {self.name}: missing parameter(s) {', '.join(missing)} "
                f"(example: {self.example or 'none'})"
            )
        return {
            p.variable: p.bind(values[p.name] if p.name in values else str(p.default))
            for p in self.params
        }

    def example_values(self) -> dict[str, str]:
        """The parameters of the `#+ example:` line (`KEY=VALUE` pairs, space- or &-separated)."""
        pairs = [p for p in re.split(r"[\s&]+", self.example.strip()) if p]
        return parse_params(pairs)

    def run(
        self,
        store: GraphStore,
        values: Mapping[str, str] | None = None,
        default_graphs: Sequence[str] = (),
    ) -> SelectResult:
        """Run with bound parameters; `default_graphs` (graph IRIs) replace the current view,
        e.g. one revision's graph and the reference graph."""
        result = store.query(self.text, self.bindings(values or {}), default_graphs)
        if not isinstance(result, SelectResult):
            raise QueryError(f"query {self.name}: named queries must be SELECT queries")
        return result


def parse_query_file(name: str, text: str) -> NamedQuery:
    """Read the `#+` header of a query file."""
    meta: dict[str, str] = {}
    params: list[Param] = []
    description: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        header = _HEADER_RE.match(line)
        if header is None:
            description.append(line.lstrip("# ").rstrip())
            continue
        key, value = header.group(1), header.group(2).strip()
        if key == "param":
            match = _PARAM_RE.match(value)
            if match is None:
                raise QueryError(f"query {name}: bad param line {value!r}")
            params.append(Param(match.group(1), match.group(2), match.group(4), match.group(3)))
        else:
            meta[key] = value
    if meta.get("name", name) != name:
        raise QueryError(f"query file {name}.rq names itself {meta['name']!r}")
    if "summary" not in meta:
        raise QueryError(f"query {name}: header has no '#+ summary:' line")
    return NamedQuery(
        name=name,
        summary=meta["summary"],
        text=text,
        params=tuple(params),
        example=meta.get("example", ""),
        description=" ".join(d for d in description if d),
    )


@lru_cache(maxsize=1)
def registry() -> dict[str, NamedQuery]:
    """Every named query shipped in `queries/`, by name."""
    folder = files("wcokg.queries")
    found = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.endswith(".rq"):
            name = path.name[: -len(".rq")]
            found[name] = parse_query_file(name, path.read_text(encoding="utf-8"))
    return found


def get_query(name: str) -> NamedQuery:
    queries = registry()
    if name not in queries:
        raise QueryError(f"unknown query {name!r}; named queries: {', '.join(sorted(queries))}")
    return queries[name]


def parse_params(pairs: list[str]) -> dict[str, str]:
    """`KEY=VALUE` strings from the command line as a dict."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise QueryError(f"parameter {pair!r}: expected KEY=VALUE")
        values[key.strip()] = value.strip()
    return values
