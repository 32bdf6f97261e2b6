"""DingTalk oapi's HTTP side: the gateway's checks, and one handler per operationId (typed params in,
model call, the path family's success envelope out).

``call.principal`` is the ``App`` whose access token the auth step accepted.
"""

from typing import Any

from chatsim.contract import Call, Handler, Reply
from chatsim.validation import parse_body
from chatsim.vendors.dingtalk import errors, handlers_v1
from chatsim.vendors.dingtalk.errors import INVALID_CHATID_LEGACY, INVALID_CHATID_TOPAPI, TOPAPI_HEADERS
from chatsim.vendors.dingtalk.errors_v1 import V1_PREFIX
from chatsim.vendors.dingtalk.model import FLAGS, App, DingTalkWorld

DingTalkCall = Call[DingTalkWorld, App]
FORM = "application/x-www-form-urlencoded"


def authenticate(call: DingTalkCall) -> App | None:
    """The gateway's checks, in its order: token, the app's permission, then the body's format
    (v1.0 has a gateway of its own)."""
    if call.path.startswith(V1_PREFIX):
        return handlers_v1.authenticate(call)
    op = call.op
    if op is None or op.spec.get("x-dingtalk-tokenless"):
        return None
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
    if op.body_media and call.raw and call.request.content_type not in op.body_media:
        raise errors.BAD_CONTENT_TYPE if topapi else errors.NEEDS_JSON
    return app


def _form_token(call: DingTalkCall) -> str | None:
    """The doc's curl sends the token in the form body; the gateway reads it there too (not from JSON)."""
    if call.request.content_type != FORM:
        return None
    form = parse_body(call.raw, FORM)
    token = form.get("access_token")
    return token if isinstance(token, str) else None


def legacy_ok(**fields: Any) -> Reply:
    return Reply.json({"errcode": 0, "errmsg": "ok", **fields}, vendor_code=0)


# /topapi's success before its request_id, as orjson writes it; a request_id is base-36, never escaped
_TOPAPI_OK = b'{"success":true,"errcode":0,"errmsg":"ok","request_id":"'


def topapi_ok(call: DingTalkCall) -> Reply:
    """``Reply.json({"success": True, "errcode": 0, "errmsg": "ok", "request_id": ...})`` as bytes put
    together: encoding the constant part of every /topapi success was a sixth of its handler's cost
    (tests/dingtalk/test_friendswitch.py holds the two equal)."""
    return Reply(_TOPAPI_OK + call.ctx.ids.request_id().encode("ascii") + b'"}', 200, TOPAPI_HEADERS, 0)


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
                                  {flag: params[flag] for flag in FLAGS if flag in params})
    return legacy_ok(chatid=chat.chatid, openConversationId=chat.open_conversation_id,
                     conversationTag=chat.conversation_tag)


def chat_get(call: DingTalkCall) -> Reply:
    chat = call.world.chat_of(call.principal, call.params["chatid"], INVALID_CHATID_LEGACY, dissolved_too=True)
    return legacy_ok(chat_info=chat.info())


def chat_update(call: DingTalkCall) -> Reply:
    chat = call.world.chat_of(call.principal, call.params["chatid"], INVALID_CHATID_LEGACY)
    call.world.update_chat(chat, call.principal, call.params)
    return legacy_ok()


HANDLERS: dict[str, Handler] = {
    "gettoken": gettoken, "friendswitchUpdate": friendswitch_update, "updateGroupNick": update_group_nick,
    "chatCreate": chat_create, "chatGet": chat_get, "chatUpdate": chat_update,
}
