"""Long polls: wait until a query finds something, woken by whoever adds to what it reads (the
journal's records, the outbox's deliveries), with no polling loop."""

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class LongPoll:
    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def __bool__(self) -> bool:
        """Whether anyone waits (so that adding costs nothing when nobody does)."""
        return bool(self._waiters)

    def wake(self) -> None:
        waiters, self._waiters = self._waiters, []
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
            self._waiters.append(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                return query()
