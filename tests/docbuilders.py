"""Fixture builders: a work programme described in Python (or read from the bundled Markdown)
written as a Word file with tracked changes, as HTML, and as a PDF printed from that HTML by
headless Chromium. Nothing here is a hand-edited binary.

A description is a list of blocks: a string is a body paragraph, a :class:`Table` a table. Cell
text uses a small markup: ``<p>`` paragraphs, ``<br>`` line breaks, and revision marks written as
Word writes them --

- ``<u>…</u>`` tracked insertion (``w:ins``), ``<del>…</del>`` tracked deletion (``w:del``),
- ``<mt>…</mt>`` / ``<mf>…</mf>`` tracked move to / from (``w:moveTo`` / ``w:moveFrom``),
- ``<uf>…</uf>`` / ``<strike>…</strike>`` / ``<dstrike>…</dstrike>`` revisions accepted into
  formatting (``w:u``, ``w:strike``, ``w:dstrike``);

and, in Word only, ``<fn>N</fn>`` a reference to footnote N (``Description.footnotes``) and
``<field>INSTRUCTION</field>`` a field whose code is INSTRUCTION and whose shown result is ``1``.

In HTML and PDF, insertions are underlined (``<ins>``) and deletions struck (``<del>``).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
import docx.document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from wcokg.loaders.readers.markdown import split_cells

HEADER = [
    "No.", "Priority ranking", "Link to the Strategic Plan ¹", "Activities", "WCO Strategic Plan ³",
    "Type of task associated", "Responsible body", "Team resources",
    "Key Performance Indicators", "Timeline", "Progress", "Completion status",
]  # fmt: skip
_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-*:?\s*)*\|?\s*$")
_TOKEN = re.compile(
    r"<\s*(/?)\s*(p|u|del|mt|mf|uf|strike|dstrike|br|fn|field)\s*/?>", re.IGNORECASE
)


@dataclass
class Row:
    """A table row: its cells in markup and, for a whole row inserted or deleted, ``ins``/``del``
    (in Word a ``w:trPr`` mark; with `runs_too` its runs are marked as well, as Word does when
    the row's text was typed with tracking on)."""

    cells: list[str]
    kind: str = ""
    runs_too: bool = False


@dataclass
class Table:
    rows: list[Row]
    header_rows: int = 1


@dataclass
class Description:
    blocks: list[str | Table]
    running_header: list[str] = field(default_factory=list)
    footnotes: dict[str, str] = field(default_factory=dict)


def activity(number: str, title: str, **cells: str) -> list[str]:
    """A row of the template: number and title given, the other cells defaulted or overridden."""
    values = {
        "priority": "A", "link": "Y", "codes": "SP1", "task": "Maintenance",
        "bodies": "PTC, Council", "resources": "One officer from the Facilitation Sub-Directorate",
        "kpi": "Guidance adopted", "timeline": "Spring 2024 (PTC)", "progress": "In progress.",
        "status": "",
    } | cells  # fmt: skip
    return [
        number, values["priority"], values["link"], title, values["codes"], values["task"],
        values["bodies"], values["resources"], values["kpi"], values["timeline"],
        values["progress"], values["status"],
    ]  # fmt: skip


def from_markdown(text: str) -> Description:
    """The Markdown rendering as a description: its lines as paragraphs, its tables as tables,
    marking only what the Markdown marks (``<u>`` insertions)."""
    blocks: list[str | Table] = []
    table: Table | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("|"):
            table = None
            if stripped:
                blocks.append(stripped)
            continue
        if _SEPARATOR.match(stripped):
            continue
        if table is None:
            table = Table([])
            blocks.append(table)
        table.rows.append(Row(split_cells(stripped)))
    return Description(blocks)


def parse_markup(cell: str) -> list[list[tuple[str, str]]]:
    """Paragraphs of (text, mark) runs of a cell in the builders' markup; mark is the innermost
    revision tag or ``""``; ``\\n`` is a line break."""
    paragraphs: list[list[tuple[str, str]]] = [[]]
    marks: list[str] = []
    pos = 0

    def add(text: str) -> None:
        text = html.unescape(text.replace("\\|", "|"))
        if text:
            paragraphs[-1].append((text, marks[-1] if marks else ""))

    for m in _TOKEN.finditer(cell):
        add(cell[pos : m.start()])
        pos = m.end()
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name == "p":
            paragraphs.append([])
        elif name == "br":
            paragraphs[-1].append(("\n", marks[-1] if marks else ""))
        elif closing:
            if marks:
                marks.pop()
        else:
            marks.append(name)
    add(cell[pos:])
    return [p for p in paragraphs if "".join(t for t, _ in p).strip()]


# -- Word --------------------------------------------------------------------------------------

_REVISION_ID = iter(range(1, 10**9))


def _revision(tag: str) -> OxmlElement:
    element = OxmlElement(tag)
    element.set(qn("w:id"), str(next(_REVISION_ID)))
    element.set(qn("w:author"), "Secretariat")
    element.set(qn("w:date"), "2025-01-15T10:00:00Z")
    if tag in ("w:moveFrom", "w:moveTo"):
        element.set(qn("w:name"), "move1")
    return element


def _run(text: str, mark: str) -> OxmlElement:
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    formatting = {"uf": "w:u", "strike": "w:strike", "dstrike": "w:dstrike"}.get(mark)
    if formatting:
        prop = OxmlElement(formatting)
        if formatting == "w:u":
            prop.set(qn("w:val"), "single")
        props.append(prop)
        run.append(props)
    deleted = mark in ("del", "mf")
    for i, piece in enumerate(text.split("\n")):
        if i:
            run.append(OxmlElement("w:br"))
        if piece:
            t = OxmlElement("w:delText" if deleted else "w:t")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = piece
            run.append(t)
    wrapper = {"u": "w:ins", "del": "w:del", "mt": "w:moveTo", "mf": "w:moveFrom"}.get(mark)
    if wrapper:
        outer = _revision(wrapper)
        outer.append(run)
        return outer
    return run


def _field_runs(instruction: str) -> list[OxmlElement]:
    """A complex field: begin, the code (w:instrText), separate, the result ``1``, end."""
    runs = []
    for kind, text in (("begin", ""), ("", instruction), ("separate", ""), ("", "1"), ("end", "")):
        run = OxmlElement("w:r")
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run.append(char)
        else:
            t = OxmlElement("w:instrText" if text == instruction else "w:t")
            t.text = text
            run.append(t)
        runs.append(run)
    return runs


def _fill(paragraph: OxmlElement, runs: list[tuple[str, str]]) -> None:
    for text, mark in runs:
        if mark == "fn":
            run = OxmlElement("w:r")
            props = OxmlElement("w:rPr")
            align = OxmlElement("w:vertAlign")
            align.set(qn("w:val"), "superscript")
            props.append(align)
            reference = OxmlElement("w:footnoteReference")
            reference.set(qn("w:id"), text)
            run.extend([props, reference])
            paragraph.append(run)
        elif mark == "field":
            paragraph.extend(_field_runs(text))
        else:
            paragraph.append(_run(text, mark))


_FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _add_footnotes(document: docx.document.Document, notes: dict[str, str]) -> None:
    """A footnotes part (separators and the notes) related to the main document part."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    body = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {html.escape(text)}</w:t></w:r>'
        f"</w:p></w:footnote>"
        for n, text in notes.items()
    )
    xml = (
        f'<w:footnotes xmlns:w="{_W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        f"{body}</w:footnotes>"
    )
    package = document.part.package
    part = Part(PackURI("/word/footnotes.xml"), _FOOTNOTES_TYPE, xml.encode(), package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)


def write_docx(description: Description, path: Path) -> Path:
    """Write the description as a .docx with tracked changes (python-docx + its lxml tree)."""
    document = docx.Document()
    section = document.sections[0]  # A4 landscape, small type: twelve columns fit
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(12)
    document.styles["Normal"].font.size = Pt(7)
    body = document.element.body
    for block in description.blocks:
        if isinstance(block, str):
            paragraph = document.add_paragraph()._p
            for runs in parse_markup(block)[:1]:
                _fill(paragraph, runs)
            continue
        width = max(len(r.cells) for r in block.rows)
        table = document.add_table(rows=0, cols=width)
        table.style = "Table Grid"  # ruled, as the template is
        for row in block.rows:
            cells = table.add_row().cells
            tr = cells[0]._tc.getparent()
            if row.kind:
                tr.get_or_add_trPr().append(_revision("w:ins" if row.kind == "ins" else "w:del"))
            for cell, text in zip(cells, row.cells, strict=False):
                paragraphs = parse_markup(text)
                first = cell.paragraphs[0]._p
                if row.kind and row.runs_too:
                    mark = "u" if row.kind == "ins" else "del"
                    paragraphs = [[(t, m or mark) for t, m in runs] for runs in paragraphs]
                for i, runs in enumerate(paragraphs):
                    target = first if i == 0 else cell.add_paragraph()._p
                    _fill(target, runs)
    if description.footnotes:
        _add_footnotes(document, description.footnotes)
    if description.running_header:
        header = document.sections[0].header
        header.is_linked_to_previous = False
        header.paragraphs[0].text = description.running_header[0]
        for line in description.running_header[1:]:
            header.add_paragraph(line)
    assert body is not None
    document.save(str(path))
    return path


# -- HTML and PDF ------------------------------------------------------------------------------

_HTML_TAGS = {"u": "ins", "mt": "ins", "uf": "ins", "del": "del", "mf": "del", "strike": "del"}
_HTML_TAGS["dstrike"] = "del"
_STYLE = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.75pt solid #000; padding: 4pt; vertical-align: top; text-align: left; }
td p, th p { margin: 0 0 6pt 0; }
del { text-decoration: line-through; color: #c00000; }
ins { text-decoration: underline; color: #0000c0; }
"""


def _html_cell(cell: str) -> str:
    parts = []
    for runs in parse_markup(cell):
        spans = []
        for text, mark in runs:
            body = html.escape(text).replace("\n", "<br>")
            tag = _HTML_TAGS.get(mark)
            spans.append(f"<{tag}>{body}</{tag}>" if tag else body)
        parts.append(f"<p>{''.join(spans)}</p>")
    return "".join(parts)


def to_html(description: Description, overlay: str = "") -> str:
    """The description as a printable HTML page: tables with their header rows in ``<thead>``
    (repeated by the browser on every page), insertions in ``<ins>``, deletions in ``<del>``; the
    running header lines are the page's title, which Chromium prints at the top of every page.
    `overlay` is a line printed by a fixed element at the top of every page's content area, so
    over the table where a table runs on from the previous page."""
    title = html.escape(" ".join(description.running_header))
    out = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{_STYLE}</style></head><body>"
    ]
    if overlay:
        style = "position: fixed; top: 0; right: 0; font-size: 9pt"
        out.append(f"<div style='{style}'>{html.escape(overlay)}</div>")
    for block in description.blocks:
        if isinstance(block, str):
            out.append(_html_cell(block) or "<p></p>")
            continue
        out.append("<table><thead>")
        for i, row in enumerate(block.rows):
            if i == block.header_rows:
                out.append("</thead><tbody>")
            tag = "th" if i < block.header_rows else "td"
            cells = [f"<del>{c}</del>" if row.kind == "del" else c for c in row.cells]
            cells = [f"<u>{c}</u>" if row.kind == "ins" else c for c in cells]
            out.append("<tr>" + "".join(f"<{tag}>{_html_cell(c)}</{tag}>" for c in cells) + "</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out)


def print_pdf(page: str, path: Path, *, furniture: bool = True) -> Path:
    """Print an HTML page to PDF with headless Chromium (A4 landscape via CSS). With `furniture`,
    Chromium adds its own running header (date, title) and footer (file URL, page numbers)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise RuntimeError("headless Chromium is needed to print the PDF fixtures")
    page = page.replace("</style>", "@page { size: A4 landscape; margin: 15mm; }</style>", 1)
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "programme.html"
        source.write_text(page, encoding="utf-8")
        flags = [] if furniture else ["--no-pdf-header-footer"]
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                f"--user-data-dir={work}/profile",
                *flags,
                f"--print-to-pdf={path}",
                source.as_uri(),
            ],  # fmt: skip
            check=True,
            capture_output=True,
            timeout=120,
        )
    return path
