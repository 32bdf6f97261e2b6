"""Messages in both directions: post*/forward* with their data and failures, a person's messages as
AddMsg callbacks, revoke on the virtual clock, two accounts talking, and the conversation log."""

import re
from typing import Any

import pytest

from tests.gewe.support import (
    APP,
    FOREIGN_ROOM,
    ME,
    OTHER,
    OTHER_APP,
    OTHER_TOKEN,
    ROOM,
    SLEEPY_APP,
    TOKEN,
    advance,
    callback_problems,
    callbacks,
    gewe,
    ok,
    search,
    state,
)

FRIEND = "wxid_friend"
MESSAGES = "/_chatsim/tenants/default/gewe/messages"


async def person_says(sim, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    resp = await sim.post(MESSAGES, json={"appId": APP, "fromWxid": FRIEND, **body})
    answer: dict[str, Any] = await resp.json()
    assert resp.status == status, answer
    return answer


async def log(sim, **filters: Any) -> list[dict[str, Any]]:
    resp = await sim.get(MESSAGES, params=filters)
    assert resp.status == 200
    found: list[dict[str, Any]] = (await resp.json())["messages"]
    return found


async def test_post_text_answers_the_real_data_and_is_in_the_log(gw):
    data = await ok(gw, "message/postText", {"appId": APP, "toWxid": FRIEND, "content": "你好"})
    assert set(data) == {"toWxid", "createTime", "msgId", "newMsgId", "type"}
    assert (data["toWxid"], data["type"]) == (FRIEND, 1) and data["newMsgId"] > 2**53
    assert isinstance(data["createTime"], int) and data["msgId"] > 0
    [entry] = await log(gw, peer=FRIEND)
    assert (entry["from"], entry["to"], entry["content"], entry["msgType"]) == (ME, FRIEND, "你好", 1)
    assert entry["newMsgId"] == data["newMsgId"] and entry["appId"] == APP


@pytest.mark.parametrize(("op", "body", "kind", "answer_type"), [
    ("postImage", {"imgUrl": "http://127.0.0.1:9/a.png"}, "image", None),
    ("postVoice", {"voiceUrl": "http://127.0.0.1:9/a.silk", "voiceDuration": 2000}, "voice", None),
    ("postVideo", {"videoUrl": "http://127.0.0.1:9/a.mp4", "thumbUrl": "http://127.0.0.1:9/t.jpg",
                   "videoDuration": 7}, "video", None),
    ("postFile", {"fileUrl": "http://127.0.0.1:9/a.xls", "fileName": "a.xls"}, "file", 6),
    ("postLink", {"title": "标题", "desc": "描述", "linkUrl": "https://example.com/", "thumbUrl": ""}, "link", 5),
    ("postNameCard", {"nickName": "李雷", "nameCardWxid": "wxid_lilei"}, "namecard", 42),
    ("postEmoji", {"emojiMd5": "4cc7540a85b5b6cf4ba14e9f4ae08b7c", "emojiSize": 102357}, "emoji", None),
    ("postAppMsg", {"appmsg": "<appmsg appid=\"\" sdkver=\"0\"><title>t</title><type>5</type></appmsg>"}, "app", 0),
    ("postMiniApp", {"miniAppId": "wx1", "displayName": "百果园+", "pagePath": "pages/index.html",
                     "coverImgUrl": "http://127.0.0.1:9/c.jpg", "title": "水果", "userName": "gh_1@app"},
     "miniapp", 33),
    ("forwardImage", {"xml": "<msg><img aeskey=\"k\" length=\"10\" /></msg>"}, "image", None),
    ("forwardVideo", {"xml": "<msg><videomsg aeskey=\"k\" length=\"10\" /></msg>"}, "video", None),
    ("forwardFile", {"xml": "<msg><appmsg><title>f.json</title><type>6</type></appmsg></msg>"}, "file", 6),
    ("forwardUrl", {"xml": "<msg><appmsg><title>u</title><type>5</type></appmsg></msg>"}, "link", 5),
    ("forwardMiniApp", {"xml": "<msg><appmsg><title>m</title><type>33</type></appmsg></msg>",
                        "coverImgUrl": "http://127.0.0.1:9/c.jpg"}, "miniapp", 33),
])
async def test_every_kind_reaches_a_group_account_as_addmsg(gw, op, body, kind, answer_type):
    data = await ok(gw, f"message/{op}", {"appId": APP, "toWxid": ROOM, **body})
    assert data["toWxid"] == ROOM and data["type"] == answer_type
    if kind in ("image", "video"):
        assert re.fullmatch("[0-9a-f]{32}", data["aesKey"]) and data["length"] > 0
    [event] = await callbacks(gw, typeName="AddMsg", appId=OTHER_APP)
    assert callback_problems(event["payload"]) == []
    got = event["payload"]["Data"]
    assert got["FromUserName"] == {"string": ROOM} and got["ToUserName"] == {"string": OTHER}
    assert got["Content"]["string"].startswith(f"{ME}:\n") and got["NewMsgId"] == data["newMsgId"]
    [entry] = await log(gw, chatroom=ROOM)
    assert entry["kind"] == kind and entry["msgType"] == got["MsgType"]


async def test_media_urls_are_recorded_never_fetched(gw):
    await ok(gw, "message/postImage", {"appId": APP, "toWxid": FRIEND, "imgUrl": "https://example.invalid/x.png"})
    [entry] = await log(gw, kind="image")
    assert entry["media"]["url"] == "https://example.invalid/x.png"


@pytest.mark.parametrize(("body", "token", "detail"), [
    ({"appId": SLEEPY_APP, "toWxid": FRIEND}, TOKEN, "微信已离线"),
    ({"appId": APP, "toWxid": "wxid_lilei"}, TOKEN, "对方不是你的好友"),
    ({"appId": APP, "toWxid": FOREIGN_ROOM}, TOKEN, "你不在该群聊中"),
])
async def test_sending_fails_the_real_way(gw, body, token, detail):
    answer = await gewe(gw, "message/postText", {**body, "content": "hi"}, token)
    assert answer == {"ret": 500, "msg": "发送消息失败", "data": {"code": "-1", "msg": detail}}
    assert await log(gw) == []


async def test_a_muted_group_refuses_members_but_not_the_owner(sim_factory, tmp_path):
    from tests.gewe.support import WORLD

    extra = tmp_path / "muted.yaml"
    extra.write_text("chatsim: 1\ngewe:\n  chatrooms:\n    - chatroomId: 99999999999@chatroom\n"
                     "      owner: wxid_other\n      muted: true\n      members: [wxid_lilei, wxid_me]\n",
                     encoding="utf-8")
    sim = await sim_factory([WORLD, extra])
    answer = await gewe(sim, "message/postText", {"appId": APP, "toWxid": FOREIGN_ROOM, "content": "hi"})
    assert answer["data"] == {"code": "-1", "msg": "群主已开启全员禁言"}
    await ok(sim, "message/postText", {"appId": OTHER_APP, "toWxid": FOREIGN_ROOM, "content": "hi"}, OTHER_TOKEN)


async def test_ats_and_notify_all_only_from_the_owner_or_admins(gw):
    await ok(gw, "message/postText", {"appId": APP, "toWxid": ROOM, "content": "@所有人 @另一个号 看",
                                      "ats": f"notify@all,{OTHER},wxid_stranger"})
    [event] = await callbacks(gw, typeName="AddMsg", appId=OTHER_APP)
    data = event["payload"]["Data"]
    assert "<atuserlist><![CDATA[notify@all,wxid_other]]></atuserlist>" in data["MsgSource"]
    assert data["PushContent"] == "朝夕。在群聊中@了你"
    after = event["id"]
    await ok(gw, "message/postText", {"appId": OTHER_APP, "toWxid": ROOM, "content": "@所有人 x",
                                      "ats": "notify@all"}, OTHER_TOKEN)
    [entry] = [m for m in await log(gw, chatroom=ROOM) if m["from"] == OTHER]
    assert entry["ats"] == [], "a plain member's @所有人 is plain text"
    [mine] = await callbacks(gw, typeName="AddMsg", appId=APP, after=after)
    assert "atuserlist" not in mine["payload"]["Data"]["MsgSource"]


async def test_revoke_only_own_and_within_two_minutes(gw):
    data = await ok(gw, "message/postText", {"appId": APP, "toWxid": ROOM, "content": "oops"})
    body = {"appId": APP, "toWxid": ROOM, "msgId": str(data["msgId"]), "newMsgId": str(data["newMsgId"]),
            "createTime": str(data["createTime"])}
    other = await gewe(gw, "message/revokeMsg", {**body, "appId": OTHER_APP}, OTHER_TOKEN)
    assert other == {"ret": 500, "msg": "撤回消息失败", "data": {"code": "-1", "msg": "消息不存在"}}
    assert await gewe(gw, "message/revokeMsg", body) == {"ret": 200, "msg": "操作成功"}
    events = await callbacks(gw, typeName="AddMsg", appId=OTHER_APP, msgType=10002)
    content = events[0]["payload"]["Data"]["Content"]["string"]
    assert content.startswith(f"{ME}:\n<sysmsg type=\"revokemsg\">") and f"<newmsgid>{data['newMsgId']}" in content
    assert callback_problems(events[0]["payload"]) == []
    assert [m["revoked"] for m in await log(gw, kind="text")] == [True]

    late = await ok(gw, "message/postText", {"appId": APP, "toWxid": ROOM, "content": "later"})
    await advance(gw, 121)
    answer = await gewe(gw, "message/revokeMsg", {**body, "msgId": str(late["msgId"]),
                                                  "newMsgId": str(late["newMsgId"])})
    assert answer["data"] == {"code": "-1", "msg": "消息已超过2分钟，无法撤回"}


@pytest.mark.parametrize(("body", "msg_type", "push"), [
    ({"type": "text", "content": "在吗"}, 1, "小白 : 在吗"),
    ({"type": "image", "imgUrl": "http://127.0.0.1:9/a.png"}, 3, "小白 : [图片]"),
    ({"type": "voice", "voiceDuration": 2000}, 34, "小白 : [语音]"),
    ({"type": "video", "videoDuration": 3}, 43, "小白 : [视频]"),
    ({"type": "file", "fileName": "hhh.xlsx"}, 49, "小白 : [文件]hhh.xlsx"),
    ({"type": "link", "title": "尔滨", "linkUrl": "https://example.com"}, 49, "小白 : [链接]尔滨"),
    ({"type": "app", "appmsg": "<appmsg><title>x</title><type>57</type></appmsg>"}, 49, "你收到了一条消息"),
    ({"type": "miniapp", "title": "腾讯云助手"}, 49, "小白 : [小程序]腾讯云助手"),
    ({"type": "namecard", "nameCardWxid": "wxid_lilei"}, 42, "小白 : [名片]李雷"),
    ({"type": "emoji", "emojiMd5": "cc56728d56c730ddae52baffe941ed86"}, 47, "小白 : [动画表情]"),
    ({"type": "pat"}, 10002, None),
])
async def test_a_person_sends_every_kind_privately(gw, body, msg_type, push):
    answer = await person_says(gw, body)
    [event] = await callbacks(gw, typeName="AddMsg", appId=APP)
    payload = event["payload"]
    assert callback_problems(payload) == [] and payload["Wxid"] == ME
    data = payload["Data"]
    assert (data["MsgType"], data.get("PushContent")) == (msg_type, push)
    assert data["FromUserName"] == {"string": FRIEND} and data["ToUserName"] == {"string": ME}
    assert data["NewMsgId"] == answer["message"]["newMsgId"]


async def test_a_group_message_mentioning_the_account(gw):
    await person_says(gw, {"type": "text", "chatroomId": ROOM, "content": "@朝夕。 看看", "ats": [ME]})
    [mine] = await callbacks(gw, typeName="AddMsg", appId=APP)
    data = mine["payload"]["Data"]
    assert data["Content"]["string"] == f"{FRIEND}:\n@朝夕。 看看" and data["FromUserName"] == {"string": ROOM}
    assert f"<atuserlist><![CDATA[{ME}]]></atuserlist>" in data["MsgSource"]
    assert data["PushContent"] == "小白在群聊中@了你"
    [theirs] = await callbacks(gw, typeName="AddMsg", appId=OTHER_APP)
    assert theirs["payload"]["Data"]["PushContent"] == "小白 : @朝夕。 看看"
    assert theirs["payload"]["Data"]["NewMsgId"] == data["NewMsgId"]


async def test_a_person_revokes_within_two_minutes(gw):
    said = (await person_says(gw, {"type": "text", "content": "撤"}))["message"]
    await advance(gw, 60)
    await person_says(gw, {"type": "revoke", "newMsgId": str(said["newMsgId"])})
    [event] = await callbacks(gw, typeName="AddMsg", appId=APP, msgType=10002)
    assert f"<session>{FRIEND}</session>" in event["payload"]["Data"]["Content"]["string"]
    assert "PushContent" not in event["payload"]["Data"]
    again = await person_says(gw, {"type": "text", "content": "再"})
    await advance(gw, 121)
    await person_says(gw, {"type": "revoke", "newMsgId": str(again["message"]["newMsgId"])}, status=409)


async def test_world_action_refusals(gw):
    await person_says(gw, {"type": "text"}, status=400)
    await person_says(gw, {"type": "text", "content": "x", "chatroomId": FOREIGN_ROOM}, status=409)
    await person_says(gw, {"type": "text", "content": "x", "fromWxid": "wxid_nobody"}, status=404)
    await person_says(gw, {"type": "text", "content": "x", "fromWxid": "wxid_lilei"}, status=409)
    await person_says(gw, {"type": "revoke", "newMsgId": "1"}, status=404)


async def test_two_accounts_talk_to_each_other(gw):
    found = await search(gw, "other_acc")
    await ok(gw, "contacts/addContacts", {"appId": APP, "scene": 3, "option": 2, "v3": found["v3"],
                                          "v4": found["v4"], "content": "hi"})
    [request] = await callbacks(gw, typeName="AddMsg", appId=OTHER_APP, msgType=37)
    xml = request["payload"]["Data"]["Content"]["string"]
    v3, v4 = re.search(r'encryptusername="([^"]+)"', xml)[1], re.search(r'ticket="([^"]+)"', xml)[1]
    await ok(gw, "contacts/addContacts", {"appId": OTHER_APP, "scene": 3, "option": 3, "v3": v3, "v4": v4,
                                          "content": ""}, OTHER_TOKEN)
    sent = await ok(gw, "message/postText", {"appId": APP, "toWxid": OTHER, "content": "你好，另一个号"})
    [got] = await callbacks(gw, typeName="AddMsg", appId=OTHER_APP, msgType=1)
    data = got["payload"]["Data"]
    assert (data["FromUserName"], data["Content"]) == ({"string": ME}, {"string": "你好，另一个号"})
    assert data["NewMsgId"] == sent["newMsgId"] and data["PushContent"] == "朝夕。 : 你好，另一个号"
    reply = await ok(gw, "message/postText", {"appId": OTHER_APP, "toWxid": ME, "content": "收到"}, OTHER_TOKEN)
    [back] = await callbacks(gw, typeName="AddMsg", appId=APP, msgType=1)
    assert back["payload"]["Data"]["NewMsgId"] == reply["newMsgId"]
    assert [m["content"] for m in await log(gw, appId=OTHER_APP)] == ["你好，另一个号", "收到"]

    await ok(gw, "contacts/deleteFriend", {"appId": OTHER_APP, "wxid": ME}, OTHER_TOKEN)
    answer = await gewe(gw, "message/postText", {"appId": APP, "toWxid": OTHER, "content": "还在吗"})
    assert answer["data"] == {"code": "-1", "msg": "对方开启了朋友验证，你还不是他（她）朋友"}


async def test_the_log_filters(gw):
    await ok(gw, "message/postText", {"appId": APP, "toWxid": FRIEND, "content": "a"})
    await advance(gw, 10)
    await ok(gw, "message/postText", {"appId": APP, "toWxid": ROOM, "content": "b"})
    everything = await log(gw)
    assert [m["content"] for m in everything] == ["a", "b"]
    assert [m["content"] for m in await log(gw, since=everything[1]["createTime"])] == ["b"]
    assert [m["content"] for m in await log(gw, type=1, chatroom=ROOM)] == ["b"]
    assert await log(gw, kind="image") == []


def risky(tmp_path, per_minute: int) -> list:
    from tests.gewe.support import WORLD

    extra = tmp_path / "risk.yaml"
    extra.write_text(f"chatsim: 1\ngewe:\n  risk_control: {{enabled: true, messages_per_minute: {per_minute}}}\n",
                     encoding="utf-8")
    return [WORLD, extra]


async def test_risk_control_takes_the_account_offline_past_the_rate(sim_factory, tmp_path):
    sim = await sim_factory(risky(tmp_path, 3))
    text = {"appId": APP, "toWxid": FRIEND, "content": "刷屏"}
    for _ in range(3):
        await ok(sim, "message/postText", text)
    answer = await gewe(sim, "message/postText", text)
    assert answer == {"ret": 500, "msg": "发送消息失败", "data": {"code": "-1", "msg": "微信已离线"}}
    [offline] = await callbacks(sim, typeName="Offline", appId=APP)
    assert offline["payload"] == {"TypeName": "Offline", "Appid": APP, "Wxid": ME}
    device = next(d for d in (await state(sim))["devices"] if d["app_id"] == APP)
    assert (device["online"], device["offline_reason"]) == (False, "risk")
    assert len(await log(sim)) == 3


async def test_risk_control_wants_a_second_between_people_and_is_off_by_default(sim_factory, tmp_path, gw):
    for to in (FRIEND, ROOM, FRIEND):
        await ok(gw, "message/postText", {"appId": APP, "toWxid": to, "content": "快"})
    sim = await sim_factory(risky(tmp_path, 40))
    await ok(sim, "message/postText", {"appId": APP, "toWxid": FRIEND, "content": "一"})
    await advance(sim, 1)
    await ok(sim, "message/postText", {"appId": APP, "toWxid": ROOM, "content": "二"})
    answer = await gewe(sim, "message/postText", {"appId": APP, "toWxid": FRIEND, "content": "三"})
    assert answer["data"] == {"code": "-1", "msg": "微信已离线"}


async def test_revoke_reads_numbers_as_the_strings_the_doc_sends(gw):
    data = await ok(gw, "message/postText", {"appId": APP, "toWxid": FRIEND, "content": "x"})
    body = {"appId": APP, "toWxid": FRIEND, "msgId": data["msgId"], "newMsgId": data["newMsgId"],
            "createTime": data["createTime"]}
    assert await gewe(gw, "message/revokeMsg", body) == {"ret": 200, "msg": "操作成功"}


async def test_risk_control_measures_the_gap_from_the_last_send(sim_factory, tmp_path):
    """A repeat to the same person is fine at any pace, and restarts the second before someone else."""
    sim = await sim_factory(risky(tmp_path, 40))
    await ok(sim, "message/postText", {"appId": APP, "toWxid": FRIEND, "content": "一"})
    await advance(sim, 0.5)
    await ok(sim, "message/postText", {"appId": APP, "toWxid": FRIEND, "content": "二"})
    await advance(sim, 0.7)
    answer = await gewe(sim, "message/postText", {"appId": APP, "toWxid": ROOM, "content": "三"})
    assert answer["data"] == {"code": "-1", "msg": "微信已离线"}


async def test_the_log_keeps_the_newest_max_messages_and_finds_only_those(gw):
    resp = await gw.put("/_chatsim/tenants/default/scenario", params={"merge": "true"},
                        data=b"chatsim: 1\ngewe:\n  max_messages: 10\n", headers={"Content-Type": "application/yaml"})
    assert resp.status == 200, await resp.text()
    sent = [await ok(gw, "message/postText", {"appId": APP, "toWxid": FRIEND, "content": f"m{i}"}) for i in range(12)]
    assert [entry["content"] for entry in await log(gw, peer=FRIEND)] == [f"m{i}" for i in range(2, 12)]

    def revoke(data: dict[str, Any], new_msg_id: Any = None) -> dict[str, Any]:
        return {"appId": APP, "toWxid": FRIEND, "msgId": str(data["msgId"]), "createTime": str(data["createTime"]),
                "newMsgId": str(data["newMsgId"]) if new_msg_id is None else new_msg_id}

    gone = {"ret": 500, "msg": "撤回消息失败", "data": {"code": "-1", "msg": "消息不存在"}}
    assert await gewe(gw, "message/revokeMsg", revoke(sent[1])) == gone  # left the log with its index entry
    assert await gewe(gw, "message/revokeMsg", revoke(sent[-1], "0" + str(sent[-1]["newMsgId"]))) == gone
    assert await gewe(gw, "message/revokeMsg", revoke(sent[-1])) == {"ret": 200, "msg": "操作成功"}
    # the revoke is a message of its own: m2 leaves the log for it
    assert [(entry["content"], entry["revoked"]) for entry in await log(gw, kind="text")] == [
        *((f"m{i}", False) for i in range(3, 11)), ("m11", True)]
