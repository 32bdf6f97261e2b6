"""DingTalk oapi's HTTP side: the gateway's checks, and one handler per operationId (typed params in,
model call, the path family's success envelope out).

``call.principal`` is the ``App`` whose access token the auth step accepted.
"""

from collections.abc import Mapping
from typing import Any

from chatsim.contract import Call, Handler, Reply
from chatsim.mediatype import media_type
from chatsim.validation import parse_body
from chatsim.vendors.dingtalk import errors, handlers_v1
from chatsim.vendors.dingtalk.errors import INVALID_CHATID_LEGACY, INVALID_CHATID_TOPAPI, TOPAPI_HEADERS
from chatsim.vendors.dingtalk.errors_v1 import V1_PREFIX
from chatsim.vendors.dingtalk.model.robots import Robot
from chatsim.vendors.dingtalk.model.world import SCENE_OPTIONS, App, Chat, DingTalkWorld, flags_in, group_url

DingTalkCall = Call[DingTalkWorld, App]
RobotCall = Call[DingTalkWorld, Robot]
FORM = "application/x-www-form-urlencoded"
_SCENE_OPTION_NAMES = frozenset(SCENE_OPTIONS)


def authenticate(call: Call[DingTalkWorld, Any]) -> App | Robot | None:
    """The gateway's checks, in its order: token, the app's permission, then the body's format
    (v1.0 has a gateway of its own)."""
    if call.path.startswith(V1_PREFIX):
        return handlers_v1.authenticate(call)
    op = call.op
    if op is None or op.spec.get("x-dingtalk-tokenless"):
        return None
    if op.spec.get("x-dingtalk-robot"):
        return _robot(call)
    permission = op.spec.get("x-dingtalk-permission")
    topapi = errors.is_topapi(op.path)
    world = call.world
    token = call.request.query.get("access_token") or _form_token(call)
    if not token:
        raise errors.token_error(topapi, "blank", world.token_errors)
    app, state = world.token_state(token)
    if app is None:
        raise errors.token_error(topapi, state, world.token_errors)
    if permission is not None and permission not in app.permissions:
        raise errors.permission_error(topapi, op)
    if op.body_media and call.raw and media_type(call.request) not in op.body_media:
        raise errors.BAD_CONTENT_TYPE if topapi else errors.NEEDS_JSON
    return app


def _robot(call: DingTalkCall) -> Robot:
    """A custom robot's gateway: its own token, its IP allow-list and signature, then a JSON body."""
    query = call.request.query
    robot = call.world.robots.get(query.get("access_token"))
    robot.check_security(call.request.remote, query.get("timestamp"), query.get("sign"), call.now)
    if not call.raw or media_type(call.request) != "application/json":
        raise errors.ROBOT_NEEDS_JSON
    return robot


def _form_token(call: DingTalkCall) -> str | None:
    """The doc's curl sends the token in the form body; the gateway reads it there too (not from JSON)."""
    if media_type(call.request) != FORM:
        return None
    form = parse_body(call.raw, FORM)
    token = form.get("access_token")
    return token if isinstance(token, str) else None


def legacy_ok(**fields: Any) -> Reply:
    return Reply.json({"errcode": 0, "errmsg": "ok", **fields}, vendor_code=0)


LEGACY_OK = legacy_ok()  # a success without fields, built once (a reply never changes once made)


# /topapi's success without a result, up to its request_id, as orjson writes it; a request_id is
# base-36, never escaped
_TOPAPI_OK = b'{"errcode":0,"errmsg":"ok","success":true,"request_id":"'


def topapi_ok(call: DingTalkCall, result: Mapping[str, Any] | None = None) -> Reply:
    """/topapi's success: ``errcode``, ``errmsg``, the ``result`` if any, ``success``, ``request_id``.
    Without a result it is put together from bytes: encoding that constant part of every such
    success was a sixth of its handler's cost (tests/dingtalk/test_friendswitch.py holds the two equal)."""
    if result is None:
        return Reply(_TOPAPI_OK + call.ctx.ids.request_id().encode("ascii") + b'"}', 200, TOPAPI_HEADERS, 0)
    body = {"errcode": 0, "errmsg": "ok", "result": result, "success": True, "request_id": call.ctx.ids.request_id()}
    return Reply.json(body, headers=TOPAPI_HEADERS, vendor_code=0)


def gettoken(call: DingTalkCall) -> Reply:
    params = call.params
    token = call.world.get_token(params.get("appkey"), params.get("appsecret"), params.get("corpid"))
    return Reply.json({"errcode": 0, "access_token": token.value, "errmsg": "ok",
                       "expires_in": int(call.world.token_ttl)}, vendor_code=0)


def friendswitch_update(call: DingTalkCall) -> Reply:
    chat = call.world.chat_of(call.principal, call.params["chatid"], INVALID_CHATID_TOPAPI)
    call.world.set_friend_switch(chat, call.principal, call.params["is_prohibit"])
    return topapi_ok(call)


def update_group_nick(call: DingTalkCall) -> Reply:
    chat = call.world.chat_of(call.principal, call.params["chatid"], INVALID_CHATID_TOPAPI)
    call.world.set_group_nick(chat, call.principal, call.params["userid"], call.params["group_nick"])
    return topapi_ok(call)


def chat_create(call: DingTalkCall) -> Reply:
    params = call.params
    chat = call.world.create_chat(call.principal, params["name"], params["owner"], params["useridlist"],
                                  flags_in(params))
    return legacy_ok(chatid=chat.chatid, openConversationId=chat.open_conversation_id,
                     conversationTag=chat.conversation_tag)


def chat_get(call: DingTalkCall) -> Reply:
    chat = call.world.chat_of(call.principal, call.params["chatid"], INVALID_CHATID_LEGACY, dissolved_too=True)
    return legacy_ok(chat_info=chat.info())


def chat_update(call: DingTalkCall) -> Reply:
    chat = call.world.chat_of(call.principal, call.params["chatid"], INVALID_CHATID_LEGACY)
    call.world.update_chat(chat, call.principal, call.params)
    return LEGACY_OK


def _scene_group(call: DingTalkCall) -> Chat:
    return call.world.chat_by_conversation(call.principal, call.params["open_conversation_id"],
                                           INVALID_CHATID_TOPAPI)


def _options(params: Mapping[str, Any]) -> dict[str, int]:
    """The scene-group switches the request sets, in SCENE_OPTIONS' order (most set none)."""
    if _SCENE_OPTION_NAMES.isdisjoint(params):
        return {}
    return {key: params[key] for key in SCENE_OPTIONS if key in params}


def _userids(value: str | None) -> list[str]:
    """The TOP SDKs' comma-separated userids (empty parts dropped: most lists have none)."""
    if not value:
        return []
    parts = value.split(",")
    return parts if all(parts) else [part for part in parts if part]


def scenegroup_create(call: DingTalkCall) -> Reply:
    params = call.params
    chat = call.world.create_scene_group(
        call.principal, params["title"], params["template_id"], params["owner_user_id"],
        _userids(params.get("user_ids")), _userids(params.get("subadmin_ids")), params.get("uuid"),
        params.get("icon") or "", _options(params))
    return topapi_ok(call, {"open_conversation_id": chat.open_conversation_id, "chat_id": chat.chatid})


def scenegroup_update(call: DingTalkCall) -> Reply:
    params = call.params
    chat = _scene_group(call)
    call.world.update_scene_group(chat, call.principal, params.get("title"), params.get("owner_user_id"),
                                  params.get("icon"), _options(params))
    return topapi_ok(call, {"open_conversation_id": chat.open_conversation_id})


def scenegroup_get(call: DingTalkCall) -> Reply:
    chat = _scene_group(call)
    return topapi_ok(call, {
        "open_conversation_id": chat.open_conversation_id, "template_id": chat.template_id,
        "owner_staff_id": chat.owner, "sub_admin_staff_ids": list(chat.subadmins), "title": chat.name,
        "icon": chat.icon, "group_url": group_url(chat), "status": chat.status,
        "management_options": chat.management_options()})


def scenegroup_member_add(call: DingTalkCall) -> Reply:
    chat = _scene_group(call)
    call.world.update_chat(chat, call.principal, {"add_useridlist": _userids(call.params["user_ids"])})
    return topapi_ok(call)


def scenegroup_member_delete(call: DingTalkCall) -> Reply:
    chat = _scene_group(call)
    call.world.update_chat(chat, call.principal, {"del_useridlist": _userids(call.params["user_ids"])})
    return topapi_ok(call)


def scenegroup_member_get(call: DingTalkCall) -> Reply:
    chat = _scene_group(call)
    cursor = str(call.params.get("cursor") or 0)
    page, following = chat.member_page(int(cursor) if cursor.isdigit() else 0, call.params["size"])
    result: dict[str, Any] = {"member_user_ids": page, "has_more": following is not None}
    if following is not None:
        result["next_cursor"] = str(following)
    result["staff_id_nick_map"] = {userid: chat.group_nicks[userid] for userid in page if userid in chat.group_nicks}
    return topapi_ok(call, result)


def chat_send(call: DingTalkCall) -> Reply:
    chat = call.world.chat_of(call.principal, call.params["chatid"], INVALID_CHATID_LEGACY)
    message = call.world.send_to_chat(chat, call.principal, call.body)
    return legacy_ok(messageId=message["messageId"])


def robot_send(call: RobotCall) -> Reply:
    call.world.robot_send(call.principal, call.body, len(call.raw))
    return LEGACY_OK


HANDLERS: dict[str, Handler] = {
    "gettoken": gettoken, "friendswitchUpdate": friendswitch_update, "updateGroupNick": update_group_nick,
    "chatCreate": chat_create, "chatGet": chat_get, "chatUpdate": chat_update, "chatSend": chat_send,
    "robotSend": robot_send, "scenegroupCreate": scenegroup_create, "scenegroupUpdate": scenegroup_update,
    "scenegroupGet": scenegroup_get, "scenegroupMemberAdd": scenegroup_member_add,
    "scenegroupMemberDelete": scenegroup_member_delete, "scenegroupMemberGet": scenegroup_member_get,
}
