"""The draft revision of a programme: a named graph like the revisions, marked draft.

The programme's latest loaded revision is copied into the named graph `{programme}/revision/draft`
and the edits are applied to it, as they are to the default graph (the current view shows the
draft). Its description in the default graph is that of a revision (`wcokg:Revision`,
`dcterms:identifier` "draft", the next `wcokg:revisionIndex`, `prov:wasRevisionOf` the latest
loaded revision), also typed `wcokg:Draft`; it is the programme's `wcokg:currentRevision`. So
`wcokg revisions`, `wcokg diff --to draft` and the Word writer read it like any other revision.

`publish` turns it into a revision with a document code (its changes since each earlier revision
recorded, as a build records them); discarding it stores the base again (the service does both).
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from wcokg.edits.draft import copy_graph
from wcokg.edits.errors import BadCode, EditConflict
from wcokg.history import RevisionInfo, diff_rows, revision_table
from wcokg.loaders.revision_rdf import add_changes
from wcokg.namespaces import WCOKG, Minter
from wcokg.store.convert import oxigraph_dataset
from wcokg.store.memory import MemoryStore

DRAFT_ID = "draft"
"""The draft revision's id (`wcokg diff --to draft`)."""
EDIT_SOURCE = "edit log"
"""The draft's `dcterms:source`: it is made of the edits, not read from a document."""


def draft_of(graph: Graph, minter: Minter, programme: str) -> URIRef | None:
    """The programme's draft revision, when it has one."""
    node = minter.revision(programme, DRAFT_ID)
    return node if (node, RDF.type, WCOKG.Draft) in graph else None


def open_draft(
    graph: Graph, named: dict[str, Graph], minter: Minter, programme: str
) -> URIRef | None:
    """The programme's draft revision, made now (a copy of its current revision's named graph,
    described in `graph`) when it has none; None when the programme has no stored revision
    (a graph stored without named graphs)."""
    found = draft_of(graph, minter, programme)
    if found is not None:
        return found
    wp = minter.programme(programme)
    latest = graph.value(wp, WCOKG.currentRevision)
    if not isinstance(latest, URIRef) or str(latest) not in named:
        return None
    node = minter.revision(programme, DRAFT_ID)
    named[str(node)] = copy_graph(named[str(latest)])
    index = int(str(graph.value(latest, WCOKG.revisionIndex) or 0)) + 1
    graph.remove((wp, WCOKG.currentRevision, latest))
    graph.set((latest, WCOKG.isCurrent, Literal(False)))
    graph.add((wp, WCOKG.hasRevision, node))
    graph.add((wp, WCOKG.currentRevision, node))
    for kind in (WCOKG.Revision, WCOKG.Draft, PROV.Entity):
        graph.add((node, RDF.type, kind))
    graph.add((node, DCTERMS.identifier, Literal(DRAFT_ID)))
    graph.add((node, RDFS.label, Literal(f"{programme} draft revision (edits)", lang="en")))
    graph.add((node, DCTERMS.isVersionOf, wp))
    graph.add((node, DCTERMS.source, Literal(EDIT_SOURCE)))
    graph.add((node, WCOKG.revisionIndex, Literal(index)))
    graph.add((node, WCOKG.isCurrent, Literal(True)))
    graph.add((node, PROV.wasRevisionOf, latest))
    for count in graph.objects(latest, WCOKG.activityCount):  # edits add and strike nothing
        graph.add((node, WCOKG.activityCount, count))
    return node


def close_draft(graph: Graph, named: dict[str, Graph], minter: Minter, programme: str) -> None:
    """Undo `open_draft`: the revision it was made on is current again."""
    node = draft_of(graph, minter, programme)
    if node is None:
        return
    wp = minter.programme(programme)
    latest = graph.value(node, PROV.wasRevisionOf)
    graph.remove((node, None, None))
    graph.remove((wp, None, node))
    named.pop(str(node), None)
    if latest is not None:
        graph.add((wp, WCOKG.currentRevision, latest))
        graph.set((latest, WCOKG.isCurrent, Literal(True)))


def drafts(graph: Graph) -> list[URIRef]:
    """Every draft revision described in `graph`."""
    return sorted(
        n
        for n in graph.subjects(RDF.type, WCOKG.Draft)
        if isinstance(n, URIRef) and (n, RDF.type, WCOKG.Revision) in graph
    )


def publish(graph: Graph, named: dict[str, Graph], minter: Minter, code: str) -> list[URIRef]:
    """Make every draft revision a revision under document code `code` (its id is the code in
    lower case, as the build names revisions): the named graph is renamed and the description
    loses its draft marks. Returns the new revisions. Raises BadCode for a code that is not
    letters and digits, EditConflict when there is no draft or a revision of that id exists."""
    code = code.strip()
    if not re.fullmatch(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", code):
        raise BadCode(f"document code {code!r}: expected letters and digits, e.g. PC0800")
    found = drafts(graph)
    if not found:
        raise EditConflict("no draft to publish: no edits since the last build or publication")
    made = []
    for node in found:
        wp = graph.value(node, DCTERMS.isVersionOf)
        programme = str(graph.value(wp, DCTERMS.identifier) or "") if wp is not None else ""
        new = minter.revision(programme, code.casefold())
        if (new, RDF.type, WCOKG.Revision) in graph:
            raise EditConflict(f"{programme} already has a revision {code}: give another code")
        for p, o in list(graph.predicate_objects(node)):
            graph.add((new, p, o))
        graph.remove((new, RDF.type, WCOKG.Draft))
        graph.set((new, DCTERMS.identifier, Literal(code.casefold())))
        graph.set((new, RDFS.label, Literal(f"{programme} revision {code}", lang="en")))
        graph.set((new, WCOKG.documentCode, Literal(code)))
        for s, p in list(graph.subject_predicates(node)):
            graph.add((s, p, new))
        graph.remove((node, None, None))
        graph.remove((None, None, node))
        named[str(new)] = named.pop(str(node))
        record_changes(graph, named, programme, new)
        made.append(new)
    return made


def record_changes(graph: Graph, named: dict[str, Graph], programme: str, end: URIRef) -> None:
    """Replace the programme's recorded changes (`wcokg:Change`, read by `changes-since` and
    `wcokg diff`) by those from each of its earlier revisions to `end`, computed as the build
    does (`history.diff_rows` of the two revision tables)."""
    wp = graph.value(end, DCTERMS.isVersionOf)
    revisions = sorted(
        (int(str(graph.value(r, WCOKG.revisionIndex) or 0)), r)
        for r in graph.objects(wp, WCOKG.hasRevision)
        if isinstance(r, URIRef) and r != end
    )
    for start in (r for _, r in revisions):
        for change in list(graph.subjects(WCOKG.fromRevision, start)):
            graph.remove((change, None, None))
    reference = next((str(g) for g in graph.subjects(RDF.type, WCOKG.ReferenceGraph)), "")
    store = MemoryStore(oxigraph_dataset(named))

    def info(node: URIRef) -> RevisionInfo:
        return RevisionInfo(programme, str(graph.value(node, DCTERMS.identifier)), str(node), 0,
                            "", "", "", "", 0, False, reference)  # fmt: skip

    end_rows = revision_table(store, info(end))
    for _, start in revisions:
        changes = diff_rows(programme, revision_table(store, info(start)), end_rows)
        add_changes(graph, start, end, changes)
