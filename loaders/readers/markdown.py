"""Reader of the Markdown rendering of a work programme (one table line per row, ``|`` cells).

The rendering comes from a PDF: every page repeats the running header and the table header, page
breaks split rows, and tracked changes survive only as ``<u>`` insertions (deletions are lost).
Cells are passed on verbatim: they already are the shared cell markup (see loaders/document.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from wcokg.errors import SourceFormatError
from wcokg.loaders.document import Block, Document, assemble

_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-*:?\s*)*\|?\s*$")
_CELL_SPLIT_RE = re.compile(r"(?<!\\)\|")
_TEXT_ENCODINGS = ("utf-8-sig", "utf-16")


def read_text(path: Path) -> str:
    """The text of a source file, or a SourceFormatError naming it and what was expected."""
    if not path.exists():
        raise SourceFormatError(str(path), "file not found (expected a work-programme document)")
    if path.is_dir():
        raise SourceFormatError(str(path), "is a folder (expected a work-programme document)")
    data = path.read_bytes()
    if not data.strip():
        raise SourceFormatError(str(path), "expected a work programme, got an empty file")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceFormatError(
            str(path), "expected a text (Markdown) work programme, got binary data"
        )
    for encoding in _TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceFormatError(str(path), "expected UTF-8 text, got undecodable bytes")


def split_cells(line: str) -> list[str]:
    """Cells of one Markdown table line, verbatim but for the outer whitespace."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [c.strip() for c in _CELL_SPLIT_RE.split(body)]


def _blocks(lines: list[str]) -> Iterator[Block]:
    for index, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped.startswith("|"):
            yield Block(index, line)
        elif not _SEPARATOR_RE.match(stripped):
            yield Block(index, line, split_cells(stripped))


def parse(path: str, text: str) -> Document:
    """Read the Markdown text of a work programme; `path` only names it in errors and provenance.
    Raises SourceFormatError for binary or empty text or text not in the template."""
    if "\x00" in text:
        raise SourceFormatError(path, "expected a text (Markdown) work programme, got binary data")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise SourceFormatError(path, "expected a work programme, got an empty file")
    sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return assemble(path, lines, _blocks(lines), sha256)


def read(path: Path) -> Document:
    """Read a Markdown work programme file; line numbers are the file's lines (1-based)."""
    return parse(str(path), read_text(path))
