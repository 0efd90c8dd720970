"""Readers of work-programme documents: one module per format, each with ``read(path) -> Document``.

:func:`read` picks the reader by the file's suffix and checks its content: ``.docx`` must be a ZIP
(an encrypted Word file is an OLE container and is refused as such), ``.pdf`` must start as a PDF;
any other suffix is sniffed (a PDF or a ZIP is read as PDF or Word, anything else as Markdown).
Everything after the reader (normalising, linking, RDF) is shared by all formats.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from wcokg.errors import SourceFormatError
from wcokg.loaders.document import Document

Progress = Callable[[str], None]
"""Told, in a few words, how a long read is going (e.g. ``programme.pdf: page 10 of 44``)."""

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PDF = b"%PDF-"


def _head(path: Path) -> bytes:
    if not path.exists():
        raise SourceFormatError(str(path), "file not found (expected a work-programme document)")
    if path.is_dir():
        raise SourceFormatError(str(path), "is a folder (expected a work-programme document)")
    with path.open("rb") as handle:
        return handle.read(1024)


def format_of(path: Path) -> str:
    """``markdown``, ``docx`` or ``pdf`` for a source file; SourceFormatError when its suffix
    promises a format its content does not have (a .docx that is not a ZIP, a .pdf that is not a
    PDF, an encrypted Word file)."""
    head = _head(path)
    suffix = path.suffix.lower()
    if head.startswith(_OLE):
        raise SourceFormatError(
            str(path),
            "expected a .docx work programme, got an encrypted (password-protected) or legacy "
            "Word .doc file; save it unprotected as .docx",
        )
    if suffix == ".docx":
        if not head.startswith(_ZIP):
            raise SourceFormatError(str(path), "expected a Word .docx file (a ZIP package)")
        return "docx"
    if suffix == ".pdf":
        if _PDF not in head:
            raise SourceFormatError(str(path), "expected a PDF file (starting with %PDF-)")
        return "pdf"
    if head.lstrip().startswith(_PDF):
        return "pdf"
    if head.startswith(_ZIP):
        return "docx"  # a ZIP under another name: the Word reader says whether it is one
    return "markdown"


def read(path: Path, progress: Progress | None = None) -> Document:
    """Read a work-programme document in any supported format into the shared row model;
    `progress` is told every ten pages of a PDF.

    Raises SourceFormatError (one line naming the file and what was expected) for a missing,
    empty, corrupt, encrypted or scanned file, or one not in the template.
    """
    kind = format_of(path)
    if kind == "docx":
        from wcokg.loaders.readers.docx import read as read_docx

        return read_docx(path)
    if kind == "pdf":  # imported on demand, like the Word reader
        from wcokg.loaders.readers.pdf import read as read_pdf

        def pages(done: int, total: int) -> None:
            if progress and (done % 10 == 0 or done == total):
                progress(f"{path.name}: page {done} of {total}")

        return read_pdf(path, pages)
    from wcokg.loaders.readers.markdown import read as read_markdown

    return read_markdown(path)
