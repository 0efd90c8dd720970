"""`wcokg build` on Word and PDF files as a user runs it: counts, `previous` in the JSON table,
and bad files refused in one line with the stored graph kept."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from clirunner import run_wcokg
from docbuilders import Table, from_markdown, print_pdf, to_html, write_docx

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "sources" / "ptc-work-programme-2022-2025.md"
NEWS = ROOT / "data" / "sources" / "news-ptc-239-240.txt"


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed as Word, with I-10's title revised by tracked changes (Endorse in, Develop out)
    and its number marked 11 -> 10."""
    description = from_markdown(SEED.read_text(encoding="utf-8"))
    for block in description.blocks:
        for row in block.rows if isinstance(block, Table) else []:
            if row.cells[3].startswith("Endorse Develop the WCO Data Model"):
                row.cells[0] = "<del>11</del><u>10</u>."
                row.cells[3] = row.cells[3].replace(
                    "Endorse Develop", "<u>Endorse</u> <del>Develop</del>"
                )
    return write_docx(description, tmp_path_factory.mktemp("docx") / "ptc.docx")


@pytest.fixture(scope="module")
def built(seed_docx: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli-docx") / "store"
    result = run_wcokg(store, "build", str(seed_docx), str(NEWS))
    assert result.returncode == 0, result.stderr
    assert "section I activities: 42" in result.stdout
    assert "section II activities: 52" in result.stdout
    assert "deleted rows: 3" in result.stdout
    return store


def test_word_file_builds_with_previous_text(built: Path) -> None:
    result = run_wcokg(built, "activities", "--format", "json")
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["I-10"]["title"] == "Endorse the WCO Data Model major version 4.0.0"
    assert rows["I-10"]["previous"] == {
        "number": "11",
        "title": "Develop the WCO Data Model major version 4.0.0",
    }
    assert rows["I-1"]["previous"] == {}
    csv_header = run_wcokg(built, "activities", "--format", "csv").stdout.splitlines()[0]
    assert "previous" not in csv_header.split(",")


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Chromium")
def test_pdf_of_the_seed_builds(tmp_path: Path) -> None:
    pdf = print_pdf(to_html(from_markdown(SEED.read_text(encoding="utf-8"))), tmp_path / "ptc.pdf")
    result = run_wcokg(tmp_path / "store", "build", str(pdf))
    assert result.returncode == 0, result.stderr
    assert "section I activities: 42" in result.stdout and "deleted rows: 3" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("notes.docx", b"plain text, not a package", "expected a Word .docx file"),
        ("legacy.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "encrypted"),
        ("scan.pdf", b"GIF89a", "expected a PDF file"),
        ("cut.pdf", b"%PDF-1.7\n1 0 obj\n<<", "corrupt PDF"),
    ],
)
def test_bad_word_or_pdf_leaves_the_stored_graph(
    built: Path, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    before = os.readlink(built / "current")
    source = tmp_path / name
    source.write_bytes(content)
    result = run_wcokg(built, "build", str(source))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(source) in lines[0] and expected in lines[0], result.stderr
    assert os.readlink(built / "current") == before
