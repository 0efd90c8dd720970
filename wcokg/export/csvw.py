"""The activities table as CSV with W3C CSV on the Web metadata, and as an xlsx workbook.

The CSV is exactly `wcokg activities --format csv` (current activities, the documented columns),
RFC 4180: comma-separated, fields quoted when needed, records ended by CRLF (a line break inside a
quoted cell, e.g. between paragraphs of the progress text, stays LF), UTF-8, a header row.
The metadata (CSVW, https://www.w3.org/TR/tabular-metadata/) describes every column: its title,
datatype, the property it stands for and, for body ids, the IRI it points to; each row is about
the activity IRI in the `iri` column. Multi-valued cells (`; `-joined) have a CSVW `separator`, so
a consumer reads them as lists, value by value; they have no `valueUrl`, because CSVW expands a
`valueUrl` once per cell (RFC 6570 would join `FA1; FA2` into one IRI `…/FA1,FA2`). A column
carries a wcokg property only where the conversion says what the graph says (see
`COLUMN_METADATA`); the others keep CSVW's table-local default property. By the CSVW convention a metadata file is found next to the
CSV as `{CSV file name}-metadata.json` (e.g. `activities.csv-metadata.json`).
"""

from __future__ import annotations

import io
import json
from typing import Any

from wcokg.export.common import programmes
from wcokg.output import render
from wcokg.store.base import GraphStore
from wcokg.table import COLUMNS, JOIN, activity_rows

WCOKG = "https://w3id.org/wcokg/ontology#"
DCTERMS = "http://purl.org/dc/terms/"
CSV_NAME = "activities.csv"

# name: (title, description, datatype, propertyUrl, valueUrl template or "", multi-valued).
# A column gets a wcokg property only when the CSV→RDF conversion then says what the graph says:
# an object property with a valueUrl giving the graph's IRI, a datatype property of wcokg:Activity
# with the column's datatype as its range. Other columns keep the CSVW default, a property local
# to the table (`activities.csv#name`), with their plain values.
COLUMN_METADATA: dict[str, tuple[str, str, str, str, str, bool]] = {
    "id": ("Id", "Section-scoped id from the revised number (I-1, II-1, ...)", "string",
           DCTERMS + "identifier", "", False),
    "section": ("Section", "I (within a specific timeframe) or II (continuously)", "string",
                "", "", False),
    "number": ("No.", "The revised number (authoritative)", "integer", WCOKG + "number", "", False),
    "previous_number": ("Previous number", "The number before the revision", "integer",
                        WCOKG + "previousNumber", "", False),
    "revision": ("Revision", "unchanged, renumbered, inserted or deleted", "string",
                 WCOKG + "revision", "{+base}vocab/revision/{revision}", False),
    "title": ("Activities", "What is planned", "string", DCTERMS + "title", "", False),
    "priority": ("Priority ranking", "A=High, B=Medium, C=Low", "string", WCOKG + "priority",
                 "{+base}vocab/priority/{priority}", False),
    "strategic_link": ("Link to the Strategic Plan", "Y or N", "string", "", "", False),
    "strategic_codes": ("WCO Strategic Plan",
                        "Strategic-plan codes, each the notation of the concept "
                        "{base}vocab/strategic-plan/{code} (a CSVW valueUrl is expanded once "
                        "per cell, so the list keeps the codes, not the IRIs)", "string",
                        "", "", True),
    "task_type": ("Type of task associated", "Maintenance, Updating or Development", "string",
                  "", "", False),
    "responsible_bodies": ("Responsible body", "Body ids in the document's order (an unresolved name as written)",
                           "string", "", "", True),
    "lead_body": ("Body in charge", "The first responsible body", "string", WCOKG + "leadBody",
                  "{+base}body/{lead_body}", False),
    "continuous": ("Continuous", "true for continuous activities", "boolean", "", "", False),
    "timeline": ("Timeline", "The Timeline cell as written", "string", WCOKG + "timeline", "",
                 False),
    "milestones": ("Milestones", "YYYY-MM body (or YYYY body) per milestone, in order", "string",
                   "", "", True),
    "kpi": ("Key Performance Indicators", "What must be attained", "string", WCOKG + "kpi", "",
            False),
    "team_resources": ("Team resources", "The Team resources cell as written", "string",
                       WCOKG + "teamResources", "", False),
    "fte_min": ("FTE (min)", "Total staff, lower bound, in full-time equivalents", "decimal",
                "", "", False),
    "fte_max": ("FTE (max)", "Total staff, upper bound, in full-time equivalents", "decimal",
                "", "", False),
    "status": ("Completion status", "Completed, In progress, Not started or Postponed", "string",
               "", "", False),
    "progress": ("Progress", "The Progress cell, paragraphs separated by a blank line", "string",
                 WCOKG + "progress", "", False),
    "source_lines": ("Source lines", "Line or range of lines of the source document (31, 205-214)",
                     "string", "", "", False),
    "iri": ("IRI", "The activity's IRI (the subject of every other cell)", "string", "", "", False),
}  # fmt: skip
# `iri` is a string (pattern below), not an anyURI: it only fills the `aboutUrl` template and is
# not output, and the csvw package (4.1) expands an anyURI value in a template as its parsed parts.

# Columns whose string values follow a pattern (CSVW datatype `format`, a regular expression).
FORMATS = {"source_lines": r"^\d+(-\d+)?$", "iri": r"^https?://\S+$"}


def activities_csv(store: GraphStore) -> str:
    """The current activities, the documented columns (as `wcokg activities --format csv`)."""
    return render(COLUMNS, [r.as_dict() for r in activity_rows(store)], "csv")


def csvw_metadata(store: GraphStore, csv_url: str = CSV_NAME) -> dict[str, Any]:
    """CSVW table metadata for the activities CSV at `csv_url` (relative to the metadata)."""
    found = programmes(store)
    base = found[0].base if found else "https://w3id.org/wcokg/"
    columns: list[dict[str, Any]] = []
    for name in COLUMNS:
        title, description, datatype, prop, value_url, multi = COLUMN_METADATA[name]
        column: dict[str, Any] = {
            "name": name,
            "titles": [name, title],
            "dc:description": description,
            "datatype": {"base": datatype, "format": FORMATS[name]}
            if name in FORMATS
            else datatype,
            "required": name in ("id", "section", "number", "title", "iri"),
        }
        if prop:
            column["propertyUrl"] = prop
        if value_url:
            column["valueUrl"] = value_url.replace("{+base}", base)
        if multi:
            column["separator"] = JOIN
        if name == "iri":
            column["suppressOutput"] = True
        columns.append(column)
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": csv_url,
        "dc:title": "Activities of the WCO work programmes",
        "dc:description": "One row per current activity; multiple values are joined by '; '.",
        "dc:source": [p.iri for p in found],
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n"]},
        "tableSchema": {
            "columns": columns,
            "primaryKey": "id",
            "aboutUrl": "{+iri}",
        },
    }


def csvw_metadata_json(store: GraphStore, csv_url: str = CSV_NAME) -> str:
    return json.dumps(csvw_metadata(store, csv_url), indent=2, ensure_ascii=False) + "\n"


def activities_xlsx(store: GraphStore) -> bytes:
    """A workbook: sheet `activities` (the table, typed cells) and sheet `columns` (the metadata)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rows = activity_rows(store)
    book = Workbook()
    sheet = book.active
    sheet.title = "activities"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = row.as_dict()
        sheet.append([_xlsx_value(name, values[name]) for name in COLUMNS])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # text that looks like a formula stays text (CSV injection)
                cell.data_type = "s"
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    about = book.create_sheet("columns")
    about.append(["column", "title", "description", "datatype", "property"])
    for cell in about[1]:
        cell.font = Font(bold=True)
    for name in COLUMNS:
        title, description, datatype, prop, _, _ = COLUMN_METADATA[name]
        about.append([name, title, description, datatype, prop])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(name: str, value: object) -> object:
    if value is None or value == "":
        return None
    datatype = COLUMN_METADATA[name][2]
    if datatype == "decimal":
        number = float(str(value))
        return int(number) if number.is_integer() else number
    return value
