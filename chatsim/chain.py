"""The request chain, as data (LocalStack's handler chain is the model).

Every request, of every vendor and of the admin API, known route or not, walks the same steps:

    REQUEST_STEPS   route -> loop_guard -> tenant -> limits -> preflight -> settle -> authenticate
                    -> validate -> faults -> handle
    RESPONSE_STEPS  check_response -> journal

A request step is a plain function of the ``Host`` and the ``Call``; it fills in the call, or
answers (a ``Reply``, or an awaitable of one for the few handlers that wait on I/O), which ends the
request steps. The first step routes: it decides whose request this is, so every answer after it
is in that vendor's words. The rest are that vendor's steps, and the app leaves out, per vendor,
a step that cannot apply to it (``Host.steps``): the CORS preflight for a vendor without a policy,
settling virtual time for one without a settler, fault rules for the admin API. A ``SimError``
raised by any step is answered by the vendor's error renderer, any other exception by its
internal-error renderer (never a bare 500). Every answer then goes through the response steps.
Adding a step is one line in one of the tuples (and a case in ``_applies`` if it is not for every
vendor); ``chatsim chain`` prints them.

Nothing here touches aiohttp: ``chatsim.app`` turns the HTTP request into a ``Call`` and the
``Reply`` into a response.
"""

import functools
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from time import perf_counter
from typing import Any

from multidict import istr

from chatsim.contract import REFUSED_HEADER, Call, Reply, SimError, Vendor
from chatsim.dataclass import dataclass
from chatsim.injection import UNKNOWN_ROUTE, answered_by_fault, inject
from chatsim.journal import NO_SUB_EVENTS, Journal
from chatsim.outbox import DEPTH_HEADER
from chatsim.refusals import Refusals
from chatsim.routing import Router, split_tenant, tenant_from_headers
from chatsim.spec.fastpath import compile_fast_path
from chatsim.spec.lazy import materialize, on_first_use
from chatsim.spec.load import extract_operations
from chatsim.spec.operations import FastPath, Field, Operation, Policy, Violation
from chatsim.tenants import TenantError, TenantRegistry
from chatsim.validation import BodyError, parse_body, validate_fields

log = logging.getLogger("chatsim")
ADMIN = "chatsim"  # the admin API's vendor name; its world is the Host
CONTENT_TYPE = istr("Content-Type")
JSON = "application/json"

Outcome = Reply | Awaitable[Reply] | None
RequestStep = Callable[["Host", Call[Any, Any]], Outcome]
ResponseStep = Callable[["Host", Call[Any, Any], Reply], None]
# (operation, reply, path parameters, content type) -> what is wrong with the answer (--check-responses)
ResponseCheck = Callable[[Operation, Reply, Mapping[str, str], str], list[str]]


@dataclass(eq=False)
class Host:
    """What the chain works with in one app: the vendors (the admin API among them), the operations
    bound for this app, the tenants, the journal. It is the admin API's world."""

    vendors: Mapping[str, Vendor[Any, Any]]  # by name, the admin API first
    operations: Mapping[str, Sequence[Operation]]  # by vendor, bound for this app
    registry: TenantRegistry
    journal: Journal
    quiet: bool = False
    response_check: ResponseCheck | None = None
    cors_origins: tuple[str, ...] | None = None  # the operator's allowed origins, for vendors with a policy

    def __post_init__(self) -> None:
        self.router = Router(self.vendors.values(), self.operations)
        self.refusals = Refusals()
        self.admin = self.vendors[ADMIN]
        self.settlers = {name: vendor.settle for name, vendor in self.vendors.items() if vendor.settle is not None}
        self.cors = {name: vendor.cors if self.cors_origins is None else replace(vendor.cors, origins=self.cors_origins)
                     for name, vendor in self.vendors.items() if vendor.cors is not None}
        # The response steps this app runs: the self-check only where it is on (a step that would
        # return at once on every request is a frame per request for nothing).
        self.response_steps = tuple(step for step in RESPONSE_STEPS
                                    if step is not check_response or self.response_check is not None)
        # Each vendor's request steps after the route step, without those that cannot apply to it
        # (each is a frame per request; the steps still check for themselves).
        self.steps = {vendor: tuple(step for step in REQUEST_STEPS[1:] if _applies(step, self, vendor))
                      for vendor in self.vendors.values()}

    @property
    def world_vendors(self) -> dict[str, Vendor[Any, Any]]:
        """The vendors that have worlds in every tenant (all but the admin API)."""
        return {name: vendor for name, vendor in self.vendors.items() if name != ADMIN}


def _applies(step: "RequestStep", host: Host, vendor: Vendor[Any, Any]) -> bool:
    """Whether ``step`` can do anything for ``vendor``'s requests in this app."""
    if step is preflight:
        return vendor.name in host.cors
    if step is settle:  # the admin API's world actions work on the vendors' worlds
        return vendor is host.admin or vendor.name in host.settlers
    if step is faults:
        return vendor is not host.admin
    return True


# --- binding: each app's own copies of the process-wide operations ------------------------------


def bind(op: Operation, vendor: Vendor[Any, Any], world: str) -> Operation:
    """This app's copy of ``op``: where each field is looked up, whose world it uses, its fast path."""
    fields = tuple(_looked_up(fld, vendor.param_sources(fld, op)) for fld in op.fields)
    bound = replace(op, fields=fields, sources=frozenset(source for fld in fields for source in fld.sources),
                    world=world)
    key = (id(op), tuple(fld.sources for fld in fields), vendor.policy)
    fast_path = _FAST_PATHS.get(key)
    if fast_path is not None:  # compiled for another app: its validators are compiled too
        materialize(bound)
        return replace(bound, fast_path=fast_path)

    def compile_once(op: Operation) -> FastPath:
        found = _FAST_PATHS.get(key)
        if found is None:
            found = _FAST_PATHS[key] = compile_fast_path(op, vendor.policy)
        return found

    # compiled on the operation's first request (chatsim.spec.lazy): most are never called
    object.__setattr__(bound, "fast_path", on_first_use(bound, compile_once))
    return bound


def _looked_up(fld: Field, sources: tuple[str, ...]) -> Field:
    """The field looked up in ``sources``: itself when that is where it is looked up already (1,181
    of 1,201 fields; a copy each was 5 ms of every start)."""
    return fld if sources == fld.sources else replace(fld, sources=sources)


# Compiling is half of building an app and the suite builds hundreds; the generated check depends
# only on the spec's operation (cached for the process, so its id is stable), where its fields are
# looked up and the vendor's policy.
_FAST_PATHS: dict[tuple[int, tuple[tuple[str, ...], ...], Policy], FastPath] = {}


def bind_all(vendors: Mapping[str, Vendor[Any, Any]]) -> dict[str, tuple[Operation, ...]]:
    """Every vendor's operations, bound for one app."""
    return {name: tuple(bind(op, vendor, world_of(op)) for spec in vendor.specs
                        for op in extract_operations(name, spec))
            for name, vendor in vendors.items()}


def world_of(op: Operation) -> str:
    """A world action (``gewe.sendFriendRequest``) works on its vendor's world; everything else on
    its own vendor's (the admin API's world is the Host)."""
    prefix, dot, _ = op.operation_id.partition(".")
    return prefix if op.vendor == ADMIN and dot else op.vendor


# --- the request steps --------------------------------------------------------------------------


LOOP_HEADER = istr(DEPTH_HEADER)
LOOP = (508, "a chatsim callback cannot call chatsim (X-Chatsim-Callback-Depth): loop refused")


def loop_guard(host: Host, call: Call[Any, Any]) -> Reply | None:
    """A callback chatsim sent that came back to chatsim (whatever address reached it) goes no further."""
    if LOOP_HEADER in call.request.headers:
        return call.vendor.errors.refused(call, *LOOP)
    return None


def route(host: Host, call: Call[Any, Any]) -> None:
    """Which operation and vendor (chatsim's runner has already found exact paths) and which tenant."""
    request = call.request
    if call.op is None:
        call.path, call.tenant_name = split_tenant(call.path, request.headers)
        op, call.path_params, vendor = host.router.match(request.method, call.path)
        call.op, call.vendor = op, vendor or host.admin
    else:
        call.tenant_name = tenant_from_headers(request.headers)
    if call.vendor is host.admin:
        call.tenant_name = call.path_params.get("tenant", "")


def tenant(host: Host, call: Call[Any, Any]) -> None:
    """The tenant (made on first use, kept once the request passes authentication) and the world."""
    if call.vendor is host.admin and not call.tenant_name:
        call.world = host  # an admin call that names no tenant
        return
    registry = host.registry
    found = registry.get(call.tenant_name, True, len(call.raw))
    # the same text, as the registry keeps it: the journal holds it, not a header's copy per request
    call.tenant_name = found.name
    if registry.full and call.op is not None and call.op.world != ADMIN:  # the vendor's or a world action
        registry.check_room(found)
    call.context, call.now = found.ctx, found.clock.now()
    # a tenant has a world per vendor; the admin API's is the Host
    call.world = found.worlds.get(call.op.world if call.op is not None else call.vendor.name, host)


HEADER_LIMIT = 8 * 1024  # request line and headers the vendors' front servers take (nginx, Tomcat: 8 KiB)
HEADERS_TOO_LARGE = (431, f"request line and headers over {HEADER_LIMIT} bytes")


def limits(host: Host, call: Call[Any, Any]) -> Reply | None:
    """What the vendor's front server turns away before its logic sees it, in the vendor's words:
    a body over the limit (the adapter found it), headers over 8 KiB."""
    request = call.request
    refusal = call.refusal
    size = len(call.path) + len(request.query_string) + sum([len(k) + len(v) for k, v in request.raw_headers])
    if refusal is None and size > HEADER_LIMIT:
        refusal = HEADERS_TOO_LARGE
    if refusal is None:
        return None
    return call.vendor.errors.refused(call, *refusal)


def preflight(host: Host, call: Call[Any, Any]) -> Reply | None:
    """A browser's CORS preflight from an allowed origin, answered before auth (chatsim.cors)."""
    if call.request.method != "OPTIONS":
        return None
    policy = host.cors.get(call.vendor.name)
    headers = policy.preflight(call.request.headers) if policy is not None else None
    return Reply(b"", 204, headers) if headers is not None else None


def settle(host: Host, call: Call[Any, Any]) -> None:
    """Apply what virtual time has decided by the request's arrival (GeWe: timed acceptances, expiries)."""
    if call.context is not None:
        settler = host.settlers.get(call.op.world if call.op is not None else call.vendor.name)
        if settler is not None:
            settler(call.world, call.now)


def authenticate(host: Host, call: Call[Any, Any]) -> None:
    """The vendor decides who is calling; it raises its own SimError to refuse. A tenant this
    request made stays only once it passes."""
    call.principal = call.vendor.authenticate(call)
    if host.registry.fresh:
        host.registry.confirm(call.tenant_name)


def validate(host: Host, call: Call[Any, Any]) -> Reply | None:
    """The body parsed and every declared field looked up, coerced and checked (vendor's answer on failure).

    The vendor answers the first problem in its own words; all of them go to the journal and the
    ``X-Chatsim-Violations`` header."""
    op = call.op
    if op is None:
        return None
    request, raw = call.request, call.raw
    content_type = ""
    if op.raw_body:
        try:
            call.body = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            got = f"{exc.reason} at byte {exc.start}"
            return refuse(call, [Violation("body", "body", "encoding", "UTF-8 text", got)])
        body: Any = {}
    else:
        content_type = request.headers.get(CONTENT_TYPE, "")
        if raw and call.vendor.policy.json_bodies_only and not content_type.startswith(JSON):
            return refuse(call, [Violation("body", "body", "mediaType", JSON, content_type)])
        try:
            body = call.body = parse_body(raw, content_type)
        except BodyError as exc:
            return refuse(call, [Violation("body", "body", "json", "a JSON document", str(exc))])
        if not isinstance(body, dict):
            return refuse(call, [Violation("body", "body", "type", "object", type(body).__name__)])
    params = op.fast_path(request, call.path_params, body)
    if params is not None:  # the generated check: all valid, no reference loop needed
        call.params = params
        return None
    key = None if op.raw_body else host.refusals.key(op, raw, content_type, call.path_params, request.query_string,
                                                     request.headers)
    kept = host.refusals.get(key) if key is not None else None
    if kept is not None:  # this very request was refused before (chatsim.refusals)
        return refuse(call, *kept)
    sources: dict[str, Any] = {"path": call.path_params, "body": body}
    if "query" in op.sources:  # parsing the query string costs; most operations have none
        sources["query"] = request.query
    if "header" in op.sources:
        sources["header"] = request.headers
    call.params, violations = validate_fields(op, sources, call.vendor.policy)
    if not violations:
        return None
    reply = refuse(call, violations)
    if key is not None:
        host.refusals.keep(key, violations, call.reported)
    return reply


def refuse(call: Call[Any, Any], violations: list[Violation],
           reported: tuple[dict[str, Any], ...] | None = None) -> Reply:
    """The vendor's answer to the first violation; all of them, as JSON (``reported``, when they
    were made before), go to the journal and the violations header."""
    call.reported = tuple(v.to_json() for v in violations) if reported is None else reported
    return call.vendor.errors.violations(call, violations)


def faults(host: Host, call: Call[Any, Any]) -> Outcome:
    """The tenant's fault rules, if it has any: a throttle, an error, a delay, a lost answer."""
    context = call.context
    if context is None or not context.faults.rules or call.vendor is host.admin:
        return None  # the usual case costs this one check (chatsim.injection has the rest)
    rules = context.faults.for_call(call.vendor.name, call.op.operation_id if call.op is not None else UNKNOWN_ROUTE)
    return inject(call, rules, functools.partial(handle, host, call)) if rules else None


def handle(host: Host, call: Call[Any, Any]) -> Reply | Awaitable[Reply]:
    """The vendor's handler for the operation, or its answer for a path or operation it lacks."""
    op, errors = call.op, call.vendor.errors
    if op is None:
        return errors.unknown_route(call)
    handler = call.vendor.handlers.get(op.operation_id)
    if handler is None:
        return errors.not_implemented(call)
    return handler(call)


REQUEST_STEPS: tuple[RequestStep, ...] = (route, loop_guard, tenant, limits, preflight, settle, authenticate,
                                          validate, faults, handle)


# --- the response steps -------------------------------------------------------------------------


def check_response(host: Host, call: Call[Any, Any], reply: Reply) -> None:
    """``--check-responses``: the answer against the operation's spec, findings on the call's trace."""
    checker, op = host.response_check, call.op
    if (checker is None or op is None or call.vendor is host.admin or reply.disconnect is not None
            or REFUSED_HEADER in (reply.headers or {}) or answered_by_fault(call.trace_or_none)):
        return  # a refusal (ErrorRenderer.refused) is the front server's, a fault's answer the rule's
    content_type = (reply.headers or {}).get("Content-Type") or call.vendor.content_type
    for problem in checker(op, reply, call.path_params, content_type):
        call.trace.check(problem)


def journal(host: Host, call: Call[Any, Any], reply: Reply) -> None:
    """One ServeEvent per answered vendor request (the admin API's own requests are only logged)."""
    duration_ms = (perf_counter() - call.started) * 1000
    request, op, trace = call.request, call.op, call.trace_or_none
    if call.vendor is not host.admin:
        # Positional, in ServeEvent's field order: keywords cost 2.8% of a request (see ServeEvent).
        record_id = host.journal.record(call.now, call.tenant_name, call.vendor.name,
                                        op.operation_id if op is not None else "(unknown route)", request.method,
                                        call.path, request.query_string, call.raw, reply.status, reply.body,
                                        reply.vendor_code, call.reported, duration_ms,
                                        trace.sub_events if trace is not None else NO_SUB_EVENTS)
        if trace is not None:
            trace.record_id = record_id
    if not host.quiet:
        log.info("%s %s %s %d %s %.2fms", request.method, call.path, call.tenant_name, reply.status,
                 reply.vendor_code, duration_ms)


RESPONSE_STEPS: tuple[ResponseStep, ...] = (check_response, journal)


# --- running them -------------------------------------------------------------------------------


def serve(host: Host, call: Call[Any, Any]) -> Reply | Awaitable[Reply]:
    """Walk the request steps until one answers, render what went wrong, then the response steps.

    Most requests never wait, so this is a plain function that answers the Reply itself; only when
    a step hands back an awaitable (a handler waiting on I/O) does it return a coroutine that
    finishes the same way: a coroutine per request is measurable here."""
    outcome: Outcome = None
    try:
        route(host, call)  # REQUEST_STEPS[0]: whose steps follow
        for step in host.steps[call.vendor]:
            outcome = step(host, call)
            if outcome is not None:
                break
    except TenantError as exc:  # no tenant: the vendor's refusal, which needs none
        outcome = call.vendor.errors.refused(call, exc.status, str(exc))
    except Exception as exc:
        outcome = failure(call, exc)
    if not isinstance(outcome, Reply):
        assert outcome is not None, "the handle step always answers"
        return _finish(host, call, outcome)
    if host.registry.fresh:  # made by this request, which did not pass authentication
        host.registry.forget_fresh(call.tenant_name)
    for response_step in host.response_steps:
        response_step(host, call, outcome)
    return outcome


RESET_IN_FLIGHT = (409, "the tenant was reset or deleted while this request was in flight; nothing it did was kept")


async def _finish(host: Host, call: Call[Any, Any], pending: Awaitable[Reply]) -> Reply:
    """The rest of ``serve`` for a step that waits: the same failures, the same response steps.
    A tenant reset while the handler waited took its world along: the answer says so rather
    than report a success in a world that is gone."""
    try:
        reply = await pending
    except Exception as exc:
        reply = failure(call, exc)
    if call.context is not None and call.context.outbox.closed:
        reply = call.vendor.errors.refused(call, *RESET_IN_FLIGHT)
    for response_step in host.response_steps:
        response_step(host, call, reply)
    return reply


def failure(call: Call[Any, Any], exc: Exception) -> Reply:
    """A SimError in the vendor's words; anything else is a bug of ours, answered in the vendor's
    shape for its own errors (never a bare 500) and logged.

    Many SimErrors are module constants, raised again and again, and each raise adds its frames
    to the traceback the instance already holds: left there, one error answered a million times
    keeps a million requests' frames (and their bodies) alive. So it leaves without one."""
    if isinstance(exc, SimError):
        exc.__traceback__ = exc.__context__ = None
        return call.vendor.errors.error(call, exc)
    log.exception("unhandled error in %s %s", call.vendor.name, call.op.operation_id if call.op else call.path)
    return call.vendor.errors.internal_error(call, exc)


def describe() -> list[str]:
    """The chain as the code has it, one line per step: what ``chatsim chain`` prints."""
    lines = ["request steps (in order, until one answers):"]
    lines += [f"  {i}. {step.__name__:<14} {_first_line(step)}" for i, step in enumerate(REQUEST_STEPS, 1)]
    lines.append("response steps (every answer):")
    lines += [f"  {i}. {step.__name__:<14} {_first_line(step)}" for i, step in enumerate(RESPONSE_STEPS, 1)]
    return lines


def _first_line(fn: Callable[..., Any]) -> str:
    return (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""
