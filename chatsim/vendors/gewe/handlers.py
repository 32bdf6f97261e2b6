"""GeWe's HTTP side: the token check, and one handler per operationId that reads the validated
params, asks the world and wraps the answer.

Every handler runs through ``publishing``, which hands the callbacks the change queued to the outbox,
naming this request's trace, once the handler succeeded.
"""

import time
from collections.abc import Awaitable, Mapping
from typing import Any

import orjson
from multidict import istr

from chatsim.contract import Call, Handler, Reply
from chatsim.trace import PROBE, URL_KEPT
from chatsim.vendors.gewe import errors
from chatsim.vendors.gewe.errors import GeweError
from chatsim.vendors.gewe.model import callbacks
from chatsim.vendors.gewe.model.entities import Token
from chatsim.vendors.gewe.model.world import GeweWorld

GeweCall = Call[GeweWorld, Token]
TOKEN_HEADER = istr("X-GEWE-TOKEN")
OK = "操作成功"


def authenticate(call: GeweCall) -> Token | None:
    """The token as GeWe checks it: present, known, not expired at the request's arrival (every
    operation but getTokenId; a path GeWe does not have never gets this far in Spring)."""
    if call.op is None or call.op.operation_id == "getTokenId":
        return None
    value = call.request.headers.get(TOKEN_HEADER, "")
    if not value:
        raise errors.missing_token()
    token = call.world.token(value, call.now)
    if token is None:
        raise errors.bad_token(value)
    return token


def ok(data: Any, msg: str = OK) -> Reply:
    return Reply.json({"ret": 200, "msg": msg, "data": data}, vendor_code=200)


def _bare_ok(msg: str) -> Reply:
    """A success without data is the same answer every time: built and encoded once, at import."""
    return Reply(orjson.dumps({"ret": 200, "msg": msg}), vendor_code=200)


DONE = _bare_ok(OK)
PERMISSIONS_SET = _bare_ok("设置好友权限成功")  # setFriendRemark's answer too, as the doc's example shows


def _parts(call: GeweCall) -> tuple[GeweWorld, Token, Mapping[str, Any]]:
    return call.world, call.principal, call.params


def get_token_id(call: GeweCall) -> Reply:
    """The instance's one token; the paid service (``token_mode: console``) has no such path."""
    if call.world.settings.token_mode == "console":
        return call.vendor.errors.unknown_route(call)
    return ok(call.world.instance_token(), "执行成功")


def device_list(call: GeweCall) -> Reply:
    return ok(call.world.device_list(call.principal))


def reconnection(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.reconnection(token, params["appId"]))


def dialog_login(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.dialog_login(token, params["appId"]))


async def set_callback(call: GeweCall) -> Reply:
    """The probe goes out before the answer, because GeWe answers whether it could be delivered."""
    world, token, params = _parts(call)
    url = params["callbackUrl"]
    arrival = world.check_callback_token(token, params["token"])
    send = call.ctx.send
    assert send is not None, "the app gives every tenant a sender"
    started = time.perf_counter()
    status, error = await send(url, orjson.dumps(callbacks.probe(token.value)), world.settings.probe_timeout)
    call.trace.add(PROBE, {"probe": True, "url": url[:URL_KEPT], "time": world.now(), "status": status, "error": error,
                           "latency_ms": round((time.perf_counter() - started) * 1000, 3)})
    if error is not None or status is None or not 200 <= status < 300:
        raise GeweError(f"{url} push msg err")
    world.set_callback(token, url, arrival)
    return DONE


def get_login_qr_code(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.get_login_qr(token, params["appId"]))


def check_login(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.check_login(token, params["appId"], params["uuid"]))


def check_online(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.check_online(token, params["appId"]))


def logout(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    world.logout(token, params["appId"])
    return DONE


def search(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.search(token, params["appId"], params["contactsInfo"]))


def fetch_contacts_list(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.fetch_contacts_list(token, params["appId"]))


def get_brief_info(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.contact_info(token, params["appId"], params["wxids"], detail=False), "获取联系人信息成功")


def get_detail_info(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.contact_info(token, params["appId"], params["wxids"], detail=True), "获取联系人信息成功")


def set_friend_permissions(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    world.set_friend_permissions(token, params["appId"], params["wxid"], params["onlyChat"])
    return PERMISSIONS_SET


def set_friend_remark(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    world.set_friend_remark(token, params["appId"], params["wxid"], params["remark"])
    return PERMISSIONS_SET


def check_relation(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.check_relation(token, params["appId"], params["wxids"]), "检测好友关系成功")


def fetch_contacts_list_cache(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    cached = world.fetch_contacts_list_cache(token, params["appId"])
    return DONE if cached is None else ok(cached)


def upload_phone_address_list(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    world.upload_phone_address_list(token, params["appId"], params["phones"], params["opType"])
    return DONE


def get_phone_address_list(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.phone_address_list(token, params["appId"], params.get("phones")), "获取手机通讯录成功")


def get_chatroom_member_detail(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.member_detail(token, params["appId"], params["chatroomId"], params["memberWxids"]))


def add_contacts(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    world.add_contacts(token, params["appId"], params["scene"], params["option"], params["v3"], params["v4"],
                       params["content"])
    return DONE


def add_group_member_as_friend(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    v3 = world.add_group_member(token, params["appId"], params["chatroomId"], params["memberWxid"],
                                params["content"])
    return ok({"v3": v3})


def get_chatroom_member_list(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    return ok(world.member_list(token, params["appId"], params["chatroomId"]))


def sender(kind: str) -> Handler:
    """message/post* and forward*: one handler per kind of message, the body passed on in GeWe's
    own parameter names."""
    def post(call: GeweCall) -> Reply:
        world, token, params = _parts(call)
        return ok(world.send(token, params["appId"], params["toWxid"], kind, dict(params)))

    return post


def downloader(kind: str, field: str = "xml", answer: str = "fileUrl") -> Handler:
    """message/download*: a URL on this server (the one the client called) for the media named."""
    def download(call: GeweCall) -> Reply:
        world, token, params = _parts(call)
        base = f"http://{call.request.headers.get('Host', '127.0.0.1')}"
        return ok({answer: world.download(token, params["appId"], kind, str(params[field]), base)})

    return download


def download_cdn(call: GeweCall) -> Reply:
    """downloadCdn's type: 1 HD, 2 normal and 3 thumbnail images, 4 video, 5 file."""
    world, token, params = _parts(call)
    kind = {"4": "video", "5": "file"}.get(params["type"], "image")
    described = f'length="{params["totalSize"]}" <fileext>{params["suffix"]}</fileext> {params["fileId"]}'
    base = f"http://{call.request.headers.get('Host', '127.0.0.1')}"
    return ok({"fileUrl": world.download(token, params["appId"], kind, described, base)})


def done(rule: str, *fields: str) -> Handler:
    """An operation answered 操作成功 without data: the world's ``rule`` given the token, the appId and
    ``fields`` of the body, in that order."""
    def run(call: GeweCall) -> Reply:
        world, token, params = _parts(call)
        getattr(world, rule)(token, params["appId"], *map(params.__getitem__, fields))
        return DONE

    return run


def answering(rule: str, *fields: str) -> Handler:
    """Like ``done``, answering with the ``data`` the world's ``rule`` gives."""
    def run(call: GeweCall) -> Reply:
        world, token, params = _parts(call)
        return ok(getattr(world, rule)(token, params["appId"], *map(params.__getitem__, fields)))

    return run


def revoke_msg(call: GeweCall) -> Reply:
    world, token, params = _parts(call)
    world.revoke(token, params["appId"], params["toWxid"], str(params["msgId"]), str(params["newMsgId"]))
    return DONE


def publish_queued(call: GeweCall) -> None:
    """Hand the callbacks the model queued to the outbox, naming this request's trace (made only
    when there is something to name)."""
    if call.world.queued:
        call.world.publish(call.trace)


def publishing(handler: Handler) -> Handler:
    """Publish the callbacks the model queued once the handler has answered, a failure too: a
    refused call queues nothing, except the Offline of an account risk control takes down."""
    def run(call: GeweCall) -> Reply | Awaitable[Reply]:
        try:
            reply = handler(call)
        except Exception:
            publish_queued(call)
            raise
        if isinstance(reply, Reply):
            publish_queued(call)
            return reply
        return _publish_after(reply, call)

    return run


async def _publish_after(pending: Awaitable[Reply], call: GeweCall) -> Reply:
    try:
        return await pending
    finally:
        publish_queued(call)


_BY_OPERATION: dict[str, Handler] = {
    "getTokenId": get_token_id, "setCallback": set_callback, "loginSetCallback": set_callback,
    "getLoginQrCode": get_login_qr_code, "checkLogin": check_login, "checkOnline": check_online,
    "deviceList": device_list, "reconnection": reconnection, "dialogLogin": dialog_login,
    "logout": logout, "search": search, "fetchContactsList": fetch_contacts_list,
    "getBriefInfo": get_brief_info, "getDetailInfo": get_detail_info, "deleteFriend": done("delete_friend", "wxid"),
    "setFriendPermissions": set_friend_permissions, "addContacts": add_contacts,
    "addGroupMemberAsFriend": add_group_member_as_friend, "getChatroomMemberList": get_chatroom_member_list,
    "setFriendRemark": set_friend_remark, "checkRelation": check_relation,
    "fetchContactsListCache": fetch_contacts_list_cache, "uploadPhoneAddressList": upload_phone_address_list,
    "getPhoneAddressList": get_phone_address_list, "getChatroomMemberDetail": get_chatroom_member_detail,
    "getChatroomInfo": answering("chatroom_info", "chatroomId"),
    "modifyChatroomName": done("rename_chatroom", "chatroomId", "chatroomName"),
    "modifyChatroomNickNameForSelf": done("set_my_nickname", "chatroomId", "nickName"),
    "setChatroomAnnouncement": done("set_announcement", "chatroomId", "content"),
    "getChatroomAnnouncement": answering("announcement", "chatroomId"),
    "createChatroom": answering("create_chatroom", "wxids"),
    "inviteMember": done("invite_member", "chatroomId", "wxids", "reason"),
    "removeMember": done("remove_members", "chatroomId", "wxids"),
    "quitChatroom": done("quit_chatroom", "chatroomId"), "disbandChatroom": done("disband_chatroom", "chatroomId"),
    "modifyChatroomRemark": done("set_chatroom_remark", "chatroomId", "chatroomRemark"),
    "adminOperate": done("admin_operate", "chatroomId", "wxids", "operType"),
    "pinChat": done("pin_chat", "chatroomId", "top"), "setMsgSilence": done("set_msg_silence", "chatroomId", "silence"),
    "saveContractList": done("save_contract_list", "chatroomId", "operType"),
    "getChatroomQrCode": answering("chatroom_qr_code", "chatroomId"),
    "agreeJoinRoom": done("agree_join_room", "url"),
    "joinRoomUsingQRCode": answering("join_room_using_qr_code", "qrUrl"),
    "revokeMsg": revoke_msg, "downloadImage": downloader("image"), "downloadVideo": downloader("video"),
    "downloadFile": downloader("file"), "downloadVoice": downloader("voice"), "downloadCdn": download_cdn,
    "downloadEmojiMd5": downloader("emoji", "emojiMd5", "url"),
    **{f"post{name}": sender(kind) for name, kind in (
        ("Text", "text"), ("Image", "image"), ("Voice", "voice"), ("Video", "video"), ("File", "file"),
        ("Link", "link"), ("NameCard", "namecard"), ("Emoji", "emoji"), ("AppMsg", "app"), ("MiniApp", "miniapp"))},
    **{f"forward{name}": sender(kind) for name, kind in (
        ("Image", "image"), ("Video", "video"), ("File", "file"), ("Url", "link"), ("MiniApp", "miniapp"))},
}
HANDLERS: dict[str, Handler] = {name: publishing(fn) for name, fn in _BY_OPERATION.items()}
