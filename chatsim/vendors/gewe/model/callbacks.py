"""Callback payloads in GeWe's v1 envelope (TypeName, Appid, Wxid, Data), shaped as the doc samples.

The top-level ``Wxid`` is always sent: one doc sample omits it, but strict consumers (nonebot's
adapter) refuse a payload without it.
"""

from typing import Any, NamedTuple

from chatsim.vendors.gewe.model.entities import Chatroom, Contact, FriendRequest, Person, pinyin
from chatsim.vendors.gewe.model.xmltext import attributes

MSG_SOURCE = "<msgsource>\n\t<bizflag>0</bizflag>\n</msgsource>\n"


class MessageIds(NamedTuple):
    """The numbers every AddMsg carries; NewMsgId is 64-bit and unique per tenant. A NamedTuple
    (a frozen dataclass sets each field through object.__setattr__), made by ``message_ids``:
    every message and every group notice makes one."""

    msg_id: int
    new_msg_id: int
    msg_seq: int
    create_time: int


def message_ids(msg_id: int, new_msg_id: int, msg_seq: int, create_time: int) -> MessageIds:
    """``MessageIds(...)`` made in C: a NamedTuple's own constructor is a Python function around
    ``tuple.__new__`` (0.43 µs against 0.21); tests/gewe/test_callbacks.py holds the two equal."""
    return _TUPLE_NEW(MessageIds, (msg_id, new_msg_id, msg_seq, create_time))


_TUPLE_NEW = tuple.__new__


def envelope(type_name: str, app_id: str, wxid: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"TypeName": type_name, "Appid": app_id, "Wxid": wxid}
    if data is not None:
        payload["Data"] = data
    return payload


def friend_request_xml(sender: Person, request: FriendRequest, v3: str, v4: str, seq: int) -> str:
    quan_pin, py_initial = pinyin(sender.nickname)
    attrs = {
        "fromusername": sender.wxid, "encryptusername": v3, "fromnickname": sender.nickname,
        "content": request.content, "fullpy": quan_pin, "shortpy": py_initial, "imagestatus": "3",
        "scene": str(request.scene), "country": sender.country, "province": sender.province,
        "city": sender.city, "sign": sender.signature, "percard": "1", "sex": str(sender.sex),
        "alias": sender.alias, "weibo": "", "albumflag": "0", "albumstyle": "0", "albumbgimgid": "",
        "snsflag": "1", "snsbgimgid": "", "snsbgobjectid": "0", "mhash": "", "mfullhash": "",
        "bigheadimgurl": sender.big_head_img_url, "smallheadimgurl": sender.small_head_img_url,
        "ticket": v4, "opcode": "2", "googlecontact": "", "qrticket": "", "chatroomusername": request.chatroom,
        "sourceusername": "", "sourcenickname": "", "sharecardusername": "", "sharecardnickname": "",
        "cardversion": "", "extflag": "0",
    }
    return f'<msg {attributes(attrs)}><brandlist count="0" ver="{seq}"></brandlist></msg>'


def friend_request(app_id: str, account: str, sender: Person, request: FriendRequest, v3: str, v4: str,
                   ids: MessageIds) -> dict[str, Any]:
    """AddMsg / MsgType 37 from ``fmessage``: v3 is encryptusername, v4 is ticket."""
    data = {
        "MsgId": ids.msg_id, "FromUserName": {"string": "fmessage"}, "ToUserName": {"string": account},
        "MsgType": 37, "Content": {"string": friend_request_xml(sender, request, v3, v4, ids.msg_seq)},
        "Status": 3, "ImgStatus": 1, "ImgBuf": {"iLen": 0}, "CreateTime": ids.create_time,
        "MsgSource": MSG_SOURCE, "NewMsgId": ids.new_msg_id, "MsgSeq": ids.msg_seq,
    }
    return envelope("AddMsg", app_id, account, data)


def add_msg(app_id: str, account: str, sender: str, receiver: str, msg_type: int, content: str, ids: MessageIds,
            source: str, push: str | None, status: int = 3) -> dict[str, Any]:
    """AddMsg for a chat message (the 回调消息详解 samples): in a group FromUserName is the chatroom and
    the content starts with ``<sender wxid>:\n``, which the caller has added."""
    data: dict[str, Any] = {
        "MsgId": ids.msg_id, "FromUserName": {"string": sender}, "ToUserName": {"string": receiver},
        "MsgType": msg_type, "Content": {"string": content}, "Status": status, "ImgStatus": 2 if msg_type == 3 else 1,
        "ImgBuf": {"iLen": 0}, "CreateTime": ids.create_time, "MsgSource": source,
    }
    if push is not None:
        data["PushContent"] = push
    data.update(NewMsgId=ids.new_msg_id, MsgSeq=ids.msg_seq)
    return envelope("AddMsg", app_id, account, data)


def _text(value: str) -> dict[str, str]:
    return {"string": value} if value else {}


def mod_contacts(app_id: str, account: str, friend: Person, contact: Contact, v3: str) -> dict[str, Any]:
    """ModContacts: the friend's card after a friend was added; EncryptUserName is the v3."""
    remark_pin, remark_initial = pinyin(contact.remark)
    data = {
        "UserName": {"string": friend.wxid}, "NickName": {"string": friend.nickname},
        "PyInitial": {"string": friend.py_initial}, "QuanPin": {"string": friend.quan_pin},
        "Sex": friend.sex, "ImgBuf": {"iLen": 0}, "BitMask": 4294967295, "BitVal": 3, "ImgFlag": 1,
        "Remark": _text(contact.remark), "RemarkPyinitial": _text(remark_initial),
        "RemarkQuanPin": _text(remark_pin), "ContactType": 0, "RoomInfoCount": 0, "DomainList": [{}],
        "ChatRoomNotify": 0, "AddContactScene": contact.scene, "Province": friend.province,
        "City": friend.city, "Signature": friend.signature, "PersonalCard": 0, "HasWeiXinHdHeadImg": 1,
        "VerifyFlag": 0, "Level": 6, "Source": contact.scene, "WeiboFlag": 0, "AlbumStyle": 0, "AlbumFlag": 3,
        "SnsUserInfo": {"SnsFlag": 1, "SnsBgimgId": "", "SnsBgobjectId": 0, "SnsFlagEx": 7297},
        "Country": friend.country, "BigHeadImgUrl": friend.big_head_img_url,
        "SmallHeadImgUrl": friend.small_head_img_url, "CustomizedInfo": {"BrandFlag": 0},
        "EncryptUserName": v3, "AdditionalContactList": {"LinkedinContactItem": {}}, "ChatroomMaxCount": 0,
        "DeleteFlag": 0, "Description": "", "ChatroomStatus": 0, "Extflag": 0, "ChatRoomBusinessType": 0,
    }
    return envelope("ModContacts", app_id, account, data)


def chatroom_contact(app_id: str, account: str, room: Chatroom, people: dict[str, Person],
                     max_count: int) -> dict[str, Any]:
    """ModContacts for a group (UserName ``…@chatroom``), pushed to each member account after the group
    or its member list changed: the card as the account sees it (its own remark and 免打扰) with the
    owner and NewChatroomData's member list, as WeChat's contact sync carries them."""
    quan_pin, py_initial = pinyin(room.name)
    remark = room.remarks.get(account, "")
    remark_pin, remark_initial = pinyin(remark)
    members = [{"UserName": member.wxid, "NickName": people[member.wxid].nickname,
                "DisplayName": member.display_name, "ChatroomMemberFlag": 0} for member in room.members.values()]
    data = {
        "UserName": {"string": room.id}, "NickName": _text(room.name), "PyInitial": _text(py_initial),
        "QuanPin": _text(quan_pin), "Sex": 0, "ImgBuf": {"iLen": 0}, "BitMask": 4294967295, "BitVal": 2,
        "ImgFlag": 1, "Remark": _text(remark), "RemarkPyinitial": _text(remark_initial),
        "RemarkQuanPin": _text(remark_pin), "ContactType": 0, "RoomInfoCount": 0, "DomainList": [{}],
        "ChatRoomNotify": 0 if account in room.silenced else 1, "AddContactScene": 0, "PersonalCard": 0,
        "HasWeiXinHdHeadImg": 0, "VerifyFlag": 0, "Level": 0, "Source": 0, "ChatRoomOwner": room.owner,
        "WeiboFlag": 0, "AlbumStyle": 0, "AlbumFlag": 0, "SnsUserInfo": {"SnsFlag": 0, "SnsBgobjectId": 0},
        "SmallHeadImgUrl": "", "NewChatroomData": {"MemberCount": len(members), "ChatRoomMember": members,
                                                   "InfoMask": 0},
        "ChatroomMaxCount": max_count, "ChatroomAccessType": 0, "ChatroomStatus": 0, "ChatRoomBusinessType": 0,
        "DeleteFlag": 0, "Description": "", "Extflag": 0,
    }
    return envelope("ModContacts", app_id, account, data)


def del_contacts(app_id: str, account: str, wxid: str) -> dict[str, Any]:
    return envelope("DelContacts", app_id, account, {"UserName": {"string": wxid}, "DeleteContactScen": 0})


def offline(app_id: str, account: str) -> dict[str, Any]:
    return envelope("Offline", app_id, account)


def probe(token: str) -> dict[str, str]:
    """What setCallback POSTs to the URL before it answers."""
    return {"testMsg": "回调地址链接成功！", "token": token}
