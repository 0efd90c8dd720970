"""Revisions: order, identity across revisions, named graphs, the current view and the diff.

Later revisions are made by editing a copy of the seed (tests/revision_edits.py) and by small
hand-written programmes; every expected diff is written out in full.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from clirunner import run_wcokg
from revision_edits import parse, revise, single_line

from wcokg.build import BuildReport, build_graph, bundled_sources
from wcokg.errors import SourceFormatError
from wcokg.history import CHANGE_COLUMNS, diff_store, list_revisions
from wcokg.loaders.records import Programme
from wcokg.loaders.revisions import match_activities, order_revisions, plan_revisions
from wcokg.namespaces import Minter
from wcokg.store.memory import MemoryStore
from wcokg.table import activity_rows

SEED = next(p for p in bundled_sources() if p.suffix == ".md")
NEW_ROW = [
    "B", "Y", "Develop guidance on the exchange of revision histories between administrations",
    "SP1", "Development", "PTC, Council", "One officer of the Facilitation Sub-Directorate",
    "Guidance endorsed", "June 2025 (PTC)", "Not started.", "",
]  # fmt: skip

Row = tuple[str, str, str, str, str, str]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed() -> Programme:
    return parse(SEED.read_text(encoding="utf-8"), str(SEED))


def build(tmp_path: Path, *texts: str) -> tuple[BuildReport, MemoryStore]:
    """Build the given revisions (Markdown texts, in this order) into a store in memory."""
    paths = []
    for index, text in enumerate(texts):
        path = tmp_path / f"revision-{index}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    report = build_graph(paths, Minter())
    store = MemoryStore()
    store.replace(report.graph, named_graphs=report.named_graphs)
    return report, store


def changes(store: MemoryStore, **kwargs: str) -> set[Row]:
    """The diff, computed from the two revision tables and as the build recorded it (equal)."""
    found = diff_store(store, **kwargs, recorded=False)  # type: ignore[misc]
    assert diff_store(store, **kwargs) == found  # type: ignore[misc]
    rows = {(c.change, c.activity, c.previous_activity, c.field, c.old, c.new) for c in found}
    assert len(rows) == len(found)  # no row twice
    return rows


def renumbered(ids: dict[str, str]) -> set[Row]:
    """The renumbered rows implied by old id -> new id (numbers as old and new values)."""
    return {
        ("renumbered", new, old, "", old.rsplit("-", 1)[1], new.rsplit("-", 1)[1])
        for old, new in ids.items()
        if old != new
    }


def values(store: MemoryStore, activity_id: str, revision: int = -1) -> dict[str, object]:
    (info,) = [r for r in list_revisions(store)][revision : revision + 1 or None]
    rows = activity_rows(store, include_deleted=True, graphs=info.graphs)
    return next(r.as_dict() for r in rows if r.id == activity_id)


# --- synthetic revisions of the seed, each with its exact diff ----------------------------------


def test_status_changed_by_new_progress_text(
    tmp_path: Path, seed_text: str, seed: Programme
) -> None:
    target = next(a for a in single_line(seed, "I") if a.status == "In progress")
    later = revise(
        seed_text, "PC0800", cells={target.id: {"progress": "Completed. The report was adopted."}}
    )
    _, store = build(tmp_path, seed_text, later.text)
    old_progress = values(store, target.id, 0)["progress"]
    assert changes(store) == {
        ("changed", target.id, target.id, "status", "In progress", "Completed"),
        (
            "changed",
            target.id,
            target.id,
            "progress",
            old_progress,
            "Completed. The report was adopted.",
        ),
    }


def test_struck_row_and_later_rows_renumbered(
    tmp_path: Path, seed_text: str, seed: Programme
) -> None:
    struck = single_line(seed, "I")[5]
    later = revise(seed_text, "PC0800", strike=(struck.id,))
    _, store = build(tmp_path, seed_text, later.text)
    expected = {("struck", "", struck.id, "", "", "")} | renumbered(later.ids)
    assert changes(store) == expected
    assert len(expected) > 10  # every later row of section I moved up


def test_struck_row_marked_in_the_document(tmp_path: Path, seed_text: str, seed: Programme) -> None:
    struck = single_line(seed, "I")[5]
    later = revise(seed_text, "PC0800", strike=(struck.id,), mark_struck=True)
    _, store = build(tmp_path, seed_text, later.text)
    assert changes(store) == {
        ("struck", f"{struck.id}-deleted", struck.id, "", "", "")
    } | renumbered(later.ids)


def test_inserted_row_and_later_rows_renumbered(
    tmp_path: Path, seed_text: str, seed: Programme
) -> None:
    after = single_line(seed, "I")[3]
    later = revise(seed_text, "PC0800", insert_after={after.id: NEW_ROW})
    report, store = build(tmp_path, seed_text, later.text)
    (added,) = later.inserted
    assert changes(store) == {("added", added, "", "", "", "")} | renumbered(later.ids)
    # The inserted row has an IRI of its own; the row that held its number keeps its IRI.
    rows = {r.id: r.iri for r in activity_rows(store)}
    assert rows[added].endswith(f"/activity/{added}-pc0800")
    assert rows[later.ids[added]].endswith(f"/activity/{added}")


def test_priority_and_timeline_changed(tmp_path: Path, seed_text: str, seed: Programme) -> None:
    target = next(a for a in single_line(seed, "I") if a.priority == "B" and a.milestones)
    later = revise(
        seed_text, "PC0800", cells={target.id: {"priority": "C", "timeline": "June 2026 (PTC)"}}
    )
    _, store = build(tmp_path, seed_text, later.text)
    old = values(store, target.id, 0)
    assert changes(store) == {
        ("changed", target.id, target.id, "priority", "B", "C"),
        ("changed", target.id, target.id, "timeline", old["timeline"], "June 2026 (PTC)"),
        ("changed", target.id, target.id, "milestones", old["milestones"], "2026-06 ptc"),
    }


def test_title_reworded_slightly(tmp_path: Path, seed_text: str, seed: Programme) -> None:
    target = single_line(seed, "I")[12]
    title = target.title_paragraphs[0]
    reworded = title.replace(title.split()[0], "Revise", 1)
    later = revise(seed_text, "PC0800", cells={target.id: {"title": reworded}})
    report, store = build(tmp_path, seed_text, later.text)
    assert changes(store) == {("changed", target.id, target.id, "title", target.title, reworded)}
    matched = next(a for a in report.programmes[0].activities if a.id == target.id)
    assert matched.match_confidence is not None and 0.5 <= matched.match_confidence < 1


def test_all_edits_together(tmp_path: Path, seed_text: str, seed: Programme) -> None:
    rows = single_line(seed, "I")
    status, struck, priority, title, before = rows[0], rows[5], rows[8], rows[12], rows[10]
    later = revise(
        seed_text,
        "PC0800",
        cells={
            status.id: {"progress": "Completed. The report was adopted."},
            priority.id: {"priority": "C"},
            title.id: {"title": title.title_paragraphs[0] + " (second phase)"},
        },
        strike=(struck.id,),
        insert_after={before.id: NEW_ROW},
    )
    _, store = build(tmp_path, seed_text, later.text)
    found = changes(store)
    ids = later.ids
    assert {(c, a, p, f) for c, a, p, f, _, _ in found} == {
        ("changed", ids[status.id], status.id, "status"),
        ("changed", ids[status.id], status.id, "progress"),
        ("struck", "", struck.id, ""),
        ("changed", ids[priority.id], priority.id, "priority"),
        ("changed", ids[title.id], title.id, "title"),
        ("added", later.inserted[0], "", ""),
    } | {(c, a, p, f) for c, a, p, f, _, _ in renumbered(ids)}


def test_renumbering_a_whole_section_is_renumbered_only(
    tmp_path: Path, seed_text: str, seed: Programme
) -> None:
    section = [a.id for a in seed.current() if a.section == "II"]
    later = revise(seed_text, "PC0800", order={"II": section[::-1]}, marks=False)
    _, store = build(tmp_path, seed_text, later.text)
    expected = renumbered(later.ids)
    assert len(expected) >= len(section) - 1
    assert changes(store) == expected


def test_unchanged_copy_has_no_changes(tmp_path: Path, seed_text: str) -> None:
    _, store = build(tmp_path, seed_text, revise(seed_text, "PC0800").text)
    assert changes(store) == set()


# --- order, identity, refusal ------------------------------------------------------------------


def test_revisions_ordered_by_document_code_not_command_line(
    tmp_path: Path, seed_text: str
) -> None:
    later = revise(seed_text, "PC0800").text
    _, store = build(tmp_path, later, seed_text)
    found = list_revisions(store)
    assert [(r.id, r.index, r.current) for r in found] == [
        ("pc0756", 1, False),
        ("pc0800", 2, True),
    ]


def test_order_from_the_stated_session_then_the_command_line(seed_text: str) -> None:
    a = parse(
        seed_text.replace("Doc. PC0756", "Doc. PC0756\n\n245th/246th PTC Sessions, April 2025")
    )
    b = parse(
        seed_text.replace("Doc. PC0756", "Doc. PC0801\n\n243rd/244th PTC Sessions, April 2024")
    )
    assert (b.session, b.session_ordinal, b.reports_for) == (
        "243rd/244th PTC Sessions",
        243,
        "2024-04",
    )
    assert [p.doc_reference for p in order_revisions([a, b])["ptc-2022-2025"]] == [
        "PC0801",
        "PC0756",
    ]
    c = parse(seed_text.replace("Doc. PC0756", "Doc. XY10"))
    d = parse(seed_text.replace("Doc. PC0756", "Doc. AB20"))
    assert [p.doc_reference for p in order_revisions([c, d])["ptc-2022-2025"]] == ["XY10", "AB20"]


def test_revision_id_from_content_hash_without_a_document_code(seed_text: str) -> None:
    without = parse(seed_text.replace("Doc. PC0756", ""))
    (revision,) = plan_revisions([without])
    assert revision.id == f"sha-{without.source_sha256[:12]}"


def test_same_revision_id_with_different_content_is_refused(
    tmp_path: Path, seed_text: str, seed: Programme
) -> None:
    target = single_line(seed, "I")[0]
    edited = revise(seed_text, "PC0756", cells={target.id: {"priority": "C"}}).text
    other = parse(edited, "other.md")
    with pytest.raises(SourceFormatError, match="claims revision pc0756"):
        order_revisions([seed, other])
    path = tmp_path / "other.md"
    path.write_text(edited, encoding="utf-8")
    store = tmp_path / "store"
    assert run_wcokg(store, "build", "-q", str(SEED)).returncode == 0
    result = run_wcokg(store, "build", "-q", str(SEED), str(path))
    assert result.returncode == 2
    assert (
        result.stderr.count("\n") == 1
        and "claims revision pc0756 of ptc-2022-2025" in result.stderr
    )
    assert "Traceback" not in result.stderr
    listed = run_wcokg(store, "revisions", "--format", "csv")
    assert listed.stdout.splitlines()[1:] == ["ptc-2022-2025,pc0756,PC0756,,,94,true,false"]


def test_same_document_twice_counts_once(seed: Programme) -> None:
    assert len(order_revisions([seed, seed])["ptc-2022-2025"]) == 1


def test_matching_never_by_number_on_a_small_programme() -> None:
    earlier = parse(tiny(["Draft the guide on ports", "Update the rail annex", "Study drones"]))
    later = parse(tiny(["Study drones", "Draft the guide on ports", "Update the rail annex"]))
    pairs = {
        m.later.id: m.earlier.id
        for m in match_activities(earlier.activities, later.activities)
        if m.later and m.earlier
    }
    assert pairs == {"I-1": "I-3", "I-2": "I-1", "I-3": "I-2"}


def test_ambiguous_match_is_flagged_with_a_confidence() -> None:
    earlier = parse(
        tiny(["Review the annex on ports, part one", "Review the annex on ports, part two"])
    )
    later = parse(tiny(["Review the annex on ports, part three"]))
    (match,) = match_activities(earlier.activities, later.activities)
    assert match.earlier is not None and match.ambiguous_with is not None
    assert 0.5 <= match.confidence < 1
    (_, second) = plan_revisions(
        [earlier, parse(tiny(["Review the annex on ports, part three"], "TX2"))]
    )
    (activity,) = second.programme.activities
    assert [f.code for f in activity.flags if f.code == "ambiguous-revision-match"] == [
        "ambiguous-revision-match"
    ]


def test_tracked_change_marks_match_a_rewritten_row() -> None:
    earlier = parse(tiny(["Draft the guide on ports", "Update the rail annex", "Study drones"]))
    titles = ["Prepare a handbook for harbour authorities", "Study drones"]
    marked = parse(tiny(titles, "TX2", ["2 1.", "3 2."]))
    pairs = {
        m.later.id: m.earlier.id if m.earlier else None
        for m in match_activities(earlier.activities, marked.activities)
        if m.later
    }
    assert pairs == {"I-1": "I-2", "I-2": "I-3"}
    plain = parse(tiny(titles, "TX2"))  # the same rows without marks: content alone
    pairs = {
        m.later.id: m.earlier.id if m.earlier else None
        for m in match_activities(earlier.activities, plain.activities)
        if m.later
    }
    assert pairs == {"I-1": None, "I-2": "I-3"}


def test_marks_from_an_older_revision_are_not_trusted() -> None:
    earlier = parse(tiny(["Draft the guide on ports", "Update the rail annex", "Study drones"]))
    # Marks that name the wrong rows (left from another revision): content decides.
    later = parse(tiny(["Study drones", "Draft the guide on ports"], "TX2", ["2 1.", "3 2."]))
    pairs = {
        m.later.id: m.earlier.id
        for m in match_activities(earlier.activities, later.activities)
        if m.later and m.earlier
    }
    assert pairs == {"I-1": "I-3", "I-2": "I-1"}


def test_unrelated_rows_are_not_matched() -> None:
    earlier = parse(tiny(["Draft the guide on ports"]))
    later = parse(tiny(["Organise a regional workshop on e-commerce statistics"]))
    (match,) = match_activities(earlier.activities, later.activities)
    assert match.earlier is None


def tiny(titles: list[str], code: str = "TX1", numbers: list[str] | None = None) -> str:
    """A small programme in the template: one section, one row per title, sharing other cells
    except the KPI (which names the title); `numbers` are the No. cells (default 1., 2., …)."""
    header = (
        "| No. | Priority ranking | Link to the Strategic Plan | Activities | WCO Strategic Plan | "
        "Type of task associated | Responsible body | Team resources | Key Performance Indicators "
        "| Timeline | Progress | Completion status |"
    )
    numbers = numbers or [f"{n}." for n in range(1, len(titles) + 1)]
    rows = [
        f"| {n} | A | Y | {title} | SP1 | Development | PTC, Council | One officer | {title} done "
        f"| June 2025 (PTC) | In progress. | |"
        for n, title in zip(numbers, titles, strict=True)
    ]
    return "\n".join(
        [
            "PERMANENT TECHNICAL COMMITTEE (PTC) WORK PROGRAMME 2022-2025",
            "",
            f"Doc. {code}",
            "",
            "**I. Activities undertaken within a specific timeframe**",
            "",
            header,
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


# --- the graph: named graphs, current view, stable IRIs ------------------------------------------


def test_named_graph_per_revision_with_prov(
    tmp_path: Path, seed_text: str, seed: Programme
) -> None:
    struck = single_line(seed, "I")[5]
    later = revise(seed_text, "PC0800", strike=(struck.id,))
    report, store = build(tmp_path, seed_text, later.text)
    graphs = set(report.named_graphs)
    base = "https://w3id.org/wcokg/"
    assert graphs == {
        f"{base}graph/reference",
        f"{base}wp/ptc-2022-2025/revision/pc0756",
        f"{base}wp/ptc-2022-2025/revision/pc0800",
    }
    prov = store.query(
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT ?prev ?src WHERE { ?r prov:wasRevisionOf ?prev ; prov:wasDerivedFrom [ dcterms:source ?src ] }"
    )
    assert [(str(r["prev"]), str(r["src"])) for r in prov.rows] == [  # type: ignore[union-attr]
        (f"{base}wp/ptc-2022-2025/revision/pc0756", "revision-1.md")
    ]
    moved = next(a for a in single_line(seed, "I") if a.number == struck.number + 1)
    iri = f"{base}wp/ptc-2022-2025/activity/{moved.id}"
    ids = store.query(
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
        f"SELECT ?g ?id WHERE {{ GRAPH ?g {{ <{iri}> dcterms:identifier ?id }} }} ORDER BY ?g"
    )
    assert [str(r["id"]) for r in ids.rows] == [moved.id, later.ids[moved.id]]  # type: ignore[union-attr]
    # Without GRAPH: the current view only (the later revision).
    current = {r.id: r.iri for r in activity_rows(store)}
    assert current[later.ids[moved.id]] == iri and struck.id not in {
        r.id for r in activity_rows(store) if r.iri.endswith(f"/{struck.id}")
    }
    assert len(current) == len(seed.current()) - 1


def test_changes_since_named_query(tmp_path: Path, seed_text: str, seed: Programme) -> None:
    from wcokg.registry import get_query

    target = next(a for a in single_line(seed, "I") if a.status == "In progress")
    later = revise(seed_text, "PC0800", cells={target.id: {"progress": "Completed. Adopted."}})
    _, store = build(tmp_path, seed_text, later.text)
    rows = get_query("changes-since").run(store, {"revision": "pc0756"}).rows
    found = {(str(r["change"]), str(r["activity"]), str(r["field"]), str(r["new"])) for r in rows}
    assert found == {
        ("changed", target.id, "status", "Completed"),
        ("changed", target.id, "progress", "Completed. Adopted."),
    }
    assert get_query("changes-since").run(store, {"revision": "pc0800"}).rows == []


# --- the command line ------------------------------------------------------------------------


def test_cli_seed_and_later_revision(tmp_path: Path, seed_text: str, seed: Programme) -> None:
    rows = single_line(seed, "I")
    struck, priority = rows[5], rows[8]
    later = revise(seed_text, "PC0800", strike=(struck.id,), cells={priority.id: {"priority": "C"}})
    path = tmp_path / "pc0800.md"
    path.write_text(later.text, encoding="utf-8")
    store = tmp_path / "store"
    built = run_wcokg(store, "build", "-q", str(path), str(SEED))
    assert built.returncode == 0, built.stderr
    listed = run_wcokg(store, "revisions", "--format", "csv")
    assert listed.stdout.splitlines() == [
        "programme,revision,document,session,date,activities,current,draft",
        "ptc-2022-2025,pc0756,PC0756,,,94,false,false",
        "ptc-2022-2025,pc0800,PC0800,,,93,true,false",
    ]
    table = run_wcokg(store, "activities", "--format", "csv")
    activities = list(csv.DictReader(io.StringIO(table.stdout)))
    assert len(activities) == 93
    moved = next(a for a in activities if a["id"] == later.ids[priority.id])
    assert moved["priority"] == "C" and moved["iri"].endswith(f"/activity/{priority.id}")
    diff = run_wcokg(store, "diff", "--format", "csv")
    assert diff.returncode == 0, diff.stderr
    got = list(csv.DictReader(io.StringIO(diff.stdout)))
    assert tuple(got[0]) == CHANGE_COLUMNS
    expected = {("ptc-2022-2025", "struck", "", struck.id, "", "", "")}
    expected |= {("ptc-2022-2025", *r) for r in renumbered(later.ids)}
    expected.add(
        ("ptc-2022-2025", "changed", later.ids[priority.id], priority.id, "priority", "B", "C")
    )
    assert {tuple(r.values()) for r in got} == expected and len(got) == len(expected)
    assert not any(r["change"] == "changed" and r["field"] == "title" for r in got)
    same = run_wcokg(store, "diff", "--from", "PC0756", "--to", "pc0800", "--format", "csv")
    assert same.stdout == diff.stdout
    bad = run_wcokg(store, "diff", "--from", "pc0999")
    assert bad.returncode == 2 and "unknown revision 'pc0999'" in bad.stderr
