"""A DingTalk world from the scenario's dingtalk sections: organisations with their users, apps,
chats and custom robots; settings merge (the last section wins)."""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from chatsim.context import TenantContext
from chatsim.scenarios import Problems, ScenarioError
from chatsim.vendors.dingtalk.model.robots import RobotRefused
from chatsim.vendors.dingtalk.model.world import FLAGS, NORMAL, App, Chat, DingTalkWorld, Org, unique


@lru_cache(maxsize=256)
def _permissions(names: tuple[str, ...]) -> frozenset[str]:
    """One frozenset per set of permission names, shared by every tenant built with it (432 bytes
    a tenant of the demo's two apps)."""
    return frozenset(names)


def build_world(sections: Sequence[Mapping[str, Any]], ctx: TenantContext) -> DingTalkWorld:
    world = DingTalkWorld(ctx)
    problems = Problems()
    for section in sections:
        world.token_ttl = float(section.get("token_ttl_seconds", world.token_ttl))
        if "token_errors" in section:  # else the defaults, one object for every tenant
            world.token_errors = replace(world.token_errors, **section["token_errors"])
        world.forbidden_words = tuple(section.get("forbidden_words", world.forbidden_words))
        if "message_log_size" in section:
            world.robots.resize(section["message_log_size"])
        for index, org in enumerate(section.get("orgs", [])):
            _add_org(world, org, f"dingtalk.orgs[{index}]", problems)
    problems.check()
    return world


def _add_org(world: DingTalkWorld, spec: Mapping[str, Any], where: str, problems: Problems) -> None:
    corp_id = spec["corpId"]
    org = world.orgs.setdefault(corp_id, Org(corp_id, spec.get("name", corp_id)))
    org.name = spec.get("name", org.name)
    org.users.update({user["userid"]: user.get("name", user["userid"]) for user in spec.get("users", [])})
    org.mobiles.update({user["userid"]: user["mobile"] for user in spec.get("users", []) if "mobile" in user})
    for index, app in enumerate(spec.get("apps", [])):
        with problems.row():
            other = world.apps.get(app["appkey"])
            if other is not None and other.corp_id != corp_id:
                raise ScenarioError("scenario", f"{where}.apps[{index}].appkey", "already used by org " + other.corp_id)
            world.apps[app["appkey"]] = App(app["appkey"], app["appsecret"], corp_id, app.get("name", app["appkey"]),
                                            _permissions(tuple(app.get("permissions", ()))))
    for index, chat in enumerate(spec.get("chats", [])):
        with problems.row():
            _add_chat(world, org, chat, f"{where}.chats[{index}]")
    for index, robot in enumerate(spec.get("robots", [])):
        with problems.row():
            _add_robot(world, org, robot, f"{where}.robots[{index}]")


def _add_robot(world: DingTalkWorld, org: Org, spec: Mapping[str, Any], where: str) -> None:
    """A robot; one an earlier section gave this org under the same access_token is replaced."""
    earlier = world.robots.by_token.get(spec.get("access_token") or "")
    if earlier is not None and world.chats[earlier.chatid].corp_id == org.corp_id:
        del world.robots.by_token[earlier.access_token]
    try:
        robot = world.new_robot(org.corp_id, spec["chatid"], spec.get("name"), spec.get("access_token"),
                                spec.get("keywords", ()), spec.get("secret"), spec.get("ips", ()))
    except RobotRefused as exc:
        raise ScenarioError("scenario", f"{where}.{exc.field}", str(exc)) from None
    world.robots.add(robot)


def _add_chat(world: DingTalkWorld, org: Org, spec: Mapping[str, Any], where: str) -> None:
    members = unique(spec["useridlist"])
    stranger = next((userid for userid in [spec["owner"], *members] if userid not in org.users), None)
    if stranger is not None:
        raise ScenarioError("scenario", where, f"{stranger!r} is not a user of {org.corp_id}")
    if spec["owner"] not in members:
        raise ScenarioError("scenario", f"{where}.owner", "the owner must be in useridlist")
    chatid = spec.get("chatid") or world.ctx.ids.chatid()
    other = world.chats.get(chatid)
    if other is not None and other.corp_id != org.corp_id:
        raise ScenarioError("scenario", f"{where}.chatid", "already used by org " + other.corp_id)
    open_conversation_id = spec.get("openConversationId") or world.ctx.ids.open_conversation_id()
    holder = world.chatids.get(open_conversation_id, chatid)
    if holder != chatid:
        raise ScenarioError("scenario", f"{where}.openConversationId", "already the openConversationId of " + holder)
    world.add_chat(Chat(
        chatid, open_conversation_id, org.corp_id, spec["name"],
        spec["owner"], members, {flag: spec.get(flag, 0) for flag in FLAGS}, icon=spec.get("icon", ""),
        status=spec.get("status", NORMAL), is_prohibit=spec.get("is_prohibit", False),
        group_nicks=dict(spec.get("group_nicks", {}))))
