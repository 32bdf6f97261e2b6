"""chatsim's own control API under ``/_chatsim/``, described by ``specs/admin.yaml``.

It is a vendor like the others (a manifest, handlers, an error renderer), served through the same
chain, so its requests are validated against its own spec. Its world is the ``Host``: the tenants,
the journal, the vendors. Vendor packages add world actions (a person sends a friend request, an
account goes offline...) as their manifests' ``world_actions``; their operationIds in admin.yaml are
``<vendor>.<action>``, and the chain hands each the tenant's world of that vendor.
"""

import asyncio
import functools
import hmac
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from multidict import MultiMapping

from chatsim import __version__
from chatsim.chain import ADMIN, Host
from chatsim.contract import ApiFamily, Call, Handler, Refused, Reply, SimError, Vendor
from chatsim.faults import SCHEMA as FAULTS_SCHEMA
from chatsim.journal import SYSTEM_VENDOR, ServeEvent, system_event
from chatsim.paths import SPECS_DIR
from chatsim.scenarios import ScenarioError, parse, read_file, resolve_name, scenario_names, yaml_path
from chatsim.spec.load import load_document
from chatsim.spec.operations import Operation, Violation
from chatsim.tenants import Tenant, TenantError
from chatsim.ui import asset_reply, browser_redirect, page_reply

if TYPE_CHECKING:
    import jsonschema

AdminCall = Call[Host, None]


def tenant_of(call: AdminCall) -> Tenant:
    """The tenant the admin path names, for what its context does not carry (its worlds); the tenant
    step has already made it, and its clock and outbox are ``call.ctx``'s."""
    return call.world.registry.get(call.tenant_name)


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def health(call: AdminCall) -> Reply:
    host = call.world
    return Reply.json({"status": "ok", "version": __version__, "tenants": host.registry.names(),
                  "vendors": [name for name in host.vendors if name != ADMIN]})


def openapi_document(call: AdminCall) -> Reply:
    text = (SPECS_DIR / "admin.yaml").read_text(encoding="utf-8")
    return Reply(text.encode(), headers={"Content-Type": "application/yaml; charset=utf-8"})


def openapi_json(call: AdminCall) -> Reply:
    """The same document as JSON, for a browser (which has no YAML parser): the dashboard builds
    its world-action forms from it."""
    return Reply.json(load_document(SPECS_DIR / "admin.yaml"))


def dashboard_page(call: AdminCall) -> Reply:
    return page_reply()


def dashboard_asset(call: AdminCall) -> Reply:
    return asset_reply(call.params["asset"])


def list_scenarios(call: AdminCall) -> Reply:
    return Reply.json({"scenarios": scenario_names()})


OK_CODES = frozenset({0, 200, "ok"})  # the vendors' success codes: DingTalk errcode, GeWe ret, egg.js msg


def failed(record: ServeEvent) -> bool:
    """An answer the caller should look at: an HTTP error, a violation, or a vendor code that is not success."""
    code = record.vendor_code
    return record.status >= 400 or bool(record.violations) or (code is not None and code not in OK_CODES)


def overview(call: AdminCall) -> Reply:
    """Each tenant in a line: what the dashboard's first view shows, in one call."""
    host = call.world
    requests: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    seen: dict[str, set[str]] = {}
    for record in host.journal.query():
        if record.vendor == SYSTEM_VENDOR:
            continue
        requests[record.tenant] += 1
        errors[record.tenant] += failed(record)
        seen.setdefault(record.tenant, set()).add(record.vendor)
    last = host.journal.query(limit=1)
    rows = []
    for tenant in host.registry.tenants():
        sections = {name for doc in tenant.scenarios for name in doc if name in host.world_vendors}
        clock = tenant.clock
        rows.append({"name": tenant.name, "vendors": sorted(sections | seen.get(tenant.name, set())),
                     "requests": requests[tenant.name], "errors": errors[tenant.name],
                     "callbacks": dict(Counter(d.status for d in tenant.outbox.query())),
                     "clock": {**clock_json(clock.now(), clock.frozen), "offset": clock.now() - time.time()}})
    return Reply.json({"journal_last_id": last[0].id if last else 0, "tenants": rows})


def coverage_rows(operations: Mapping[str, Sequence[Operation]],
                  vendors: Mapping[str, Vendor[Any, Any]]) -> list[dict[str, Any]]:
    return [{"vendor": name, "method": op.method, "path": op.path, "operation": op.operation_id,
             "implemented": op.operation_id in vendors[name].handlers}
            for name, ops in operations.items() for op in ops]


def coverage(call: AdminCall) -> Reply:
    host = call.world
    return Reply.json({"operations": coverage_rows(host.operations, host.vendors)})


def reset_all(call: AdminCall) -> Reply:
    host = call.world
    host.registry.drop_all()
    host.journal.clear()
    return Reply.json({"reset": "all"})


def list_tenants(call: AdminCall) -> Reply:
    return Reply.json({"tenants": call.world.registry.names()})


def memory(call: AdminCall) -> Reply:
    registry = call.world.registry
    used = registry.sweep()
    now = time.monotonic()
    budget = registry.budget
    return Reply.json({
        "budget_bytes": budget.total, "used_bytes": used, "journal_bytes": call.world.journal.bytes,
        "max_tenants": budget.max_tenants, "idle_seconds": budget.idle_seconds, "evictions": registry.evictions,
        "tenants": [{"name": t.name, "bytes": t.footprint, "idle_seconds": round(now - t.last_active, 3),
                     "undelivered": t.outbox.undelivered, "dead_letters": t.outbox.dead_letters}
                    for t in registry.tenants()]})


def reset_tenant(call: AdminCall) -> Reply:
    host = call.world
    host.registry.reset(call.tenant_name)
    host.journal.clear(call.tenant_name)
    return Reply.json({"reset": call.tenant_name})


def delete_tenant(call: AdminCall) -> Reply:
    host = call.world
    host.registry.drop(call.tenant_name)
    host.journal.clear(call.tenant_name)
    return Reply.json({"deleted": call.tenant_name})


# Scenarios are read off the event loop, one at a time: the YAML and the schema check of a large
# document take seconds (16,000 egg.js users: 2.2 s) that every other tenant's requests would wait
# for, and one worker bounds what parsing holds at once (a large document's composed nodes are
# about a hundred MB). The world is built back on the loop, where the tenants live.
_READER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chatsim-scenario")


def _scenario(host: Host, name: str | None, body: str) -> dict[str, Any]:
    if name:
        return read_file(resolve_name(name), host.vendors, shown_as=name)
    return parse(body, "request body", host.vendors)


async def load_scenario(call: AdminCall) -> Reply:
    host = call.world
    name = call.params.get("file")
    try:
        doc = await asyncio.get_running_loop().run_in_executor(_READER, _scenario, host, name, call.body or "")
        try:
            tenant = host.registry.load(call.tenant_name, doc, merge=bool(call.params.get("merge")))
        except ScenarioError as exc:  # a world builder's cross-reference error names its vendor, not the file
            raise exc.named(name or "request body") from None
    except (ScenarioError, TenantError) as exc:
        raise Refused(str(exc), 400) from None
    call.context = tenant.ctx  # the request made this tenant; the one it replaced is closed, not reset under it
    host.journal.clear(call.tenant_name)
    return Reply.json({"loaded": doc.get("name", name or "request body"), "tenant": call.tenant_name})


def dump_state(call: AdminCall) -> Reply:
    host = call.world
    tenant = tenant_of(call)
    return Reply.json({"tenant": tenant.name, "clock": clock_json(tenant.clock.now(), tenant.clock.frozen),
                  "vendors": {name: vendor.dump(tenant.worlds[name])
                              for name, vendor in host.world_vendors.items()}})


def clock_json(now: float, frozen: bool) -> dict[str, Any]:
    return {"now": now, "iso": iso(now), "frozen": frozen}


def get_clock(call: AdminCall) -> Reply:
    clock = call.ctx.clock
    return Reply.json(clock_json(clock.now(), clock.frozen))


def advance_clock(call: AdminCall) -> Reply:
    clock, seconds = call.ctx.clock, call.params["seconds"]
    try:
        after = clock.advance(seconds)
    except ValueError as exc:
        raise Refused(str(exc), 400) from None
    before = after - seconds
    # journaled, so that a live view (the dashboard's timeline) sees the jump where it happened
    call.world.journal.append(system_event(before, call.tenant_name, "clock.advanced",
                                           {"seconds": seconds, "from": before, "to": after,
                                            "from_iso": iso(before), "to_iso": iso(after)}))
    return Reply.json(clock_json(after, clock.frozen))


def journal_filters(call: AdminCall) -> dict[str, Any]:
    return {key: call.params.get(key) for key in ("tenant", "vendor", "operation")}


async def get_journal(call: AdminCall) -> Reply:
    journal, after, wait = call.world.journal, call.params.get("after", 0), call.params.get("wait", 0)
    if wait:
        records = await journal.wait(wait, after, **journal_filters(call))
    else:
        records = journal.since(after, **journal_filters(call))
    limit = call.params.get("limit")
    records = records[-limit:] if limit else records
    return Reply.json({"count": len(records), "records": [r.to_json() for r in records]})


def count_journal(call: AdminCall) -> Reply:
    return Reply.json({"count": len(call.world.journal.query(**journal_filters(call)))})


def clear_journal(call: AdminCall) -> Reply:
    call.world.journal.clear(call.params.get("tenant"))
    return Reply.json({"cleared": True})


def match_filters(call: AdminCall) -> dict[str, str]:
    filters = {}
    query = call.request.query
    for item in query.getall("match", []) if isinstance(query, MultiMapping) else ():
        key, sep, value = item.partition("=")
        if not sep:
            raise Refused(f"match takes PATH=VALUE, got {item!r}", 400)
        filters[key] = value
    return filters


async def list_callbacks(call: AdminCall) -> Reply:
    outbox = call.ctx.outbox
    args = {"after": call.params.get("after", 0), "filters": match_filters(call),
            "kind": call.params.get("kind"), "status": call.params.get("status")}
    wait = call.params.get("wait", 0)
    found = await outbox.wait(wait, **args) if wait else outbox.query(**args)
    return Reply.json({"count": len(found), "callbacks": [d.to_json() for d in found]})


def redeliver_callback(call: AdminCall) -> Reply:
    delivery = call.ctx.outbox.redeliver(call.params["id"])
    if delivery is None:
        raise Refused(f"no callback {call.params['id']} in tenant {call.tenant_name}", 404)
    return Reply.json(delivery.to_json())


@functools.cache
def _fault_rules() -> "jsonschema.Draft202012Validator":
    """The fault rules' validator, made on the first PUT: jsonschema is no part of start-up."""
    import jsonschema

    return jsonschema.Draft202012Validator(FAULTS_SCHEMA)


def faults_json(call: AdminCall) -> Reply:
    return Reply.json({"rules": call.ctx.faults.to_json()})


def get_faults(call: AdminCall) -> Reply:
    return faults_json(call)


def put_faults(call: AdminCall) -> Reply:
    """Checked whole before anything changes: the schema, then what only the server knows (the
    vendors it serves, each vendor's error kinds)."""
    rules = call.params["rules"]
    problem = next(iter(sorted(_fault_rules().iter_errors(rules), key=lambda e: list(map(str, e.absolute_path)))),
                   None)
    if problem is not None:
        raise Refused(f"rules{yaml_path(['', *problem.absolute_path])}: {problem.message}", 400)
    vendors = call.world.world_vendors
    for index, rule in enumerate(rules):
        vendor = vendors.get(rule["vendor"])
        if vendor is None:
            raise Refused(f"rules[{index}].vendor: chatsim serves no vendor {rule['vendor']!r} "
                          f"(it serves {', '.join(vendors)})", 400)
        kind = (rule.get("error") or {}).get("kind")
        kinds = vendor.faults.error_kinds if vendor.faults is not None else ()
        if kind is not None and kind not in kinds:
            raise Refused(f"rules[{index}].error.kind: {vendor.name} has no error kind {kind!r} "
                          f"(it has {', '.join(kinds) or 'none'})", 400)
    call.ctx.faults.replace(rules)
    return faults_json(call)


def delete_faults(call: AdminCall) -> Reply:
    call.ctx.faults.clear()
    return faults_json(call)


CORE_HANDLERS: dict[str, Handler] = {
    "health": health, "openapiDocument": openapi_document, "openapiJson": openapi_json, "coverage": coverage,
    "dashboardPage": dashboard_page, "dashboardAsset": dashboard_asset, "overview": overview,
    "listScenarios": list_scenarios, "resetAll": reset_all,
    "listTenants": list_tenants, "memory": memory, "resetTenant": reset_tenant, "deleteTenant": delete_tenant,
    "loadScenario": load_scenario, "dumpState": dump_state, "getClock": get_clock,
    "advanceClock": advance_clock, "getJournal": get_journal, "countJournal": count_journal,
    "clearJournal": clear_journal, "listCallbacks": list_callbacks, "redeliverCallback": redeliver_callback,
    "getFaults": get_faults, "putFaults": put_faults, "deleteFaults": delete_faults,
}


class AdminErrors:
    """chatsim's own answers: ``{"error": ...}`` with an HTTP status that says what went wrong."""

    def violations(self, call: AdminCall, violations: Sequence[Violation]) -> Reply:
        first = violations[0]
        return Reply.json({"error": f"invalid request: {first.field} ({first.rule})",
                           "violations": [v.to_json() for v in violations]}, status=400)

    def error(self, call: AdminCall, error: SimError) -> Reply:
        return Reply.json({"error": str(error)}, status=getattr(error, "status", 400))

    def internal_error(self, call: AdminCall, error: Exception) -> Reply:
        return Reply.json({"error": f"internal error in chatsim: {type(error).__name__}: {error}"}, status=500)

    def not_implemented(self, call: AdminCall) -> Reply:
        op = call.op
        assert op is not None
        return Reply.json({"error": f"{op.method} {op.path} is not implemented by chatsim"}, status=501)

    def refused(self, call: AdminCall, status: int, reason: str) -> Reply:
        """For the admin API the tenant is a parameter it was given: a name that cannot exist is a
        bad request (400, as admin.yaml declares), not a missing path."""
        return Reply.json({"error": reason}, status=400 if status == 404 else status, headers=JSON_UTF8)

    def unknown_route(self, call: AdminCall) -> Reply:
        """Under ``/_chatsim/``: no such admin route. Anywhere else: no vendor claims the path, and
        the nearest paths that exist are named (a typo in a client's base URL shows at once). A
        browser asking for the root (HTML) is sent to the dashboard instead."""
        method = call.request.method
        redirect = browser_redirect(method, call.path, call.request.headers.get("Accept", ""))
        if redirect is not None:
            return redirect
        if call.path.startswith(PREFIX):
            return Reply.json({"error": f"no admin route {method} {call.path}"}, status=404)
        return Reply.json({"error": "no vendor of chatsim answers this path", "method": method, "path": call.path,
                           "near_misses": call.world.router.near_misses(method, call.path)}, status=404,
                          headers=JSON_UTF8)


PREFIX = "/_chatsim/"
JSON_UTF8 = {"Content-Type": "application/json; charset=utf-8"}


ADMIN_TOKEN_HEADER = "X-Chatsim-Admin-Token"
# a container's health check needs no token; nor does the dashboard's static page (a browser cannot
# send a header when it opens a page), which asks for the token before it calls anything else
OPEN = frozenset({"health", "dashboardPage", "dashboardAsset"})
OPEN_PATHS = ("/_chatsim/files/",)  # media URLs handed to bots, unguessable names
SAME_SITE = frozenset({"same-origin", "none"})  # Sec-Fetch-Site of the page itself, or no page at all


class AdminGuard:
    """The admin API trusts no web page but its own (the dashboard): a browser request from another
    origin is refused, whatever its method or content type (a page can POST text/plain or a form
    without a CORS preflight; only the browser's own Origin and Sec-Fetch-Site headers tell), and
    with an admin token set every call but health must carry it. Clients that are not browsers send
    neither header, so curl, the toolkit and the SDKs' test set-ups are not affected."""

    def __init__(self, token: str | None) -> None:
        self.token = token or None

    def __call__(self, call: AdminCall) -> None:
        if not call.path.startswith(PREFIX):  # a path no vendor claims: chatsim's 404 with hints
            return None
        headers = call.request.headers
        site = headers.get("Sec-Fetch-Site")
        origin = headers.get("Origin")
        if (site is not None and site not in SAME_SITE) or (origin is not None and not _same_origin(call, origin)):
            raise Refused(f"cross-origin requests to the admin API are refused (Origin {origin or '-'}, "
                          f"Sec-Fetch-Site {site or '-'})", 403)
        if (self.token is not None and (call.op is None or call.op.operation_id not in OPEN)
                and not call.path.startswith(OPEN_PATHS)):
            sent = headers.get(ADMIN_TOKEN_HEADER) or _bearer(headers.get("Authorization", ""))
            if not sent or not hmac.compare_digest(sent.encode(), self.token.encode()):
                raise Refused(f"the admin API needs the admin token ({ADMIN_TOKEN_HEADER} or Authorization: "
                              "Bearer)", 401)
        return None


def _same_origin(call: AdminCall, origin: str) -> bool:
    host = call.request.headers.get("Host", "")
    return origin.lower() in (f"http://{host}".lower(), f"https://{host}".lower())


def _bearer(value: str) -> str:
    scheme, _, credential = value.partition(" ")
    return credential.strip() if scheme.lower() == "bearer" else ""


def admin_vendor(vendors: Mapping[str, Vendor[Any, Any]], admin_token: str | None = None) -> Vendor[Any, None]:
    """The admin API's manifest: the core handlers plus every vendor's world actions (its world, the
    Host, is no tenant's: the chain hands it over, so the manifest's world type is left open)."""
    handlers = dict(CORE_HANDLERS)
    for vendor_name, vendor in vendors.items():
        handlers.update({f"{vendor_name}.{action}": fn for action, fn in vendor.world_actions.items()})
    return Vendor(name=ADMIN, spec=SPECS_DIR / "admin.yaml", families=(ApiFamily("admin", (PREFIX,), "error"),),
                  handlers=handlers, errors=AdminErrors(), build_world=_no_world, dump=_no_world,
                  scenario_schema=None, authenticate=AdminGuard(admin_token))


def _no_world(*args: Any) -> None:
    """The admin API keeps no world in a tenant: its world is the Host."""
    return None
