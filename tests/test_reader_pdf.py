"""The PDF reader on PDFs printed from HTML by headless Chromium, and the seed in all formats."""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path

import pytest
from conftest import require_program
from docbuilders import Row, activity, from_markdown, print_pdf, to_html, write_docx
from pypdf import PdfReader, PdfWriter
from test_reader_docx import REVISED, SEED, by_id, sample

from wcokg.errors import SourceFormatError
from wcokg.loaders.programme import load_programme
from wcokg.loaders.readers import read


@pytest.fixture(autouse=True)
def _chromium_prints_the_fixtures() -> None:
    require_program("chromium", "chromium", "PDF reader tests (fixtures printed by Chromium)")


LONG = " ".join(f"Sentence number {i} of a long progress report." for i in range(1, 120))


@pytest.fixture(scope="module")
def revised_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return print_pdf(to_html(REVISED), tmp_path_factory.mktemp("pdf") / "revised.pdf")


def test_every_revision_kind_in_pdf(revised_pdf: Path) -> None:
    acts = by_id(revised_pdf)
    assert list(acts) == ["I-1", "I-2-deleted", "I-2", "I-3", "I-4", "I-5", "I-6"]
    assert acts["I-2-deleted"].title == "Struck activity"
    renumbered = acts["I-2"]
    assert (renumbered.revision, renumbered.previous_number) == ("renumbered", 3)
    assert renumbered.title == "Endorse the guidance"
    assert renumbered.cells["title"].previous_text == "Develop the guidance"
    assert renumbered.cells["team_resources"].previous_text.startswith("Three officers")
    assert acts["I-3"].revision == "inserted"
    assert acts["I-5"].kpi == "Plan adopted"
    assert acts["I-6"].progress == ("Completed.", "Endorsed.")


def test_running_header_and_footer_are_dropped(revised_pdf: Path) -> None:
    document = read(revised_pdf)
    assert document.title == "SAMPLE COMMITTEE (SC) WORK PROGRAMME 2030-2033"
    assert document.doc_reference == "SC0001"  # from Chromium's running header, read once
    cells = " ".join(v for r in document.rows for v in r.cells.values())
    assert "file://" not in cells and "SC0001" not in cells


def test_row_split_across_pages_with_repeated_header(tmp_path: Path) -> None:
    rows = [Row(["1.", "A", "Y", "First activity", *["x"] * 6, LONG, ""])]
    rows += [Row([f"{n}.", "A", "Y", f"Activity {n}", *["x"] * 8]) for n in (2, 3)]
    pdf = print_pdf(to_html(sample(rows)), tmp_path / "split.pdf")
    assert len(PdfReader(pdf).pages) >= 2
    document = read(pdf)
    assert [r.cells["number"] for r in document.rows] == ["1.", "2.", "3."]
    progress = load_programme(pdf).activities[0].progress
    # all of it back, no header text, no page furniture (a break at a sentence's end may stay a
    # paragraph break: the PDF cannot tell)
    assert " ".join(progress) == LONG


def test_page_header_drawn_over_the_table_area(tmp_path: Path) -> None:
    rows = [Row(activity(f"{n}.", f"Activity {n}", progress=LONG[: 60 * n])) for n in range(1, 9)]
    overlay = "Doc. SC0002 running page header"
    pdf = print_pdf(to_html(sample(rows), overlay=overlay), tmp_path / "overlay.pdf")
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    assert len(pages) >= 2 and all("Priority" in text for text in pages)  # header row repeated
    document = read(pdf)
    assert [r.cells["number"] for r in document.rows] == [f"{n}." for n in range(1, 9)]
    cells = " ".join(v for r in document.rows for v in r.cells.values())
    assert "SC0002" not in cells and "running" not in cells
    assert document.lines.count(overlay) == 1  # read once, as page furniture
    assert [a.title for a in load_programme(pdf).activities] == [
        f"Activity {n}" for n in range(1, 9)
    ]


def _png(width: int, height: int) -> bytes:
    """A grey PNG image (a stand-in for a scanned page)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x00\x00\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_scanned_pdf_is_refused(tmp_path: Path) -> None:
    image = tmp_path / "scan.png"
    image.write_bytes(_png(200, 280))
    page = f"<html><head><style></style></head><body><img src='{image.as_uri()}'></body></html>"
    pdf = print_pdf(page, tmp_path / "scan.pdf", furniture=False)
    with pytest.raises(SourceFormatError, match=r"scan\.pdf: .*scanned \(image-only\)"):
        read(pdf)


def test_encrypted_and_corrupt_pdf_are_refused(revised_pdf: Path, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(revised_pdf))
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(SourceFormatError, match=r"locked\.pdf: .*encrypted"):
        read(locked)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(revised_pdf.read_bytes()[:400])
    with pytest.raises(SourceFormatError, match=r"broken\.pdf: expected a PDF work programme"):
        read(broken)
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf")
    with pytest.raises(SourceFormatError, match=r"fake\.pdf: expected a PDF file"):
        read(fake)


# -- the seed in three formats -------------------------------------------------------------

FIELDS = (
    "id", "number", "previous_number", "revision", "title", "title_paragraphs", "priority",
    "strategic_link", "strategic_codes", "task_type", "bodies", "team_resources", "allocations",
    "kpi", "timeline", "milestones", "continuous", "progress", "status",
)  # fmt: skip


def _table(path: Path, hyphen_spaces: bool = False) -> list[tuple[object, ...]]:
    """Every activity's columns (all but its source lines); a space after a hyphen dropped when
    asked (a PDF cannot tell 'Sub- Directorate' from 'Sub-Directorate' wrapped at the hyphen)."""
    rows = []
    for act in load_programme(path).activities:
        values = tuple(repr(getattr(act, f)) for f in FIELDS)
        rows.append(
            tuple(re.sub(r"(\w)- ", r"\1-", v) for v in values) if hyphen_spaces else values
        )
    return rows


@pytest.mark.slow
def test_seed_as_docx_and_pdf_gives_the_markdown_table(tmp_path: Path) -> None:
    description = from_markdown(SEED.read_text(encoding="utf-8"))
    docx = write_docx(description, tmp_path / "seed.docx")
    pdf = print_pdf(to_html(description), tmp_path / "seed.pdf")
    markdown = _table(SEED)
    assert sum(1 for r in markdown if "'deleted'" in r) == 3 and len(markdown) == 97
    assert _table(docx) == markdown
    assert _table(pdf, hyphen_spaces=True) == _table(SEED, hyphen_spaces=True)


def test_unruled_table_is_refused_in_one_line(tmp_path: Path) -> None:
    page = to_html(REVISED).replace("border: 0.75pt solid #000;", "border: none;")
    pdf = print_pdf(page, tmp_path / "unruled.pdf")
    with pytest.raises(SourceFormatError, match=r"unruled\.pdf: expected activity tables"):
        read(pdf)


# -- another producer: LibreOffice ---------------------------------------------------------


def _soffice(source: Path, target: str) -> Path:
    """Convert with headless LibreOffice (its own profile in the source's folder)."""
    profile = (source.parent / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(source.parent),
            str(source),
        ],  # fmt: skip
        check=True,
        capture_output=True,
        timeout=180,
    )
    return source.with_suffix("." + target.split(":")[0])


def test_word_file_written_by_libreoffice(tmp_path: Path, libreoffice: str) -> None:
    """LibreOffice saves the HTML's <ins>/<del> as character styles that underline and strike:
    revisions accepted into formatting, through styles."""
    page = tmp_path / "revised.html"
    page.write_text(to_html(REVISED), encoding="utf-8")
    acts = by_id(_soffice(page, "docx:MS Word 2007 XML"))
    assert acts["I-2"].title == "Endorse the guidance"
    assert acts["I-2"].cells["title"].previous_text == "Develop the guidance"
    assert (acts["I-2"].revision, acts["I-2"].previous_number) == ("renumbered", 3)
    assert acts["I-5"].kpi == "Plan adopted"


def test_pdf_printed_by_libreoffice_with_change_bars(tmp_path: Path, libreoffice: str) -> None:
    """A second PDF producer: LibreOffice prints the tracked changes of the Word file with
    strike-through, underline and change bars in the margin beside the table."""
    rows = [
        *REVISED.blocks[2].rows[:3],  # header, row 1 and the struck row
        Row(REVISED.blocks[2].rows[3].cells),
        Row(activity("3.", "Inserted activity"), kind="ins", runs_too=True),
    ]
    description = sample(rows[1:])
    docx_file = write_docx(description, tmp_path / "tracked.docx")
    acts = by_id(_soffice(docx_file, "pdf"))
    assert list(acts) == ["I-1", "I-2-deleted", "I-2", "I-3"]
    assert acts["I-2"].title == "Endorse the guidance"
    assert acts["I-2"].cells["title"].previous_text == "Develop the guidance"
    assert acts["I-2"].cells["team_resources"].previous_text.startswith("Three officers")
    assert acts["I-3"].revision == "inserted"
