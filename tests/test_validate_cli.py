"""`wcokg validate` and the validation step of `wcokg build`, as a user runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from clirunner import run_wcokg
from rdflib import Graph

SEED = Path(__file__).resolve().parents[1] / "data" / "sources" / "ptc-work-programme-2022-2025.md"


def wcokg(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_wcokg(store, *args)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("validate") / "store"
    result = wcokg(store, "build", "--strict")
    assert result.returncode == 0, result.stderr
    assert "validation: 0 violations" in result.stdout
    assert "stored version" in result.stdout
    return store


@pytest.fixture(scope="module")
def broken_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed with the Priority ranking cell of activity 1 left empty."""
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[30].startswith("| 1. | B | Y |")
    lines[30] = lines[30].replace("| 1. | B | Y |", "| 1. |  | Y |", 1)
    path = tmp_path_factory.mktemp("broken") / SEED.name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_validate_text_exits_0_on_the_seed(built: Path) -> None:
    result = wcokg(built, "validate")
    assert result.returncode == 0, result.stderr
    assert "0 violations" in result.stdout
    assert "UnknownStrategicCode" in result.stdout
    assert "By activity" in result.stdout and "By rule" in result.stdout


def test_validate_json(built: Path) -> None:
    result = wcokg(built, "validate", "--format", "json", "--severity", "warning")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["conforms"] is True
    assert data["counts"]["violation"] == 0
    assert data["counts"]["info"] == 0  # filtered out
    assert "UnknownStrategicCode" in data["by_rule"]
    [finding] = [f for f in data["by_activity"]["I-30"] if f["rule"] == "UnknownStrategicCode"]
    assert finding["value"] == "SO2"
    assert finding["severity"] == "warning"
    assert finding["source_lines"]


def test_validate_ttl_is_a_shacl_report(built: Path) -> None:
    result = wcokg(built, "validate", "--format", "ttl", "--severity", "violation")
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(data=result.stdout, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    reports = list(graph.query(f"ASK {{ ?r a <{sh}ValidationReport> ; <{sh}conforms> true }}"))
    assert reports == [True]


@pytest.mark.parametrize(
    "args",
    [("--format", "xml"), ("--severity", "fatal")],
)
def test_validate_bad_options_exit_2(built: Path, args: tuple[str, ...]) -> None:
    result = wcokg(built, "validate", *args)
    assert result.returncode == 2
    assert result.stderr.startswith("wcokg: error:")


def test_validate_without_a_graph_exits_2(tmp_path: Path) -> None:
    result = wcokg(tmp_path / "empty", "validate")
    assert result.returncode == 2
    assert "no graph built yet" in result.stderr


def test_build_strict_refuses_violations_and_keeps_the_graph(
    tmp_path: Path, broken_source: Path
) -> None:
    store = tmp_path / "store"
    first = wcokg(store, "build", str(SEED))
    assert first.returncode == 0, first.stderr
    version = (store / "current").readlink()

    refused = wcokg(store, "build", "--strict", str(broken_source))
    assert refused.returncode == 1
    assert "violation" in refused.stderr
    assert "1 violations" in refused.stdout
    assert (store / "current").readlink() == version

    # Without --strict the graph is stored; `wcokg validate` then reports it and exits 1.
    stored = wcokg(store, "build", str(broken_source))
    assert stored.returncode == 0, stored.stderr
    assert "validation: 1 violations" in stored.stdout
    result = wcokg(store, "validate", "--severity", "violation")
    assert result.returncode == 1
    assert "Activity-priority" in result.stdout
    assert "I-1" in result.stdout
