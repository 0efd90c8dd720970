"""Reader of a Word (.docx) work programme, tracked changes included.

python-docx opens the package (ZIP, relationships, parts) and gives the lxml tree of the body; the
revision marks are read from that tree, because python-docx's own paragraph text leaves tracked
insertions and deletions out:

- ``w:ins`` and ``w:moveTo`` runs are insertions, ``w:del`` (``w:delText``) and ``w:moveFrom``
  runs deletions;
- a table row whose ``w:trPr`` holds ``w:ins`` or ``w:del`` was inserted or deleted whole;
- in a document whose revisions were accepted into formatting, struck text (``w:strike``,
  ``w:dstrike``) is a deletion and underlined text (``w:u``) an insertion, whether the run is
  formatted directly or through a character style (as LibreOffice writes them).

Body paragraphs and table rows become blocks in document order (block n is `Document.lines[n-1]`,
so a row's "lines" are its block numbers); footnotes (``¹ text``) and the first section's running
header follow the body. Comments, field codes (``w:instrText``) and headers/footers are never cell
text. Superscript digits and footnote references become Unicode superscripts, the template's
footnote marks.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wcokg.errors import SourceFormatError
from wcokg.loaders.document import Block, Document, assemble
from wcokg.loaders.readers.markup import SUPERSCRIPT, Kind, Run, cell_markup, current_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_OFF = {"0", "false", "off", "none"}
_INSERTS = {f"{W}ins", f"{W}moveTo"}
_DELETES = {f"{W}del", f"{W}moveFrom"}


def _on(element: Any) -> bool:
    """Whether a toggle property (``<w:strike/>``, ``<w:u w:val="single"/>``) is set."""
    return element is not None and element.get(f"{W}val", "true").lower() not in _OFF


def _formatting(props: Any) -> Kind | None:
    """The revision a run-properties element's formatting stands for: strike-through a deletion,
    underline an insertion, None when it says nothing."""
    if props is None:
        return None
    strike = [props.find(f"{W}strike"), props.find(f"{W}dstrike")]
    if any(_on(e) for e in strike):
        return "del"
    underline = props.find(f"{W}u")
    if _on(underline):
        return "ins"
    if underline is not None or any(e is not None for e in strike):
        return ""  # switched off explicitly
    return None


def character_styles(document: Any) -> dict[str, Kind]:
    """Character styles whose formatting (own or inherited through w:basedOn) strikes or
    underlines text: style id -> "del" or "ins" (LibreOffice writes accepted revisions so)."""
    styles = {
        s.get(f"{W}styleId"): s
        for s in document.styles.element.iter(f"{W}style")
        if s.get(f"{W}type") == "character"
    }
    resolved: dict[str, Kind | None] = {}

    def kind_of(style_id: str, depth: int = 0) -> Kind | None:
        if style_id in resolved or style_id not in styles or depth > 20:
            return resolved.get(style_id)
        style = styles[style_id]
        own = _formatting(style.find(f"{W}rPr"))
        based = style.find(f"{W}basedOn")
        if own is None and based is not None:
            own = kind_of(based.get(f"{W}val", ""), depth + 1)
        resolved[style_id] = own
        return own

    found = {style_id: kind_of(style_id) for style_id in styles}
    return {k: v for k, v in found.items() if v}


def _run_kind(run: Any, stop: Any, row_kind: Kind, styles: dict[str, Kind]) -> Kind:
    """What the revision did to a run: from its ancestors up to `stop`, its row, its formatting
    (direct, or through its character style)."""
    if row_kind == "del":
        return "del"
    kind: Kind = row_kind
    node = run.getparent()
    while node is not None and node is not stop:
        if node.tag in _DELETES:
            return "del"
        if node.tag in _INSERTS:
            kind = "ins"
        node = node.getparent()
    props = run.find(f"{W}rPr")
    formatting = _formatting(props)
    if formatting is None and props is not None:
        style = props.find(f"{W}rStyle")
        formatting = styles.get(style.get(f"{W}val", "")) if style is not None else None
    if formatting == "del":
        return "del"
    return "ins" if formatting == "ins" else kind


def _run_text(run: Any) -> str:
    props = run.find(f"{W}rPr")
    align = props.find(f"{W}vertAlign") if props is not None else None
    superscript = align is not None and align.get(f"{W}val") == "superscript"
    parts: list[str] = []
    for child in run:
        tag = child.tag
        if tag in (f"{W}t", f"{W}delText"):
            text = child.text or ""
            parts.append(text.translate(SUPERSCRIPT) if superscript else text)
        elif tag == f"{W}tab":
            parts.append(" ")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{W}footnoteReference":
            parts.append(child.get(f"{W}id", "").translate(SUPERSCRIPT))
    return "".join(parts)


def _runs(paragraph: Any, styles: dict[str, Kind], row_kind: Kind = "") -> list[Run]:
    """The marked runs of one ``w:p``, in order (text boxes and fallbacks left out)."""
    runs: list[Run] = []
    for run in paragraph.iter(f"{W}r"):
        node, skip = run.getparent(), False
        while node is not None and node is not paragraph:
            if node.tag in (_MC_FALLBACK, f"{W}txbxContent"):
                skip = True
                break
            node = node.getparent()
        if not skip:
            runs.append((_run_text(run), _run_kind(run, paragraph, row_kind, styles)))
    return runs


def _row_kind(row: Any) -> Kind:
    props = row.find(f"{W}trPr")
    if props is None:
        return ""
    if props.find(f"{W}del") is not None:
        return "del"
    return "ins" if props.find(f"{W}ins") is not None else ""


def _row_cells(row: Any, styles: dict[str, Kind]) -> list[str]:
    """A ``w:tr``'s cells as markup; a cell spanning n grid columns is followed by n-1 empty ones."""
    kind = _row_kind(row)
    cells: list[str] = []
    for cell in row.iter(f"{W}tc"):
        if cell.getparent() is not row and cell.getparent().tag != f"{W}sdtContent":
            continue  # a cell of a nested table belongs to its own row
        paragraphs = [_runs(p, styles, kind) for p in cell.iter(f"{W}p")]
        cells.append(cell_markup(paragraphs))
        span = cell.find(f"{W}tcPr/{W}gridSpan")
        cells.extend([""] * (int(span.get(f"{W}val", "1")) - 1 if span is not None else 0))
    return cells


def _body_items(container: Any) -> Iterator[Any]:
    """Paragraphs and tables of a body, in order, looking inside content controls."""
    for child in container:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _body_items(content)


def _open(path: Path) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise SourceFormatError(
            str(path), f"expected a Word .docx work programme, got a corrupt package ({error})"
        ) from None
    except Exception as error:  # lxml's XMLSyntaxError and friends: a broken part
        raise SourceFormatError(
            str(path), f"expected a Word .docx work programme, got a broken document part ({error})"
        ) from None


def _footnotes(document: Any, styles: dict[str, Kind]) -> list[str]:
    """The footnotes' text as the template prints them (``¹ text``), separators left out."""
    for rel in document.part.rels.values():
        if rel.reltype != _FOOTNOTES_REL:
            continue
        from lxml import etree

        root = etree.fromstring(rel.target_part.blob)
        notes = []
        for note in root.iter(f"{W}footnote"):
            if note.get(f"{W}type") in ("separator", "continuationSeparator"):
                continue
            text = " ".join(
                current_text(_runs(p, styles)).strip() for p in note.iter(f"{W}p")
            ).strip()
            mark = note.get(f"{W}id", "").translate(SUPERSCRIPT)
            if text:
                notes.append(text if text.startswith(mark) else f"{mark} {text}")
        return notes
    return []


def _running_header(document: Any, styles: dict[str, Kind]) -> list[str]:
    """The first section's header paragraphs (document code, title), when it has a header."""
    sections = document.sections
    if not len(sections) or sections[0].header.is_linked_to_previous:
        return []
    header = sections[0].header._element
    return [t for t in (current_text(_runs(p, styles)).strip() for p in header.iter(f"{W}p")) if t]


def read(path: Path) -> Document:
    """Read a .docx work programme into the shared row model.

    Lines are blocks: each body paragraph and each table row, numbered from 1 in document order,
    then the footnotes and the running header. Raises SourceFormatError for a file that is not a
    readable .docx package or not a work programme in the template.
    """
    data = path.read_bytes()
    document = _open(path)
    lines: list[str] = []
    blocks: list[Block] = []

    def add(text: str, cells: list[str] | None = None) -> None:
        lines.append(text)
        blocks.append(Block(len(lines), text, cells))

    try:
        styles = character_styles(document)
        for item in _body_items(document.element.body):
            if item.tag == f"{W}p":
                add(current_text(_runs(item, styles)))
                continue
            for row in item.iter(f"{W}tr"):
                if row.getparent() is item:
                    cells = _row_cells(row, styles)
                    add("| " + " | ".join(cells) + " |", cells)
        for text in _footnotes(document, styles) + _running_header(document, styles):
            add(text)
    except (ValueError, KeyError) as error:
        raise SourceFormatError(
            str(path), f"expected a Word .docx work programme, got a broken document ({error})"
        ) from None
    return assemble(str(path), lines, blocks, hashlib.sha256(data).hexdigest())
