"""Reading the contact world: search, contact lists, contact cards, chatroom members."""

import hashlib
from typing import Any

from chatsim.vendors.gewe.errors import GeweError
from chatsim.vendors.gewe.model import callbacks
from chatsim.vendors.gewe.model.entities import Chatroom, Contact, Person, Token, pinyin
from chatsim.vendors.gewe.model.state import WorldState

NOT_FOUND = "用户不存在"
LIST_CACHE_SECONDS = 600.0  # "通讯录列表数据缓存10分钟"
# checkRelation's relation codes (the doc's list): 0 正常, 1 删除 (the other side deleted you),
# 3 已拉黑对方, 99 其他; chatsim has no blacklist, so 2 and 3 never occur.
RELATION_NORMAL, RELATION_DELETED, RELATION_OTHER = 0, 1, 99
NOT_FRIEND = "对方不是你的好友"
NOT_IN_ROOM = "你不在该群聊中"
# A card's keys after userName, all null: what getBriefInfo answers for a wxid nobody has.
_NO_CARD: dict[str, None] = dict.fromkeys((
    "nickName", "pyInitial", "quanPin", "sex", "remark", "remarkPyInitial", "remarkQuanPin", "signature", "alias",
    "snsBgImg", "country", "bigHeadImgUrl", "smallHeadImgUrl", "description", "cardImgUrl", "labelList", "province",
    "city", "phoneNumList"))


class ContactRules(WorldState):
    def find(self, info: str) -> Person | None:
        """WeChat search: a WeChat id (alias), a phone number, or the wxid itself."""
        person = self.people.get(info)
        if person is None:
            wxid = self.lookups().handles.get(info)
            person = self.people[wxid] if wxid is not None else None
        return person

    def search(self, token: Token, app_id: str, info: str) -> dict[str, Any]:
        action = "搜索联系人失败"
        me = self.account(token, app_id, action)
        person = self.find(info)
        friend = person is not None and (person.wxid == me or self.is_friend(me, person.wxid))
        if person is None or not (person.searchable or friend):
            raise GeweError(action, "-1", NOT_FOUND)
        v3 = person.wxid if friend else self.v3(me, person.wxid)
        v4 = self.issue_ticket(me, person.wxid, "search")
        return {"v3": v3, "nickName": person.nickname, "sex": person.sex, "signature": person.signature or None,
                "bigHeadImgUrl": person.big_head_img_url, "smallHeadImgUrl": person.small_head_img_url, "v4": v4}

    def fetch_contacts_list(self, token: Token, app_id: str) -> dict[str, list[str]]:
        me = self.account(token, app_id, "获取联系人列表失败")
        self.list_cache[me] = self.now()
        return self._contact_list(me)

    def _contact_list(self, me: str) -> dict[str, list[str]]:
        rooms = [room.id for room in self.chatrooms.values() if me in room.members]
        return {"friends": list(self.contacts_of(me)), "chatrooms": rooms, "ghs": []}

    def fetch_contacts_list_cache(self, token: Token, app_id: str) -> dict[str, list[str]] | None:
        """The list fetchContactsList made, for ten minutes after it (None, no data, before or after:
        the doc's poll-until-answered loop ends at once here, since fetchContactsList never times out)."""
        me = self.account(token, app_id, "获取联系人列表失败")
        fetched = self.list_cache.get(me)
        if fetched is None or self.now() - fetched > LIST_CACHE_SECONDS:
            return None
        return self._contact_list(me)

    def set_friend_remark(self, token: Token, app_id: str, wxid: str, remark: str) -> None:
        _, contact = self.friend(token, app_id, wxid, "设置好友备注失败")
        contact.remark = remark

    def check_relation(self, token: Token, app_id: str, wxids: list[str]) -> list[dict[str, Any]]:
        me = self.account(token, app_id, "检测好友关系失败")
        found = []
        for wxid in wxids:
            if self.is_friend(me, wxid):
                relation = RELATION_NORMAL if self.is_friend(wxid, me) else RELATION_DELETED
            else:
                relation = RELATION_OTHER
            found.append({"wxid": wxid, "relation": relation})
        return found

    def upload_phone_address_list(self, token: Token, app_id: str, phones: list[str], op_type: int) -> None:
        """opType 1 adds the numbers to the account's phone book, 2 removes them."""
        me = self.account(token, app_id, "上传手机通讯录失败")
        book = self.phone_books.setdefault(me, [])
        if op_type == 1:  # sets: a membership test per number, not a scan of the book
            present = set(book)
            book.extend(phone for phone in dict.fromkeys(phones) if phone not in present)
        else:
            gone = set(phones)
            self.phone_books[me] = [phone for phone in book if phone not in gone]

    def phone_address_list(self, token: Token, app_id: str, phones: list[str] | None) -> list[dict[str, Any]]:
        """The WeChat users among the uploaded numbers (or among ``phones``), each with a v4 to add them."""
        me = self.account(token, app_id, "获取手机通讯录失败")
        wanted = phones if phones else self.phone_books.get(me, [])
        found = []
        holders = self.lookups().phones
        for phone in wanted:
            wxid = next((wxid for wxid in holders.get(phone, ()) if wxid != me), None)
            if wxid is None:
                continue
            person = self.people[wxid]
            found.append({"userName": person.wxid, "v4": self.issue_ticket(me, person.wxid, "search"),
                          "nickName": person.nickname, "sex": person.sex,
                          "phoneMd5": hashlib.md5(phone.encode()).hexdigest(), "signature": person.signature,
                          "alias": person.alias, "country": person.country,
                          "bigHeadImgUrl": person.big_head_img_url, "smallHeadImgUrl": person.small_head_img_url,
                          "province": person.province, "city": person.city, "personalCard": 1})
        return found

    def contact_info(self, token: Token, app_id: str, wxids: list[str], detail: bool) -> list[dict[str, Any]]:
        me = self.account(token, app_id, "获取联系人信息失败")
        return [self._card(me, wxid, detail) for wxid in wxids]

    def _card(self, me: str, wxid: str, detail: bool) -> dict[str, Any]:
        """getBriefInfo's card: every key in GeWe's order, null where WeChat tells nothing."""
        room, person = self.chatrooms.get(wxid), self.people.get(wxid)
        if room is None and person is not None:
            contact = self.contacts_of(me).get(wxid)
            remark = contact.remark if contact else ""
            quan_pin, py_initial = pinyin(person.nickname)
            remark_pin, remark_initial = pinyin(remark)
            card: dict[str, Any] = {
                "userName": wxid, "nickName": person.nickname, "pyInitial": py_initial, "quanPin": quan_pin,
                "sex": person.sex, "remark": remark, "remarkPyInitial": remark_initial, "remarkQuanPin": remark_pin,
                "signature": person.signature, "alias": person.alias, "snsBgImg": None, "country": person.country,
                "bigHeadImgUrl": person.big_head_img_url, "smallHeadImgUrl": person.small_head_img_url,
                "description": "", "cardImgUrl": None, "labelList": "", "province": person.province,
                "city": person.city, "phoneNumList": None}
            if detail:
                card["onlyChat"] = contact.only_chat if contact else None
            return card
        card = {"userName": wxid, **_NO_CARD}
        if room is not None:
            quan_pin, py_initial = pinyin(room.name)
            card.update(nickName=room.name, quanPin=quan_pin, pyInitial=py_initial)
        return card

    def member_list(self, token: Token, app_id: str, chatroom_id: str) -> dict[str, Any]:
        action = "获取群成员列表失败"
        me = self.account(token, app_id, action)
        room = self.room_of(me, chatroom_id, action)
        return {"memberList": self.members_of(room), "chatroomOwner": room.owner,
                "adminWxid": list(room.admins) or None}

    def members_of(self, room: Chatroom) -> list[dict[str, Any]]:
        """getChatroomMemberList's (and getChatroomInfo's) memberList."""
        members = []
        for member in room.members.values():
            person = self.people[member.wxid]
            members.append({"wxid": member.wxid, "nickName": person.nickname, "inviterUserName": member.inviter,
                            "memberFlag": 0, "displayName": member.display_name,
                            "bigHeadImgUrl": person.big_head_img_url, "smallHeadImgUrl": person.small_head_img_url})
        return members

    def member_detail(self, token: Token, app_id: str, chatroom_id: str, wxids: list[str]) -> list[dict[str, Any]]:
        """Members' cards as the account sees them (its remark for a friend); non-members are left out."""
        action = "获取群成员详情失败"
        me = self.account(token, app_id, action)
        room = self.room_of(me, chatroom_id, action)
        found = []
        for wxid in wxids:
            member = room.members.get(wxid)
            if member is None:
                continue
            card = self._card(me, wxid, detail=False)
            card.update(chatRoomNotify=1, friendUserName=wxid if self.is_friend(me, wxid) else "",
                        inviterUserName=member.inviter or None, memberFlag=0,
                        phoneNumList=None)
            found.append(card)
        return found

    def room_of(self, me: str, chatroom_id: str, action: str) -> Chatroom:
        room = self.chatrooms.get(chatroom_id)
        if room is None or me not in room.members:
            raise GeweError(action, "-1", NOT_IN_ROOM)
        return room

    def friend(self, token: Token, app_id: str, wxid: str, action: str) -> tuple[str, Contact]:
        """The account and its contact entry for ``wxid``, when that is one of its friends."""
        me = self.account(token, app_id, action)
        contact = self.contacts_of(me).get(wxid)
        if contact is None:
            raise GeweError(action, "-1", NOT_FRIEND)
        return me, contact

    def set_friend_permissions(self, token: Token, app_id: str, wxid: str, only_chat: bool) -> None:
        _, contact = self.friend(token, app_id, wxid, "设置好友权限失败")
        contact.only_chat = only_chat

    def delete_friend(self, token: Token, app_id: str, wxid: str) -> None:
        """One-sided, as in WeChat: the other side keeps the account until they delete it too."""
        me, _ = self.friend(token, app_id, wxid, "删除好友失败")
        del self.contacts[me][wxid]
        self.emit_to(me, lambda app: callbacks.del_contacts(app, me, wxid))
