"""The shared machinery a vendor's model may use in one tenant: its name, virtual clock, seeded ids,
the callback outbox, and the HTTP sender the app injected (a model never sees aiohttp)."""

from dataclasses import dataclass

from chatsim.clock import VirtualClock
from chatsim.ids import IdGenerator
from chatsim.outbox import Outbox, Sender


@dataclass(frozen=True, slots=True)
class TenantContext:
    name: str
    clock: VirtualClock
    ids: IdGenerator
    outbox: Outbox
    send: Sender | None  # POST a body to a URL: (status, None) on an answer, (None, error) if none
