"""Read revision numbering from the No. column of a section with tracked changes.

A revised row shows its old and new number run together or spaced (``3231.``, ``12 11.``); the
old digits may come through garbled (``44 13`` for 14 -> 13). A row struck out by the revision
keeps only its old number and breaks the sequence. Rows whose number is underlined were
inserted. The revised number is authoritative. The rules rely only on the numbers running
1, 2, 3, ... within a section.

A number cell whose deletions are marked (a Word or PDF reader's ``<del>``) is read from the marks
instead: the deleted digits are the previous number, the rest the current one; a number wholly
deleted is a struck-out row, one wholly inserted an inserted row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wcokg.loaders.cells import clean_cell
from wcokg.loaders.records import Flag

_DIGITS_RE = re.compile(r"\d+")
_UNDERLINED_RE = re.compile(r"^\s*<u>.*</u>\s*$", re.IGNORECASE | re.DOTALL)
_DELETION_RE = re.compile(r"<\s*(?:del|s|strike)\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Numbering:
    """How one row is numbered: its number (old number for a deleted row) and what the revision did."""

    number: int | None
    previous_number: int | None
    revision: str
    flags: tuple[Flag, ...] = ()


def _tokens(raw: str) -> list[str]:
    return _DIGITS_RE.findall(re.sub(r"</?u>", "", raw, flags=re.IGNORECASE))


def _from_marks(raw: str) -> tuple[int | None, int | None] | None:
    """(current, previous) number of a cell with marked deletions, None without such marks or
    digits; either side is None when the revision deleted or inserted the whole number."""
    if not _DELETION_RE.search(raw):
        return None
    cell = clean_cell(raw)
    now, before = _DIGITS_RE.findall(cell.text), _DIGITS_RE.findall(cell.previous_text)
    if not now and not before:
        return None
    return (int(now[-1]) if now else None), (int(before[-1]) if before else None)


def _revised(tokens: list[str], expected: int) -> tuple[int, str | None] | None:
    """Revised number and raw old digits of a cell, if it reads as ``old new`` or ``oldnew``."""
    if len(tokens) >= 2:
        return int(tokens[-1]), "".join(tokens[:-1])
    if len(tokens) == 1:
        token, want = tokens[0], str(expected)
        if token == want:
            return expected, None
        if len(token) > len(want) and token.endswith(want) and not token.startswith("0"):
            return expected, token[: -len(want)]
        return int(token), None
    return None


def number_section(raw_numbers: list[str]) -> list[Numbering]:
    """Numbering of every row of one section, given the raw No. cells in document order."""
    result: list[Numbering] = []
    expected = 1
    deleted = inserted = 0
    seen: set[int] = set()
    for index, raw in enumerate(raw_numbers):
        marked = _from_marks(raw)
        if marked is not None and marked[0] is None and marked[1] is not None:
            old = marked[1]
            deleted += 1
            flag = Flag(
                "deleted-row", "Row struck out by the revision, still listed", raw, "number"
            )
            result.append(Numbering(old, old, "deleted", (flag,)))
            continue
        tokens = _tokens(raw)
        read = (
            _revised(tokens, expected) if marked is None or marked[0] is None else (marked[0], None)
        )
        if read is None:
            result.append(
                Numbering(
                    None,
                    None,
                    "unchanged",
                    (Flag("unreadable-number", "No number", raw, "number"),),
                )
            )
            continue
        number, old_digits = read
        flags: list[Flag] = []
        guessed_deletion = marked is None and old_digits is None and len(tokens) == 1
        if guessed_deletion and _next_takes(raw_numbers, index, expected):
            # A single number followed by the row that takes the expected number: struck out.
            old = int(tokens[0])
            deleted += 1
            result.append(
                Numbering(
                    old,
                    old,
                    "deleted",
                    (
                        Flag(
                            "deleted-row",
                            "Row struck out by the revision, still listed",
                            raw,
                            "number",
                        ),
                    ),
                )
            )
            continue
        if marked is not None:
            previous = marked[1]
            revision = "inserted" if previous is None else "unchanged"
            revision = "renumbered" if previous not in (None, number) else revision
            inserted += previous is None
        elif _UNDERLINED_RE.match(raw):
            inserted += 1
            revision, previous = "inserted", None
        elif old_digits is not None:
            previous = number + deleted - inserted
            revision = "renumbered"
            if int(old_digits) != previous:
                flags.append(
                    Flag(
                        "garbled-previous-number",
                        f"Previous number printed as {old_digits}; the sequence implies {previous}",
                        raw,
                        "number",
                    )
                )
        else:
            revision, previous = "unchanged", number
        if number != expected:
            code = "duplicate-number" if number in seen else "unexpected-number"
            flags.append(
                Flag(code, f"Number {number} where {expected} was expected", raw, "number")
            )
        seen.add(number)
        expected = max(expected, number + 1)
        result.append(Numbering(number, previous, revision, tuple(flags)))
    return result


def printed_previous(raw: str, number: int) -> int | None:
    """The old number a No. cell prints before the revised `number` (``12 11.`` -> 12, ``3231.``
    with 31 -> 32), or None when it prints only one number (no renumbering mark)."""
    tokens = _tokens(raw)
    if len(tokens) >= 2:
        return int("".join(tokens[:-1]))
    if len(tokens) == 1:
        token, want = tokens[0], str(number)
        if len(token) > len(want) and token.endswith(want) and not token.startswith("0"):
            return int(token[: -len(want)])
    return None


def _next_takes(raw_numbers: list[str], index: int, expected: int) -> bool:
    """Whether the next row reads as the one holding `expected` (so this row gave it up)."""
    for later in raw_numbers[index + 1 :]:
        marked = _from_marks(later)
        if marked is not None:
            if marked[0] is None:
                continue  # struck out by its marks
            return marked[0] == expected
        read = _revised(_tokens(later), expected)
        if read is None:
            continue
        return read[0] == expected
    return False
