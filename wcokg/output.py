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
            writer.writerow({c: _cell(row.get(c)) for c in columns})
        return buffer.getvalue()
    if fmt == "json":
        return (
            json.dumps(
                [{c: row.get(c) for c in columns} for row in rows], indent=2, ensure_ascii=False
            )
            + "\n"
        )
    return _table(columns, rows)


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
