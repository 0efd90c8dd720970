"""The shared row model of a work-programme document, and the rules that turn a reader's blocks
into sections, footnotes and activity rows.

Every reader (loaders/readers/{markdown,docx,pdf}.py) turns its format into a sequence of
:class:`Block` records, one per paragraph or table row, in document order; :func:`assemble` then
applies the template's rules, the same for every format: section headings, footnotes, the running
header (document code, title), the table header recognised by its column names, legend and
example rows skipped, rows split by a page break (an empty No. cell) merged into the activity they
continue. Everything here works by general rules on the template, never on positions in one
particular file.

Cell text is a small markup shared by all readers (it is the Markdown rendering's own): ``<p>``
paragraphs, ``<br>`` line breaks, ``<u>``/``<ins>`` tracked insertions, ``<del>``/``<s>`` tracked
deletions, HTML entities and ``\\|`` escaped; loaders/cells.py reads it into current and previous
text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
_EXAMPLE_RE = re.compile(r"\bexample\b", re.IGNORECASE)
_TAG_RE = re.compile(r"</?(?:p|u|s|del|ins|br)\s*/?>", re.IGNORECASE)


@dataclass
class Document:
    """What a reader found: the document's lines (or blocks), title, sections, footnotes and the
    activity rows; `sha256` is the digest of the source as read (the file's bytes; for Markdown,
    of its decoded text in UTF-8)."""

    path: str
    lines: list[str]
    title: str
    doc_reference: str | None
    sections: list[Section]
    footnotes: dict[str, Footnote]
    header_marks: dict[str, dict[str, tuple[str, ...]]]
    rows: list[Row]
    sha256: str
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _only_reference(line: str, ref: re.Match[str]) -> bool:
    """Whether a line says nothing but the document reference ("Annex to Doc. PC0756"): such a
    line is not the programme's title."""
    rest = plain(line[: ref.start()] + line[ref.end() :])
    return not re.sub(r"(?i)\b(?:annex|[ivx]+|\d+|to)\b|[\s.·,:;()–-]", "", rest)


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


@dataclass(frozen=True)
class Block:
    """One paragraph or table row of a document, as a reader found it.

    `index` is the block's 1-based position in `Document.lines` (a Markdown line number; the n-th
    paragraph or table row of a Word or PDF file); `cells` holds a table row's cells in cell markup,
    None for a paragraph; `text` is the paragraph (markup allowed) or the row's line.
    """

    index: int
    text: str
    cells: list[str] | None = None


def assemble(path: str, lines: list[str], blocks: Iterable[Block], sha256: str) -> Document:
    """Apply the template's rules to a reader's blocks; raise SourceFormatError if they are not a
    work programme in the expected template (no section heading, no activity table, an empty
    section, a row with a different number of cells than its header)."""
    sections: list[Section] = []
    footnotes: dict[str, Footnote] = {}
    header_marks: dict[str, dict[str, tuple[str, ...]]] = {}
    rows: list[Row] = []
    skipped: list[tuple[int, str]] = []
    title = ""
    doc_reference: str | None = None
    current: Section | None = None
    columns: list[str] | None = None

    for block in blocks:
        index, stripped = block.index, block.text.strip()
        if block.cells is None:
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
            if not title and current is None and not (ref and _only_reference(stripped, ref)):
                title = plain(stripped).strip("* ")
            continue

        cells = block.cells
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
                _merge_continuation(rows[-1], row_cells, index, block.text)
            else:
                skipped.append((index, "row without a number and no activity to continue"))
            continue
        rows.append(Row(current.key, row_cells, index, index, [block.text], []))

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
        sha256=sha256,
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
