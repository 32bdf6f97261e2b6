"""The aiohttp application and the one request chain every vendor shares.

    route -> tenant -> vendor auth -> request validation -> handler -> journal

``Pipeline._serve`` is that chain, step by step, in one place. Vendors plug in only the parts that
differ (auth, how an error looks, the handlers); everything else happens here once.
"""

import functools
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import aiohttp
import orjson
from aiohttp import hdrs, web
from multidict import CIMultiDict

from chatsim.callbacks import DEPTH_HEADER
from chatsim.journal import Journal, JournalNotes
from chatsim.paths import DEMO_SCENARIO, SPECS_DIR
from chatsim.routing import Router, split_tenant, tenant_from_headers
from chatsim.scenarios import read_file
from chatsim.spec import Operation, extract_operations, no_fast_path
from chatsim.tenants import TenantError, TenantRegistry
from chatsim.validation import BodyError, Violation, compile_fast_path, parse_body, validate_fields
from chatsim.vendor import Call, Reply, SimError, Vendor

log = logging.getLogger("chatsim")
VIOLATIONS_HEADER = "X-Chatsim-Violations"
NO_PARAMS: Mapping[str, str] = MappingProxyType({})


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 7001
    scenarios: list[Path] = field(default_factory=lambda: [DEMO_SCENARIO])
    seed: int = 0
    quiet: bool = False
    journal_size: int = 10_000
    max_tenants: int = 1000
    check_responses: bool = False


class Pipeline:
    def __init__(self, vendors: dict[str, Vendor], operations: dict[str, list[Operation]],
                 registry: TenantRegistry, journal: Journal, settings: Settings) -> None:
        self.vendors = vendors
        self.operations = operations
        self.registry = registry
        self.journal = journal
        self.settings = settings
        self.router = Router(vendors.values(), operations)
        # Built once as the CIMultiDict aiohttp keeps, which it copies faster than a dict.
        self._headers = {vendor: CIMultiDict({hdrs.CONTENT_TYPE: vendor.content_type}) for vendor in vendors.values()}
        self.response_checker: Any = None
        for ops in operations.values():
            for op in ops:
                for fld in op.fields:
                    fld.sources = vendors[op.vendor].param_sources(fld, op)
                op.sources = frozenset(source for fld in op.fields for source in fld.sources)
                if op.fast_path is no_fast_path:  # operations are shared by every app of the process
                    op.fast_path = compile_fast_path(op, vendors[op.vendor].policy)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Entry for paths aiohttp could not match exactly: templated, tenant-prefixed or unknown."""
        # 1. route
        path, tenant_name = split_tenant(request.path, request.headers)
        op, path_params, vendor = self.router.match(request.method, path)
        if vendor is None:
            return self._no_route(request, path)
        if op is None:
            return await self._unknown_route(request, path, tenant_name, vendor)
        return await self._serve(op, path, vendor, request, tenant_name, path_params)

    def exact_handler(self, op: Operation, path: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Entry for an exact path: aiohttp's own router has already matched it, so step 1 is done
        and the request goes straight to the chain (a partial, not one more coroutine per request)."""
        return functools.partial(self._serve, op, path, self.vendors[op.vendor])

    async def _serve(self, op: Operation, path: str, vendor: Vendor, request: web.Request,
                     tenant_name: str | None = None, path_params: Mapping[str, str] = NO_PARAMS) -> web.StreamResponse:
        started = time.perf_counter()
        admin = op.vendor == "chatsim"
        if admin:
            tenant_name = path_params.get("tenant", "")
        elif tenant_name is None:
            tenant_name = tenant_from_headers(request.headers)
        # 2. tenant
        try:
            tenant = self.registry.get(tenant_name) if tenant_name else None
        except TenantError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        raw = buffered_body(request)
        if raw is None:
            raw = await request.read()
        if tenant is None:
            arrived, world = 0.0, None
        else:
            arrived, world = tenant.clock.now(), tenant.worlds[op.vendor]
        call = Call(request, op, tenant, world, {}, None, path_params, raw, arrived)
        violations: list[Violation] = []
        try:
            # 3. vendor auth
            reply = vendor.authenticate(call)
            if reply is None:
                # 4. request validation
                violations = self._validate(vendor, call)
                if violations:
                    reply = vendor.render_violations(call, violations)
                else:
                    # 5. handler
                    handler = vendor.handlers.get(op.operation_id)
                    if handler is None:
                        reply = vendor.render_not_implemented(op)
                    else:
                        answer = handler(call)  # chatsim.vendor.settled, inlined: no coroutine per request
                        reply = answer if isinstance(answer, Reply) else await answer
        except SimError as exc:
            reply = vendor.render_error(call, exc)
        except Exception as exc:  # a bug of ours: answer in the vendor's shape, never a bare 500
            log.exception("unhandled error in %s %s", op.vendor, op.operation_id)
            reply = vendor.render_internal_error(call, exc)
        # 6. journal
        reported = tuple(v.to_json() for v in violations) if violations else ()
        response, body = self._respond(vendor, reply, reported)
        if self.response_checker is not None and not admin:
            found = self.response_checker(op, reply, body, path_params, response.headers["Content-Type"])
            if found:
                call.record.response_check += tuple(found)
        self._journal(request, path, vendor, reply, body, reported, started, arrived, tenant_name,
                      op.operation_id, raw, call.notes, not admin)
        return response

    async def _unknown_route(self, request: web.Request, path: str, tenant_name: str,
                             vendor: Vendor) -> web.StreamResponse:
        """A path under a vendor's prefix that its spec does not have: the vendor's own 404."""
        started = time.perf_counter()
        admin = vendor.name == "chatsim"
        try:
            tenant = None if admin else self.registry.get(tenant_name)
        except TenantError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        raw = await request.read()
        arrived = tenant.clock.now() if tenant is not None else 0.0
        reply = await vendor.render_unknown_route(request, path, tenant)  # type: ignore[arg-type]
        response, body = self._respond(vendor, reply, ())
        self._journal(request, path, vendor, reply, body, (), started, arrived, tenant_name, "(unknown route)", raw,
                      None, not admin)
        return response

    def _respond(self, vendor: Vendor, reply: Reply,
                 violations: tuple[dict[str, Any], ...]) -> tuple[web.Response, bytes]:
        body = reply.body if type(reply.body) is bytes else encode_body(reply.body)
        headers = self._headers[vendor]
        if reply.headers or violations:
            headers = headers.copy()
            headers.update(reply.headers or {})
            if violations:
                headers[VIOLATIONS_HEADER] = json.dumps(violations, default=str)
        return web.Response(body=body, status=reply.status, headers=headers), body

    def _journal(self, request: web.Request, path: str, vendor: Vendor, reply: Reply, body: bytes,
                 violations: tuple[dict[str, Any], ...], started: float, arrived: float, tenant: str, operation: str,
                 raw: bytes, notes: JournalNotes | None, journaled: bool) -> None:
        """One record per answered request, and its log line; the admin API's own requests are only logged."""
        duration_ms = (time.perf_counter() - started) * 1000
        if journaled:
            self.journal.append(arrived, tenant, vendor.name, operation, request.method, path, request.query_string,
                                raw, reply.status, body, reply.vendor_code, violations, duration_ms, notes)
        if not self.settings.quiet:
            log.info("%s %s %s %d %s %.2fms", request.method, request.path, tenant, reply.status,
                     reply.vendor_code, duration_ms)

    def _validate(self, vendor: Vendor, call: Call) -> list[Violation]:
        request, op, raw = call.request, call.op, call.raw
        if op.raw_body:
            call.body = raw.decode("utf-8", "replace")
            body: Any = {}
        else:
            try:
                body = call.body = parse_body(raw, request.headers.get(hdrs.CONTENT_TYPE, ""))
            except BodyError as exc:
                return [Violation("body", "body", "json", "a JSON document", str(exc))]
            if not isinstance(body, dict):
                return [Violation("body", "body", "type", "object", type(body).__name__)]
        params = op.fast_path(request, call.path_params, body)
        if params is not None:
            call.params = params
            return []
        sources = {"path": call.path_params, "body": body}
        if "query" in op.sources:  # parsing the query string costs; most operations have none
            sources["query"] = request.query
        if "header" in op.sources:
            sources["header"] = request.headers
        call.params, violations = validate_fields(op, sources, vendor.policy)
        return violations

    def _no_route(self, request: web.Request, path: str) -> web.Response:
        return web.json_response(
            {"error": "no vendor of chatsim answers this path", "method": request.method, "path": path,
             "near_misses": self.router.near_misses(request.method, path)}, status=404)


def encode_body(body: Any) -> bytes:
    """A reply body as the bytes sent and journaled. orjson hands back its 4 KiB working buffer and
    the journal keeps 10,000 bodies, so they are copied to their real size (40 MB less for a
    journal full of error answers)."""
    return body.encode() if isinstance(body, str) else bytes(memoryview(orjson.dumps(body)))


def buffered_body(request: web.Request) -> bytes | None:
    """The body, when it has arrived whole with the headers (small bodies usually do): taken from
    the buffer as is, with no coroutine and half the work of ``request.read()``'s chunk loop."""
    content = request.content
    if content.is_eof() and content.total_bytes <= request.client_max_size:
        return content.read_nowait()
    return None


def load_operations(vendors: dict[str, Vendor]) -> dict[str, list[Operation]]:
    return {name: extract_operations(name, SPECS_DIR / vendor.spec_file) for name, vendor in vendors.items()}


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


PIPELINE = web.AppKey("pipeline", Pipeline)
HTTP = web.AppKey("http", aiohttp.ClientSession)


def build_app(settings: Settings) -> web.Application:
    from chatsim.vendors import all_vendors

    vendors = all_vendors()
    scenarios = [read_file(path, vendors) for path in settings.scenarios]
    app = web.Application(client_max_size=4 * 1024**2)

    async def sender(url: str, body: bytes, timeout: float) -> tuple[int | None, str | None]:
        return await post_json(app[HTTP], url, body, timeout)

    registry = TenantRegistry(vendors, scenarios, settings.seed, sender, settings.max_tenants)
    pipeline = Pipeline(vendors, load_operations(vendors), registry, Journal(settings.journal_size), settings)
    if settings.check_responses:
        from chatsim.selfcheck import CallbackChecker, ResponseChecker

        pipeline.response_checker = ResponseChecker(vendors)
        registry.callback_checker = CallbackChecker(vendors)
    app[PIPELINE] = pipeline

    async def http_session(app: web.Application):  # type: ignore[no-untyped-def]
        app[HTTP] = aiohttp.ClientSession()
        yield
        registry.drop_all()
        await app[HTTP].close()

    app.cleanup_ctx.append(http_session)
    # Exact paths are registered as plain routes: aiohttp finds those with one dict lookup and hands
    # over the operation it found, while the catch-all (templated paths, tenant prefixes, unknown
    # paths) needs a regex match and the pipeline's own router.
    for (method, path), op in pipeline.router.exact_routes():
        app.router.add_route(method, path, pipeline.exact_handler(op, path))
    app.router.add_route("*", "/{tail:.*}", pipeline.handle)
    return app
