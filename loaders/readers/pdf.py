"""Reader of a PDF work programme (being written: see issue 14)."""

from __future__ import annotations

from pathlib import Path

from wcokg.errors import SourceFormatError
from wcokg.loaders.document import Document


def read(path: Path) -> Document:
    """Not yet implemented: raises SourceFormatError naming the file."""
    raise SourceFormatError(str(path), "PDF work programmes are not read yet; supply the .docx")
