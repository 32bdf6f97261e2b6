"""Typed world actions per vendor: what a person on the other side does, for tests to call.

Each method is a thin wrapper over one admin operation (``<vendor>.<action>`` in specs/admin.yaml);
the path comes from the server's own spec, so these stay right when a path moves. Actions without a
typed wrapper here are still callable by their operation name, e.g. ``chatsim.gewe.goOffline(...)``.
"""

from typing import Any, Literal

from chatsim.toolkit.handle import VendorHandle


def _given(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


class GeweActions(VendorHandle):
    def send_friend_request(self, app_id: str, from_wxid: str, content: str = "", scene: int | None = None,
                            chatroom_id: str | None = None) -> dict[str, Any]:
        """``from_wxid`` asks the account on ``app_id`` to be friends; its callback gets AddMsg 37.
        Returns ``{"request": ..., "v3": ..., "v4": ...}``."""
        return dict(self.sendFriendRequest(**_given(appId=app_id, fromWxid=from_wxid, content=content, scene=scene,
                                                    chatroomId=chatroom_id)))

    def friend_requests(self, status: str | None = None, wxid: str | None = None) -> list[dict[str, Any]]:
        return list(self.listFriendRequests(**_given(status=status, wxid=wxid))["requests"])

    def decide_friend_request(self, request_id: int, decision: Literal["accept", "reject"]) -> dict[str, Any]:
        """The person the account asked accepts or rejects (the account gets ModContacts on accept)."""
        return dict(self.decideFriendRequest(id=request_id, decision=decision))

    def go_offline(self, app_id: str) -> dict[str, Any]:
        """The device drops offline: GeWe answers 微信已离线 and pushes Offline."""
        return dict(self.goOffline(appId=app_id))

    def send_message(self, app_id: str, from_wxid: str, kind: str = "text", **fields: Any) -> dict[str, Any]:
        """``from_wxid`` sends the account on ``app_id`` a message (``chatroomId=`` for a group); the
        fields are named as the matching post* names them (``content``, ``ats``, ``imgUrl``...)."""
        return dict(self.sendMessage(appId=app_id, fromWxid=from_wxid, type=kind, **fields)["message"])

    def messages(self, **filters: Any) -> list[dict[str, Any]]:
        """The conversation log, oldest first (filters: appId, peer, chatroom, type, kind, since)."""
        return list(self.listMessages(**filters)["messages"])

    def assert_sent(self, to: str, content: str | None = None, kind: str | None = None,
                    sender: str | None = None) -> dict[str, Any]:
        """The latest logged message to ``to`` (a wxid or chatroom) with this content, kind and
        sender; fails listing what was logged to ``to`` instead."""
        logged = [m for m in self.messages() if m["to"] == to]
        for message in reversed(logged):
            if all(want is None or message[key] == want
                   for key, want in (("content", content), ("kind", kind), ("from", sender))):
                return dict(message)
        seen = "\n".join(f"  {m['from']} -> {m['to']} [{m['kind']}] {m['content']!r}" for m in logged) or "  nothing"
        raise AssertionError(f"no message to {to} with content={content!r} kind={kind!r} sender={sender!r}; "
                             f"logged to {to}:\n{seen}")


class DingTalkActions(VendorHandle):
    def chats(self, corp_id: str | None = None) -> list[dict[str, Any]]:
        return list(self.listChats(**_given(corpId=corp_id))["chats"])

    def chat(self, chatid: str) -> dict[str, Any]:
        """One group as chatsim sees it, including the friend switch (``is_prohibit``), which the real
        API has no way to read back."""
        return dict(self.getChat(chatid=chatid))

    def chat_messages(self, chatid: str, **filters: Any) -> list[dict[str, Any]]:
        """What apps sent into the chat through /chat/send, oldest first (filters: msgtype, sender, since)."""
        return list(self.listChatMessages(chatid=chatid, **filters)["messages"])

    def create_robot(self, chatid: str, keywords: list[str] | None = None, secret: str | None = None,
                     ips: list[str] | None = None, name: str | None = None,
                     access_token: str | None = None) -> dict[str, Any]:
        """Add a custom robot to ``chatid`` (at least one of keywords, secret, ips); returns its
        settings, ``access_token`` included (``webhook()`` makes its URL)."""
        return dict(self.createRobot(**_given(chatid=chatid, keywords=keywords, secret=secret, ips=ips, name=name,
                                              access_token=access_token))["robot"])

    def robots(self, chatid: str | None = None) -> list[dict[str, Any]]:
        return list(self.listRobots(**_given(chatid=chatid))["robots"])

    def webhook(self, access_token: str) -> str:
        """The robot's webhook URL in this tenant, as a sender (DingtalkChatbot...) takes it."""
        return f"{self.base_url}/robot/send?access_token={access_token}"

    def robot_messages(self, **filters: Any) -> list[dict[str, Any]]:
        """What robots posted, oldest first (filters: access_token, chatid, msgtype, since)."""
        return list(self.listRobotMessages(**filters)["messages"])

    def assert_robot_sent(self, access_token: str, contains: str | None = None,
                          msgtype: str | None = None) -> dict[str, Any]:
        """The latest message of the robot of that msgtype whose texts (content, title, text, button
        and link titles) contain ``contains``; fails listing what the robot posted instead."""
        logged = self.robot_messages(access_token=access_token)
        for message in reversed(logged):
            if msgtype in (None, message["msgtype"]) and (contains is None or contains in _robot_text(message)):
                return dict(message)
        seen = "\n".join(f"  [{m['msgtype']}] {_robot_text(m)!r}" for m in logged) or "  nothing"
        raise AssertionError(f"robot {access_token[:8]}... posted no {msgtype or 'message'} containing {contains!r}; "
                             f"it posted:\n{seen}")


def _robot_text(message: dict[str, Any]) -> str:
    """A robot message's texts in one line, as a member reads them."""
    body = message.get(message["msgtype"]) or {}
    items = [*(body.get("btns") or ()), *(body.get("links") or ())]
    parts = [body.get(name) for name in ("title", "content", "text", "singleTitle")]
    return " ".join(str(part) for part in [*parts, *(item.get("title") for item in items)] if part)


# Vendors with typed wrappers; every other vendor gets a plain VendorHandle (its actions by operation name).
TYPED_ACTIONS: dict[str, type[VendorHandle]] = {"gewe": GeweActions, "dingtalk": DingTalkActions}
