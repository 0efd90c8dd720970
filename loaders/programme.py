"""Turn a read document into a typed Programme: numbering, normalised cells, flags, provenance."""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from pathlib import Path

from wcokg.loaders import cells as c
from wcokg.loaders import readers
from wcokg.loaders.document import Document
from wcokg.loaders.lexicon import Lexicon
from wcokg.loaders.numbering import number_section
from wcokg.loaders.records import Activity, Flag, Programme, Row
from wcokg.loaders.reference import Reference, load_reference
from wcokg.namespaces import slug

_LEGEND_CODE_RE = re.compile(r"\*\*\s*([A-Z]{2,4}\d{1,2})\s*\*\*")
_YEARS_RE = re.compile(r"((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)")
_SESSION_RE = re.compile(
    r"\b(\d{1,3})(?:st|nd|rd|th)(?:\s*/\s*\d{1,3}(?:st|nd|rd|th))?\s+(?:[A-Z][\w.]*\s+)?Sessions?\b"
)
_MONTHS = [name.lower() for name in calendar.month_name[1:]]
_MONTH_YEAR_RE = re.compile(rf"\b({'|'.join(_MONTHS)})\s+((?:19|20)\d\d)\b", re.IGNORECASE)


def load_programme(
    path: Path, reference: Reference | None = None, progress: readers.Progress | None = None
) -> Programme:
    """Read (Markdown, Word or PDF; see loaders/readers) and normalise one work-programme document;
    `progress` hears about long reads (a PDF's pages)."""
    reference = reference or load_reference()
    return build_programme(readers.read(path, progress), reference)


def legend_codes(document: Document) -> tuple[str, ...]:
    """Strategic-plan codes the document's legend defines (the footnote listing **SP1** - …)."""
    for note in document.footnotes.values():
        codes = _LEGEND_CODE_RE.findall(note.text) or re.findall(
            r"\b([A-Z]{2,4}\d{1,2})\s*-\s", note.text
        )
        if len(codes) >= 3:
            return tuple(dict.fromkeys(codes))
    for line in document.lines:
        codes = _LEGEND_CODE_RE.findall(line)
        if len(codes) >= 3:
            return tuple(dict.fromkeys(codes))
    return ()


def programme_identity(
    document: Document, bodies: Lexicon
) -> tuple[str, str | None, int | None, int | None]:
    """Programme id (e.g. ``ptc-2022-2025``), owner body id and cycle years, from the title."""
    title = document.title
    years = _YEARS_RE.search(title) or next(
        (m for m in (_YEARS_RE.search(line) for line in document.lines) if m), None
    )
    start, end = (int(years.group(1)), int(years.group(2))) if years else (None, None)
    owner = None
    for acronym in re.findall(r"\(([^)]{2,20})\)", title):
        owner = bodies.lookup(acronym)
        if owner:
            break
    if owner is None:
        matches = bodies.find_all(title)
        owner = matches[0].id if matches else None
    parts = [owner or slug(title)[:40]] + ([str(start), str(end)] if start and end else [])
    return "-".join(parts), owner, start, end


def stated_session(document: Document) -> tuple[str | None, int | None, str | None]:
    """The session a document says it reports progress for, outside its tables and footnotes.

    A line such as ``243rd/244th PTC Sessions, April 2024`` gives the session as written, its
    first ordinal (243) and the month (``2024-04``); (None, None, None) when no line states one.
    """
    notes = {note.line for note in document.footnotes.values()}
    for index, line in enumerate(document.lines, start=1):
        if line.lstrip().startswith("|") or index in notes:
            continue
        session = _SESSION_RE.search(line)
        if session is None:
            continue
        month = _MONTH_YEAR_RE.search(line)
        when = (
            f"{month.group(2)}-{_MONTHS.index(month.group(1).lower()) + 1:02d}" if month else None
        )
        return session.group(0), int(session.group(1)), when
    return None, None, None


def build_programme(document: Document, reference: Reference) -> Programme:
    """Normalise every row of the document into an Activity."""
    codes = legend_codes(document)
    wp_id, owner, start, end = programme_identity(document, reference.bodies)
    sections = {s.key: s for s in document.sections}
    activities: list[Activity] = []
    flags: list[Flag] = []
    if not codes:
        flags.append(Flag("no-legend", "No strategic-plan legend found in the document"))
    for key in sections:
        rows = [r for r in document.rows if r.section == key]
        numbering = number_section([r.cells.get("number", "") for r in rows])
        used: set[str] = set()
        for row, numbered in zip(rows, numbering, strict=True):
            if numbered.number is None:
                flags.append(
                    Flag(
                        "unreadable-number",
                        f"Row at line {row.line_start} has no readable number",
                        row.cells.get("number", ""),
                        "number",
                    )
                )
                continue
            activity = _activity(
                row,
                numbered.number,
                numbered.previous_number,
                numbered.revision,
                sections[key].continuous,
                codes,
                reference,
            )
            activity.flags[:0] = list(numbered.flags)
            while activity.id in used:
                activity.id_suffix = f"{activity.id_suffix or ''}-dup"
            used.add(activity.id)
            activities.append(activity)
    for line, reason in document.skipped:
        if reason.startswith("row without"):
            flags.append(Flag("orphan-row", f"Line {line}: {reason}", document.lines[line - 1]))
    session, ordinal, when = stated_session(document)
    return Programme(
        session=session,
        session_ordinal=ordinal,
        reports_for=when,
        id=wp_id,
        title=document.title,
        body_id=owner,
        start_year=start,
        end_year=end,
        doc_reference=document.doc_reference,
        source_path=document.path,
        source_sha256=document.sha256,
        source_lines=len(document.lines),
        sections=document.sections,
        footnotes=document.footnotes,
        activities=activities,
        flags=flags,
    )


def _activity(
    row: Row,
    number: int,
    previous: int | None,
    revision: str,
    continuous: bool,
    codes: tuple[str, ...],
    reference: Reference,
) -> Activity:
    cells = {key: c.clean_cell(raw) for key, raw in row.cells.items()}
    if revision == "deleted":  # a struck-out row is described as it was
        cells = {k: replace(v, paragraphs=v.previous or v.paragraphs) for k, v in cells.items()}
    if revision == "unchanged" and cells["number"].inserted:
        revision, previous = "inserted", None

    def text(key: str) -> str:
        cell = cells.get(key)
        return cell.text if cell else ""

    flags: list[Flag] = []
    priority = c.parse_priority(text("priority"))
    link = c.parse_strategic_link(text("strategic_link"))
    strategic = c.parse_strategic_codes(text("strategic_codes"), codes)
    task = c.parse_task_type(text("task_type"))
    bodies = c.parse_bodies(text("responsible_bodies"), reference.bodies)
    resources = c.parse_team_resources(text("team_resources"), reference.units)
    timeline = c.parse_timeline(text("timeline"), reference.bodies, continuous)
    progress = cells["progress"].paragraphs if "progress" in cells else ()
    completion = text("completion_status")
    status = c.derive_status(progress, completion)
    for parsed in (priority, link, strategic, task, bodies, resources, timeline, status):
        flags.extend(parsed.flags)
    milestones, is_continuous = timeline.value
    status_value, _colour, rule = status.value
    title_cell = cells.get("title")
    return Activity(
        section=row.section,
        number=number,
        previous_number=previous,
        revision=revision,
        raw_number=row.cells.get("number", ""),
        title=title_cell.text if title_cell else "",
        title_paragraphs=title_cell.paragraphs if title_cell else (),
        priority=priority.value,
        strategic_link=link.value,
        strategic_codes=strategic.value,
        task_type=task.value,
        bodies=bodies.value,
        team_resources=text("team_resources"),
        allocations=resources.value,
        kpi=text("kpi"),
        timeline=text("timeline"),
        milestones=milestones,
        continuous=is_continuous or continuous,
        progress=progress,
        status=status_value,
        status_rule=rule,
        completion_status_cell=completion,
        line_start=row.line_start,
        line_end=row.line_end,
        cells=cells,
        raw_lines=row.raw_lines,
        flags=flags,
    )
