"""Head nouns that name a kind of instrument ("the revised Handbook on ..." is a handbook).

Shared by the decision reader (loaders/decisions.py: candidate instruments) and the linking rules
(loaders/linking.py: sister activities have the same verb and the same object type).
"""

from __future__ import annotations

import re

from wcokg.loaders.lexicon import fold

ARTICLE_RE = re.compile(
    r"^(?:(?:the|a|an|its|their|this|these|two|three|several|proposed|revised|updated|new|"
    r"draft|amended|final|latest|current)\s+)+",
    re.IGNORECASE,
)
"""Articles and status words before a head noun ("the revised", "a new")."""
_PREPOSITION_RE = re.compile(
    r"\s(?:of|on|for|to|in|under|concerning|regarding|about|with|from|by|and)\s", re.IGNORECASE
)

INSTRUMENT_HEADS: tuple[tuple[str, str], ...] = (
    ("terms of reference", "terms-of-reference"),
    ("framework of standards", "framework-of-standards"),
    ("action plan", "action-plan"),
    ("strategic plan", "strategy"),
    ("guidelines", "guidelines"),
    ("guideline", "guidelines"),
    ("guidance", "guidelines"),
    ("handbook", "handbook"),
    ("manual", "handbook"),
    ("compendium", "compendium"),
    ("report", "report"),
    ("recommendation", "recommendation"),
    ("resolution", "resolution"),
    ("declaration", "declaration"),
    ("convention", "convention"),
    ("guide", "guide"),
    ("study", "study"),
    ("strategy", "strategy"),
    ("glossary", "strategy"),
    ("toolkit", "tool"),
    ("tool", "tool"),
    ("template", "template"),
    ("note", "note"),
    ("package", "package"),
    ("framework", "framework-of-standards"),
)
"""Head nouns that make an unknown object a candidate instrument, with its instrument type
(a code of the instrument-type scheme, ontology/vocab/linking.ttl); multi-word heads first."""


def instrument_head(phrase: str) -> str | None:
    """The instrument type of a phrase's head noun (the words before its first preposition;
    "terms of reference" and "framework of standards" read whole), or None."""
    text = fold(ARTICLE_RE.sub("", phrase))
    for head, code in INSTRUMENT_HEADS[:2]:
        if re.match(rf"^(?:[\w-]+\s+){{0,3}}{head}\b", text):
            return code
    head_words = _PREPOSITION_RE.split(f" {text} ", maxsplit=1)[0]
    words = re.findall(r"[a-z-]+", head_words)
    for end in range(len(words), 0, -1):
        for head, code in INSTRUMENT_HEADS:
            size = head.count(" ") + 1
            tail = " ".join(words[max(0, end - size) : end])
            if tail == head or (tail.endswith("s") and tail[:-1] == head):
                return code
    return None
