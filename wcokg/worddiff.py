"""Word-level differences between two texts (the "What changed" page and the Word writer).

difflib's SequenceMatcher over tokens (each word and each run of whitespace), so that
joining the `equal` and `insert` pieces gives the new text and the `equal` and `delete` pieces
the old text, exactly.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN_RE = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Piece:
    """A run of text: `equal` (in both), `delete` (old only) or `insert` (new only)."""

    op: str
    text: str


def tokens(text: str) -> list[str]:
    """Words and runs of whitespace, in order (joined they give the text back)."""
    return _TOKEN_RE.findall(text)


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn `old` into `new`, word by word (a replacement is delete + insert)."""
    a, b = tokens(old), tokens(new)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("delete", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("insert", "".join(b[j1:j2])))
    return pieces


def accepted(pieces: list[Piece]) -> str:
    """The new text (every change accepted)."""
    return "".join(p.text for p in pieces if p.op != "delete")


def rejected(pieces: list[Piece]) -> str:
    """The old text (every change rejected)."""
    return "".join(p.text for p in pieces if p.op != "insert")
