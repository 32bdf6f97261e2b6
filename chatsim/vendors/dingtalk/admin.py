"""DingTalk's world actions and reads for ``/_chatsim/tenants/{t}/dingtalk/...``: the friend switch
has no read-back in the real API, so tests read chats here."""

from chatsim.contract import Call, Handler, Refused, Reply
from chatsim.vendors.dingtalk.model.world import DingTalkWorld

WorldCall = Call[DingTalkWorld, None]


def get_chat(call: WorldCall) -> Reply:
    chat = call.world.chats.get(call.path_params["chatid"])
    if chat is None:
        raise Refused(f"no DingTalk chat {call.path_params['chatid']} in tenant {call.tenant_name}", 404)
    return Reply.json(chat.dump())


def list_chats(call: WorldCall) -> Reply:
    corp_id = call.params.get("corpId")
    chats = [chat.dump() for chat in call.world.chats.values() if corp_id in (None, chat.corp_id)]
    return Reply.json({"count": len(chats), "chats": chats})


ACTIONS: dict[str, Handler] = {"getChat": get_chat, "listChats": list_chats}
