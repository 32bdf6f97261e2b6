"""Scenario sections to a world: settings merge (the last section wins), rows are added in order.

All users of all sections come first, so friendships and applications may name users from any
section; rows get ascending ids in the order they are listed, exactly as if created through the API.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from chatsim.context import TenantContext
from chatsim.scenarios import Problems, ScenarioError
from chatsim.vendors.eggjs_im.model.world import EggjsImSettings, EggjsImWorld, User

_SCALARS = ("jwt_secret", "utc_offset_hours", "env", "case_insensitive", "default_avatar")
SOURCE = "scenario"


def merged_settings(sections: Sequence[Mapping[str, Any]]) -> EggjsImSettings:
    settings = EggjsImSettings()
    for section in sections:
        for key in _SCALARS:
            if key in section:
                setattr(settings, key, section[key])
        for group in ("quirks", "faults"):
            for key, value in section.get(group, {}).items():
                setattr(settings, key, value)
        settings.pinyin_initials.update(section.get("pinyin_initials", {}))
    return settings


def build_world(sections: Sequence[Mapping[str, Any]], ctx: TenantContext) -> EggjsImWorld:
    world = EggjsImWorld(merged_settings(sections), ctx)
    world.scenario_users = tuple(section["users"] for section in sections if "users" in section)
    logged_in: list[User] = []
    problems = Problems()
    for section in sections:
        for index, spec in enumerate(section.get("users", [])):
            with problems.row():
                user = _user(world, spec, index)
                if spec.get("logged_in"):
                    logged_in.append(user)
    for section in sections:
        for index, spec in enumerate(section.get("goodfriend", [])):
            with problems.row():
                _goodfriend(world, spec, f"eggjs_im.goodfriend[{index}]")
        for index, spec in enumerate(section.get("goodfriendapply", [])):
            with problems.row():
                user, friend = _pair(world, spec, f"eggjs_im.goodfriendapply[{index}]")
                world.add_apply(user.id, friend.id, spec.get("nickname", ""), spec.get("status", "pending"))
    problems.check()
    for user in logged_in:
        world.issue_token(user)
    return world


def _user(world: EggjsImWorld, spec: Mapping[str, Any], index: int) -> User:
    if world.find_user(spec["username"]) is not None:
        raise ScenarioError(SOURCE, f"eggjs_im.users[{index}].username", f"{spec['username']!r} is already taken")
    columns = {key: spec[key] for key in ("nickname", "avatar", "mobile", "email", "status", "role") if key in spec}
    user = world.add_user(spec["username"], spec["password"], **columns)
    if spec.get("userinfo", {}) is not False:
        world.add_user_info(user, **spec.get("userinfo", {}))
    return user


def _goodfriend(world: EggjsImWorld, spec: Mapping[str, Any], where: str) -> None:
    user, friend = _pair(world, spec, where)
    if (user.id, friend.id) in world.goodfriend:
        raise ScenarioError(SOURCE, where, "this row is listed twice")
    extra = {key: spec[key] for key in ("friendlookme", "melookfriend", "ismystarfriend", "isblack") if key in spec}
    world.add_goodfriend(user.id, friend.id, spec.get("nickname", ""), **extra)


def _pair(world: EggjsImWorld, spec: Mapping[str, Any], where: str) -> tuple[User, User]:
    found = []
    for key in ("user", "friend"):
        user = world.find_user(spec[key])
        if user is None:
            raise ScenarioError(SOURCE, f"{where}.{key}", f"no user {spec[key]!r} in the scenario")
        found.append(user)
    if found[0] is found[1]:
        raise ScenarioError(SOURCE, where, "user and friend are the same user")
    return found[0], found[1]
