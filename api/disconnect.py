"""A query whose client goes away is stopped, not left to run to the time limit.

`while_connected(request, func, *args)` runs `func` in a thread (as `run_in_threadpool` does)
with a cancel event in `wcokg.store.guarded.CANCEL`, and listens meanwhile for the ASGI
`http.disconnect` message. When it comes, the event is set: the query pool kills the worker
running the query (or stops waiting for one), logs it and counts it (`QueryPool.abandoned`,
shown by `/health` as `queries_abandoned`), and the worker is free for the next client.

Only for requests whose body has already been read (GET, or POST after `request.body()`):
the listener reads the remaining ASGI messages.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from wcokg.store.guarded import CANCEL

T = TypeVar("T")


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
