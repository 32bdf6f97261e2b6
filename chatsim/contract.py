"""The contract between the request chain and a vendor package.

- ``Call``: one request's context, as every step of the chain and every handler sees it.
- ``Reply``: an answer before it is sent; its body is always the bytes that go on the wire.
- ``SimError``: a failure the vendor itself would report, raised by models and auth, rendered by
  the vendor's ``ErrorRenderer``; ``Refused`` is the one a world action raises.
- ``Vendor``: the manifest a vendor package exposes as ``VENDOR``; everything the rest of chatsim
  needs to know about a vendor is read from it.

Nothing here imports aiohttp: models import this module, and a model never sees HTTP. ``Call`` and
``Vendor`` are generic in the vendor's world and principal types, so a reader (and mypy) can follow
a request from the chain into a vendor's handlers and model.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, Protocol, TypeVar

import orjson

from chatsim.context import TenantContext
from chatsim.cors import CorsPolicy
from chatsim.dataclass import dataclass
from chatsim.faults.limiter import Throttle
from chatsim.ids import IdGenerator
from chatsim.spec.operations import Field, Operation, Policy, Violation
from chatsim.trace import Trace

W = TypeVar("W")  # a vendor's world
P = TypeVar("P")  # what a vendor's auth accepted: a token, an app, a user
NO_PARAMS: Mapping[str, str] = MappingProxyType({})


def encode(data: Any) -> bytes:
    """A body as the bytes sent and journaled. orjson hands back its 4 KiB working buffer and the
    journal keeps thousands of bodies, so they are copied to their real size: joined with an
    empty one, which makes a new object of that size at a third of ``bytes(memoryview(...))``'s
    cost (tests/test_journal.py measures what a kept body holds)."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode()
    return b"".join((orjson.dumps(data), b""))


@dataclass(slots=True)
class Reply:
    """An answer before it is sent: the body bytes, the status, extra headers and the vendor's own
    result code (for the journal). Nothing changes a reply once it is made, so a constant one may
    be built once and shared. ``disconnect`` (a fault rule's ``reset``, ``empty`` or ``garbage``)
    asks the adapter to break the connection instead of sending it: only the adapter has one."""

    body: bytes
    status: int = 200
    headers: Mapping[str, str] | None = None
    vendor_code: Any = None
    disconnect: str | None = None

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: Mapping[str, str] | None = None,
             vendor_code: Any = None) -> "Reply":
        return cls(encode(data), status, headers, vendor_code)


REFUSED_HEADER = "X-Chatsim-Refused"  # why chatsim turned a request away (ErrorRenderer.refused)


def refused_as(reply: Reply, status: int, reason: str) -> Reply:
    """A vendor's error reply carried with the refusal's HTTP status and chatsim's reason."""
    return Reply(reply.body, status, {**(reply.headers or {}), REFUSED_HEADER: reason}, reply.vendor_code)


class SimError(Exception):
    """A failure the vendor itself would report; raised by models and auth, rendered by the vendor."""


class Refused(SimError):
    """A world action that cannot happen (the admin API answers it with ``status``)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


class HttpRequest(Protocol):
    """What a handler may read of the HTTP request (aiohttp's Request is one); bodies are read once
    by the chain (``Call.raw``), so no vendor reads them again."""

    @property
    def method(self) -> str: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def query(self) -> Mapping[str, str]: ...

    @property
    def query_string(self) -> str: ...

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]: ...

    @property
    def content_type(self) -> str: ...

    @property
    def remote(self) -> str | None:
        """The peer's address (what an IP allow-list checks)."""
        ...


class Call(Generic[W, P]):
    __slots__ = ("request", "op", "vendor", "path", "raw", "started", "tenant_name", "path_params", "params",
                 "context", "world", "principal", "now", "body", "reported", "trace_or_none", "refusal")

    """One request on its way through the chain: routed, then given its tenant and world, then its
    principal, then its typed params; the handler reads what the steps before it filled in.

    Built once per request with what the adapter knows at arrival; the steps fill in the rest. A
    plain slots class rather than a dataclass, which refuses the shared empty mappings as defaults."""

    request: HttpRequest
    op: Operation | None  # None for a path under a vendor's prefix that its spec does not have
    vendor: "Vendor[Any, Any]"  # who answers: whose auth runs and whose error shapes are used
    path: str  # as routed: without the tenant prefix
    raw: bytes  # the body as it came, read once
    started: float  # perf_counter at arrival, for the journal's duration
    tenant_name: str  # set by the route step; "" for an admin call that names no tenant
    path_params: Mapping[str, str]  # set by the route step for a templated path
    params: Mapping[str, Any]  # the typed values the validate step found
    context: TenantContext | None
    world: W  # set by the tenant step
    principal: P  # set by the auth step
    now: float  # the tenant's virtual time at arrival, read once (the journal's time too)
    body: Any
    reported: tuple[dict[str, Any], ...]  # the violations as JSON, for the journal and the header
    trace_or_none: Trace | None
    refusal: tuple[int, str] | None  # (status, why) when the transport already refused it (body too large)

    def __init__(self, request: HttpRequest, op: Operation | None, vendor: "Vendor[Any, Any]", path: str,
                 raw: bytes, started: float) -> None:
        self.request = request
        self.op = op
        self.vendor = vendor
        self.path = path
        self.raw = raw
        self.started = started
        self.tenant_name = ""
        self.path_params = NO_PARAMS
        self.params = NO_PARAMS
        self.context = None
        self.world = None  # type: ignore[assignment]
        self.principal = None  # type: ignore[assignment]
        self.now = 0.0
        self.body = None
        self.reported = ()
        self.trace_or_none = None
        self.refusal = None

    @property
    def trace(self) -> Trace:
        """This request's sub-events, made on first use: most requests cause nothing."""
        if self.trace_or_none is None:
            self.trace_or_none = Trace()
        return self.trace_or_none

    @property
    def ctx(self) -> TenantContext:
        """The tenant's machinery (clock, ids, outbox); only admin calls naming no tenant have none."""
        assert self.context is not None
        return self.context


# A plain function for the usual in-memory work; a coroutine function only where the handler waits
# (a callback probe, a long poll on the outbox), since a coroutine per request is measurable here.
Handler = Callable[[Call[Any, Any]], Reply | Awaitable[Reply]]


class ErrorRenderer(Protocol):
    """How a vendor says no, one method per kind of failure; each gets the call and answers a Reply."""

    def violations(self, call: Call[Any, Any], violations: Sequence[Violation]) -> Reply: ...

    def error(self, call: Call[Any, Any], error: SimError) -> Reply: ...

    def internal_error(self, call: Call[Any, Any], error: Exception) -> Reply: ...

    def not_implemented(self, call: Call[Any, Any]) -> Reply: ...

    def unknown_route(self, call: Call[Any, Any]) -> Reply: ...

    def refused(self, call: Call[Any, Any], status: int, reason: str) -> Reply:
        """A request turned away before the vendor's logic sees it, with this HTTP status: a body or
        headers over the front server's limits (413, 431), a tenant that cannot exist (404) or
        that there is no room for (503). The call may have no tenant (``call.context`` is None)."""
        ...


class FaultAnswers(Protocol):
    """How a vendor answers an injected fault (``chatsim.injection``), in its own words: its
    throttle answer, its system errors by kind, and whose call it is (what a rule's ``account``
    matches). ``ids`` is the rule's own generator, for the ids an answer carries (request ids), so
    that a fault never shifts the tenant's ids. A vendor without one gets chatsim's generic answers."""

    @property
    def error_kinds(self) -> tuple[str, ...]:
        """The system errors ``system_error`` knows; the first is a rule's default."""
        ...

    def account(self, call: Call[Any, Any]) -> str | None: ...

    def throttled(self, call: Call[Any, Any], throttle: Throttle, settings: Mapping[str, Any],
                  ids: IdGenerator) -> Reply: ...

    def system_error(self, call: Call[Any, Any], kind: str, ids: IdGenerator) -> Reply: ...


@dataclass(frozen=True, slots=True)
class ApiFamily:
    """One API family of a vendor: the paths it owns and where its answers carry the result code
    (GeWe's ``ret``, DingTalk oapi's ``errcode``, egg.js's ``msg``)."""

    name: str
    prefixes: tuple[str, ...]
    code_field: str


def no_principal(call: Call[Any, Any]) -> None:
    """Auth for a vendor without any: every request goes on."""
    return None


def no_credentials(world: Any) -> list[str]:
    return []


def param_in_location(fld: Field, op: Operation) -> tuple[str, ...]:
    """Where a field is looked up: where the spec declares it."""
    return (fld.location,)


@dataclass(frozen=True, kw_only=True, eq=False)
class Vendor(Generic[W, P]):
    """A vendor package's manifest (its ``VENDOR``): what it serves, how it checks and answers, how
    its world is built. The core, the toolkit, ``chatsim verify`` and the CLI read vendors only here."""

    name: str  # also the scenario section, the journal's vendor and the world actions' prefix
    spec: Path  # its OpenAPI document
    extra_specs: tuple[Path, ...] = ()  # more documents over the same world (DingTalk's v1.0 beside oapi)
    families: tuple[ApiFamily, ...]  # prefixes the vendor owns, grouped by how answers look
    handlers: Mapping[str, Handler]  # operationId -> handler
    errors: ErrorRenderer
    build_world: Callable[[Sequence[Mapping[str, Any]], TenantContext], W]  # from scenario sections
    dump: Callable[[W], Any]  # the whole world as JSON-able data, for the admin API
    # what the memory budget writes as JSON to size a world, when that is cheaper than its dump and
    # writes the same text (None: the dump)
    sizing: Callable[[W], Any] | None = None
    scenario_schema: Mapping[str, Any] | None  # its scenario section; None: it takes no section
    authenticate: Callable[[Call[W, P]], P | None] = no_principal  # decides only; raises SimError to refuse
    settle: Callable[[W, float], None] | None = None  # what virtual time decided, applied before auth
    world_actions: Mapping[str, Handler] = field(default_factory=dict)  # admin.yaml ``<name>.<action>``
    aliases: Mapping[str, str] = field(default_factory=dict)  # alternative prefix -> the spec's prefix
    client_base_path: str = ""  # where its client libraries expect the API root
    content_type: str = "application/json"
    policy: Policy = Policy()
    param_sources: Callable[[Field, Operation], tuple[str, ...]] = param_in_location
    credentials: Callable[[W], list[str]] = no_credentials  # banner lines telling a person how to call it
    callback_schema: Path | None = None  # JSON Schemas of its callback payloads, by kind ($defs)
    cors: CorsPolicy | None = None  # browser calls from other origins, where its real server takes them
    faults: FaultAnswers | None = None  # its answers to fault rules; None: chatsim's generic ones

    @property
    def specs(self) -> tuple[Path, ...]:
        """Every OpenAPI document the vendor serves, its main one first."""
        return (self.spec, *self.extra_specs)

    @property
    def prefixes(self) -> tuple[str, ...]:
        return tuple(prefix for family in self.families for prefix in family.prefixes)
