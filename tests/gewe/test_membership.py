"""Group membership and who runs a group: create, invite (directly, or by a link above 40 members),
remove, quit, disband, admins and the owner, QR codes, and each account's own settings; every rule's
failure, and what the other account of the tenant sees (10000 texts, ModContacts, DelContacts)."""

import base64
from pathlib import Path

import pytest

from bench.cases import qr_url
from tests.gewe.support import (
    APP,
    ME,
    OTHER,
    OTHER_APP,
    OTHER_TOKEN,
    ROOM,
    WORLD,
    advance,
    callback_problems,
    callbacks,
    gewe,
    ok,
    state,
)

BIG, FULL_ROOM = "55555555555@chatroom", "66666666666@chatroom"


def texts(found: list[dict]) -> list[str]:
    return [c["payload"]["Data"]["Content"]["string"] for c in found]


async def system_texts(gw, app):
    return texts(await callbacks(gw, typeName="AddMsg", appId=app, msgType=10000))


async def room_cards(gw, app, room):
    found = await callbacks(gw, typeName="ModContacts", appId=app)
    cards = [c["payload"] for c in found if c["payload"]["Data"]["UserName"]["string"] == room]
    assert all(callback_problems(card) == [] for card in cards)
    return cards


async def members(gw, room, app=APP, token=None):
    data = await ok(gw, "group/getChatroomMemberList", {"appId": app, "chatroomId": room},
                    *([token] if token else []))
    return [m["wxid"] for m in data["memberList"]]


def failure(action, detail):
    return {"ret": 500, "msg": action, "data": {"code": "-1", "msg": detail}}


@pytest.fixture
async def big(sim_factory, tmp_path: Path):
    """The test world plus a group of 41 (invitations go by link) and a full one of 500, both ME's."""
    people = [f"wxid_big{n:03}" for n in range(1, 500)]
    lines = ["chatsim: 1", "name: big-groups", "gewe:", "  people:"]
    lines += [f"    - {{wxid: {wxid}, nickname: 成员{wxid[-3:]}}}" for wxid in people]
    lines += ["  chatrooms:",
              f"    - {{chatroomId: '{BIG}', name: 大群, owner: {ME}, members: [{', '.join(people[:40])}]}}",
              f"    - {{chatroomId: '{FULL_ROOM}', name: 满群, owner: {ME}, members: [{', '.join(people)}]}}"]
    extra = tmp_path / "big.yaml"
    extra.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return await sim_factory([WORLD, extra])


async def befriend_other(gw):
    """wxid_other asks ME to be friends and ME accepts (addContacts option 3)."""
    resp = await gw.post("/_chatsim/tenants/default/gewe/friend-requests",
                         json={"appId": APP, "fromWxid": OTHER, "content": "hi", "scene": 6})
    asked = await resp.json()
    await ok(gw, "contacts/addContacts", {"appId": APP, "scene": 6, "option": 3, "v3": asked["v3"],
                                          "v4": asked["v4"], "content": ""})


async def test_create_a_group_of_friends(gw):
    data = await ok(gw, "group/createChatroom", {"appId": APP, "wxids": ["wxid_pal1", "wxid_pal2"]})
    room = data["chatroomId"]
    assert room.endswith("@chatroom") and base64.b64decode(data["headImgBase64"])[:2] == b"\xff\xd8"
    assert await members(gw, room) == [ME, "wxid_pal1", "wxid_pal2"]
    info = await ok(gw, "group/getChatroomInfo", {"appId": APP, "chatroomId": room})
    assert info["chatRoomOwner"] == ME and info["nickName"] == ""
    assert room in (await ok(gw, "contacts/fetchContactsList", {"appId": APP}))["chatrooms"]
    assert "你邀请\"阿甲、阿乙\"加入了群聊" in await system_texts(gw, APP)
    [card] = await room_cards(gw, APP, room)
    assert card["Data"]["ChatRoomOwner"] == ME and card["Data"]["NewChatroomData"]["MemberCount"] == 3


async def test_create_needs_two_friends(gw):
    body = {"appId": APP, "wxids": ["wxid_pal1"]}
    assert await gewe(gw, "group/createChatroom", body) == failure("创建群聊失败", "创建群聊至少需要选择两位好友")
    body["wxids"] = ["wxid_pal1", "wxid_lilei"]
    assert await gewe(gw, "group/createChatroom", body) == failure("创建群聊失败", "对方不是你的好友：wxid_lilei")


async def test_invite_adds_friends_and_every_member_account_is_told(gw):
    await ok(gw, "group/inviteMember", {"appId": APP, "chatroomId": ROOM, "wxids": "wxid_pal1,wxid_pal2",
                                        "reason": ""})
    assert {"wxid_pal1", "wxid_pal2"} <= set(await members(gw, ROOM))
    assert "你邀请\"阿甲、阿乙\"加入了群聊" in await system_texts(gw, APP)
    assert "\"朝夕。\"邀请\"阿甲、阿乙\"加入了群聊" in await system_texts(gw, OTHER_APP)
    [card] = await room_cards(gw, OTHER_APP, ROOM)
    assert {"wxid_pal1", "wxid_pal2"} <= {m["UserName"] for m in card["Data"]["NewChatroomData"]["ChatRoomMember"]}
    detail = await ok(gw, "group/getChatroomMemberDetail", {"appId": APP, "chatroomId": ROOM,
                                                            "memberWxids": ["wxid_pal1"]})
    assert detail[0]["inviterUserName"] == ME and detail[0]["friendUserName"] == "wxid_pal1"


async def test_invite_refusals(gw):
    body = {"appId": APP, "chatroomId": ROOM, "reason": ""}
    assert await gewe(gw, "group/inviteMember", {**body, "wxids": OTHER}) == failure("邀请进群失败", "已经是群成员")
    assert await gewe(gw, "group/inviteMember", {**body, "wxids": "wxid_lilei"}) == failure(
        "邀请进群失败", "对方不是你的好友：wxid_lilei")
    assert await gewe(gw, "group/inviteMember", {**body, "chatroomId": "99999999999@chatroom",
                                                 "wxids": "wxid_pal1"}) == failure("邀请进群失败", "你不在该群聊中")


async def test_a_big_group_takes_an_account_by_invitation_link(big):
    await befriend_other(big)
    await ok(big, "group/inviteMember", {"appId": APP, "chatroomId": BIG, "wxids": OTHER, "reason": "来吧"})
    assert OTHER not in await members(big, BIG)
    [invite] = [c["payload"] for c in await callbacks(big, typeName="AddMsg", appId=OTHER_APP, msgType=49)]
    assert callback_problems(invite) == [] and invite["Data"]["FromUserName"] == {"string": ME}
    body = invite["Data"]["Content"]["string"]
    assert "<title>邀请你加入群聊</title>" in body and "\"朝夕。\"邀请你加入群聊\"大群\"" in body
    url = body.split("<url>")[1].split("</url>")[0]
    assert url == next(link["url"] for link in (await state(big))["room_links"] if link["invitee"] == OTHER)
    assert await gewe(big, "group/agreeJoinRoom", {"appId": APP, "url": url}) == failure(
        "同意进群失败", "邀请链接已失效"), "the link is the invitee's"
    await ok(big, "group/agreeJoinRoom", {"appId": OTHER_APP, "url": url}, OTHER_TOKEN)
    assert OTHER in await members(big, BIG)
    assert "你邀请\"另一个号\"加入了群聊" in await system_texts(big, APP)
    welcome = "\"朝夕。\"邀请你加入了群聊，群聊参与人还有：成员001"
    assert any(t.startswith(welcome) for t in await system_texts(big, OTHER_APP))
    again = await gewe(big, "group/agreeJoinRoom", {"appId": OTHER_APP, "url": url}, OTHER_TOKEN)
    assert again == failure("同意进群失败", "邀请链接已失效")


async def test_an_invitation_link_expires(big):
    await befriend_other(big)
    await ok(big, "group/inviteMember", {"appId": APP, "chatroomId": BIG, "wxids": OTHER, "reason": ""})
    [link] = (await state(big))["room_links"]
    await advance(big, 3 * 86400)
    answer = await gewe(big, "group/agreeJoinRoom", {"appId": OTHER_APP, "url": link["url"]}, OTHER_TOKEN)
    assert answer == failure("同意进群失败", "邀请链接已失效")


async def test_a_person_who_accepts_taps_the_link_at_once_and_the_group_holds_500(big):
    await ok(big, "group/inviteMember", {"appId": APP, "chatroomId": BIG, "wxids": "wxid_pal1", "reason": ""})
    assert "wxid_pal1" in await members(big, BIG)
    full = await gewe(big, "group/inviteMember", {"appId": APP, "chatroomId": FULL_ROOM, "wxids": "wxid_pal1",
                                                  "reason": ""})
    assert full == failure("邀请进群失败", "群成员已达上限(500人)")


async def test_a_person_sends_the_account_an_invitation_link(gw):
    await ok(gw, "group/quitChatroom", {"appId": OTHER_APP, "chatroomId": ROOM}, OTHER_TOKEN)
    resp = await gw.post("/_chatsim/tenants/default/gewe/room-invitations",
                         json={"appId": OTHER_APP, "fromWxid": "wxid_pal1", "chatroomId": ROOM})
    assert resp.status == 404, "阿甲 is not in the group"
    await ok(gw, "group/inviteMember", {"appId": APP, "chatroomId": ROOM, "wxids": "wxid_pal1", "reason": ""})
    resp = await gw.post("/_chatsim/tenants/default/gewe/room-invitations",
                         json={"appId": OTHER_APP, "fromWxid": "wxid_pal1", "chatroomId": ROOM})
    link = await resp.json()
    assert resp.status == 200, link
    await ok(gw, "group/agreeJoinRoom", {"appId": OTHER_APP, "url": link["url"]}, OTHER_TOKEN)
    assert OTHER in await members(gw, ROOM)


async def test_the_owner_removes_and_the_removed_account_is_told(gw):
    await ok(gw, "group/removeMember", {"appId": APP, "chatroomId": ROOM, "wxids": OTHER})
    assert OTHER not in await members(gw, ROOM)
    assert "你将\"另一个号\"移出了群聊" in await system_texts(gw, APP)
    assert "你被\"朝夕。\"移出群聊" in await system_texts(gw, OTHER_APP)
    [card] = await room_cards(gw, OTHER_APP, ROOM)
    assert OTHER not in {m["UserName"] for m in card["Data"]["NewChatroomData"]["ChatRoomMember"]}
    gone = await gewe(gw, "group/getChatroomInfo", {"appId": OTHER_APP, "chatroomId": ROOM}, OTHER_TOKEN)
    assert gone == failure("获取群信息失败", "你不在该群聊中")
    answer = await gewe(gw, "group/removeMember", {"appId": APP, "chatroomId": ROOM, "wxids": OTHER})
    assert answer == failure("删除群成员失败", "对方不在该群聊中")


async def test_who_may_remove_whom(gw):
    body = {"chatroomId": ROOM}
    plain = await gewe(gw, "group/removeMember", {**body, "appId": OTHER_APP, "wxids": "wxid_member"}, OTHER_TOKEN)
    assert plain == failure("删除群成员失败", "仅群主或管理员可以移除群成员")
    assert await gewe(gw, "group/removeMember", {**body, "appId": APP, "wxids": ME}) == failure(
        "删除群成员失败", "不能移除自己")
    await ok(gw, "group/adminOperate", {**body, "appId": APP, "wxids": [OTHER], "operType": 1})
    assert "你已成为群管理员" in await system_texts(gw, OTHER_APP)
    for target in (ME, "wxid_friend"):
        refused = await gewe(gw, "group/removeMember", {**body, "appId": OTHER_APP, "wxids": target}, OTHER_TOKEN)
        assert refused == failure("删除群成员失败", "管理员不能移除群主或其他管理员")
    await ok(gw, "group/removeMember", {**body, "appId": OTHER_APP, "wxids": "wxid_member"}, OTHER_TOKEN)
    assert "你被\"另一个号\"移出群聊" not in await system_texts(gw, APP)


async def test_admins_are_the_owners_to_name(gw):
    body = {"appId": APP, "chatroomId": ROOM}
    listed = await ok(gw, "group/getChatroomMemberList", body)
    assert listed["adminWxid"] == ["wxid_friend"]
    await ok(gw, "group/adminOperate", {**body, "wxids": ["wxid_member", OTHER], "operType": 1})
    assert (await ok(gw, "group/getChatroomMemberList", body))["adminWxid"] == ["wxid_friend", "wxid_member", OTHER]
    told = len(await callbacks(gw))
    await ok(gw, "group/adminOperate", {**body, "wxids": [OTHER], "operType": 1})  # one already: nothing changes
    assert len(await callbacks(gw)) == told
    assert await gewe(gw, "group/adminOperate", {**body, "wxids": ["wxid_private"], "operType": 1}) == failure(
        "管理员操作失败", "群管理员最多3人")
    await ok(gw, "group/adminOperate", {**body, "wxids": ["wxid_member"], "operType": 2})
    assert await gewe(gw, "group/adminOperate", {**body, "wxids": ["wxid_private"], "operType": 2}) == failure(
        "管理员操作失败", "对方不是群管理员")
    not_owner = await gewe(gw, "group/adminOperate", {"appId": OTHER_APP, "chatroomId": ROOM, "wxids": ["wxid_private"],
                                                      "operType": 1}, OTHER_TOKEN)
    assert not_owner == failure("管理员操作失败", "仅群主可以设置管理员或转让群主")
    assert await gewe(gw, "group/adminOperate", {**body, "wxids": ["wxid_lilei"], "operType": 1}) == failure(
        "管理员操作失败", "对方不在该群聊中")
    assert await gewe(gw, "group/adminOperate", {**body, "wxids": [OTHER], "operType": 4}) == failure(
        "管理员操作失败", "operType 1添加群管理 2删除群管理 3转让群主")


async def test_transfer_then_only_the_new_owner_disbands(gw):
    body = {"appId": APP, "chatroomId": ROOM}
    assert await gewe(gw, "group/adminOperate", {**body, "wxids": [OTHER, "wxid_member"], "operType": 3}) == failure(
        "管理员操作失败", "转让群主只能选择一位群成员")
    await ok(gw, "group/adminOperate", {**body, "wxids": [OTHER], "operType": 3})
    assert "你已成为新群主" in await system_texts(gw, OTHER_APP)
    assert "\"另一个号\"已成为新群主" in await system_texts(gw, APP)
    assert (await ok(gw, "group/getChatroomInfo", body))["chatRoomOwner"] == OTHER
    assert await gewe(gw, "group/disbandChatroom", body) == failure("解散群聊失败", "仅群主可以解散群聊")
    await ok(gw, "group/disbandChatroom", {"appId": OTHER_APP, "chatroomId": ROOM}, OTHER_TOKEN)
    assert "群主\"另一个号\"已解散该群聊" in await system_texts(gw, APP)
    assert "你已解散该群聊" in await system_texts(gw, OTHER_APP)
    for app in (APP, OTHER_APP):
        [deleted] = await callbacks(gw, typeName="DelContacts", appId=app)
        assert deleted["payload"]["Data"]["UserName"] == {"string": ROOM}
        assert callback_problems(deleted["payload"]) == []
    assert ROOM not in (await ok(gw, "contacts/fetchContactsList", body))["chatrooms"]
    assert await gewe(gw, "group/getChatroomInfo", body) == failure("获取群信息失败", "你不在该群聊中")


async def test_quitting_tells_no_one_and_an_owner_hands_over(gw):
    await ok(gw, "group/quitChatroom", {"appId": OTHER_APP, "chatroomId": ROOM}, OTHER_TOKEN)
    [deleted] = await callbacks(gw, typeName="DelContacts", appId=OTHER_APP)
    assert deleted["payload"]["Data"]["UserName"] == {"string": ROOM}
    assert await system_texts(gw, APP) == [] and OTHER not in await members(gw, ROOM)
    [card] = await room_cards(gw, APP, ROOM)
    assert OTHER not in {m["UserName"] for m in card["Data"]["NewChatroomData"]["ChatRoomMember"]}
    await ok(gw, "group/quitChatroom", {"appId": APP, "chatroomId": ROOM})
    room = next(r for r in (await state(gw))["chatrooms"] if r["id"] == ROOM)
    assert room["owner"] == "wxid_friend" and ME not in room["members"], "the admin inherits the group"
    answer = await gewe(gw, "group/quitChatroom", {"appId": APP, "chatroomId": ROOM})
    assert answer == failure("退出群聊失败", "你不在该群聊中")


async def test_the_accounts_own_remark_pin_silence_and_saving(gw):
    body = {"appId": APP, "chatroomId": ROOM}
    await ok(gw, "group/modifyChatroomRemark", {**body, "chatroomRemark": "工作群"})
    await ok(gw, "group/setMsgSilence", {**body, "silence": True})
    await ok(gw, "group/pinChat", {**body, "top": True})
    await ok(gw, "group/saveContractList", {**body, "operType": 3})
    info = await ok(gw, "group/getChatroomInfo", body)
    assert (info["remark"], info["remarkQuanPin"], info["chatRoomNotify"]) == ("工作群", "gongzuoqun", 0)
    theirs = await ok(gw, "group/getChatroomInfo", {"appId": OTHER_APP, "chatroomId": ROOM}, OTHER_TOKEN)
    assert (theirs["remark"], theirs["chatRoomNotify"]) == (None, 1), "each account's own"
    cards = await room_cards(gw, APP, ROOM)
    assert cards[-1]["Data"]["Remark"] == {"string": "工作群"} and cards[-1]["Data"]["ChatRoomNotify"] == 0
    room = next(r for r in (await state(gw))["chatrooms"] if r["id"] == ROOM)
    assert (room["pinned"], room["silenced"], room["saved"], room["remarks"]) == ([ME], [ME], [ME], {ME: "工作群"})
    await ok(gw, "group/pinChat", {**body, "top": False})
    await ok(gw, "group/saveContractList", {**body, "operType": 2})
    room = next(r for r in (await state(gw))["chatrooms"] if r["id"] == ROOM)
    assert (room["pinned"], room["saved"]) == ([], [])
    assert await gewe(gw, "group/saveContractList", {**body, "operType": 1}) == failure(
        "群保存到通讯录失败", "operType 3保存到通讯录 2从通讯录移除")
    foreign = {"appId": APP, "chatroomId": "99999999999@chatroom"}
    for op, extra, action in (("pinChat", {"top": True}, "聊天置顶失败"),
                              ("setMsgSilence", {"silence": True}, "设置消息免打扰失败"),
                              ("modifyChatroomRemark", {"chatroomRemark": "x"}, "修改群备注失败")):
        assert await gewe(gw, f"group/{op}", {**foreign, **extra}) == failure(action, "你不在该群聊中")


async def test_qr_code_joins_for_seven_days(gw):
    qr = await ok(gw, "group/getChatroomQrCode", {"appId": APP, "chatroomId": ROOM})
    assert qr["qrTips"] == "该二维码7天内(7月20日前)有效，重新进入将更新"
    url = qr_url(qr["qrBase64"])
    assert url.startswith("https://weixin.qq.com/g/")
    already = await gewe(gw, "group/joinRoomUsingQRCode", {"appId": OTHER_APP, "qrUrl": url}, OTHER_TOKEN)
    assert already == failure("扫码进群失败", "已经是群成员")
    await ok(gw, "group/quitChatroom", {"appId": OTHER_APP, "chatroomId": ROOM}, OTHER_TOKEN)
    joined = await ok(gw, "group/joinRoomUsingQRCode", {"appId": OTHER_APP, "qrUrl": url}, OTHER_TOKEN)
    assert joined == {"chatroomName": "测试群", "html": None, "chatroomId": ROOM}
    assert "\"另一个号\"通过扫描你分享的二维码加入群聊" in await system_texts(gw, APP)
    assert "你通过扫描\"朝夕。\"分享的二维码加入群聊" in await system_texts(gw, OTHER_APP)
    await ok(gw, "group/quitChatroom", {"appId": OTHER_APP, "chatroomId": ROOM}, OTHER_TOKEN)
    await advance(gw, 7 * 86400)
    expired = await gewe(gw, "group/joinRoomUsingQRCode", {"appId": OTHER_APP, "qrUrl": url}, OTHER_TOKEN)
    assert expired == failure("扫码进群失败", "该二维码已失效")
    bogus = await gewe(gw, "group/joinRoomUsingQRCode", {"appId": OTHER_APP, "qrUrl": "https://x/"}, OTHER_TOKEN)
    assert bogus == failure("扫码进群失败", "该二维码已失效")


async def test_a_link_still_opens_after_its_sharer_left(gw):
    """Whoever shared the code may have left: the others are told its name all the same."""
    qr = await ok(gw, "group/getChatroomQrCode", {"appId": APP, "chatroomId": ROOM})
    await ok(gw, "group/quitChatroom", {"appId": APP, "chatroomId": ROOM})
    await ok(gw, "group/quitChatroom", {"appId": OTHER_APP, "chatroomId": ROOM}, OTHER_TOKEN)
    await ok(gw, "group/joinRoomUsingQRCode", {"appId": OTHER_APP, "qrUrl": qr_url(qr["qrBase64"])}, OTHER_TOKEN)
    assert "你通过扫描\"朝夕。\"分享的二维码加入群聊" in await system_texts(gw, OTHER_APP)


async def test_qr_code_rules(big):
    fresh = await gewe(big, "group/getChatroomQrCode", {"appId": OTHER_APP, "chatroomId": ROOM}, OTHER_TOKEN)
    assert fresh == failure("获取群二维码失败", "新设备登录后3天内无法使用此功能")
    qr = await ok(big, "group/getChatroomQrCode", {"appId": APP, "chatroomId": FULL_ROOM})
    too_big = await gewe(big, "group/joinRoomUsingQRCode", {"appId": OTHER_APP, "qrUrl": qr_url(qr["qrBase64"])},
                         OTHER_TOKEN)
    assert too_big == failure("扫码进群失败", "该群聊人数已达200人，需群成员邀请才能加入")
