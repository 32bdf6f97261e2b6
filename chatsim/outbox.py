"""Out-of-band callback delivery, at the level Svix sets and no API mock reaches.

Models only *emit* events; delivery never happens inside the API call that caused it. Each tenant
has an outbox that delivers in order per key (a GeWe account, say), retries failures on a backoff
schedule measured on the tenant's virtual clock, logs every attempt on the delivery and on the
journal record of the request that caused it, and keeps what could not be delivered so the admin
API can redeliver it. Nothing is dropped silently: an event with no callback URL is kept as
``no_target``, and when the memory budget makes the tenant give up undelivered callbacks of a
receiver that keeps failing (``dead_letter``), each one is counted and reported to the journal.
"""

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import field
from typing import Any

import orjson

from chatsim.clock import VirtualClock
from chatsim.dataclass import dataclass
from chatsim.faults.rules import FaultBook
from chatsim.longpoll import LongPoll
from chatsim.oldestfirst import OldestFirst
from chatsim.trace import CALLBACK, FAULT, Trace

DEFAULT_RETRY_SCHEDULE = (5.0, 30.0, 120.0, 600.0, 3600.0)
ATTEMPTS_KEPT = 40  # a delivery's log keeps its newest this many (a schedule has at most 32 retries)
REORDER_WINDOW = 5.0  # virtual seconds a reordered callback waits for the next one of its key
DROPPED = "lost on the way (a callback fault rule's drop_first)"
DEPTH_HEADER = "X-Chatsim-Callback-Depth"

Sender = Callable[[str, bytes, float], Awaitable[tuple[int | None, str | None]]]
# ``--check-responses``: what is wrong with a delivery's payload (chatsim.selfcheck.CallbackChecker).
PayloadCheck = Callable[["Delivery"], list[str]]


@dataclass(frozen=True, slots=True)
class CallbackSettings:
    """A tenant's callback rules from its scenario's ``callbacks:``: retries, timeout, what the history keeps."""

    retry_schedule: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE
    timeout_seconds: float = 3.0
    keep_finished: int = 1000  # delivered (or targetless) callbacks a tenant's history keeps
    keep_finished_bytes: int = 8 * 1024**2  # ...and at most this many bytes of their payloads

    @classmethod
    def from_scenario(cls, section: dict[str, Any] | None) -> "CallbackSettings":
        section = section or {}
        return cls(tuple(section.get("retry_schedule", DEFAULT_RETRY_SCHEDULE)),
                   float(section.get("timeout_seconds", 3.0)), int(section.get("keep_delivered", 1000)),
                   int(section.get("keep_delivered_bytes", 8 * 1024**2)))


@dataclass(slots=True)
class Delivery:
    """One callback: its payload, where it goes, its state and every attempt at it (the newest ATTEMPTS_KEPT).

    The payload is kept as the bytes that go on the wire and read back from them when someone asks
    (the admin API, a filter, the self-check): a payload dict is dozens of objects (a group's
    ModContacts ~60), and the history keeps a thousand deliveries, so every one kept as a dict
    was memory that no cache holds, freed object by object when it left the history."""

    id: int
    vendor: str
    kind: str
    url: str | None
    key: str
    created: float
    next_at: float
    status: str = "pending"  # pending | retrying | delivered | dead | no_target
    attempts: list[dict[str, Any]] = field(default_factory=list)  # the newest ATTEMPTS_KEPT
    tried: int = 0  # attempts made, every one (redelivering adds more)
    trace: Trace | None = field(default=None, repr=False)  # of the request that caused it
    payload_check: list[str] = field(default_factory=list)
    body: bytes = b""  # the payload as it goes on the wire, serialized once at emit: what is kept of it
    faults: list[dict[str, Any]] = field(default_factory=list)  # the callback fault rules that touched it
    drops: int = 0  # attempts a fault rule loses on the way (the first ones)
    duplicates: int = 0  # extra copies a fault rule sends once it is delivered
    held: bool = False  # waiting to swap places with the next callback of its key (reorder)

    @property
    def payload(self) -> dict[str, Any]:
        """The payload as emitted: JSON of strings, integers, booleans, nulls, lists and objects reads
        back as the same values (tests/test_outbox_history.py holds them equal)."""
        payload: dict[str, Any] = orjson.loads(self.body)
        return payload

    @property
    def size(self) -> int:
        """What keeping it costs, roughly: its body twice (the bytes and a payload read back from
        them) and a bounded attempt log; fixed at emit, so adding and removing it agree."""
        return 2 * len(self.body) + 1024

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "vendor": self.vendor, "kind": self.kind, "url": self.url, "key": self.key,
                "status": self.status, "created": self.created, "next_attempt_at": self.next_at,
                "attempts": self.attempts, "payload": self.payload,
                "caused_by": self.trace.record_id if self.trace else None, "payload_check": self.payload_check,
                "faults": self.faults}


def payload_matches(payload: Any, filters: dict[str, str]) -> bool:
    """``{"Data.MsgType": "37"}`` matches when the dotted path holds that value (compared as text)."""
    for dotted, expected in filters.items():
        node = payload
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        actual = str(node).lower() if isinstance(node, bool) else str(node)
        if actual != expected:
            return False
    return True


class Outbox:
    def __init__(self, clock: VirtualClock, settings: CallbackSettings, sender: Sender | None,
                 faults: FaultBook | None = None) -> None:
        self._clock = clock
        self._faults = faults if faults is not None else FaultBook("")
        self._settings = settings
        self._sender = sender
        self._deliveries: dict[int, Delivery] = {}  # by id, oldest first
        self._next_id = 1
        self._finished: OldestFirst[int, Delivery] = OldestFirst()  # delivered or without a target, oldest first
        self._finished_bytes = 0
        self.bytes = 0  # what every kept delivery costs (Delivery.size at emit), for the memory budget
        self.dead_letters = 0  # undelivered callbacks given up to stay within the memory budget
        self.closed = False
        self.changes = 0  # counts emits and attempts, so a snapshot knows the outbox moved on
        self._queues: dict[str, deque[Delivery]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._wakeups: dict[str, asyncio.Event] = {}
        self._waiters = LongPoll()
        self.checker: PayloadCheck | None = None
        clock.on_advance(self._wake_all)

    def emit(self, vendor: str, kind: str, url: str | None, payload: dict[str, Any], key: str,
             trace: Trace | None = None) -> Delivery:
        now = self._clock.now()
        delivery = Delivery(self._next_id, vendor, kind, url, key, now, now, trace=trace, body=orjson.dumps(payload))
        self._next_id += 1
        self._deliveries[delivery.id] = delivery
        self.bytes += delivery.size
        if self.checker is not None:
            delivery.payload_check = self.checker(delivery)
            if trace is not None:
                for problem in delivery.payload_check:
                    trace.check(f"callback #{delivery.id} {kind}: {problem}")
        if url is None or self._sender is None:
            delivery.status = "no_target"
            self._finish(delivery)
        else:
            if self._faults.callback_rules:
                self._apply_faults(delivery)
            self._enqueue(delivery)
        self._notify()
        return delivery

    def redeliver(self, delivery_id: int) -> Delivery | None:
        delivery = self._deliveries.get(delivery_id)
        if delivery is None:
            return None
        if delivery.url is None or delivery.status in ("pending", "retrying"):
            return delivery
        if self._finished.discard(delivery.id) is not None:
            self._finished_bytes -= delivery.size
        delivery.status = "pending"
        delivery.next_at = self._clock.now()
        self._enqueue(delivery)
        return delivery

    def query(self, after: int = 0, filters: dict[str, str] | None = None, kind: str | None = None,
              status: str | None = None) -> list[Delivery]:
        return [d for d in self._deliveries.values()
                if d.id > after and (kind is None or d.kind == kind) and (status is None or d.status == status)
                and (not filters or payload_matches(d.payload, filters))]

    async def wait(self, timeout: float, after: int = 0, filters: dict[str, str] | None = None,
                   kind: str | None = None, status: str | None = None) -> list[Delivery]:
        """Long-poll: return as soon as something matches, or an empty list at the timeout."""
        return await self._waiters.wait(timeout, lambda: self.query(after, filters, kind, status))

    def owed(self) -> tuple[int, list[Delivery]]:
        """What a snapshot keeps: the next id and every callback still owed, oldest first (the
        delivered history is not kept; nothing anyone waits for is in it)."""
        return self._next_id, [d for d in self._deliveries.values() if d.id not in self._finished]

    def restore(self, next_id: int, owed: list[Delivery]) -> None:
        """Take back what a snapshot kept; ``resume`` starts delivering once a loop runs."""
        self._next_id = next_id
        for delivery in owed:
            self._deliveries[delivery.id] = delivery
            self.bytes += delivery.size

    def resume(self) -> None:
        """Queue the restored pending and retrying callbacks again, per key in their order."""
        for delivery in self._deliveries.values():
            if delivery.status in ("pending", "retrying") and delivery.url is not None and self._sender is not None:
                self._enqueue(delivery)

    def close(self) -> None:
        self.closed = True
        for task in self._workers.values():
            task.cancel()
        self._workers.clear()

    @property
    def undelivered(self) -> int:
        """Callbacks that are still owed to someone: pending, retrying or dead."""
        return len(self._deliveries) - len(self._finished)

    def dead_letter(self, excess: int) -> list[Delivery]:
        """Give up undelivered callbacks, oldest first, of receivers that keep failing, until
        ``excess`` bytes are freed or none is left: the memory budget's last resort. Given up are
        dead ones and those queued behind a failing one; the one a receiver's worker is trying
        now, and callbacks of receivers that have not failed, never are. What is given up is
        counted and returned, so the caller can journal it."""
        given_up: list[Delivery] = []
        for delivery in list(self._deliveries.values()):
            if excess <= 0:
                break
            if delivery.id in self._finished:
                continue
            queue = self._queues.get(delivery.key)
            head = queue[0] if queue else None
            if delivery is head or (delivery.status != "dead" and (head is None or not head.tried)):
                continue
            if delivery.status != "dead":
                assert queue is not None
                queue.remove(delivery)
            del self._deliveries[delivery.id]
            self.bytes -= delivery.size
            excess -= delivery.size
            delivery.status = "dead_letter"
            self.dead_letters += 1
            given_up.append(delivery)
        return given_up

    def _finish(self, delivery: Delivery) -> None:
        """Keep the newest ``keep_finished`` delivered (or targetless) callbacks, and at most
        ``keep_finished_bytes`` of them; older ones are forgotten, so the history is bounded.
        Pending, retrying and dead ones are kept until the memory budget says otherwise."""
        finished, settings = self._finished, self._settings
        finished.put(delivery.id, delivery)
        self._finished_bytes += delivery.size
        while finished and (len(finished) > settings.keep_finished
                            or self._finished_bytes > settings.keep_finished_bytes):
            old = finished.pop_oldest()
            del self._deliveries[old.id]
            size = old.size
            self._finished_bytes -= size
            self.bytes -= size

    def _notify(self) -> None:
        self.changes += 1
        if self._waiters.waiters:  # nobody long-polls: no call at all, as the journal does
            self._waiters.wake()

    def _wake_all(self) -> None:
        for event in self._wakeups.values():
            event.set()

    def _apply_faults(self, delivery: Delivery) -> None:
        """What the tenant's callback rules do to this delivery, noted on it and on its trace:
        a later first attempt, attempts lost on the way, copies after it lands, a swap with the
        next callback of its key. Each rule draws from its own stream, like the request rules."""
        for rule in self._faults.callback_rules:
            if not rule.matches(delivery.vendor, delivery.kind, lambda: delivery.key) or not rule.admit():
                continue
            settings, done = rule.settings, []
            if settings.get("delay_s"):
                delivery.next_at += float(settings["delay_s"])
                done.append("delayed")
            if settings.get("drop_first"):
                delivery.drops += int(settings["drop_first"])
                done.append("dropped")
            if settings.get("duplicate") and rule.fires(float(settings["duplicate"])):
                delivery.duplicates += 1
                done.append("duplicated")
            if settings.get("reorder"):
                delivery.held = True
                delivery.next_at = max(delivery.next_at,
                                       self._clock.now() + float(settings.get("reorder_window_s", REORDER_WINDOW)))
                done.append("held")
            if not done:
                continue
            rule.count("+".join(done))
            note = {"rule": rule.index, "effect": "callback", "outcome": "+".join(done), "delivery": delivery.id}
            delivery.faults.append(note)
            if delivery.trace is not None:
                delivery.trace.add(FAULT, note)

    def _enqueue(self, delivery: Delivery) -> None:
        queue = self._queues.setdefault(delivery.key, deque())
        held = queue[-1] if queue else None
        if held is not None and held.held and not held.tried and held is not delivery:
            # reorder: the newcomer goes first, the held one right after it
            held.held = False
            held.next_at = delivery.next_at
            queue.insert(len(queue) - 1, delivery)
            wakeup = self._wakeups.get(delivery.key)
            if wakeup is not None:
                wakeup.set()
        else:
            queue.append(delivery)
        worker = self._workers.get(delivery.key)
        if worker is None or worker.done():
            self._wakeups[delivery.key] = asyncio.Event()
            self._workers[delivery.key] = asyncio.get_running_loop().create_task(self._work(delivery.key))

    async def _work(self, key: str) -> None:
        queue = self._queues[key]
        wakeup = self._wakeups[key]
        while queue:
            delivery = queue[0]
            delay = delivery.next_at - self._clock.now()
            if delay > 0:
                wakeup.clear()
                timeout = None if self._clock.frozen else delay
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wakeup.wait(), timeout)
                continue
            await self._attempt(delivery)
            if delivery.status in ("delivered", "dead"):
                queue.popleft()
            self._notify()

    async def _attempt(self, delivery: Delivery) -> None:
        if delivery.tried < delivery.drops:
            status, error = self._log(delivery, None, DROPPED, 0.0, "dropped")
        else:
            status, error = await self._send(delivery)
        if error is None and status is not None and 200 <= status < 300:
            for _ in range(delivery.duplicates):  # the receiver must be idempotent: real GeWe pushes twice
                await self._send(delivery, "duplicate")
            delivery.status = "delivered"
            self._finish(delivery)
            return
        retries = delivery.tried - 1
        if retries >= len(self._settings.retry_schedule):
            delivery.status = "dead"
            return
        delivery.status = "retrying"
        delivery.next_at = self._clock.now() + self._settings.retry_schedule[retries]

    async def _send(self, delivery: Delivery, fault: str | None = None) -> tuple[int | None, str | None]:
        assert self._sender is not None and delivery.url is not None
        started = time.perf_counter()
        status, error = await self._sender(delivery.url, delivery.body, self._settings.timeout_seconds)
        return self._log(delivery, status, error, (time.perf_counter() - started) * 1000, fault)

    def _log(self, delivery: Delivery, status: int | None, error: str | None, latency_ms: float,
             fault: str | None) -> tuple[int | None, str | None]:
        """One attempt in the delivery's log and on its trace; a fault rule's doing says so."""
        delivery.tried += 1
        attempt = {"delivery": delivery.id, "attempt": delivery.tried, "url": delivery.url,
                   "time": self._clock.now(), "status": status, "error": error, "latency_ms": round(latency_ms, 3)}
        if fault is not None:
            attempt["fault"] = fault
        delivery.attempts.append(attempt)
        if len(delivery.attempts) > ATTEMPTS_KEPT:  # a callback redelivered again and again
            del delivery.attempts[0]
        if delivery.trace is not None:
            delivery.trace.add(CALLBACK, attempt)
        return status, error
