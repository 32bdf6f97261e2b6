"""chatsim's own control API under ``/_chatsim/``, described by ``specs/admin.yaml``.

It is served through the same pipeline as the vendors, so its requests are validated against its
own spec. Vendor packages add world actions (a person sends a friend request, an account goes
offline...) through their ``admin_handlers``; their operationIds are ``<vendor>.<action>``.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from chatsim import __version__
from chatsim.paths import SPECS_DIR
from chatsim.scenarios import ScenarioError, parse, read_file, resolve_name
from chatsim.spec import Operation
from chatsim.tenants import TenantError
from chatsim.validation import Violation
from chatsim.vendor import Call, Handler, Reply, SimError, Vendor


class AdminError(SimError):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def pipeline_of(call: Call) -> Any:
    from chatsim.app import PIPELINE

    return call.request.app[PIPELINE]


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def health(call: Call) -> Reply:
    pipeline = pipeline_of(call)
    return Reply({"status": "ok", "version": __version__, "tenants": pipeline.registry.names(),
                  "vendors": [name for name in pipeline.vendors if name != "chatsim"]})


def openapi_document(call: Call) -> Reply:
    text = (SPECS_DIR / "admin.yaml").read_text(encoding="utf-8")
    return Reply(text, headers={"Content-Type": "application/yaml; charset=utf-8"})


def coverage_rows(operations: Mapping[str, list[Operation]], vendors: Mapping[str, Vendor]) -> list[dict[str, Any]]:
    return [{"vendor": name, "method": op.method, "path": op.path, "operation": op.operation_id,
             "implemented": op.operation_id in vendors[name].handlers}
            for name, ops in operations.items() for op in ops]


def coverage(call: Call) -> Reply:
    pipeline = pipeline_of(call)
    return Reply({"operations": coverage_rows(pipeline.operations, pipeline.vendors)})


def reset_all(call: Call) -> Reply:
    pipeline = pipeline_of(call)
    pipeline.registry.drop_all()
    pipeline.journal.clear()
    return Reply({"reset": "all"})


def list_tenants(call: Call) -> Reply:
    return Reply({"tenants": pipeline_of(call).registry.names()})


def reset_tenant(call: Call) -> Reply:
    pipeline = pipeline_of(call)
    pipeline.registry.reset(call.tenant.name)
    pipeline.journal.clear(call.tenant.name)
    return Reply({"reset": call.tenant.name})


def delete_tenant(call: Call) -> Reply:
    pipeline = pipeline_of(call)
    pipeline.registry.drop(call.tenant.name)
    pipeline.journal.clear(call.tenant.name)
    return Reply({"deleted": call.tenant.name})


def load_scenario(call: Call) -> Reply:
    pipeline = pipeline_of(call)
    name = call.params.get("file")
    try:
        if name:
            doc = read_file(resolve_name(name), pipeline.vendors)
        else:
            doc = parse(call.body or "", "request body", pipeline.vendors)
        pipeline.registry.load(call.tenant.name, doc, merge=bool(call.params.get("merge")))
    except (ScenarioError, TenantError) as exc:
        raise AdminError(str(exc)) from None
    pipeline.journal.clear(call.tenant.name)
    return Reply({"loaded": doc.get("name", name or "request body"), "tenant": call.tenant.name})


def dump_state(call: Call) -> Reply:
    pipeline = pipeline_of(call)
    tenant = call.tenant
    return Reply({"tenant": tenant.name, "clock": clock_json(tenant.clock.now(), tenant.clock.frozen),
                  "vendors": {name: vendor.dump(tenant.worlds[name])
                              for name, vendor in pipeline.vendors.items() if name != "chatsim"}})


def clock_json(now: float, frozen: bool) -> dict[str, Any]:
    return {"now": now, "iso": iso(now), "frozen": frozen}


def get_clock(call: Call) -> Reply:
    return Reply(clock_json(call.tenant.clock.now(), call.tenant.clock.frozen))


def advance_clock(call: Call) -> Reply:
    clock = call.tenant.clock
    clock.advance(call.params["seconds"])
    return Reply(clock_json(clock.now(), clock.frozen))


def journal_filters(call: Call) -> dict[str, Any]:
    return {key: call.params.get(key) for key in ("tenant", "vendor", "operation")}


def get_journal(call: Call) -> Reply:
    records = pipeline_of(call).journal.query(**journal_filters(call), limit=call.params.get("limit"))
    return Reply({"count": len(records), "records": [r.to_json() for r in records]})


def count_journal(call: Call) -> Reply:
    return Reply({"count": len(pipeline_of(call).journal.query(**journal_filters(call)))})


def clear_journal(call: Call) -> Reply:
    pipeline_of(call).journal.clear(call.params.get("tenant"))
    return Reply({"cleared": True})


def match_filters(call: Call) -> dict[str, str]:
    filters = {}
    for item in call.request.query.getall("match", []):
        key, sep, value = item.partition("=")
        if not sep:
            raise AdminError(f"match takes PATH=VALUE, got {item!r}")
        filters[key] = value
    return filters


async def list_callbacks(call: Call) -> Reply:
    outbox = call.tenant.outbox
    args = {"after": call.params.get("after", 0), "filters": match_filters(call),
            "kind": call.params.get("kind"), "status": call.params.get("status")}
    wait = call.params.get("wait", 0)
    found = await outbox.wait(wait, **args) if wait else outbox.query(**args)
    return Reply({"count": len(found), "callbacks": [d.to_json() for d in found]})


def redeliver_callback(call: Call) -> Reply:
    delivery = call.tenant.outbox.redeliver(call.params["id"])
    if delivery is None:
        raise AdminError(f"no callback {call.params['id']} in tenant {call.tenant.name}", 404)
    return Reply(delivery.to_json())


CORE_HANDLERS: dict[str, Handler] = {
    "health": health, "openapiDocument": openapi_document, "coverage": coverage, "resetAll": reset_all,
    "listTenants": list_tenants, "resetTenant": reset_tenant, "deleteTenant": delete_tenant,
    "loadScenario": load_scenario, "dumpState": dump_state, "getClock": get_clock,
    "advanceClock": advance_clock, "getJournal": get_journal, "countJournal": count_journal,
    "clearJournal": clear_journal, "listCallbacks": list_callbacks, "redeliverCallback": redeliver_callback,
}


class AdminVendor(Vendor):
    name = "chatsim"
    spec_file = "admin.yaml"
    prefixes = ("/_chatsim/",)
    scenario_schema = None

    def __init__(self, vendors: Mapping[str, Vendor]) -> None:
        handlers = dict(CORE_HANDLERS)
        for vendor_name, vendor in vendors.items():
            handlers.update({f"{vendor_name}.{op}": fn for op, fn in vendor.admin_handlers.items()})
        self.handlers = handlers  # type: ignore[misc]

    def new_world(self, sections: list[dict[str, Any]], ctx: Any) -> None:
        return None

    def render_violations(self, call: Call, violations: list[Violation]) -> Reply:
        first = violations[0]
        return Reply({"error": f"invalid request: {first.field} ({first.rule})",
                      "violations": [v.to_json() for v in violations]}, status=400)

    def render_error(self, call: Call, error: SimError) -> Reply:
        return Reply({"error": str(error)}, status=getattr(error, "status", 400))

    def render_not_implemented(self, op: Operation) -> Reply:
        return Reply({"error": f"{op.method} {op.path} is not implemented by chatsim"}, status=501)

    def render_internal_error(self, call: Call, error: Exception) -> Reply:
        return Reply({"error": f"internal error in chatsim: {type(error).__name__}: {error}"}, status=500)

    async def render_unknown_route(self, request: web.Request, path: str, tenant: Any) -> Reply:
        return Reply({"error": f"no admin route {request.method} {path}"}, status=404)
