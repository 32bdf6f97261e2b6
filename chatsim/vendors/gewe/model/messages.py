"""Messages in both directions: what an account sends through message/post* and forward*, what a
person sends it (the world actions), revokes within WeChat's two minutes, and the conversation log.

A message is one record in the log (bounded: the newest ``max_messages``) and one AddMsg per
receiving account's online device, all with the message's one NewMsgId (dedupe is on Appid +
NewMsgId, so the id is the message's, unique in the tenant). Media URLs are recorded, never fetched.
"""

import re
from typing import Any

from chatsim.contract import Refused
from chatsim.vendors.gewe.errors import OFFLINE, GeweError
from chatsim.vendors.gewe.model import callbacks, content
from chatsim.vendors.gewe.model.contacts import NOT_FRIEND, ContactRules
from chatsim.vendors.gewe.model.entities import Device, Message, Token

SEND_FAILED = "发送消息失败"
REVOKE_FAILED = "撤回消息失败"
REVOKE_WINDOW = 120.0  # WeChat lets a sender revoke for two minutes
NO_MESSAGE = "消息不存在"
TOO_LATE = "消息已超过2分钟，无法撤回"
DELETED_BY_FRIEND = "对方开启了朋友验证，你还不是他（她）朋友"
MUTED = "群主已开启全员禁言"
AT_ALL = "notify@all"
# Sizes chatsim reports for media it never fetched, unless the call gives one.
DEFAULT_SIZES = {"image": 20_480, "voice": 3_600, "video": 524_288, "file": 8_939, "emoji": 102_357}
# What a world action must name for each kind (the API's spec requires its own fields).
NEEDS = {"text": ("content",), "link": ("title", "linkUrl"), "namecard": ("nameCardWxid",), "app": ("appmsg",),
         "miniapp": ("title",), "revoke": ("newMsgId",)}
_TITLE = re.compile(r"<title>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</title>", re.S)


class MessageRules(ContactRules):
    # --- the account speaks -----------------------------------------------------------------

    def send(self, token: Token, app_id: str, to: str, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        """One post*/forward* call: checks the account, the peer and risk control, then logs and
        delivers the message; answers the ``data`` GeWe gives for this kind."""
        device = self.device(token, app_id, SEND_FAILED)
        me = device.wxid
        assert me is not None
        ats = self._sendable(me, to, params.get("ats", ""))
        self._risk_control(device, to)
        message = self.record(me, to, kind, params, app_id, ats)
        return self.sent_data(message)

    def _sendable(self, me: str, to: str, ats: str) -> list[str]:
        """The @-list the message may carry, once the account may speak to ``to`` at all."""
        room = self.chatrooms.get(to)
        if room is None:
            if not self.is_friend(me, to):
                raise GeweError(SEND_FAILED, "-1", NOT_FRIEND)
            if not self.is_friend(to, me):
                raise GeweError(SEND_FAILED, "-1", DELETED_BY_FRIEND)
            return []
        room = self.room_of(me, to, SEND_FAILED)
        manager = me == room.owner or me in room.admins
        if room.muted and not manager:
            raise GeweError(SEND_FAILED, "-1", MUTED)
        wanted = [wxid for wxid in dict.fromkeys(ats.split(",")) if wxid]
        # WeChat lets only the owner and admins @所有人; from anyone else it is plain text.
        return [wxid for wxid in wanted if wxid in room.members or (wxid == AT_ALL and manager)]

    def _risk_control(self, device: Device, to: str) -> None:
        """Past WeChat's limits the account is taken offline (Offline pushed) and the send fails: more
        than the minute's sends, or a send to someone else within ``risk_spacing`` seconds of the last
        one (a send to the same person restarts that window, so the gap is from the last send)."""
        window, spacing = self.risk_window, self.risk_spacing
        if window is None or spacing is None:
            return
        me, now = device.wxid or "", self.now()
        if self.risk_last.get(me) == to:
            spacing.reset(me)
        if window.hit(me, now) is None and spacing.hit(me, now) is None:
            self.risk_last[me] = to
            return
        window.reset(me)
        spacing.reset(me)
        self.risk_last.pop(me, None)
        self.go_offline(device, "risk")
        raise GeweError(SEND_FAILED, "-1", OFFLINE)

    def sent_data(self, message: Message) -> dict[str, Any]:
        data: dict[str, Any] = {"toWxid": message.to, "createTime": message.created, "msgId": message.msg_id,
                                "newMsgId": message.new_msg_id, "type": content.KINDS[message.kind][1]}
        if message.kind in ("image", "video"):
            key = message.media.get("key", "")
            data.update(aesKey=content.digest("aes", key), fileId="3052020100044b3049" + content.digest("cdn", key),
                        length=message.media["length"])
            if message.kind == "image":
                data.update(width=message.media.get("width", 400), height=message.media.get("height", 400),
                            md5=content.digest("md5", key))
        return data

    def revoke(self, token: Token, app_id: str, to: str, msg_id: str, new_msg_id: str) -> None:
        """Only the account's own message to ``to``, named by its ids, within two minutes of its
        own time (the createTime GeWe also asks for does not move the window)."""
        me = self.account(token, app_id, REVOKE_FAILED)
        message = self.messages.find(new_msg_id)
        if (message is None or message.sender != me or message.to != to or str(message.msg_id) != msg_id
                or message.kind in ("revoke", "pat")):
            raise GeweError(REVOKE_FAILED, "-1", NO_MESSAGE)
        self._revoke(message, app_id)

    def _revoke(self, message: Message, app_id: str = "") -> None:
        if message.revoked or self.now() - message.created > REVOKE_WINDOW:
            raise GeweError(REVOKE_FAILED, "-1", TOO_LATE)
        message.revoked = True
        session = message.to if message.to in self.chatrooms else message.sender
        self.record(message.sender, message.to, "revoke", {"session": session, "of": message}, app_id, [])

    # --- the log and delivery -----------------------------------------------------------------

    def record(self, sender: str, to: str, kind: str, params: dict[str, Any], app_id: str,
               ats: list[str]) -> Message:
        ids = self.message_ids()
        body, title, media = self.compose(kind, sender, to, params, ids.new_msg_id)
        message = Message(ids.new_msg_id, ids.msg_id, sender, to, content.KINDS[kind][0], kind, body,
                          ids.create_time, app_id, ats, media=media)
        self.messages.append(message)
        self.deliver(message, title, ids)
        return message

    def deliver(self, message: Message, title: str, ids: callbacks.MessageIds) -> None:
        """AddMsg to every receiving account (and back to the sender's devices when
        ``echo_own_messages`` is set): private chats as they are, groups with the prefix and @-list."""
        nickname = self.people[message.sender].nickname
        room = self.chatrooms.get(message.to)
        receivers = [message.to] if room is None else [wxid for wxid in room.members if wxid != message.sender]
        for wxid in self.online_among(receivers):
            at_me = room is not None and (wxid in message.ats or AT_ALL in message.ats)
            push = content.push_content(message.kind, nickname, message.content, title, at_me)
            if room is None:
                sender, body, source = message.sender, message.content, content.MSG_SOURCE
            else:
                sender, body = room.id, f"{message.sender}:\n{message.content}"
                source = content.msg_source(message.ats, len(room.members))
            self.emit_to(wxid, lambda app, wxid=wxid, sender=sender, body=body, source=source, push=push:
                         callbacks.add_msg(app, wxid, sender, wxid, message.msg_type, body, ids, source, push))
        if self.settings.echo_own_messages:
            self.emit_to(message.sender, lambda app: callbacks.add_msg(
                app, message.sender, message.sender, message.to, message.msg_type, message.content, ids,
                content.MSG_SOURCE, None))

    def compose(self, kind: str, sender: str, to: str, params: dict[str, Any],
                new_msg_id: int) -> tuple[str, str, dict[str, Any]]:
        """(Content.string, the title PushContent shows, the media recorded) from the vendor's own
        parameter names (imgUrl, fileName, nameCardWxid...); ``xml`` is a forward's content as given."""
        key = f"{new_msg_id}"
        size = int(params.get("size") or params.get("emojiSize") or DEFAULT_SIZES.get(kind, 0))
        if "xml" in params:
            found = _TITLE.search(params["xml"])
            return params["xml"], found.group(1) if found else "", {"key": key, "length": size, "forwarded": True}
        if kind == "text":
            return params["content"], "", {}
        if kind == "image":
            return content.image(sender, key, size), "", {"url": params.get("imgUrl", ""), "key": key, "length": size}
        if kind == "voice":
            media = {"url": params.get("voiceUrl", ""), "key": key, "length": size}
            return content.voice(sender, key, size, int(params.get("voiceDuration", 0))), "", media
        if kind == "video":
            media = {"url": params.get("videoUrl", ""), "thumbUrl": params.get("thumbUrl", ""), "key": key,
                     "length": size}
            return content.video(sender, key, size, int(params.get("videoDuration", 0))), "", media
        if kind == "file":
            name = params.get("fileName", "")
            return content.file(name, key, size), name, {"url": params.get("fileUrl", ""), "key": key, "length": size}
        if kind == "link":
            body = content.link(params["title"], params.get("desc", ""), params["linkUrl"], params.get("thumbUrl", ""))
            return body, params["title"], {"url": params["linkUrl"]}
        if kind == "namecard":
            card = params["nameCardWxid"]
            stranger = card in self.people and to not in self.chatrooms and not self.is_friend(to, card)
            v3 = self.v3(to, card) if stranger else card
            nickname = params.get("nickName") or (self.people[card].nickname if card in self.people else card)
            return content.name_card(card, nickname, v3), nickname, {}
        if kind == "emoji":
            md5 = params.get("emojiMd5", "")
            return content.emoji(sender, to, md5, size), "", {"md5": md5, "length": size}
        if kind == "app":
            return content.app(params["appmsg"]), "", {}
        if kind == "miniapp":
            title = params["title"]
            return content.mini_app(title, params.get("displayName", ""), params.get("userName", ""),
                                    params.get("miniAppId", ""), params.get("pagePath", ""),
                                    params.get("coverImgUrl", "")), title, {"url": params.get("coverImgUrl", "")}
        if kind == "revoke":
            earlier: Message = params["of"]
            nickname = self.people[sender].nickname
            return content.revoke(params["session"], earlier.msg_id, earlier.new_msg_id, nickname), "", {}
        return content.pat(sender, to, params.get("pattedWxid") or to), "", {}

    # --- the other side speaks (world actions) ------------------------------------------------

    def person_sends(self, app_id: str, sender: str, kind: str, params: dict[str, Any]) -> Message:
        """Someone sends the account on ``app_id`` a message, privately or (``chatroomId``) in a group
        both are in; a revoke names the person's earlier message by ``newMsgId``."""
        device = self.devices.get(app_id)
        if device is None or device.wxid is None:
            raise Refused(f"no device {app_id} with an account", 404)
        account = device.wxid
        missing = [name for name in NEEDS.get(kind, ()) if not params.get(name)]
        if missing:
            raise Refused(f"a {kind} message needs {', '.join(missing)}", 400)
        if sender not in self.people:
            raise Refused(f"{sender} is not in gewe.people", 404)
        room_id = params.get("chatroomId") or ""
        if room_id:
            room = self.chatrooms.get(room_id)
            if room is None or sender not in room.members or account not in room.members:
                raise Refused(f"{sender} and {account} are not both in chatroom {room_id!r}", 409)
            ats = [w for w in params.get("ats", []) if w in room.members or w == AT_ALL]
        else:
            if not self.is_friend(account, sender):
                raise Refused(f"{sender} is not a friend of {account}: WeChat would not deliver it", 409)
            ats = []
        to = room_id or account
        if kind == "revoke":
            earlier = self.messages.find(params.get("newMsgId", ""))
            if earlier is None or earlier.sender != sender or earlier.to != to:
                raise Refused(f"{sender} sent no message {params.get('newMsgId')!r} to {to}", 404)
            try:
                self._revoke(earlier)
            except GeweError as error:
                raise Refused(f"{error.data and error.data['msg']}", 409) from None
            return self.messages.last()
        if kind == "pat" and not params.get("pattedWxid"):
            params = {**params, "pattedWxid": account}
        return self.record(sender, to, kind, params, "", ats)

    def conversation(self, filters: dict[str, Any]) -> list[Message]:
        """The log, oldest first, by appId (messages that account sent or received), peer, chatroom,
        MsgType or kind, and time."""
        found = list(self.messages)
        app_id = filters.get("appId")
        if app_id is not None:
            device = self.devices.get(app_id)
            me = device.wxid if device else None
            found = [m for m in found if me is not None and (m.sender == me or m.to == me or self._in_room(me, m.to))]
        peer = filters.get("peer")
        if peer is not None:
            found = [m for m in found if peer in (m.sender, m.to) and m.to not in self.chatrooms]
        for name, attr in (("chatroom", "to"), ("type", "msg_type"), ("kind", "kind")):
            if name in filters:
                found = [m for m in found if getattr(m, attr) == filters[name]]
        since = filters.get("since")
        if since is not None:
            found = [m for m in found if m.created >= since]
        return found

    def _in_room(self, wxid: str, room_id: str) -> bool:
        room = self.chatrooms.get(room_id)
        return room is not None and wxid in room.members
