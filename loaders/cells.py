"""Pure normalisers for work-programme table cells: text in, ``Parsed`` value plus flags out.

Every public function is total: whatever the input string, it returns a value (None or empty
when unreadable) and flags saying what could not be read, so one odd cell never stops a load.
No I/O and no RDF here; names are resolved only through the ``Lexicon`` objects passed in.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from wcokg.loaders.lexicon import Lexicon, fold
from wcokg.loaders.records import Allocation, BodyRef, Cell, Flag, Milestone, Parsed

__all__ = [
    "clean_cell",
    "derive_status",
    "parse_bodies",
    "parse_priority",
    "parse_strategic_codes",
    "parse_strategic_link",
    "parse_task_type",
    "parse_team_resources",
    "parse_timeline",
]

T = TypeVar("T")

# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


def _guard(column: str, fallback: T, func: Callable[[], Parsed[T]]) -> Parsed[T]:
    """Run a parser and turn any unexpected exception into a flag, so callers never crash."""
    try:
        return func()
    except Exception as exc:  # totality is the contract of this module
        flag = Flag("normaliser-error", f"normaliser failed: {type(exc).__name__}", "", column)
        return Parsed(fallback, (flag,))


def _squash(text: str) -> str:
    """Collapse all Unicode whitespace (NBSP included) to single spaces."""
    return " ".join(text.split())


def _prep(text: str) -> str:
    """Cell text as parsers see it: tags, escapes and footnote marks removed, spaces squashed."""
    return clean_cell(text).text


@dataclass(frozen=True)
class _Name:
    """A lexicon hit located in the (unfolded) text, so original spelling can be reported."""

    start: int
    end: int
    text: str
    id: str


_FOLD_AROUND_SEP = re.compile(r"\s*([/-])\s*")
_FOLD_SPACES = re.compile(r"\s+")


def _fold_map(text: str) -> tuple[str, list[int]] | None:
    """Replicate ``fold`` while tracking, per folded char, its index in ``text``; None if unsure."""
    s = text.replace("\u00a0", " ").replace("\u2013", "-").replace("\u2014", "-")
    idx = list(range(len(s)))

    def sub(pattern: re.Pattern[str], keep_group: bool) -> None:
        nonlocal s, idx
        out: list[str] = []
        out_idx: list[int] = []
        pos = 0
        for m in pattern.finditer(s):
            out.append(s[pos : m.start()])
            out_idx.extend(idx[pos : m.start()])
            if keep_group:
                out.append(m.group(1))
                out_idx.extend(idx[m.start(1) : m.end(1)])
            else:
                out.append(" ")
                out_idx.append(idx[m.start()])
            pos = m.end()
        out.append(s[pos:])
        out_idx.extend(idx[pos:])
        s, idx = "".join(out), out_idx

    sub(_FOLD_AROUND_SEP, keep_group=True)
    sub(_FOLD_SPACES, keep_group=False)
    lead = len(s) - len(s.lstrip())
    trail = len(s.rstrip())
    s, idx = s[lead:trail], idx[lead:trail]
    chars: list[str] = []
    folded_idx: list[int] = []
    for ch, i in zip(s, idx, strict=True):
        f = ch.casefold()
        chars.append(f)
        folded_idx.extend([i] * len(f))
    folded = "".join(chars)
    if folded != fold(text):
        return None
    return folded, folded_idx


def _find_names(text: str, lexicon: Lexicon) -> tuple[str, list[_Name]]:
    """Lexicon hits with spans in the returned text (``text`` itself, or its folded form)."""
    mapped = _fold_map(text)
    if mapped is None:  # cannot map back: work on the folded text, which maps onto itself
        text = fold(text)
        mapped = _fold_map(text)
        if mapped is None:
            return text, []
    _, index = mapped
    names: list[_Name] = []
    for m in lexicon.find_all(text):
        if not 0 <= m.start < m.end <= len(index):
            continue
        start, end = index[m.start], index[m.end - 1] + 1
        names.append(_Name(start, end, text[start:end], m.id))
    return text, names


def _blank_parens(text: str) -> str:
    """Same-length copy of ``text`` with parenthesised groups blanked, to search outside them."""
    return re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text)


# --------------------------------------------------------------------------------------------
# 1. clean_cell
# --------------------------------------------------------------------------------------------

_CELL_TAG = re.compile(r"<\s*(/?)\s*(p|u|ins|del|s|strike|br)\b[^<>]*>", re.IGNORECASE)
_INSERT_TAGS = {"u", "ins"}
_DELETE_TAGS = {"del", "s", "strike"}
_SUPERSCRIPT_DIGITS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
_SUPERSCRIPT_TO_ASCII = str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789")
_FOOTNOTE_MARK = re.compile(
    rf"[{_SUPERSCRIPT_DIGITS}]+|\^(?:[A-Za-z]{{1,3}}|\d{{1,3}})(?![A-Za-z0-9])"
)


def _strip_footnotes(text: str, marks: list[str]) -> str:
    def take(m: re.Match[str]) -> str:
        mark = m.group(0).lstrip("^").translate(_SUPERSCRIPT_TO_ASCII)
        if mark not in marks:
            marks.append(mark)
        return " "

    return _FOOTNOTE_MARK.sub(take, text)


def _clean_text(text: str, marks: list[str]) -> str:
    text = html.unescape(text.replace("\\|", "|"))
    return _squash(_strip_footnotes(text, marks))


def _clean_cell(raw: str) -> Cell:
    current: list[str] = []
    previous: list[str] = []
    marks: list[str] = []
    now: list[str] = []
    before: list[str] = []
    depth = {"ins": 0, "del": 0}
    seen = {"ins": False, "del": False, "plain": False}

    def add(segment: str) -> None:
        if not segment:
            return
        if not depth["del"]:
            now.append(segment)
        if not depth["ins"]:
            before.append(segment)
        if _clean_text(segment, []):
            kind = "del" if depth["del"] else "ins" if depth["ins"] else "plain"
            seen[kind] = True

    def flush() -> None:
        for buffer, out in ((now, current), (before, previous)):
            text = _clean_text("".join(buffer), marks)
            buffer.clear()
            if text:
                out.append(text)

    pos = 0
    for m in _CELL_TAG.finditer(raw):
        add(raw[pos : m.start()])
        pos = m.end()
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name == "p":
            flush()
        elif name in _INSERT_TAGS or name in _DELETE_TAGS:
            kind = "ins" if name in _INSERT_TAGS else "del"
            depth[kind] = max(0, depth[kind] - 1) if closing else depth[kind] + 1
        else:  # <br>
            now.append(" ")
            before.append(" ")
    add(raw[pos:])
    flush()
    return Cell(
        raw=raw,
        paragraphs=tuple(current),
        footnotes=tuple(marks),
        inserted=seen["ins"] and not seen["plain"] and not seen["del"],
        previous=tuple(previous),
        deleted=seen["del"] and not seen["plain"] and not seen["ins"],
    )


def clean_cell(raw: str) -> Cell:
    """Clean one verbatim table cell (text between pipes) into paragraphs and footnote marks.

    ``<p>`` blocks become paragraphs (loose text outside them is a paragraph of its own);
    tracked insertions (``<u>``, ``<ins>``) stay in the current ``paragraphs`` and are left out of
    the ``previous`` ones, tracked deletions (``<del>``, ``<s>``, ``<strike>``) the other way round;
    ``inserted`` (``deleted``) is True when all non-blank content was inserted (deleted);
    ``\\|`` and HTML entities are unescaped; whitespace, NBSP included, is collapsed. Footnote
    marks (superscript digits, ``^a``) are removed from the text and listed in ``footnotes``: a
    run of superscript digits is ONE mark (``"³⁴"`` -> ``"34"``), and the caller, which knows the
    document's footnotes, decides whether it means 3 and 4.
    """
    try:
        return _clean_cell(raw)
    except Exception:  # never fail on a cell
        text = _squash(str(raw))
        return Cell(raw=str(raw), paragraphs=(text,) if text else ())


# --------------------------------------------------------------------------------------------
# 2-5. Small coded columns
# --------------------------------------------------------------------------------------------

_PRIORITY = re.compile(r"[\W_]*([abc])[\W_]*", re.IGNORECASE)
_PRIORITY_WORDS = {"high": "A", "medium": "B", "low": "C"}


def parse_priority(text: str) -> Parsed[str | None]:
    """Priority ranking A/B/C (also High/Medium/Low), tolerating punctuation and markup."""

    def run() -> Parsed[str | None]:
        t = _prep(text)
        if not t:
            return Parsed(None, (Flag("empty-priority", "no priority given", "", "priority"),))
        m = _PRIORITY.fullmatch(t)
        if m:
            return Parsed(m.group(1).upper())
        word = re.sub(r"[\W_]+", "", t).casefold()
        if word in _PRIORITY_WORDS:
            return Parsed(_PRIORITY_WORDS[word])
        return Parsed(None, (Flag("unknown-priority", "not A, B or C", t, "priority"),))

    return _guard("priority", None, run)


_YES_NO = {"y": True, "yes": True, "n": False, "no": False}


def parse_strategic_link(text: str) -> Parsed[bool | None]:
    """Direct link with the Strategic Plan: Y/Yes -> True, N/No -> False."""

    def run() -> Parsed[bool | None]:
        t = _prep(text)
        if not t:
            flag = Flag("empty-strategic-link", "no Y/N given", "", "strategic_link")
            return Parsed(None, (flag,))
        key = re.sub(r"[\W_]+", "", t).casefold()
        if key in _YES_NO:
            return Parsed(_YES_NO[key])
        return Parsed(None, (Flag("unknown-strategic-link", "not Y or N", t, "strategic_link"),))

    return _guard("strategic_link", None, run)


_STRATEGIC_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2,4})-?(\d{1,2})(?![A-Za-z0-9])")
_WHOLE_PLAN = re.compile(
    r"\b(?:the\s+)?(?:whole|entire|full)\s+(?:of\s+the\s+)?strategic\s+plan\b", re.IGNORECASE
)
_CODE_FILLER = re.compile(r"\b(?:and|or)\b|[\s,;/&+.()\-\u2013\u2014]+", re.IGNORECASE)


def parse_strategic_codes(text: str, legend_codes: Sequence[str]) -> Parsed[tuple[str, ...]]:
    """Strategic Plan codes (SP1, FA2, ORG1...) in order, upper-cased and de-duplicated.

    Codes missing from the legend are kept but flagged; "the whole Strategic Plan" expands to
    every legend code; any other leftover text is flagged rather than dropped.
    """

    def run() -> Parsed[tuple[str, ...]]:
        column = "strategic_codes"
        t = _prep(text)
        legend: list[str] = []
        for code in legend_codes:
            c = _squash(str(code)).upper()
            if c and c not in legend:
                legend.append(c)
        if not t:
            return Parsed((), (Flag("empty-strategic-codes", "no code given", "", column),))
        flags: list[Flag] = []
        codes: list[str] = []
        rest = t
        if _WHOLE_PLAN.search(t):
            codes.extend(legend)
            flags.append(Flag("whole-strategic-plan", "expanded to every legend code", t, column))
            rest = _WHOLE_PLAN.sub(" ", rest)
        for m in _STRATEGIC_CODE.finditer(rest):
            code = f"{m.group(1)}{m.group(2)}".upper()
            if code not in codes:
                codes.append(code)
                if code not in legend:
                    msg = "code not in the Strategic Plan legend"
                    flags.append(Flag("unknown-strategic-code", msg, code, column))
        leftover = _squash(_CODE_FILLER.sub(" ", _STRATEGIC_CODE.sub(" ", rest)))
        if leftover or not codes:
            msg = "text that is not a strategic code"
            flags.append(Flag("unparsed-strategic-codes", msg, leftover if codes else t, column))
        return Parsed(tuple(codes), tuple(flags))

    return _guard("strategic_codes", (), run)


_TASK_KEYWORDS = (
    (re.compile(r"\bmaint", re.IGNORECASE), "Maintenance"),
    (re.compile(r"\bupdat", re.IGNORECASE), "Updating"),
    (re.compile(r"\bdevelop", re.IGNORECASE), "Development"),
)


def parse_task_type(text: str) -> Parsed[str | None]:
    """Type of task: Maintenance, Updating or Development, by word stem (split words tolerated)."""

    def run() -> Parsed[str | None]:
        column = "task_type"
        t = _prep(text)
        if not t:
            return Parsed(None, (Flag("empty-task-type", "no task type given", "", column),))
        found = [label for pattern, label in _TASK_KEYWORDS if pattern.search(t)]
        if not found:  # tracked changes can split a word: "Main tenance"
            joined = re.sub(r"[\W\d_]+", "", t)
            found = [label for pattern, label in _TASK_KEYWORDS if pattern.match(joined)]
        if len(found) == 1:
            return Parsed(found[0])
        code = "ambiguous-task-type" if found else "unknown-task-type"
        return Parsed(None, (Flag(code, "not exactly one of the three task types", t, column),))

    return _guard("task_type", None, run)


# --------------------------------------------------------------------------------------------
# 6. Responsible bodies
# --------------------------------------------------------------------------------------------

_JUNK = " \t.,;:+&()[]\"'*-\u2013\u2014"
_BODY_STOPWORDS: tuple[tuple[str, ...], ...] = tuple(
    tuple(phrase.split())
    for phrase in (
        "with the support of",
        "with support of",
        "supported by",
        "in cooperation with",
        "in collaboration with",
        "in consultation with",
        "in coordination with",
        "together with",
        "and",
        "the",
        "of",
        "with",
        "by",
        "for",
    )
)
_GAP_SPLIT = re.compile(r"[,;+]|\s&\s|\band\b", re.IGNORECASE)


def _trim_edges(text: str, junk: str, phrases: tuple[tuple[str, ...], ...]) -> str:
    """Drop separator words/phrases and junk characters from both ends of ``text``."""
    words = text.split()
    norm = [w.strip(junk).casefold() for w in words]
    lo, hi = 0, len(words)
    changed = True
    while changed and lo < hi:
        changed = False
        if not norm[lo]:
            lo, changed = lo + 1, True
            continue
        if not norm[hi - 1]:
            hi, changed = hi - 1, True
            continue
        for phrase in phrases:
            n = len(phrase)
            if hi - lo >= n and tuple(norm[lo : lo + n]) == phrase:
                lo, changed = lo + n, True
                break
            if hi - lo >= n and tuple(norm[hi - n : hi]) == phrase:
                hi, changed = hi - n, True
                break
    return " ".join(words[lo:hi]).strip(junk)


def _trim_junk(chunk: str) -> str:
    return _trim_edges(chunk, _JUNK, _BODY_STOPWORDS)


def _split_outside_parens(pattern: re.Pattern[str], text: str) -> list[str]:
    """Split ``text`` on ``pattern`` except inside parentheses."""
    pieces: list[str] = []
    pos = 0
    for m in pattern.finditer(_blank_parens(text)):
        pieces.append(text[pos : m.start()])
        pos = m.end()
    pieces.append(text[pos:])
    return pieces


def _gap_chunks(gap: str) -> list[str]:
    """Name-like leftovers of the text between two known names (separators/stopwords dropped)."""
    chunks = (_trim_junk(part) for part in _split_outside_parens(_GAP_SPLIT, gap))
    return [c for c in chunks if c]


def _name_list(text: str, lexicon: Lexicon) -> list[tuple[str, str | None]]:
    """Known names and unresolved name-like chunks, in text order, as (text, id or None)."""
    work, names = _find_names(text, lexicon)
    out: list[tuple[str, str | None]] = []
    pos = 0
    for name in names:
        out.extend((chunk, None) for chunk in _gap_chunks(work[pos : name.start]))
        out.append((name.text, name.id))
        pos = name.end
    out.extend((chunk, None) for chunk in _gap_chunks(work[pos:]))
    return out


def parse_bodies(text: str, lexicon: Lexicon) -> Parsed[tuple[BodyRef, ...]]:
    """Responsible bodies in order (the first is in charge), resolved through ``lexicon``.

    Commas, "and", "&", ";" and "with the support of" separate names; "/" does not (RKC/MC).
    Unknown chunks are kept in place as ``BodyRef(text, None)`` and flagged; ids are
    de-duplicated keeping the first mention.
    """

    def run() -> Parsed[tuple[BodyRef, ...]]:
        column = "responsible_bodies"
        t = _prep(text)
        if not t:
            return Parsed((), (Flag("empty-bodies", "no responsible body given", "", column),))
        refs: list[BodyRef] = []
        flags: list[Flag] = []
        seen: set[str] = set()
        for mention, body_id in _name_list(t, lexicon):
            key = body_id if body_id is not None else "\0" + fold(mention)
            if key in seen:
                continue
            seen.add(key)
            refs.append(BodyRef(mention, body_id))
            if body_id is None:
                flags.append(
                    Flag("unresolved-body", "body name not in the lexicon", mention, column)
                )
        if not refs:
            flags.append(Flag("unparsed-bodies", "no body name found", t, column))
        return Parsed(tuple(refs), tuple(flags))

    return _guard("responsible_bodies", (), run)


# --------------------------------------------------------------------------------------------
# 7. Team resources
# --------------------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "one": 1.0,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
    "seven": 7.0,
    "eight": 8.0,
    "nine": 9.0,
    "ten": 10.0,
}
_NUM_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten)\b"
_NUM = rf"(?:\d{{1,4}}(?:[.,]\d{{1,3}})?(?![\d.,]\d)|{_NUM_WORD})"
_STAFF = (
    r"(?:officers?|staff|experts?|managers?|assistants?|attach[\u00e9e]s?|persons?|people"
    r"|ftes?|consultants?|analysts?|specialists?|advis[eo]rs?|secondees?|interns?)\b"
)
_QUANTITY = re.compile(
    rf"(?<![\w.,/-])(?P<dead>(?:{_NUM_WORD}\s+)+)?(?P<lo>{_NUM})"
    rf"(?:\s*(?:/|-|\u2013|\bto\b|\bor\b)\s*(?P<hi>{_NUM}))?"
    rf"(?=\s*-?\s*(?:[^\W\d_][\w'\u2019!.&-]*\s+){{0,3}}{_STAFF})",
    re.IGNORECASE,
)
_UNIT_KEYWORD = re.compile(r"\b(?:from|of)\s+(?:the\s+)?", re.IGNORECASE)
_UNIT_PHRASE_END = re.compile(
    r"\s*(?:[,;(]|\band\b|\bfrom\b|\bwith\b|\bfor\b|\bas\b)", re.IGNORECASE
)


def _unit_phrase_end(phrase: str) -> int:
    """End of an unknown unit's name: the first separator, but "and" + capital continues it."""
    for m in _UNIT_PHRASE_END.finditer(phrase):
        if m.group(0).strip().casefold() == "and" and phrase[m.end() :].lstrip()[:1].isupper():
            continue  # "Tariff and Trade Directorate"
        return m.start()
    return len(phrase)


def _number(token: str) -> float | None:
    token = token.strip().casefold()
    if token in _NUMBER_WORDS:
        return _NUMBER_WORDS[token]
    try:
        value = float(token.replace(",", "."))
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def _trim_part(text: str) -> str:
    """Drop list separators (",", ";", "and", "&") from the ends of a team-resources part."""
    return _trim_edges(text, " \t,;+&", (("and",),))


@dataclass
class _PartResult:
    allocations: list[Allocation] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


def _allocation_flags(alloc: Allocation, out: list[Flag]) -> None:
    column = "team_resources"
    if alloc.fte_min is None and alloc.unit_text is None:
        out.append(Flag("unparsed-team-resources", "no staff number nor unit", alloc.text, column))
        return
    if alloc.fte_min is None:
        out.append(Flag("no-fte", "no staff number given", alloc.text, column))
    if alloc.unit_text is None:
        out.append(Flag("no-unit", "no Secretariat unit named", alloc.text, column))
    elif alloc.unit_id is None:
        out.append(Flag("unresolved-unit", "unit name not in the lexicon", alloc.unit_text, column))


def _parse_part(
    part: str, fte: tuple[float, float] | None, units: Lexicon, result: _PartResult
) -> None:
    """One allocation (plus any further units listed after its unit) from one text part."""
    fte_min, fte_max = fte if fte else (None, None)
    work, names = _find_names(part, units)
    hidden = _blank_parens(work)
    keyword = _UNIT_KEYWORD.search(hidden)
    if keyword:
        names = [n for n in names if n.start >= keyword.start()] or names
    if names:
        first = names[0]
        pieces = _split_outside_parens(_GAP_SPLIT, work[first.end :])
        # Text up to the first separator qualifies this allocation; each later piece is a
        # further unit ("... of the Origin Sub-Directorate and Facilitation Sub-Directorate")
        # or an unparsed item ("and interested Members"), kept as its own allocation.
        text = _trim_part(work[: first.end] + pieces[0])
        result.allocations.append(Allocation(text, fte_min, fte_max, first.text, first.id))
        for piece in (_trim_part(p) for p in pieces[1:]):
            if not piece:
                continue
            _, piece_names = _find_names(piece, units)
            hit = piece_names[0] if piece_names else None
            result.allocations.append(
                Allocation(piece, None, None, hit.text if hit else None, hit.id if hit else None)
            )
        return
    unit_text: str | None = None
    if keyword:
        phrase = work[keyword.end() :]
        unit_text = _trim_junk(phrase[: _unit_phrase_end(phrase)]) or None
    result.allocations.append(Allocation(_trim_part(work), fte_min, fte_max, unit_text, None))


def parse_team_resources(text: str, units: Lexicon) -> Parsed[tuple[Allocation, ...]]:
    """Team resources as allocations: staff numbers (FTE min-max) per Secretariat unit.

    Each staff quantity ("One/two officers", "0.5 officer", "2,5 officers", "1-Technical
    Officer") starts a part; the unit is the lexicon match after "from"/"of". Two number words
    in a row ("Three two officers", a tracked change) keep the last one and are flagged. Text
    without a quantity still yields allocations (fte None), so no text is ever dropped.
    """

    def run() -> Parsed[tuple[Allocation, ...]]:
        column = "team_resources"
        t = _prep(text)
        if not t:
            return Parsed((), (Flag("empty-team-resources", "no team given", "", column),))
        result = _PartResult()
        quantities = list(_QUANTITY.finditer(t))
        starts = [m.start() for m in quantities]
        lead = _trim_part(t[: starts[0]] if starts else t)
        if lead:
            _parse_part(lead, None, units, result)
        for i, m in enumerate(quantities):
            end = starts[i + 1] if i + 1 < len(starts) else len(t)
            part = _trim_part(t[m.start() : end])
            lo = _number(m.group("lo"))
            hi = _number(m.group("hi")) if m.group("hi") else lo
            fte = (min(lo, hi), max(lo, hi)) if lo is not None and hi is not None else None
            if m.group("dead"):
                msg = "two staff numbers in a row (tracked change); the last one is kept"
                result.flags.append(Flag("resources-revision-artefact", msg, m.group(0), column))
            _parse_part(part, fte, units, result)
        for alloc in result.allocations:
            _allocation_flags(alloc, result.flags)
        return Parsed(tuple(result.allocations), tuple(result.flags))

    return _guard("team_resources", (), run)


# --------------------------------------------------------------------------------------------
# 8. Timeline
# --------------------------------------------------------------------------------------------

_SEASON_MONTH: dict[str, int | None] = {
    "spring": 4,
    "autumn": 10,
    "fall": 10,
    "summer": None,
    "winter": None,
}
_SEASON_NAME = {"fall": "autumn"}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_SEASON_RE = "spring|autumn|fall|summer|winter"
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TIMELINE_TOKEN = re.compile(
    rf"""
     (?P<paren>\([^()]*\))
    |(?P<season>\b(?:{_SEASON_RE})(?:\s*/\s*(?:{_SEASON_RE}))*\b)
    |(?P<month>\b(?:{_MONTH_RE})\b\.?)
    |(?P<approx>\b(?:mid|early|late|end\s+of|beginning\s+of)\b)
    |(?P<year>(?<!\d)(?:19|20)\d\d(?!\d))
    |(?P<num>\d+(?:\s?(?:st|nd|rd|th)\b)?)
    |(?P<brk>[;.])
    |(?P<sep>,|&|\+|/|\band\b|\bor\b)
    |(?P<word>[^\W\d_][\w'\u2019-]*)
    |(?P<other>\S)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_CONTINUOUS_WORD = re.compile(r"^continuous(?:ly)?$", re.IGNORECASE)
_TIMELINE_STOPWORDS = frozenset(
    ("a", "an", "at", "by", "in", "the", "of", "until", "till", "before", "from", "to", "on")
    + ("during", "for", "and", "or", "session", "sessions", "meeting", "meetings")
)
_ACRONYM_CHUNK = re.compile(r"[A-Z][A-Z0-9/&.-]*(?:\s+[A-Z][A-Z0-9/&.-]*){0,2}")
_NAME_CHUNK = re.compile(
    r"[A-Z][\w&./-]*(?:\s+(?:(?:on|of|for|the|and)\s+)?[A-Z0-9][\w&./-]*){0,5}"
)


@dataclass
class _Date:
    year: int
    month: int | None
    season: str | None
    body: tuple[str, str | None] | None
    approx: bool


@dataclass
class _Qualifier:
    kind: str  # season | month | approx
    values: list[tuple[int | None, str | None]]
    start: int
    end: int
    used: bool = False
    inline_body: tuple[str, str | None] | None = None


@dataclass
class _TimelineState:
    milestones: list[Milestone] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    artefacts: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    approx: list[str] = field(default_factory=list)
    continuous_word: bool = False


def _body_group(content: str, bodies: Lexicon) -> list[tuple[str, str | None]] | None:
    """The bodies of a parenthesised group, or None when the group is a note, not a body list."""
    names = _name_list(content, bodies)
    if not names:
        return None
    known = any(body_id for _, body_id in names)
    pattern = _NAME_CHUNK if known else _ACRONYM_CHUNK
    if all(body_id or pattern.fullmatch(chunk) for chunk, body_id in names):
        return names
    return None


def _emit(
    state: _TimelineState,
    dates: list[_Date],
    group: list[tuple[str, str | None]] | None,
    fragment: str,
) -> None:
    """One milestone per date per body (inline body first, else the group, else no body)."""
    for date in dates:
        targets: list[tuple[str | None, str | None]]
        if date.body is not None:
            targets = [date.body]
        elif group:
            targets = list(group)
        else:
            targets = [(None, None)]
        for body_text, body_id in targets:
            state.milestones.append(
                Milestone(fragment, date.year, date.month, date.season, body_id, body_text)
            )
        if date.approx and fragment not in state.approx:
            state.approx.append(fragment)


class _TimelineReader:
    """Reads one paragraph of a timeline: dates gather in a clause until a body group closes it.

    A clause also closes at "." or ";", at the paragraph end, and where a date of another kind
    follows a date with no separator ("Mid-2025 June 2025"), since one clause lists one kind.
    """

    def __init__(self, text: str, bodies: Lexicon, state: _TimelineState) -> None:
        self.bodies = bodies
        self.state = state
        self.work, names = _find_names(text, bodies)
        self.body_at = {n.start: n for n in names}
        self.pending: list[_Date] = []
        self.clause_start: int | None = None
        self.day_start: int | None = None
        self.last_end = 0
        self.qualifier: _Qualifier | None = None
        self.previous = ""  # kind of the previous significant token
        self.run_start: int | None = None
        self.run_end = 0
        self.run_has_word = False

    # -- leftover text runs ------------------------------------------------------------------
    def close_run(self) -> None:
        if self.run_start is not None and self.run_has_word:
            self.state.leftovers.append(self.work[self.run_start : self.run_end].strip())
        self.run_start, self.run_has_word = None, False

    def extend_run(self, start: int, end: int, is_word: bool) -> None:
        if self.run_start is None:
            self.run_start = start
        self.run_end = end
        self.run_has_word = self.run_has_word or is_word

    # -- clauses -----------------------------------------------------------------------------
    def drop_qualifier(self) -> None:
        q = self.qualifier
        if q is not None and not q.used:
            self.state.leftovers.append(self.work[q.start : q.end])
        self.qualifier = None

    def close_clause(self, group: list[tuple[str, str | None]] | None, end: int) -> None:
        if self.pending and self.clause_start is not None:
            _emit(self.state, self.pending, group, self.work[self.clause_start : end].strip())
        self.pending, self.clause_start = [], None

    def start_qualifier(
        self, kind: str, values: list[tuple[int | None, str | None]], m: re.Match[str]
    ) -> None:
        self.close_run()
        q = self.qualifier
        if self.pending and self.previous == "year" and q is not None and q.kind != kind:
            self.close_clause(None, self.last_end)
        self.drop_qualifier()
        start = self.day_start if self.day_start is not None else m.start()
        self.qualifier = _Qualifier(kind, values, start, m.end())
        self.day_start = None
        if self.clause_start is None:
            self.clause_start = start

    def add_year(self, m: re.Match[str]) -> None:
        self.close_run()
        year = int(m.group(0))
        if self.clause_start is None:
            self.clause_start = m.start()
        q = self.qualifier
        values = q.values if q is not None else [(None, None)]
        inline = q.inline_body if q is not None else None
        approx = q is not None and q.kind == "approx"
        for month, season in values:
            if self.pending:
                last = self.pending[-1]
                if (year, month or 0) < (last.year, last.month or 0):
                    self.state.artefacts.append(f"dates out of order at {m.group(0)!r}")
            self.pending.append(_Date(year, month, season, inline, approx))
        if q is not None:
            q.used = True
        self.last_end = m.end()

    def add_body(self, name: _Name) -> None:
        body = (name.text, name.id)
        q = self.qualifier
        if q is not None and not q.used:
            q.inline_body = body  # "Spring PTC 2023"
            self.close_run()
        elif self.previous == "year" and self.pending:
            self.close_run()
            self.close_clause([body], name.end)  # "June 2024 Council"
            self.qualifier = None
        else:
            self.extend_run(name.start, name.end, True)

    def add_number(self, m: re.Match[str], pos: int) -> bool:
        """Handle a non-year number; True when it counts as a significant token."""
        token = m.group(0)
        if token[-1:].isalpha():  # an ordinal such as "28th"
            self.extend_run(m.start(), m.end(), True)
            return True
        rest = self.work[pos:]
        nxt = _TIMELINE_TOKEN.match(self.work, pos + len(rest) - len(rest.lstrip()))
        if nxt is not None and nxt.lastgroup == "month" and len(token) <= 2 and int(token) <= 31:
            self.day_start = m.start()  # a day: "15 June 2024"; the milestone keeps the month
            return False
        self.state.artefacts.append(f"stray digits {token!r}")
        return True

    def add_paren(self, m: re.Match[str]) -> None:
        content = m.group(0)[1:-1]
        group = _body_group(content, self.bodies)
        if group is None:
            note = _squash(content)
            if note:
                self.state.notes.append(note)
        elif self.pending:
            self.close_run()
            self.close_clause(group, m.end())
            self.drop_qualifier()
        else:
            self.extend_run(m.start(), m.end(), True)

    def read(self) -> None:
        work, pos = self.work, 0
        while pos < len(work):
            if work[pos].isspace():
                pos += 1
                continue
            name = self.body_at.get(pos)
            if name is not None:
                pos = name.end
                self.add_body(name)
                self.previous = "body"
                continue
            m = _TIMELINE_TOKEN.match(work, pos)
            if m is None:  # the last alternative matches any non-space; stay total anyway
                pos += 1
                continue
            pos = m.end()
            kind = m.lastgroup or "other"
            token = m.group(0)
            if kind == "season":
                seasons = [s.casefold() for s in re.split(r"\s*/\s*", token)]
                values = [(_SEASON_MONTH[s], _SEASON_NAME.get(s, s)) for s in seasons]
                self.start_qualifier("season", values, m)
            elif kind == "month":
                self.start_qualifier("month", [(_MONTHS[token.rstrip(".").casefold()], None)], m)
            elif kind == "approx":
                self.start_qualifier("approx", [(None, None)], m)
            elif kind == "year":
                self.add_year(m)
            elif kind == "num":
                if not self.add_number(m, pos):
                    continue
            elif kind == "paren":
                self.add_paren(m)
            elif kind == "brk":
                self.close_clause(None, self.last_end)
                self.drop_qualifier()
            elif kind == "word":
                if _CONTINUOUS_WORD.match(token):
                    self.state.continuous_word = True
                    self.close_run()
                else:
                    is_word = token.casefold() not in _TIMELINE_STOPWORDS
                    self.extend_run(m.start(), m.end(), is_word)
            if kind != "other":
                self.previous = kind
        self.close_run()
        self.close_clause(None, self.last_end)
        self.drop_qualifier()


def parse_timeline(
    text: str, bodies: Lexicon, continuous_section: bool
) -> Parsed[tuple[tuple[Milestone, ...], bool]]:
    """Timeline -> (milestones, is_continuous).

    Dates are "Spring/Autumn YYYY" (PTC sessions: spring = April, autumn = October, season
    kept), "Month YYYY", "Mid-YYYY" (month None, flagged) or a bare year. A parenthesised list
    of known bodies ("(PC and Council)") applies to the dates before it, one milestone per body
    per date; a body between season and year ("Spring PTC 2023") applies to that date; dates
    with no body get body None. Other parenthesised text is a note (flagged, not a milestone).
    "Continuous" gives ([], True). Stray digits or dates running backwards in one clause (old
    and new text of a tracked change side by side) are flagged, and only whole dates are kept.
    Empty text gives ([], continuous_section); unreadable text gives ([], False).
    """

    def run() -> Parsed[tuple[tuple[Milestone, ...], bool]]:
        column = "timeline"
        cell = clean_cell(text)
        raw = cell.text
        if not raw:
            flag = Flag("empty-timeline", "no timeline given", "", column)
            return Parsed(((), continuous_section), (flag,))
        state = _TimelineState()
        for paragraph in cell.paragraphs:
            dashed = paragraph.replace("\u2013", "-").replace("\u2014", "-")
            _TimelineReader(dashed, bodies, state).read()
        flags: list[Flag] = []
        if state.continuous_word and not state.milestones:
            if not continuous_section:
                msg = "continuous activity listed among time-bound ones"
                flags.append(Flag("unexpected-continuous", msg, raw, column))
            return Parsed(((), True), tuple(flags))
        if not state.milestones:
            flag = Flag("unparsed-timeline", "no date could be read", raw, column)
            return Parsed(((), False), (flag,))
        is_continuous = state.continuous_word
        if continuous_section:
            msg = "dated timeline in the continuous-activities section"
            flags.append(Flag("continuous-with-deadline", msg, raw, column))
        if state.artefacts:
            msg = "tracked-change residue: " + "; ".join(dict.fromkeys(state.artefacts))
            flags.append(Flag("timeline-revision-artefact", msg, raw, column))
        for fragment in state.approx:
            flags.append(Flag("approximate-date", "no month given for this date", fragment, column))
        unresolved: list[str] = []
        for ms in state.milestones:
            if ms.body_text is not None and ms.body_id is None and ms.body_text not in unresolved:
                unresolved.append(ms.body_text)
        for name in unresolved:
            flags.append(Flag("unresolved-body", "body name not in the lexicon", name, column))
        for note in state.notes:
            flags.append(Flag("timeline-note", "parenthesised note, not a date", note, column))
        for left in state.leftovers:
            flags.append(Flag("timeline-leftover", "text not read as a date or body", left, column))
        return Parsed((tuple(state.milestones), is_continuous), tuple(flags))

    return _guard("timeline", ((), False), run)


# --------------------------------------------------------------------------------------------
# 9. Status
# --------------------------------------------------------------------------------------------

STATUS_COLOURS = {
    "Completed": "green",
    "In progress": "blue",
    "Postponed": "red",
    "Not started": "red",
}
_COLOUR_STATUS = {"green": "Completed", "blue": "In progress"}
_CELL_STATUS = (
    (re.compile(r"\bnot\s+(?:yet\s+)?started\b", re.IGNORECASE), "Not started"),
    (re.compile(r"\b(?:postponed|deferred|on\s+hold|suspended)\b", re.IGNORECASE), "Postponed"),
    (re.compile(r"\b(?:in\s+progress|on-?going|under\s*way)\b", re.IGNORECASE), "In progress"),
    (re.compile(r"\b(?:completed?|done|finished)\b", re.IGNORECASE), "Completed"),
)
_LEADING = re.compile(
    r"^[\W_]*(?:status(?:\s+of\s+completion)?\s*[:\-\u2013]\s*)?"
    r"(?P<kw>completed|postponed|not\s+(?:yet\s+)?started(?:\s+yet)?|in\s+progress|on-?going)\b"
    r"(?!\s+[a-z])",
    re.IGNORECASE,
)
_COMPLETED_WORDING = re.compile(
    r"\b(?:has|have|had)\s+(?:now\s+)?been\s+(?:successfully\s+|fully\s+)?"
    r"(?:completed|finali[sz]ed|accomplished)\b"
    r"|\b(?:was|were|is|are)\s+(?:now\s+)?(?:successfully\s+|fully\s+)?"
    r"(?:completed|accomplished)\b",
    re.IGNORECASE,
)
_POSTPONED_WORDING = re.compile(
    r"\b(?:has|have|had)\s+been\s+(?:postponed|deferred|put\s+on\s+hold|suspended)\b"
    r"|\b(?:was|were|is|are)\s+(?:postponed|deferred|put\s+on\s+hold|on\s+hold|suspended)\b"
    r"|\bpostponed\s+(?:to|until)\b",
    re.IGNORECASE,
)
_NOT_STARTED = re.compile(
    r"\bnot\s+(?:yet\s+)?(?:been\s+)?(?:started|commenced|begun|initiated)\b"
    r"|\b(?:yet|still)\s+to\s+(?:be\s+)?(?:started|commenced|initiated|start|commence|begin)\b"
    r"|\bto\s+be\s+(?:started|commenced|initiated)\b"
    r"|\b(?:planned|expected|scheduled|intended)\s+to\s+(?:start|begin|commence)\s+"
    r"(?:work\s+on\s+)?(?:the|this)\s+activity\b",
    re.IGNORECASE,
)
_IN_PROGRESS_WORDING = re.compile(
    r"\b(?:is|are|remains?|was|were)\s+(?:still\s+|currently\s+)?"
    r"(?:ongoing|on-going|in\s+progress|under\s*way)\b",
    re.IGNORECASE,
)
_KEYWORD_STATUS = (
    (_COMPLETED_WORDING, "Completed"),
    (_POSTPONED_WORDING, "Postponed"),
    (_NOT_STARTED, "Not started"),
    (_IN_PROGRESS_WORDING, "In progress"),
)


def _leading_status(keyword: str) -> str:
    k = keyword.casefold()
    if k.startswith("completed"):
        return "Completed"
    if k.startswith("postponed"):
        return "Postponed"
    if k.startswith("not"):
        return "Not started"
    return "In progress"


def _status_from_cell(
    cell: str, progress_text: str, flags: list[Flag]
) -> tuple[str, str, str] | None:
    column = "status"
    lowered = cell.casefold()
    colours = {c for c in ("green", "blue", "red") if re.search(rf"\b{c}\b", lowered)}
    words = {status for pattern, status in _CELL_STATUS if pattern.search(cell)}
    if len(words) > 1 or len(colours) > 1:
        flags.append(
            Flag("unknown-completion-status", "several statuses in one cell", cell, column)
        )
        return None
    rule = "completion-status-column"
    if words:
        status = words.pop()
        colour = STATUS_COLOURS[status]
        if colours and colour not in colours:
            msg = "colour and wording disagree; wording kept"
            flags.append(Flag("conflicting-completion-status", msg, cell, column))
        return status, colour, rule
    if colours:
        colour = colours.pop()
        if colour in _COLOUR_STATUS:
            return _COLOUR_STATUS[colour], colour, rule
        if _POSTPONED_WORDING.search(progress_text) or re.search(
            r"\bpostpon", progress_text, re.IGNORECASE
        ):
            return "Postponed", "red", rule
        if not _NOT_STARTED.search(progress_text):
            msg = "red means postponed or not started; taken as not started"
            flags.append(Flag("ambiguous-red-status", msg, cell, column))
        return "Not started", "red", rule
    flags.append(Flag("unknown-completion-status", "no colour or status word", cell, column))
    return None


def derive_status(progress: Sequence[str], completion_cell: str) -> Parsed[tuple[str, str, str]]:
    """Status, legend colour and the rule that decided it, for one activity.

    Rules, first that applies wins:
    1. ``completion-status-column``: the completion cell names a colour (green/blue/red) or a
       status; red is Postponed when the progress says so, else Not started.
    2. ``leading-keyword:<kw>``: the first progress paragraph that starts with a status label
       (Completed, Postponed, Not started, In progress, Ongoing/On-going) gives it.
    3. ``keyword:<kw>``: clear wording anywhere ("has been completed", "was postponed",
       "not yet started", "is ongoing"...); the LAST such phrase wins, since progress is
       written in date order and the newest statement is the current one.
    4. ``default:progress-reported``: some progress text -> In progress.
    5. ``default:no-progress``: no progress text -> Not started.
    An empty completion cell is flagged ``empty-completion-status``; rules 3-5 also raise
    ``status-from-progress``, since the status is then inferred, not stated.
    """

    def run() -> Parsed[tuple[str, str, str]]:
        column = "status"
        items = [progress] if isinstance(progress, str) else list(progress)
        paragraphs = [p for p in (_prep(str(item)) for item in items) if p]
        progress_text = " ".join(paragraphs)
        cell = _prep(completion_cell)
        flags: list[Flag] = []
        if not cell:
            msg = "completion status cell is empty; status derived from progress"
            flags.append(Flag("empty-completion-status", msg, "", column))
        else:
            found = _status_from_cell(cell, progress_text, flags)
            if found:
                return Parsed(found, tuple(flags))
        for paragraph in paragraphs:
            m = _LEADING.match(paragraph)
            if m:
                status = _leading_status(m.group("kw"))
                rule = "leading-keyword:" + _squash(m.group("kw")).casefold()
                return Parsed((status, STATUS_COLOURS[status], rule), tuple(flags))
        best: tuple[int, str, str] | None = None
        for pattern, status in _KEYWORD_STATUS:
            for m in pattern.finditer(progress_text):
                if best is None or m.start() > best[0]:
                    best = (m.start(), status, _squash(m.group(0)).casefold())
        if best is not None:
            _, status, keyword = best
            rule = f"keyword:{keyword}"
        elif paragraphs:
            status, rule, keyword = "In progress", "default:progress-reported", ""
        else:
            status, rule, keyword = "Not started", "default:no-progress", ""
        msg = "status inferred from the progress text"
        flags.append(Flag("status-from-progress", msg, keyword, column))
        return Parsed((status, STATUS_COLOURS[status], rule), tuple(flags))

    return _guard("status", ("Not started", "red", "default:no-progress"), run)
