"""Who is in a group and who runs it: creating one, inviting (directly, or by an invitation link
once the group has more than 40 members), removing, quitting, disbanding, admins and the owner,
the group QR code, and what each member account sets for itself (remark, pin, 免打扰, saved).

WeChat's rules: only friends can be invited or made into a group; a group holds at most 500; the
owner and admins remove members (admins only ordinary ones); only the owner names admins (at most
3), hands the group over or disbands it; a QR code is valid for 7 days, cannot be had in the first
3 days after a device's login and does not let anyone into a group of 200 or more.

Every change reaches the member accounts as WeChat shows it: a 10000 system text worded for each
(你邀请"A"加入了群聊 / "X"邀请你加入了群聊…, 你将"A"移出了群聊 / 你被"X"移出群聊, …) and a
ModContacts of the group with its member list; an account that leaves the group (quits, or the
group is disbanded) gets DelContacts for it.
"""

import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from chatsim.contract import Refused
from chatsim.vendors.gewe.errors import GeweError
from chatsim.vendors.gewe.model import callbacks, content
from chatsim.vendors.gewe.model.contacts import NOT_FRIEND
from chatsim.vendors.gewe.model.entities import Chatroom, Member, RoomLink, Token
from chatsim.vendors.gewe.model.groups import GroupRules

MAX_MEMBERS = 500
DIRECT_INVITE_MAX = 40  # a group of more than this many members takes invitees by invitation link only
MAX_ADMINS = 3
QR_TTL = 7 * 86400.0
QR_MAX_MEMBERS = 200
NEW_DEVICE_SECONDS = 3 * 86400.0  # "在新设备登录后的1-3天内,无法使用本功能"
INVITE_TTL = 3 * 86400.0
MAX_CHATROOMS = 10_000  # groups a world holds: createChatroom past it fails, so the store stays bounded
INVITE_URL = "https://support.weixin.qq.com/cgi-bin/mmsupport-bin/addchatroombyinvite?ticket="
QR_URL = "https://weixin.qq.com/g/"
CHINA = timezone(timedelta(hours=8))

CREATE_FAILED = "创建群聊失败"
INVITE_FAILED = "邀请进群失败"
REMOVE_FAILED = "删除群成员失败"
QUIT_FAILED = "退出群聊失败"
DISBAND_FAILED = "解散群聊失败"
REMARK_FAILED = "修改群备注失败"
ADMIN_FAILED = "管理员操作失败"
PIN_FAILED = "聊天置顶失败"
SILENCE_FAILED = "设置消息免打扰失败"
QR_FAILED = "获取群二维码失败"
AGREE_FAILED = "同意进群失败"
SCAN_FAILED = "扫码进群失败"
SAVE_FAILED = "群保存到通讯录失败"

TOO_FEW = "创建群聊至少需要选择两位好友"
TOO_MANY_ROOMS = "群聊数量已达上限"
FULL = f"群成员已达上限({MAX_MEMBERS}人)"
ALREADY_MEMBER = "已经是群成员"
NOT_MEMBER = "对方不在该群聊中"
NOT_MANAGER = "仅群主或管理员可以移除群成员"
ADMIN_LIMITS = "管理员不能移除群主或其他管理员"
NOT_YOURSELF = "不能移除自己"
OWNER_ONLY_DISBAND = "仅群主可以解散群聊"
OWNER_ONLY_ADMINS = "仅群主可以设置管理员或转让群主"
TOO_MANY_ADMINS = f"群管理员最多{MAX_ADMINS}人"
NOT_ADMIN = "对方不是群管理员"
TRANSFER_ONE = "转让群主只能选择一位群成员"
OPER_TYPES = "operType 1添加群管理 2删除群管理 3转让群主"
SAVE_TYPES = "operType 3保存到通讯录 2从通讯录移除"
NEW_DEVICE = "新设备登录后3天内无法使用此功能"
LINK_INVALID = "邀请链接已失效"
QR_INVALID = "该二维码已失效"
QR_TOO_BIG = f"该群聊人数已达{QR_MAX_MEMBERS}人，需群成员邀请才能加入"

_TICKET = re.compile(r"^(?:" + re.escape(INVITE_URL) + r"|" + re.escape(QR_URL) + r")[A-Za-z0-9_-]+$")


def _quoted(names: Iterable[str]) -> str:
    return "\"" + "、".join(names) + "\""


class MembershipRules(GroupRules):
    # --- creating and joining -----------------------------------------------------------------

    def create_chatroom(self, token: Token, app_id: str, wxids: list[str]) -> dict[str, str]:
        """A new, unnamed group of the account (its owner) and at least two of its friends."""
        me = self.account(token, app_id, CREATE_FAILED)
        others = [wxid for wxid in dict.fromkeys(wxids) if wxid != me]
        if len(others) < 2:
            raise GeweError(CREATE_FAILED, "-1", TOO_FEW)
        self._friends_only(me, others, CREATE_FAILED)
        if len(others) + 1 > MAX_MEMBERS:
            raise GeweError(CREATE_FAILED, "-1", FULL)
        if len(self.chatrooms) >= MAX_CHATROOMS:
            raise GeweError(CREATE_FAILED, "-1", TOO_MANY_ROOMS)
        room_id = self._new_room_id()
        room = self.chatrooms[room_id] = Chatroom(room_id, "", me)
        room.members[me] = Member(me)
        self._join(room, me, others)
        return {"headImgBase64": content.jpeg_base64(room_id), "chatroomId": room_id}

    def invite_member(self, token: Token, app_id: str, chatroom_id: str, wxids: str, reason: str) -> None:
        """Friends into the group: added at once while it has at most 40 members, otherwise each gets
        an invitation link from the account (a 49 appmsg) that agreeJoinRoom accepts."""
        me = self.account(token, app_id, INVITE_FAILED)
        room = self.room_of(me, chatroom_id, INVITE_FAILED)
        invitees = [wxid for wxid in dict.fromkeys(wxids.split(",")) if wxid]
        if not invitees:
            raise GeweError(INVITE_FAILED, "-1", "wxids 不可为空")
        if any(wxid in room.members for wxid in invitees):
            raise GeweError(INVITE_FAILED, "-1", ALREADY_MEMBER)
        self._friends_only(me, invitees, INVITE_FAILED)
        if len(room.members) + len(invitees) > MAX_MEMBERS:
            raise GeweError(INVITE_FAILED, "-1", FULL)
        if len(room.members) <= DIRECT_INVITE_MAX:
            self._join(room, me, invitees)
            return
        for wxid in invitees:
            self._send_invitation(room, me, wxid, app_id, reason)

    def agree_join_room(self, token: Token, app_id: str, url: str) -> None:
        """The account taps the invitation link it was sent: it joins, unless the link expired,
        was used, was for someone else, or the group is gone or full."""
        me = self.account(token, app_id, AGREE_FAILED)
        link = self._link(url, "invite", AGREE_FAILED, LINK_INVALID)
        if link.invitee != me:
            raise GeweError(AGREE_FAILED, "-1", LINK_INVALID)
        room = self._open_room(link, me, AGREE_FAILED)
        link.used = True
        self._join(room, link.sharer, [me])

    def chatroom_qr_code(self, token: Token, app_id: str, chatroom_id: str) -> dict[str, str]:
        """The group's QR code, 7 days valid, refused in a device's first three days (WeChat's rule)."""
        device = self.device(token, app_id, QR_FAILED)
        me = device.wxid
        assert me is not None
        room = self.room_of(me, chatroom_id, QR_FAILED)
        if device.online_since is None or self.now() - device.online_since < NEW_DEVICE_SECONDS:
            raise GeweError(QR_FAILED, "-1", NEW_DEVICE)
        url = QR_URL + self.ctx.ids.base36(40)
        expires = self.now() + QR_TTL
        self._keep(RoomLink(url, "qr", room.id, me, expires))
        until = datetime.fromtimestamp(expires, CHINA)
        return {"qrBase64": content.jpeg_base64(url, comment=url),
                "qrTips": f"该二维码7天内({until.month}月{until.day}日前)有效，重新进入将更新"}

    def join_room_using_qr_code(self, token: Token, app_id: str, qr_url: str) -> dict[str, Any]:
        """The account scans a group QR code (the URL it encodes, as getChatroomQrCode's sharer has it)."""
        me = self.account(token, app_id, SCAN_FAILED)
        link = self._link(qr_url, "qr", SCAN_FAILED, QR_INVALID)
        room = self._open_room(link, me, SCAN_FAILED, QR_MAX_MEMBERS, QR_TOO_BIG)
        self._join(room, link.sharer, [me], by_qr=True)
        return {"chatroomName": room.name, "html": None, "chatroomId": room.id}

    def person_invites(self, app_id: str, sender: str, chatroom_id: str, reason: str) -> RoomLink:
        """World action: a member of a group sends the account an invitation link to it."""
        device = self.devices.get(app_id)
        if device is None or device.wxid is None:
            raise Refused(f"no device {app_id} with an account", 404)
        account = device.wxid
        room = self.chatrooms.get(chatroom_id)
        if room is None or sender not in room.members:
            raise Refused(f"{sender} is not in chatroom {chatroom_id!r}", 404)
        if account in room.members:
            raise Refused(f"{account} is in {chatroom_id} already", 409)
        if not self.is_friend(sender, account):
            raise Refused(f"{sender} is not a friend of {account}: WeChat invites friends only", 409)
        return self._send_invitation(room, sender, account, "", reason)

    # --- leaving --------------------------------------------------------------------------------

    def remove_members(self, token: Token, app_id: str, chatroom_id: str, wxids: str) -> None:
        me = self.account(token, app_id, REMOVE_FAILED)
        room = self.room_of(me, chatroom_id, REMOVE_FAILED)
        if me != room.owner and me not in room.admins:
            raise GeweError(REMOVE_FAILED, "-1", NOT_MANAGER)
        removed = [wxid for wxid in dict.fromkeys(wxids.split(",")) if wxid]
        if not removed or any(wxid not in room.members for wxid in removed):
            raise GeweError(REMOVE_FAILED, "-1", NOT_MEMBER)
        if me in removed:
            raise GeweError(REMOVE_FAILED, "-1", NOT_YOURSELF)
        if me != room.owner and any(wxid == room.owner or wxid in room.admins for wxid in removed):
            raise GeweError(REMOVE_FAILED, "-1", ADMIN_LIMITS)
        nickname = self.people[me].nickname
        names = _quoted(self.people[wxid].nickname for wxid in removed)
        self.system_text(room, lambda wxid: f"你将{names}移出了群聊" if wxid == me
                         else f"你被\"{nickname}\"移出群聊" if wxid in removed else None)
        for wxid in removed:
            self._leave(room, wxid)
        self.room_changed(room, removed)

    def quit_chatroom(self, token: Token, app_id: str, chatroom_id: str) -> None:
        """WeChat tells no one; an owner who quits hands the group to the first admin, else to the
        member who joined earliest (who is told 你已成为新群主); the last member's group is gone."""
        me = self.account(token, app_id, QUIT_FAILED)
        room = self.room_of(me, chatroom_id, QUIT_FAILED)
        self._leave(room, me)
        self.emit_to(me, lambda app: callbacks.del_contacts(app, me, room.id))
        if not room.members:
            self._forget(room)
            return
        if room.owner == me:
            heir = room.admins[0] if room.admins else next(iter(room.members))
            self._hand_over(room, heir)
        self.room_changed(room)

    def disband_chatroom(self, token: Token, app_id: str, chatroom_id: str) -> None:
        me = self.account(token, app_id, DISBAND_FAILED)
        room = self.room_of(me, chatroom_id, DISBAND_FAILED)
        if me != room.owner:
            raise GeweError(DISBAND_FAILED, "-1", OWNER_ONLY_DISBAND)
        nickname = self.people[me].nickname
        self.system_text(room, lambda wxid: "你已解散该群聊" if wxid == me else f"群主\"{nickname}\"已解散该群聊")
        for wxid in self.online_among(room.members):
            self.emit_to(wxid, lambda app, wxid=wxid: callbacks.del_contacts(app, wxid, room.id))
        self._forget(room)

    # --- who runs it ----------------------------------------------------------------------------

    def admin_operate(self, token: Token, app_id: str, chatroom_id: str, wxids: list[str], oper_type: int) -> None:
        """operType 1 adds admins, 2 removes them, 3 hands the group to one member: the owner's alone."""
        me = self.account(token, app_id, ADMIN_FAILED)
        room = self.room_of(me, chatroom_id, ADMIN_FAILED)
        if oper_type not in (1, 2, 3):
            raise GeweError(ADMIN_FAILED, "-1", OPER_TYPES)
        if me != room.owner:
            raise GeweError(ADMIN_FAILED, "-1", OWNER_ONLY_ADMINS)
        targets = [wxid for wxid in dict.fromkeys(wxids) if wxid]
        if not targets or any(wxid not in room.members or wxid == me for wxid in targets):
            raise GeweError(ADMIN_FAILED, "-1", NOT_MEMBER)
        if oper_type == 1:
            added = [wxid for wxid in targets if wxid not in room.admins]
            if not added:  # admins already: nothing changes, so nobody is told
                return
            if len(room.admins) + len(added) > MAX_ADMINS:
                raise GeweError(ADMIN_FAILED, "-1", TOO_MANY_ADMINS)
            room.admins.extend(added)
            names = _quoted(self.people[wxid].nickname for wxid in added)
            self.system_text(room, lambda wxid: "你已成为群管理员" if wxid in added
                             else f"你已将{names}设为群管理员" if wxid == me else None)
        elif oper_type == 2:
            if any(wxid not in room.admins for wxid in targets):
                raise GeweError(ADMIN_FAILED, "-1", NOT_ADMIN)
            room.admins = [wxid for wxid in room.admins if wxid not in targets]
        else:
            if len(targets) != 1:
                raise GeweError(ADMIN_FAILED, "-1", TRANSFER_ONE)
            self._hand_over(room, targets[0])
        self.room_changed(room)

    # --- the account's own settings --------------------------------------------------------------

    def set_chatroom_remark(self, token: Token, app_id: str, chatroom_id: str, remark: str) -> None:
        """A remark only the account sees (getChatroomInfo's remark): its own ModContacts shows it."""
        me = self.account(token, app_id, REMARK_FAILED)
        room = self.room_of(me, chatroom_id, REMARK_FAILED)
        if remark:
            room.remarks[me] = remark
        else:
            room.remarks.pop(me, None)
        self._card_to(room, me)

    def pin_chat(self, token: Token, app_id: str, chatroom_id: str, top: bool) -> None:
        me = self.account(token, app_id, PIN_FAILED)
        self._flag(self.room_of(me, chatroom_id, PIN_FAILED).pinned, me, top)

    def set_msg_silence(self, token: Token, app_id: str, chatroom_id: str, silence: bool) -> None:
        """免打扰: getChatroomInfo's chatRoomNotify becomes 0 (messages still arrive, as in WeChat)."""
        me = self.account(token, app_id, SILENCE_FAILED)
        room = self.room_of(me, chatroom_id, SILENCE_FAILED)
        self._flag(room.silenced, me, silence)
        self._card_to(room, me)

    def save_contract_list(self, token: Token, app_id: str, chatroom_id: str, oper_type: int) -> None:
        me = self.account(token, app_id, SAVE_FAILED)
        room = self.room_of(me, chatroom_id, SAVE_FAILED)
        if oper_type not in (2, 3):
            raise GeweError(SAVE_FAILED, "-1", SAVE_TYPES)
        self._flag(room.saved, me, oper_type == 3)

    # --- shared steps ---------------------------------------------------------------------------

    def room_changed(self, room: Chatroom, also: Iterable[str] = ()) -> None:
        """ModContacts of the group to every member account, and to ``also`` (just removed)."""
        for wxid in self.online_among([*room.members, *also]):
            self._card_to(room, wxid)

    def _card_to(self, room: Chatroom, wxid: str) -> None:
        self.emit_to(wxid, lambda app: callbacks.chatroom_contact(app, wxid, room, self.people, MAX_MEMBERS))

    def _join(self, room: Chatroom, inviter: str, joined: list[str], by_qr: bool = False) -> None:
        """``joined`` become members; every member account is told in its own words."""
        for wxid in joined:
            room.members[wxid] = Member(wxid, inviter=inviter)
        nick = {wxid: self.people[wxid].nickname for wxid in room.members}
        names = _quoted(nick[wxid] for wxid in joined)
        sharer = self.people[inviter].nickname  # who may have left the group since

        def text_for(wxid: str) -> str:
            if by_qr:
                if wxid in joined:
                    return f"你通过扫描\"{sharer}\"分享的二维码加入群聊"
                if wxid == inviter:
                    return f"{names}通过扫描你分享的二维码加入群聊"
                return f"{names}通过扫描\"{sharer}\"分享的二维码加入群聊"
            if wxid == inviter:
                return f"你邀请{names}加入了群聊"
            if wxid in joined:
                others = "、".join(nick[w] for w in room.members if w not in (wxid, inviter))
                return f"\"{sharer}\"邀请你加入了群聊，群聊参与人还有：{others}" if others \
                    else f"\"{sharer}\"邀请你加入了群聊"
            return f"\"{sharer}\"邀请{names}加入了群聊"

        self.system_text(room, text_for)
        self.room_changed(room)

    def _leave(self, room: Chatroom, wxid: str) -> None:
        del room.members[wxid]
        room.admins = [admin for admin in room.admins if admin != wxid]
        for own in (room.pinned, room.silenced, room.saved):
            if wxid in own:
                own.remove(wxid)
        room.remarks.pop(wxid, None)

    def _hand_over(self, room: Chatroom, heir: str) -> None:
        room.owner = heir
        room.admins = [admin for admin in room.admins if admin != heir]
        nickname = self.people[heir].nickname
        self.system_text(room, lambda wxid: "你已成为新群主" if wxid == heir else f"\"{nickname}\"已成为新群主")

    def _forget(self, room: Chatroom) -> None:
        """The group no longer exists: it and every way into it go."""
        del self.chatrooms[room.id]
        for url in [url for url, link in self.room_links.items() if link.chatroom == room.id]:
            del self.room_links[url]

    def _send_invitation(self, room: Chatroom, inviter: str, invitee: str, app_id: str, reason: str) -> RoomLink:
        """The link WeChat sends for a big group: a private 49 appmsg (type 5) from the inviter; a
        person who is not an account of ours and accepts requests at once taps it at once."""
        url = INVITE_URL + self.ctx.ids.base36(32)
        link = RoomLink(url, "invite", room.id, inviter, self.now() + INVITE_TTL, invitee)
        self._keep(link)
        nickname = self.people[inviter].nickname
        des = f"\"{nickname}\"邀请你加入群聊\"{room.name}\"，进入可查看详情。"
        if reason:
            des += reason
        self.record(inviter, invitee, "link", {"title": "邀请你加入群聊", "desc": des, "linkUrl": url}, app_id, [])
        person = self.people[invitee]
        if not self.is_account(invitee) and person.on_request == "accept" and not person.accept_after:
            link.used = True
            self._join(room, inviter, [invitee])
        return link

    def _link(self, url: str, kind: str, action: str, invalid: str) -> RoomLink:
        link = self.room_links.get(url) if _TICKET.match(url) else None
        if link is None or link.kind != kind or link.used or self.now() >= link.expires_at:
            raise GeweError(action, "-1", invalid)
        return link

    def _open_room(self, link: RoomLink, me: str, action: str, limit: int = MAX_MEMBERS,
                   full: str = FULL) -> Chatroom:
        """The group a link opens for ``me``, while it exists, ``me`` is not in it and it has room
        (a QR code lets no one into a group of 200 or more)."""
        room = self.chatrooms.get(link.chatroom)
        if room is None:
            raise GeweError(action, "-1", LINK_INVALID)
        if me in room.members:
            raise GeweError(action, "-1", ALREADY_MEMBER)
        if len(room.members) >= limit:
            raise GeweError(action, "-1", full)
        return room

    def _keep(self, link: RoomLink) -> None:
        """Links are bounded like v4 tickets: past the limit the oldest no longer opens anything."""
        links = self.room_links
        links.put(link.url, link)
        while len(links) > self.settings.max_tickets:
            links.pop_oldest()

    def _friends_only(self, me: str, wxids: list[str], action: str) -> None:
        stranger = next((wxid for wxid in wxids if not self.is_friend(me, wxid)), None)
        if stranger is not None:
            raise GeweError(action, "-1", f"{NOT_FRIEND}：{stranger}")

    def _new_room_id(self) -> str:
        room_id = f"{self.ctx.ids.randint(10**10, 10**11 - 1)}@chatroom"
        while room_id in self.chatrooms:
            room_id = f"{self.ctx.ids.randint(10**10, 10**11 - 1)}@chatroom"
        return room_id

    @staticmethod
    def _flag(accounts: list[str], wxid: str, on: bool) -> None:
        if on and wxid not in accounts:
            accounts.append(wxid)
        elif not on and wxid in accounts:
            accounts.remove(wxid)
