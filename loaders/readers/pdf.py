"""Reader of a PDF work programme printed with its tracked changes shown (a text layer needed).

pypdfium2 (PDFium) gives every glyph with its box and baseline and every drawn shape
(loaders/readers/pdfpage.py); horizontal lines whose ends meet vertical rules are ruling lines and
cut the tables into cells. Then, by general rules on the drawing, never on one file's positions:

- a glyph is in the cell whose box holds its centre; a cell's glyphs are grouped into lines by
  baseline, spaced where the gap between glyphs is wider than 0.15 em, and into paragraphs where
  the gap between lines is wider than 0.6 em; a line ending in a hyphen after a letter or digit
  joins the next line without a space;
- a thin horizontal line across a glyph between its baseline and its top half is a strike-through
  (a deletion); one just under the baseline an underline (an insertion); colour is not used;
- text outside the tables is read line by line, close lines making one paragraph; a line found at
  the same height on two or more pages (digits aside) is page furniture (running header or
  footer), and so is a run of text drawn across a table's vertical rules: it is taken out of the
  flow and offered once at the end (so the document code is still found);
- a table row at the top of a page whose No. cell is empty continues the last row of the previous
  page; its first paragraph joins the last one there unless that one ended a sentence.

Lines are blocks: each text line outside the tables and each table row (one per page it is on),
numbered from 1 in reading order across the pages. A PDF without a text layer (a scan), an
encrypted PDF and a corrupt PDF are refused with one line.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wcokg.errors import SourceFormatError
from wcokg.loaders.document import Block, Document, assemble, header_columns, plain
from wcokg.loaders.readers.markup import Kind, Run, cell_markup, current_text
from wcokg.loaders.readers.pdfpage import Glyph, Page, read_page

Progress = Callable[[int, int], None]
"""Called with (pages read, pages in all) after every page."""

_SENTENCE_END = re.compile(r"[.!?:;]\s*$")
_HYPHEN_END = re.compile(r"\w-$")
_DIGITS = re.compile(r"\d+")
_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)


@dataclass
class _Line:
    baseline: float
    top: float
    bottom: float
    size: float
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)


def _kind(glyph: Glyph, strokes: list[tuple[float, float, float]]) -> Kind:
    """Deletion if a stroke crosses the glyph above its baseline, insertion if one runs just
    under it, else kept."""
    size, baseline = glyph.size, glyph.baseline
    x0, x1 = glyph.x0, glyph.x1
    width = max(x1 - x0, 0.1)
    kind: Kind = ""
    for s0, s1, middle in strokes:
        if min(x1, s1) - max(x0, s0) < 0.5 * width:
            continue
        offset = (middle - baseline) / size  # positive below the baseline
        if -0.65 < offset < -0.1:
            return "del"
        if -0.1 <= offset < 0.35:
            kind = "ins"
    return kind


def _lines(glyphs: list[Glyph], strokes: list[tuple[float, float, float]]) -> list[_Line]:
    """Glyphs grouped into lines by baseline, each line's runs in reading order with spaces."""
    lines: list[_Line] = []
    members: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: g.baseline):
        if not lines or glyph.baseline - lines[-1].baseline > 0.3 * glyph.size:
            lines.append(_Line(glyph.baseline, glyph.top, glyph.bottom, glyph.size))
            members.append([])
        line = lines[-1]
        line.top, line.bottom = min(line.top, glyph.top), max(line.bottom, glyph.bottom)
        members[-1].append(glyph)
    for line, group in zip(lines, members, strict=True):
        near = [s for s in strokes if -line.size < s[2] - line.baseline < 0.5 * line.size]
        line.runs = _spaced(sorted(group, key=lambda g: g.x0), near)
    return lines


def _spaced(glyphs: list[Glyph], strokes: list[tuple[float, float, float]]) -> list[Run]:
    """A line's glyphs as runs, a space wherever the gap is wider than a sixth of the size."""
    runs: list[Run] = []
    previous: Glyph | None = None
    for glyph in glyphs:
        if previous is not None and glyph.x0 - previous.x1 > 0.15 * glyph.size:
            runs.append((" ", ""))
        runs.append((glyph.text.translate(_LIGATURES), _kind(glyph, strokes)))
        previous = glyph
    return runs


def _paragraphs(lines: list[_Line]) -> list[list[Run]]:
    """Lines of one cell joined into paragraphs: a gap wider than 0.6 em starts one."""
    paragraphs: list[list[Run]] = []
    last: _Line | None = None
    for line in lines:
        if not line.text.strip():
            continue
        if last is None or line.top - last.bottom > 0.6 * line.size:
            paragraphs.append(list(line.runs))
        else:
            _join(paragraphs[-1], line.runs)
        last = line
    return paragraphs


def _join(paragraph: list[Run], runs: list[Run]) -> None:
    """Append a line (or a continued paragraph) to a paragraph, across a wrap or hyphen."""
    tail = ""
    for text, _kind in reversed(paragraph):  # the last two visible characters are enough
        tail = text + tail
        if len(tail.rstrip()) >= 2:
            break
    if not _HYPHEN_END.search(tail.rstrip()):
        paragraph.append((" ", ""))
    paragraph.extend(runs)


@dataclass
class _TableRow:
    cells: list[list[list[Run]]]  # cells of paragraphs of runs

    def markup(self) -> list[str]:
        return [cell_markup(c) for c in self.cells]


def _page_items(page: Page) -> tuple[list[tuple[float, _Line | _TableRow]], list[_Line]]:
    """A page's table rows (top, row) and its loose text lines."""
    items: list[tuple[float, _Line | _TableRow]] = []
    for row in page.rows:
        cells = [_paragraphs(_lines(cell.glyphs, page.strokes)) for cell in row.cells]
        items.append((row.top, _TableRow(cells)))
    lines = [ln for ln in _lines(page.loose, page.strokes) if ln.text.strip()]
    return items, lines


def _furniture(pages: list[list[_Line]]) -> set[tuple[int, int]]:
    """(page, line index) of loose lines repeated at the same height on two or more pages."""
    seen: Counter[tuple[str, int]] = Counter()
    keys: dict[tuple[int, int], tuple[str, int]] = {}
    for p, lines in enumerate(pages):
        for i, line in enumerate(lines):
            key = (_DIGITS.sub("#", plain(line.text)), round(line.baseline / 3))
            keys[(p, i)] = key
            seen[key] += 1
    return {where for where, key in keys.items() if seen[key] >= 2}


def _merge(row: _TableRow, into: _TableRow) -> None:
    """A row continued on the next page: its cells' paragraphs appended to the row it continues."""
    for target, fragment in zip(into.cells, row.cells, strict=False):
        if not fragment:
            continue
        if target and not _SENTENCE_END.search(current_text(target[-1])):
            _join(target[-1], fragment[0])
            target.extend(fragment[1:])
        else:
            target.extend(fragment)


def _open(path: Path) -> Any:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise SourceFormatError(
                str(path), "expected an unprotected PDF, got an encrypted (password-protected) one"
            ) from None
        raise SourceFormatError(
            str(path), f"expected a PDF work programme, got a corrupt PDF ({error})"
        ) from None


def _flow(
    pages_items: list[list[tuple[float, _Line | _TableRow]]], pages_lines: list[list[_Line]]
) -> tuple[list[_Line | _TableRow], list[str]]:
    """The document's lines and table rows in reading order, page furniture taken out (and
    returned once each), rows split by a page break merged."""
    furniture = _furniture(pages_lines) if len(pages_lines) > 1 else set()
    pending: list[_Line | _TableRow] = []
    furniture_text: list[str] = []
    last_row: _TableRow | None = None
    for p, (items, loose) in enumerate(zip(pages_items, pages_lines, strict=True)):
        flow: list[tuple[float, _Line | _TableRow]] = list(items)
        for i, line in enumerate(loose):
            text = current_text(line.runs).strip()
            if (p, i) in furniture:
                if text not in furniture_text:
                    furniture_text.append(text)
                continue
            flow.append((line.top, line))
        first_body_row = True
        for _top, item in sorted(flow, key=lambda t: t[0]):
            if isinstance(item, _Line):
                pending.append(item)
                last_row = None
                continue
            markup = item.markup()
            if not any(plain(c) for c in markup):
                continue  # a sliver between a ruling line and the end of the rules
            if header_columns(markup) is not None:
                pending.append(item)
                continue
            if first_body_row and last_row is not None and not plain(markup[0]):
                _merge(item, last_row)  # a row split by the page break
                first_body_row = False
                continue
            first_body_row = False
            pending.append(item)
            last_row = item
    return pending, furniture_text


def _blocks(
    pending: list[_Line | _TableRow], furniture: list[str]
) -> tuple[list[str], list[Block]]:
    """Lines (paragraphs made of close lines, table rows) and blocks; furniture at the end."""
    lines: list[str] = []
    blocks: list[Block] = []

    def add(text: str, cells: list[str] | None = None) -> None:
        lines.append(text)
        blocks.append(Block(len(lines), text, cells))

    previous_line: _Line | None = None
    paragraph: list[Run] = []
    for entry in [*pending, None]:
        wrapped = (
            isinstance(entry, _Line)
            and previous_line is not None
            and bool(paragraph)
            and 0 <= entry.top - previous_line.bottom <= 0.6 * entry.size
        )
        if wrapped and isinstance(entry, _Line):
            _join(paragraph, entry.runs)  # a wrapped line of the same paragraph
            previous_line = entry
            continue
        if paragraph:
            add(cell_markup([paragraph]))
            paragraph = []
        previous_line = None
        if entry is None:
            break
        if isinstance(entry, _Line):
            paragraph, previous_line = list(entry.runs), entry
        else:
            cells = entry.markup()
            add("| " + " | ".join(cells) + " |", cells)
    for text in furniture:
        add(text)
    return lines, blocks


def read(path: Path, progress: Progress | None = None) -> Document:
    """Read a PDF work programme (printed with its markup) into the shared row model.

    `progress`, when given, is called after each page. Raises SourceFormatError for an encrypted,
    corrupt or scanned (image-only) PDF, or one not in the template.
    """
    data = path.read_bytes()
    pdf = _open(path)
    pages_items: list[list[tuple[float, _Line | _TableRow]]] = []
    pages_lines: list[list[_Line]] = []
    has_text = False
    try:
        total = len(pdf)
        for index in range(total):
            page = pdf[index]
            try:
                found = read_page(page, index + 1)
            finally:
                page.close()
            has_text = (
                has_text or bool(found.loose) or any(c.glyphs for r in found.rows for c in r.cells)
            )
            items, loose_lines = _page_items(found)
            pages_items.append(items)
            pages_lines.append(loose_lines)
            if progress:
                progress(index + 1, total)
    finally:
        pdf.close()
    if not has_text:
        raise SourceFormatError(
            str(path),
            "expected a PDF with a text layer, got a scanned (image-only) PDF; "
            "run OCR on it or supply the .docx",
        )
    pending, furniture = _flow(pages_items, pages_lines)
    lines, blocks = _blocks(pending, furniture)
    return assemble(str(path), lines, blocks, hashlib.sha256(data).hexdigest())
