"""Curated reference data: WCO working bodies, Secretariat units and organisations.

The three Turtle files under ``wcokg.ontology/reference`` are read (through importlib.resources, so
this works from an installed package) into one graph, and a name lexicon is built per kind: every
skos:prefLabel, skos:altLabel and skos:notation maps to the resource's id (the last path segment of
its IRI). IRIs keep the default base https://w3id.org/wcokg/; rebasing is done by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from wcokg.errors import SourceFormatError
from wcokg.loaders.lexicon import Lexicon, fold
from wcokg.loaders.turtle import ONTOLOGY_PACKAGE, bundled_turtle
from wcokg.settings import DEFAULT_BASE

REFERENCE_FILES: tuple[str, ...] = ("bodies.ttl", "units.ttl", "organisations.ttl")

BODY_BASE = DEFAULT_BASE + "body/"
UNIT_BASE = DEFAULT_BASE + "unit/"
ORG_BASE = DEFAULT_BASE + "org/"

NAME_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, SKOS.notation)
"""The properties whose values are names for the matcher."""


@dataclass(frozen=True)
class Reference:
    """The reference graph and one lexicon (name -> id) per kind of resource.

    The graph is shared by every caller of load_reference(): copy it before changing it.
    """

    graph: Graph
    bodies: Lexicon
    units: Lexicon
    organisations: Lexicon


def read_reference_graph() -> Graph:
    """The three reference files in one new graph."""
    graph = Graph()
    for name in REFERENCE_FILES:
        path = f"reference/{name}"
        try:
            turtle = bundled_turtle(path)
        except FileNotFoundError as exc:
            resource = files(ONTOLOGY_PACKAGE) / path
            raise SourceFormatError(str(resource), "a bundled reference Turtle file") from exc
        except SyntaxError as exc:
            raise SourceFormatError(name, f"valid Turtle ({exc})") from exc
        turtle.add_to(graph)
    return graph


def resources_under(graph: Graph, base: str) -> dict[str, URIRef]:
    """Every subject IRI directly under `base` (e.g. .../body/), keyed by its id."""
    found: dict[str, URIRef] = {}
    for subject in set(graph.subjects()):
        if isinstance(subject, URIRef) and str(subject).startswith(base):
            rest = str(subject)[len(base) :]
            if rest and "/" not in rest and "#" not in rest:
                found[rest] = subject
    return found


def names_under(graph: Graph, base: str) -> dict[str, str]:
    """Map every name (prefLabel, altLabel, notation) of the resources under `base` to their id.

    Raises SourceFormatError when one name (after folding) would point to two ids: the matcher
    could then only guess.
    """
    names: dict[str, str] = {}
    owners: dict[str, str] = {}
    for resource_id, iri in sorted(resources_under(graph, base).items()):
        for prop in NAME_PROPERTIES:
            for value in graph.objects(iri, prop):
                name = str(value).strip()
                key = fold(name)
                if not key:
                    continue
                previous = owners.get(key)
                if previous is not None and previous != resource_id:
                    raise SourceFormatError(
                        base, f"each name used once ({name!r}: {previous}, {resource_id})"
                    )
                owners[key] = resource_id
                names[name] = resource_id
    return names


@lru_cache(maxsize=1)
def load_reference() -> Reference:
    """The reference graph and its lexicons, read once per process."""
    graph = read_reference_graph()
    return Reference(
        graph=graph,
        bodies=Lexicon(names_under(graph, BODY_BASE)),
        units=Lexicon(names_under(graph, UNIT_BASE)),
        organisations=Lexicon(names_under(graph, ORG_BASE)),
    )
