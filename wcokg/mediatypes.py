"""The one table of media types: their `?format=` short names, the aliases clients send for
them, and their file extensions.

Dereferencing, `/sparql`, named queries, pictures and exports all read it (through
`wcokg.api.conneg` on the HTTP side), so `Accept: text/plain` means N-Triples wherever
N-Triples is offered, and `?format=ttl` means Turtle wherever Turtle is offered.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaType:
    """A media type, the `?format=` names that ask for it, the other media types clients send
    meaning it (honoured only when named exactly, and only where it is offered) and the
    extension of a file in it."""

    name: str
    short: tuple[str, ...]
    aliases: tuple[str, ...]
    extension: str


MEDIA_TYPES: tuple[MediaType, ...] = (
    MediaType("application/sparql-results+json", ("json",), ("application/json",), "srj"),
    MediaType(
        "application/sparql-results+xml",
        ("xml",),
        ("application/xml", "text/xml"),
        "srx",
    ),
    MediaType("text/csv", ("csv",), (), "csv"),
    MediaType("text/tab-separated-values", ("tsv",), (), "tsv"),
    MediaType(
        "text/turtle", ("ttl", "turtle"), ("application/x-turtle", "application/turtle"), "ttl"
    ),
    MediaType("application/ld+json", ("jsonld", "json-ld"), ("application/x-json+ld",), "jsonld"),
    MediaType("application/n-triples", ("nt", "ntriples"), ("text/plain",), "nt"),
    MediaType("application/rdf+xml", ("rdf", "rdfxml", "rdf+xml", "xml"), (), "rdf"),
    MediaType("text/html", ("html",), ("application/xhtml+xml",), "html"),
    MediaType("application/json", ("json",), (), "json"),
    MediaType("text/vnd.mermaid", ("mermaid", "mmd"), (), "mmd"),
    MediaType("text/vnd.graphviz", ("dot", "gv"), (), "dot"),
    MediaType("image/svg+xml", ("svg",), (), "svg"),
    MediaType("application/xml", (), (), "xml"),
    MediaType("application/csvm+json", (), (), "csv-metadata.json"),
    MediaType("text/markdown", ("markdown", "md"), (), "md"),
    MediaType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), (), "xlsx"
    ),
    MediaType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
        (),
        "docx",
    ),
)

BY_NAME: dict[str, MediaType] = {m.name: m for m in MEDIA_TYPES}

SHORT_NAMES: dict[str, tuple[str, ...]] = {}
"""`?format=` name → the media types it may mean, in table order (the first offered wins)."""
for _media in MEDIA_TYPES:
    for _short in _media.short:
        SHORT_NAMES.setdefault(_short, ())
        SHORT_NAMES[_short] += (_media.name,)

ALIASES: dict[str, str] = {alias: m.name for m in MEDIA_TYPES for alias in m.aliases}
"""Media types clients send → the media type each stands for where that one is offered."""


def media_type(name: str) -> MediaType:
    """The table's entry for a media type (parameters such as charset ignored); KeyError if
    the table does not know it."""
    return BY_NAME[name.split(";", 1)[0].strip().lower()]
