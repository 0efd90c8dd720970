"""The load path never crashes and never loses the stored graph (issue 9, load path)."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wcokg.build import BuildReport, build_graph
from wcokg.errors import SourceFormatError, StoreError
from wcokg.loaders.programme import build_programme
from wcokg.loaders.readers.markdown import parse
from wcokg.loaders.reference import load_reference
from wcokg.namespaces import Minter
from wcokg.store import EmbeddedStore

SEED = Path(__file__).resolve().parents[1] / "data" / "sources" / "ptc-work-programme-2022-2025.md"
ODD = st.sampled_from(
    ["|", "||", "<p>", "</p>", "<u>", "</u>", "\u00a0", "\r\n", "\r", "\u202e", "\u0301", "⁴", "**",
     "I. Activities", "---", "\t", "עברית", "١٢٣", "\\|", "&amp;", "x" * 2000]
)  # fmt: skip
TEXTS = st.lists(st.one_of(st.text(max_size=40), ODD), max_size=40).map("".join)


def load(text: str) -> None:
    """Read and normalise text; the only allowed failure is SourceFormatError."""
    build_programme(parse("fuzz.md", text), load_reference())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_random_text_is_a_programme_or_one_clear_error(text: str) -> None:
    try:
        load(text)
    except SourceFormatError as error:
        assert "\n" not in str(error)


HEADER = (
    "| No. | Priority ranking | Link to the Strategic Plan | Activities | WCO Strategic Plan "
    "| Type of task associated | Responsible body | Team resources | Key Performance Indicators "
    "| Timeline | Progress |"
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(TEXTS, min_size=11, max_size=11), min_size=1, max_size=8))
def test_random_tables_are_read_or_refused_cleanly(rows: list[list[str]]) -> None:
    body = "\n".join("| " + " | ".join(c.replace("\n", " ") for c in row) + " |" for row in rows)
    text = f"II. Activities undertaken continuously\n\n{HEADER}\n|---|---|---|---|---|---|---|---|---|---|---|\n{body}\n"
    try:
        load(text)
    except SourceFormatError as error:
        assert "\n" not in str(error)


def mutate(text: str, rng: random.Random) -> str:
    """A copy of the seed with a few random edits: deletions, duplications, swaps, junk."""
    chars = list(text)
    for _ in range(rng.randint(1, 12)):
        i = rng.randrange(len(chars))
        j = min(len(chars), i + rng.randint(1, 400))
        kind = rng.choice(["delete", "duplicate", "junk", "pipe", "newline"])
        if kind == "delete":
            del chars[i:j]
        elif kind == "duplicate":
            chars[i:i] = chars[i:j]
        elif kind == "junk":
            chars[i:i] = list(
                rng.choice(["<u>", "</p>", "⁵", "\u00a0", "12 11.", "Continuous", "|"])
            )
        elif kind == "pipe":
            chars[i] = "|"
        else:
            chars[i:i] = ["\n"]
        if not chars:
            break
    return "".join(chars)


@pytest.mark.parametrize("seed", range(40))
def test_mutated_seed_is_a_programme_or_one_clear_error(seed: int) -> None:
    text = mutate(SEED.read_text(encoding="utf-8"), random.Random(seed))
    try:
        load(text)
    except SourceFormatError as error:
        assert "\n" not in str(error)


def test_disk_full_while_storing_keeps_the_previous_graph(
    tmp_path: Path, seed_report: BuildReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(tmp_path / "store")
    first = store.replace(seed_report.graph)

    def no_space(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(StoreError, match="No space left"):
        store.replace(build_graph([SEED], Minter()).graph)
    monkeypatch.undo()
    reopened = EmbeddedStore(tmp_path / "store")
    assert reopened.version() == first
    assert reopened.triple_count() == len(seed_report.graph)
    assert len(list((tmp_path / "store" / "versions").iterdir())) == 1


def test_build_killed_mid_way_leaves_the_previous_graph_readable(tmp_path: Path) -> None:
    env = {**os.environ, "WCOKG_STORE": str(tmp_path / "store")}
    command = [sys.executable, "-m", "wcokg.cli", "build", "--quiet"]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
    before = os.readlink(tmp_path / "store" / "current")
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
    full = time.perf_counter() - started
    current = os.readlink(tmp_path / "store" / "current")
    assert current != before
    for fraction in (0.3, 0.6, 0.8, 0.9, 0.95):
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(full * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        link = os.readlink(tmp_path / "store" / "current")
        assert (tmp_path / "store" / link).is_dir()
        count = subprocess.run(
            [sys.executable, "-m", "wcokg.cli", "activities", "--format", "csv"],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert count.returncode == 0, count.stderr
        assert count.stdout.count("\nI-") == 42
