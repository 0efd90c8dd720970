"""Edits of activities: the append-only edit log, the draft made by replaying it on the graph
as built, and the service that checks, validates and stores each edit.

The seam for revisions (issue 15) is `wcokg.edits.draft.apply_edits(base, edits, writer,
base_version) -> DraftResult`.
"""
