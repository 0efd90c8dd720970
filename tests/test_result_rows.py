"""The row cap counts solutions in the serialised answer itself (one serialisation per query):
each format's rows are counted right even when literals hold line breaks."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from wcokg.store.embedded import EmbeddedStore
from wcokg.store.formats import SOLUTION_FORMATS
from wcokg.store.guarded import MIN_ROW_BYTES, QueryLimits, ResultTooLarge, _count_rows, run_task

ROWS = 'SELECT ?x WHERE { VALUES ?x { "a\\nb" "c\\r\\nd" "e,f" "" "g\\th" } }'


@pytest.mark.parametrize("media_type", list(SOLUTION_FORMATS))
def test_rows_are_counted_in_every_format(media_type: str) -> None:
    store = ox.Store()
    body = store.query(ROWS).serialize(format=SOLUTION_FORMATS[media_type])
    assert _count_rows(body, media_type) == 5


@pytest.mark.parametrize("media_type", list(SOLUTION_FORMATS))
def test_a_row_takes_at_least_the_minimum_bytes(media_type: str) -> None:
    store = ox.Store()
    empty_row = store.query("SELECT * WHERE { VALUES () { () () () } }")
    one = store.query("SELECT * WHERE { }").serialize(format=SOLUTION_FORMATS[media_type])
    three = empty_row.serialize(format=SOLUTION_FORMATS[media_type])
    assert len(three) - len(one) >= 2 * MIN_ROW_BYTES[media_type]


@pytest.mark.parametrize("media_type", list(SOLUTION_FORMATS))
def test_the_cap_refuses_one_row_too_many(seed_store: EmbeddedStore, media_type: str) -> None:
    kinds = {"solutions": media_type, "boolean": None, "graph": None}
    from wcokg.store.formats import ResultKind

    media = {ResultKind(k): v for k, v in kinds.items()}
    task = ("serialized", "SELECT * WHERE { ?s ?p ?o } LIMIT 4", media, [], [], None)
    assert run_task(seed_store, task, QueryLimits(max_rows=4))[1] == media_type
    with pytest.raises(ResultTooLarge):
        run_task(seed_store, task, QueryLimits(max_rows=3))
