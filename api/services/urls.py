"""IRIs minted under the configured base and the local paths that serve them."""

from __future__ import annotations

from wcokg.namespaces import WCOKG

ONTOLOGY_IRI = str(WCOKG).rstrip("#")
"""The ontology document; its namespace is fixed whatever the configured base."""

DEREFERENCEABLE = (
    "wp",
    "body",
    "unit",
    "org",
    "instrument",
    "meeting",
    "vocab",
    "source",
    "link",
    "outcome",
)
"""First path segments of the IRIs the graph mints under its base (see loaders/rdf.py)."""


def local_url(iri: str, base: str) -> str:
    """The path on this server that dereferences `iri`, or the IRI itself when it is foreign."""
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#"):
        return "/ontology" + iri[len(ONTOLOGY_IRI) :]
    if iri.startswith(base):
        rest = iri[len(base) :]
        if rest.split("/", 1)[0] in DEREFERENCEABLE:
            return "/" + rest
    return iri


def iri_for_path(path: str, base: str) -> str:
    """The IRI a local path stands for (`/body/ptc` -> `{base}body/ptc`)."""
    path = path.lstrip("/")
    if path == "ontology":
        return ONTOLOGY_IRI
    return base + path
