"""A counting window on a virtual clock, with a penalty: the one rate limiter chatsim has.

Pure and small on purpose, so that whatever needs a vendor's limit shares it: the fault rules
(``rate_limit``) here, and GeWe's risk control (40 messages a minute per account, a second between
different people).
A caller keeps one ``WindowLimiter`` per limit, asks ``hit(key, now)`` once per counted event and
gets ``None`` (allowed, counted) or a ``Throttle`` that says what the vendor's answer needs: the
window that overflowed and when the penalty ends. Time is whatever clock the caller reads (a
tenant's virtual clock), so advancing it lifts a penalty at once.

Windows are fixed, not sliding: DingTalk's 90002 names one ("从 20:40:04 到 20:40:04 请求总次数
超过了 300 次"), which a sliding window could not. A window opens at the first event of a key and
lasts ``per_seconds``; the event past ``requests`` in it is refused, and so is every one until the
penalty ends (the window's end plus ``penalty_seconds``). Refused events are not counted.

Keys may come from requests (a ``rate_limit`` rule scoped per app counts by the appId or appkey a
request names), so what a limiter keeps is bounded: a key longer than ``LONGEST_KEY`` is counted
under a digest of it, and past ``MOST_KEYS`` windows the finished ones go, then the oldest (whose
next event opens a new window).
"""

import hashlib
from dataclasses import field

from chatsim.dataclass import dataclass

LONGEST_KEY = 256
MOST_KEYS = 4096


@dataclass(frozen=True, slots=True)
class Throttle:
    """A refused event: the window that overflowed, its limit, and when events pass again."""

    key: str
    requests: int
    per_seconds: float
    window_start: float
    window_end: float
    until: float  # the penalty's end: the first instant an event passes again


@dataclass(slots=True)
class _Window:
    """One key's window: when it opened, the events counted in it, and the end of its penalty."""

    start: float
    count: int = 0
    until: float = 0.0  # refusing until then (0: not refusing)


@dataclass(slots=True)
class WindowLimiter:
    """``requests`` events per ``per_seconds`` per key, then ``penalty_seconds`` more of refusals."""

    requests: int
    per_seconds: float
    penalty_seconds: float = 0.0
    _windows: dict[str, _Window] = field(default_factory=dict)
    refused: int = 0  # events refused so far, every key

    def hit(self, key: str, now: float) -> Throttle | None:
        """Count one event of ``key`` at ``now``; a Throttle if it is refused."""
        if len(key) > LONGEST_KEY:
            key = f"{key[:64]}...sha256:{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}"
        windows = self._windows
        window = windows.get(key)
        if window is not None and window.until and now < window.until:
            self.refused += 1
            return self._throttle(key, window)
        if window is None or window.until or now >= window.start + self.per_seconds:
            if window is None and len(windows) >= MOST_KEYS:
                self._make_room(now)
            window = windows[key] = _Window(now)
        window.count += 1
        if window.count <= self.requests:
            return None
        window.count -= 1
        window.until = window.start + self.per_seconds + self.penalty_seconds
        self.refused += 1
        return self._throttle(key, window)

    def _make_room(self, now: float) -> None:
        """The windows that are over (no longer counting or refusing) go; if that leaves no room,
        the oldest go until a quarter of it is free."""
        over = [key for key, window in self._windows.items()
                if now >= max(window.start + self.per_seconds, window.until)]
        for key in over:
            del self._windows[key]
        if len(self._windows) >= MOST_KEYS:
            for key in list(self._windows)[:len(self._windows) - MOST_KEYS * 3 // 4]:
                del self._windows[key]

    def _throttle(self, key: str, window: _Window) -> Throttle:
        return Throttle(key, self.requests, self.per_seconds, window.start, window.start + self.per_seconds,
                        window.until)

    def reset(self, key: str) -> None:
        """Forget ``key``'s window: its next event opens a new one (GeWe's risk control starts an
        account afresh once it has taken it offline)."""
        self._windows.pop(key, None)

    def counts(self) -> dict[str, int]:
        """Events counted in each key's current window (for the admin API's counters)."""
        return {key: window.count for key, window in self._windows.items()}
