"""Meetings and outcomes from progress text; the PTC session calendar."""

from __future__ import annotations

import pytest

from wcokg.build import BuildReport
from wcokg.loaders.meetings import (
    Cadence,
    MeetingIndex,
    MentionFinder,
    bundled_cadences,
    find_outcomes,
)
from wcokg.loaders.records import MeetingMention
from wcokg.loaders.reference import load_reference


@pytest.fixture(scope="module")
def finder() -> MentionFinder:
    return MentionFinder(load_reference())


def mentions(
    finder: MentionFinder, text: str
) -> list[tuple[str | None, tuple[int, ...], int | None, int | None]]:
    found, _ = finder.find(text)
    return [(m.body_id, m.ordinals, m.year, m.month) for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The summary report of the 65 th DMPT was endorsed.", ("dmpt", (65,), None, None)),
        ("The 239th/240th PTC took note.", ("ptc", (239, 240), None, None)),
        ("It was endorsed by the PTC in April 2023.", ("ptc", (), 2023, 4)),
        ("It was presented to the PTC in Spring 2023 for endorsement.", ("ptc", (), 2023, 4)),
        ("The October 2022 PTC revised the mechanism.", ("ptc", (), 2022, 10)),
        ("The 29th SWG Meeting endorsed the template.", ("swg", (29,), None, None)),
        ("It was approved by the Council in June 2023.", ("council", (), 2023, 6)),
        ("The 243rd-244th PTC in April 2024 will examine it.", ("ptc", (243, 244), 2024, 4)),
    ],
)
def test_mentions(finder: MentionFinder, text: str, expected: tuple) -> None:  # type: ignore[type-arg]
    assert expected in mentions(finder, text)


def test_lists_of_sessions_and_bodyless_meetings(finder: MentionFinder) -> None:
    got = mentions(finder, "The 5 th and 6 th PFCWG Meetings were held.")
    assert ("pfcwg", (5,), None, None) in got and ("pfcwg", (6,), None, None) in got
    got = mentions(
        finder, "The DMPT endorsed its Work Programme during the 65 th Meeting in February 2023."
    )
    assert ("dmpt", (65,), 2023, 2) in got


def test_organisation_names_are_not_bodies(finder: MentionFinder) -> None:
    got = mentions(finder, "It was launched with the World Shipping Council in October 2023.")
    assert not any(b == "council" for b, *_ in got)


def test_outcomes_pair_verb_and_meeting(finder: MentionFinder) -> None:
    text = "The 4th edition was endorsed by the PTC in April 2023 and approved by the Council in June 2023."
    found, _ = finder.find(text)
    got = [(verb, m.body_id) for verb, m, _ in find_outcomes(text, found)]
    assert got == [("endorsed", "ptc"), ("approved", "council")]


def test_planned_steps_are_not_outcomes(finder: MentionFinder) -> None:
    text = "A draft will be presented to the PTC in April 2024 for endorsement."
    found, _ = finder.find(text)
    assert find_outcomes(text, found) == []


def test_calendar_derives_ordinals_from_one_anchor() -> None:
    index = MeetingIndex.create({"ptc": Cadence("ptc", (4, 10), 2)})
    anchor = MeetingMention("ptc", "PTC", (239, 240), 2023, 4, 0, 0, "anchor")
    index.add_anchors([anchor])
    before = index.resolve(MeetingMention("ptc", "PTC", (), 2022, 10, 0, 0, "x"))
    after = index.resolve(MeetingMention("ptc", "PTC", (243, 244), None, None, 0, 0, "y"))
    assert before is not None and before.id == "ptc-237-238"
    assert after is not None and (after.id, after.year, after.month) == ("ptc-243-244", 2024, 4)


def test_bodies_without_calendar_use_ordinal_or_month() -> None:
    index = MeetingIndex.create({})
    numbered = index.resolve(MeetingMention("council", "Council", (141, 142), 2023, 6, 0, 0, "x"))
    dated = index.resolve(MeetingMention("council", "Council", (), 2023, 6, 0, 0, "y"))
    assert numbered is dated and numbered is not None
    assert "council-2023-06" in numbered.aliases


def test_bundled_calendar_is_the_ptc() -> None:
    assert bundled_cadences()["ptc"] == Cadence("ptc", (4, 10), 2)


def test_seed_meetings(seed_report: BuildReport) -> None:
    by_id = {m.id: m for m in seed_report.meetings}
    ptc = by_id["ptc-239-240"]
    assert (ptc.start_date, ptc.end_date) == ("2023-04-25", "2023-04-27")
    assert "Brussels" in (ptc.venue or "") and "70 participants" in (ptc.participants or "")
    assert (by_id["ptc-237-238"].year, by_id["ptc-237-238"].month) == (2022, 10)
    assert (by_id["ptc-243-244"].year, by_id["ptc-243-244"].month) == (2024, 4)
    for expected in ("dmpt-65", "swg-29", "council-141-142"):
        assert expected in by_id
    assert "council-2023-06" in by_id["council-141-142"].aliases
    outcomes = {(o.meeting, o.subject, o.verb) for o in seed_report.outcomes}
    assert ("ptc-239-240", "I-1", "endorsed") in outcomes
    assert ("council-141-142", "I-10", "approved") in outcomes
    assert ("swg-29", "I-23", "endorsed") in outcomes


def test_seed_meeting_bodies_resolve(seed_report: BuildReport) -> None:
    """Every meeting has a known body; unresolved timeline/progress names are flagged."""
    bodies = set(load_reference().bodies.aliases.values())
    for meeting in seed_report.meetings:
        assert meeting.body_id in bodies
    codes = {flag.code for _p, _a, flag in seed_report.flags}
    assert codes <= {"unresolved-meeting-body", "calendar-conflict"}
    assert "calendar-conflict" not in codes
