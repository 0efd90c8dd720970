"""Meeting dates as news items and reports write them: ranges, and opening or closing days.

Pure functions over one sentence. The forms read:

- ranges: "from 18 to 22 March 2024", "22-24 April 2025", "19 April – 6 May 2021",
  "from 30 November to 2 December 2022", "29 December 2024 - 3 January 2025", "March 18-22, 2024";
- single days with their role from the nearest verb: "which opened online on 22 April 2025"
  (start), "On 24 April 2025 the Committee closed its ..." (end), "was held on 5 May 2024"
  (both). A day no meeting verb qualifies (a dateline, "Brussels, 25 March 2024") has no role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from wcokg.loaders.meetings import MONTHS as MONTH_NUMBER

_M = "(?:" + "|".join(MONTH_NUMBER) + ")"
_D = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_Y = r"(?:19|20)\d\d"
_TO = r"\s*(?:-|to|until|till|and)\s*"

_RANGES = (
    # 19 April - 6 May 2021 / from 30 November 2024 to 2 December 2024
    re.compile(
        rf"\b(?:from\s+)?(?P<d1>{_D})\s+(?P<m1>{_M})(?:,?\s+(?P<y1>{_Y}))?{_TO}"
        rf"(?P<d2>{_D})\s+(?P<m2>{_M}),?\s+(?P<y2>{_Y})\b"
    ),
    # from 18 to 22 March 2024 / 22-24 April 2025
    re.compile(rf"\b(?:from\s+)?(?P<d1>{_D}){_TO}(?P<d2>{_D})\s+(?P<m2>{_M}),?\s+(?P<y2>{_Y})\b"),
    # March 18-22, 2024 / April 29 - May 3, 2024
    re.compile(
        rf"\b(?:from\s+)?(?P<m1>{_M})\s+(?P<d1>{_D}){_TO}(?:(?P<m2>{_M})\s+)?(?P<d2>{_D}),?\s+"
        rf"(?P<y2>{_Y})\b"
    ),
)
_SINGLE = (
    re.compile(rf"\b(?P<d>{_D})\s+(?P<m>{_M}),?\s+(?P<y>{_Y})\b"),
    re.compile(rf"\b(?P<m>{_M})\s+(?P<d>{_D}),\s+(?P<y>{_Y})\b"),
)
_START = r"open(?:ed|s|ing)?|beg(?:an|ins?|inning)|start(?:ed|s|ing)?|commenc(?:ed|es|ing)|kick(?:ed)? off"
_END = (
    r"clos(?:ed|es|ing)|conclud(?:ed|es|ing)|end(?:ed|s)|finish(?:ed|es)|wrap(?:ped|s) up"
    r"|adjourn(?:ed|s)"
)
_BOTH = r"held|met|took place|convened|meets|meeting|session"
_ROLE_RE = re.compile(rf"\b(?:(?P<start>{_START})|(?P<end>{_END})|(?P<both>{_BOTH}))\b")
_WINDOW = 80


@dataclass(frozen=True)
class DateSpan:
    """Dates found in a sentence: a range, or one day with its role (start, end, both, None)."""

    start: date
    end: date
    role: str | None  # "range", "start", "end", "both" or None (no meeting verb near it)
    span: tuple[int, int]


def _normal(text: str) -> str:
    """Dashes to "-", whitespace collapsed, lower case (same length is not kept)."""
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return re.sub(r"\s+", " ", text).casefold()


def _day(value: str) -> int:
    return int(re.sub(r"\D", "", value))


def _make(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), MONTH_NUMBER[month], _day(day))
    except ValueError:
        return None


def date_spans(sentence: str) -> list[DateSpan]:
    """Every date range and single dated day in `sentence`, left to right; impossible dates
    ("31 April") are skipped."""
    text = _normal(sentence)
    found: list[DateSpan] = []
    taken: list[tuple[int, int]] = []
    for pattern in _RANGES:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            groups = m.groupdict()
            month2 = groups["m2"] or groups.get("m1")
            month1 = groups.get("m1") or month2
            year2 = groups["y2"]
            start = _make(groups.get("y1") or year2, month1 or "", groups["d1"])
            end = _make(year2, month2 or "", groups["d2"])
            if start is None or end is None:
                continue
            if groups.get("y1") is None and start > end:  # "30 December - 2 January 2025"
                start = start.replace(year=start.year - 1)
            if start > end:
                continue
            found.append(DateSpan(start, end, "range", m.span()))
            taken.append(m.span())
    for pattern in _SINGLE:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            day = _make(m.group("y"), m.group("m"), m.group("d"))
            if day is None:
                continue
            found.append(DateSpan(day, day, _role(text, m.start(), m.end()), m.span()))
            taken.append(m.span())
    return sorted(found, key=lambda d: d.span)


def _role(text: str, start: int, end: int) -> str | None:
    """The role of a single day: the nearest meeting verb before it in its clause, else the
    first after it."""
    before = text[max(0, start - _WINDOW) : start]
    before = re.split(r"[;.]|,\s*(?:and|but)\b", before)[-1]
    verbs = list(_ROLE_RE.finditer(before))
    if verbs:
        return _kind(verbs[-1])
    after = re.split(r"[;.]", text[end : end + _WINDOW])[0]
    first = _ROLE_RE.search(after)
    return _kind(first) if first else None


def _kind(m: re.Match[str]) -> str:
    return next(k for k in ("start", "end", "both") if m.group(k))


@dataclass(frozen=True)
class MeetingDates:
    """The first and last day of a meeting as a text states them (either may be unknown)."""

    start: date | None
    end: date | None


def meeting_dates(spans: list[DateSpan]) -> MeetingDates | None:
    """The meeting's dates from the spans of its sentences: the first range; else an opening
    and a closing day (or one day the meeting was held); None when nothing qualifies."""
    for span in spans:
        if span.role == "range":
            return MeetingDates(span.start, span.end)
    starts = [s.start for s in spans if s.role in ("start", "both")]
    ends = [s.end for s in spans if s.role in ("end", "both")]
    if starts and ends and starts[0] <= ends[-1]:
        return MeetingDates(starts[0], ends[-1])
    if starts or ends:
        return MeetingDates(starts[0] if starts else None, ends[-1] if ends else None)
    return None
