"""The contact world: search, friend requests both ways, group adds, permissions, deletion."""

from tests.gewe.support import (
    APP,
    FOREIGN_ROOM,
    ME,
    OTHER,
    OTHER_APP,
    OTHER_TOKEN,
    ROOM,
    add_body,
    advance,
    callback_problems,
    callbacks,
    gewe,
    ok,
    person_asks,
    search,
    state,
)


def requests_by_receiver(world, wxid):
    return [r for r in world["friend_requests"] if r["receiver"] == wxid]


async def test_search_by_alias_phone_and_wxid(gw):
    for info in ("lilei_1990", "13900000001", "wxid_lilei"):
        found = await search(gw, info)
        assert found["nickName"] == "李雷" and found["sex"] == 1 and found["signature"] == "hi"
        assert found["v3"].startswith("v3_") and found["v3"].endswith("@stranger")
        assert found["v4"].startswith("v4_") and found["v4"].endswith("@stranger")
    v3s = {(await search(gw, "lilei_1990"))["v3"] for _ in range(2)}
    assert len(v3s) == 1, "v3 is stable per account and person"


async def test_search_a_friend_gives_the_wxid_as_v3(gw):
    assert (await search(gw, "xiaobai"))["v3"] == "wxid_friend"


async def test_search_finds_nobody_who_hides_or_does_not_exist(gw):
    for info in ("hidden_one", "no_such_alias"):
        body = await gewe(gw, "contacts/search", {"appId": APP, "contactsInfo": info})
        assert body == {"ret": 500, "msg": "搜索联系人失败", "data": {"code": "-1", "msg": "用户不存在"}}


async def test_add_by_search_then_the_person_accepts_at_once(gw):
    found = await search(gw, "lilei_1990")
    assert (await gewe(gw, "contacts/addContacts", add_body(found["v3"], found["v4"])))["msg"] == "操作成功"
    [event] = await callbacks(gw, typeName="ModContacts")
    assert event["payload"]["Data"]["EncryptUserName"] == found["v3"]
    assert event["payload"]["Wxid"] == ME and event["payload"]["Appid"] == APP
    assert event["status"] == "no_target" and callback_problems(event["payload"]) == []
    friends = (await ok(gw, "contacts/fetchContactsList", {"appId": APP}))["friends"]
    assert "wxid_lilei" in friends
    [request] = requests_by_receiver(await state(gw), "wxid_lilei")
    assert request["status"] == "accepted" and request["scene"] == 3


async def test_acceptance_after_virtual_seconds_takes_effect_when_the_clock_is_advanced(gw):
    found = await search(gw, "hanmeimei")
    await ok(gw, "contacts/addContacts", add_body(found["v3"], found["v4"], scene=15))
    await advance(gw, 59)
    assert await callbacks(gw, wait=0, typeName="ModContacts") == []
    await advance(gw, 1)
    [event] = await callbacks(gw, wait=0, typeName="ModContacts")
    assert event["payload"]["Data"]["EncryptUserName"] == found["v3"]
    assert event["payload"]["Data"]["AddContactScene"] == 15
    assert event["caused_by"] is None, "caused by the clock, not by a request"


async def test_rejected_and_ignored_requests(gw):
    for alias in ("xiaoming", "zhangwei"):
        found = await search(gw, alias)
        await ok(gw, "contacts/addContacts", add_body(found["v3"], found["v4"]))
    world = await state(gw)
    assert [r["status"] for r in world["friend_requests"]] == ["rejected", "ignored"]
    await advance(gw, 3600)
    assert [r["status"] for r in (await state(gw))["friend_requests"]] == ["rejected", "expired"]
    assert await callbacks(gw, wait=0, typeName="ModContacts") == []


async def test_the_person_accepts_later_through_the_admin_api(gw):
    found = await search(gw, "zhangwei")
    await ok(gw, "contacts/addContacts", add_body(found["v3"], found["v4"]))
    [request] = requests_by_receiver(await state(gw), "wxid_ghost")
    resp = await gw.post(f"/_chatsim/tenants/default/gewe/friend-requests/{request['id']}/decision",
                         json={"decision": "accept"})
    assert (await resp.json())["request"]["status"] == "accepted"
    [event] = await callbacks(gw, typeName="ModContacts")
    assert event["payload"]["Data"]["EncryptUserName"] == found["v3"]
    again = await gw.post(f"/_chatsim/tenants/default/gewe/friend-requests/{request['id']}/decision",
                          json={"decision": "reject"})
    assert again.status == 409


async def test_incoming_request_accepted_with_option_3(gw):
    asked = await person_asks(gw, "wxid_lilei", scene=14)
    [event] = await callbacks(gw, typeName="AddMsg", msgType=37)
    payload = event["payload"]
    assert callback_problems(payload) == []
    assert payload["Data"]["FromUserName"] == {"string": "fmessage"} and payload["Wxid"] == ME
    xml = payload["Data"]["Content"]["string"]
    assert f'encryptusername="{asked["v3"]}"' in xml and f'ticket="{asked["v4"]}"' in xml
    assert 'scene="14"' in xml and 'fromnickname="李雷"' in xml and 'content="我是wxid_lilei"' in xml
    assert payload["Data"]["NewMsgId"] > 2**53
    await ok(gw, "contacts/addContacts", add_body(asked["v3"], asked["v4"], option=3, scene=14))
    [mod] = await callbacks(gw, typeName="ModContacts")
    assert mod["payload"]["Data"]["EncryptUserName"] == asked["v3"]
    assert mod["payload"]["Data"]["UserName"] == {"string": "wxid_lilei"}


async def test_incoming_request_rejected_with_option_4(gw):
    asked = await person_asks(gw, "wxid_lilei")
    await ok(gw, "contacts/addContacts", add_body(asked["v3"], asked["v4"], option=4, scene=6))
    assert requests_by_receiver(await state(gw), ME)[0]["status"] == "rejected"
    assert "wxid_lilei" not in (await ok(gw, "contacts/fetchContactsList", {"appId": APP}))["friends"]


async def test_two_simulated_accounts_befriend_each_other(gw):
    found = await search(gw, "other_acc")
    await ok(gw, "contacts/addContacts", add_body(found["v3"], found["v4"]))
    [incoming] = await callbacks(gw, typeName="AddMsg", appId=OTHER_APP)
    xml = incoming["payload"]["Data"]["Content"]["string"]
    their_v3 = xml.split('encryptusername="')[1].split('"')[0]
    their_v4 = xml.split('ticket="')[1].split('"')[0]
    await ok(gw, "contacts/addContacts", add_body(their_v3, their_v4, option=3, app=OTHER_APP), OTHER_TOKEN)
    events = await callbacks(gw, typeName="ModContacts")
    by_app = {e["payload"]["Appid"]: e["payload"]["Data"]["EncryptUserName"] for e in events}
    assert by_app == {APP: found["v3"], OTHER_APP: their_v3}


async def test_add_group_member_as_friend(gw):
    body = await gewe(gw, "group/addGroupMemberAsFriend",
                      {"appId": APP, "chatroomId": ROOM, "memberWxid": "wxid_member", "content": "hallo"})
    assert body["ret"] == 200 and body["msg"] == "操作成功" and body["data"]["v3"].startswith("v3_")
    [event] = await callbacks(gw, typeName="ModContacts")
    assert event["payload"]["Data"]["EncryptUserName"] == body["data"]["v3"]
    assert requests_by_receiver(await state(gw), "wxid_member")[0]["chatroom"] == ROOM


async def test_add_group_member_failures(gw):
    cases = [(ROOM, "wxid_private", "由于对方的隐私设置，你无法通过群聊将其添加至通讯录。"),
             (ROOM, "wxid_lilei", "对方不在该群聊中"), (FOREIGN_ROOM, "wxid_lilei", "你不在该群聊中")]
    for room, member, text in cases:
        body = await gewe(gw, "group/addGroupMemberAsFriend",
                          {"appId": APP, "chatroomId": room, "memberWxid": member, "content": "hallo"})
        assert body == {"ret": 500, "msg": "添加好友失败", "data": {"code": "-1", "msg": text}}


async def test_set_friend_permissions_is_visible_in_detail_info_and_state(gw):
    body = await gewe(gw, "contacts/setFriendPermissions", {"appId": APP, "wxid": "wxid_friend", "onlyChat": True})
    assert body == {"ret": 200, "msg": "设置好友权限成功"}
    [card] = await ok(gw, "contacts/getDetailInfo", {"appId": APP, "wxids": ["wxid_friend"]})
    assert card["onlyChat"] is True and card["remark"] == "老友" and card["remarkQuanPin"] == "laoyou"
    contacts = {c["wxid"]: c for c in (await state(gw))["contacts"][ME]}
    assert contacts["wxid_friend"]["only_chat"] is True


async def test_set_friend_permissions_needs_a_friend(gw):
    body = await gewe(gw, "contacts/setFriendPermissions", {"appId": APP, "wxid": "wxid_lilei", "onlyChat": True})
    assert body == {"ret": 500, "msg": "设置好友权限失败", "data": {"code": "-1", "msg": "对方不是你的好友"}}


async def test_delete_friend_is_one_sided_and_pushes_del_contacts(gw):
    await ok(gw, "contacts/deleteFriend", {"appId": APP, "wxid": "wxid_friend"})
    [event] = await callbacks(gw, typeName="DelContacts")
    assert event["payload"] == {"TypeName": "DelContacts", "Appid": APP, "Wxid": ME,
                                "Data": {"UserName": {"string": "wxid_friend"}, "DeleteContactScen": 0}}
    contacts = (await state(gw))["contacts"]
    assert "wxid_friend" not in {c["wxid"] for c in contacts[ME]}
    assert ME in {c["wxid"] for c in contacts["wxid_friend"]}


async def test_brief_info_of_people_rooms_and_strangers(gw):
    cards = await gewe(gw, "contacts/getBriefInfo", {"appId": APP, "wxids": ["wxid_lilei", ROOM, "wxid_unknown"]})
    assert cards["msg"] == "获取联系人信息成功"
    lilei, room, unknown = cards["data"]
    assert (lilei["nickName"], lilei["quanPin"], lilei["pyInitial"], lilei["alias"]) == ("李雷", "lilei", "LL",
                                                                                         "lilei_1990")
    assert room["nickName"] == "测试群" and "onlyChat" not in lilei
    assert unknown["userName"] == "wxid_unknown" and unknown["nickName"] is None


async def test_chatroom_member_list(gw):
    data = await ok(gw, "group/getChatroomMemberList", {"appId": APP, "chatroomId": ROOM})
    members = {m["wxid"]: m for m in data["memberList"]}
    assert data["chatroomOwner"] == ME and data["adminWxid"] == ["wxid_friend"]
    assert members["wxid_member"]["displayName"] == "静" and members["wxid_member"]["inviterUserName"] == ME
    assert {ME, OTHER, "wxid_private"} <= set(members)
    body = await gewe(gw, "group/getChatroomMemberList", {"appId": APP, "chatroomId": FOREIGN_ROOM})
    assert body == {"ret": 500, "msg": "获取群成员列表失败", "data": {"code": "-1", "msg": "你不在该群聊中"}}


async def test_fetch_contacts_list(gw):
    data = await ok(gw, "contacts/fetchContactsList", {"appId": APP})
    assert data == {"friends": ["wxid_friend", "wxid_pal1", "wxid_pal2"], "chatrooms": [ROOM], "ghs": []}
