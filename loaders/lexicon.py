"""Find known names (bodies, units, organisations) in free text by longest match on word bounds."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


def fold(text: str) -> str:
    """Case-, dash- and space-insensitive form used for matching names."""
    text = text.replace("\u00a0", " ").replace("\u2013", "-").replace("\u2014", "-")
    text = re.sub(r"\s*([/-])\s*", r"\1", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class Match:
    """A name found in text: character span in the folded text, the matched alias and its id."""

    start: int
    end: int
    alias: str
    id: str


class Lexicon:
    """Maps aliases (labels, acronyms, alternative names) to ids; longest alias wins."""

    def __init__(self, aliases: Mapping[str, str]) -> None:
        folded = ((fold(a), i) for a, i in aliases.items())
        self.aliases: dict[str, str] = {f: i for f, i in folded if f}
        ordered = sorted(self.aliases, key=len, reverse=True)
        alternation = "|".join(re.escape(a) for a in ordered) or r"(?!x)x"
        self._pattern = re.compile(rf"(?<![\w/])(?:{alternation})(?![\w])")

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> Lexicon:
        return cls(dict(pairs))

    def lookup(self, name: str) -> str | None:
        """The id of exactly this name, or None."""
        return self.aliases.get(fold(name))

    def find_all(self, text: str) -> list[Match]:
        """Every non-overlapping known name in `text`, left to right (spans refer to fold(text))."""
        folded = fold(text)
        return [
            Match(m.start(), m.end(), m.group(0), self.aliases[m.group(0)])
            for m in self._pattern.finditer(folded)
        ]
