"""The virtual clock every time-dependent rule reads.

Wall time plus an offset the admin API can advance, so a test can expire a token or run a 10-hour
retry schedule in milliseconds. A frozen clock never moves on its own, which makes responses that
carry times byte-for-byte repeatable.
"""

import time
from collections.abc import Callable

LATEST = 253402300799.0  # 9999-12-31T23:59:59Z: the last instant every date library can show


class VirtualClock:
    def __init__(self, start: float | None = None, frozen: bool = False) -> None:
        self._frozen = frozen
        self._base = start if start is not None else time.time()
        self._offset = 0.0 if frozen or start is None else start - time.time()
        self._listeners: list[Callable[[], None]] = []

    @property
    def frozen(self) -> bool:
        return self._frozen

    def now(self) -> float:
        if self._frozen:
            return self._base + self._offset
        return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        """Move time forward and wake whatever waits on virtual deadlines; a refused advance moves nothing."""
        if not 0 <= seconds < float("inf"):
            raise ValueError("the clock only moves forward, by a finite number of seconds")
        if self.now() + seconds > LATEST:
            raise ValueError("the clock cannot pass 9999-12-31T23:59:59Z")
        self._offset += seconds
        for listener in list(self._listeners):
            listener()
        return self.now()

    def state(self) -> tuple[float, float, bool]:
        """What a snapshot keeps (--state-dir): a running clock keeps its offset from wall time, so
        virtual time went on while chatsim was down, as it would have had it kept running."""
        return self._base, self._offset, self._frozen

    def restore(self, state: tuple[float, float, bool]) -> None:
        self._base, self._offset, self._frozen = state

    def on_advance(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)
