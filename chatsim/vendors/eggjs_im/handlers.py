"""One handler per operationId: typed params in, the model's answer in the `{"msg":"ok"}` envelope out."""

from typing import Any

from chatsim.vendor import Call, Handler, Reply


def ok(data: Any) -> Reply:
    return Reply({"msg": "ok", "data": data}, vendor_code="ok")


def reg_chat(call: Call) -> Reply:
    return ok(call.world.register(call.params["username"], call.params["password"]))


def login_chat(call: Call) -> Reply:
    return ok(call.world.login(call.params["username"], call.params["password"]))


def logout(call: Call) -> Reply:
    return ok(call.world.logout(call.principal))


def search_user(call: Call) -> Reply:
    return ok(call.world.search(call.params["keyword"]))


def applyfriend(call: Call) -> Reply:
    return ok(call.world.apply(call.principal, call.params["friend_id"], call.params["nickname"]))


def listapplyfriend(call: Call) -> Reply:
    return ok(call.world.list_applies(call.principal, call.params["page"], call.params["limit"]))


def handleapply(call: Call) -> Reply:
    params = call.params
    return ok(call.world.handle_apply(call.principal, params["id"], params["nickname"], params["status"]))


def goodfriendlist(call: Call) -> Reply:
    return ok(call.world.friend_list(call.principal, call.params["page"], call.params["limit"]))


def getgoodfriendinfo(call: Call) -> Reply:
    return ok(call.world.friend_info(call.principal, call.params["id"]))


def setblackgoodfriend(call: Call) -> Reply:
    return ok(call.world.toggle_black(call.principal, call.params["id"]))


def setstargoodfriend(call: Call) -> Reply:
    return ok(call.world.toggle_star(call.principal, call.params["id"]))


def set_me_or_friend_can_see(call: Call) -> Reply:
    params = call.params
    return ok(call.world.set_can_see(call.principal, params["id"], params["friendlookme"], params["melookfriend"]))


HANDLERS: dict[str, Handler] = {
    "regChat": reg_chat, "loginChat": login_chat, "logout": logout, "searchUser": search_user,
    "applyfriend": applyfriend, "listapplyfriend": listapplyfriend, "handleapply": handleapply,
    "goodfriendlist": goodfriendlist, "getgoodfriendinfo": getgoodfriendinfo,
    "setblackgoodfriend": setblackgoodfriend, "setstargoodfriend": setstargoodfriend,
    "setmeOrfriendCanSee": set_me_or_friend_can_see,
}
