"""The bundled PTC Work Programme 2022-2025: counts, ids and provenance the issue requires."""

from __future__ import annotations

from collections import Counter

from wcokg.build import BuildReport
from wcokg.store import EmbeddedStore
from wcokg.table import activity_rows


def test_current_and_deleted_counts(seed_report: BuildReport) -> None:
    (programme,) = seed_report.programmes
    assert len(programme.current()) == 94
    assert sum(a.deleted for a in programme.activities) == 3
    deleted_by_section = Counter(a.section for a in programme.activities if a.deleted)
    assert deleted_by_section == {"I": 1, "II": 2}


def test_ids_each_exactly_once(seed_report: BuildReport) -> None:
    (programme,) = seed_report.programmes
    ids = Counter(a.id for a in programme.current())
    expected = [f"I-{n}" for n in range(1, 43)] + [f"II-{n}" for n in range(1, 53)]
    assert sorted(ids) == sorted(expected)
    assert set(ids.values()) == {1}


def test_programme_identity(seed_report: BuildReport) -> None:
    (programme,) = seed_report.programmes
    assert programme.id == "ptc-2022-2025"
    assert programme.body_id == "ptc"
    assert (programme.start_year, programme.end_year) == (2022, 2025)
    assert programme.doc_reference == "PC0756"


def test_every_current_activity_has_the_legend_fields(seed_report: BuildReport) -> None:
    (programme,) = seed_report.programmes
    for a in programme.current():
        assert a.priority in {"A", "B", "C"}, a.id
        assert a.strategic_link is not None, a.id
        assert a.strategic_codes, a.id
        assert a.task_type in {"Maintenance", "Updating", "Development"}, a.id
        assert a.bodies and a.bodies[0].body_id, a.id
        assert a.status in {"Completed", "In progress", "Not started", "Postponed"}, a.id
        assert a.line_start <= a.line_end


def test_section_two_is_continuous_and_section_one_has_milestones(seed_report: BuildReport) -> None:
    (programme,) = seed_report.programmes
    for a in programme.current():
        if a.section == "II":
            assert a.continuous
        else:
            assert a.milestones, f"{a.id} has no milestone: {a.timeline!r}"


def test_continuation_rows_extend_provenance(seed_report: BuildReport) -> None:
    (programme,) = seed_report.programmes
    continued = [a for a in programme.current() if a.line_end > a.line_start]
    assert continued, "the seed has rows split by page breaks"
    for a in continued:
        assert len(a.raw_lines) >= 2


def test_activities_table_from_the_store(seed_store: EmbeddedStore) -> None:
    rows = activity_rows(seed_store)
    assert len(rows) == 94
    assert len(activity_rows(seed_store, include_deleted=True)) == 97
    assert {r.revision for r in activity_rows(seed_store, include_deleted=True)} == {
        "unchanged",
        "renumbered",
        "inserted",
        "deleted",
    }
    for r in rows:
        assert r.iri.endswith("/" + r.id)
        assert r.source_lines
        assert r.lead_body == r.responsible_bodies.split("; ")[0]
