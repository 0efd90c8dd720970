"""Namespaces and the one place that mints IRIs for the project's own resources."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from wcokg.settings import DEFAULT_BASE

WCOKG = Namespace(DEFAULT_BASE + "ontology#")
"""The ontology namespace: fixed, so the ontology's own IRIs never move."""

VANN = Namespace("http://purl.org/vocab/vann/")
SCHEMA = Namespace("https://schema.org/")

PREFIXES: dict[str, Namespace] = {
    "wcokg": WCOKG,
    "dcterms": Namespace(str(DCTERMS)),
    "dcat": Namespace(str(DCAT)),
    "org": Namespace(str(ORG)),
    "owl": Namespace(str(OWL)),
    "prov": Namespace(str(PROV)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "skos": Namespace(str(SKOS)),
    "time": Namespace(str(TIME)),
    "xsd": Namespace(str(XSD)),
    "vann": VANN,
    "schema": SCHEMA,
}


def slug(text: str) -> str:
    """A short, stable, lowercase id fragment: ASCII letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]+", "-", ascii_text.lower()).strip("-.") or "x"


class Minter:
    """Mints IRIs under one configurable base; data files use the default base and are rebased."""

    def __init__(
        self, base: str = DEFAULT_BASE, identities: Mapping[tuple[str, str], str] | None = None
    ) -> None:
        if not base.endswith("/"):
            base += "/"
        self.base = base
        self.identities: dict[tuple[str, str], str] = dict(identities or {})
        """(programme, activity id in one revision) -> identity key naming the activity's IRI."""

    def with_identities(self, programme: str, identities: Mapping[str, str]) -> Minter:
        """A minter naming the activities of one revision of `programme` by their identity keys
        (loaders/revisions.py), so an activity keeps its IRI when it is renumbered."""
        merged = {k: v for k, v in self.identities.items() if k[0] != programme}
        merged.update({(programme, a): key for a, key in identities.items()})
        return Minter(self.base, merged)

    def iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(parts))

    def programme(self, wp: str) -> URIRef:
        return self.iri("wp", wp)

    def activity(self, wp: str, activity_id: str) -> URIRef:
        """The IRI of an activity given its id in the revision being written."""
        return self.iri("wp", wp, "activity", self.identities.get((wp, activity_id), activity_id))

    def revision(self, wp: str, revision_id: str) -> URIRef:
        """A revision of a programme; also the name of the named graph holding it."""
        return self.iri("wp", wp, "revision", revision_id)

    def graph(self, name: str) -> URIRef:
        """A named graph of the project's own (``graph/reference``: ontology and reference data)."""
        return self.iri("graph", name)

    def body(self, body_id: str) -> URIRef:
        return self.iri("body", body_id)

    def unit(self, unit_id: str) -> URIRef:
        return self.iri("unit", unit_id)

    def concept(self, scheme: str, code: str) -> URIRef:
        return self.iri("vocab", scheme, code)

    def instrument(self, instrument_id: str) -> URIRef:
        return self.iri("instrument", instrument_id)

    def meeting(self, meeting_id: str) -> URIRef:
        return self.iri("meeting", meeting_id)

    def source(self, source_id: str) -> URIRef:
        return self.iri("source", source_id)

    def rebase(self, term: URIRef) -> URIRef:
        """Move a data-file IRI written under the default base to the configured base."""
        text = str(term)
        if (
            self.base != DEFAULT_BASE
            and text.startswith(DEFAULT_BASE)
            and not text.startswith(str(WCOKG))
        ):
            return URIRef(self.base + text[len(DEFAULT_BASE) :])
        return term
