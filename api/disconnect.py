"""A query whose client goes away is stopped, not left to run to the time limit.

A query gets a `gone` future, set when the ASGI `http.disconnect` message arrives. The query
pool then kills the worker running the query (or stops waiting for one), logs it and counts
it (`QueryPool.abandoned`, shown by `/health` as `queries_abandoned`), so the worker is free
for the next client.

Listening costs a task reading the ASGI messages (about a millisecond per request, measured),
so it starts only once a query has run for `LISTEN_AFTER` seconds: quick answers never pay,
and a client that leaves a slow query frees its worker within that delay.

`while_connected(request, func, *args)` runs a blocking store call in a thread (as
`run_in_threadpool` does) with a cancel event in `wcokg.store.guarded.CANCEL`, set when the
client goes away (`/sparql` and named queries use it).

Only for requests whose body has already been read (GET, or POST after `request.body()`):
the listener reads the remaining ASGI messages.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from wcokg.store.guarded import CANCEL

T = TypeVar("T")

LISTEN_AFTER = 0.05
"""Seconds a query runs before its client's disconnect is listened for."""


async def _watch(request: Request, gone: asyncio.Future[None]) -> None:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            if not gone.done():
                gone.set_result(None)
            return


def _set_unless_cancelled(gone: asyncio.Future[None], cancel: threading.Event) -> None:
    """The client went away (a cancelled `gone` only means the request ended)."""
    if not gone.cancelled():
        cancel.set()


@asynccontextmanager
async def _listening(request: Request) -> AsyncIterator[asyncio.Future[None]]:
    """A future set when the client goes away, listened for after `LISTEN_AFTER` seconds."""
    loop = asyncio.get_running_loop()
    gone: asyncio.Future[None] = loop.create_future()
    listener: list[asyncio.Task[None]] = []
    timer = loop.call_later(
        LISTEN_AFTER, lambda: listener.append(loop.create_task(_watch(request, gone)))
    )
    try:
        yield gone
    finally:
        timer.cancel()
        for task in listener:
            task.cancel()
        gone.cancel()


async def while_connected(request: Request, func: Callable[..., T], *args: Any) -> T:
    """`func(*args)` in a thread, cancelled through `CANCEL` if the client disconnects."""
    cancel = threading.Event()
    async with _listening(request) as gone:
        gone.add_done_callback(lambda future: _set_unless_cancelled(future, cancel))
        token = CANCEL.set(cancel)
        try:
            return await run_in_threadpool(func, *args)
        finally:
            CANCEL.reset(token)
