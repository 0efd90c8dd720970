"""The draft: the latest loaded graph with the edit log replayed on it.

`apply_edits(base, edits, writer)` is the one function that makes a draft, at an edit, after a
restart and after a rebuild: each edit applies only when the field still holds the edit's old
value; otherwise it is kept in the log and reported as a conflict (never applied, never lost).
Every applied edit leaves PROV in the graph: `{activity}/edit/{seq}` is a `wcokg:Edit`
(a `prov:Entity`) with `prov:generatedAtTime` and `prov:wasAttributedTo` its editor
(`{programme}/editor/{name}`, a `prov:Agent`). The node `urn:x-wcokg:draft` marks the graph as a
draft: the base version it was made on, the last edit in it, the conflicting edits.

The same function replays a programme's edits on its draft revision's named graph
(`wcokg.edits.revision`), which the diff and the Word writer read like any other revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from wcokg.edits.fields import FieldWriter, find_activity, read_value
from wcokg.edits.log import Edit
from wcokg.namespaces import WCOKG

DRAFT = URIRef("urn:x-wcokg:draft")
"""Subject of the triples that mark a stored graph as a draft."""


@dataclass
class DraftResult:
    """The draft graph, the edits applied and those in conflict with the base (by seq)."""

    graph: Graph
    applied: list[int] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)


def copy_graph(graph: Graph) -> Graph:
    """A new graph with the same triples and prefixes."""
    new = Graph()
    for prefix, namespace in graph.namespaces():
        new.bind(prefix, namespace, override=True, replace=True)
    new += graph
    return new


def apply_edits(
    base: Graph, edits: Sequence[Edit], writer: FieldWriter, base_version: str
) -> DraftResult:
    """A copy of `base` with `edits` replayed in order (the base is not changed).

    An edit applies when its activity exists in its programme and the field reads `edit.old`; else it is a
    conflict. The edits of one request (consecutive, one `request` id) are applied together. The graph carries the draft marker for `base_version` and the last seq given.
    """
    result = DraftResult(copy_graph(base))
    graph = result.graph
    for _, grouped in groupby(edits, key=lambda e: (e.request, e.activity)):
        group = list(grouped)
        # an edit is replayed on its own programme's activity only (ids repeat across programmes)
        found = find_activity(graph, group[0].activity, group[0].programme)
        # the fields of one request are checked, then written together, as when it was made
        # (a new progress text would otherwise decide the status the same request gave)
        fitting = [
            e
            for e in group
            if found is not None and read_value(graph, found.node, e.field) == e.old
        ]
        result.conflicts += [e.seq for e in group if e not in fitting]
        if found is None or not fitting:
            continue
        writer.apply(graph, found.node, {e.field: e.new for e in fitting})
        for edit in fitting:
            add_provenance(graph, found.node, edit, writer)
            result.applied.append(edit.seq)
    mark_draft(graph, base_version, edits[-1].seq if edits else 0, result.conflicts)
    return result


def add_provenance(graph: Graph, node: URIRef, edit: Edit, writer: FieldWriter) -> None:
    """PROV for one applied edit (see the module docstring)."""
    record = URIRef(f"{node}/edit/{edit.seq}")
    agent = writer.minter.iri("wp", edit.programme, "editor", edit.user)
    graph.add((record, RDF.type, WCOKG.Edit))
    graph.add((record, RDF.type, PROV.Entity))
    graph.add((record, RDFS.label, Literal(f"Edit {edit.seq} of {edit.activity}: {edit.field}")))
    graph.add((record, WCOKG.editedActivity, node))
    graph.add((record, WCOKG.editedField, Literal(edit.field)))
    graph.add((record, PROV.generatedAtTime, Literal(edit.at, datatype=XSD.dateTime)))
    graph.add((record, PROV.wasAttributedTo, agent))
    if edit.reverts is not None:
        graph.add((record, PROV.wasRevisionOf, URIRef(f"{node}/edit/{edit.reverts}")))
    graph.add((node, WCOKG.hasEdit, record))
    graph.add((agent, RDF.type, PROV.Agent))
    graph.add((agent, RDFS.label, Literal(edit.user)))


def mark_draft(graph: Graph, base_version: str, last_seq: int, conflicts: Sequence[int]) -> None:
    """(Re)write the draft marker: base version, last edit replayed, conflicting edits."""
    graph.remove((DRAFT, None, None))
    graph.add((DRAFT, RDF.type, WCOKG.Draft))
    graph.add((DRAFT, WCOKG.baseVersion, Literal(base_version)))
    graph.add((DRAFT, WCOKG.lastEdit, Literal(last_seq)))
    graph.add((DRAFT, DCTERMS.modified, Literal(_now(), datatype=XSD.dateTime)))
    for seq in conflicts:
        graph.add((DRAFT, WCOKG.conflictingEdit, Literal(seq)))


@dataclass(frozen=True)
class DraftMark:
    """What the marker of a stored draft says."""

    base_version: str
    last_edit: int
    conflicts: tuple[int, ...]


def read_mark(graph: Graph) -> DraftMark | None:
    """The draft marker of `graph`, or None for a graph as built."""
    if (DRAFT, RDF.type, WCOKG.Draft) not in graph:
        return None
    return DraftMark(
        str(graph.value(DRAFT, WCOKG.baseVersion) or ""),
        int(str(graph.value(DRAFT, WCOKG.lastEdit) or 0)),
        tuple(sorted(int(str(v)) for v in graph.objects(DRAFT, WCOKG.conflictingEdit))),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
