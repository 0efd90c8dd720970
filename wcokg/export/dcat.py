"""A DCAT-AP 3.0 catalogue of the work programmes, for open-data portals.

One `dcat:Catalog` ({base}catalog) with, per programme, a `dcat:Dataset` ({programme}/dataset)
distributed as Turtle, JSON-LD, CSV (with CSVW metadata) and the regenerated document (Markdown,
HTML), and the SPARQL endpoint as a `dcat:DataService`. Publisher (of the catalogue, the datasets
and the service): the WCO as a `foaf:Agent` (see below); themes from the EU data-theme
vocabulary; temporal coverage from the programme's years; a vCard contact point. Download addresses are the API's `/export/{format}` under the IRI base.

Conformance: every DCAT-AP 3.0.1 SHACL shape file (mandatory `shapes.ttl`, `range.ttl`,
`shapes_recommended.ttl`, `deprecateduris.ttl` and the controlled-vocabulary shapes
`mdr-vocabularies.shape.ttl`), checked by tests/test_export_dcat.py, and a harvester, ckanext-dcat's
`RDFParser` with its DCAT-AP 3 profile. Every object of a ranged property is typed explicitly (no
subclass reasoning in SHACL validators).

Mapping choices:
- licence: the EU licence authority table's `CC_BY_4_0` (an assumption to confirm with the WCO),
  with `dct:type` the ADMS licence type `Attribution` and the `dct:title` "Creative Commons
  Attribution": the title CKAN's licence register (and the Open Definition) gives CC BY, so that
  a CKAN harvester, which matches a licence by URL then by title, maps it to `cc-by`; the version
  stays in the IRI and in `dct:identifier` "CC-BY-4.0" (SPDX).
- spatial coverage: GeoNames' Earth (https://sws.geonames.org/6295630/, the WCO's membership is
  worldwide) with its bounding box, the whole longitude/latitude range as WKT, and that box's
  centre as the centroid.
- formats: the EU file-type authority table (`RDF_TURTLE`, `JSON_LD`, `CSV`, `HTML`; the
  Markdown document is `TXT`, plain text, the table's closest entry) beside the IANA media type.
- publisher: the WCO as a `foaf:Agent` with `foaf:name`, typed by the ADMS publisher type
  `SupraNationalAuthority`. By default its IRI is the project's own, `{base}org/wco`, which is
  not a concept of the EU corporate-body authority table: the DCAT-AP vocabulary shapes give one
  warning per catalogue, dataset and data service for that (`CorporateBodyRestriction`, severity
  Warning; no entry for the WCO could be confirmed offline, and no IRI is invented). An operator
  who confirms the WCO's concept in the table sets its IRI,
  `http://publications.europa.eu/resource/authority/corporate-body/CODE`, in
  ``WCOKG_PUBLISHER_CORPORATE_BODY`` (``Settings.publisher_corporate_body``): it is then the
  publisher of all three, also a `skos:Concept` `skos:inScheme` the corporate-body table, and the
  warnings go. Any other value is refused (`SettingError`, one line). The IATI and schema.org
  exports have no DCAT publisher (IATI's `reporting-org` is `WCOKG_IATI_ORGANISATION_REF`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from wcokg.errors import SettingError
from wcokg.export.common import programmes
from wcokg.settings import get_settings
from wcokg.store.base import GraphStore

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
DATA_THEME = URIRef(EU + "data-theme")
THEMES = {
    "GOVE": "Government and public sector",
    "INTR": "International issues",
    "ECON": "Economy and finance",
}
LICENCE = URIRef(EU + "licence/CC_BY_4_0")
LICENCE_TITLE = "Creative Commons Attribution"  # CKAN's register title of cc-by: see docstring
LICENCE_SPDX = "CC-BY-4.0"
LICENCE_TYPES = URIRef("http://purl.org/adms/licencetype/1.0")
ATTRIBUTION = URIRef("http://purl.org/adms/licencetype/Attribution")
LANGUAGE = URIRef(EU + "language/ENG")
SPATIAL = URIRef("https://sws.geonames.org/6295630/")  # Earth: the WCO's membership is global
WORLD_BBOX = "POLYGON((-180 90,180 90,180 -90,-180 -90,-180 90))"
WORLD_CENTROID = "POINT(0 0)"
GEOSPARQL = Namespace("http://www.opengis.net/ont/geosparql#")
PUBLISHER_TYPES = URIRef("http://purl.org/adms/publishertype/1.0")
SUPRANATIONAL = URIRef("http://purl.org/adms/publishertype/SupraNationalAuthority")
WCO_NAME = "World Customs Organization"
WCO_HOMEPAGE = URIRef("https://www.wcoomd.org/")
CORPORATE_BODIES = URIRef(EU + "corporate-body")
CORPORATE_BODY_IRI = re.compile(re.escape(f"{CORPORATE_BODIES}/") + r"[A-Za-z0-9_-]+")
IANA = "http://www.iana.org/assignments/media-types/"

# format name: (title, media type, EU file-type code)
DISTRIBUTIONS = {
    "ttl": ("Turtle", "text/turtle", "RDF_TURTLE"),
    "jsonld": ("JSON-LD", "application/ld+json", "JSON_LD"),
    "csv": ("CSV (activities table, CSVW metadata at /export/csvw)", "text/csv", "CSV"),
    "markdown": ("Work-programme document (Markdown)", "text/markdown", "TXT"),
    "html": ("Work-programme document (HTML)", "text/html", "HTML"),
}


def corporate_body(value: str) -> URIRef | None:
    """The publisher's concept in the EU corporate-body table, from the setting's `value`: None
    when empty; raises SettingError (one line) unless it is an IRI of that table,
    `http://publications.europa.eu/resource/authority/corporate-body/CODE`."""
    value = value.strip()
    if not value:
        return None
    if not CORPORATE_BODY_IRI.fullmatch(value):
        raise SettingError(
            f"WCOKG_PUBLISHER_CORPORATE_BODY: expected an IRI of the EU corporate-body table, "
            f"{CORPORATE_BODIES}/CODE (or empty), got {value[:200]!r}"
        )
    return URIRef(value)


def catalog_graph(
    store: GraphStore, now: datetime | None = None, publisher_iri: str | None = None
) -> Graph:
    """The DCAT-AP catalogue graph for the programmes of the store.

    `publisher_iri`: the publisher's IRI in the EU corporate-body table (default: the setting
    ``WCOKG_PUBLISHER_CORPORATE_BODY``; empty: the project's own `{base}org/wco`); raises
    SettingError when it is not such an IRI, before the store is read."""
    body = corporate_body(
        get_settings().publisher_corporate_body if publisher_iri is None else publisher_iri
    )
    today = Literal((now or datetime.now(UTC)).date().isoformat(), datatype=XSD.date)
    found = programmes(store)
    base = found[0].base if found else "https://w3id.org/wcokg/"
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("skos", SKOS),
        ("vcard", VCARD),
        ("dcatap", DCATAP),
    ):
        g.bind(prefix, ns)

    catalog = URIRef(base + "catalog")
    publisher = body or URIRef(base + "org/wco")
    contact = URIRef(base + "catalog/contact")
    service = URIRef(base + "sparql#service")

    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(WCO_NAME, lang="en")))
    if body is not None:  # a concept of the EU table (DCAT-AP's CorporateBodyRestriction)
        g.add((body, RDF.type, SKOS.Concept))
        g.add((body, SKOS.inScheme, CORPORATE_BODIES))
        g.add((CORPORATE_BODIES, RDF.type, SKOS.ConceptScheme))
        g.add((CORPORATE_BODIES, DCTERMS.title, Literal("Corporate body", lang="en")))
    g.add((publisher, DCTERMS.type, SUPRANATIONAL))
    g.add((SUPRANATIONAL, RDF.type, SKOS.Concept))
    g.add((SUPRANATIONAL, SKOS.prefLabel, Literal("Supra-national authority", lang="en")))
    g.add((SUPRANATIONAL, SKOS.inScheme, PUBLISHER_TYPES))
    g.add((PUBLISHER_TYPES, RDF.type, SKOS.ConceptScheme))
    g.add((PUBLISHER_TYPES, DCTERMS.title, Literal("ADMS publisher type", lang="en")))

    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, VCARD.fn, Literal("WCO Secretariat")))
    g.add((contact, VCARD.hasURL, WCO_HOMEPAGE))

    g.add((DATA_THEME, RDF.type, SKOS.ConceptScheme))
    g.add((DATA_THEME, DCTERMS.title, Literal("Data theme", lang="en")))
    for code, label in THEMES.items():
        theme = URIRef(f"{DATA_THEME}/{code}")
        g.add((theme, RDF.type, SKOS.Concept))
        g.add((theme, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((theme, SKOS.inScheme, DATA_THEME))
    g.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    g.add((LICENCE, DCTERMS.title, Literal(LICENCE_TITLE, lang="en")))
    g.add((LICENCE, DCTERMS.identifier, Literal(LICENCE_SPDX)))
    g.add((LICENCE, DCTERMS.type, ATTRIBUTION))
    g.add((ATTRIBUTION, RDF.type, SKOS.Concept))
    g.add((ATTRIBUTION, SKOS.prefLabel, Literal("Attribution", lang="en")))
    g.add((ATTRIBUTION, SKOS.inScheme, LICENCE_TYPES))
    g.add((LICENCE_TYPES, RDF.type, SKOS.ConceptScheme))
    g.add((LICENCE_TYPES, DCTERMS.title, Literal("ADMS licence type", lang="en")))
    g.add((LANGUAGE, RDF.type, DCTERMS.LinguisticSystem))
    g.add((SPATIAL, RDF.type, DCTERMS.Location))
    g.add((SPATIAL, DCAT.bbox, Literal(WORLD_BBOX, datatype=GEOSPARQL.wktLiteral)))
    g.add((SPATIAL, DCAT.centroid, Literal(WORLD_CENTROID, datatype=GEOSPARQL.wktLiteral)))
    g.add((WCO_HOMEPAGE, RDF.type, FOAF.Document))

    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("WCO work programmes knowledge graph", lang="en")))
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                "Work programmes of World Customs Organization working bodies as linked data: "
                "activities with priority, strategic-plan codes, responsible bodies, team "
                "resources, KPIs, milestones, progress and completion status.",
                lang="en",
            ),
        )
    )
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.language, LANGUAGE))
    g.add((catalog, DCTERMS.license, LICENCE))
    g.add((catalog, DCTERMS.modified, today))
    g.add((catalog, DCTERMS.issued, today))
    g.add((catalog, DCTERMS.spatial, SPATIAL))
    g.add((catalog, DCAT.themeTaxonomy, DATA_THEME))
    g.add((catalog, FOAF.homepage, WCO_HOMEPAGE))
    g.add((catalog, DCAT.service, service))

    g.add((service, RDF.type, DCAT.DataService))
    g.add(
        (service, DCTERMS.title, Literal("SPARQL endpoint of the WCO work programmes", lang="en"))
    )
    g.add((service, DCAT.endpointURL, URIRef(base + "sparql")))
    g.add((service, DCTERMS.publisher, publisher))
    g.add((service, DCTERMS.license, LICENCE))
    sparql_protocol = URIRef("https://www.w3.org/TR/sparql11-protocol/")
    g.add((service, DCTERMS.conformsTo, sparql_protocol))
    g.add((service, DCAT.endpointDescription, URIRef(base + "sparql")))
    g.add((service, DCAT.contactPoint, contact))
    g.add((service, DCAT.keyword, Literal("SPARQL", lang="en")))
    for code in THEMES:
        g.add((service, DCAT.theme, URIRef(f"{DATA_THEME}/{code}")))
    g.add((sparql_protocol, RDF.type, DCTERMS.Standard))

    for programme in found:
        dataset = URIRef(programme.iri + "/dataset")
        g.add((catalog, DCAT.dataset, dataset))
        g.add((service, DCAT.servesDataset, dataset))
        g.add((dataset, RDF.type, DCAT.Dataset))
        g.add((dataset, DCTERMS.identifier, Literal(programme.id)))
        g.add((dataset, DCTERMS.title, Literal(programme.title, lang="en")))
        described = f"Annex to {programme.doc_reference}: " if programme.doc_reference else ""
        g.add(
            (
                dataset,
                DCTERMS.description,
                Literal(
                    f"{described}{programme.title}, as a knowledge graph: every activity with "
                    "its revision, priority, strategic-plan codes, task type, responsible bodies, "
                    "team resources, KPI, timeline milestones, progress and completion status, "
                    "each fact traced to the lines of the source document.",
                    lang="en",
                ),
            )
        )
        g.add((dataset, DCTERMS.relation, URIRef(programme.iri)))
        g.add((dataset, DCTERMS.publisher, publisher))
        g.add((dataset, DCAT.contactPoint, contact))
        g.add((dataset, DCTERMS.language, LANGUAGE))
        g.add((dataset, DCTERMS.spatial, SPATIAL))
        g.add((dataset, DCTERMS.modified, today))
        for code in THEMES:
            g.add((dataset, DCAT.theme, URIRef(f"{DATA_THEME}/{code}")))
        for keyword in ("customs", "work programme", "World Customs Organization", programme.id):
            g.add((dataset, DCAT.keyword, Literal(keyword, lang="en")))
        if programme.start_year and programme.end_year:
            period = BNode()
            g.add((dataset, DCTERMS.temporal, period))
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            g.add((period, DCAT.startDate, Literal(str(programme.start_year), datatype=XSD.gYear)))
            g.add((period, DCAT.endDate, Literal(str(programme.end_year), datatype=XSD.gYear)))
        for name, (title, media_type, file_type) in DISTRIBUTIONS.items():
            distribution = URIRef(f"{programme.iri}/dataset/{name}")
            url = URIRef(f"{base}export/{name}")
            g.add((dataset, DCAT.distribution, distribution))
            g.add((distribution, RDF.type, DCAT.Distribution))
            g.add((distribution, DCTERMS.title, Literal(title, lang="en")))
            g.add(
                (
                    distribution,
                    DCTERMS.description,
                    Literal(f"{programme.title} as {title}, built from the graph.", lang="en"),
                )
            )
            g.add((distribution, DCAT.accessURL, url))
            g.add((distribution, DCAT.downloadURL, url))
            g.add((distribution, DCAT.accessService, service))
            g.add((distribution, DCTERMS.license, LICENCE))
            media = URIRef(IANA + media_type)
            g.add((distribution, DCAT.mediaType, media))
            g.add((media, RDF.type, DCTERMS.MediaType))
            fmt = URIRef(EU + "file-type/" + file_type)
            g.add((distribution, DCTERMS.format, fmt))
            g.add((fmt, RDF.type, DCTERMS.MediaTypeOrExtent))
            g.add((distribution, DCATAP.availability, URIRef(EU + "planned-availability/STABLE")))
            g.add((URIRef(EU + "planned-availability/STABLE"), RDF.type, SKOS.Concept))
            g.add(
                (
                    URIRef(EU + "planned-availability/STABLE"),
                    SKOS.prefLabel,
                    Literal("Stable", lang="en"),
                )
            )
    return g


def render_dcat(store: GraphStore) -> bytes:
    """The catalogue as Turtle."""
    return catalog_graph(store).serialize(format="turtle", encoding="utf-8")
