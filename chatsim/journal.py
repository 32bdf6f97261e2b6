"""The request journal: one record per request, WireMock style.

A record holds what was sent, what was answered and every callback delivery attempt the request
caused. The journal is a bounded ring buffer, so memory stays flat under load; bodies are kept as
the bytes that crossed the wire and decoded only when someone reads the journal.

A request is journaled when it has been answered, as one plain tuple: no object per request for
the garbage collector to walk again and again while the record sits in the ring. What a request
causes beyond its answer (callback attempts, problems the response and payload checks find) goes
on a small ``JournalNotes`` made only for the requests that ask for one. Readers get
``JournalRecord`` views built from both.
"""

from collections import deque
from dataclasses import dataclass
from typing import Any

import orjson


def decode_body(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw.decode("utf-8", "replace")


@dataclass(slots=True)
class JournalNotes:
    """The part of a record that may still grow after the answer, e.g. when a callback is retried.
    Its id is the record's, stamped when the request is journaled (0 for requests never journaled)."""

    id: int = 0
    callbacks: tuple[dict[str, Any], ...] = ()
    response_check: tuple[str, ...] = ()


@dataclass(slots=True)
class JournalRecord:
    """One journaled request as readers see it; the field order is the ring's tuple order."""

    id: int
    time: float
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
    callbacks: tuple[dict[str, Any], ...] = ()
    response_check: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time,
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
            "duration_ms": round(self.duration_ms, 3),
        }


_ID, _TENANT, _VENDOR, _OPERATION = 0, 2, 3, 4


class Journal:
    def __init__(self, capacity: int = 10_000) -> None:
        self._entries: deque[tuple[Any, ...]] = deque(maxlen=capacity)
        self._notes: dict[int, JournalNotes] = {}
        self._next_id = 1

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or 0

    def append(self, time: float, tenant: str, vendor: str, operation: str, method: str, path: str, query: str,
               request_body: bytes, status: int, response_body: bytes, vendor_code: Any,
               violations: tuple[dict[str, Any], ...], duration_ms: float, notes: JournalNotes | None) -> int:
        """Journal an answered request; returns its record id."""
        record_id = self._next_id
        self._next_id = record_id + 1
        self._entries.append((record_id, time, tenant, vendor, operation, method, path, query, request_body, status,
                              response_body, vendor_code, violations, duration_ms))
        if notes is not None:
            notes.id = record_id
            self._notes[record_id] = notes
            if len(self._notes) > 2 * self.capacity:  # pruned in batches, so each append stays O(1)
                self._forget_notes()
        return record_id

    def query(self, tenant: str | None = None, vendor: str | None = None, operation: str | None = None,
              limit: int | None = None) -> list[JournalRecord]:
        found = [entry for entry in self._entries
                 if (tenant is None or entry[_TENANT] == tenant)
                 and (vendor is None or entry[_VENDOR] == vendor)
                 and (operation is None or entry[_OPERATION] == operation)]
        return [self._record(entry) for entry in (found[-limit:] if limit else found)]

    def clear(self, tenant: str | None = None) -> None:
        if tenant is None:
            self._entries.clear()
        else:
            kept = [entry for entry in self._entries if entry[_TENANT] != tenant]
            self._entries.clear()
            self._entries.extend(kept)
        self._forget_notes()

    def _record(self, entry: tuple[Any, ...]) -> JournalRecord:
        record = JournalRecord(*entry)
        notes = self._notes.get(entry[_ID])
        if notes is not None:
            record.callbacks, record.response_check = notes.callbacks, notes.response_check
        return record

    def _forget_notes(self) -> None:
        """Drop the notes of records that have left the ring."""
        kept = {entry[_ID] for entry in self._entries}
        self._notes = {record_id: notes for record_id, notes in self._notes.items() if record_id in kept}
