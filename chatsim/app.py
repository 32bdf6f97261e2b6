"""The aiohttp adapter: an HTTP request becomes a ``Call``, the chain answers it, the ``Reply``
becomes a response. The chain itself (``chatsim.chain``) never sees aiohttp.

Exact paths are found by chatsim's runner with one dict lookup (``chatsim.dispatch``), which hands
over the operation it found, so the chain's route step has nothing left to do; the catch-all
(templated paths, tenant prefixes, unknown paths, and everything when aiohttp's own runner serves
the app) leaves routing to the chain's router.
"""

import asyncio
import contextlib
import functools
import socket
import struct
from collections.abc import Awaitable, Callable, Mapping, Sized
from dataclasses import field
from pathlib import Path
from time import perf_counter
from typing import Any

import aiohttp
from aiohttp import hdrs, web
from multidict import CIMultiDict

from chatsim.admin import admin_vendor
from chatsim.bodybuffer import buffered_body
from chatsim.chain import ADMIN, Host, bind_all, serve
from chatsim.contract import Call, Reply, Vendor
from chatsim.dataclass import dataclass
from chatsim.dispatch import ROUTES, Routes
from chatsim.journal import Journal
from chatsim.outbox import DEPTH_HEADER
from chatsim.paths import DEMO_SCENARIO
from chatsim.scenarios import read_file
from chatsim.spec.operations import Operation
from chatsim.state import StateDir
from chatsim.targets import CallbackTargets
from chatsim.tenants import MemoryBudget, TenantRegistry
from chatsim.vendors.registry import builtin_only, discover
from chatsim.violationjson import violations_json
from chatsim.wire import Head, WireResponse

VIOLATIONS_HEADER = "X-Chatsim-Violations"
# what the heads kept with a violations header hold, about: three times the text, two more by tuple
VIOLATED_BYTES = 256 * 1024
BODY_LIMIT = 4 * 1024**2
BODY_TOO_LARGE = (413, f"request body over {BODY_LIMIT} bytes")
# aiohttp's own parser limits, raised above the chain's (chain.HEADER_LIMIT) so that oversized
# headers reach the chain and get the vendor's answer; past these aiohttp answers a bare 400.
PARSER_LIMITS = {"max_line_size": 64 * 1024, "max_field_size": 64 * 1024}


@dataclass
class Settings:
    """How ``chatsim serve`` (or a test) configures one app: the command line's options."""

    host: str = "127.0.0.1"
    port: int = 7001
    scenarios: list[Path] = field(default_factory=lambda: [DEMO_SCENARIO])
    seed: int = 0
    quiet: bool = False
    journal_size: int = 10_000
    memory_mib: int = 256  # the one budget of what grows with traffic: journal, tenants, callbacks
    journal_mib: int | None = None  # of which the journal's bodies may take this much (a quarter)
    max_tenants: int = 1000
    tenant_idle_seconds: float = 300.0  # unused this long, a tenant may be evicted past the budget
    check_responses: bool = False
    vendor_modules: tuple[str, ...] = ()  # more vendors to serve, as importable module names
    allow_callback_hosts: tuple[str, ...] = ()  # callback targets beyond loopback (the operator's word)
    admin_token: str | None = None  # required by every admin call but health when set
    state_dir: Path | None = None  # tenants kept here between runs (chatsim.state); None: fresh every start
    state_interval: float = 2.0  # seconds between snapshots of the tenants that changed
    cors_origins: tuple[str, ...] | None = None  # browser origins the egg.js backend allows; None: its own ("*")


class Adapter:
    """Request -> Call -> chain -> Reply -> response, for one app."""

    def __init__(self, host: Host, prepare_signal: Sized = ()) -> None:
        self.host = host
        # the app's on_response_prepare handlers, which only web.Response's way of sending runs
        self._prepare_signal = prepare_signal
        # Each vendor's headers, serialised once (chatsim.wire).
        self._heads = {vendor: Head(CIMultiDict({hdrs.CONTENT_TYPE: vendor.content_type}))
                       for vendor in host.vendors.values()}
        self._cors = {host.vendors[name]: policy for name, policy in host.cors.items()}
        # The same for a vendor's constant extra headers (DingTalk's /topapi Content-Type on every
        # answer): merged once per constant mapping, found by identity; the mapping is kept too, so
        # its id cannot be reused by another while it is a key.
        self._merged: dict[tuple[Vendor[Any, Any], int], tuple[Mapping[str, str], Head]] = {}
        # Those heads with an X-Chatsim-Violations header, by the head's id and the header's text
        # (the head is kept too, as above): a client that gets a request wrong tends to send the
        # same wrong request again, and adding the header was a third of such an answer's own cost.
        self._violated: dict[tuple[int, str], tuple[Head, Head]] = {}
        # and by the violations tuple (kept too, so its id names it while it is a key)
        self._violated_tuples: dict[tuple[int, int], tuple[Head, tuple[dict[str, Any], ...], Head]] = {}
        self._violated_bytes = 0

    def exact(self, op: Operation) -> Callable[..., Awaitable[web.StreamResponse]]:
        """The handler of a route found in chatsim.dispatch's tables: a partial (not one more
        coroutine per request), called with the request, and a templated route's with its path
        parameters too."""
        return functools.partial(self._serve, op, self.host.vendors[op.vendor])

    def catch_all(self) -> Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]:
        """The handler of every other path (the chain's router finds its operation): a partial too."""
        return functools.partial(self._serve, None, self.host.admin)

    async def _serve(self, op: Operation | None, vendor: Vendor[Any, Any], request: web.BaseRequest,
                     path_params: dict[str, str] | None = None) -> web.StreamResponse:
        started = perf_counter()
        raw = buffered_body(request)
        refusal = None
        if raw is None:
            try:
                raw = await request.read()
            except web.HTTPRequestEntityTooLarge:
                raw, refusal = b"", BODY_TOO_LARGE
        call: Call[Any, Any] = Call(request, op, vendor, request.path, raw, started)
        call.refusal = refusal
        if path_params is not None:
            call.path_params = path_params
        reply = serve(self.host, call)
        if not isinstance(reply, Reply):
            reply = await reply
        if reply.disconnect is not None:
            return self._break(request, reply)
        return self._respond(call.vendor, reply, call.reported, request)

    @staticmethod
    def _break(request: web.BaseRequest, reply: Reply) -> web.StreamResponse:
        """A fault rule's lost answer, on the connection itself: ``reset`` closes it with a TCP RST
        (SO_LINGER 0), ``empty`` closes it without a byte, ``garbage`` writes the reply's random
        bytes and closes. aiohttp finds the connection gone and sends nothing more."""
        transport = request.transport
        if transport is not None and not transport.is_closing():
            if reply.disconnect == "garbage":
                transport.write(reply.body)
            if reply.disconnect == "reset":
                sock = transport.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                transport.abort()
            else:
                transport.close()
        return web.Response(status=204)

    def _respond(self, vendor: Vendor[Any, Any], reply: Reply, violations: tuple[dict[str, Any], ...],
                 request: web.BaseRequest) -> web.StreamResponse:
        head = self._heads[vendor]
        if reply.headers:
            head = self._with(vendor, reply.headers)
        policy = self._cors.get(vendor)
        cors = policy.answer(request.headers) if policy is not None else None
        if violations:
            head = self._plus_violations(head, violations)
        if cors:
            headers = head.headers.copy()
            headers.update(cors)
            head = Head(headers)
        if not self._prepare_signal and WireResponse.covers(request, reply.status, head):
            return WireResponse(reply.body, reply.status, head)
        return web.Response(body=reply.body, status=reply.status, headers=head.headers)

    def _plus_violations(self, head: Head, violations: tuple[dict[str, Any], ...]) -> Head:
        """``head.plus(VIOLATIONS_HEADER, violations_json(violations))``, kept for the next answer with
        the same violations: by the tuple itself when it is the same one (a refusal that
        chatsim.refusals kept hands each repeat the tuple it kept, and writing it out again was a
        twentieth of such an answer's own cost), else by the text (the kept ones are let go once
        they hold VIOLATED_BYTES)."""
        same = self._violated_tuples.get((id(head), id(violations)))
        if same is not None and same[0] is head and same[1] is violations:
            return same[2]
        text = violations_json(violations)
        if self._violated_bytes >= VIOLATED_BYTES:
            self._violated.clear()
            self._violated_tuples.clear()
            self._violated_bytes = 0
        found = self._violated.get((id(head), text))
        if found is not None and found[0] is head:
            plus = found[1]
        else:
            plus = head.plus(VIOLATIONS_HEADER, text)
            self._violated[(id(head), text)] = (head, plus)
            self._violated_bytes += 3 * len(text) + 200
        self._violated_tuples[(id(head), id(violations))] = (head, violations, plus)
        self._violated_bytes += 2 * len(text) + 100
        return plus

    def _with(self, vendor: Vendor[Any, Any], extra: Mapping[str, str]) -> Head:
        """The vendor's headers with a reply's extra ones: prebuilt for a constant mapping (at most
        a few dozen of those exist), merged anew for one made per request."""
        key = (vendor, id(extra))
        found = self._merged.get(key)
        if found is not None and found[0] is extra:
            return found[1]
        merged = self._heads[vendor].headers.copy()
        merged.update(extra)
        head = Head(merged)
        if len(self._merged) < 64:
            self._merged[key] = (extra, head)
        return head


async def post_json(session: aiohttp.ClientSession, url: str, body: bytes,
                    timeout: float) -> tuple[int | None, str | None]:
    """POST a JSON body the way callbacks are delivered: (status, None) on an answer, (None, error) if none."""
    try:
        async with session.post(url, data=body, timeout=aiohttp.ClientTimeout(total=timeout),
                                headers={"Content-Type": "application/json", DEPTH_HEADER: "1"}) as resp:
            await resp.read()
            return resp.status, None
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return None, f"{type(exc).__name__}: {exc}".rstrip(": ")


HOST = web.AppKey("host", Host)
HTTP = web.AppKey("http", aiohttp.ClientSession)


def build_app(settings: Settings, vendors: Mapping[str, Vendor[Any, Any]] | None = None) -> web.Application:
    vendors = dict(vendors) if vendors is not None else discover(settings.vendor_modules)
    scenarios = [read_file(path, vendors, own_vendors=builtin_only(vendors)) for path in settings.scenarios]
    app = web.Application(client_max_size=BODY_LIMIT, handler_args=PARSER_LIMITS)

    targets = CallbackTargets.of(settings.port, settings.allow_callback_hosts)

    async def sender(url: str, body: bytes, timeout: float) -> tuple[int | None, str | None]:
        refusal = targets.refusal(url)
        if refusal is not None:
            return None, f"refused by chatsim: {refusal}"
        return await post_json(app[HTTP], url, body, timeout)

    journal_mib = settings.journal_mib if settings.journal_mib is not None else settings.memory_mib // 4
    journal = Journal(settings.journal_size, byte_budget=journal_mib * 1024**2)
    budget = MemoryBudget(settings.memory_mib * 1024**2, settings.tenant_idle_seconds, settings.max_tenants)
    registry = TenantRegistry(vendors, scenarios, settings.seed, sender, budget, journal)
    everyone: dict[str, Vendor[Any, Any]] = {ADMIN: admin_vendor(vendors, settings.admin_token), **vendors}
    response_check = None
    if settings.check_responses:  # openapi-core is ~20 MiB of imports: only when asked for
        from chatsim.selfcheck import CallbackChecker, ResponseChecker

        registry.callback_checker = CallbackChecker.of(vendors.values())
        response_check = ResponseChecker(everyone)
    host = Host(everyone, bind_all(everyone), registry, journal, settings.quiet, response_check,
                settings.cors_origins)
    app[HOST] = host

    state = StateDir(settings.state_dir, registry, settings.state_interval) if settings.state_dir else None
    if state is not None:
        state.restore()  # before any request, so the first one sees the kept world

    async def http_session(app: web.Application):  # type: ignore[no-untyped-def]
        app[HTTP] = aiohttp.ClientSession()
        saver = None
        if state is not None:
            state.resume()
            saver = asyncio.get_running_loop().create_task(state.run())
        yield
        if state is not None and saver is not None:
            saver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await saver
            state.save()
        registry.drop_all()
        await app[HTTP].close()

    app.cleanup_ctx.append(http_session)
    adapter = Adapter(host, app.on_response_prepare)
    # chatsim's runner finds the exact routes in this table (chatsim.dispatch); aiohttp's own (a test
    # server's) sends every request to the catch-all, where the chain's router finds the same ones.
    exact = {route: adapter.exact(op) for route, op in host.router.exact_routes()}
    children = {route: (name, adapter.exact(op)) for route, (op, name) in host.router.children().items()}
    app[ROUTES] = Routes(exact, adapter.catch_all(), children)
    app.router.add_route("*", r"/{tail:[\s\S]*}", adapter.catch_all())  # newlines too (%0A)
    return app
