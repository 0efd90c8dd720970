"""A query whose client goes away is stopped, not left to run to the time limit.

`while_connected(request, func, *args)` runs `func` in a thread (as `run_in_threadpool` does)
with a cancel event in `wcokg.store.guarded.CANCEL`, and listens meanwhile for the ASGI
`http.disconnect` message. When it comes, the event is set: the query pool kills the worker
running the query (or stops waiting for one), logs it and counts it (`QueryPool.abandoned`,
shown by `/health` as `queries_abandoned`), and the worker is free for the next client.

`/sparql` uses `serialized_while_connected`, which stays on the event loop when a worker is
free (`GuardedStore.query_serialized_async`), listening the same way.

Only for requests whose body has already been read (GET, or POST after `request.body()`):
the listener reads the remaining ASGI messages.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from wcokg.store.formats import MediaChooser, SerializedResult
from wcokg.store.guarded import CANCEL, GuardedStore

T = TypeVar("T")


async def _disconnect(request: Request) -> None:
    """Returns when the client has gone away (the ASGI `http.disconnect` message)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


async def serialized_while_connected(
    request: Request,
    store: GuardedStore,
    sparql: str,
    choose: MediaChooser,
    dataset: tuple[Sequence[str], Sequence[str], str | None],
) -> SerializedResult:
    """`store.query_serialized_async`, stopped if the client goes away meanwhile."""
    gone = asyncio.ensure_future(_disconnect(request))
    try:
        return await store.query_serialized_async(sparql, choose, dataset, gone)
    finally:
        gone.cancel()


async def while_connected(request: Request, func: Callable[..., T], *args: Any) -> T:
    """`func(*args)` in a thread, cancelled through `CANCEL` if the client disconnects."""
    cancel = threading.Event()
    token = CANCEL.set(cancel)
    try:  # the task copies the context now, with the event in it
        work: asyncio.Future[T] = asyncio.ensure_future(run_in_threadpool(func, *args))
    finally:
        CANCEL.reset(token)

    async def listen() -> None:
        while True:
            message = await request.receive()
            if message["type"] == "http.disconnect":
                cancel.set()
                return

    listener = asyncio.ensure_future(listen())
    try:
        return await work
    finally:
        listener.cancel()
