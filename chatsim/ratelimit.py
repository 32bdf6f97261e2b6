"""Counting windows on a tenant's virtual clock, shared by every limit chatsim applies (GeWe's risk
control, the fault rules' rate limits). Pure: no aiohttp, no clock of its own; the caller passes
the virtual time, so a limit is crossed at the same call on every run.
"""

from collections import deque
from dataclasses import dataclass, field


@dataclass(slots=True)
class SlidingWindow:
    """At most ``limit`` events per key in any span of ``seconds``: the event that would be one too
    many is refused and not counted. Each key keeps at most ``limit`` times, so memory is bounded
    by the keys, not by the traffic."""

    limit: int
    seconds: float
    _times: dict[str, deque[float]] = field(default_factory=dict)

    def admit(self, key: str, now: float) -> bool:
        times = self._times.setdefault(key, deque())
        while times and times[0] <= now - self.seconds:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True

    def free_at(self, key: str) -> float:
        """When the next event for ``key`` would be admitted (now, if the window has room)."""
        times = self._times.get(key)
        if not times or len(times) < self.limit:
            return float("-inf")
        return times[0] + self.seconds

    def reset(self, key: str) -> None:
        self._times.pop(key, None)


@dataclass(slots=True)
class Spacing:
    """A minimum gap between events of one key that go to different targets (a repeat to the same
    target is always admitted): WeChat's "at least a second between different people"."""

    seconds: float
    _last: dict[str, tuple[float, str]] = field(default_factory=dict)

    def admit(self, key: str, target: str, now: float) -> bool:
        last = self._last.get(key)
        if last is not None and last[1] != target and now - last[0] < self.seconds:
            return False
        self._last[key] = (now, target)
        return True

    def reset(self, key: str) -> None:
        self._last.pop(key, None)
