"""The version trail readers ask (`wcokg.edits.trail`): which versions edits made, in order,
and the version of each activity's latest edit; on small hand-written sequences."""

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
    assert not trail.made("v2")


def test_edited_since_follows_the_order_of_versions() -> None:
    trail = VersionTrail()
    for version in ("v1", "v2", "v3"):
        trail.storing()
        trail.stored(version)
    trail.edited("I-1", "v2")
    assert trail.latest("I-1") == "v2" and trail.latest("I-2") is None
    assert trail.edited_since("I-1", "v1")  # a view made from v1 misses the edit in v2
    assert not trail.edited_since("I-1", "v2")
    assert not trail.edited_since("I-1", "v3")
    assert not trail.edited_since("I-2", "v1")  # never edited
    assert trail.edited_since("I-1", "built")  # a version no edit made: read it again
    trail.forget_activities()
    assert trail.latest("I-1") is None and not trail.edited_since("I-1", "v1")


def test_old_versions_are_dropped_in_order() -> None:
    trail = VersionTrail()
    for n in range(MADE_KEPT + 5):
        trail.storing()
        trail.stored(f"v{n}")
    assert not trail.made("v0") and trail.made(f"v{MADE_KEPT + 4}")
    trail.edited("I-1", f"v{MADE_KEPT + 4}")
    assert trail.edited_since("I-1", "v0")  # too old to compare: treated as a build
    assert trail.edited_since("I-1", "v10") and not trail.edited_since("I-1", f"v{MADE_KEPT + 4}")
