"""The table reader: sections, page furniture, legend and example rows, continuation rows."""

import pytest

from wcokg.errors import SourceFormatError
from wcokg.loaders.readers.markdown import parse as read_document
from wcokg.loaders.readers.markdown import split_cells

HEADER = (
    "| No. | Priority ranking | Link to the Strategic Plan ¹ | Activities | WCO Strategic Plan ³ "
    "| Type of task associated | Responsible body | Team resources | Key Performance Indicators "
    "| Timeline | Progress | Completion status |"
)
SEP = "|---|---|---|---|---|---|---|---|---|---|---|---|"


def row(number: str, title: str, progress: str = "In progress.") -> str:
    return (
        f"| {number} | A | Y | {title} | SP1 | Maintenance | PTC, Council | One officer from the "
        f"Facilitation Sub-Directorate | KPI | Spring 2024 (PTC) | {progress} | |"
    )


DOC = "\n".join(
    [
        "SAMPLE COMMITTEE (SC) WORK PROGRAMME 2030-2033**I. Activities undertaken within a specific timeframe**",
        "",
        HEADER,
        SEP,
        "| | What is the priority? | Does it link? Yes (Y) or No (N) | What is planned? | What relation? "
        "| Which type? | Who? | What resources? | What objectives? | What timeframe? | What state? | Colour? |",
        "| EXAMPLE | | | | | | | | | | | |",
        row("1.", "First activity", "<p>Completed.</p> <p>Endorsed by the PTC.</p>"),
        "",
        "³ Strategic Processes (SPs) : **SP1** - Develop; **SP2** - Cooperate; **FA1** - Focus Area 1",
        "",
        "Annex to",
        "Doc. SC0001",
        "Sample running header, with progress",
        "",
        HEADER,
        SEP,
        row("2.", "Second activity", "The first half of a sentence"),
        "",
        "Sample running header, with progress",
        HEADER,
        SEP,
        "| | | | | | | | | | | continued after the page break. | |",
        row("3.", "Third activity"),
    ]
)


def test_sections_title_and_document_reference() -> None:
    doc = read_document("sample.md", DOC)
    assert [s.key for s in doc.sections] == ["I"]
    assert doc.sections[0].continuous is False
    assert doc.title == "SAMPLE COMMITTEE (SC) WORK PROGRAMME 2030-2033"
    assert doc.doc_reference == "SC0001"


def test_legend_example_headers_and_furniture_are_not_rows() -> None:
    doc = read_document("sample.md", DOC)
    assert [r.cells["number"] for r in doc.rows] == ["1.", "2.", "3."]
    assert {reason for _, reason in doc.skipped} == {"legend row", "example row"}


def test_continuation_row_is_merged_into_the_previous_activity() -> None:
    doc = read_document("sample.md", DOC)
    second = doc.rows[1]
    assert (
        second.cells["progress"] == "The first half of a sentence\ncontinued after the page break."
    )
    assert second.line_end > second.line_start
    assert second.continuation_lines == [second.line_end]


def test_footnotes_and_header_marks() -> None:
    doc = read_document("sample.md", DOC)
    assert "SP1" in doc.footnotes["3"].text
    assert doc.header_marks["I"]["strategic_codes"] == ("3",)


def test_blank_header_row_continues_the_table() -> None:
    text = DOC + "\n\n| | | | | | | | | | | | |\n" + SEP + "\n" + row("4.", "Fourth")
    assert [r.cells["number"] for r in read_document("s.md", text).rows][-1] == "4."


def test_escaped_pipe_stays_in_the_cell() -> None:
    assert split_cells(r"| a \| b | c |") == [r"a \| b", "c"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty file"),
        ("\n\n  \n", "empty file"),
        ("just some prose\nwith no tables", "section headings"),
        ("I. Activities undertaken continuously\n\nno table here", "activity tables"),
        ("binary\x00data", "binary"),
    ],
)
def test_not_a_work_programme(text: str, expected: str) -> None:
    with pytest.raises(SourceFormatError, match=expected):
        read_document("bad.md", text)


def test_truncated_row_names_the_line() -> None:
    broken = DOC + "\n| 4. | A | Y | cut off here |"
    with pytest.raises(SourceFormatError, match=r"line \d+: expected a table row of 12 cells"):
        read_document("cut.md", broken)


def test_section_without_rows_is_a_truncated_document() -> None:
    text = DOC + "\n\nII. **Activities undertaken continuously**\n\n" + HEADER + "\n" + SEP + "\n"
    with pytest.raises(SourceFormatError, match="section II has no activity rows"):
        read_document("cut.md", text)


TABLE = "\n".join([HEADER, SEP, row("1.", "First activity")])


def test_a_line_with_only_the_document_reference_is_not_the_title() -> None:
    text = (
        "Annex to Doc. XY0123\n\nDRAFT WORK PROGRAMME OF THE SAMPLE COMMITTEE (SC) 2030-2033\n\n"
        "I. Activities\n\n" + TABLE
    )
    doc = read_document("annex.md", text)
    assert doc.doc_reference == "XY0123"
    assert doc.title == "DRAFT WORK PROGRAMME OF THE SAMPLE COMMITTEE (SC) 2030-2033"
    titled = read_document(
        "titled.md", "Doc. XY0123 Work Programme 2030-2033\n\nI. Activities\n\n" + TABLE
    )
    assert titled.title == "Doc. XY0123 Work Programme 2030-2033"
