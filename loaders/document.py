"""Read a work-programme document: sections, footnotes, and table rows without page furniture.

The document is a Markdown rendering of a PDF: every page repeats the running header and the
table header, page breaks split rows (the rest of a cell comes back in a row with an empty No.
cell), and the legend and example rows sit inside the tables. Everything here works by general
rules on the template, never on positions in one particular file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wcokg.errors import SourceFormatError
from wcokg.loaders.records import Footnote, Row, Section

# Column keys, in the template's order, with the words that identify each header cell.
COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("number", ("no.", "no", "number")),
    ("priority", ("priority",)),
    ("strategic_link", ("link to the strategic plan",)),
    ("title", ("activities", "activity")),
    ("strategic_codes", ("wco strategic plan", "strategic plan")),
    ("task_type", ("type of task",)),
    ("responsible_bodies", ("responsible body", "responsible bodies")),
    ("team_resources", ("team resources",)),
    ("kpi", ("key performance indicators", "key performance indicator")),
    ("timeline", ("timeline",)),
    ("progress", ("progress",)),
    ("completion_status", ("completion status",)),
)
REQUIRED_COLUMNS = {"number", "title", "responsible_bodies", "timeline"}

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")
_SECTION_RE = re.compile(
    r"(?:^|\*\*|\s)([IVX]{1,4})\.\s*(?:\*\*)?\s*(Activities\b[^*|]*?)\s*(?:\*\*|$)", re.IGNORECASE
)
_FOOTNOTE_RE = re.compile(rf"^\s*([{SUPERSCRIPTS}]+|\^[a-z])\s+(\S.*)$")
_HEADER_MARK_RE = re.compile(rf"\s*(?:[{SUPERSCRIPTS}]+|\^[a-z0-9]+)\s*")
_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-*:?\s*)*\|?\s*$")
_CELL_SPLIT_RE = re.compile(r"(?<!\\)\|")
_EXAMPLE_RE = re.compile(r"\bexample\b", re.IGNORECASE)
_TAG_RE = re.compile(r"</?(?:p|u|s|del|ins|br)\s*/?>", re.IGNORECASE)


@dataclass
class Document:
    """What the table reader found: title lines, sections, footnotes and the activity rows."""

    path: str
    lines: list[str]
    title: str
    doc_reference: str | None
    sections: list[Section]
    footnotes: dict[str, Footnote]
    header_marks: dict[str, dict[str, tuple[str, ...]]]
    rows: list[Row]
    skipped: list[tuple[int, str]] = field(default_factory=list)


def split_cells(line: str) -> list[str]:
    """Cells of one Markdown table line, verbatim but for the outer whitespace."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [c.strip() for c in _CELL_SPLIT_RE.split(body)]


def plain(text: str) -> str:
    """Text of a cell without tags, marks and extra spaces, for recognising headers and legends."""
    text = _TAG_RE.sub(" ", text).replace("\u00a0", " ").replace("**", "")
    return re.sub(r"\s+", " ", text).strip()


def header_columns(cells: list[str]) -> tuple[list[str], dict[str, tuple[str, ...]]] | None:
    """Column keys of a header row and the footnote marks on each header, or None if not a header."""
    keys: list[str] = []
    marks: dict[str, tuple[str, ...]] = {}
    for cell in cells:
        text = _HEADER_MARK_RE.sub(" ", plain(cell)).strip().casefold()
        key = next(
            (k for k, words in COLUMNS if any(text == w or text.startswith(w) for w in words)),
            None,
        )
        if key is None or key in keys:
            return None
        keys.append(key)
        raw_marks = re.findall(rf"[{SUPERSCRIPTS}]+|\^[a-z0-9]+", cell)
        marks[key] = tuple(m.translate(_SUPER_TO_DIGIT).lstrip("^") for m in raw_marks)
    return (keys, marks) if set(keys) >= REQUIRED_COLUMNS else None


def _is_legend(cells: dict[str, str]) -> bool:
    """The template's legend row: no number, and its cells ask the questions of each column."""
    texts = [plain(v) for k, v in cells.items() if k != "number" and plain(v)]
    return bool(texts) and sum(t.endswith("?") or "?" in t for t in texts) >= len(texts) / 2


def read_document(path: str, text: str) -> Document:
    """Parse the document text into sections, footnotes and rows; raise SourceFormatError if the
    text is not a work programme in the expected template."""
    if "\x00" in text:
        raise SourceFormatError(path, "expected a text (Markdown) work programme, got binary data")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise SourceFormatError(path, "expected a work programme, got an empty file")

    sections: list[Section] = []
    footnotes: dict[str, Footnote] = {}
    header_marks: dict[str, dict[str, tuple[str, ...]]] = {}
    rows: list[Row] = []
    skipped: list[tuple[int, str]] = []
    title = ""
    doc_reference: str | None = None
    current: Section | None = None
    columns: list[str] | None = None

    for index, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped.startswith("|"):
            if not stripped:
                continue
            heading = _SECTION_RE.search(stripped)
            if heading:
                if not title and heading.start() > 0:
                    title = plain(stripped[: heading.start()]).strip("* ")
                key = heading.group(1).upper()
                heading_text = plain(heading.group(2)).strip("* ")
                current = Section(key, heading_text, "continuous" in heading_text.casefold())
                sections.append(current)
                continue
            note = _FOOTNOTE_RE.match(stripped)
            if note:
                mark = note.group(1).translate(_SUPER_TO_DIGIT).lstrip("^")
                footnotes.setdefault(mark, Footnote(mark, plain(note.group(2)), index))
                continue
            ref = re.search(r"\bDoc\.\s*([A-Z]{1,4}\s?\d{2,}[A-Za-z0-9.]*)", stripped)
            if ref and doc_reference is None:
                doc_reference = ref.group(1).replace(" ", "")
            if not title and current is None:
                title = plain(stripped).strip("* ")
            continue

        if _SEPARATOR_RE.match(stripped):
            continue
        cells = split_cells(stripped)
        header = header_columns(cells)
        if header is not None:
            columns, marks = header
            if current is not None:
                merged = header_marks.setdefault(current.key, {})
                for k, m in marks.items():
                    merged[k] = tuple(dict.fromkeys(merged.get(k, ()) + m))
            continue
        if not any(plain(c) for c in cells):
            continue  # a blank header row: the table goes on with the columns it had
        if current is None or columns is None:
            skipped.append((index, "table row before any section heading and table header"))
            continue
        if len(cells) != len(columns):
            raise SourceFormatError(
                path,
                f"line {index}: expected a table row of {len(columns)} cells as in the header, "
                f"got {len(cells)} (truncated or broken table?)",
            )
        row_cells = dict(zip(columns, cells, strict=True))
        number = plain(row_cells.get("number", ""))
        if _EXAMPLE_RE.search(number):
            skipped.append((index, "example row"))
            continue
        if not number:
            if _is_legend(row_cells):
                skipped.append((index, "legend row"))
                continue
            if rows and rows[-1].section == current.key:
                _merge_continuation(rows[-1], row_cells, index, line)
            else:
                skipped.append((index, "row without a number and no activity to continue"))
            continue
        rows.append(Row(current.key, row_cells, index, index, [line], []))

    if not sections:
        raise SourceFormatError(
            path,
            "expected a work programme with section headings such as "
            "'I. Activities undertaken within a specific timeframe'",
        )
    if not rows:
        raise SourceFormatError(
            path, "expected activity tables with a header row (No. | Priority ranking | …)"
        )
    empty = [s.key for s in sections if not any(r.section == s.key for r in rows)]
    if empty:
        raise SourceFormatError(
            path, f"section {', '.join(empty)} has no activity rows (truncated document?)"
        )
    return Document(
        path=path,
        lines=lines,
        title=title,
        doc_reference=doc_reference,
        sections=sections,
        footnotes=footnotes,
        header_marks=header_marks,
        rows=rows,
        skipped=skipped,
    )


def _merge_continuation(row: Row, cells: dict[str, str], index: int, line: str) -> None:
    """Append the cells of a row split by a page break to the activity it continues."""
    for key, value in cells.items():
        if plain(value):
            previous = row.cells.get(key, "")
            row.cells[key] = f"{previous}\n{value}" if plain(previous) else value
    row.line_end = index
    row.raw_lines.append(line)
    row.continuation_lines.append(index)
