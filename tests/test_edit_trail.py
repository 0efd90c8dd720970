"""The version trail (`wcokg.edits.trail`): which versions edits made, on small hand-written
sequences."""

from __future__ import annotations

from wcokg.edits.trail import MADE_KEPT, VersionTrail


def test_versions_made_by_edits_and_while_storing() -> None:
    trail = VersionTrail()
    assert not trail.made("built")
    trail.storing()
    assert trail.made("anything")  # a draft is being stored: the next version is an edit's
    trail.stored("v1")
    assert trail.made("v1") and not trail.made("built")
    trail.storing()
    trail.stored(None)  # refused: nothing stored
    assert not trail.made("v2") and trail.made("v1")


def test_old_versions_are_dropped_in_order() -> None:
    trail = VersionTrail()
    for n in range(MADE_KEPT + 5):
        trail.storing()
        trail.stored(f"v{n}")
    assert not trail.made("v0") and not trail.made("v4")
    assert trail.made("v5") and trail.made(f"v{MADE_KEPT + 4}")
