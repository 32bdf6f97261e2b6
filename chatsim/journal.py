"""The request journal: one ``ServeEvent`` per answered request, WireMock style, in a bounded ring.

An event holds what was sent, what was answered, and the request's sub-events (callback delivery
attempts, setCallback's probe, self-check findings), which may keep arriving after the answer. The
ring is bounded, so memory stays flat under load; bodies are kept as the bytes that crossed the wire
and decoded only when someone reads the journal. A request is journaled when it has been answered,
so record ids increase in ring order.

The ring keeps each record as a plain tuple and makes the event when someone reads it: building a
slotted object per request cost more than the tuple, and a tuple of strings, numbers and bytes is
one the garbage collector stops tracking, so a full ring of records is not walked by every full
collection (a request that caused sub-events keeps their list, which is tracked, as it must be:
they may keep arriving). What is new in every request (its times, id and status, path, query and
both bodies) is packed into one bytes object (``chatsim.journalpack``): a record is two objects
where it was ten, and a full ring is larger than a core's L2 cache, so each object a request adds
and the oldest record's objects it frees are cache misses the instruction counts do not show.
"""

from collections import deque
from collections.abc import Sequence
from time import time as wall_clock
from typing import Any

import orjson

from chatsim import journalpack
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
    so what happens after the answer shows here too. Build it by keyword; ``Journal.record`` takes
    its fields in this order, and tests/test_journal.py holds the journal step's positional call to it."""

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
        self._entries: deque[Entry] = deque()
        self._capacity = capacity
        self._next_id = 1
        self._body_limit = body_limit
        self._byte_budget = byte_budget
        self.bytes = 0  # bytes held now: bodies and records
        self._waiters = LongPoll()  # long polls waiting for the next record

    @property
    def capacity(self) -> int:
        return self._capacity

    def record(self, time: float, tenant: str, vendor: str, operation: str, method: str, path: str, query: str,
               request_body: bytes, status: int, response_body: bytes, vendor_code: Any,
               violations: tuple[dict[str, Any], ...], duration_ms: float,
               sub_events: Sequence[SubEvent] = NO_SUB_EVENTS) -> int:
        """Journal an answered request, given as ``ServeEvent``'s fields; returns its record id."""
        record_id = self._next_id
        self._next_id = record_id + 1
        truncated = None
        if len(request_body) + len(response_body) > self._body_limit:
            request_body, response_body, truncated = self._cut(request_body, response_body)
        entry = (tenant, vendor, operation, method, vendor_code, violations, sub_events, truncated,
                 journalpack.pack(time, duration_ms, wall_clock(), record_id, status, path, query, request_body,
                                  response_body))
        entries = self._entries
        entries.append(entry)
        self.bytes += _size(entry)
        if self.bytes > self._byte_budget or len(entries) > self._capacity:
            self._evict()
        if self._waiters.waiters:  # nobody long-polls: no call at all
            self._waiters.wake()
        return record_id

    def append(self, event: ServeEvent) -> int:
        """Journal a ``ServeEvent`` (one chatsim made itself, or a test's); stamps and returns its id."""
        event.id = self.record(event.time, event.tenant, event.vendor, event.operation, event.method, event.path,
                               event.query, event.request_body, event.status, event.response_body,
                               event.vendor_code, event.violations, event.duration_ms, event.sub_events)
        event.wall = journalpack.wall(self._entries[-1][_PACKED])
        return event.id

    def _evict(self) -> None:
        """The oldest records go until the ring is within both of its bounds (the newest always stays)."""
        entries = self._entries
        while len(entries) > 1 and (self.bytes > self._byte_budget or len(entries) > self._capacity):
            self.bytes -= _size(entries.popleft())

    def _cut(self, request_body: bytes, response_body: bytes) -> tuple[bytes, bytes, tuple[int, int] | None]:
        """At most ``body_limit`` bytes of each body, with the sizes that crossed the wire when cut."""
        limit = self._body_limit
        truncated = None
        if len(request_body) > limit or len(response_body) > limit:
            truncated = (len(request_body), len(response_body))
            request_body, response_body = request_body[:limit], response_body[:limit]
        return request_body, response_body, truncated

    async def wait(self, timeout: float, after: int = 0, **filters: Any) -> list[ServeEvent]:
        """Long poll: the matching records (above ``after``) as soon as there is one, else [] at the timeout."""
        return await self._waiters.wait(timeout, lambda: self.since(after, **filters))

    def query(self, tenant: str | None = None, vendor: str | None = None, operation: str | None = None,
              limit: int | None = None) -> list[ServeEvent]:
        found = [entry for entry in self._entries if _matches(entry, tenant, vendor, operation)]
        return [_event(entry) for entry in (found[-limit:] if limit else found)]

    def since(self, after: int, tenant: str | None = None, vendor: str | None = None,
              operation: str | None = None) -> list[ServeEvent]:
        """The matching records above ``after``, read from the newest end (ids rise in ring order):
        a long poll woken by each new record reads what is new, not the whole ring."""
        found = []
        for entry in reversed(self._entries):
            if journalpack.record_id(entry[_PACKED]) <= after:
                break
            if _matches(entry, tenant, vendor, operation):
                found.append(_event(entry))
        found.reverse()
        return found

    def clear(self, tenant: str | None = None) -> None:
        kept = [] if tenant is None else [entry for entry in self._entries if entry[_TENANT] != tenant]
        self._entries.clear()
        self._entries.extend(kept)
        self.bytes = sum(_size(entry) for entry in kept)


# A record in the ring: the fields shared between requests (or rarely there), then the packed ones.
Entry = tuple[Any, ...]
_TENANT, _VENDOR, _OPERATION, _PACKED = 0, 1, 2, 8


def _event(entry: Entry) -> ServeEvent:
    tenant, vendor, operation, method, vendor_code, violations, sub_events, truncated, packed = entry
    time, duration_ms, wall, record_id, status, path, query, request_body, response_body = journalpack.unpack(packed)
    return ServeEvent(time, tenant, vendor, operation, method, path, query, request_body, status, response_body,
                      vendor_code, violations, duration_ms, sub_events, record_id, truncated, wall)


def _size(entry: Entry) -> int:
    """What a record counts for: its bodies, the texts a request chose (path and query as UTF-8), the overhead."""
    return len(entry[_TENANT]) + len(entry[_PACKED]) - journalpack.HEAD_SIZE + RECORD_OVERHEAD


def _matches(entry: Entry, tenant: str | None, vendor: str | None, operation: str | None) -> bool:
    return ((tenant is None or entry[_TENANT] == tenant) and (vendor is None or entry[_VENDOR] == vendor)
            and (operation is None or entry[_OPERATION] == operation))


SYSTEM_VENDOR = "chatsim"  # the vendor of records that no request made: evictions, dead letters


def system_event(time: float, tenant: str, operation: str, detail: dict[str, Any]) -> ServeEvent:
    """A record of something chatsim did on its own (``operation`` says what, ``detail`` the facts,
    as the response body), so that nothing it gives up happens out of sight."""
    return ServeEvent(time, tenant, SYSTEM_VENDOR, operation, "-", "", "", b"", 0, orjson.dumps(detail), None, (),
                      0.0)
