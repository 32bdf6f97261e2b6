"""GeWe's world actions: what happens on the other side of the API (a person sends a friend request,
accepts, a device drops), for ``/_chatsim/tenants/{t}/gewe/...``. Each gets this tenant's GeWe world,
already settled; a ``Refused`` is answered by the admin API."""

from typing import Any

from chatsim.contract import Call, Handler, Refused, Reply
from chatsim.vendors.gewe.model.entities import as_json
from chatsim.vendors.gewe.model.state import message_json
from chatsim.vendors.gewe.model.world import GeweWorld

WorldCall = Call[GeweWorld, None]


def send_friend_request(call: WorldCall) -> Reply:
    world, params = call.world, call.params
    request = world.person_sends_request(params["appId"], params["fromWxid"], params.get("content", ""),
                                         params.get("scene", 6), params.get("chatroomId", ""))
    world.publish(call.trace)
    return Reply.json({"request": as_json(request), "v3": world.v3s[(request.receiver, request.sender)],
                       "v4": request.ticket})


def decide_friend_request(call: WorldCall) -> Reply:
    world = call.world
    request = world.person_decides(call.params["id"], call.params["decision"])
    world.publish(call.trace)
    return Reply.json({"request": as_json(request)})


def send_room_invitation(call: WorldCall) -> Reply:
    """A member of a group sends the account on ``appId`` an invitation link to it."""
    world, params = call.world, call.params
    link = world.person_invites(params["appId"], params["fromWxid"], params["chatroomId"], params.get("reason", ""))
    world.publish(call.trace)
    return Reply.json({"url": link.url, "expiresAt": link.expires_at})


def list_friend_requests(call: WorldCall) -> Reply:
    world, params = call.world, call.params
    found = [as_json(r) for r in world.requests.values()
             if params.get("status") in (None, r.status) and params.get("wxid") in (None, r.sender, r.receiver)]
    return Reply.json({"count": len(found), "requests": found})


def go_offline(call: WorldCall) -> Reply:
    """The device drops: kicked by a login elsewhere (the default), risk control, or the network."""
    world = call.world
    device = world.take_offline(call.params["appId"], call.params.get("reason", "kicked"))
    world.publish(call.trace)
    return Reply.json({"device": as_json(device)})


def scan_qr_code(call: WorldCall) -> Reply:
    """The phone of ``wxid`` scans the device's QR code: checkLogin answers status 1 from now on."""
    return Reply.json({"device": as_json(call.world.phone_scans(call.params["appId"], call.params["wxid"]))})


def confirm_login(call: WorldCall) -> Reply:
    """The person taps 登录 on the phone: the next checkLogin answers status 2 and the device is online."""
    return Reply.json({"device": as_json(call.world.phone_confirms(call.params["appId"]))})


def send_message(call: WorldCall) -> Reply:
    """A person sends the account on ``appId`` a message (privately, or in ``chatroomId``): the
    receiving accounts get AddMsg. The body names its fields as the matching post* operation does."""
    world, params = call.world, dict(call.params)
    message = world.person_sends(params.pop("appId"), params.pop("fromWxid"), params.pop("type"), params)
    world.publish(call.trace)
    return Reply.json({"message": message_json(message)})


def list_messages(call: WorldCall) -> Reply:
    """The conversation log, read without side effects (nothing is marked read or delivered)."""
    names = ("appId", "peer", "chatroom", "type", "kind", "since")
    found = call.world.conversation({name: call.params[name] for name in names if name in call.params})
    return Reply.json({"count": len(found), "messages": [message_json(m) for m in found]})


def read_file(call: WorldCall) -> Reply:
    """A file message/download* handed out: readable without the admin token, since bots get its URL."""
    found = call.world.file_bytes(call.params["name"])
    if found is None:
        raise Refused(f"no file {call.params['name']}", 404)
    body, content_type = found
    return Reply(body, headers={"Content-Type": content_type})


async def list_callbacks(call: WorldCall) -> Reply:
    """The core callback list with GeWe's own filters: TypeName, Data.MsgType, Appid."""
    params = call.params
    filters = {path: str(params[name]) for name, path in
               (("typeName", "TypeName"), ("msgType", "Data.MsgType"), ("appId", "Appid")) if name in params}
    args: dict[str, Any] = {"after": params.get("after", 0), "filters": filters, "status": params.get("status")}
    outbox = call.ctx.outbox
    wait = params.get("wait", 0)
    found = await outbox.wait(wait, **args) if wait else outbox.query(**args)
    return Reply.json({"count": len(found), "callbacks": [d.to_json() for d in found]})


ACTIONS: dict[str, Handler] = {
    "sendFriendRequest": send_friend_request, "decideFriendRequest": decide_friend_request,
    "listFriendRequests": list_friend_requests, "goOffline": go_offline, "listCallbacks": list_callbacks,
    "scanQrCode": scan_qr_code, "confirmLogin": confirm_login, "sendMessage": send_message,
    "listMessages": list_messages, "readFile": read_file, "sendRoomInvitation": send_room_invitation,
}
