"""The `wcokg` command end to end, as a user runs it (a real subprocess per call)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from clirunner import run_wcokg

SEED = Path(__file__).resolve().parents[1] / "data" / "sources" / "ptc-work-programme-2022-2025.md"


def wcokg(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_wcokg(store, *args)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store"
    result = wcokg(store, "build")
    assert result.returncode == 0, result.stderr
    assert "section I activities: 42" in result.stdout
    assert "section II activities: 52" in result.stdout
    assert "deleted rows: 3" in result.stdout
    return store


def test_activities_csv_has_the_documented_columns(built: Path) -> None:
    result = wcokg(built, "activities", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "id",
        "section",
        "number",
        "previous_number",
        "revision",
        "title",
        "priority",
        "strategic_link",
        "strategic_codes",
        "task_type",
        "responsible_bodies",
        "lead_body",
        "continuous",
        "timeline",
        "milestones",
        "kpi",
        "team_resources",
        "fte_min",
        "fte_max",
        "status",
        "progress",
        "source_lines",
        "iri",
    ]
    assert len(rows) == 94
    with_deleted = wcokg(built, "activities", "--format", "json", "--include-deleted")
    assert len(json.loads(with_deleted.stdout)) == 97


def test_sparql_and_export(built: Path, tmp_path: Path) -> None:
    count = wcokg(
        built,
        "sparql",
        "--format",
        "csv",
        "SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/wcokg/ontology#Activity> }",
    )
    assert count.returncode == 0, count.stderr
    assert count.stdout.splitlines()[1] == "97"
    out = tmp_path / "graph.nt"
    exported = wcokg(built, "export", "nt", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert out.read_text().count("\n") > 1000


def test_malformed_sparql_is_one_line_exit_2(built: Path) -> None:
    result = wcokg(built, "sparql", "SELEC nonsense")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "file not found"),
        (b"", "empty file"),
        (b"\x00\x01\x02binary", "binary"),
        (b"Just a letter.\nNo tables at all.\n", "section headings"),
    ],
)
def test_bad_input_leaves_the_stored_graph_as_it_was(
    built: Path, tmp_path: Path, content: bytes | None, expected: str
) -> None:
    before = os.readlink(built / "current")
    source = tmp_path / "input.md"
    if content is not None:
        source.write_bytes(content)
    result = wcokg(built, "build", str(source))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert (
        len(lines) == 1
        and lines[0].startswith("wcokg: error: ")
        and str(source) in lines[0]
        and expected in lines[0]
    ), result.stderr
    assert os.readlink(built / "current") == before
    assert wcokg(built, "activities", "--format", "csv").stdout.count("\n") > 94


def test_truncated_table_is_refused(built: Path, tmp_path: Path) -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    rows = [i for i, line in enumerate(lines) if line.startswith("| ") and line[2:3].isdigit()]
    middle = rows[len(rows) // 2]
    cut = "\n".join(lines[:middle] + [lines[middle][: len(lines[middle]) // 3]])
    source = tmp_path / "truncated.md"
    source.write_text(cut, encoding="utf-8")
    result = wcokg(built, "build", str(source))
    assert result.returncode == 2, result.stdout
    assert "truncated" in result.stderr and "Traceback" not in result.stderr
