"""RDF for revisions (PROV metadata in the default graph) and the changes since each of them.

A revision is a named graph of the same IRI as the `wcokg:Revision` resource that describes it:
`dcterms:isVersionOf` the programme, `prov:wasRevisionOf` the previous revision,
`prov:wasDerivedFrom` its source document, the session and month it states. The changes from
every earlier revision to the current one are `wcokg:Change` resources, so that SPARQL
(`queries/changes-since.rq`) answers what `wcokg diff` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from wcokg.history import Change
from wcokg.loaders.rdf import add_source
from wcokg.loaders.revisions import Revision
from wcokg.namespaces import WCOKG, Minter


def add_revisions(
    g: Graph, revisions: Sequence[Revision], minter: Minter, reference: URIRef
) -> None:
    """PROV metadata of every revision, the programme's revisions and its current one."""
    g.add((reference, RDF.type, WCOKG.ReferenceGraph))
    g.add(
        (reference, RDFS.label, Literal("Reference data (ontology, codelists, bodies)", lang="en"))
    )
    latest = {r.programme.id: r for r in revisions}
    for revision in revisions:
        programme = revision.programme
        wp = minter.programme(programme.id)
        node = minter.revision(programme.id, revision.id)
        current = latest[programme.id] is revision
        g.add((wp, WCOKG.hasRevision, node))
        if current:
            g.add((wp, WCOKG.currentRevision, node))
        g.add((node, RDF.type, WCOKG.Revision))
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, DCTERMS.identifier, Literal(revision.id)))
        label = revision.code or revision.id
        g.add((node, RDFS.label, Literal(f"{programme.id} revision {label}", lang="en")))
        g.add((node, DCTERMS.isVersionOf, wp))
        g.add((node, DCTERMS.source, Literal(Path(programme.source_path).name)))
        g.add((node, PROV.wasDerivedFrom, add_source(g, programme, minter)))
        g.add((node, WCOKG.revisionIndex, Literal(revision.index)))
        g.add((node, WCOKG.activityCount, Literal(len(programme.current()))))
        g.add((node, WCOKG.isCurrent, Literal(current)))
        if revision.code:
            g.add((node, WCOKG.documentCode, Literal(revision.code)))
        if programme.session:
            g.add((node, WCOKG.session, Literal(programme.session)))
        if programme.reports_for:
            g.add((node, WCOKG.reportsFor, Literal(programme.reports_for, datatype=XSD.gYearMonth)))
        if revision.previous is not None:
            previous = minter.revision(programme.id, revision.previous.id)
            g.add((node, PROV.wasRevisionOf, previous))


def add_changes(g: Graph, start: URIRef, end: URIRef, changes: Sequence[Change]) -> None:
    """The changes from revision `start` to `end`, as `wcokg:Change` resources under `start`."""
    for rank, change in enumerate(changes, start=1):
        node = URIRef(f"{start}/change/{rank}")
        g.add((node, RDF.type, WCOKG.Change))
        g.add((node, WCOKG.fromRevision, start))
        g.add((node, WCOKG.toRevision, end))
        g.add((node, WCOKG.changeRank, Literal(rank)))
        g.add((node, WCOKG.changeKind, Literal(change.change)))
        g.add((node, WCOKG.activityId, Literal(change.activity)))
        g.add((node, WCOKG.previousActivityId, Literal(change.previous_activity)))
        g.add((node, WCOKG.changedField, Literal(change.field)))
        g.add((node, WCOKG.oldValue, Literal(change.old)))
        g.add((node, WCOKG.newValue, Literal(change.new)))
        if change.iri:
            g.add((node, WCOKG.changedActivity, URIRef(change.iri)))
        name = f"{change.change} {change.activity or change.previous_activity} {change.field}"
        g.add((node, RDFS.label, Literal(name.strip())))
