"""Dereferencing: the description of one IRI as an rdflib graph, serialised or shown as a page.

A description is the resource's own triples plus those of the parts minted below its IRI that
it links to or that link to it (milestones, allocations, provenance and raw cells of an
activity; the concepts of a scheme), followed two steps deep; parts that carry an identifier of
their own (the activities of a programme) are resources in their own right and stay out. The
ontology document brings every term of its namespace.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from wcokg.api.services.urls import ONTOLOGY_IRI
from wcokg.loaders.rdf import new_graph
from wcokg.mediatypes import media_type
from wcokg.namespaces import PREFIXES, WCOKG
from wcokg.registry import get_query
from wcokg.store.base import GraphStore

RDF_MEDIA = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
"""Media types a description is served in, with rdflib's serialiser for each."""

EXTENSIONS = {media: media_type(media).extension for media in RDF_MEDIA}


def describe(store: GraphStore, iri: str, depth: int = 2) -> Graph:
    """The description of `iri` (empty when the graph says nothing about it)."""
    graph = new_graph()
    triples = get_query("resource-triples")
    referrers = get_query("resource-referrers")
    todo, seen = [(iri, 0)], {iri}
    while todo:
        node, level = todo.pop()
        own = triples.run(store, {"iri": node}).rows
        if node != iri and any(r["p"] == DCTERMS.identifier for r in own):
            continue
        subject = URIRef(node)
        for row in own:
            graph.add((subject, URIRef(str(row["p"])), row["o"]))
        if level >= depth:
            continue
        candidates = [str(r["o"]) for r in own if isinstance(r["o"], URIRef)]
        candidates += [
            str(r["s"])
            for r in referrers.run(store, {"iri": node}).rows
            if isinstance(r["s"], URIRef)
        ]
        for other in candidates:
            if other not in seen and (other.startswith(node + "/") or other.startswith(node + "#")):
                seen.add(other)
                todo.append((other, level + 1))
    if iri == ONTOLOGY_IRI:
        for row in get_query("ontology-terms").run(store, {"namespace": str(WCOKG)}).rows:
            graph.add((URIRef(str(row["term"])), URIRef(str(row["p"])), row["o"]))
    return graph


def serialize(graph: Graph, media_type: str) -> bytes:
    data = graph.serialize(format=RDF_MEDIA[media_type], encoding="utf-8")
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def types_of(graph: Graph, iri: str) -> set[str]:
    return {str(t) for t in graph.objects(URIRef(iri), RDF.type)}


# --- a generic page: properties with labels ------------------------------------------------


@dataclass
class Value:
    text: str
    iri: str | None = None
    url: str | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass
class Section:
    """One resource of a description: its IRI, label and properties in a readable order."""

    iri: str
    label: str
    types: list[Value] = field(default_factory=list)
    properties: list[tuple[Value, list[Value]]] = field(default_factory=list)


def curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)) and len(iri) > len(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri


def value(term: object, labels: dict[str, str], link: LinkMaker) -> Value:
    if isinstance(term, URIRef):
        iri = str(term)
        return Value(text=labels.get(iri) or curie(iri), iri=iri, url=link(iri))
    if isinstance(term, Literal):
        return Value(
            text=str(term),
            lang=term.language,
            datatype=curie(str(term.datatype)) if term.datatype else None,
        )
    return Value(text=str(term))


class LinkMaker:
    def __init__(self, base: str) -> None:
        self.base = base

    def __call__(self, iri: str) -> str:
        from wcokg.api.services.urls import local_url

        return local_url(iri, self.base)


def sections(graph: Graph, iri: str, labels: dict[str, str], base: str) -> list[Section]:
    """The resource first, then its parts in IRI order, each with its properties."""
    link = LinkMaker(base)
    subjects = sorted({str(s) for s in graph.subjects() if isinstance(s, URIRef)}, key=_natural)
    if iri in subjects:
        subjects.remove(iri)
        subjects.insert(0, iri)
    result = []
    for subject in subjects:
        node = URIRef(subject)
        grouped: dict[str, list[Value]] = defaultdict(list)
        for p, o in sorted(graph.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            if p == RDF.type:
                continue
            grouped[str(p)].append(value(o, labels, link))
        section = Section(
            iri=subject,
            label=labels.get(subject) or _label(graph, node) or curie(subject),
            types=[value(t, labels, link) for t in sorted(graph.objects(node, RDF.type), key=str)],
        )
        section.properties = [
            (value(URIRef(p), labels, link), grouped[p]) for p in sorted(grouped, key=_prop_key)
        ]
        result.append(section)
    return result


_FIRST = [str(p) for p in (SKOS.prefLabel, RDFS.label, DCTERMS.title, DCTERMS.identifier)]


def _prop_key(p: str) -> tuple[int, str]:
    return (_FIRST.index(p) if p in _FIRST else len(_FIRST), curie(p))


def _label(graph: Graph, node: URIRef) -> str | None:
    for prop in (SKOS.prefLabel, DCTERMS.title, RDFS.label):
        found = graph.value(node, prop)
        if found is not None:
            return str(found)
    return None


def _natural(text: str) -> tuple[object, ...]:
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


# --- ontology and vocabulary documentation -------------------------------------------------


@dataclass
class Term:
    iri: str
    name: str
    label: str
    comment: str | None
    kind: str
    facts: list[tuple[str, list[Value]]] = field(default_factory=list)


TERM_KINDS = [
    (str(OWL.Class), "Classes"),
    (str(OWL.ObjectProperty), "Object properties"),
    (str(OWL.DatatypeProperty), "Datatype properties"),
    (str(OWL.AnnotationProperty), "Annotation properties"),
    (str(SKOS.Concept), "Concepts"),
]
_TERM_FACTS = [
    (RDFS.subClassOf, "Subclass of"),
    (RDFS.subPropertyOf, "Subproperty of"),
    (RDFS.domain, "Domain"),
    (RDFS.range, "Range"),
    (SKOS.notation, "Notation"),
    (SKOS.altLabel, "Also known as"),
    (SKOS.definition, "Definition"),
    (SKOS.scopeNote, "Scope note"),
    (SKOS.exactMatch, "Exact match"),
    (SKOS.broader, "Broader"),
    (WCOKG.hex, "Colour"),
]


def terms(graph: Graph, labels: dict[str, str], base: str) -> dict[str, list[Term]]:
    """Every class, property and concept described in the graph, grouped by kind."""
    link = LinkMaker(base)
    grouped: dict[str, list[Term]] = {name: [] for _, name in TERM_KINDS}
    for kind_iri, name in TERM_KINDS:
        for term in sorted(
            {str(s) for s in graph.subjects(RDF.type, URIRef(kind_iri))}, key=_natural
        ):
            node = URIRef(term)
            facts = []
            for prop, title in _TERM_FACTS:
                values = [
                    value(o, labels, link) for o in sorted(graph.objects(node, prop), key=str)
                ]
                if values:
                    facts.append((title, values))
            comment = graph.value(node, RDFS.comment) or graph.value(node, SKOS.definition)
            grouped[name].append(
                Term(
                    iri=term,
                    name=term.rsplit("#", 1)[-1].rsplit("/", 1)[-1],
                    label=_label(graph, node) or term,
                    comment=str(comment) if comment is not None else None,
                    kind=name,
                    facts=facts,
                )
            )
    return {k: v for k, v in grouped.items() if v}


def header(graph: Graph, iri: str) -> list[tuple[str, str]]:
    """Title-level facts of an ontology or scheme (title, description, version, licence, ...)."""
    node = URIRef(iri)
    rows = []
    for prop, title in (
        (DCTERMS.title, "Title"),
        (SKOS.prefLabel, "Name"),
        (DCTERMS.description, "Description"),
        (RDFS.comment, "Comment"),
        (OWL.versionInfo, "Version"),
        (OWL.versionIRI, "Version IRI"),
        (DCTERMS.license, "Licence"),
        (DCTERMS.creator, "Creator"),
    ):
        for found in graph.objects(node, prop):
            rows.append((title, str(found)))
    return rows
