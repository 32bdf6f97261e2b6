"""Group operations: the group's card, renaming with its 10000 system texts, the account's own
nickname there, and the announcement only the owner and admins may publish."""

from tests.gewe.support import (
    APP,
    FOREIGN_ROOM,
    ME,
    OTHER,
    OTHER_APP,
    OTHER_TOKEN,
    ROOM,
    callback_problems,
    callbacks,
    gewe,
    ok,
)


async def test_chatroom_info_shows_the_card_and_members(gw):
    info = await ok(gw, "group/getChatroomInfo", {"appId": APP, "chatroomId": ROOM})
    assert (info["chatroomId"], info["nickName"], info["chatRoomOwner"]) == (ROOM, "测试群", ME)
    assert {m["wxid"] for m in info["memberList"]} >= {ME, OTHER, "wxid_friend"}
    answer = await gewe(gw, "group/getChatroomInfo", {"appId": APP, "chatroomId": FOREIGN_ROOM})
    assert answer == {"ret": 500, "msg": "获取群信息失败", "data": {"code": "-1", "msg": "你不在该群聊中"}}


async def test_renaming_tells_every_member_account(gw):
    body = {"appId": OTHER_APP, "chatroomId": ROOM, "chatroomName": "新群名"}
    done = await gewe(gw, "group/modifyChatroomName", body, OTHER_TOKEN)
    assert done == {"ret": 200, "msg": "操作成功"}
    [mine] = await callbacks(gw, typeName="AddMsg", appId=APP, msgType=10000)
    [theirs] = await callbacks(gw, typeName="AddMsg", appId=OTHER_APP, msgType=10000)
    assert mine["payload"]["Data"]["Content"] == {"string": "\"另一个号\"修改群名为“新群名”"}
    assert theirs["payload"]["Data"]["Content"] == {"string": "你修改群名为“新群名”"}
    assert mine["payload"]["Data"]["FromUserName"] == {"string": ROOM}
    assert callback_problems(mine["payload"]) == [] and callback_problems(theirs["payload"]) == []
    info = await ok(gw, "group/getChatroomInfo", {"appId": APP, "chatroomId": ROOM})
    assert info["nickName"] == "新群名"


async def test_my_nickname_in_the_group(gw):
    await ok(gw, "group/modifyChatroomNickNameForSelf", {"appId": APP, "chatroomId": ROOM, "nickName": "群主大人"})
    members = (await ok(gw, "group/getChatroomMemberList", {"appId": APP, "chatroomId": ROOM}))["memberList"]
    assert next(m["displayName"] for m in members if m["wxid"] == ME) == "群主大人"


async def test_only_the_owner_or_admins_publish_the_announcement(gw):
    body = {"appId": APP, "chatroomId": ROOM}
    assert await ok(gw, "group/getChatroomAnnouncement", body) == {
        "announcement": "", "announcementEditor": None, "publishTime": None}
    refused = await gewe(gw, "group/setChatroomAnnouncement", {**body, "appId": OTHER_APP, "content": "x"},
                         OTHER_TOKEN)
    assert refused == {"ret": 500, "msg": "设置群公告失败",
                       "data": {"code": "-1", "msg": "仅群主或管理员可以发布群公告"}}
    await ok(gw, "group/setChatroomAnnouncement", {**body, "content": "群公告哈"})
    read = await ok(gw, "group/getChatroomAnnouncement", {**body, "appId": OTHER_APP}, OTHER_TOKEN)
    assert (read["announcement"], read["announcementEditor"]) == ("群公告哈", ME)
    assert isinstance(read["publishTime"], int)
