"""Each named query returns the expected rows on the seed (through the registry, as the CLI does)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wcokg.errors import QueryError
from wcokg.registry import get_query, registry
from wcokg.store import EmbeddedStore

NEW_QUERIES = (
    "activities-feeding",
    "dependencies",
    "references",
    "reporting-line",
    "session-outcomes",
    "activities-by-body",
    "activities-by-instrument",
    "overdue",
    "agenda",
    "workload",
)


def run(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, str]]:
    result = get_query(name).run(store, params)
    return [{k: str(v) for k, v in row.items()} for row in result.rows]


def ids(rows: list[dict[str, str]]) -> set[str]:
    return {row["id"] for row in rows}


def test_registry_lists_every_query() -> None:
    for name in NEW_QUERIES:
        assert name in registry()
        assert registry()[name].summary


def test_activities_feeding_safe_2025(seed_store: EmbeddedStore) -> None:
    rows = run(seed_store, "activities-feeding", target="safe-fos-2025")
    assert {"I-23", "II-34", "II-35"} <= ids(rows)  # the update and SAFE WG activities
    by_id = {row["id"]: row for row in rows}
    assert by_id["I-23"]["depth"] == "1" and by_id["I-23"]["relation"] == "updates"
    assert by_id["II-34"]["path"] == "II-34 > I-23 > safe-fos-2025"
    assert by_id["II-34"]["depth"] == "2"


def test_activities_feeding_an_instrument_includes_editions(seed_store: EmbeddedStore) -> None:
    assert {"I-10", "II-16", "II-28"} <= ids(
        run(seed_store, "activities-feeding", target="data-model")
    )
    assert ids(run(seed_store, "activities-feeding", target="I-19")) == {"I-18"}


def test_dependencies(seed_store: EmbeddedStore) -> None:
    up = run(seed_store, "dependencies", activity="I-31", direction="upstream")
    assert [(r["id"], r["depth"]) for r in up] == [("I-30", "1")]
    down = run(seed_store, "dependencies", activity="I-18", direction="downstream")
    assert ids(down) == {"I-19"}
    # resolved cross-references count
    assert "II-23" in ids(run(seed_store, "dependencies", activity="II-22", direction="upstream"))
    two_hops = run(seed_store, "dependencies", activity="II-24", direction="upstream")
    assert {(r["id"], r["depth"]) for r in two_hops} == {("II-22", "1"), ("II-23", "2")}


def test_references(seed_store: EmbeddedStore) -> None:
    rows = run(seed_store, "references", activity="II-22")
    got = {(r["direction"], r["id"], r["cited_number"], r["stale"]) for r in rows}
    assert got == {("makes", "II-23", "24", "true"), ("receives", "II-24", "21", "true")}


def test_reporting_line(seed_store: EmbeddedStore) -> None:
    rows = run(seed_store, "reporting-line", body="dmpt")
    assert [r["id"] for r in rows] == ["dmpt", "ptc", "council"]


def test_session_outcomes(seed_store: EmbeddedStore) -> None:
    rows = run(seed_store, "session-outcomes", session="ptc-239-240")
    got = {(r["id"], r["verb"]) for r in rows}
    assert ("I-1", "endorsed") in got  # the 4th edition of the Compendium
    assert ("ecommerce-compendium-4", "endorsed") in got  # the same, from the news item
    assert ("I-10", "endorsed") in got
    council = run(seed_store, "session-outcomes", session="council-2023-06")
    assert ("I-1", "approved") in {(r["id"], r["verb"]) for r in council}


def test_activities_by_body_and_instrument(seed_store: EmbeddedStore) -> None:
    swg = run(seed_store, "activities-by-body", body="swg")
    assert {"I-23", "I-24", "II-34", "II-35", "II-52"} <= ids(swg)
    dm = run(seed_store, "activities-by-instrument", instrument="data-model")
    assert {"I-10", "II-7", "II-16", "II-28"} <= ids(dm)
    assert {r["method"] for r in dm} == {"rule", "curated"}


def test_overdue(seed_store: EmbeddedStore) -> None:
    rows = run(seed_store, "overdue", **{"as-of": "2024-01-01"})
    assert "I-8" in ids(rows)  # Spring 2023 (PTC), still in progress
    assert "I-10" not in ids(rows)  # completed
    assert all(r["due_by"] < "2024-01-01" for r in rows)


def test_agenda(seed_store: EmbeddedStore) -> None:
    rows = run(seed_store, "agenda", session="ptc-243-244")
    assert {"I-11", "I-26", "I-30", "I-32"} <= ids(rows)
    assert ids(run(seed_store, "agenda", session="ptc-2024-04")) == ids(rows)


def test_workload(seed_store: EmbeddedStore) -> None:
    rows = run(seed_store, "workload")
    top = rows[0]
    assert top["unit_id"] == "facilitation-sub-directorate"
    assert float(top["fte_min"]) <= float(top["fte_max"])


def test_unknown_parameter_is_a_clear_error() -> None:
    with pytest.raises(QueryError, match="takes: target"):
        get_query("activities-feeding").bindings({"targte": "x"})


def test_cli_csv_has_an_id_column(seed_store: EmbeddedStore, tmp_path: Path) -> None:
    env = {**os.environ, "WCOKG_STORE": str(seed_store.root)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "wcokg.cli",
            "query",
            "activities-feeding",
            "--param",
            "target=safe-fos-2025",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert "I-23" in {row["id"] for row in rows}


def test_choice_parameter_refuses_other_values() -> None:
    from wcokg.errors import QueryError
    from wcokg.registry import get_query

    query = get_query("dependencies")
    with pytest.raises(QueryError, match="expected one of upstream, downstream"):
        query.bindings({"activity": "I-1", "direction": "sideways"})
    assert str(query.bindings({"activity": "I-1"})["direction"]) == "upstream"
