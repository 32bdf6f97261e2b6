"""Long polls: wait until a query finds something, woken by whoever adds to what it reads (the
journal's records, the outbox's deliveries), with no polling loop."""

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class LongPoll:
    def __init__(self) -> None:
        # Empty when nobody waits: a writer on the hot path tests this list itself before it wakes
        # anyone (a list's truth costs no call; a __bool__ of ours was a Python call per request).
        self.waiters: list[asyncio.Future[None]] = []

    def wake(self) -> None:
        waiters, self.waiters = self.waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait(self, timeout: float, query: Callable[[], list[T]]) -> list[T]:
        """What ``query`` finds as soon as it finds something, else what it finds at the timeout."""
        deadline = time.monotonic() + timeout
        while True:
            found = query()
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return found
            waiter = asyncio.get_running_loop().create_future()
            self.waiters.append(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                return query()
            finally:  # a wait that timed out or was given up leaves no future behind for wake()
                if waiter in self.waiters:
                    self.waiters.remove(waiter)
