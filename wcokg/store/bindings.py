"""Binding query variables with VALUES blocks: the one way both stores bind parameters.

Pasting values into query text is how injection happens. `bind_values` instead adds `VALUES`
blocks made of properly serialised RDF terms (`term.n3()`, which escapes literals and rejects
invalid IRIs): one opening the query's outermost WHERE group with every binding, and one
opening each nested group pattern (OPTIONAL, UNION branch, FILTER EXISTS, sub-SELECT WHERE)
for the bound variables it mentions. This is the SEP-0007-style substitution done with the
standard VALUES join (as rdflib's `initBindings` and grlc do): every use of the variable sees
the bound value, including FILTERs in nested groups, and the variable stays bound in the
results. It is also the form Oxigraph plans best (`../shared/docs/performance-notes.md`:
binding the fixed end of a property path through VALUES avoids a join-order cliff), and
unlike pyoxigraph's `substitutions=` it does not require the variable to be projected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import BNode
from rdflib.term import Identifier

from wcokg.errors import QueryError

QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


@dataclass
class _Scan:
    """What `_scan` finds in a query: its form, its group patterns and its variables."""

    form: str = ""
    where: int | None = None
    groups: list[tuple[int, int]] = field(default_factory=list)
    variables: list[tuple[int, str]] = field(default_factory=list)
    dataset: bool = False


def bind_values(sparql: str, bindings: Mapping[str, Identifier]) -> str:
    """`sparql` with its variables bound by `VALUES (?a ?b) { (term term) }` blocks.

    The outermost WHERE group gets a block for every binding, and every nested group pattern
    (OPTIONAL, UNION branches, FILTER EXISTS, sub-SELECT WHERE) gets one for the bound variables
    it mentions, so a FILTER inside a nested group sees the value as under substitution.
    Terms are written with `term.n3()` (escaped literals, checked IRIs); blank nodes cannot be
    bound (a VALUES block cannot hold them). Raises QueryError when no WHERE group is found.
    """
    if not bindings:
        return sparql
    terms: dict[str, str] = {}
    for name, term in bindings.items():
        if not name.replace("_", "a").isalnum():
            raise QueryError(f"cannot bind {name!r}: not a SPARQL variable name")
        if isinstance(term, BNode):
            raise QueryError(f"cannot bind ?{name} to a blank node")
        try:
            terms[name] = term.n3()
        except Exception as error:  # rdflib rejects invalid IRIs here
            raise QueryError(f"cannot bind ?{name}: {error}") from None
    scan = _scan(sparql)
    if scan.where is None:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    inserts: list[tuple[int, str]] = []
    for start, end in scan.groups:
        if start == scan.where:
            names = list(terms)
        else:
            mentioned = {name for at, name in scan.variables if start < at < end}
            names = [name for name in terms if name in mentioned]
        if names:
            variables = " ".join(f"?{name}" for name in names)
            values = " ".join(terms[name] for name in names)
            inserts.append((start + 1, f" VALUES ({variables}) {{ ({values}) }} "))
    for position, block in sorted(inserts, reverse=True):
        sparql = sparql[:position] + block + sparql[position:]
    return sparql


def query_form(sparql: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE; "" for an update (comments and strings ignored)."""
    return _scan(sparql).form


def declares_dataset(sparql: str) -> bool:
    """True when the query has its own dataset clause (`FROM` or `FROM NAMED`)."""
    return _scan(sparql).dataset


def _scan(sparql: str) -> _Scan:
    """Find group patterns and variables, skipping comments, strings and IRIs."""
    scan = _Scan()
    stack: list[tuple[int, str]] = []  # open `{` and its role: group, template, data, subselect
    last_word, values_pending = "", False
    i, n = 0, len(sparql)
    while i < n:
        char = sparql[i]
        if char == "#":
            end = sparql.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if char in "\"'":
            quote = sparql[i : i + 3] if sparql[i : i + 3] in ('"""', "'''") else char
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            i, last_word = j + len(quote), ""
            continue
        if char == "<":
            end = i + 1
            while end < n and sparql[end] not in '<>"{}|^`\\ \t\r\n':
                end += 1
            if end < n and sparql[end] == ">":  # an IRI, not a less-than sign
                i, last_word = end + 1, ""
                continue
        if char in "?$" and i + 1 < n and (sparql[i + 1].isalnum() or sparql[i + 1] == "_"):
            j = i + 1
            while j < n and (sparql[j].isalnum() or sparql[j] in "_\u00b7"):
                j += 1
            scan.variables.append((i, sparql[i + 1 : j]))
            i, last_word = j, ""
            continue
        if char.isalpha():
            j = i
            while j < n and (sparql[j].isalnum() or sparql[j] in "_:-."):
                j += 1
            last_word = sparql[i:j].rstrip(".").upper()
            if not scan.form and last_word in QUERY_FORMS:
                scan.form = last_word
            values_pending = values_pending or last_word == "VALUES"
            scan.dataset = scan.dataset or (last_word == "FROM" and not stack)
            i = j
            continue
        if char == "{":
            if values_pending or (stack and stack[-1][1] == "data"):
                role = "data"
            elif not stack and last_word == "CONSTRUCT":
                role = "template"
            elif _next_word(sparql, i + 1) == "SELECT":
                role = "subselect"
            else:
                role = "group"
                if not stack and scan.where is None:
                    scan.where = i
            values_pending = False
            stack.append((i, role))
        elif char == "}" and stack:
            start, role = stack.pop()
            if role == "group":
                scan.groups.append((start, i))
        if not char.isspace():
            last_word = ""
        i += 1
    return scan


def _next_word(sparql: str, start: int) -> str:
    match = re.match(r"(?:\s|#[^\n]*\n?)*([A-Za-z]+)", sparql[start:])
    return match.group(1).upper() if match else ""
