"""The one place that turns loader records into RDF and mints the IRIs of programme resources."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD
from rdflib.term import Node

from wcokg.loaders.records import Activity, Allocation, Flag, Milestone, Programme
from wcokg.loaders.turtle import ONTOLOGY_PACKAGE, bundled_turtle
from wcokg.namespaces import PREFIXES, WCOKG, Minter, slug

STATUS_CODES = {
    "Completed": "completed",
    "In progress": "in-progress",
    "Not started": "not-started",
    "Postponed": "postponed",
}
STATUS_COLOURS = {
    "Completed": "green",
    "In progress": "blue",
    "Not started": "red",
    "Postponed": "red",
}
COLUMN_LABELS = {
    "number": "No.",
    "priority": "Priority ranking",
    "strategic_link": "Link to the Strategic Plan",
    "title": "Activities",
    "strategic_codes": "WCO Strategic Plan",
    "task_type": "Type of task associated",
    "responsible_bodies": "Responsible body",
    "team_resources": "Team resources",
    "kpi": "Key Performance Indicators",
    "timeline": "Timeline",
    "progress": "Progress",
    "completion_status": "Completion status",
}


Triple = tuple[Node, Node, Node]


class TripleSink(Protocol):
    """Where the RDF writers put triples: an rdflib Graph, or `Triples`."""

    def add(self, triple: Triple, /) -> object: ...


class Triples(list[Triple]):
    """Triples in a plain list (duplicates allowed): 3x faster to fill than an rdflib Graph,
    for named graphs that go straight to pyoxigraph (which drops the duplicates)."""

    def add(self, triple: Triple, /) -> Triples:
        self.append(triple)
        return self


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


NOT_STATIC = frozenset({"curated-links.ttl"})
"""Reference files read by the linker instead (their links exist only for loaded activities)."""


def static_graph(minter: Minter) -> Graph:
    """Ontology, codelists and curated reference data, rebased to the configured IRI base."""
    graph = new_graph()
    root = files(ONTOLOGY_PACKAGE)
    paths = ["wcokg.ttl"]
    for folder in ("vocab", "reference"):
        paths += sorted(
            f"{folder}/{p.name}"
            for p in (root / folder).iterdir()
            if p.name.endswith(".ttl") and p.name not in NOT_STATIC
        )
    if minter.base == Minter().base:
        for path in paths:
            bundled_turtle(path).add_to(graph)
        return graph
    for path in paths:  # the files' prefixes name the default base: not bound here
        for s, p, o in bundled_turtle(path).triples:
            graph.add(
                (
                    minter.rebase(s) if isinstance(s, URIRef) else s,
                    p,
                    minter.rebase(o) if isinstance(o, URIRef) else o,
                )
            )
    return graph


def add_programme(g: TripleSink, programme: Programme, minter: Minter) -> None:
    """RDF for one programme: activities with milestones, allocations, flags and provenance.

    Written into the build's graph directly: building a graph per part and adding it (`+=`)
    cost a second insertion of every triple.
    """
    wp = minter.programme(programme.id)
    source = add_source(g, programme, minter)
    g.add((wp, RDF.type, WCOKG.WorkProgramme))
    g.add((wp, DCTERMS.identifier, Literal(programme.id)))
    g.add((wp, DCTERMS.title, Literal(programme.title, lang="en")))
    g.add((wp, RDFS.label, Literal(programme.title, lang="en")))
    g.add((wp, PROV.wasDerivedFrom, source))
    if programme.body_id:
        g.add((wp, WCOKG.programmeOwner, minter.body(programme.body_id)))
    if programme.start_year and programme.end_year:
        g.add((wp, WCOKG.startYear, Literal(str(programme.start_year), datatype=XSD.gYear)))
        g.add((wp, WCOKG.endYear, Literal(str(programme.end_year), datatype=XSD.gYear)))
    _flags(g, wp, programme.flags)

    for section in programme.sections:
        node = minter.iri("wp", programme.id, "section", section.key)
        g.add((wp, WCOKG.hasSection, node))
        g.add((node, RDF.type, WCOKG.Section))
        g.add((node, SKOS.notation, Literal(section.key)))
        g.add((node, DCTERMS.title, Literal(section.title, lang="en")))
        g.add((node, RDFS.label, Literal(f"{section.key}. {section.title}", lang="en")))
        g.add((node, WCOKG.continuous, Literal(section.continuous)))

    for mark, note in programme.footnotes.items():
        node = minter.iri("wp", programme.id, "footnote", slug(mark))
        g.add((wp, WCOKG.hasFootnote, node))
        g.add((node, RDF.type, WCOKG.Footnote))
        g.add((node, WCOKG.mark, Literal(mark)))
        g.add((node, RDFS.comment, Literal(note.text, lang="en")))
        g.add((node, RDFS.label, Literal(f"Footnote {mark}")))
        _extract(
            g,
            node,
            source,
            note.line,
            note.line,
            {},
            minter.iri("wp", programme.id, "footnote", slug(mark), "source"),
        )

    for activity in programme.activities:
        _activity(g, activity, programme, wp, source, minter)


def add_source(g: TripleSink, programme: Programme, minter: Minter) -> URIRef:
    """The source document a programme (one revision of it) was read from; returns its IRI."""
    source = minter.source(slug(Path(programme.source_path).stem))
    g.add((source, RDF.type, WCOKG.SourceDocument))
    g.add((source, DCTERMS.title, Literal(programme.title, lang="en")))
    g.add((source, DCTERMS.source, Literal(Path(programme.source_path).name)))
    g.add((source, WCOKG.sha256, Literal(programme.source_sha256)))
    g.add((source, WCOKG.lineCount, Literal(programme.source_lines)))
    g.add((source, RDFS.label, Literal(f"Source document {Path(programme.source_path).name}")))
    if programme.doc_reference:
        g.add((source, DCTERMS.identifier, Literal(f"Doc. {programme.doc_reference}")))
    return source


def _activity(
    g: TripleSink, a: Activity, programme: Programme, wp: URIRef, source: URIRef, minter: Minter
) -> None:
    node = minter.activity(programme.id, a.id)
    g.add((wp, WCOKG.hasActivity, node))
    g.add((node, WCOKG.inProgramme, wp))
    g.add((node, RDF.type, WCOKG.Activity))
    g.add((node, RDF.type, WCOKG.ContinuousActivity if a.continuous else WCOKG.TimeBoundActivity))
    g.add((node, WCOKG.inSection, minter.iri("wp", programme.id, "section", a.section)))
    g.add((node, DCTERMS.identifier, Literal(a.id)))
    g.add((node, WCOKG.number, Literal(a.number)))
    if a.previous_number is not None:
        g.add((node, WCOKG.previousNumber, Literal(a.previous_number)))
    g.add((node, WCOKG.rawNumber, Literal(a.raw_number)))
    g.add((node, WCOKG.revision, minter.concept("revision", a.revision)))
    if a.match_confidence is not None:
        g.add((node, WCOKG.matchConfidence, Literal(Decimal(str(a.match_confidence)))))
    g.add((node, DCTERMS.title, Literal(a.title, lang="en")))
    g.add((node, RDFS.label, Literal(f"{a.id} {a.title}", lang="en")))
    if a.priority:
        g.add((node, WCOKG.priority, minter.concept("priority", a.priority)))
    if a.strategic_link is not None:
        g.add((node, WCOKG.strategicLink, Literal(a.strategic_link)))
    for code in a.strategic_codes:
        concept = minter.concept("strategic-plan", code)
        g.add((node, WCOKG.strategicCode, concept))
        g.add((concept, SKOS.notation, Literal(code)))
    if a.task_type:
        g.add((node, WCOKG.taskType, minter.concept("task-type", a.task_type.lower())))

    for rank, ref in enumerate(a.bodies, start=1):
        resp = URIRef(f"{node}/responsibility/{rank}")
        g.add((node, WCOKG.hasResponsibility, resp))
        g.add((resp, RDF.type, WCOKG.Responsibility))
        g.add((resp, WCOKG.rank, Literal(rank)))
        g.add((resp, WCOKG.bodyText, Literal(ref.text)))
        if ref.body_id:
            body = minter.body(ref.body_id)
            g.add((resp, WCOKG.body, body))
            g.add((node, WCOKG.responsibleBody, body))
            if rank == 1:
                g.add((node, WCOKG.leadBody, body))

    g.add((node, WCOKG.teamResources, Literal(a.team_resources, lang="en")))
    add_allocations(g, node, a.allocations, minter)
    g.add((node, WCOKG.kpi, Literal(a.kpi, lang="en")))
    g.add((node, WCOKG.timeline, Literal(a.timeline, lang="en")))
    add_milestones(g, node, a.milestones, minter)
    g.add((node, WCOKG.progress, Literal("\n\n".join(a.progress), lang="en")))
    add_status(g, node, a.status, a.status_rule, a.completion_status_cell, minter)
    for cell in a.cells.values():
        for mark in cell.footnotes:
            if mark in programme.footnotes:
                g.add(
                    (node, WCOKG.footnote, minter.iri("wp", programme.id, "footnote", slug(mark)))
                )
    _flags(g, node, a.flags)
    extract = URIRef(f"{node}/source")
    _extract(
        g,
        node,
        source,
        a.line_start,
        a.line_end,
        {k: cell.raw for k, cell in a.cells.items()},
        extract,
    )
    if a.revision in ("unchanged", "renumbered"):  # inserted and struck rows changed as a whole
        for key, cell in a.cells.items():
            if cell.revision != "unchanged":
                raw_cell = URIRef(f"{extract}/{slug(key)}")
                g.add((raw_cell, WCOKG.previousText, Literal(cell.previous_text)))
                g.add((raw_cell, WCOKG.cellRevision, Literal(cell.revision)))


def add_allocations(
    g: TripleSink, node: URIRef, allocations: Sequence[Allocation], minter: Minter
) -> None:
    """Team resources as `wcokg:ResourceAllocation` parts `{node}/allocation/{n}` (loader and
    edits: one writer)."""
    for index, alloc in enumerate(allocations, start=1):
        al = URIRef(f"{node}/allocation/{index}")
        g.add((node, WCOKG.hasAllocation, al))
        g.add((al, RDF.type, WCOKG.ResourceAllocation))
        g.add((al, RDFS.label, Literal(alloc.text, lang="en")))
        if alloc.fte_min is not None:
            g.add((al, WCOKG.fteMin, Literal(Decimal(str(alloc.fte_min)))))
        if alloc.fte_max is not None:
            g.add((al, WCOKG.fteMax, Literal(Decimal(str(alloc.fte_max)))))
        if alloc.unit_id:
            g.add((al, WCOKG.unit, minter.unit(alloc.unit_id)))
        if alloc.unit_text:
            g.add((al, WCOKG.unitText, Literal(alloc.unit_text)))


def add_milestones(
    g: TripleSink, node: URIRef, milestones: Sequence[Milestone], minter: Minter
) -> None:
    """Timeline milestones as `wcokg:Milestone` parts `{node}/milestone/{n}` with their month
    (or year), due date, season and body (loader and edits: one writer)."""
    for index, m in enumerate(milestones, start=1):
        ms = URIRef(f"{node}/milestone/{index}")
        g.add((node, WCOKG.hasMilestone, ms))
        g.add((ms, RDF.type, WCOKG.Milestone))
        g.add((ms, RDFS.label, Literal(m.text, lang="en")))
        g.add((ms, WCOKG.rank, Literal(index)))
        if m.month:
            g.add(
                (
                    ms,
                    TIME.inXSDgYearMonth,
                    Literal(f"{m.year:04d}-{m.month:02d}", datatype=XSD.gYearMonth),
                )
            )
            last = calendar.monthrange(m.year, m.month)[1]
            g.add(
                (
                    ms,
                    WCOKG.dueBy,
                    Literal(f"{m.year:04d}-{m.month:02d}-{last:02d}", datatype=XSD.date),
                )
            )
        else:
            g.add((ms, TIME.inXSDgYear, Literal(f"{m.year:04d}", datatype=XSD.gYear)))
            g.add((ms, WCOKG.dueBy, Literal(f"{m.year:04d}-12-31", datatype=XSD.date)))
        if m.season:
            g.add((ms, WCOKG.season, Literal(m.season)))
        if m.body_id:
            g.add((ms, WCOKG.body, minter.body(m.body_id)))
        if m.body_text:
            g.add((ms, WCOKG.bodyText, Literal(m.body_text)))


def add_status(
    g: TripleSink, node: URIRef, status: str, rule: str, cell: str, minter: Minter
) -> None:
    """Status, legend colour, the rule that decided them and the completion cell as written."""
    g.add((node, WCOKG.status, minter.concept("status", STATUS_CODES[status])))
    g.add((node, WCOKG.colour, minter.concept("colour", STATUS_COLOURS[status])))
    g.add((node, WCOKG.statusRule, Literal(rule)))
    g.add((node, WCOKG.completionStatusText, Literal(cell)))


def _extract(
    g: TripleSink,
    node: URIRef,
    source: URIRef,
    first: int,
    last: int,
    cells: dict[str, str],
    extract: URIRef,
) -> None:
    """PROV-O provenance: the resource was derived from these lines of the source document."""
    g.add((node, PROV.wasDerivedFrom, extract))
    g.add((extract, RDF.type, WCOKG.SourceExtract))
    g.add((extract, PROV.wasQuotedFrom, source))
    g.add((extract, WCOKG.firstLine, Literal(first)))
    g.add((extract, WCOKG.lastLine, Literal(last)))
    g.add(
        (
            extract,
            RDFS.label,
            Literal(f"Lines {first}-{last}" if last != first else f"Line {first}"),
        )
    )
    for key, raw in cells.items():
        cell = URIRef(f"{extract}/{slug(key)}")
        g.add((extract, WCOKG.rawCell, cell))
        g.add((cell, RDF.type, WCOKG.RawCell))
        g.add((cell, WCOKG.column, Literal(COLUMN_LABELS.get(key, key))))
        g.add((cell, RDF.value, Literal(raw)))


def _flags(g: TripleSink, node: URIRef, flags: list[Flag]) -> None:
    for index, flag in enumerate(flags, start=1):
        add_flag(g, node, URIRef(f"{node}/flag/{index}"), flag)


def add_flag(g: TripleSink, node: URIRef, iri: URIRef, flag: Flag) -> None:
    """Attach one loader flag to `node` as a wcokg:Flag resource named `iri`."""
    g.add((node, WCOKG.flag, iri))
    g.add((iri, RDF.type, WCOKG.Flag))
    g.add((iri, WCOKG.flagCode, Literal(flag.code)))
    g.add((iri, RDFS.comment, Literal(flag.message, lang="en")))
    if flag.value:
        g.add((iri, WCOKG.flaggedValue, Literal(flag.value)))
    if flag.column:
        g.add((iri, WCOKG.column, Literal(flag.column)))
