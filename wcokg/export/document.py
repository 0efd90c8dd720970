"""The work programme rendered back from the graph into the template of the PDF annex.

Markdown (`markdown`) in the layout the loader reads, and a self-contained HTML page (`html`)
with the completion-status colours as cell backgrounds (inline CSS, no CDN). Both are built
from the store: the activities table, the bodies as written, sections, footnotes and the colour
codelist; never from the source document.

What the regenerated document shows:
- the title line and the document reference, then each section heading with its table: the
  template's twelve columns (No. and the eleven columns of the annex) with the footnote marks
  of the template's column headers, the legend row of questions, then one row per activity;
- the footnotes of the programme, after the tables;
- the current programme only: rows struck out by the revision (`deleted`) are not shown, and
  numbers are the revised numbers, so a round trip compares current activities; tracked-change
  markup (double numbers, underlining) is not reproduced;
- the completion status as an explicit cell, ``Green: Completed``, so the status reads back
  from the Completion status column instead of being inferred from the progress text.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from wcokg.export.common import ProgrammeInfo, programmes, select, text
from wcokg.store.base import GraphStore
from wcokg.table import ActivityRow, activity_rows

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

# The template's columns: header text, the footnote mark the template puts on it (if the
# programme has that footnote), and the legend question of the template's first table row.
TEMPLATE: tuple[tuple[str, str, str, str], ...] = (
    ("number", "No.", "", ""),
    (
        "priority",
        "Priority ranking",
        "",
        "What is the priority ranking of the activity? A=High B=Medium C=Low",
    ),
    (
        "strategic_link",
        "Link to the Strategic Plan",
        "1",
        "Does this activity have a direct link with the main areas of the Strategic Plan? "
        "Yes (Y) or No (N)",
    ),
    ("title", "Activities", "2", "What is planned?"),
    (
        "strategic_codes",
        "WCO Strategic Plan",
        "3",
        "What relation to the Strategic Plan in terms of processes, focus areas and "
        "organizational improvement matters?",
    ),
    (
        "task_type",
        "Type of task associated",
        "4",
        "Maintenance, updating, or development of new initiatives?",
    ),
    (
        "responsible_bodies",
        "Responsible body",
        "5",
        "Body in charge + supporting and decision-making bodies",
    ),
    (
        "team_resources",
        "Team resources",
        "",
        "What are the team resources mobilized for the conduct of this activity?",
    ),
    (
        "kpi",
        "Key Performance Indicators",
        "",
        "What are the objectives to be attained before the task is considered as fully completed?",
    ),
    ("timeline", "Timeline", "", "What timeframe?"),
    (
        "progress",
        "Progress",
        "6",
        "What is the state of play regarding the implementation of the specific activity? "
        "- Status of completion - Brief description of the key steps already achieved - Next steps",
    ),
    (
        "completion_status",
        "Completion status",
        "7",
        "Green = Completed Blue = In progress Red = Postponed or not started",
    ),
)

_SECTIONS = """
PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?wp ?key ?title WHERE { ?wp wcokg:hasSection ?s . ?s skos:notation ?key ; dcterms:title ?title }
"""
_FOOTNOTES = """
PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?wp ?mark ?text WHERE { ?wp wcokg:hasFootnote ?f . ?f wcokg:mark ?mark ; rdfs:comment ?text }
"""
_BODIES = """
PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
SELECT ?iri ?rank ?text WHERE {
  ?iri wcokg:hasResponsibility ?r . ?r wcokg:rank ?rank ; wcokg:bodyText ?text
} ORDER BY ?iri ?rank
"""
_COLOURS = """
PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?status ?label ?hex WHERE {
  ?s skos:notation ?status ; wcokg:colour ?c . ?c skos:prefLabel ?label .
  OPTIONAL { ?c wcokg:hex ?hex }
}
"""
_PROGRAMME_OF = """
PREFIX wcokg: <https://w3id.org/wcokg/ontology#>
SELECT ?iri ?wp WHERE { ?iri wcokg:inProgramme ?wp }
"""


@dataclass
class ProgrammeDocument:
    """Everything one regenerated document shows."""

    info: ProgrammeInfo
    sections: list[tuple[str, str]]
    footnotes: list[tuple[str, str]]
    rows: dict[str, list[ActivityRow]] = field(default_factory=dict)
    bodies: dict[str, list[str]] = field(default_factory=dict)
    colours: dict[str, tuple[str, str]] = field(default_factory=dict)


def _mark_key(mark: str) -> tuple[int, str]:
    return (int(mark), "") if mark.isdigit() else (10**6, mark)


def _section_key(key: str) -> int:
    order = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
    return order.index(key) if key in order else len(order)


def collect(store: GraphStore, graphs: Sequence[str] = ()) -> list[ProgrammeDocument]:
    """The documents of every programme in the store's current view, or in the union of
    `graphs` (a revision's graph and the reference graph: that revision's document)."""
    sections: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in select(store, _SECTIONS, graphs):
        sections[text(row, "wp")].append((text(row, "key"), text(row, "title")))
    notes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in select(store, _FOOTNOTES, graphs):
        notes[text(row, "wp")].append((text(row, "mark"), text(row, "text")))
    bodies: dict[str, list[str]] = defaultdict(list)
    for row in select(store, _BODIES, graphs):
        bodies[text(row, "iri")].append(text(row, "text"))
    colours = {
        text(row, "status"): (text(row, "label"), text(row, "hex"))
        for row in select(store, _COLOURS, graphs)
    }
    owner = {text(row, "iri"): text(row, "wp") for row in select(store, _PROGRAMME_OF, graphs)}
    rows = activity_rows(store, graphs=graphs)
    documents = []
    for info in programmes(store, graphs):
        by_section: dict[str, list[ActivityRow]] = defaultdict(list)
        for activity in rows:
            if owner.get(activity.iri) == info.iri:
                by_section[activity.section].append(activity)
        documents.append(
            ProgrammeDocument(
                info=info,
                sections=sorted(set(sections[info.iri]), key=lambda s: _section_key(s[0])),
                footnotes=sorted(set(notes[info.iri]), key=lambda n: _mark_key(n[0])),
                rows=dict(by_section),
                bodies=dict(bodies),
                colours=colours,
            )
        )
    return documents


def _mark(mark: str) -> str:
    return mark.translate(SUPERSCRIPTS) if mark.isdigit() else f"^{mark}"


def cell_values(document: ProgrammeDocument, row: ActivityRow) -> dict[str, list[str]]:
    """The paragraphs of every template cell of one activity, as plain text."""
    colour = document.colours.get(row.status, ("", ""))[0]
    return {
        "number": [f"{row.number}."],
        "priority": [row.priority],
        "strategic_link": [row.strategic_link],
        "title": [row.title],
        "strategic_codes": [
            ", ".join(row.strategic_codes.split("; ")) if row.strategic_codes else ""
        ],
        "task_type": [row.task_type],
        "responsible_bodies": [", ".join(document.bodies.get(row.iri, []))],
        "team_resources": [row.team_resources],
        "kpi": [row.kpi],
        "timeline": [row.timeline],
        "progress": [p for p in row.progress.split("\n\n") if p] or [""],
        "completion_status": [f"{colour}: {row.status}" if colour else row.status],
    }


def _headers(document: ProgrammeDocument) -> list[str]:
    marks = {mark for mark, _ in document.footnotes}
    return [
        f"{header} {_mark(mark)}" if mark and mark in marks else header
        for _, header, mark, _ in TEMPLATE
    ]


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """One paragraph as Markdown table-cell text the loader reads back unchanged."""
    escaped = html.escape(" ".join(text.split()), quote=False)
    return escaped.replace("|", "\\|")


def _md_cell(paragraphs: list[str]) -> str:
    if len(paragraphs) == 1:
        return _md(paragraphs[0])
    return " ".join(f"<p>{_md(p)}</p>" for p in paragraphs)


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def programme_markdown(document: ProgrammeDocument) -> str:
    info = document.info
    lines = [f"**{_md(info.title)}**", ""]
    if info.doc_reference:
        lines += [f"Annex to {info.doc_reference}", ""]
    headers = _headers(document)
    for key, title in document.sections:
        lines += [f"**{key}. {_md(title)}**", ""]
        lines.append(_md_row(headers))
        lines.append(_md_row(["---"] * len(headers)))
        lines.append(_md_row([""] + [_md(t[3]) for t in TEMPLATE[1:]]))
        for row in document.rows.get(key, []):
            values = cell_values(document, row)
            lines.append(_md_row([_md_cell(values[column]) for column, *_ in TEMPLATE]))
        lines.append("")
    for mark, note in document.footnotes:
        lines += [f"{_mark(mark)} {_md(note)}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def render_markdown(store: GraphStore) -> str:
    """Every programme of the store as a work-programme document (one after another)."""
    return "\n---\n\n".join(programme_markdown(d) for d in collect(store))


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; font-size: 0.8rem; width: 100%; }
th, td { border: 1px solid #999; padding: 0.3rem; vertical-align: top; text-align: left; }
th { background: #e8e8e8; } tr.legend td { font-style: italic; color: #555; }
td.status { color: #fff; font-weight: bold; }
td p { margin: 0 0 0.4rem 0; } .footnotes { font-size: 0.8rem; margin-top: 2rem; }
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def programme_html_body(document: ProgrammeDocument) -> str:
    info = document.info
    parts = [f"<h1>{_h(info.title)}</h1>"]
    if info.doc_reference:
        parts.append(f"<p>Annex to {_h(info.doc_reference)}</p>")
    headers = "".join(f"<th scope='col'>{_h(h)}</th>" for h in _headers(document))
    legend = "<td></td>" + "".join(f"<td>{_h(t[3])}</td>" for t in TEMPLATE[1:])
    for key, title in document.sections:
        parts.append(f"<h2>{_h(key)}. {_h(title)}</h2>")
        parts.append(f"<table><thead><tr>{headers}</tr></thead><tbody>")
        parts.append(f"<tr class='legend'>{legend}</tr>")
        for row in document.rows.get(key, []):
            values = cell_values(document, row)
            cells = []
            for column, *_ in TEMPLATE:
                paragraphs = values[column]
                content = (
                    _h(paragraphs[0])
                    if len(paragraphs) == 1
                    else "".join(f"<p>{_h(p)}</p>" for p in paragraphs)
                )
                if column == "completion_status":
                    colour = document.colours.get(row.status, ("", "#777777"))[1] or "#777777"
                    cells.append(
                        f"<td class='status' style='background-color: {_h(colour)}'>{content}</td>"
                    )
                else:
                    cells.append(f"<td>{content}</td>")
            parts.append(f"<tr id='{_h(row.id)}' data-iri='{_h(row.iri)}'>{''.join(cells)}</tr>")
        parts.append("</tbody></table>")
    if document.footnotes:
        parts.append("<div class='footnotes'>")
        parts += [f"<p><sup>{_h(m)}</sup> {_h(n)}</p>" for m, n in document.footnotes]
        parts.append("</div>")
    return "\n".join(parts)


def render_html(store: GraphStore) -> str:
    """Every programme as one HTML page; the schema.org JSON-LD of the programme is embedded."""
    from wcokg.export.schemaorg import schemaorg_document

    documents = collect(store)
    title = documents[0].info.title if len(documents) == 1 else "WCO work programmes"
    data = json.dumps(schemaorg_document(store), ensure_ascii=False).replace("</", "<\\/")
    body = "\n<hr>\n".join(programme_html_body(d) for d in documents)
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_h(title)}</title><style>{_CSS}</style>"
        f"<script type='application/ld+json'>{data}</script></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )
