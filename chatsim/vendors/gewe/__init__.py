"""GeWe / Gewechat: the WeChat contact world behind an X-GEWE-TOKEN, served under /gewe/v2/api/ and /v2/api/."""

import json
from pathlib import Path
from typing import Any

from chatsim.contract import ApiFamily, Vendor
from chatsim.paths import SPECS_DIR
from chatsim.spec.operations import Policy
from chatsim.vendors.gewe import admin, handlers
from chatsim.vendors.gewe.errors import GeweErrors
from chatsim.vendors.gewe.faults import GeweFaults
from chatsim.vendors.gewe.model.entities import Token
from chatsim.vendors.gewe.model.world import GeweWorld
from chatsim.vendors.gewe.scenario import build_world


def dump(world: GeweWorld) -> Any:
    world.settle(world.now())
    return world.dump()


def credentials(world: GeweWorld) -> list[str]:
    lines = []
    for token in world.tokens.values():
        for app_id in token.devices:
            device = world.devices[app_id]
            state = f"{device.wxid} online" if device.online else "offline"
            lines.append(f"X-GEWE-TOKEN: {token.value}  appId: {app_id} ({state})")
    lines.append("POST <server>/gewe/v2/api/... (or /v2/api/...); tools/getTokenId needs no token")
    return lines


VENDOR: Vendor[GeweWorld, Token] = Vendor(
    name="gewe",
    spec=SPECS_DIR / "gewe.yaml",
    families=(ApiFamily("api", ("/gewe/v2/api/", "/v2/api/"), code_field="ret"),),
    aliases={"/v2/api/": "/gewe/v2/api/"},
    client_base_path="/gewe/v2/api",
    content_type="application/json;charset=UTF-8",
    policy=Policy(json_bodies_only=True),
    handlers=handlers.HANDLERS,
    world_actions=admin.ACTIONS,
    authenticate=handlers.authenticate,
    settle=GeweWorld.settle,
    errors=GeweErrors(),
    build_world=build_world,
    dump=dump,
    sizing=GeweWorld.records,
    credentials=credentials,
    faults=GeweFaults(),
    scenario_schema=json.loads((Path(__file__).parent / "scenario.schema.json").read_text(encoding="utf-8")),
    callback_schema=SPECS_DIR / "gewe_callbacks.schema.json",
)
