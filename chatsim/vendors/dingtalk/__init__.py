"""DingTalk: oapi (oapi.dingtalk.com: gettoken, group chats, the member friend switch) and the v1.0
API (api.dingtalk.com: tokens, groups and scene groups), two specs over one world.

Served at the root because dingtalk-sdk drops any path prefix of its base URL; v1.0 keeps its own
``/v1.0/`` prefix, so one base URL serves both. The vendor claims ``/topapi/``, ``/gettoken``, the
legacy families below and ``/v1.0/``, but not ``/``: a catch-all would answer other vendors' typos
with DingTalk's 404 instead of the core's near-miss hints.
"""

import json
from pathlib import Path

from chatsim.contract import ApiFamily, Vendor
from chatsim.paths import SPECS_DIR
from chatsim.spec.load import load_document
from chatsim.spec.operations import Policy
from chatsim.vendors.dingtalk import admin, handlers, handlers_v1
from chatsim.vendors.dingtalk.errors import TOPAPI, DingTalkErrors
from chatsim.vendors.dingtalk.errors_v1 import V1_PREFIX
from chatsim.vendors.dingtalk.faults import DingTalkFaults
from chatsim.vendors.dingtalk.model.robots import Robot
from chatsim.vendors.dingtalk.model.world import App, DingTalkWorld
from chatsim.vendors.dingtalk.scenario import build_world

SPEC = SPECS_DIR / "dingtalk.yaml"
SPEC_V1 = SPECS_DIR / "dingtalk_v1.yaml"
LEGACY_FAMILIES = ("/gettoken", "/chat/", "/user/", "/department/", "/microapp/", "/get_jsapi_ticket", "/message/",
                   "/auth/", "/sns/", "/robot/")


def credentials(world: DingTalkWorld) -> list[str]:
    lines = [f"GET /gettoken?appkey={app.appkey}&appsecret={app.appsecret} or POST /v1.0/oauth2/accessToken "
             f"(corpId {app.corp_id}; "
             f"{', '.join(sorted(app.permissions)) or 'no permissions'})" for app in world.apps.values()]
    return lines + [f"chatid {chat.chatid}  ({chat.name}, corpId {chat.corp_id})" for chat in world.chats.values()]


def _methods() -> dict[str, frozenset[str]]:
    paths = load_document(SPEC).get("paths") or {}
    return {path: frozenset(method.upper() for method in item) for path, item in paths.items()}


VENDOR: Vendor[DingTalkWorld, App | Robot] = Vendor(
    name="dingtalk",
    spec=SPEC,
    extra_specs=(SPEC_V1,),
    families=(ApiFamily("oapi", (TOPAPI, *LEGACY_FAMILIES), code_field="errcode"),
              ApiFamily("v1.0", (V1_PREFIX,), code_field="code")),
    policy=Policy(empty_is_missing=True),  # "参数为空": an empty value is a missing one
    handlers={**handlers.HANDLERS, **handlers_v1.HANDLERS},
    world_actions=admin.ACTIONS,
    authenticate=handlers.authenticate,
    errors=DingTalkErrors(_methods()),
    build_world=build_world,
    dump=DingTalkWorld.dump,
    credentials=credentials,
    faults=DingTalkFaults(),
    scenario_schema=json.loads((Path(__file__).parent / "scenario.schema.json").read_text(encoding="utf-8")),
)
