"""Group chats the account is in: their card, name, its own nickname there, the announcement.

A change every member can see arrives at each member account as an AddMsg MsgType 10000 system
text from the chatroom (你修改群名为“…” for the one who made it, "<nick>"修改群名为“…” for the others),
as in 回调消息详解.
"""

from typing import Any

from chatsim.vendors.gewe.errors import GeweError
from chatsim.vendors.gewe.model import callbacks, content
from chatsim.vendors.gewe.model.entities import Chatroom, Token, pinyin
from chatsim.vendors.gewe.model.media import MediaRules

INFO_FAILED = "获取群信息失败"
RENAME_FAILED = "修改群名称失败"
NICKNAME_FAILED = "修改我在本群的昵称失败"
ANNOUNCE_FAILED = "设置群公告失败"
READ_ANNOUNCE_FAILED = "获取群公告失败"
NOT_MANAGER = "仅群主或管理员可以发布群公告"


class GroupRules(MediaRules):
    def chatroom_info(self, token: Token, app_id: str, chatroom_id: str) -> dict[str, Any]:
        me = self.account(token, app_id, INFO_FAILED)
        room = self.room_of(me, chatroom_id, INFO_FAILED)
        quan_pin, py_initial = pinyin(room.name)
        remark = room.remarks.get(me, "")
        remark_pin, remark_initial = pinyin(remark)
        members = self.members_of(room)
        return {"chatroomId": room.id, "nickName": room.name, "pyInitial": py_initial, "quanPin": quan_pin,
                "sex": 0, "remark": remark or None, "remarkPyInitial": remark_initial or None,
                "remarkQuanPin": remark_pin or None, "chatRoomNotify": 0 if me in room.silenced else 1,
                "chatRoomOwner": room.owner, "smallHeadImgUrl": "", "memberList": members}

    def rename_chatroom(self, token: Token, app_id: str, chatroom_id: str, name: str) -> None:
        """Any member may rename a WeChat group (chatsim keeps no 仅群主可修改 switch)."""
        me = self.account(token, app_id, RENAME_FAILED)
        room = self.room_of(me, chatroom_id, RENAME_FAILED)
        room.name = name
        nickname = self.people[me].nickname
        self.system_text(room, lambda wxid: f"你修改群名为“{name}”" if wxid == me
                         else f"\"{nickname}\"修改群名为“{name}”")

    def set_my_nickname(self, token: Token, app_id: str, chatroom_id: str, nickname: str) -> None:
        me = self.account(token, app_id, NICKNAME_FAILED)
        self.room_of(me, chatroom_id, NICKNAME_FAILED).members[me].display_name = nickname

    def set_announcement(self, token: Token, app_id: str, chatroom_id: str, text: str) -> None:
        me = self.account(token, app_id, ANNOUNCE_FAILED)
        room = self.room_of(me, chatroom_id, ANNOUNCE_FAILED)
        if me != room.owner and me not in room.admins:
            raise GeweError(ANNOUNCE_FAILED, "-1", NOT_MANAGER)
        room.announcement, room.announcement_editor, room.announcement_time = text, me, int(self.now())

    def announcement(self, token: Token, app_id: str, chatroom_id: str) -> dict[str, Any]:
        me = self.account(token, app_id, READ_ANNOUNCE_FAILED)
        room = self.room_of(me, chatroom_id, READ_ANNOUNCE_FAILED)
        return {"announcement": room.announcement, "announcementEditor": room.announcement_editor or None,
                "publishTime": room.announcement_time or None}

    def system_text(self, room: Chatroom, text_for: Any, members: Any = None) -> None:
        """One 10000 system text per member account (of ``members``, default all), worded for that
        member (``text_for`` answers None for one WeChat tells nothing), all one NewMsgId."""
        ids = self.message_ids()
        for wxid in self.online_among(room.members if members is None else members):
            text = text_for(wxid)
            if text is None:
                continue
            self.emit_to(wxid, lambda app, wxid=wxid, text=text: callbacks.add_msg(
                app, wxid, room.id, wxid, 10000, text, ids, content.MSG_SOURCE, None, status=4))
