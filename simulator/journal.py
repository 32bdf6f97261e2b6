"""The request journal: one record per request, WireMock style.

A record holds what was sent, what was answered and every callback delivery attempt the request
caused. The journal is a bounded ring buffer, so memory stays flat under load; bodies are kept as
the bytes that crossed the wire and decoded only when someone reads the journal.
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
class JournalRecord:
    id: int
    time: float
    tenant: str
    vendor: str
    operation: str
    method: str
    path: str
    query: str
    request_body: bytes
    status: int = 0
    response_body: bytes = b""
    vendor_code: Any = None
    # Tuples, so that the common record (no violations, no callbacks) shares one empty value
    # instead of allocating three lists per request and keeping them alive in the ring.
    violations: tuple[dict[str, Any], ...] = ()
    callbacks: tuple[dict[str, Any], ...] = ()
    response_check: tuple[str, ...] = ()
    duration_ms: float = 0.0

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


class Journal:
    def __init__(self, capacity: int = 10_000) -> None:
        self._records: deque[JournalRecord] = deque(maxlen=capacity)
        self._next_id = 1

    @property
    def capacity(self) -> int:
        return self._records.maxlen or 0

    def open(self, time: float, tenant: str, vendor: str, operation: str, method: str, path: str,
             query: str, body: bytes) -> JournalRecord:
        record = JournalRecord(self._next_id, time, tenant, vendor, operation, method, path, query, body)
        self._next_id += 1
        self._records.append(record)
        return record

    def query(self, tenant: str | None = None, vendor: str | None = None, operation: str | None = None,
              limit: int | None = None) -> list[JournalRecord]:
        found = [r for r in self._records
                 if (tenant is None or r.tenant == tenant)
                 and (vendor is None or r.vendor == vendor)
                 and (operation is None or r.operation == operation)]
        return found[-limit:] if limit else found

    def clear(self, tenant: str | None = None) -> None:
        if tenant is None:
            self._records.clear()
        else:
            kept = [r for r in self._records if r.tenant != tenant]
            self._records.clear()
            self._records.extend(kept)
