"""Render tabular results as a terminal table, CSV or JSON (one module for every command)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Sequence

from wcokg.store.base import SelectResult

FORMATS = ("table", "csv", "json")


def select_records(result: SelectResult) -> tuple[list[str], list[dict[str, object]]]:
    """Column names and rows of plain values for a SELECT result."""
    rows: list[dict[str, object]] = [
        {v: str(row[v]) if v in row else "" for v in result.variables} for row in result.rows
    ]
    return result.variables, rows


def render(columns: Sequence[str], rows: Sequence[dict[str, object]], fmt: str) -> str:
    """Rows as `table`, `csv` or `json` text."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: spreadsheet_safe(_cell(row.get(c))) for c in columns})
        return buffer.getvalue()
    if fmt == "json":
        return (
            json.dumps(
                [{c: row.get(c) for c in columns} for row in rows], indent=2, ensure_ascii=False
            )
            + "\n"
        )
    return _table(columns, rows)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is run as a formula by spreadsheet programs (OWASP: CSV
injection, e.g. `=cmd|' /C calc'!A0`)."""


def spreadsheet_safe(text: str) -> str:
    """`text` with a leading `'` when a spreadsheet would read it as a formula (a number such
    as `-1` or `+2.5` is left alone); every CSV this project writes goes through here."""
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _table(columns: Sequence[str], rows: Sequence[dict[str, object]]) -> str:
    """A plain aligned table, cells cut to fit the terminal width."""
    width = shutil.get_terminal_size((160, 24)).columns
    limit = max(8, (width - 3 * len(columns)) // max(1, len(columns)))
    cells = [[_short(_cell(row.get(c)), limit) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines) + "\n"


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
