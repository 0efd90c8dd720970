"""Tests for the cell normalisers: exact answers on real-looking cells, and totality on any text."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wcokg.loaders.cells import (
    clean_cell,
    derive_status,
    parse_bodies,
    parse_priority,
    parse_strategic_codes,
    parse_strategic_link,
    parse_task_type,
    parse_team_resources,
    parse_timeline,
)
from wcokg.loaders.lexicon import Lexicon
from wcokg.loaders.records import Allocation, BodyRef, Milestone, Parsed

BODIES = Lexicon(
    {
        "PTC": "ptc",
        "Permanent Technical Committee": "ptc",
        "PC": "policy-commission",
        "Policy Commission": "policy-commission",
        "Council": "council",
        "CBC": "cbc",
        "EC": "ec",
        "TCRO": "tcro",
        "SAFE WG": "swg",
        "SWG": "swg",
        "RKC/MC": "rkc-mc",
        "Istanbul Convention AC": "istanbul-ac",
        "WCO/UPU CC": "wco-upu-cc",
        "DMPT": "dmpt",
    }
)
UNITS = Lexicon(
    {
        "Facilitation Sub-Directorate": "facilitation-sub-directorate",
        "Research Unit": "research-unit",
        "Capacity Building Directorate": "capacity-building-directorate",
        "Origin Sub-Directorate": "origin-sub-directorate",
        "Compliance Sub-Directorate": "compliance-sub-directorate",
    }
)
LEGEND = ("SP1", "SP2", "SP3", "SP4", "SP5", "FA1", "FA2", "FA3", "ORG1", "ORG2")
FAC = "facilitation-sub-directorate"


def flags(parsed: Parsed[object]) -> list[tuple[str, str]]:
    """Flag codes and values: what callers act on (messages are prose, not asserted)."""
    return [(f.code, f.value) for f in parsed.flags]


# -- clean_cell ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "paragraphs", "footnotes", "inserted"),
    [
        (" SP1 ", ("SP1",), (), False),
        ("", (), (), False),
        (
            "<p>Spring 2025\u2074 (PTC)</p> <p>June 2025\u2074 (PC and Council)</p>",
            ("Spring 2025 (PTC)", "June 2025 (PC and Council)"),
            ("4",),
            False,
        ),
        (
            " <u>Spring 2024 (PTC)</u> <u>June 2024 (Council)</u> ",
            ("Spring 2024 (PTC) June 2024 (Council)",),
            (),
            True,
        ),
        ("Update <u>ing</u>", ("Update ing",), (), False),
        ("June 2023 \u00b3\u2074", ("June 2023",), ("34",), False),
        ("Timeline ^a", ("Timeline",), ("a",), False),
        ("Progress \u2076", ("Progress",), ("6",), False),
        ("a \\| b &amp; c\u00a0\u00a0d\r\ne", ("a | b & c d e",), (), False),
        ("intro <p>one</p> tail", ("intro", "one", "tail"), (), False),
        ("<p>Take note of the p</p> <p><u>New</u></p>", ("Take note of the p", "New"), (), False),
        ("<u> </u>", (), (), False),
        ("&lt;p&gt;literal", ("<p>literal",), (), False),
    ],
)
def test_clean_cell(
    raw: str, paragraphs: tuple[str, ...], footnotes: tuple[str, ...], inserted: bool
) -> None:
    cell = clean_cell(raw)
    assert (cell.raw, cell.paragraphs, cell.footnotes, cell.inserted) == (
        raw,
        paragraphs,
        footnotes,
        inserted,
    )


@pytest.mark.parametrize(
    ("raw", "current", "previous", "revision"),
    [
        ("SP1", "SP1", "SP1", "unchanged"),
        (
            "<u>Endorse</u> <del>Develop</del> the model",
            "Endorse the model",
            "Develop the model",
            "replaced",
        ),
        ("Three <u>two</u> officers", "Three two officers", "Three officers", "replaced"),
        ("<s>Old row</s>", "", "Old row", "deleted"),
        ("<ins>New row</ins>", "New row", "", "inserted"),
        ("<p>Kept.</p><p><del>Gone.</del></p>", "Kept.", "Kept. Gone.", "replaced"),
        ("<del>1</del><u>2</u>¹", "2", "1", "replaced"),
    ],
)
def test_clean_cell_current_and_previous_text(
    raw: str, current: str, previous: str, revision: str
) -> None:
    cell = clean_cell(raw)
    assert (cell.text, cell.previous_text, cell.revision) == (current, previous, revision)


def test_clean_cell_text_joins_paragraphs() -> None:
    assert clean_cell("<p>a</p><p>b</p>").text == "a b"


# -- priority, strategic link, codes, task type ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "expected_flags"),
    [
        ("A", "A", []),
        ("<u>A</u>", "A", []),
        (" b. ", "B", []),
        ("(c)", "C", []),
        ("Medium", "B", []),
        ("", None, [("empty-priority", "")]),
        ("C A", None, [("unknown-priority", "C A")]),
        ("A=High B=Medium C=Low", None, [("unknown-priority", "A=High B=Medium C=Low")]),
    ],
)
def test_parse_priority(
    text: str, value: str | None, expected_flags: list[tuple[str, str]]
) -> None:
    parsed = parse_priority(text)
    assert (parsed.value, flags(parsed)) == (value, expected_flags)


@pytest.mark.parametrize(
    ("text", "value", "expected_flags"),
    [
        ("Y", True, []),
        ("<u>Y</u>", True, []),
        ("yes.", True, []),
        ("N", False, []),
        ("No", False, []),
        ("", None, [("empty-strategic-link", "")]),
        ("Maybe", None, [("unknown-strategic-link", "Maybe")]),
    ],
)
def test_parse_strategic_link(
    text: str, value: bool | None, expected_flags: list[tuple[str, str]]
) -> None:
    parsed = parse_strategic_link(text)
    assert (parsed.value, flags(parsed)) == (value, expected_flags)


@pytest.mark.parametrize(
    ("text", "value", "expected_flags"),
    [
        ("SP1", ("SP1",), []),
        ("FA1/FA2", ("FA1", "FA2"), []),
        ("SP2 SP5", ("SP2", "SP5"), []),
        ("ORG1, SP1 FA1", ("ORG1", "SP1", "FA1"), []),
        ("<u>FA3</u>", ("FA3",), []),
        ("sp1 SP1 and fa2", ("SP1", "FA2"), []),
        ("SO1 FA2", ("SO1", "FA2"), [("unknown-strategic-code", "SO1")]),
        (
            "The whole Strategic Plan",
            LEGEND,
            [("whole-strategic-plan", "The whole Strategic Plan")],
        ),
        ("whole strategic plan", LEGEND, [("whole-strategic-plan", "whole strategic plan")]),
        ("", (), [("empty-strategic-codes", "")]),
        ("N/A", (), [("unparsed-strategic-codes", "N/A")]),
        ("SP1 (see note)", ("SP1",), [("unparsed-strategic-codes", "see note")]),
    ],
)
def test_parse_strategic_codes(
    text: str, value: tuple[str, ...], expected_flags: list[tuple[str, str]]
) -> None:
    parsed = parse_strategic_codes(text, LEGEND)
    assert (parsed.value, flags(parsed)) == (value, expected_flags)


def test_parse_strategic_codes_whole_plan_uses_the_given_legend() -> None:
    parsed = parse_strategic_codes("The whole Strategic Plan", ["sp1", "FA1", "SP1"])
    assert parsed.value == ("SP1", "FA1")


@pytest.mark.parametrize(
    ("text", "value", "expected_flags"),
    [
        ("Maintenance", "Maintenance", []),
        ("Updating", "Updating", []),
        ("Update", "Updating", []),
        ("Updated", "Updating", []),
        ("Update <u>ing</u>", "Updating", []),
        ("<u>Development</u>", "Development", []),
        ("Develop new instrument", "Development", []),
        ("Main tenance", "Maintenance", []),
        ("", None, [("empty-task-type", "")]),
        ("Review", None, [("unknown-task-type", "Review")]),
        ("Maintenance Development", None, [("ambiguous-task-type", "Maintenance Development")]),
    ],
)
def test_parse_task_type(
    text: str, value: str | None, expected_flags: list[tuple[str, str]]
) -> None:
    parsed = parse_task_type(text)
    assert (parsed.value, flags(parsed)) == (value, expected_flags)


# -- responsible bodies ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "refs", "expected_flags"),
    [
        (
            "PTC, PC, Council",
            [("PTC", "ptc"), ("PC", "policy-commission"), ("Council", "council")],
            [],
        ),
        ("TCRO with the support of the PTC", [("TCRO", "tcro"), ("PTC", "ptc")], []),
        (
            "<u>TCRO with the support of the PTC, DMPT</u>",
            [("TCRO", "tcro"), ("PTC", "ptc"), ("DMPT", "dmpt")],
            [],
        ),
        ("PTC CBC EC", [("PTC", "ptc"), ("CBC", "cbc"), ("EC", "ec")], []),
        (
            "RKC/MC, PTC, Council",
            [("RKC/MC", "rkc-mc"), ("PTC", "ptc"), ("Council", "council")],
            [],
        ),
        ("WCO/UPU CC, PTC", [("WCO/UPU CC", "wco-upu-cc"), ("PTC", "ptc")], []),
        (
            "SWG, PTC, PC and Council",
            [("SWG", "swg"), ("PTC", "ptc"), ("PC", "policy-commission"), ("Council", "council")],
            [],
        ),
        ("PTC & Council; CBC", [("PTC", "ptc"), ("Council", "council"), ("CBC", "cbc")], []),
        (
            "WGPM, PTC, Policy Commission",
            [("WGPM", None), ("PTC", "ptc"), ("Policy Commission", "policy-commission")],
            [("unresolved-body", "WGPM")],
        ),
        (
            "CAP Group, PTC, FOO and BAR",
            [("CAP Group", None), ("PTC", "ptc"), ("FOO", None), ("BAR", None)],
            [
                ("unresolved-body", "CAP Group"),
                ("unresolved-body", "FOO"),
                ("unresolved-body", "BAR"),
            ],
        ),
        ("ptc, Permanent Technical Committee, PTC", [("ptc", "ptc")], []),
        ("Safe  WG", [("Safe WG", "swg")], []),
        ("", [], [("empty-bodies", "")]),
        ("---", [], [("unparsed-bodies", "---")]),
    ],
)
def test_parse_bodies(
    text: str, refs: list[tuple[str, str | None]], expected_flags: list[tuple[str, str]]
) -> None:
    parsed = parse_bodies(text, BODIES)
    assert parsed.value == tuple(BodyRef(t, i) for t, i in refs)
    assert flags(parsed) == expected_flags


# -- team resources --------------------------------------------------------------------------


def alloc(
    text: str, lo: float | None, hi: float | None, unit: str | None, unit_id: str | None
) -> Allocation:
    return Allocation(text, lo, hi, unit, unit_id)


@pytest.mark.parametrize(
    ("text", "allocations", "expected_flags"),
    [
        (
            "One/two officers from the Facilitation Sub-Directorate",
            [
                alloc(
                    "One/two officers from the Facilitation Sub-Directorate",
                    1.0,
                    2.0,
                    "Facilitation Sub-Directorate",
                    FAC,
                )
            ],
            [],
        ),
        (
            "One officer of the Facilitation Sub-Directorate",
            [
                alloc(
                    "One officer of the Facilitation Sub-Directorate",
                    1.0,
                    1.0,
                    "Facilitation Sub-Directorate",
                    FAC,
                )
            ],
            [],
        ),
        (
            "2,5 officers from the Facilitation Sub-directorate",
            [
                alloc(
                    "2,5 officers from the Facilitation Sub-directorate",
                    2.5,
                    2.5,
                    "Facilitation Sub-directorate",
                    FAC,
                )
            ],
            [],
        ),
        (
            "Two/Three Officers from the Facilitation Sub-directorate and One/Two Officers "
            "from the CLiKC! Team, CBD",
            [
                alloc(
                    "Two/Three Officers from the Facilitation Sub-directorate",
                    2.0,
                    3.0,
                    "Facilitation Sub-directorate",
                    FAC,
                ),
                alloc("One/Two Officers from the CLiKC! Team, CBD", 1.0, 2.0, "CLiKC! Team", None),
            ],
            [("unresolved-unit", "CLiKC! Team")],
        ),
        (
            "One/two officers from the Research Unit, One/two officers from the Facilitation "
            "Sub-Directorate, one/two officers from the Tariff and Trade Directorate",
            [
                alloc(
                    "One/two officers from the Research Unit",
                    1.0,
                    2.0,
                    "Research Unit",
                    "research-unit",
                ),
                alloc(
                    "One/two officers from the Facilitation Sub-Directorate",
                    1.0,
                    2.0,
                    "Facilitation Sub-Directorate",
                    FAC,
                ),
                alloc(
                    "one/two officers from the Tariff and Trade Directorate",
                    1.0,
                    2.0,
                    "Tariff and Trade Directorate",
                    None,
                ),
            ],
            [("unresolved-unit", "Tariff and Trade Directorate")],
        ),
        (
            "0.5 officer from the Capacity Building Directorate 1.5 officer from the "
            "Facilitation Sub- Directorate",
            [
                alloc(
                    "0.5 officer from the Capacity Building Directorate",
                    0.5,
                    0.5,
                    "Capacity Building Directorate",
                    "capacity-building-directorate",
                ),
                alloc(
                    "1.5 officer from the Facilitation Sub- Directorate",
                    1.5,
                    1.5,
                    "Facilitation Sub- Directorate",
                    FAC,
                ),
            ],
            [],
        ),
        (
            "Two /three officers from the Research Unit",
            [
                alloc(
                    "Two /three officers from the Research Unit",
                    2.0,
                    3.0,
                    "Research Unit",
                    "research-unit",
                )
            ],
            [],
        ),
        (
            "Three <u>two</u> officers from the Facilitation Sub-Directorate",
            [
                alloc(
                    "Three two officers from the Facilitation Sub-Directorate",
                    2.0,
                    2.0,
                    "Facilitation Sub-Directorate",
                    FAC,
                )
            ],
            [("resources-revision-artefact", "Three two")],
        ),
        (
            "COVID-19 Project team",
            [alloc("COVID-19 Project team", None, None, None, None)],
            [("unparsed-team-resources", "COVID-19 Project team")],
        ),
        (
            "Officers of the Origin Sub-Directorate and Facilitation Sub-Directorate, "
            "and interested Members",
            [
                alloc(
                    "Officers of the Origin Sub-Directorate",
                    None,
                    None,
                    "Origin Sub-Directorate",
                    "origin-sub-directorate",
                ),
                alloc(
                    "Facilitation Sub-Directorate",
                    None,
                    None,
                    "Facilitation Sub-Directorate",
                    FAC,
                ),
                alloc("interested Members", None, None, None, None),
            ],
            [
                ("no-fte", "Officers of the Origin Sub-Directorate"),
                ("no-fte", "Facilitation Sub-Directorate"),
                ("unparsed-team-resources", "interested Members"),
            ],
        ),
        (
            "1-Technical Officer (lead & not fully dedicated) and 0.5 officer from the "
            "Research Unit (part-time)",
            [
                alloc("1-Technical Officer (lead & not fully dedicated)", 1.0, 1.0, None, None),
                alloc(
                    "0.5 officer from the Research Unit (part-time)",
                    0.5,
                    0.5,
                    "Research Unit",
                    "research-unit",
                ),
            ],
            [("no-unit", "1-Technical Officer (lead & not fully dedicated)")],
        ),
        ("", [], [("empty-team-resources", "")]),
    ],
)
def test_parse_team_resources(
    text: str, allocations: list[Allocation], expected_flags: list[tuple[str, str]]
) -> None:
    parsed = parse_team_resources(text, UNITS)
    assert list(parsed.value) == allocations
    assert flags(parsed) == expected_flags


# -- timeline --------------------------------------------------------------------------------


def ms(
    text: str,
    year: int,
    month: int | None,
    season: str | None = None,
    body_id: str | None = None,
    body_text: str | None = None,
) -> Milestone:
    return Milestone(text, year, month, season, body_id, body_text)


PC = "policy-commission"
SA = "Spring/Autumn 2023 and 2024, Spring 2025 (PTC)"


@pytest.mark.parametrize(
    ("text", "milestones", "expected_flags"),
    [
        (
            "Spring 2023, 2024 and 2025 (PTC) June 2023, June 2024 and June 2025 (PC and Council)",
            [
                ms("Spring 2023, 2024 and 2025 (PTC)", 2023, 4, "spring", "ptc", "PTC"),
                ms("Spring 2023, 2024 and 2025 (PTC)", 2024, 4, "spring", "ptc", "PTC"),
                ms("Spring 2023, 2024 and 2025 (PTC)", 2025, 4, "spring", "ptc", "PTC"),
                ms("June 2023, June 2024 and June 2025 (PC and Council)", 2023, 6, None, PC, "PC"),
                ms(
                    "June 2023, June 2024 and June 2025 (PC and Council)",
                    2023,
                    6,
                    None,
                    "council",
                    "Council",
                ),
                ms("June 2023, June 2024 and June 2025 (PC and Council)", 2024, 6, None, PC, "PC"),
                ms(
                    "June 2023, June 2024 and June 2025 (PC and Council)",
                    2024,
                    6,
                    None,
                    "council",
                    "Council",
                ),
                ms("June 2023, June 2024 and June 2025 (PC and Council)", 2025, 6, None, PC, "PC"),
                ms(
                    "June 2023, June 2024 and June 2025 (PC and Council)",
                    2025,
                    6,
                    None,
                    "council",
                    "Council",
                ),
            ],
            [],
        ),
        (
            SA,
            [
                ms(SA, 2023, 4, "spring", "ptc", "PTC"),
                ms(SA, 2023, 10, "autumn", "ptc", "PTC"),
                ms(SA, 2024, 4, "spring", "ptc", "PTC"),
                ms(SA, 2024, 10, "autumn", "ptc", "PTC"),
                ms(SA, 2025, 4, "spring", "ptc", "PTC"),
            ],
            [],
        ),
        (
            "Autumn -2023 \u2075 (PTC)",
            [ms("Autumn -2023 (PTC)", 2023, 10, "autumn", "ptc", "PTC")],
            [],
        ),
        (
            "<u>Autumn PTC 2024</u> <u>June 2025 (Council)</u>",
            [
                ms("Autumn PTC 2024", 2024, 10, "autumn", "ptc", "PTC"),
                ms("June 2025 (Council)", 2025, 6, None, "council", "Council"),
            ],
            [],
        ),
        (
            "Spring 2025 Autumn 2023 (PTC) June 2024 (Council)",
            [
                ms("Spring 2025 Autumn 2023 (PTC)", 2025, 4, "spring", "ptc", "PTC"),
                ms("Spring 2025 Autumn 2023 (PTC)", 2023, 10, "autumn", "ptc", "PTC"),
                ms("June 2024 (Council)", 2024, 6, None, "council", "Council"),
            ],
            [("timeline-revision-artefact", "Spring 2025 Autumn 2023 (PTC) June 2024 (Council)")],
        ),
        (
            "Spring PTC 2023 <u>5</u> June 202 <u>5</u> <u>4</u> (Council)",
            [ms("Spring PTC 2023", 2023, 4, "spring", "ptc", "PTC")],
            [
                ("timeline-revision-artefact", "Spring PTC 2023 5 June 202 5 4 (Council)"),
                ("timeline-leftover", "(Council)"),
                ("timeline-leftover", "5 June"),
            ],
        ),
        ("June 2023 \u00b3\u2074", [ms("June 2023", 2023, 6)], []),
        ("December 2026", [ms("December 2026", 2026, 12)], []),
        ("2023 (PTC)", [ms("2023 (PTC)", 2023, None, None, "ptc", "PTC")], []),
        ("15 June 2024", [ms("15 June 2024", 2024, 6)], []),
        (
            "Once a year at PTC June 2023, June 2024 (Council)",
            [
                ms("June 2023, June 2024 (Council)", 2023, 6, None, "council", "Council"),
                ms("June 2023, June 2024 (Council)", 2024, 6, None, "council", "Council"),
            ],
            [("timeline-leftover", "Once a year at PTC")],
        ),
        (
            "<p>Mid-2024 and mid-2025</p> <p>June 2024 and June-2025 (Council)</p>",
            [
                ms("Mid-2024 and mid-2025", 2024, None),
                ms("Mid-2024 and mid-2025", 2025, None),
                ms("June 2024 and June-2025 (Council)", 2024, 6, None, "council", "Council"),
                ms("June 2024 and June-2025 (Council)", 2025, 6, None, "council", "Council"),
            ],
            [("approximate-date", "Mid-2024 and mid-2025")],
        ),
        (
            "April 2025 (PTC) June 2025 (PC)",
            [
                ms("April 2025 (PTC)", 2025, 4, None, "ptc", "PTC"),
                ms("June 2025 (PC)", 2025, 6, None, PC, "PC"),
            ],
            [],
        ),
        (
            "Spring 2025 (PTC) (subject to the decision of 28th SWG)",
            [ms("Spring 2025 (PTC)", 2025, 4, "spring", "ptc", "PTC")],
            [("timeline-note", "subject to the decision of 28th SWG")],
        ),
        (
            "October 2024 (PTC, WGPM)",
            [
                ms("October 2024 (PTC, WGPM)", 2024, 10, None, "ptc", "PTC"),
                ms("October 2024 (PTC, WGPM)", 2024, 10, None, None, "WGPM"),
            ],
            [("unresolved-body", "WGPM")],
        ),
    ],
)
def test_parse_timeline(
    text: str, milestones: list[Milestone], expected_flags: list[tuple[str, str]]
) -> None:
    parsed = parse_timeline(text, BODIES, False)
    assert parsed.value == (tuple(milestones), False)
    assert flags(parsed) == expected_flags


@pytest.mark.parametrize("text", ["Continuous", "continuous \u2078", "<u>CONTINUOUS</u>"])
def test_parse_timeline_continuous(text: str) -> None:
    assert parse_timeline(text, BODIES, True) == Parsed(((), True))


def test_parse_timeline_continuous_outside_its_section_is_flagged() -> None:
    parsed = parse_timeline("Continuous", BODIES, False)
    assert parsed.value == ((), True)
    assert flags(parsed) == [("unexpected-continuous", "Continuous")]


def test_parse_timeline_deadline_in_continuous_section() -> None:
    parsed = parse_timeline("June 2023", BODIES, True)
    assert parsed.value == ((ms("June 2023", 2023, 6),), False)
    assert flags(parsed) == [("continuous-with-deadline", "June 2023")]


@pytest.mark.parametrize(
    ("text", "section", "value", "expected_flags"),
    [
        ("To be decided", False, ((), False), [("unparsed-timeline", "To be decided")]),
        ("To be decided", True, ((), False), [("unparsed-timeline", "To be decided")]),
        ("", True, ((), True), [("empty-timeline", "")]),
        ("", False, ((), False), [("empty-timeline", "")]),
    ],
)
def test_parse_timeline_unreadable(
    text: str,
    section: bool,
    value: tuple[tuple[Milestone, ...], bool],
    expected_flags: list[tuple[str, str]],
) -> None:
    parsed = parse_timeline(text, BODIES, section)
    assert (parsed.value, flags(parsed)) == (value, expected_flags)


# -- status ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "cell", "value", "expected_flags"),
    [
        (["Work ongoing"], "Green", ("Completed", "green", "completion-status-column"), []),
        ([], "blue", ("In progress", "blue", "completion-status-column"), []),
        (
            ["The meeting was postponed to 2025."],
            "Red",
            ("Postponed", "red", "completion-status-column"),
            [],
        ),
        (
            [],
            "Red",
            ("Not started", "red", "completion-status-column"),
            [("ambiguous-red-status", "Red")],
        ),
        ([], "Postponed", ("Postponed", "red", "completion-status-column"), []),
        (
            ["Completed.", "The Guide was endorsed in October 2022."],
            "",
            ("Completed", "green", "leading-keyword:completed"),
            [("empty-completion-status", "")],
        ),
        (
            ["Background first.", "In progress: drafting continues."],
            "",
            ("In progress", "blue", "leading-keyword:in progress"),
            [("empty-completion-status", "")],
        ),
        (
            ["Completed drafting of the outline; comments are awaited."],
            "",
            ("In progress", "blue", "default:progress-reported"),
            [("empty-completion-status", ""), ("status-from-progress", "")],
        ),
        (
            ["The first stage has been completed. The second stage is ongoing."],
            "",
            ("In progress", "blue", "keyword:is ongoing"),
            [("empty-completion-status", ""), ("status-from-progress", "is ongoing")],
        ),
        (
            ["The workshop was postponed until further notice."],
            "",
            ("Postponed", "red", "keyword:was postponed"),
            [("empty-completion-status", ""), ("status-from-progress", "was postponed")],
        ),
        (
            ["Activity to be started"],
            "",
            ("Not started", "red", "keyword:to be started"),
            [("empty-completion-status", ""), ("status-from-progress", "to be started")],
        ),
        (
            ["It is planned to start the activity by June 2024."],
            "",
            ("Not started", "red", "keyword:planned to start the activity"),
            [
                ("empty-completion-status", ""),
                ("status-from-progress", "planned to start the activity"),
            ],
        ),
        (
            ["Letters were sent to Members."],
            "",
            ("In progress", "blue", "default:progress-reported"),
            [("empty-completion-status", ""), ("status-from-progress", "")],
        ),
        (
            [" ", ""],
            "",
            ("Not started", "red", "default:no-progress"),
            [("empty-completion-status", ""), ("status-from-progress", "")],
        ),
        (
            ["Completed."],
            "purple",
            ("Completed", "green", "leading-keyword:completed"),
            [("unknown-completion-status", "purple")],
        ),
    ],
)
def test_derive_status(
    progress: list[str],
    cell: str,
    value: tuple[str, str, str],
    expected_flags: list[tuple[str, str]],
) -> None:
    parsed = derive_status(progress, cell)
    assert (parsed.value, flags(parsed)) == (value, expected_flags)


# -- totality on arbitrary text --------------------------------------------------------------

ODD = [
    "|",
    "\\|",
    "<p>",
    "</p>",
    "<u>",
    "</u>",
    "<p",
    "u>",
    "<br/>",
    "&amp;",
    "&#x",
    "&nbsp;",
    "\u00b3\u2074",
    "^a",
    "\u00a0",
    "\r\n",
    "\r",
    "\n",
    "(",
    ")",
    "/",
    " - ",
    "\u2013",
    "\u202e",
    "\u0301",
    "\u05e9\u05dc\u05d5\u05dd",
    "\u0130",
    "\u00df",
    "\ufb00",
    "\u0390",
    "Spring",
    "Autumn",
    "June",
    "Mid-",
    "2023",
    "202",
    "31",
    "28th",
    "PTC",
    "Council",
    "PC and Council",
    "RKC/MC",
    "One/two",
    "three",
    "0,5",
    "officers",
    "from the",
    "Facilitation Sub-Directorate",
    "and",
    ",",
    "Completed.",
    "SP1",
    "The whole Strategic Plan",
    "Continuous",
    " ",
]
tableish = st.lists(st.sampled_from(ODD) | st.text(max_size=6), max_size=30).map("".join)
any_text = st.text() | tableish
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_total(parsed: Parsed[object]) -> None:
    assert isinstance(parsed, Parsed)
    assert all(f.code != "normaliser-error" for f in parsed.flags), parsed.flags


@FAST
@given(any_text)
def test_clean_cell_never_raises(raw: str) -> None:
    cell = clean_cell(raw)
    assert cell.raw == raw
    assert all(p and p == " ".join(p.split()) for p in cell.paragraphs)


@FAST
@given(any_text)
def test_small_columns_never_raise(text: str) -> None:
    assert_total(parse_priority(text))
    assert_total(parse_strategic_link(text))
    assert_total(parse_task_type(text))
    codes = parse_strategic_codes(text, LEGEND)
    assert_total(codes)
    assert all(re.fullmatch(r"[A-Z]{2,4}\d{1,2}", c) for c in codes.value)


@FAST
@given(any_text)
def test_parse_bodies_never_raises(text: str) -> None:
    parsed = parse_bodies(text, BODIES)
    assert_total(parsed)
    assert all(ref.text for ref in parsed.value)
    ids = [ref.body_id for ref in parsed.value if ref.body_id]
    assert len(ids) == len(set(ids))


@FAST
@given(any_text)
def test_parse_team_resources_never_raises_nor_drops_words(text: str) -> None:
    parsed = parse_team_resources(text, UNITS)
    assert_total(parsed)
    words = {w.casefold() for w in re.findall(r"\w+", clean_cell(text).text)} - {"and"}
    kept = {w.casefold() for a in parsed.value for w in re.findall(r"\w+", a.text)}
    assert words <= kept


@FAST
@given(any_text, st.booleans())
def test_parse_timeline_never_raises(text: str, continuous_section: bool) -> None:
    parsed = parse_timeline(text, BODIES, continuous_section)
    assert_total(parsed)
    milestones, _ = parsed.value
    assert all(m.month is None or 1 <= m.month <= 12 for m in milestones)
    assert all(1900 <= m.year <= 2099 for m in milestones)


@FAST
@given(st.lists(any_text, max_size=4), any_text)
def test_derive_status_never_raises(progress: list[str], cell: str) -> None:
    parsed = derive_status(progress, cell)
    assert_total(parsed)
    status, colour, rule = parsed.value
    assert status in {"Completed", "In progress", "Not started", "Postponed"}
    assert colour in {"green", "blue", "red"}
    assert rule


def test_huge_input_is_handled() -> None:
    text = ("Spring 2023 (PTC) One/two officers \u00a0 <u>x</u> " * 2000) + "(" * 500
    assert_total(parse_timeline(text, BODIES, False))
    assert_total(parse_team_resources(text, UNITS))
    assert_total(parse_bodies(text, BODIES))
