"""The egg.js IM backend of the 51yrc course (docs of 2025-07-15): users, friend applications, friends.

Every request runs the backend's chain: the chatUserAuth middleware on `/api/chat` paths (all its
failures are HTTP 400), then egg-valparams (422, one Chinese message), then the controller (400 with
its own message). Unknown routes still pass the middleware first, then answer 404 `404 错误`.
"""

import json
from pathlib import Path

from chatsim.contract import ApiFamily, Vendor
from chatsim.cors import CorsPolicy
from chatsim.paths import SPECS_DIR
from chatsim.spec.operations import Policy
from chatsim.vendors.eggjs_im import admin, errors, handlers
from chatsim.vendors.eggjs_im.faults import EggFaults
from chatsim.vendors.eggjs_im.model.world import EggjsImWorld, User
from chatsim.vendors.eggjs_im.scenario import build_world


def _prod(world: EggjsImWorld | None) -> bool:
    return world is not None and world.settings.env == "prod"


def credentials(world: EggjsImWorld) -> list[str]:
    lines = []
    passwords = {spec["username"]: spec["password"] for users in world.scenario_users for spec in users}
    for user in world.users.values():
        password = passwords.get(user.username)
        if password is None or user.status != 1:
            continue
        line = f"POST /api/loginChat username={user.username} password={password}"
        if user.id in world.sessions:
            line += f"  (live token: {world.sessions[user.id]})"
        lines.append(line)
    return lines


VENDOR: Vendor[EggjsImWorld, User] = Vendor(
    name="eggjs_im",
    spec=SPECS_DIR / "eggjs_im.yaml",
    families=(ApiFamily("api", ("/api/",), code_field="msg"),),
    content_type="application/json; charset=utf-8",
    policy=Policy(empty_is_missing=True, bad_optional_takes_default=True, coerce=errors.valparams_coerce,
                  coerce_shortcuts=True),
    param_sources=handlers.param_sources,
    handlers=handlers.HANDLERS,
    world_actions=admin.ACTIONS,
    authenticate=handlers.authenticate,
    errors=errors.EggErrors(_prod),
    build_world=build_world,
    dump=EggjsImWorld.dump,
    credentials=credentials,
    cors=CorsPolicy(("*",)),
    faults=EggFaults(_prod),
    scenario_schema=json.loads((Path(__file__).parent / "scenario.schema.json").read_text(encoding="utf-8")),
)
