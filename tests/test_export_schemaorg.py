"""schema.org JSON-LD export: projects, organisations, events and creative works."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS, XSD

from wcokg.build import BuildReport
from wcokg.errors import QueryError
from wcokg.export.schemaorg import activity_jsonld, schemaorg_document
from wcokg.namespaces import SCHEMA, WCOKG
from wcokg.store import EmbeddedStore

BASE = "https://w3id.org/wcokg/"
ACTIVITY = BASE + "wp/ptc-2022-2025/activity/"


def as_graph(document: dict[str, Any]) -> Graph:
    """Parse the JSON-LD offline: the remote schema.org context replaced by its @vocab."""
    local = {**document, "@context": {"@vocab": str(SCHEMA)}}
    return Graph().parse(data=json.dumps(local), format="json-ld")


def test_activities_are_projects_and_bodies_organizations(seed_store: EmbeddedStore) -> None:
    document = schemaorg_document(seed_store)
    assert document["@context"] == "https://schema.org/"
    graph = as_graph(document)
    projects = set(graph.subjects(RDF.type, SCHEMA.Project))
    assert len(projects) == 94
    project = URIRef(ACTIVITY + "I-1")
    assert graph.value(project, SCHEMA.identifier) == Literal("I-1")
    assert graph.value(project, SCHEMA.parentOrganization) == URIRef(BASE + "body/ptc")
    assert (URIRef(BASE + "body/ptc"), RDF.type, SCHEMA.Organization) in graph
    assert graph.value(URIRef(BASE + "body/ptc"), SCHEMA.parentOrganization) is not None
    assert graph.value(URIRef(BASE + "body/council"), SCHEMA.parentOrganization) is None
    milestones = list(graph.objects(project, SCHEMA.event))
    assert milestones and all((m, RDF.type, SCHEMA.Event) in graph for m in milestones)


def test_one_activity_for_embedding_in_a_page(seed_store: EmbeddedStore) -> None:
    node = activity_jsonld(seed_store, ACTIVITY + "I-23")
    assert node["@context"] == "https://schema.org/"
    assert node["@type"] == "Project" and node["identifier"] == "I-23"
    assert node["parentOrganization"]["name"]  # the body inline, not only its IRI
    json.dumps(node)
    with pytest.raises(QueryError):
        activity_jsonld(seed_store, ACTIVITY + "nope")


def test_meetings_are_events_and_instruments_creative_works_with_editions(
    seed_report: BuildReport, tmp_path: Path
) -> None:
    graph = Graph()
    graph += seed_report.graph
    meeting = URIRef(BASE + "meeting/ptc-239-240")
    graph.add((meeting, RDF.type, WCOKG.Meeting))
    graph.add((meeting, SKOS.prefLabel, Literal("239th/240th PTC sessions", lang="en")))
    graph.add((meeting, WCOKG.startDate, Literal("2023-04-25", datatype=XSD.date)))
    graph.add((meeting, WCOKG.venue, Literal("WCO Headquarters, Brussels")))
    instrument = URIRef(BASE + "instrument/safe-fos")
    edition = URIRef(BASE + "instrument/safe-fos-2025")
    graph.add((instrument, RDF.type, WCOKG.Instrument))
    graph.add((instrument, SKOS.prefLabel, Literal("SAFE Framework of Standards", lang="en")))
    graph.add((edition, RDF.type, WCOKG.InstrumentEdition))
    graph.add((edition, WCOKG.editionOf, instrument))
    graph.add((edition, OWL.versionInfo, Literal("2025")))
    graph.add((URIRef(ACTIVITY + "I-23"), WCOKG.updates, edition))
    store = EmbeddedStore(tmp_path / "store")
    store.replace(graph)

    out = as_graph(schemaorg_document(store))
    assert (meeting, RDF.type, SCHEMA.Event) in out
    assert str(out.value(meeting, SCHEMA.startDate)) == "2023-04-25"
    assert out.value(out.value(meeting, SCHEMA.location), SCHEMA.name) is not None
    assert (instrument, RDF.type, SCHEMA.CreativeWork) in out
    assert out.value(instrument, SCHEMA.workExample) == edition
    assert out.value(edition, SCHEMA.exampleOfWork) == instrument
    assert str(out.value(edition, SCHEMA.version)) == "2025"
    assert URIRef(ACTIVITY + "I-23") in set(out.objects(edition, SCHEMA.producer))
