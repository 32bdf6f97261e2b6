"""Acceptance: the unmodified gewechat-client 0.2.2 (sync, requests) against both path prefixes.

It runs in a thread; its ``login()`` sleeps only between unsuccessful checkLogin polls, and the demo
scenario lets the first poll succeed, so the real login flow runs as is.
"""

import asyncio
import xml.etree.ElementTree as ET

import pytest
from gewechat_client import GewechatClient

from bench.cases import qr_url
from tests.gewe.support import callback_problems, of_type

ROOM = "34757816141@chatroom"


async def connected(sim, prefix="/v2/api"):
    """gewechat-client with a token of its own getting, and ``call``: one of its methods run in a
    thread (it is sync), awaited."""
    base = f"http://127.0.0.1:{sim.server.port}{prefix}"
    token = (await asyncio.to_thread(GewechatClient(base, None).get_token))["data"]
    client = GewechatClient(base, token)

    def call(method, *args):
        return asyncio.to_thread(getattr(client, method), *args)

    return token, call


def friend_request_attrs(payload):
    return ET.fromstring(payload["Data"]["Content"]["string"]).attrib


@pytest.mark.parametrize("prefix", ["/v2/api", "/gewe/v2/api"])
async def test_gewechat_client_end_to_end(sim, receiver, prefix):
    token, call = await connected(sim, prefix)

    assert (await call("set_callback", token, receiver.url))["ret"] == 200
    assert receiver.payloads == [{"testMsg": "回调地址链接成功！", "token": token}]

    app_id, error, login_info = await call("login", "", "320000")
    assert error == "" and app_id.startswith("wx_") and login_info["wxid"] == "wxid_lg1mwn2ybs3y22"
    assert await call("login", app_id, "320000") == (app_id, "", None), "already online: no new QR"

    found = (await call("search_contacts", app_id, "lilei_1990"))["data"]
    assert (await call("add_contacts", app_id, 3, 2, found["v3"], found["v4"], "你好"))["msg"] == "操作成功"
    accepted = await receiver.next(of_type("ModContacts", EncryptUserName=found["v3"]))
    assert accepted["Appid"] == app_id and accepted["Wxid"] == "wxid_lg1mwn2ybs3y22"

    answer = await call("set_friend_permissions", app_id, "wxid_lilei1990", True)
    assert answer == {"ret": 200, "msg": "设置好友权限成功"}

    grouped = await call("add_group_member_as_friend", app_id, "wxid_chenjing", ROOM, "hallo")
    v3 = grouped["data"]["v3"]
    assert v3.startswith("v3_") and v3.endswith("@stranger")
    await receiver.next(of_type("ModContacts", EncryptUserName=v3))

    resp = await sim.post("/_chatsim/tenants/default/gewe/friend-requests",
                          json={"appId": app_id, "fromWxid": "wxid_wangxiaoming", "content": "我是王小明", "scene": 6})
    assert resp.status == 200
    request = await receiver.next(of_type("AddMsg", MsgType=37))
    attrs = friend_request_attrs(request)
    assert attrs["fromusername"] == "wxid_wangxiaoming" and attrs["content"] == "我是王小明"
    await call("add_contacts", app_id, int(attrs["scene"]), 3, attrs["encryptusername"], attrs["ticket"], "")
    await receiver.next(of_type("ModContacts", EncryptUserName=attrs["encryptusername"]))

    friends = (await call("fetch_contacts_list", app_id))["data"]["friends"]
    assert {"wxid_lilei1990", "wxid_chenjing", "wxid_wangxiaoming"} <= set(friends)
    assert all(callback_problems(p) == [] for p in receiver.payloads[1:])


async def test_gewechat_client_raises_on_a_gewe_failure(sim):
    client = GewechatClient(f"http://127.0.0.1:{sim.server.port}/v2/api", "not-a-token")
    with pytest.raises(RuntimeError, match="不可用或已过期"):
        await asyncio.to_thread(client.fetch_contacts_list, "wx_wR_U4zPj2M_OTS3BCyoE4")


async def test_gewechat_client_every_other_simulated_method(sim):
    """The rest of gewechat-client 0.2.2's methods whose endpoints chatsim simulates, and what its
    own bugs get from a server that validates like GeWe: set_friend_remark sends the remark as
    ``onlyChat`` and the phone-book methods send ``wxid`` instead of ``phones``."""
    _, call = await connected(sim)
    app_id = "wx_wR_U4zPj2M_OTS3BCyoE4"
    friend = "wxid_phyyedw9xap22"

    assert (await call("check_online", app_id))["data"] is True
    [brief] = (await call("get_brief_info", app_id, [friend]))["data"]
    [detail] = (await call("get_detail_info", app_id, [friend]))["data"]
    assert brief["nickName"] == detail["nickName"] == "小白" and detail["onlyChat"] is False
    members = (await call("get_chatroom_member_list", app_id, ROOM))["data"]
    assert members["chatroomOwner"] == "wxid_0xsqb3o0tsvz22"
    [member] = (await call("get_chatroom_member_detail", app_id, ROOM, [friend]))["data"]
    assert member["userName"] == friend
    with pytest.raises(RuntimeError, match="remark 不可为空"):
        await call("set_friend_remark", app_id, friend, "大白")
    with pytest.raises(RuntimeError, match="phones 不可为空"):
        await call("upload_phone_address_list", app_id, ["13900000001"], 1)
    assert (await call("get_phone_address_list", app_id, ["13900000001"]))["data"] == [], \
        "its phones went out as wxid, so the (empty) uploaded book is listed"
    with pytest.raises(RuntimeError, match="已经是群成员"):
        await call("invite_member", app_id, friend, ROOM, "")
    assert (await call("delete_friend", app_id, friend))["ret"] == 200
    assert friend not in (await call("fetch_contacts_list", app_id))["data"]["friends"]
    assert (await call("logout", app_id))["ret"] == 200
    assert (await call("check_online", app_id))["data"] is False
    prompt = (await call("dialog_login", app_id))["data"]
    assert (await call("check_qr", app_id, prompt["uuid"]))["data"]["status"] == 2
    assert (await call("check_online", app_id))["data"] is True


DEMO_APP, DEMO_FRIEND = "wx_wR_U4zPj2M_OTS3BCyoE4", "wxid_phyyedw9xap22"


async def test_gewechat_client_posts_forwards_and_revokes(sim, receiver):
    token, call = await connected(sim)

    assert (await call("set_callback", token, receiver.url))["ret"] == 200
    url = "http://127.0.0.1:9/media"
    xml = "<msg><appmsg><title>t</title><type>5</type></appmsg></msg>"
    calls = [
        ("post_text", DEMO_FRIEND, "你好", ""), ("post_image", ROOM, url), ("post_file", ROOM, url, "a.xls"),
        ("post_voice", ROOM, url, 2000), ("post_video", ROOM, url, url, 7),
        ("post_link", ROOM, "标题", "描述", url, url), ("post_name_card", ROOM, "李雷", "wxid_lilei1990"),
        ("post_emoji", ROOM, "4cc7540a85b5b6cf4ba14e9f4ae08b7c", 102357), ("post_app_msg", ROOM, "<appmsg/>"),
        ("post_mini_app", ROOM, "wx1", "百果园+", "pages/index.html", url, "水果", "gh_1@app"),
        ("forward_file", ROOM, xml), ("forward_image", ROOM, xml), ("forward_video", ROOM, xml),
        ("forward_url", ROOM, xml), ("forward_mini_app", ROOM, xml, url),
    ]
    sent = []
    for method, *args in calls:
        answer = await call(method, DEMO_APP, *args)
        assert answer["ret"] == 200 and answer["data"]["toWxid"] == args[0], (method, answer)
        sent.append(answer["data"])
    first = sent[0]
    revoked = await call("revoke_msg", DEMO_APP, DEMO_FRIEND, str(first["msgId"]), str(first["newMsgId"]),
                         str(first["createTime"]))
    assert revoked == {"ret": 200, "msg": "操作成功"}
    log = (await (await sim.get("/_chatsim/tenants/default/gewe/messages", params={"appId": DEMO_APP})).json())
    assert [m["newMsgId"] for m in log["messages"][:len(sent)]] == [d["newMsgId"] for d in sent]
    assert log["messages"][0]["revoked"] is True
    with pytest.raises(RuntimeError, match="发送消息失败"):
        await call("post_text", DEMO_APP, "wxid_nobody", "hi")


async def test_gewechat_client_group_methods(sim):
    _, call = await connected(sim)

    assert (await call("modify_chatroom_name", DEMO_APP, "改名了", ROOM))["ret"] == 200
    assert (await call("get_chatroom_info", DEMO_APP, ROOM))["data"]["nickName"] == "改名了"
    assert (await call("modify_chatroom_nickname_for_self", DEMO_APP, "群主", ROOM))["ret"] == 200
    assert (await call("set_chatroom_announcement", DEMO_APP, ROOM, "公告"))["ret"] == 200
    assert (await call("get_chatroom_announcement", DEMO_APP, ROOM))["data"]["announcement"] == "公告"


async def test_gewechat_client_group_membership_methods(sim):
    """Every group method whose endpoint chatsim simulates, and what its one bug gets: agree_join_room
    sends the invitation URL as ``chatroomName`` instead of ``url``."""
    _, call = await connected(sim)

    lilei = "wxid_lilei1990"
    found = (await call("search_contacts", DEMO_APP, "lilei_1990"))["data"]
    assert (await call("add_contacts", DEMO_APP, 3, 2, found["v3"], found["v4"], "hi"))["ret"] == 200
    created = (await call("create_chatroom", DEMO_APP, [DEMO_FRIEND, lilei]))["data"]
    mine = created["chatroomId"]
    assert created["headImgBase64"] and mine.endswith("@chatroom")
    for method, *args in (("modify_chatroom_remark", "备注", mine), ("pin_chat", True, mine),
                          ("set_msg_silence", True, mine), ("save_contract_list", 3, mine),
                          ("admin_operate", mine, [lilei], 1), ("remove_member", lilei, mine),
                          ("invite_member", lilei, mine, "回来吧")):
        assert (await call(method, DEMO_APP, *args)) == {"ret": 200, "msg": "操作成功"}, method
    info = (await call("get_chatroom_info", DEMO_APP, mine))["data"]
    assert (info["remark"], info["chatRoomNotify"]) == ("备注", 0)
    assert [m["wxid"] for m in info["memberList"]] == ["wxid_0xsqb3o0tsvz22", DEMO_FRIEND, lilei]
    url = qr_url((await call("get_chatroom_qr_code", DEMO_APP, ROOM))["data"]["qrBase64"])
    assert (await call("quit_chatroom", DEMO_APP, ROOM))["ret"] == 200
    joined = (await call("join_room_using_qr_code", DEMO_APP, url))["data"]
    assert (joined["chatroomId"], joined["html"]) == (ROOM, None)
    with pytest.raises(RuntimeError, match="url 不可为空"):
        await call("agree_join_room", DEMO_APP, url)
    assert (await call("disband_chatroom", DEMO_APP, mine))["ret"] == 200
    with pytest.raises(RuntimeError, match="你不在该群聊中"):
        await call("get_chatroom_info", DEMO_APP, mine)
