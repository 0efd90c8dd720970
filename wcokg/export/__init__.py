"""Exports of the stored graph in other organisations' standards (see README: Exports).

Every format is built from the store (named queries, the activities table, SPARQL), never from
the source document, and `export` refuses a graph with SHACL violations first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from wcokg.errors import QueryError
from wcokg.export.common import programmes, store_graph
from wcokg.export.guard import check_store_exportable
from wcokg.store.base import GraphStore


@dataclass(frozen=True)
class ExportFormat:
    """One export: its media type, the file extension and how it is rendered."""

    name: str
    media_type: str
    extension: str
    summary: str
    render: Callable[[GraphStore], bytes]


@lru_cache(maxsize=1)
def jsonld_context() -> dict[str, Any]:
    """The bundled JSON-LD context (ontology/context.jsonld) of the whole-graph export."""
    text = (files("wcokg.ontology") / "context.jsonld").read_text(encoding="utf-8")
    context: dict[str, Any] = json.loads(text)
    return context


def _dump(media_type: str) -> Callable[[GraphStore], bytes]:
    return lambda store: store.dump(media_type)


def _jsonld(store: GraphStore) -> bytes:
    graph = store_graph(store)
    data: bytes = graph.serialize(
        format="json-ld", context=jsonld_context()["@context"], encoding="utf-8"
    )
    return data


def _utf8(render: Callable[[GraphStore], str]) -> Callable[[GraphStore], bytes]:
    return lambda store: render(store).encode("utf-8")


def _dcat(store: GraphStore) -> bytes:
    from wcokg.export.dcat import render_dcat

    return render_dcat(store)


def _schemaorg(store: GraphStore) -> bytes:
    from wcokg.export.schemaorg import schemaorg_document

    return json.dumps(schemaorg_document(store), indent=2, ensure_ascii=False).encode() + b"\n"


def _iati(store: GraphStore) -> bytes:
    from wcokg.export.iati import render_iati

    return render_iati(store)


def _csv(store: GraphStore) -> str:
    from wcokg.export.csvw import activities_csv

    return activities_csv(store)


def _csvw(store: GraphStore) -> str:
    """The metadata as served at /export/csvw: its table is the sibling /export/csv."""
    from wcokg.export.csvw import csvw_metadata_json

    return csvw_metadata_json(store, "csv")


def _xlsx(store: GraphStore) -> bytes:
    from wcokg.export.csvw import activities_xlsx

    return activities_xlsx(store)


def _markdown(store: GraphStore) -> str:
    from wcokg.export.document import render_markdown

    return render_markdown(store)


def _docx(store: GraphStore) -> bytes:
    from wcokg.export.docx import render_docx

    return render_docx(store)


def _html(store: GraphStore) -> str:
    from wcokg.export.document import render_html

    return render_html(store)


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("ttl", "text/turtle", "ttl", "The whole graph (Turtle)", _dump("text/turtle")),
        ExportFormat(
            "jsonld",
            "application/ld+json",
            "jsonld",
            "The whole graph (JSON-LD, compacted with ontology/context.jsonld)",
            _jsonld,
        ),
        ExportFormat(
            "nt",
            "application/n-triples",
            "nt",
            "The whole graph (N-Triples)",
            _dump("application/n-triples"),
        ),
        ExportFormat(
            "rdfxml",
            "application/rdf+xml",
            "rdf",
            "The whole graph (RDF/XML)",
            _dump("application/rdf+xml"),
        ),
        ExportFormat("dcat", "text/turtle", "ttl", "DCAT-AP 3.0 catalogue (Turtle)", _dcat),
        ExportFormat(
            "schemaorg", "application/ld+json", "jsonld", "schema.org JSON-LD", _schemaorg
        ),
        ExportFormat("iati", "application/xml", "xml", "IATI activity XML 2.03", _iati),
        ExportFormat(
            "csv", "text/csv; charset=utf-8", "csv", "Activities table (CSV)", _utf8(_csv)
        ),
        ExportFormat(
            "csvw",
            "application/csvm+json",
            "csv-metadata.json",
            "CSVW metadata of the activities CSV",
            _utf8(_csvw),
        ),
        ExportFormat(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            "Activities table (Excel workbook)",
            _xlsx,
        ),
        ExportFormat(
            "markdown",
            "text/markdown; charset=utf-8",
            "md",
            "The work-programme document (Markdown)",
            _utf8(_markdown),
        ),
        ExportFormat(
            "html",
            "text/html; charset=utf-8",
            "html",
            "The work-programme document (HTML, status colours)",
            _utf8(_html),
        ),
        ExportFormat(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            "The work-programme document (Word; with --from/--to, the later revision with the "
            "changes from the earlier one as tracked changes)",
            _docx,
        ),
    )
}


def get_format(name: str) -> ExportFormat:
    if name not in FORMATS:
        raise QueryError(f"unknown format {name!r}; expected one of {', '.join(FORMATS)}")
    return FORMATS[name]


def export(store: GraphStore, name: str, start: str | None = None, end: str | None = None) -> bytes:
    """The export `name` of the stored graph; ExportRefusedError if it has SHACL violations.

    `start`/`end` (revision ids or document codes) are for `docx` only: the later revision with
    the changes from the earlier one tracked; QueryError for any other format.
    """
    fmt = get_format(name)
    if (start or end) and name != "docx":
        raise QueryError(f"--from/--to apply to the docx export only, not {name!r}")
    check_store_exportable(store)
    if name == "docx":
        from wcokg.export.docx import render_docx

        return render_docx(store, start, end)
    return fmt.render(store)


def file_stem(store: GraphStore) -> str:
    """A file name stem for downloads: the programme id, or `wcokg` for several."""
    found = programmes(store)
    return found[0].id if len(found) == 1 else "wcokg"
