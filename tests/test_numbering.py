"""Revision numbering rules of the No. column, on hand-written sequences."""

from wcokg.loaders.numbering import number_section


def summary(raw: list[str]) -> list[tuple[int | None, int | None, str]]:
    return [(n.number, n.previous_number, n.revision) for n in number_section(raw)]


def codes(raw: list[str]) -> list[list[str]]:
    return [[f.code for f in n.flags] for n in number_section(raw)]


def test_plain_sequence_is_unchanged() -> None:
    assert summary(["1.", "2.", "3"]) == [
        (1, 1, "unchanged"),
        (2, 2, "unchanged"),
        (3, 3, "unchanged"),
    ]


def test_concatenated_old_and_new_numbers_after_a_struck_out_row() -> None:
    assert summary(["1.", "2.", "32.", "43."]) == [
        (1, 1, "unchanged"),
        (2, 2, "deleted"),
        (2, 3, "renumbered"),
        (3, 4, "renumbered"),
    ]


def test_spaced_old_and_new_numbers_with_trailing_dot_and_space() -> None:
    assert summary(["1.", "2.", "3 2.", "4 3 ."])[2:] == [
        (2, 3, "renumbered"),
        (3, 4, "renumbered"),
    ]


def test_struck_out_row_is_flagged() -> None:
    assert codes(["1.", "2.", "3 2.", "4 3."])[1] == ["deleted-row"]


def test_struck_out_row_that_breaks_the_sequence() -> None:
    # old 5 is struck out after old 4 became 3: "5" is neither the expected 4 nor taken by it
    result = summary(["1.", "2.", "32.", "43.", "5", "64."])
    assert result[4] == (5, 5, "deleted")
    assert result[5] == (4, 6, "renumbered")
    assert codes(["1.", "2.", "32.", "43.", "5", "64."])[5] == []


def test_garbled_old_digits_are_flagged_and_inferred_from_the_sequence() -> None:
    raw = ["1.", "2.", "3 2.", "44 3", "74."]
    assert summary(raw)[3:] == [(3, 4, "renumbered"), (4, 5, "renumbered")]
    assert codes(raw)[2] == []
    assert codes(raw)[3] == ["garbled-previous-number"]
    assert codes(raw)[4] == ["garbled-previous-number"]


def test_underlined_number_is_an_inserted_row() -> None:
    assert summary(["1.", "<u>2.</u>", "3."]) == [
        (1, 1, "unchanged"),
        (2, None, "inserted"),
        (3, 3, "unchanged"),
    ]


def test_skipped_and_duplicate_numbers_are_flagged() -> None:
    assert codes(["1.", "3.", "4."])[1] == ["unexpected-number"]
    assert codes(["1.", "2.", "3.", "2."])[3] == ["duplicate-number"]


def test_unreadable_number_is_kept_and_flagged() -> None:
    result = number_section(["1.", "n/a", "2."])
    assert result[1].number is None
    assert [f.code for f in result[1].flags] == ["unreadable-number"]
    assert result[2].number == 2


def test_marked_deletions_decide_over_the_digits() -> None:
    # a struck row, a renumbered row whose old number is garbled-looking, an inserted row
    raw = ["1.", "<del>2.</del>", "<del>44</del><u>2</u>.", "<u>3.</u>", "<del>4</del> 4."]
    assert summary(raw) == [
        (1, 1, "unchanged"),
        (2, 2, "deleted"),
        (2, 44, "renumbered"),
        (3, None, "inserted"),
        (4, 4, "unchanged"),
    ]
    assert "garbled-previous-number" not in [c for cs in codes(raw) for c in cs]


def test_a_row_before_a_marked_deletion_is_not_guessed_struck() -> None:
    assert summary(["1.", "2.", "<del>3.</del>", "3."]) == [
        (1, 1, "unchanged"),
        (2, 2, "unchanged"),
        (3, 3, "deleted"),
        (3, 3, "unchanged"),
    ]
