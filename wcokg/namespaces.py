"""Namespaces and the one place that mints IRIs for the project's own resources."""

from __future__ import annotations

import re
import unicodedata

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

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        if not base.endswith("/"):
            base += "/"
        self.base = base

    def iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(parts))

    def programme(self, wp: str) -> URIRef:
        return self.iri("wp", wp)

    def activity(self, wp: str, activity_id: str) -> URIRef:
        return self.iri("wp", wp, "activity", activity_id)

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
