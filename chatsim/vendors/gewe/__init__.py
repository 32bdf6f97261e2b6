"""GeWe / Gewechat: the WeChat contact world behind an X-GEWE-TOKEN, served under /gewe/v2/api/ and /v2/api/."""

import json
from pathlib import Path
from typing import Any

from aiohttp import web
from multidict import istr

from chatsim.spec import Operation
from chatsim.validation import Violation
from chatsim.vendor import Call, Reply, SimError, Vendor
from chatsim.vendors.gewe import errors
from chatsim.vendors.gewe.admin import ADMIN_HANDLERS
from chatsim.vendors.gewe.handlers import HANDLERS
from chatsim.vendors.gewe.model.build import build_world
from chatsim.vendors.gewe.model.world import GeweWorld

TOKEN_HEADER = istr("X-GEWE-TOKEN")


class GeweVendor(Vendor):
    name = "gewe"
    spec_file = "gewe.yaml"
    prefixes = ("/gewe/v2/api/", "/v2/api/")
    aliases = {"/v2/api/": "/gewe/v2/api/"}
    content_type = "application/json;charset=UTF-8"
    handlers = HANDLERS
    admin_handlers = ADMIN_HANDLERS
    scenario_schema = json.loads((Path(__file__).parent / "scenario.schema.json").read_text(encoding="utf-8"))

    def new_world(self, sections: list[dict[str, Any]], ctx: Any) -> GeweWorld:
        return build_world(sections, ctx)

    def dump(self, world: GeweWorld) -> Any:
        world.settle(world.now())
        return world.dump()

    def credentials(self, world: GeweWorld) -> list[str]:
        lines = []
        for token in world.tokens.values():
            for app_id in token.devices:
                device = world.devices[app_id]
                state = f"{device.wxid} online" if device.online else "offline"
                lines.append(f"X-GEWE-TOKEN: {token.value}  appId: {app_id} ({state})")
        lines.append("POST <server>/gewe/v2/api/... (or /v2/api/...); tools/getTokenId needs no token")
        return lines

    def authenticate(self, call: Call) -> Reply | None:
        """Settle what virtual time decided, then check the token as GeWe does (not on getTokenId)."""
        world: GeweWorld = call.world
        world.settle(call.now)
        if call.op.operation_id == "getTokenId":
            return None
        value = call.request.headers.get(TOKEN_HEADER, "")
        if not value:
            return errors.missing_token()
        token = world.token(value, call.now)
        if token is None:
            return errors.bad_token(value)
        call.principal = token
        return None

    def render_violations(self, call: Call, violations: list[Violation]) -> Reply:
        return errors.render_violations(violations)

    def render_error(self, call: Call, error: SimError) -> Reply:
        if isinstance(error, errors.GeweError):
            return errors.render_error(error)
        return errors.render_internal_error(error)

    def render_not_implemented(self, op: Operation) -> Reply:
        return errors.render_not_implemented(op.path)

    def render_internal_error(self, call: Call, error: Exception) -> Reply:
        return errors.render_internal_error(error)

    async def render_unknown_route(self, request: web.Request, path: str, tenant: Any) -> Reply:
        return errors.render_unknown_route(request.method, path)


VENDOR = GeweVendor()
