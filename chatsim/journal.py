"""The request journal: one ``ServeEvent`` per answered request, WireMock style, in a bounded ring.

An event holds what was sent, what was answered, and the request's sub-events (callback delivery
attempts, setCallback's probe, self-check findings), which may keep arriving after the answer. The
ring is bounded, so memory stays flat under load; bodies are kept as the bytes that crossed the wire
and decoded only when someone reads the journal. A request is journaled when it has been answered,
so record ids increase in ring order.
"""

from collections import deque
from collections.abc import Sequence
from time import time as wall_clock
from typing import Any

import orjson

from chatsim.dataclass import dataclass
from chatsim.longpoll import LongPoll
from chatsim.trace import CALLBACK, CHECK, FAULT, PROBE, SubEvent

NO_SUB_EVENTS: Sequence[SubEvent] = ()


def decode_body(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw.decode("utf-8", "replace")


@dataclass(slots=True)
class ServeEvent:
    """One journaled request. ``sub_events`` is the request's trace list itself (shared, not copied),
    so what happens after the answer shows here too. Build it by keyword; the journal step alone
    builds it positionally, because keywords cost 6,700 instructions a request (callgrind, 2.8% of
    the whole request), and tests/test_journal.py holds that call to the field order."""

    time: float  # the tenant's virtual time at arrival
    tenant: str
    vendor: str
    operation: str
    method: str
    path: str
    query: str
    request_body: bytes
    status: int
    response_body: bytes
    vendor_code: Any
    violations: tuple[dict[str, Any], ...]
    duration_ms: float
    sub_events: Sequence[SubEvent] = NO_SUB_EVENTS
    id: int = 0  # stamped by the journal
    truncated: tuple[int, int] | None = None  # the bodies' sizes as they crossed the wire, when cut
    wall: float = 0.0  # wall-clock time it was journaled (epoch seconds), stamped by the journal

    @property
    def callbacks(self) -> tuple[dict[str, Any], ...]:
        """Callback delivery attempts and probes, in the order they happened."""
        return tuple(dict(e.data) for e in self.sub_events if e.kind in (CALLBACK, PROBE))

    @property
    def faults(self) -> tuple[dict[str, Any], ...]:
        """The fault rules that changed this request: rule index, effect, outcome."""
        return tuple(dict(e.data) for e in self.sub_events if e.kind == FAULT)

    @property
    def response_check(self) -> tuple[str, ...]:
        return tuple(e.data["problem"] for e in self.sub_events if e.kind == CHECK)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time,
            "wall_time": self.wall,
            "tenant": self.tenant,
            "vendor": self.vendor,
            "operation": self.operation,
            "request": {"method": self.method, "path": self.path, "query": self.query,
                        "body": decode_body(self.request_body)},
            "response": {"status": self.status, "body": decode_body(self.response_body),
                         "vendor_code": self.vendor_code},
            "violations": list(self.violations),
            "callbacks": list(self.callbacks),
            "response_check": list(self.response_check),
            "faults": list(self.faults),
            "duration_ms": round(self.duration_ms, 3),
            **({"truncated": {"request_bytes": self.truncated[0], "response_bytes": self.truncated[1]}}
               if self.truncated else {}),
        }


BODY_LIMIT = 64 * 1024  # bytes of each body a record keeps; the rest is cut, and the record says so
BYTE_BUDGET = 64 * 1024**2  # bytes the whole ring keeps; past it the oldest records go
RECORD_OVERHEAD = 640  # what a record costs besides its bodies (the event, its strings, the ring's slot)


class Journal:
    """The ring, bounded twice: by records (``capacity``) and by bytes (each record's bodies plus
    ``RECORD_OVERHEAD``), so that neither large bodies nor many small records can make it grow past
    ``byte_budget`` whatever the count."""

    def __init__(self, capacity: int = 10_000, body_limit: int = BODY_LIMIT, byte_budget: int = BYTE_BUDGET) -> None:
        self._events: deque[ServeEvent] = deque()
        self._capacity = capacity
        self._next_id = 1
        self._body_limit = body_limit
        self._byte_budget = byte_budget
        self.bytes = 0  # bytes held now: bodies and records
        self._waiters = LongPoll()  # long polls waiting for the next record

    @property
    def capacity(self) -> int:
        return self._capacity

    def append(self, event: ServeEvent) -> int:
        """Journal an answered request; returns its record id."""
        event.id = self._next_id
        event.wall = wall_clock()
        self._next_id += 1
        size = len(event.request_body) + len(event.response_body) + RECORD_OVERHEAD
        if size > self._body_limit:
            size = self._cut(event)
        events = self._events
        events.append(event)
        self.bytes += size
        if self.bytes > self._byte_budget or len(events) > self._capacity:
            self._evict()
        if self._waiters.waiters:  # nobody long-polls: no call at all
            self._waiters.wake()
        return event.id

    def _evict(self) -> None:
        """The oldest records go until the ring is within both of its bounds (the newest always stays)."""
        events = self._events
        while len(events) > 1 and (self.bytes > self._byte_budget or len(events) > self._capacity):
            self.bytes -= _size(events.popleft())

    def _cut(self, event: ServeEvent) -> int:
        """Keep at most ``body_limit`` bytes of each body, noting the sizes that crossed the wire."""
        limit = self._body_limit
        request_size, response_size = len(event.request_body), len(event.response_body)
        if request_size > limit or response_size > limit:
            event.truncated = (request_size, response_size)
            event.request_body = event.request_body[:limit]
            event.response_body = event.response_body[:limit]
        return _size(event)

    async def wait(self, timeout: float, after: int = 0, **filters: Any) -> list[ServeEvent]:
        """Long poll: the matching records (above ``after``) as soon as there is one, else [] at the timeout."""
        return await self._waiters.wait(timeout, lambda: self.since(after, **filters))

    def query(self, tenant: str | None = None, vendor: str | None = None, operation: str | None = None,
              limit: int | None = None) -> list[ServeEvent]:
        found = [event for event in self._events if _matches(event, tenant, vendor, operation)]
        return found[-limit:] if limit else found

    def since(self, after: int, tenant: str | None = None, vendor: str | None = None,
              operation: str | None = None) -> list[ServeEvent]:
        """The matching records above ``after``, read from the newest end (ids rise in ring order):
        a long poll woken by each new record reads what is new, not the whole ring."""
        found = []
        for event in reversed(self._events):
            if event.id <= after:
                break
            if _matches(event, tenant, vendor, operation):
                found.append(event)
        found.reverse()
        return found

    def clear(self, tenant: str | None = None) -> None:
        kept = [] if tenant is None else [event for event in self._events if event.tenant != tenant]
        self._events.clear()
        self._events.extend(kept)
        self.bytes = sum(_size(event) for event in kept)


def _matches(event: ServeEvent, tenant: str | None, vendor: str | None, operation: str | None) -> bool:
    return ((tenant is None or event.tenant == tenant) and (vendor is None or event.vendor == vendor)
            and (operation is None or event.operation == operation))


def _size(event: ServeEvent) -> int:
    return len(event.request_body) + len(event.response_body) + RECORD_OVERHEAD


SYSTEM_VENDOR = "chatsim"  # the vendor of records that no request made: evictions, dead letters


def system_event(time: float, tenant: str, operation: str, detail: dict[str, Any]) -> ServeEvent:
    """A record of something chatsim did on its own (``operation`` says what, ``detail`` the facts,
    as the response body), so that nothing it gives up happens out of sight."""
    return ServeEvent(time, tenant, SYSTEM_VENDOR, operation, "-", "", "", b"", 0, orjson.dumps(detail), None, (),
                      0.0)
