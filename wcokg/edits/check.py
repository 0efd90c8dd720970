"""Does an edit break the shapes? Validated on the edited activity's neighbourhood, not the whole
graph: an edit changes only the activity and its parts, so only their findings can change.

The neighbourhood is the activity, every resource minted under its IRI (milestones, allocations,
flags, provenance, edits), one hop out of them (section, programme, bodies, units, concepts,
linked resources) and the class and property hierarchy. Rules that need more context (e.g. ids
unique within a section) find the same things before and after, so the edit's new violations
are those of the neighbourhood after it that were not there before (~0.1 s on the seed, against
~1 s for the whole graph).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from wcokg.validate import Finding, validate_graph


def neighbourhood(graph: Graph, node: URIRef) -> Graph:
    """The part of `graph` that validating `node`'s activity needs (see the module docstring)."""
    sub = Graph()
    prefix = f"{node}/"
    todo: list[URIRef] = [node]
    seen: set[URIRef] = set()
    outside: set[URIRef] = set()
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for triple in graph.triples((subject, None, None)):
            sub.add(triple)
            obj = triple[2]
            if isinstance(obj, URIRef):
                if str(obj).startswith(prefix):
                    todo.append(obj)
                else:
                    outside.add(obj)
    for obj in outside:
        for triple in graph.triples((obj, None, None)):
            sub.add(triple)
    for prop in (RDFS.subClassOf, RDFS.subPropertyOf):
        for triple in graph.triples((None, prop, None)):
            sub.add(triple)
    return sub


MEMO_SIZE = 256
"""Neighbourhoods whose violations are remembered: an edit's neighbourhood after it is the next
edit's before (of the same activity), so each edit validates once, not twice."""

_memo: OrderedDict[tuple[frozenset[tuple[Node, Node, Node]], str], list[Finding]] = OrderedDict()
_memo_lock = threading.Lock()


Validate = Callable[[Graph], list[Finding]]
"""Validates a small graph: its violations (e.g. `GraphStore.violations`, in a query worker)."""


def activity_violations(
    graph: Graph, node: URIRef, activity_id: str, validate: Validate | None = None
) -> list[Finding]:
    """The violations of the activity's neighbourhood about the activity (or its parts); the
    same neighbourhood (the same triples) is validated once per process (the shapes are fixed).
    `validate` does the validation (in this thread when not given)."""
    sub = neighbourhood(graph, node)
    key = (frozenset(sub), activity_id)
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
            return found
    violations = validate(sub) if validate is not None else validate_graph(sub).violations
    found = [f for f in violations if f.activity_id == activity_id]
    with _memo_lock:
        _memo[key] = found
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return found


def new_violations(before: list[Finding], after: list[Finding]) -> list[Finding]:
    """Violations in `after` that `before` did not have (same rule, node and value)."""
    known = {(f.rule, f.focus, f.value) for f in before}
    return [f for f in after if (f.rule, f.focus, f.value) not in known]
