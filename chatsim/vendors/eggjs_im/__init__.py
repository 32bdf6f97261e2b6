"""The egg.js IM backend of the 51yrc course (docs of 2025-07-15): users, friend applications, friends.

Every request runs the backend's chain: the chatUserAuth middleware on `/api/chat` paths (all its
failures are HTTP 400), then egg-valparams (422, one Chinese message), then the controller (400 with
its own message). Unknown routes still pass the middleware first, then answer 404 `404 错误`.
"""

import json
import re
from pathlib import Path
from typing import Any

from aiohttp import web
from multidict import istr

from chatsim.spec import Field, Operation
from chatsim.tenants import Tenant, TenantContext
from chatsim.validation import Policy, Violation
from chatsim.vendor import Call, Reply, SimError, Vendor
from chatsim.vendors.eggjs_im import errors
from chatsim.vendors.eggjs_im.handlers import HANDLERS
from chatsim.vendors.eggjs_im.model import World
from chatsim.vendors.eggjs_im.scenario import build_world

TOKEN_HEADER = istr("token")

# egg-path-matching turns `match: '/api/chat'` into path-to-regexp with end:false: a whole-segment
# prefix, case-insensitive.
_AUTH_PATHS = re.compile(r"^/api/chat(?:/|$)", re.IGNORECASE)


def _prod(world: World) -> bool:
    return world.settings.env == "prod"


class EggjsImVendor(Vendor):
    name = "eggjs_im"
    spec_file = "eggjs_im.yaml"
    prefixes = ("/api/",)
    content_type = "application/json; charset=utf-8"
    policy = Policy(empty_is_missing=True, bad_optional_takes_default=True, coerce=errors.valparams_coerce)
    handlers = HANDLERS
    scenario_schema = json.loads((Path(__file__).parent / "scenario.schema.json").read_text(encoding="utf-8"))

    def new_world(self, sections: list[dict[str, Any]], ctx: TenantContext) -> World:
        return build_world(sections, ctx)

    def credentials(self, world: World) -> list[str]:
        lines = []
        for user in world.users.values():
            password = world.scenario_passwords.get(user.username)
            if password is None or user.status != 1:
                continue
            line = f"POST /api/loginChat username={user.username} password={password}"
            if user.id in world.sessions:
                line += f"  (live token: {world.sessions[user.id]})"
            lines.append(line)
        return lines

    def param_sources(self, fld: Field, op: Operation) -> tuple[str, ...]:
        """valparams reads the route params first, then the body of a POST or the query of a GET."""
        return ("path", "body" if op.method == "POST" else "query")

    def authenticate(self, call: Call) -> Reply | None:
        if _AUTH_PATHS.match(call.op.path):
            call.principal = call.world.authenticate(call.request.headers.get(TOKEN_HEADER))
        return None

    def render_violations(self, call: Call, violations: list[Violation]) -> Reply:
        return errors.render_violations(violations)

    def render_error(self, call: Call, error: SimError) -> Reply:
        return errors.render_error(error, _prod(call.world))

    def render_not_implemented(self, op: Operation) -> Reply:
        return errors.fail(errors.NOT_FOUND, 404)

    def render_internal_error(self, call: Call, error: Exception) -> Reply:
        return errors.render_thrown(str(error) or type(error).__name__, 500, _prod(call.world))

    async def render_unknown_route(self, request: web.Request, path: str, tenant: Tenant) -> Reply:
        world: World = tenant.worlds[self.name]
        if _AUTH_PATHS.match(path):
            try:
                world.authenticate(request.headers.get(TOKEN_HEADER))
            except errors.EggError as exc:
                return errors.render_error(exc, _prod(world))
        return errors.fail(errors.NOT_FOUND, 404)


VENDOR = EggjsImVendor()
