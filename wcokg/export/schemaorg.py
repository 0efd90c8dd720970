"""schema.org JSON-LD: what search engines and general-purpose catalogues read.

- an activity is a `schema:Project` (a kind of schema:Organization): name, identifier,
  description (the KPI), keywords (strategic-plan codes, task type, priority, status), the body in
  charge as `parentOrganization`, the other responsible bodies as `member`, its milestones as
  `event`s (`schema:Event` with the due date); the instruments it feeds name it as `producer`
  (schema.org has no property for a dependency between projects: see the IATI export);
- a working body is a `schema:Organization`, with `parentOrganization` from `org:reportsTo`;
- a meeting (`wcokg:Meeting`) is a `schema:Event` (dates, venue as a `schema:Place`, organiser);
- an instrument is a `schema:CreativeWork`; its editions are `workExample`s, each with
  `exampleOfWork` back to the instrument and `version`; the activities that feed it are its
  `producer`s.

`schemaorg_document(store)` gives the whole graph; `activity_jsonld(store, iri)` gives one
activity with the resources it names inline, for a `<script type="application/ld+json">` in an
HTML page (`activities_jsonld(store)`: every activity so, for pages made once per version).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from wcokg.errors import QueryError
from wcokg.export.common import select, text
from wcokg.store.base import GraphStore
from wcokg.table import activity_rows

CONTEXT = "https://schema.org/"
Node = dict[str, Any]

_PREFIXES = """
PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX time: <http://www.w3.org/2006/time#>
"""
_BODIES = (
    _PREFIXES
    + """
SELECT ?iri ?id ?name ?acronym ?parent WHERE {
  ?iri a wcokg:WorkingBody .
  OPTIONAL { ?iri dcterms:identifier ?id }
  OPTIONAL { ?iri skos:prefLabel ?name }
  OPTIONAL { ?iri skos:notation ?acronym }
  OPTIONAL { ?iri org:reportsTo ?parent }
}"""
)
_RESPONSIBLE = (
    _PREFIXES
    + """
SELECT ?iri ?rank ?body WHERE {
  ?iri a wcokg:Activity ; wcokg:hasResponsibility ?r . ?r wcokg:rank ?rank ; wcokg:body ?body .
} ORDER BY ?iri ?rank"""
)
_MILESTONES = (
    _PREFIXES
    + """
SELECT ?iri ?milestone ?label ?due ?when ?body WHERE {
  ?iri a wcokg:Activity ; wcokg:hasMilestone ?milestone .
  ?milestone wcokg:rank ?rank ; wcokg:dueBy ?due .
  OPTIONAL { ?milestone rdfs:label ?label }
  OPTIONAL { ?milestone time:inXSDgYearMonth ?month }
  OPTIONAL { ?milestone time:inXSDgYear ?year }
  BIND(STR(COALESCE(?month, ?year)) AS ?when)
  OPTIONAL { ?milestone wcokg:body ?body }
} ORDER BY ?iri ?rank"""
)
_MEETINGS = (
    _PREFIXES
    + """
SELECT ?iri ?name ?start ?end ?month ?venue ?body WHERE {
  ?iri a wcokg:Meeting .
  OPTIONAL { ?iri skos:prefLabel ?pref }
  OPTIONAL { ?iri rdfs:label ?label }
  BIND(COALESCE(?pref, ?label) AS ?name)
  OPTIONAL { ?iri wcokg:startDate ?start }
  OPTIONAL { ?iri wcokg:endDate ?end }
  OPTIONAL { ?iri wcokg:month ?month }
  OPTIONAL { ?iri wcokg:venue ?venue }
  OPTIONAL { VALUES ?by { wcokg:body dcterms:creator prov:wasAssociatedWith }
             ?iri ?by ?body . ?body a wcokg:WorkingBody }
}"""
)
_INSTRUMENTS = (
    _PREFIXES
    + """
SELECT ?iri ?kind ?id ?name ?version ?of ?part_of WHERE {
  VALUES ?kind { wcokg:Instrument wcokg:InstrumentEdition }
  ?iri a ?kind .
  OPTIONAL { ?iri dcterms:identifier ?id }
  OPTIONAL { ?iri skos:prefLabel ?pref }
  OPTIONAL { ?iri rdfs:label ?label }
  BIND(COALESCE(?pref, ?label) AS ?name)
  OPTIONAL { ?iri owl:versionInfo ?version }
  OPTIONAL { ?iri wcokg:editionOf|dcterms:isVersionOf ?of }
  OPTIONAL { ?iri wcokg:partOfInstrument ?part_of }
}"""
)
_FEEDS = (
    _PREFIXES
    + """
SELECT ?iri ?target WHERE {
  VALUES ?p { wcokg:feeds wcokg:produces wcokg:updates wcokg:maintains wcokg:promotes }
  ?iri a wcokg:Activity ; ?p ?target .
}"""
)


def _ref(iri: str) -> Node:
    return {"@id": iri}


def _add(node: Node, key: str, value: Any) -> None:
    """Set `key`, turning it into a list on the second value; skip empty values and repeats."""
    if value in (None, "", [], {}):
        return
    if key not in node:
        node[key] = value
        return
    current = node[key] if isinstance(node[key], list) else [node[key]]
    if value not in current:
        node[key] = [*current, value]


class _Data:
    """Everything the schema.org view needs, read from the store once."""

    def __init__(self, store: GraphStore) -> None:
        self.activities: dict[str, Node] = {}
        self.organizations: dict[str, Node] = {}
        self.events: dict[str, Node] = {}
        self.works: dict[str, Node] = {}
        for row in select(store, _BODIES):
            node = self.organizations.setdefault(
                text(row, "iri"), {"@id": text(row, "iri"), "@type": "Organization"}
            )
            _add(node, "identifier", text(row, "id"))
            _add(node, "name", text(row, "name"))
            _add(node, "alternateName", text(row, "acronym"))
            if text(row, "parent"):
                _add(node, "parentOrganization", _ref(text(row, "parent")))
        for row in select(store, _MEETINGS):
            node = self.events.setdefault(
                text(row, "iri"), {"@id": text(row, "iri"), "@type": "Event"}
            )
            _add(node, "name", text(row, "name"))
            _add(node, "startDate", text(row, "start") or text(row, "month"))
            _add(node, "endDate", text(row, "end"))
            if text(row, "venue"):
                _add(node, "location", {"@type": "Place", "name": text(row, "venue")})
            if text(row, "body"):
                _add(node, "organizer", _ref(text(row, "body")))
        producers: dict[str, list[str]] = defaultdict(list)
        for row in select(store, _FEEDS):
            producers[text(row, "target")].append(text(row, "iri"))
        for row in select(store, _INSTRUMENTS):
            iri = text(row, "iri")
            node = self.works.setdefault(iri, {"@id": iri, "@type": "CreativeWork"})
            _add(node, "identifier", text(row, "id"))
            _add(node, "name", text(row, "name"))
            _add(node, "version", text(row, "version"))
            if text(row, "of"):
                _add(node, "exampleOfWork", _ref(text(row, "of")))
            if text(row, "part_of"):
                _add(node, "isPartOf", _ref(text(row, "part_of")))
        for iri, node in self.works.items():
            for example in _as_list(node.get("exampleOfWork")):
                work = self.works.get(example["@id"])
                if work is not None:
                    _add(work, "workExample", _ref(iri))
            for activity in producers.get(iri, []):
                _add(node, "producer", _ref(activity))

        bodies: dict[str, list[str]] = defaultdict(list)
        for row in select(store, _RESPONSIBLE):
            bodies[text(row, "iri")].append(text(row, "body"))
        milestones: dict[str, list[Node]] = defaultdict(list)
        for row in select(store, _MILESTONES):
            event: Node = {
                "@id": text(row, "milestone"),
                "@type": "Event",
                "name": text(row, "label") or text(row, "when"),
                "startDate": text(row, "when"),
                "endDate": text(row, "due"),
            }
            if text(row, "body"):
                event["organizer"] = _ref(text(row, "body"))
            milestones[text(row, "iri")].append(event)
        for a in activity_rows(store):
            node = {
                "@id": a.iri,
                "@type": "Project",
                "identifier": a.id,
                "name": a.title,
                "url": a.iri,
            }
            _add(node, "description", a.kpi)
            keywords = [*(a.strategic_codes.split("; ") if a.strategic_codes else [])]
            keywords += [
                k
                for k in (a.task_type, f"Priority {a.priority}" if a.priority else "", a.status)
                if k
            ]
            _add(node, "keywords", keywords)
            chain = bodies.get(a.iri, [])
            if chain:
                _add(node, "parentOrganization", _ref(chain[0]))
                for other in chain[1:]:
                    _add(node, "member", _ref(other))
            _add(node, "event", milestones.get(a.iri, []))
            self.activities[a.iri] = node

    def graph(self) -> list[Node]:
        return [
            *self.organizations.values(),
            *self.events.values(),
            *self.works.values(),
            *self.activities.values(),
        ]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def schemaorg_document(store: GraphStore) -> Node:
    """The whole graph as schema.org JSON-LD (`@context` + `@graph`)."""
    return {"@context": CONTEXT, "@graph": _Data(store).graph()}


def activity_jsonld(store: GraphStore, iri: str) -> Node:
    """One activity as a self-contained schema.org JSON-LD object, the bodies it names inline."""
    data = _Data(store)
    if iri not in data.activities:
        raise QueryError(f"no activity {iri!r} in the graph")
    return _self_contained(data, data.activities[iri])


def activities_jsonld(store: GraphStore) -> dict[str, Node]:
    """`activity_jsonld` for every activity at once (the store read once, not per activity)."""
    data = _Data(store)
    return {iri: _self_contained(data, node) for iri, node in data.activities.items()}


def _self_contained(data: _Data, activity: Node) -> Node:
    node = dict(activity)

    def inline(ref: Any) -> Any:
        if isinstance(ref, dict) and set(ref) == {"@id"}:
            found = data.organizations.get(ref["@id"])
            if found is not None:
                return {k: v for k, v in found.items() if k != "parentOrganization"}
        return ref

    for key in ("parentOrganization", "member"):
        if key in node:
            value = node[key]
            node[key] = [inline(v) for v in value] if isinstance(value, list) else inline(value)
    return {"@context": CONTEXT, **node}
