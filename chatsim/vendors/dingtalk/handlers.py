"""One handler per operationId: typed params in, model call, the path family's success envelope out.

``call.principal`` is the ``App`` whose access token the auth step accepted.
"""

from typing import Any

from chatsim.admin import AdminError
from chatsim.vendor import Call, Handler, Reply

from .errors import INVALID_CHATID_LEGACY, INVALID_CHATID_TOPAPI, TOPAPI_HEADERS
from .model import FLAGS, DingTalkWorld


def legacy_ok(**fields: Any) -> Reply:
    return Reply({"errcode": 0, "errmsg": "ok", **fields}, vendor_code=0)


def topapi_ok(call: Call) -> Reply:
    return Reply({"success": True, "errcode": 0, "errmsg": "ok", "request_id": call.ctx.ids.request_id()},
                 headers=TOPAPI_HEADERS, vendor_code=0)


def gettoken(call: Call) -> Reply:
    params = call.params
    token = call.world.get_token(params.get("appkey"), params.get("appsecret"), params.get("corpid"))
    return Reply({"errcode": 0, "access_token": token.value, "errmsg": "ok", "expires_in": int(call.world.token_ttl)},
                 vendor_code=0)


def friendswitch_update(call: Call) -> Reply:
    chat = call.world.chat_of(call.principal, call.params["chatid"], INVALID_CHATID_TOPAPI)
    call.world.set_friend_switch(chat, call.principal, call.params["is_prohibit"])
    return topapi_ok(call)


def update_group_nick(call: Call) -> Reply:
    chat = call.world.chat_of(call.principal, call.params["chatid"], INVALID_CHATID_TOPAPI)
    call.world.set_group_nick(chat, call.principal, call.params["userid"], call.params["group_nick"])
    return topapi_ok(call)


def chat_create(call: Call) -> Reply:
    params = call.params
    chat = call.world.create_chat(call.principal, params["name"], params["owner"], params["useridlist"],
                                  {flag: params[flag] for flag in FLAGS if flag in params})
    return legacy_ok(chatid=chat.chatid, openConversationId=chat.open_conversation_id,
                     conversationTag=chat.conversation_tag)


def chat_get(call: Call) -> Reply:
    chat = call.world.chat_of(call.principal, call.params["chatid"], INVALID_CHATID_LEGACY, dissolved_too=True)
    return legacy_ok(chat_info=chat.info())


def chat_update(call: Call) -> Reply:
    chat = call.world.chat_of(call.principal, call.params["chatid"], INVALID_CHATID_LEGACY)
    call.world.update_chat(chat, call.principal, call.params)
    return legacy_ok()


HANDLERS: dict[str, Handler] = {
    "gettoken": gettoken, "friendswitchUpdate": friendswitch_update, "updateGroupNick": update_group_nick,
    "chatCreate": chat_create, "chatGet": chat_get, "chatUpdate": chat_update,
}


# --- admin: the switch has no read-back in the real API, so tests read it here -----------------


def world_of(call: Call) -> DingTalkWorld:
    world: DingTalkWorld = call.tenant.worlds["dingtalk"]
    return world


def admin_get_chat(call: Call) -> Reply:
    chat = world_of(call).chats.get(call.path_params["chatid"])
    if chat is None:
        raise AdminError(f"no DingTalk chat {call.path_params['chatid']} in tenant {call.tenant.name}", 404)
    return Reply(chat.dump())


def admin_list_chats(call: Call) -> Reply:
    corp_id = call.params.get("corpId")
    chats = [chat.dump() for chat in world_of(call).chats.values() if corp_id in (None, chat.corp_id)]
    return Reply({"count": len(chats), "chats": chats})


ADMIN_HANDLERS: dict[str, Handler] = {"getChat": admin_get_chat, "listChats": admin_list_chats}
