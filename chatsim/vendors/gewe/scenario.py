"""A GeWe world from the scenario's gewe sections: later sections add to and override earlier ones."""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from chatsim.context import TenantContext
from chatsim.scenarios import Problems, ScenarioError, clock_start
from chatsim.vendors.gewe.model.entities import Chatroom, Contact, Device, Member, Person, Token
from chatsim.vendors.gewe.model.state import GeweSettings
from chatsim.vendors.gewe.model.world import GeweWorld

_PERSON_KEYS = ("alias", "phone", "sex", "signature", "country", "province", "city", "big_head_img_url",
                "small_head_img_url", "searchable", "group_adds", "on_request", "accept_after")


def _settings(merged: dict[str, Any]) -> GeweSettings:
    login, risk = merged.get("login", {}), merged.get("risk_control", {})
    defaults = GeweSettings()
    return GeweSettings(ticket_ttl=merged.get("ticket_ttl_seconds", defaults.ticket_ttl),
                        request_ttl=merged.get("request_ttl_seconds", defaults.request_ttl),
                        qr_ttl=merged.get("qr_ttl_seconds", defaults.qr_ttl),
                        login_polls=login.get("polls", defaults.login_polls),
                        login_account=login.get("wxid"),
                        login_mode=login.get("mode", defaults.login_mode),
                        max_devices=merged.get("max_devices", defaults.max_devices),
                        probe_timeout=merged.get("callback_probe_timeout_seconds", defaults.probe_timeout),
                        token_mode=merged.get("token_mode", defaults.token_mode),
                        max_tickets=merged.get("max_tickets", defaults.max_tickets),
                        max_messages=merged.get("max_messages", defaults.max_messages),
                        echo_own_messages=merged.get("echo_own_messages", defaults.echo_own_messages),
                        risk_per_minute=risk.get("messages_per_minute", 40) if risk.get("enabled") else None,
                        risk_spacing=risk.get("seconds_between_people", defaults.risk_spacing))


@lru_cache(maxsize=64)
def _shared(settings: GeweSettings) -> GeweSettings:
    """The first of equal settings: they are frozen, so the tenants built from one scenario share
    one object rather than carry a copy each (328 bytes a tenant of the demo)."""
    return settings


def _instance_token(tokens: dict[str, Token], settings: GeweSettings, ctx: TenantContext) -> str:
    """The container's one token: the first the scenario declares, else one derived from the seed and
    the tenant (the same after every reset, as a container keeps its token until it is recreated)."""
    if tokens:
        return next(iter(tokens))
    value = ctx.ids.stable_hex("gewe-instance-token", 32)
    tokens[value] = Token(value, max_devices=settings.max_devices)
    return value


def _by_key(sections: Sequence[Mapping[str, Any]], section: str, key: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for doc in sections:
        for item in doc.get(section, []):
            found[item[key]] = item
    return found


def _check(known: dict[str, Any], wxid: str, where: str) -> str:
    if wxid not in known:
        raise ScenarioError("gewe", where, f"{wxid!r} is not in gewe.people")
    return wxid


def build_world(sections: Sequence[Mapping[str, Any]], ctx: TenantContext) -> GeweWorld:
    merged: dict[str, Any] = {}
    for doc in sections:
        merged.update(doc)
    settings = _settings(merged)
    people = {wxid: Person(wxid, spec["nickname"], spec.get("uin") or ctx.ids.randint(10**8, 2**31 - 1),
                           **{k: spec[k] for k in _PERSON_KEYS if k in spec})
              for wxid, spec in _by_key(sections, "people", "wxid").items()}
    problems = Problems()
    if settings.login_account is not None:
        with problems.row():
            _check(people, settings.login_account, "gewe.login.wxid")
    now = ctx.clock.now()
    tokens: dict[str, Token] = {}
    devices: dict[str, Device] = {}
    for value, spec in _by_key(sections, "tokens", "token").items():
        with problems.row():
            try:
                expires = clock_start(spec.get("expires_at"))
            except ValueError as exc:
                raise ScenarioError("gewe", f"gewe.tokens[{value}].expires_at", str(exc)) from None
            token = tokens[value] = Token(value, spec.get("callback_url"), expires,
                                          spec.get("max_devices", settings.max_devices),
                                          spec.get("fail_device_creation", False))
            for device_spec in spec.get("devices", []):
                with problems.row():
                    devices[device_spec["appId"]] = _device(device_spec, value, people, devices, now)
                    token.devices.append(device_spec["appId"])
    if settings.token_mode == "instance":
        settings = replace(settings, instance_token=_instance_token(tokens, settings, ctx))
    chatrooms: dict[str, Chatroom] = {}
    for room_id, spec in _by_key(sections, "chatrooms", "chatroomId").items():
        with problems.row():
            chatrooms[room_id] = _chatroom(spec, people)
    world = GeweWorld(ctx, _shared(settings), people, tokens, devices, chatrooms)
    with problems.row():
        world.contacts = _contacts(people, _by_key(sections, "people", "wxid"), now)
    problems.check()
    ctx.clock.on_advance(lambda: world.settle(world.now()))
    return world


def _device(spec: Mapping[str, Any], token: str, people: dict[str, Person], devices: dict[str, Device],
            now: float) -> Device:
    app_id, where = spec["appId"], f"gewe.tokens[{token}].devices[{spec['appId']}]"
    if app_id in devices:
        raise ScenarioError("gewe", where, "appId used twice")
    wxid = spec.get("wxid")
    online = spec.get("online", wxid is not None)
    if wxid is not None:
        _check(people, wxid, where + ".wxid")
    elif online:
        raise ScenarioError("gewe", where, "an online device needs the wxid logged in on it")
    since = now - spec.get("online_for_seconds", 0) if online else None
    reason = None if online or wxid is None else spec.get("offline_reason", "logout")
    return Device(app_id, token, wxid, online, since, offline_reason=reason)


def _chatroom(spec: dict[str, Any], people: dict[str, Person]) -> Chatroom:
    where = f"gewe.chatrooms[{spec['chatroomId']}]"
    room = Chatroom(spec["chatroomId"], spec.get("name", ""), _check(people, spec["owner"], where + ".owner"),
                    [_check(people, wxid, where + ".admins") for wxid in spec.get("admins", [])],
                    muted=spec.get("muted", False))
    for item in [spec["owner"], *spec.get("members", [])]:
        member = Member(item) if isinstance(item, str) else Member(item["wxid"], item.get("display_name", ""),
                                                                    item.get("inviter", ""))
        room.members[_check(people, member.wxid, where + ".members")] = member
    return room


def _contacts(people: dict[str, Person], specs: dict[str, dict[str, Any]], now: float) -> dict[str, dict[str, Contact]]:
    """Friendship is mutual: listing a friend on one side adds the other side with no remark. Only
    those with a contact get a dict (``WorldState.contacts_of`` answers an empty one for the rest)."""
    contacts: dict[str, dict[str, Contact]] = {}
    for wxid, spec in specs.items():
        for item in spec.get("friends", []):
            item = {"wxid": item} if isinstance(item, str) else item
            friend = _check(people, item["wxid"], f"gewe.people[{wxid}].friends")
            contacts.setdefault(wxid, {})[friend] = Contact(friend, item.get("remark", ""),
                                                            item.get("only_chat", False), 0, now)
            contacts.setdefault(friend, {}).setdefault(wxid, Contact(wxid, since=now))
    return contacts
