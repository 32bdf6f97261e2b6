"""What a request causes besides its answer, WireMock's sub-events: recorded on the request's
``Trace`` while it is handled and afterwards (a callback retried an hour later lands on the same
trace), and shown on its journal record."""

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from chatsim.dataclass import dataclass

CALLBACK, PROBE, CHECK, FAULT = "callback", "probe", "check", "fault"
MOST_SUB_EVENTS = 256  # a request's first this many are kept
URL_KEPT = 2048  # characters of a URL a sub-event shows (its request's body, cut by the journal, has it all)


@dataclass(frozen=True, slots=True)
class SubEvent:
    """``callback`` (a delivery attempt), ``probe`` (setCallback's test push), ``check`` (a problem
    the self-check found, ``{"problem": text}``) or ``fault`` (a fault rule that changed the
    request: ``{"rule": index, "effect", "outcome", ...}``)."""

    kind: str
    data: Mapping[str, Any]


@dataclass(slots=True)
class Trace:
    """The sub-events of one request. Made only for requests that cause something; ``record_id`` is
    stamped when the request is journaled (0 for one that never is)."""

    record_id: int = 0
    sub_events: list[SubEvent] = field(default_factory=list)

    def add(self, kind: str, data: Mapping[str, Any]) -> None:
        """One more sub-event, while the request has fewer than ``MOST_SUB_EVENTS`` (its journal
        record keeps them, and a callback redelivered again and again adds one per attempt)."""
        if len(self.sub_events) < MOST_SUB_EVENTS:
            self.sub_events.append(SubEvent(kind, data))

    def check(self, problem: str) -> None:
        self.add(CHECK, {"problem": problem})
