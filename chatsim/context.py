"""The shared machinery a vendor's model may use in one tenant: its name, virtual clock, seeded ids,
the callback outbox, the HTTP sender the app injected (a model never sees aiohttp), and its fault
rules (read by the chain's faults step and the outbox; a model never looks at them)."""

from chatsim.clock import VirtualClock
from chatsim.dataclass import dataclass
from chatsim.faults.rules import FaultBook
from chatsim.ids import IdGenerator
from chatsim.outbox import Outbox, Sender


@dataclass(frozen=True, slots=True)
class TenantContext:
    """What a vendor model may use of its tenant (clock, ids, outbox, sender, fault rules): its only way out."""

    name: str
    clock: VirtualClock
    ids: IdGenerator
    outbox: Outbox
    send: Sender | None  # POST a body to a URL: (status, None) on an answer, (None, error) if none
    faults: FaultBook
