"""What a vendor package gives the shared machinery.

Each vendor lives in ``chatsim/vendors/<name>/`` with a model (state and rules, no HTTP),
handlers (HTTP to model calls and back, nothing else) and an error renderer. The package exposes
one ``Vendor`` subclass instance; the pipeline asks it for the steps that differ between vendors
(auth, how errors look) and does everything else itself.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from aiohttp import web

from chatsim.journal import JournalNotes
from chatsim.spec import Field, Operation
from chatsim.validation import Policy, Violation

if TYPE_CHECKING:
    from chatsim.tenants import Tenant, TenantContext


@dataclass(slots=True)
class Reply:
    """A response before it is serialised: the body the vendor sends and its own result code.

    Nothing changes a reply once it is made, so a constant one may be built once and shared."""

    body: Any
    status: int = 200
    headers: dict[str, str] | None = None
    vendor_code: Any = None


class SimError(Exception):
    """A failure the vendor itself would report; raised by models, rendered by the vendor."""


@dataclass(slots=True)
class Call:
    """Everything a handler needs about one request, already routed, authenticated and validated."""

    request: web.Request
    op: Operation
    tenant_or_none: "Tenant | None"
    world: Any  # this vendor's world in the request's tenant
    params: dict[str, Any]
    body: Any
    path_params: Mapping[str, str]
    raw: bytes = b""  # the body as it came; read once by the pipeline, so vendors never read it again
    now: float = 0.0  # the tenant's virtual time when the request arrived, read once (the journal's time)
    principal: Any = None
    notes: JournalNotes | None = None

    @property
    def record(self) -> JournalNotes:
        """This request's journal notes, for what it causes (callback attempts, check problems).
        Made on first use: most requests cause nothing, and then the record is one plain tuple."""
        if self.notes is None:
            self.notes = JournalNotes()
        return self.notes

    @property
    def tenant(self) -> "Tenant":
        """The tenant the request belongs to (only admin operations without ``{tenant}`` have none)."""
        assert self.tenant_or_none is not None
        return self.tenant_or_none

    @property
    def ctx(self) -> "TenantContext":
        return self.tenant.ctx


# A plain function for the usual in-memory work; a coroutine function only where the handler waits
# (a callback probe, a long poll on the outbox), since a coroutine per request is measurable here.
Handler = Callable[[Call], Reply | Awaitable[Reply]]


async def settled(reply: Reply | Awaitable[Reply]) -> Reply:
    """What a handler answered, awaited if it is still to come."""
    return reply if isinstance(reply, Reply) else await reply


class Vendor:
    name: ClassVar[str] = ""
    spec_file: ClassVar[str] = ""
    prefixes: ClassVar[tuple[str, ...]] = ()
    aliases: ClassVar[Mapping[str, str]] = {}
    content_type: ClassVar[str] = "application/json"
    policy: ClassVar[Policy] = Policy()
    handlers: ClassVar[Mapping[str, Handler]] = {}
    admin_handlers: ClassVar[Mapping[str, Handler]] = {}
    scenario_schema: ClassVar[dict[str, Any] | None] = {"type": "object"}

    def new_world(self, sections: list[dict[str, Any]], ctx: "TenantContext") -> Any:
        """Build this vendor's world from the scenario sections, in order; raise ScenarioError."""
        raise NotImplementedError

    def dump(self, world: Any) -> Any:
        return world.dump()

    def credentials(self, world: Any) -> list[str]:
        """Lines printed at start-up that tell a person how to call this vendor."""
        return []

    def param_sources(self, fld: Field, op: Operation) -> tuple[str, ...]:
        return (fld.location,)

    def authenticate(self, call: Call) -> Reply | None:
        """A refusal, or None to go on. Plain model lookups, never I/O, so no coroutine per request."""
        return None

    def render_violations(self, call: Call, violations: list[Violation]) -> Reply:
        raise NotImplementedError

    def render_error(self, call: Call, error: SimError) -> Reply:
        raise NotImplementedError

    def render_not_implemented(self, op: Operation) -> Reply:
        raise NotImplementedError

    def render_internal_error(self, call: Call, error: Exception) -> Reply:
        raise NotImplementedError

    async def render_unknown_route(self, request: web.Request, path: str, tenant: "Tenant") -> Reply:
        raise NotImplementedError
