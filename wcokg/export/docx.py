"""A revision of the work programme as a Word document, with the differences from an earlier
revision as real tracked changes (`wcokg export docx [--from REV] [--to REV]`, `/export/docx`).

The document is the template of the annex (wcokg/export/document.py): landscape pages, the
document code and title in the page header, each section with its twelve-column table (header row
repeated on every page, legend row), the footnotes after the tables. By default the newest
revision (the draft of edits included) is written against the one before; a revision given
alone (`--to`), or a programme with one revision, is written clean. With an earlier one, rows are aligned by activity identity (IRI) and the differences are
tracked changes (OOXML `w:ins`/`w:del`, author "wcokg"):
- a cell that changed: word-level deleted and inserted runs (wcokg.worddiff), paragraph by
  paragraph; when the number of paragraphs differs, the surplus ones are deleted or inserted
  with their paragraph marks; renumbered numbers are the old number deleted, the new inserted;
- an added activity: an inserted row (`w:trPr/w:ins`), all its text inserted;
- a struck-out activity, or one that moved to another place: a deleted row (`w:trPr/w:del`)
  where it was, all its text deleted (and, when moved, an inserted row where it is now);
so that Word's "Accept all" gives the later revision and "Reject all" the earlier one.

python-docx writes the package and the document skeleton (well kept, used by many; the
tracked-change elements it has no API for are built with its lxml-based `OxmlElement`).
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import count

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement as Element
from docx.shared import Cm, Pt
from docx.table import Table

from wcokg.errors import QueryError
from wcokg.export.document import (
    TEMPLATE,
    ProgrammeDocument,
    _headers,
    _mark,
    _section_key,
    cell_values,
    collect,
)
from wcokg.history import RevisionInfo, find_revision, list_revisions, pairs
from wcokg.store.base import GraphStore
from wcokg.table import ActivityRow
from wcokg.worddiff import word_diff

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AUTHOR = "wcokg"
Paragraphs = list[str]


@dataclass(frozen=True)
class _Row:
    """One table row of the tracked document: `old` and/or `new` (None when added / struck)."""

    old: ActivityRow | None
    new: ActivityRow | None


class _Marks:
    """Tracked-change elements with unique ids (OOXML wants one id per revision mark)."""

    def __init__(self) -> None:
        self._ids = count(1)

    def mark(self, kind: str) -> Element:
        element = OxmlElement(f"w:{kind}")
        element.set(qn("w:id"), str(next(self._ids)))
        element.set(qn("w:author"), AUTHOR)
        return element


def render_docx(store: GraphStore, start: str | None = None, end: str | None = None) -> bytes:
    """The later revision (`end`) with the changes from `start` tracked; `end` alone: that
    revision, clean. Neither: the newest revision of each programme (the draft of edits
    included) against the one before, clean for a programme with one revision. Raises
    QueryError for an unknown revision."""
    if start is None and end is None:
        found = pairs(list_revisions(store))
        if not found:
            return _render(store, None, None)
        if len(found) == 1:
            return _render(store, *found[0])
        new_docs: list[ProgrammeDocument] = []
        old_docs: dict[str, ProgrammeDocument] = {}
        for earlier, later in found:
            new_docs += _issued_as(collect(store, later.graphs), later)
            old_docs |= {d.info.id: d for d in collect(store, earlier.graphs)}
        return _write(new_docs, old_docs, tracked=True)
    revisions = list_revisions(store)
    if start is not None:
        return _render(store, *pairs(revisions, start, end)[0])
    return _render(store, None, find_revision(revisions, end or ""))


def _issued_as(docs: list[ProgrammeDocument], revision: RevisionInfo) -> list[ProgrammeDocument]:
    """The revision's programme, under the revision's own document code when it has one (a
    published draft, PC0800, is issued as Doc. PC0800, not under the code of the document its
    text was first read from), so the written file reads back as that revision."""
    return [
        replace(d, info=replace(d.info, doc_reference=f"Doc. {revision.code}"))
        if revision.code
        else d
        for d in docs
        if d.info.id == revision.programme
    ]


def _render(store: GraphStore, earlier: RevisionInfo | None, later: RevisionInfo | None) -> bytes:
    """`later` (None: the current view) with the changes from `earlier` (None: clean)."""
    new_docs = collect(store, later.graphs if later else ())
    if later is not None:
        new_docs = _issued_as(new_docs, later)
    old_docs = {d.info.id: d for d in collect(store, earlier.graphs)} if earlier is not None else {}
    if not new_docs:
        raise QueryError("no work programme to export (run `wcokg build` first)")
    return _write(new_docs, old_docs, tracked=earlier is not None)


def _write(
    new_docs: list[ProgrammeDocument], old_docs: dict[str, ProgrammeDocument], tracked: bool
) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(7)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.2))
    first = new_docs[0].info
    header = section.header.paragraphs[0]
    header.text = f"{first.doc_reference} · {first.title}".strip(" ·")
    marks = _Marks()
    for index, new in enumerate(new_docs):
        old = old_docs.get(new.info.id) if tracked else None
        if index:
            document.add_page_break()
        if new.info.doc_reference:
            document.add_paragraph(f"Annex to {new.info.doc_reference}")
        document.add_paragraph(new.info.title).runs[0].bold = True
        sections = dict(new.sections)
        if old is not None:
            sections = {**dict(old.sections), **sections}
        for key in sorted(sections, key=_section_key):
            document.add_paragraph(f"{key}. {sections[key]}").runs[0].bold = True
            rows = _aligned(old.rows.get(key, []) if old else None, new.rows.get(key, []))
            _table(document.add_table(rows=0, cols=len(TEMPLATE)), new, old, rows, marks)
            document.add_paragraph()
        for mark, note in new.footnotes:
            document.add_paragraph(f"{_mark(mark)} {note}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _aligned(old: list[ActivityRow] | None, new: list[ActivityRow]) -> list[_Row]:
    """Rows of both revisions in one sequence: the same activity (IRI) in the same place is one
    row; otherwise the earlier one is deleted where it was and the later one inserted."""
    if old is None:
        return [_Row(None, r) for r in new]
    matcher = difflib.SequenceMatcher(
        a=[r.iri for r in old], b=[r.iri for r in new], autojunk=False
    )
    rows: list[_Row] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [_Row(o, n) for o, n in zip(old[i1:i2], new[j1:j2], strict=True)]
            continue
        rows += [_Row(o, None) for o in old[i1:i2]]
        rows += [_Row(None, n) for n in new[j1:j2]]
    return rows


def _table(
    table: Table,
    new: ProgrammeDocument,
    old: ProgrammeDocument | None,
    rows: list[_Row],
    marks: _Marks,
) -> None:
    table.style = "Table Grid"
    heading = table.add_row()
    _repeat_header(heading._tr)
    for cell, text in zip(heading.cells, _headers(new), strict=True):
        _fill(cell._tc, [_paragraph([("equal", text)], bold=True)])
    legend = table.add_row()
    for cell, spec in zip(legend.cells, TEMPLATE, strict=True):
        _fill(cell._tc, [_paragraph([("equal", spec[3])], italic=True)])
    for row in rows:
        line = table.add_row()
        new_values = cell_values(new, row.new) if row.new else None
        # Clean (no earlier revision): each cell compared with itself, nothing tracked.
        old_values = cell_values(old, row.old) if old and row.old else None
        old_values = new_values if old is None else old_values
        if old is not None and (row.new is None or row.old is None):
            kind = "del" if row.new is None else "ins"
            _row_mark(line._tr, marks.mark(kind))
        for cell, (column, *_) in zip(line.cells, TEMPLATE, strict=True):
            before = old_values[column] if old_values else None
            after = new_values[column] if new_values else None
            _fill(cell._tc, list(_cell(before, after, marks)))


def _cell(before: Paragraphs | None, after: Paragraphs | None, marks: _Marks) -> Iterator[Element]:
    """The paragraphs of one cell: `before` (earlier revision) and `after` (later) tracked."""
    if before is None or after is None:  # a whole row deleted or inserted
        kind, paragraphs = ("delete", before) if after is None else ("insert", after)
        assert paragraphs is not None  # noqa: S101 (one of the two is given)
        for index, text in enumerate(paragraphs):
            mark = None if index == len(paragraphs) - 1 else ("del" if kind == "delete" else "ins")
            yield _paragraph([(kind, text)], marks=marks, mark=mark)
        return
    if before == after or len(before) == len(after):
        for old, new in zip(before, after, strict=True):
            yield _paragraph([(p.op, p.text) for p in word_diff(old, new)], marks=marks)
        return
    # Different paragraph counts: surplus paragraphs deleted / inserted with their marks, the
    # last ones share the cell's last paragraph mark (so Accept and Reject leave no empty one).
    for text in before[:-1]:
        yield _paragraph([("delete", text)], marks=marks, mark="del")
    for text in after[:-1]:
        yield _paragraph([("insert", text)], marks=marks, mark="ins")
    last = [(p.op, p.text) for p in word_diff(before[-1], after[-1])]
    yield _paragraph(last, marks=marks)


def _paragraph(
    pieces: list[tuple[str, str]],
    marks: _Marks | None = None,
    mark: str | None = None,
    bold: bool = False,
    italic: bool = False,
) -> Element:
    """A w:p of runs: `equal` text plain, `insert` in w:ins, `delete` in w:del (w:delText);
    `mark` ("ins" or "del") tracks the paragraph mark itself."""
    p = OxmlElement("w:p")
    if mark is not None and marks is not None:
        properties = OxmlElement("w:pPr")
        run_properties = OxmlElement("w:rPr")
        run_properties.append(marks.mark(mark))
        properties.append(run_properties)
        p.append(properties)
    for op, text in pieces:
        if not text:
            continue
        run = _run(text, deleted=op == "delete", bold=bold, italic=italic)
        if op == "equal" or marks is None:
            p.append(run)
            continue
        wrapper = marks.mark("del" if op == "delete" else "ins")
        wrapper.append(run)
        p.append(wrapper)
    return p


def _run(text: str, deleted: bool, bold: bool, italic: bool) -> Element:
    run = OxmlElement("w:r")
    if bold or italic:
        properties = OxmlElement("w:rPr")
        if bold:
            properties.append(OxmlElement("w:b"))
        if italic:
            properties.append(OxmlElement("w:i"))
        run.append(properties)
    body = OxmlElement("w:delText" if deleted else "w:t")
    body.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    body.text = text
    run.append(body)
    return run


def _fill(tc: Element, paragraphs: list[Element]) -> None:
    """Replace a cell's paragraphs (a cell keeps at least one)."""
    for p in tc.findall(qn("w:p")):
        tc.remove(p)
    for p in paragraphs or [OxmlElement("w:p")]:
        tc.append(p)


def _row_properties(tr: Element) -> Element:
    properties = tr.find(qn("w:trPr"))
    if properties is None:
        properties = OxmlElement("w:trPr")
        tr.insert(1 if tr.find(qn("w:tblPrEx")) is not None else 0, properties)
    return properties


def _repeat_header(tr: Element) -> None:
    _row_properties(tr).append(OxmlElement("w:tblHeader"))


def _row_mark(tr: Element, mark: Element) -> None:
    _row_properties(tr).append(mark)
