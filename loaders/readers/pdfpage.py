"""What the PDF reader needs from one page, read with pypdfium2 (PDFium, Chromium's PDF engine):
its glyphs with their boxes and baselines, its ruling lines, its thin strokes (underline and
strike-through candidates) and the table cells the ruling lines enclose.

Coordinates are in points from the page's top-left corner (y grows downwards).
"""

from __future__ import annotations

import ctypes
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

Segment = tuple[float, float, float]
"""A horizontal line (x0, x1, y) or a vertical one (x, top, bottom)."""

RULE_THICKNESS = 2.0
"""A shape at most this thick (pt) is a line: a ruling line or a text decoration."""
_TOUCH = 2.0  # pt: how close a horizontal line's ends must come to vertical rules to be a rule
_HYPHENS = {"\ufffe": "-", "\x02": "-"}  # PDFium's mark for a hyphen that ends a line
_MIN_ROW = 3.0  # pt: bands thinner than this between horizontal rules are not rows


@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float
    size: float


@dataclass(slots=True)
class Cell:
    x0: float
    x1: float
    glyphs: list[Glyph] = field(default_factory=list)


@dataclass(slots=True)
class TableRow:
    """A band between two horizontal rules crossed by two or more vertical rules: its cells."""

    top: float
    bottom: float
    cells: list[Cell]


@dataclass
class Page:
    number: int
    height: float
    rows: list[TableRow]
    loose: list[Glyph]
    strokes: list[Segment]
    """Thin horizontal shapes that are not ruling lines: (x0, x1, middle y)."""


def _cluster(values: list[float], tolerance: float = 1.5) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > tolerance:
            out.append(value)
    return out


def _glyphs(page: Any, height: float) -> list[Glyph]:
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        if count <= 0:
            return []
        text = textpage.get_text_range(0, count)
        raw = textpage.raw
        box = pdfium_c.FS_RECTF()
        x, y = ctypes.c_double(), ctypes.c_double()
        loose_box, origin = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin
        x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
        glyphs = []
        for index, char in enumerate(text[:count]):
            char = _HYPHENS.get(char, char)
            if char.isspace() or not char.isprintable():
                continue  # spaces are read from the gaps between glyphs
            if not loose_box(raw, index, box):
                continue
            origin(raw, index, x_ref, y_ref)
            # the loose box spans the font's ascent to descent: about 1.15 em in common fonts
            size = (box.top - box.bottom) / 1.15
            glyphs.append(
                Glyph(char, box.left, box.right, height - box.top, height - box.bottom,
                      height - y.value, size or 1.0)
            )  # fmt: skip
        return glyphs
    finally:
        textpage.close()


def _shapes(page: Any, height: float) -> tuple[list[Segment], list[Segment]]:
    """Thin horizontal (x0, x1, y) and vertical (x, top, bottom) shapes of a page."""
    import pypdfium2.raw as pdfium_c

    horizontal: list[Segment] = []
    vertical: list[Segment] = []
    for shape in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        left, bottom, right, top = shape.get_bounds()
        width, tall = right - left, top - bottom
        if tall <= RULE_THICKNESS and width >= 1.0:
            horizontal.append((left, right, height - (top + bottom) / 2))
        elif width <= RULE_THICKNESS and tall > 5.0:
            vertical.append(((left + right) / 2, height - top, height - bottom))
    return horizontal, vertical


def _joined(vertical: list[Segment], horizontal: list[Segment]) -> list[Segment]:
    """Vertical lines that a horizontal line meets: a table's rules (a change bar in the margin
    meets none)."""
    by_y = sorted(horizontal, key=lambda h: h[2])
    ys = [h[2] for h in by_y]
    kept = []
    for v in vertical:
        x, top, bottom = v
        near = by_y[bisect_left(ys, top - _TOUCH) : bisect_right(ys, bottom + _TOUCH)]
        if any(h[0] - _TOUCH <= x <= h[1] + _TOUCH for h in near):
            kept.append(v)
    return kept


def _is_rule(line: Segment, vertical: list[Segment]) -> bool:
    """A horizontal line is a ruling line when both its ends meet vertical rules."""
    x0, x1, y = line
    ends = [v[0] for v in vertical if v[1] - _TOUCH <= y <= v[2] + _TOUCH]
    return any(abs(x0 - e) <= _TOUCH for e in ends) and any(abs(x1 - e) <= _TOUCH for e in ends)


def _rows(rules: list[Segment], vertical: list[Segment]) -> list[TableRow]:
    """Table rows: bands between successive horizontal rules (and the first and last ends of the
    vertical rules, where a page break cut a row) that two or more vertical rules cross; cells
    between them (rules closer than 3 pt, e.g. a change bar beside a border, count as one)."""
    ends = [min(v[1] for v in vertical), max(v[2] for v in vertical)] if vertical else []
    ys = _cluster([r[2] for r in rules] + ends)
    rows = []
    for top, bottom in zip(ys, ys[1:], strict=False):
        if bottom - top < _MIN_ROW:
            continue
        crossing = [v[0] for v in vertical if v[1] <= top + _TOUCH and v[2] >= bottom - _TOUCH]
        xs = _cluster(crossing, tolerance=_MIN_ROW)  # no cell is narrower than a row is low
        if len(xs) >= 2:
            rows.append(
                TableRow(top, bottom, [Cell(a, b) for a, b in zip(xs, xs[1:], strict=False)])
            )
    return rows


def _across_rules(glyphs: list[Glyph], vertical: list[Segment]) -> list[Glyph]:
    """Glyphs of text runs (words less than half an em apart on one baseline) that cross a
    vertical rule: no cell's text does, so they are drawn over the table (a running header)."""
    rules = sorted(vertical)
    xs = [v[0] for v in rules]
    crossing: list[Glyph] = []
    run: list[Glyph] = []

    def close() -> None:
        if len(run) > 1:
            x0, x1, base = run[0].x0, run[-1].x1, run[0].baseline
            inside = rules[bisect_right(xs, x0) : bisect_left(xs, x1)]
            if any(v[1] <= base <= v[2] for v in inside):
                crossing.extend(run)
        run.clear()

    lines: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: g.baseline):
        if not lines or glyph.baseline - lines[-1][0].baseline > 0.3 * glyph.size:
            lines.append([])
        lines[-1].append(glyph)
    for line in lines:
        for glyph in sorted(line, key=lambda g: g.x0):
            if run and glyph.x0 - run[-1].x1 > 0.5 * glyph.size:
                close()
            run.append(glyph)
        close()
    return crossing


def read_page(page: Any, number: int) -> Page:
    """One page: glyphs placed in the table cells whose box holds their centre, the rest loose."""
    height = page.get_height()
    glyphs = _glyphs(page, height)
    horizontal, vertical = _shapes(page, height)
    vertical = _joined(vertical, horizontal)
    rules: list[Segment] = []
    strokes: list[Segment] = []
    for line in horizontal:
        (rules if _is_rule(line, vertical) else strokes).append(line)
    rows = _rows(rules, vertical)
    loose = _across_rules(glyphs, vertical)
    crossing = {id(g) for g in loose}
    placed: set[int] = set(crossing)
    by_middle = sorted(glyphs, key=lambda g: g.top + g.bottom)
    middles = [(g.top + g.bottom) / 2 for g in by_middle]
    for row in rows:  # rows do not overlap: each glyph falls in one row band at most
        lefts = [cell.x0 for cell in row.cells]
        start, end = bisect_left(middles, row.top), bisect_right(middles, row.bottom)
        for glyph in by_middle[start:end]:
            if id(glyph) in placed:
                continue
            centre = (glyph.x0 + glyph.x1) / 2
            at = bisect_right(lefts, centre) - 1
            if at >= 0 and centre <= row.cells[at].x1:
                row.cells[at].glyphs.append(glyph)
                placed.add(id(glyph))
    loose.extend(g for g in glyphs if id(g) not in placed)
    return Page(number, height, rows, loose, strokes)
