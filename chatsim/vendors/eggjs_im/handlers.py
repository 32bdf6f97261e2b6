"""The backend's HTTP side: the chatUserAuth middleware, where valparams looks, and one handler per
operationId (typed params in, the model's answer in the `{"msg":"ok"}` envelope out)."""

import re
from typing import Any

from multidict import istr

from chatsim.contract import Call, Handler, Reply
from chatsim.spec.operations import Field, Operation
from chatsim.vendors.eggjs_im.model.world import EggjsImWorld, User

EggCall = Call[EggjsImWorld, User]
TOKEN_HEADER = istr("token")
# egg-path-matching turns `match: '/api/chat'` into path-to-regexp with end:false: a whole-segment
# prefix, case-insensitive.
_AUTH_PATHS = re.compile(r"^/api/chat(?:/|$)", re.IGNORECASE)


def authenticate(call: EggCall) -> User | None:
    """chatUserAuth runs on every `/api/chat` path, known to the router or not (koa's 404 comes after it)."""
    path = call.op.path if call.op is not None else call.path
    if _AUTH_PATHS.match(path):
        return call.world.authenticate(call.request.headers.get(TOKEN_HEADER))
    return None


def param_sources(fld: Field, op: Operation) -> tuple[str, ...]:
    """valparams reads the route params first, then the body of a POST or the query of a GET."""
    return ("path", "body" if op.method == "POST" else "query")


def ok(data: Any) -> Reply:
    if data == "ok":  # what most writes answer
        return _OK
    return Reply.json({"msg": "ok", "data": data}, vendor_code="ok")


_OK = Reply.json({"msg": "ok", "data": "ok"}, vendor_code="ok")  # built once: a reply never changes once made


def reg_chat(call: EggCall) -> Reply:
    return ok(call.world.register(call.params["username"], call.params["password"]))


def login_chat(call: EggCall) -> Reply:
    return ok(call.world.login(call.params["username"], call.params["password"]))


def logout(call: EggCall) -> Reply:
    return ok(call.world.logout(call.principal))


def search_user(call: EggCall) -> Reply:
    return ok(call.world.search(call.params["keyword"]))


def applyfriend(call: EggCall) -> Reply:
    return ok(call.world.apply(call.principal, call.params["friend_id"], call.params["nickname"]))


def listapplyfriend(call: EggCall) -> Reply:
    return ok(call.world.list_applies(call.principal, call.params["page"], call.params["limit"]))


def handleapply(call: EggCall) -> Reply:
    params = call.params
    return ok(call.world.handle_apply(call.principal, params["id"], params["nickname"], params["status"]))


def goodfriendlist(call: EggCall) -> Reply:
    return ok(call.world.friend_list(call.principal, call.params["page"], call.params["limit"]))


def getgoodfriendinfo(call: EggCall) -> Reply:
    return ok(call.world.friend_info(call.principal, call.params["id"]))


def setblackgoodfriend(call: EggCall) -> Reply:
    return ok(call.world.toggle_black(call.principal, call.params["id"]))


def setstargoodfriend(call: EggCall) -> Reply:
    return ok(call.world.toggle_star(call.principal, call.params["id"]))


def set_me_or_friend_can_see(call: EggCall) -> Reply:
    params = call.params
    return ok(call.world.set_can_see(call.principal, params["id"], params["friendlookme"], params["melookfriend"]))


HANDLERS: dict[str, Handler] = {
    "regChat": reg_chat, "loginChat": login_chat, "logout": logout, "searchUser": search_user,
    "applyfriend": applyfriend, "listapplyfriend": listapplyfriend, "handleapply": handleapply,
    "goodfriendlist": goodfriendlist, "getgoodfriendinfo": getgoodfriendinfo,
    "setblackgoodfriend": setblackgoodfriend, "setstargoodfriend": setstargoodfriend,
    "setmeOrfriendCanSee": set_me_or_friend_can_see,
}
