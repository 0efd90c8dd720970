"""Write the shared cell markup (see loaders/document.py) from runs of text marked by a reader."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import Literal

Kind = Literal["", "ins", "del"]
Run = tuple[str, Kind]
"""A run of text and what the revision did to it: ``""`` kept, ``"ins"`` inserted, ``"del"``
deleted. A ``"\\n"`` in the text is a line break."""

_TAGS = {"ins": ("<u>", "</u>"), "del": ("<del>", "</del>"), "": ("", "")}
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _escape(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", "<br>")


def paragraph_markup(runs: Iterable[Run]) -> str:
    """One paragraph's runs as markup: adjacent runs of a kind merged, inserted text in ``<u>``,
    deleted text in ``<del>``; entities and ``|`` escaped."""
    merged = [
        ("".join(text for text, _ in group), kind)
        for kind, group in groupby((r for r in runs if r[0]), key=lambda r: r[1])
    ]
    out = []
    for text, kind in merged:
        if kind and not text.strip():
            out.append(_escape(text))  # a marked space is just a space
            continue
        start, end = _TAGS[kind]
        out.append(f"{start}{_escape(text)}{end}")
    return "".join(out).strip()


def cell_markup(paragraphs: Sequence[Iterable[Run]]) -> str:
    """A cell's paragraphs as markup: one paragraph as it is, several each in ``<p>``."""
    texts = [t for t in (paragraph_markup(p) for p in paragraphs) if t]
    if len(texts) == 1:
        return texts[0]
    return " ".join(f"<p>{t}</p>" for t in texts)


def current_text(runs: Iterable[Run]) -> str:
    """The text of runs after the revision (deletions out, insertions in), unmarked."""
    return "".join(text for text, kind in runs if kind != "del").replace("\n", " ")
