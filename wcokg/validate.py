"""SHACL validation of the graph: the shapes in shapes/*.ttl, run by pyshacl, as a typed report.

Reusable without the command line: ``validate_graph(graph)`` takes any rdflib Graph (data with
the ontology, codelists and reference data, as `wcokg build` makes it) and returns a
``ValidationReport``; ``ensure_no_violations(report)`` raises ``GraphInvalidError`` for callers
that must never ship a graph with violations (exports, `wcokg build --strict`).

Speed. pyshacl evaluates a SHACL-SPARQL constraint once per focus node at ~10 ms each (it
rewrites and re-parses the query for every node); on the seed that was 1.4 s of 2.5 s for the
uniqueness and reporting-line checks alone, and it grows with every activity. So by default
(``fast=True``) the ``sh:sparql`` constraints are taken out of the shapes graph handed to pyshacl
and run here instead: the same query text from the same shape, once, on an in-memory pyoxigraph
copy of the data, keeping the rows of the shape's target nodes (bound as VALUES when there are
only a few) - the results carry the same shape, constraint, severity and message. The shapes
files stay the one definition; ``fast=False`` runs everything in pyshacl (tests check both modes
agree). In the same mode, SPARQL-based targets are evaluated once, on the same copy, and
property shapes get their node shape's targets, so pyshacl validates each property shape once
rather than once per focus node.
"""

from __future__ import annotations

import gc
import json
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from wcokg.errors import WcokgError
from wcokg.loaders.turtle import Turtle, parse_turtle
from wcokg.namespaces import WCOKG
from wcokg.store.base import GraphStore
from wcokg.store.convert import oxigraph_copy, to_oxigraph, to_rdflib

SHAPES_NS = "https://w3id.org/wcokg/shapes#"
REPORT_FORMATS = ("text", "json", "ttl")

# Properties that hang a part (milestone, allocation, flag, ...) below its activity.
_PART_OF_ACTIVITY = (
    WCOKG.hasMilestone,
    WCOKG.hasAllocation,
    WCOKG.hasResponsibility,
    WCOKG.flag,
    PROV.wasDerivedFrom,
)


class Severity(StrEnum):
    """SHACL severities, most serious first."""

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"violation": 0, "warning": 1, "info": 2}[self.value]

    @property
    def iri(self) -> URIRef:
        return {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}[self.value]

    @classmethod
    def from_iri(cls, iri: Node | None) -> Severity:
        if iri == SH.Warning:
            return cls.WARNING
        if iri == SH.Info:
            return cls.INFO
        return cls.VIOLATION

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.lower())
        except ValueError:
            raise GraphInvalidError(
                f"unknown severity {text!r}; expected one of violation, warning, info", exit_code=2
            ) from None


class GraphInvalidError(WcokgError):
    """The graph breaks required shapes (or validation was asked something it cannot do)."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Finding:
    """One SHACL result, in terms a person acts on."""

    severity: Severity
    rule: str  # the shape's (or SPARQL constraint's) local name, e.g. Activity-priority
    message: str
    focus: str  # IRI of the focus node
    subject: str  # short name of the focus: the activity id, a body id, or the IRI
    activity_id: str | None  # the activity the focus is, or belongs to
    value: str | None = None  # the offending value as text
    path: str | None = None
    source_lines: str | None = None  # "31" or "205-214"
    shape: str = ""
    component: str = ""  # e.g. MinCountConstraintComponent

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


@dataclass
class ValidationReport:
    """Findings of one validation run, with the SHACL validation report graph."""

    findings: list[Finding]
    graph: Graph
    triples: int = 0
    seconds: float = 0.0
    min_severity: Severity = Severity.INFO
    shape_counts: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step, for benchmarks

    @property
    def conforms(self) -> bool:
        """True when nothing breaks a required shape (warnings and info allowed)."""
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.VIOLATION]

    def counts(self) -> dict[str, int]:
        counted = Counter(f.severity.value for f in self.findings)
        return {s.value: counted.get(s.value, 0) for s in Severity}

    def by_activity(self) -> dict[str, list[Finding]]:
        """Findings per activity id (or per other subject: a body, a programme, ...)."""
        groups: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.findings:
            groups[finding.activity_id or finding.subject].append(finding)
        return dict(sorted(groups.items(), key=lambda item: _natural_key(item[0])))

    def by_rule(self) -> dict[str, list[Finding]]:
        groups: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.findings:
            groups[finding.rule].append(finding)
        return dict(sorted(groups.items(), key=lambda item: (item[1][0].severity.rank, item[0])))

    def filtered(self, min_severity: Severity) -> ValidationReport:
        """Only the findings at least as serious as `min_severity`."""
        kept = [f for f in self.findings if f.severity.rank <= min_severity.rank]
        return ValidationReport(
            kept,
            self._report_graph(min_severity),
            self.triples,
            self.seconds,
            min_severity,
            self.shape_counts,
            self.phases,
        )

    def _report_graph(self, min_severity: Severity) -> Graph:
        graph = _new_report_graph()
        report = next(self.graph.subjects(RDF.type, SH.ValidationReport), BNode())
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for result in self.graph.objects(report, SH.result):
            severity = Severity.from_iri(self.graph.value(result, SH.resultSeverity))
            if severity.rank <= min_severity.rank:
                graph.add((report, SH.result, result))
                graph += self.graph.cbd(result)
        return graph

    # --- serialisations ---------------------------------------------------------------

    def summary(self) -> str:
        counts = self.counts()
        return (
            f"{counts['violation']} violations, {counts['warning']} warnings, {counts['info']} info"
        )

    def to_text(self) -> str:
        lines = [
            f"Validation: {self.summary()} "
            f"({self.triples} triples, {self.seconds:.2f} s)"
            + (
                ""
                if self.min_severity is Severity.INFO
                else f"; showing {self.min_severity.value} and above"
            ),
            f"Conforms (no violations): {'yes' if self.conforms else 'NO'}",
        ]
        if not self.findings:
            return "\n".join(lines) + "\n"
        lines += ["", "By rule"]
        for rule, findings in self.by_rule().items():
            subjects = ", ".join(dict.fromkeys(f.activity_id or f.subject for f in findings))
            lines.append(f"  {findings[0].severity.value:9} {rule} ({len(findings)}): {subjects}")
        lines += ["", "By activity"]
        for subject, findings in self.by_activity().items():
            where = findings[0].source_lines
            lines.append(f"  {subject}" + (f" (source lines {where})" if where else ""))
            for f in sorted(findings, key=lambda f: (f.severity.rank, f.rule)):
                value = f" [{_shorten(f.value)}]" if f.value and f.value not in f.message else ""
                lines.append(f"    {f.severity.value:9} {f.rule}: {f.message}{value}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        data = {
            "conforms": self.conforms,
            "counts": self.counts(),
            "triples": self.triples,
            "seconds": round(self.seconds, 3),
            "min_severity": self.min_severity.value,
            "by_rule": {
                rule: {
                    "severity": fs[0].severity.value,
                    "count": len(fs),
                    "subjects": list(dict.fromkeys(f.activity_id or f.subject for f in fs)),
                }
                for rule, fs in self.by_rule().items()
            },
            "by_activity": {
                subject: [f.as_dict() for f in fs] for subject, fs in self.by_activity().items()
            },
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        return self.graph.serialize(format="turtle")

    def render(self, fmt: str) -> str:
        if fmt == "text":
            return self.to_text()
        if fmt == "json":
            return self.to_json()
        if fmt == "ttl":
            return self.to_turtle()
        raise GraphInvalidError(
            f"unknown format {fmt!r}; expected one of {', '.join(REPORT_FORMATS)}", exit_code=2
        )


def ensure_no_violations(report: ValidationReport) -> None:
    """Raise GraphInvalidError (exit code 1) when the report has violations."""
    violations = report.violations
    if not violations:
        return
    first = violations[0]
    raise GraphInvalidError(
        f"the graph has {len(violations)} SHACL violation(s), e.g. {first.activity_id or first.subject}: "
        f"{first.message} (run `wcokg validate` for the report)"
    )


# --- shapes ----------------------------------------------------------------------------


@cache
def _shapes_files() -> tuple[Turtle, ...]:
    """The shapes files, parsed once per process (pyoxigraph: ~0.2 s less than rdflib's parser)."""
    folder = files("wcokg.shapes")
    paths = sorted((p for p in folder.iterdir() if p.name.endswith(".ttl")), key=lambda p: p.name)
    return tuple(parse_turtle(p.read_text(encoding="utf-8")) for p in paths)


def shapes_graph() -> Graph:
    """All shapes files in one graph (a fresh copy: callers may change it)."""
    graph = Graph()
    for turtle in _shapes_files():
        turtle.add_to(graph)
    return graph


# --- validation ----------------------------------------------------------------------


def validate_graph(
    graph: Graph, *, fast: bool = True, copy: ox.Store | None = None
) -> ValidationReport:
    """Validate `graph` (data + ontology, no inference) against every shape; never raises on findings.

    `copy` is `graph`'s pyoxigraph copy when the caller made one (`convert.oxigraph_copy`); the
    fast mode makes one otherwise.
    """
    # The objects alive now (the graph above all) are left out of garbage collection meanwhile:
    # with a million-triple graph resident, each full collection walked all of it again, and
    # validation allocates enough to trigger many (the cost grew faster than the graph).
    if not _FREEZE_GC:
        return _validate(graph, fast, copy)
    gc.freeze()
    try:
        return _validate(graph, fast, copy)
    finally:
        gc.unfreeze()


_FREEZE_GC = True

_STORED_LOCK = threading.Lock()
_STORED: dict[tuple[str, str | None], ValidationReport] = {}


def validate_store(store: GraphStore) -> ValidationReport:
    """The report for the store's current graph, computed once per stored version.

    The CLI, the export guard and the API all ask through here, so a serving process validates
    each built graph once whoever asks first.
    """
    key = (store.location, store.version())
    with _STORED_LOCK:
        if key[1] is not None and key in _STORED:
            return _STORED[key]
        graph = Graph()
        graph.parse(data=store.dump("application/n-triples"), format="nt")
        report = validate_graph(graph)
        if key[1] is not None:
            _STORED.clear()
            _STORED[key] = report
        return report


def _validate(graph: Graph, fast: bool, copy: ox.Store | None) -> ValidationReport:
    from pyshacl import validate

    started = time.perf_counter()
    phases: dict[str, float] = {}
    clock = started

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = now - clock
        clock = now

    shapes = shapes_graph()
    shape_counts = {
        "node shapes": len(set(shapes.subjects(RDF.type, SH.NodeShape))),
        "property shapes": len(set(shapes.subjects(RDF.type, SH.PropertyShape))),
        "sparql constraints": len(set(shapes.objects(None, SH.sparql))),
    }
    sparql_checks: list[_SparqlCheck] = []
    targets: _Targets | None = None
    if fast:
        store = copy if copy is not None else oxigraph_copy(graph)
        lap("pyoxigraph copy")
        targets = _Targets(graph, shapes, store)
        sparql_checks = _take_sparql_constraints(shapes)
        _resolve_sparql_targets(shapes, targets)
        _hoist_property_shapes(shapes)
    lap("shapes and targets")
    _conforms, results, _text = validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        abort_on_first=False,
        inplace=True,  # no inference, so nothing is written: skip pyshacl's copy of the data
    )
    if not isinstance(results, Graph):  # pragma: no cover - pyshacl returns a Graph here
        raise TypeError("pyshacl returned no report graph")
    report_node = next(results.subjects(RDF.type, SH.ValidationReport))
    lap("pyshacl")
    if targets is not None:
        for check in sparql_checks:
            check.run(targets, results, report_node)
        lap("sparql checks")
    findings = _findings(graph, results, shapes)
    lap("findings")
    conforms = not any(f.severity is Severity.VIOLATION for f in findings)
    results.set((report_node, SH.conforms, Literal(conforms)))
    findings.sort(key=_finding_order)
    return ValidationReport(
        findings,
        results,
        triples=len(graph),
        seconds=time.perf_counter() - started,
        shape_counts=shape_counts,
        phases=phases,
    )


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def _resolve_sparql_targets(shapes: Graph, targets: _Targets) -> None:
    """Replace each SPARQL-based target (sh:target) by the nodes it selects (sh:targetNode).

    pyshacl re-parses and re-runs a target query for every shape that uses it (~50 ms each);
    here each distinct target query runs once.
    """
    for shape, target in list(shapes.subject_objects(SH.target)):
        shapes.remove((shape, SH.target, target))
        for node in targets.nodes(SH.target, target):
            shapes.add((shape, SH.targetNode, node))


def _hoist_property_shapes(shapes: Graph) -> None:
    """Give each property shape of a targeted node shape the node shape's targets directly.

    Same results (a property shape reports with itself as sh:sourceShape either way), but
    pyshacl then validates the property shape once over all focus nodes instead of once per
    focus node, rebuilding its constraint components each time.
    """
    for shape, property_shape in list(shapes.subject_objects(SH.property)):
        targets = [(p, o) for p in _TARGETS for o in shapes.objects(shape, p)]
        if not targets or isinstance(property_shape, BNode):
            continue
        for predicate, obj in targets:
            shapes.add((property_shape, predicate, obj))
        shapes.remove((shape, SH.property, property_shape))


@dataclass
class _SparqlCheck:
    """One sh:sparql constraint of a node shape, run over the whole graph in one go."""

    shape: URIRef | BNode
    constraint: URIRef | BNode
    query: str
    message: str | None
    severity: URIRef
    targets: list[tuple[URIRef, Node]]  # (target predicate, object)

    def run(self, targets: _Targets, results: Graph, report: Node) -> None:
        # One query per constraint, on an in-memory pyoxigraph copy of the data (rdflib took
        # 50-500 ms per query here, pyoxigraph ~1 ms). The body runs once with ?this free and
        # the rows are kept for the shape's focus nodes: the same results as pre-binding $this
        # to each focus node, for constraints whose body binds $this in its top-level pattern
        # (all of ours do). Joining the targets or a VALUES list into the query made oxigraph
        # pick nested-loop joins - quadratic in the graph's size - so that is done only for a
        # few focus nodes, where it saves evaluating the body for every node of the graph
        # (`$this org:reportsTo* ?value` with $this free starts from every node: 0.25 s on the
        # seed, 1 ms with the 26 working bodies bound).
        focus: set[Node] = set()
        for predicate, obj in self.targets:
            focus.update(targets.nodes(predicate, obj))
        if not focus:
            return
        query = self.query.replace("$this", "?this")
        if len(focus) <= _BIND_FOCUS_LIMIT and not any(isinstance(n, BNode) for n in focus):
            query = _bind_this(query, focus)
        solutions = targets.store.query(query)
        names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
        for solution in solutions:  # type: ignore[union-attr]
            this = solution["this"]
            if this is None or to_rdflib(this) not in focus:
                continue
            bindings: dict[str, Node] = {
                name: to_rdflib(solution[name]) for name in names if solution[name] is not None
            }
            self._add(results, report, bindings)

    def _add(self, results: Graph, report: Node, bindings: dict[str, Node]) -> None:
        result = BNode()
        results.add((report, SH.result, result))
        results.add((result, RDF.type, SH.ValidationResult))
        results.add((result, SH.focusNode, bindings["this"]))
        results.add((result, SH.resultSeverity, self.severity))
        results.add((result, SH.sourceShape, self.shape))
        results.add((result, SH.sourceConstraint, self.constraint))
        results.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        # As in SHACL-SPARQL: an unbound ?value reports the focus node itself.
        results.add((result, SH.value, bindings.get("value") or bindings["this"]))
        if bindings.get("path") is not None:
            results.add((result, SH.resultPath, bindings["path"]))
        if self.message:
            results.add((result, SH.resultMessage, Literal(_fill(self.message, bindings))))


_BIND_FOCUS_LIMIT = 64
"""Up to this many focus nodes, a SPARQL check gets them as a VALUES list."""

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _bind_this(query: str, focus: set[Node]) -> str:
    """The query with ?this bound to the focus nodes (VALUES at the top of its WHERE clause)."""
    where = _WHERE.search(query)
    if where is None:
        return query
    values = " ".join(sorted(str(to_oxigraph(node)) for node in focus))  # type: ignore[arg-type]
    return f"{query[: where.end()]} VALUES ?this {{ {values} }} {query[where.end() :]}"


def _take_sparql_constraints(shapes: Graph) -> list[_SparqlCheck]:
    """Detach every sh:sparql constraint from its shape (pyshacl will skip it) and return it."""
    prefixes = _declared_prefixes(shapes)
    checks = []
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        if (shape, SH.deactivated, Literal(True)) in shapes or (
            constraint,
            SH.deactivated,
            Literal(True),
        ) in shapes:
            continue
        select = shapes.value(constraint, SH.select)
        if select is None:
            continue
        targets = [(p, o) for p in _TARGETS for o in shapes.objects(shape, p)]
        if (shape, RDF.type, RDFS.Class) in shapes:
            targets.append((SH.targetClass, shape))
        message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)
        severity = shapes.value(shape, SH.severity) or SH.Violation
        checks.append(
            _SparqlCheck(
                shape,  # type: ignore[arg-type]
                constraint,  # type: ignore[arg-type]
                prefixes + str(select),
                str(message) if message is not None else None,
                severity,  # type: ignore[arg-type]
                targets,
            )
        )
        shapes.remove((shape, SH.sparql, constraint))
    return checks


def _declared_prefixes(shapes: Graph) -> str:
    lines = []
    for declaration in shapes.objects(None, SH.declare):
        prefix, namespace = (
            shapes.value(declaration, SH.prefix),
            shapes.value(declaration, SH.namespace),
        )
        if prefix is not None and namespace is not None:
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines))) + "\n"


class _Targets:
    """The focus nodes each target declaration selects, each one worked out once per run.

    SPARQL-based targets (sh:target) run on the pyoxigraph copy of the data: through rdflib's
    SPARQL engine they took ~0.2 s each on the seed.
    """

    def __init__(self, data: Graph, shapes: Graph, store: ox.Store) -> None:
        self.data, self.shapes, self.store = data, shapes, store
        self._selected: dict[tuple[URIRef, Node], list[Node]] = {}

    def nodes(self, predicate: URIRef, obj: Node) -> list[Node]:
        key = (predicate, obj)
        if key not in self._selected:
            self._selected[key] = list(self._select(predicate, obj))
        return self._selected[key]

    def _select(self, predicate: URIRef, obj: Node) -> Iterable[Node]:
        data = self.data
        if predicate == SH.targetNode:
            return [obj]
        if predicate == SH.targetSubjectsOf:
            return set(data.subjects(obj, None))
        if predicate == SH.targetObjectsOf:
            return set(data.objects(None, obj))
        if predicate == SH.targetClass:
            classes = set(data.transitive_subjects(RDFS.subClassOf, obj))
            return {s for c in classes for s in data.subjects(RDF.type, c)}
        select = self.shapes.value(obj, SH.select)  # sh:target: a SPARQL-based target
        if select is None:
            return []
        query = _declared_prefixes(self.shapes) + str(select)
        return [to_rdflib(row[0]) for row in self.store.query(query)]  # type: ignore[union-attr]


_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def _fill(message: str, bindings: dict[str, Node]) -> str:
    return _PLACEHOLDER.sub(
        lambda m: _text(bindings[m.group(1)]) if m.group(1) in bindings else m.group(0), message
    )


def _text(node: Node) -> str:
    if isinstance(node, Literal):
        return str(node)
    return str(node)


# --- results -> findings ----------------------------------------------------------------------


def _findings(data: Graph, results: Graph, shapes: Graph) -> list[Finding]:
    locator = _Locator(data)
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        shape = results.value(result, SH.sourceShape)
        constraint = results.value(result, SH.sourceConstraint)
        value = results.value(result, SH.value)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        component = results.value(result, SH.sourceConstraintComponent)
        rule_node = (
            constraint
            if isinstance(constraint, URIRef) and constraint.startswith(SHAPES_NS)
            else shape
        )
        subject, activity_id, lines = locator.locate(focus)
        findings.append(
            Finding(
                severity=Severity.from_iri(results.value(result, SH.resultSeverity)),
                rule=_local(rule_node),
                message=str(message) if message is not None else _default_message(shapes, shape),
                focus=str(focus),
                subject=subject,
                activity_id=activity_id,
                value=locator.value_text(value, focus),
                path=_path_text(results, path) if path is not None else None,
                source_lines=lines,
                shape=str(shape) if isinstance(shape, URIRef) else "",
                component=_local(component),
            )
        )
    return findings


class _Locator:
    """Maps a focus node to its activity id and the source lines it was read from."""

    def __init__(self, data: Graph) -> None:
        self.data = data

    def activity_of(self, node: Node) -> Node | None:
        if (node, RDF.type, WCOKG.Activity) in self.data:
            return node
        for predicate in _PART_OF_ACTIVITY:
            for owner in self.data.subjects(predicate, node):
                if (owner, RDF.type, WCOKG.Activity) in self.data:
                    return owner
        for predicate in (WCOKG.linkSubject, WCOKG.outcomeOf):
            for owner in self.data.objects(node, predicate):
                if (owner, RDF.type, WCOKG.Activity) in self.data:
                    return owner
        return None

    def lines(self, node: Node) -> str | None:
        for extract in self.data.objects(node, PROV.wasDerivedFrom):
            first = self.data.value(extract, WCOKG.firstLine)
            last = self.data.value(extract, WCOKG.lastLine)
            if first is not None:
                if last is None or str(last) == str(first):
                    return str(first)
                return f"{first}-{last}"
        return None

    def locate(self, focus: Node | None) -> tuple[str, str | None, str | None]:
        if focus is None:
            return "", None, None
        activity = self.activity_of(focus)
        if activity is not None:
            activity_id = self.data.value(activity, DCTERMS.identifier)
            text = str(activity_id) if activity_id is not None else str(activity)
            return text, text, self.lines(activity)
        return self.describe(focus), None, self.lines(focus)

    def value_text(self, value: Node | None, focus: Node | None) -> str | None:
        """The offending value as text; for a part of an activity (milestone, allocation, ...)
        reported as a whole, the part's own text."""
        if value is not None and value != focus:
            return self.describe(value)
        if focus is None or (focus, RDF.type, WCOKG.Activity) in self.data:
            return None
        label = self.data.value(focus, RDFS.label)
        if label is not None and self.activity_of(focus) is not None:
            return str(label)
        return None

    def describe(self, node: Node) -> str:
        if isinstance(node, Literal):
            return str(node)
        for predicate in (DCTERMS.identifier, SKOS.notation, WCOKG.flagCode):
            value = self.data.value(node, predicate)
            if value is not None:
                return str(value)
        return str(node)


def _finding_order(finding: Finding) -> tuple[Any, ...]:
    """Most serious first, then by activity (I-2 before I-10) and rule; the rest only makes the
    order of one rule's findings on one activity independent of the order pyshacl found them."""
    return (
        finding.severity.rank,
        _natural_key(finding.activity_id or finding.subject),
        finding.rule,
        _natural_key(finding.focus),
        finding.path or "",
        finding.value or "",
        finding.message,
    )


def _path_text(results: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return _curie(path)
    if isinstance(path, BNode) and results.value(path, RDF.first) is not None:
        return "/".join(_curie(p) for p in Collection(results, path) if isinstance(p, URIRef))
    alternatives = results.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(
            _curie(p) for p in Collection(results, alternatives) if isinstance(p, URIRef)
        )
    return str(path)


def _curie(iri: URIRef) -> str:
    for prefix, namespace in (
        ("wcokg", str(WCOKG)),
        ("skos", str(SKOS)),
        ("dcterms", str(DCTERMS)),
        ("prov", str(PROV)),
        ("rdfs", str(RDFS)),
        ("org", "http://www.w3.org/ns/org#"),
        ("time", "http://www.w3.org/2006/time#"),
    ):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return str(iri)


def _local(node: Node | None) -> str:
    if node is None:
        return ""
    text = str(node)
    for separator in ("#", "/"):
        if separator in text:
            text = text.rsplit(separator, 1)[1]
    return text


def _default_message(shapes: Graph, shape: Node | None) -> str:
    label = shapes.value(shape, RDFS.label) if shape is not None else None
    return f"Does not conform to {label or _local(shape)}"


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _natural_key(text: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def _new_report_graph() -> Graph:
    graph = Graph()
    graph.bind("sh", SH)
    graph.bind("wsh", SHAPES_NS)
    graph.bind("wcokg", WCOKG)
    return graph
