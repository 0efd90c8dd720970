"""schema.org JSON-LD: what search engines and general-purpose catalogues read.

- an activity is a `schema:Project` (a kind of schema:Organization): name, identifier,
  description (the KPI), keywords (strategic-plan codes, task type, priority, status), the body in
  charge as `parentOrganization`, the other responsible bodies as `member`, its milestones as
  `event`s; the instruments it feeds name it as `producer` (schema.org has no property for a
  dependency between projects: see the IATI export);
- a working body is a `schema:Organization`, with `parentOrganization` from `org:reportsTo`;
- a meeting (`wcokg:Meeting`) is a `schema:Event` with its organiser and what the graph knows:
  - dates: `startDate`/`endDate` the meeting's exact days where a source gives them, else
    `startDate` the month (ISO 8601 `YYYY-MM`), else no date; never a made-up day;
  - `location`: the stated venue as a `schema:Place` (its name as written); a participation
    statement that mentions online, virtual or remote attendance as a `schema:VirtualLocation`
    (described by that statement; a venue saying so is virtual, not a Place);
  - `eventAttendanceMode`: `MixedEventAttendanceMode` with both, `OnlineEventAttendanceMode`
    with only the virtual one; none when the graph only knows a venue (it does not say the
    meeting had no online participants) or nothing;
- a milestone is a `schema:Event` named by its month and body, `startDate` its month (or year)
  as written (the computed `dueBy`, the last day of that month, is a deadline, not the event's
  end, and is left out). When the graph has exactly one meeting of the milestone's body in that
  month, the milestone falls at that session: `superEvent` is the meeting, and the meeting's
  exact dates, location and attendance mode are the milestone's;
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
ONLINE_WORDS = ("online", "virtual", "remote", "videoconferenc", "hybrid")
"""Words of a venue or participation statement that mean attendance over the network."""
MIXED = {"@id": CONTEXT + "MixedEventAttendanceMode"}
ONLINE = {"@id": CONTEXT + "OnlineEventAttendanceMode"}
EVENT_KEYS = ("startDate", "endDate", "location", "eventAttendanceMode")
"""What a milestone takes from the meeting it falls at."""

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
SELECT ?iri ?name ?start ?end ?month ?venue ?participants ?body WHERE {
  ?iri a wcokg:Meeting .
  OPTIONAL { ?iri skos:prefLabel ?pref }
  OPTIONAL { ?iri rdfs:label ?label }
  BIND(COALESCE(?pref, ?label) AS ?name)
  OPTIONAL { ?iri wcokg:startDate ?start }
  OPTIONAL { ?iri wcokg:endDate ?end }
  OPTIONAL { ?iri wcokg:month ?month }
  OPTIONAL { ?iri wcokg:venue ?venue }
  OPTIONAL { ?iri wcokg:participants ?participants }
  OPTIONAL { VALUES ?by { wcokg:body dcterms:creator prov:wasAssociatedWith }
             ?iri ?by ?body . ?body a wcokg:WorkingBody }
}"""
)
_MILESTONE_MEETINGS = (
    _PREFIXES
    + """
SELECT ?milestone ?meeting WHERE {
  ?milestone a wcokg:Milestone ; wcokg:body ?body ; time:inXSDgYearMonth ?month .
  ?meeting a wcokg:Meeting ; wcokg:body ?body ; wcokg:month ?held .
  FILTER(STR(?held) = STR(?month))
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
            if text(row, "start"):
                _add(node, "endDate", text(row, "end"))
            for location in _locations(text(row, "venue"), text(row, "participants")):
                _add(node, "location", location)
            if text(row, "body"):
                _add(node, "organizer", _ref(text(row, "body")))
        for node in self.events.values():
            _add(node, "eventAttendanceMode", _attendance(_as_list(node.get("location"))))
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
        held_at: dict[str, list[str]] = defaultdict(list)
        for row in select(store, _MILESTONE_MEETINGS):
            held_at[text(row, "milestone")].append(text(row, "meeting"))
        milestones: dict[str, list[Node]] = defaultdict(list)
        for row in select(store, _MILESTONES):
            event: Node = {
                "@id": text(row, "milestone"),
                "@type": "Event",
                "name": text(row, "label") or text(row, "when"),
                "startDate": text(row, "when"),
            }
            if text(row, "body"):
                event["organizer"] = _ref(text(row, "body"))
            meetings = held_at.get(text(row, "milestone"), [])
            if len(meetings) == 1 and meetings[0] in self.events:
                meeting = self.events[meetings[0]]
                event["superEvent"] = _ref(meetings[0])
                event.update({k: meeting[k] for k in EVENT_KEYS if k in meeting})
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


def _online(statement: str) -> bool:
    return any(word in statement.lower() for word in ONLINE_WORDS)


def _locations(venue: str, participation: str) -> list[Node]:
    """The venue as a Place and online attendance as a VirtualLocation, as the graph states them."""
    found: list[Node] = []
    if venue and not _online(venue):
        found.append({"@type": "Place", "name": venue})
    virtual = [s for s in (venue, participation) if s and _online(s)]
    if virtual:
        found.append({"@type": "VirtualLocation", "description": "; ".join(virtual)})
    return found


def _attendance(locations: list[Node]) -> Node | None:
    """Mixed with a Place and a VirtualLocation, Online with only the latter, else unknown."""
    kinds = {location["@type"] for location in locations}
    if "VirtualLocation" not in kinds:
        return None
    return MIXED if "Place" in kinds else ONLINE


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
    if "event" in node:  # the session a milestone falls at, named inline (not only its IRI)
        node["event"] = [_with_session(data, event) for event in _as_list(node["event"])]
    return {"@context": CONTEXT, **node}


def _with_session(data: _Data, event: Node) -> Node:
    session = data.events.get(event.get("superEvent", {}).get("@id", ""))
    if session is None:
        return event
    return {
        **event,
        "superEvent": {k: session[k] for k in ("@id", "@type", "name") if k in session},
    }
