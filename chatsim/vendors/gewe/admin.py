"""World actions that happen on the other side of the API, for ``/_chatsim/tenants/{t}/gewe/...``."""

from typing import Any

from chatsim.admin import AdminError
from chatsim.vendor import Call, Handler, Reply, settled
from chatsim.vendors.gewe.model.entities import as_json
from chatsim.vendors.gewe.model.world import GeweWorld, Refused


def _world(call: Call) -> GeweWorld:
    world: GeweWorld = call.tenant.worlds["gewe"]
    world.settle(world.now())
    return world


def send_friend_request(call: Call) -> Reply:
    world, params = _world(call), call.params
    request = world.person_sends_request(params["appId"], params["fromWxid"], params.get("content", ""),
                                         params.get("scene", 6), params.get("chatroomId", ""))
    world.publish(call.record)
    return Reply({"request": as_json(request), "v3": world.v3s[(request.receiver, request.sender)],
                  "v4": request.ticket})


def decide_friend_request(call: Call) -> Reply:
    world = _world(call)
    request = world.person_decides(call.params["id"], call.params["decision"])
    world.publish(call.record)
    return Reply({"request": as_json(request)})


def list_friend_requests(call: Call) -> Reply:
    world, params = _world(call), call.params
    found = [as_json(r) for r in world.requests.values()
             if params.get("status") in (None, r.status) and params.get("wxid") in (None, r.sender, r.receiver)]
    return Reply({"count": len(found), "requests": found})


def go_offline(call: Call) -> Reply:
    world = _world(call)
    device = world.take_offline(call.params["appId"])
    world.publish(call.record)
    return Reply({"device": as_json(device)})


async def list_callbacks(call: Call) -> Reply:
    """The core callback list with GeWe's own filters: TypeName, Data.MsgType, Appid."""
    params = call.params
    filters = {path: str(params[name]) for name, path in
               (("typeName", "TypeName"), ("msgType", "Data.MsgType"), ("appId", "Appid")) if name in params}
    args: dict[str, Any] = {"after": params.get("after", 0), "filters": filters, "status": params.get("status")}
    outbox = call.tenant.outbox
    wait = params.get("wait", 0)
    found = await outbox.wait(wait, **args) if wait else outbox.query(**args)
    return Reply({"count": len(found), "callbacks": [d.to_json() for d in found]})


def _refusals(handler: Handler) -> Handler:
    async def run(call: Call) -> Reply:
        try:
            return await settled(handler(call))
        except Refused as exc:
            raise AdminError(str(exc), exc.status) from None

    return run


_BY_OPERATION: dict[str, Handler] = {
    "sendFriendRequest": send_friend_request, "decideFriendRequest": decide_friend_request,
    "listFriendRequests": list_friend_requests, "goOffline": go_offline, "listCallbacks": list_callbacks,
}
ADMIN_HANDLERS: dict[str, Handler] = {name: _refusals(fn) for name, fn in _BY_OPERATION.items()}
