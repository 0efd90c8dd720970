"""Make a later revision of a work programme by editing a copy of its Markdown, as the Secretariat
does between sessions: a new document code, cells edited, rows struck out, inserted or moved,
numbers rewritten with tracked-change marks relative to the earlier revision."""

from __future__ import annotations

from dataclasses import dataclass, field

from wcokg.loaders.programme import build_programme
from wcokg.loaders.readers.markdown import parse as read_document
from wcokg.loaders.readers.markdown import split_cells
from wcokg.loaders.records import Activity, Programme
from wcokg.loaders.reference import load_reference

COLUMNS = (
    "number", "priority", "strategic_link", "title", "strategic_codes", "task_type",
    "responsible_bodies", "team_resources", "kpi", "timeline", "progress", "completion_status",
)  # fmt: skip
"""The template's twelve columns, in order."""


def parse(text: str, path: str = "revision.md") -> Programme:
    """The programme a Markdown text reads as (no file needed)."""
    return build_programme(read_document(path, text), load_reference())


def row_line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


@dataclass
class Revised:
    """The edited text and, for every activity of the earlier revision kept, its new id."""

    text: str
    ids: dict[str, str]
    inserted: list[str] = field(default_factory=list)


def revise(
    text: str,
    code: str,
    *,
    cells: dict[str, dict[str, str]] | None = None,
    strike: tuple[str, ...] = (),
    mark_struck: bool = False,
    insert_after: dict[str, list[str]] | None = None,
    order: dict[str, list[str]] | None = None,
    marks: bool = True,
) -> Revised:
    """A later revision of `text` under document code `code`.

    `cells` edits cells of the first line of an activity's row ({id: {column: Markdown}});
    `strike` removes rows (or, with `mark_struck`, keeps them with their old number alone, the
    document's mark of a struck-out row); `insert_after` adds a row (eleven cells after No.) after
    an activity; `order` gives a section's activities in a new order. Rows struck out in the
    earlier revision are dropped. Numbers run 1, 2, 3 … again; with `marks`, a changed number is
    written ``old new.`` and an inserted one underlined, else plainly.
    """
    earlier = parse(text)
    lines = text.splitlines()
    old_code = earlier.doc_reference or ""
    cells = cells or {}
    insert_after = insert_after or {}
    order = order or {}
    ids: dict[str, str] = {}
    inserted: list[str] = []
    replacement: dict[int, list[str]] = {}
    removed: set[int] = set()
    for section in earlier.sections:
        rows = [a for a in earlier.activities if a.section == section.key]
        positions = [i for a in rows for i in _row_lines(lines, a)]
        removed.update(positions)
        live = [a for a in rows if not a.deleted]
        if section.key in order:
            by_id = {a.id: a for a in live}
            live = [by_id[i] for i in order[section.key]]
        block: list[str] = []
        number = 0
        for activity in live:
            if activity.id in strike:
                if mark_struck:
                    block += _block(lines, activity, f"{activity.number}", cells)
                continue
            number += 1
            new = (
                f"{number}."
                if number == activity.number or not marks
                else (f"{activity.number} {number}.")
            )
            ids[activity.id] = f"{section.key}-{number}"
            block += _block(lines, activity, new, cells)
            if activity.id in insert_after:
                number += 1
                mark = f"<u>{number}.</u>" if marks else f"{number}."
                width = len(split_cells(lines[activity.line_start - 1]))  # its table's columns
                block.append(row_line([mark, *insert_after[activity.id]][:width]))
                inserted.append(f"{section.key}-{number}")
        replacement[min(positions)] = block
    out: list[str] = []
    for index, line in enumerate(lines):
        if index in replacement:
            out += replacement[index]
        if index not in removed:
            out.append(line.replace(f"Doc. {old_code}", f"Doc. {code}") if old_code else line)
    return Revised("\n".join(out) + "\n", ids, inserted)


def _row_lines(lines: list[str], activity: Activity) -> list[int]:
    """0-based indices of the table lines of an activity's row: its first line, then the
    continuation rows (its raw lines after the first, found between its first and last line)."""
    found = [activity.line_start - 1]
    wanted = list(activity.raw_lines[1:])
    for index in range(activity.line_start, activity.line_end):
        if wanted and lines[index] == wanted[0]:
            found.append(index)
            wanted.pop(0)
    return found


def _block(
    lines: list[str], activity: Activity, number: str, cells: dict[str, dict[str, str]]
) -> list[str]:
    first = split_cells(lines[activity.line_start - 1])
    first[0] = number
    for column, value in cells.get(activity.id, {}).items():
        first[COLUMNS.index(column)] = value
    rest = [lines[i] for i in _row_lines(lines, activity)[1:]]
    return [row_line(first), *rest]


def single_line(programme: Programme, section: str) -> list[Activity]:
    """Current activities of a section whose row is one table line (no page-break continuation)."""
    return [
        a
        for a in programme.activities
        if a.section == section and not a.deleted and a.line_start == a.line_end
    ]
