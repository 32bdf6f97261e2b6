"""DingTalk oapi (oapi.dingtalk.com): gettoken, group chats and the member friend switch.

Served at the root because dingtalk-sdk drops any path prefix of its base URL. The vendor claims
``/topapi/``, ``/gettoken`` and the legacy families below, but not ``/``: a catch-all would answer
other vendors' typos with DingTalk's 404 instead of the core's near-miss hints.
"""

import json
from pathlib import Path
from typing import Any

from aiohttp import web

from chatsim.ids import IdGenerator
from chatsim.paths import SPECS_DIR
from chatsim.spec import Operation, load_document
from chatsim.validation import Policy, Violation, parse_body
from chatsim.vendor import Call, Reply, SimError, Vendor

from . import errors
from .handlers import ADMIN_HANDLERS, HANDLERS
from .model import DingTalkError, DingTalkWorld, build_world

FORM = "application/x-www-form-urlencoded"
LEGACY_FAMILIES = ("/chat/", "/user/", "/department/", "/microapp/", "/get_jsapi_ticket")


class DingTalkVendor(Vendor):
    name = "dingtalk"
    spec_file = "dingtalk.yaml"
    prefixes = (errors.TOPAPI, "/gettoken", *LEGACY_FAMILIES)
    content_type = "application/json"
    policy = Policy(empty_is_missing=True)  # "参数为空": an empty value is a missing one
    handlers = HANDLERS
    admin_handlers = ADMIN_HANDLERS
    scenario_schema = json.loads((Path(__file__).parent / "scenario.schema.json").read_text(encoding="utf-8"))

    def __init__(self) -> None:
        paths = load_document(SPECS_DIR / self.spec_file).get("paths") or {}
        self._methods = {path: {method.upper() for method in item} for path, item in paths.items()}
        # render_not_implemented gets no tenant, yet a /topapi answer carries a request_id.
        self._spare_ids = IdGenerator(0, "dingtalk-without-tenant")

    def new_world(self, sections: list[dict[str, Any]], ctx: Any) -> DingTalkWorld:
        return build_world(sections, ctx)

    def credentials(self, world: DingTalkWorld) -> list[str]:
        lines = [f"GET /gettoken?appkey={app.appkey}&appsecret={app.appsecret}  (corpId {app.corp_id}; "
                 f"{', '.join(sorted(app.permissions)) or 'no permissions'})" for app in world.apps.values()]
        return lines + [f"chatid {chat.chatid}  ({chat.name}, corpId {chat.corp_id})" for chat in world.chats.values()]

    def authenticate(self, call: Call) -> Reply | None:
        """The gateway's checks, in its order: token, the app's permission, then the body's format."""
        op = call.op
        permission = op.spec.get("x-dingtalk-permission")
        if permission is None:
            return None
        topapi = errors.is_topapi(op.path)
        world: DingTalkWorld = call.world
        token = call.request.query.get("access_token") or _form_token(call)
        if not token:
            raise errors.token_error(topapi, "blank", world.token_errors)
        app, state = world.token_state(token)
        if app is None:
            raise errors.token_error(topapi, state, world.token_errors)
        if permission not in app.permissions:
            raise errors.permission_error(topapi, op)
        if op.body_media and call.raw and call.request.content_type not in op.body_media:
            raise errors.BAD_CONTENT_TYPE if topapi else errors.NEEDS_JSON
        call.principal = app
        return None

    def render_violations(self, call: Call, violations: list[Violation]) -> Reply:
        return self._render(call, errors.violation_error(call.op, violations[0]))

    def render_error(self, call: Call, error: SimError) -> Reply:
        if not isinstance(error, DingTalkError):
            return self.render_internal_error(call, error)
        return self._render(call, error)

    def render_internal_error(self, call: Call, error: Exception) -> Reply:
        topapi = errors.is_topapi(call.op.path)
        return self._render(call, errors.SYSTEM_ERROR if topapi else errors.SYSTEM_BUSY)

    def render_not_implemented(self, op: Operation) -> Reply:
        return self._unknown(op.path, errors.is_topapi(op.path), self._spare_ids)

    async def render_unknown_route(self, request: web.Request, path: str, tenant: Any) -> Reply:
        topapi = errors.is_topapi(path)
        known = self._methods.get(path)
        if known:
            return errors.render(errors.NEEDS_GET if "GET" in known else errors.NEEDS_POST, topapi, tenant.ctx.ids)
        return self._unknown(path, topapi, tenant.ctx.ids)

    @staticmethod
    def _unknown(path: str, topapi: bool, ids: IdGenerator) -> Reply:
        return errors.render(errors.invalid_method(path) if topapi else errors.NO_SUCH_URI, topapi, ids)

    @staticmethod
    def _render(call: Call, error: DingTalkError) -> Reply:
        return errors.render(error, errors.is_topapi(call.op.path), call.ctx.ids)


def _form_token(call: Call) -> str | None:
    """The doc's curl sends the token in the form body; the gateway reads it there too (not from JSON)."""
    if call.request.content_type != FORM:
        return None
    form = parse_body(call.raw, FORM)
    token = form.get("access_token")
    return token if isinstance(token, str) else None


VENDOR = DingTalkVendor()
