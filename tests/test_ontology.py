"""The ontology declares what the data uses; every minted term has a label and a comment."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from wcokg.build import BuildReport
from wcokg.loaders.rdf import static_graph
from wcokg.namespaces import WCOKG, Minter

REUSED = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/2006/time#",
    "http://www.w3.org/ns/dcat#",
    "http://purl.org/vocab/vann/",
    "http://xmlns.com/foaf/0.1/",
    "https://schema.org/",
)


def ontology() -> Graph:
    return static_graph(Minter())


def test_header_metadata() -> None:
    g = ontology()
    (onto,) = list(g.subjects(RDF.type, OWL.Ontology))
    for p in ("versionIRI", "versionInfo"):
        assert g.value(onto, OWL[p]) is not None
    assert g.value(onto, RDF.type) == OWL.Ontology
    text = g.serialize(format="nt")
    assert "http://purl.org/dc/terms/license" in text
    assert "preferredNamespacePrefix" in text


def test_every_minted_term_has_label_and_comment() -> None:
    g = ontology()
    minted = {s for s in g.subjects() if str(s).startswith(str(WCOKG))}
    assert minted
    for term in minted:
        assert g.value(term, RDFS.label) is not None, term
        assert g.value(term, RDFS.comment) is not None, term


def test_every_class_and_property_the_data_uses_is_declared(seed_report: BuildReport) -> None:
    g = seed_report.graph
    onto = ontology()
    declared = set(onto.subjects(RDF.type, OWL.Class)) | {
        s
        for t in (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
        for s in onto.subjects(RDF.type, t)
    }
    used = set(g.predicates()) | set(g.objects(None, RDF.type))
    undeclared = sorted(str(t) for t in used if t not in declared and not str(t).startswith(REUSED))
    assert undeclared == []
    assert WCOKG.Activity in used


def test_built_graph_round_trips_through_turtle(seed_report: BuildReport) -> None:
    text = seed_report.graph.serialize(format="turtle")
    assert len(Graph().parse(data=text, format="turtle")) == len(seed_report.graph)
