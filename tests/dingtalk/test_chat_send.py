"""Legacy /chat/send through dingtalk-sdk 1.3.8's chat.send with each of its message bodies; the
messages land in the chat's bounded log, read through the admin API."""

import asyncio

from dingtalk.model.message import (
    BtnActionCardBody,
    FileBody,
    ImageBody,
    LinkBody,
    MarkdownBody,
    OaBody,
    OaBodyContent,
    SingleActionCardBody,
    TextBody,
    VoiceBody,
)

from tests.conftest import load_scenario
from tests.dingtalk.support import APPKEY, CHATID, READONLY_KEY, READONLY_SECRET, SMALL_LOGS, TENANT_HEADER, get_token
from tests.dingtalk.test_sdk import sdk_client
from tests.faults.test_rate_limit import sdk_client as tenant_sdk_client


async def chat_messages(sim, chatid: str = CHATID, tenant: str = "default", **filters) -> list[dict]:
    resp = await sim.get(f"/_chatsim/tenants/{tenant}/dingtalk/chats/{chatid}/messages", params=filters)
    assert resp.status == 200, await resp.text()
    return (await resp.json())["messages"]


async def test_every_message_body_of_dingtalk_sdk(sim):
    client = sdk_client(sim)
    buttons = BtnActionCardBody("审批", "**请审批**", 1)
    buttons.add_btn("同意", "https://example.com/yes")
    buttons.add_btn("拒绝", "https://example.com/no")
    bodies = [
        TextBody("张三的请假申请"),
        ImageBody("@lADPDe7s1"),
        VoiceBody("@lADPDe7s2", duration=12),
        FileBody("@lADPDe7s3"),
        LinkBody("https://example.com", "@lADPDe7s4", "周报", "本周进展"),
        OaBody("https://example.com/oa", "FFBBBBBB", "审批", OaBodyContent(title="请假", content="3 天",
                                                                          forms={"类型": "年假"})),
        MarkdownBody("发布", "### 发布完成"),
        SingleActionCardBody("公告", "**放假**", "查看", "https://example.com/notice"),
        buttons,
    ]
    ids = [await asyncio.to_thread(client.chat.send, CHATID, body) for body in bodies]
    assert all(len(message_id) == 32 for message_id in ids) and len(set(ids)) == len(ids)
    logged = await chat_messages(sim)
    assert [m["msgtype"] for m in logged] == ["text", "image", "voice", "file", "link", "oa", "markdown",
                                              "action_card", "action_card"]
    assert [m["messageId"] for m in logged] == ids and {m["sender"] for m in logged} == {APPKEY}
    assert logged[0]["text"] == {"content": "张三的请假申请"}
    assert logged[5]["oa"]["body"]["form"] == [{"key": "类型", "value": "年假"}]
    assert [b["title"] for b in logged[8]["action_card"]["btn_json_list"]] == ["同意", "拒绝"]
    assert [m["id"] for m in await chat_messages(sim, msgtype="action_card")] == [8, 9]


async def test_what_chat_send_refuses(sim):
    token = await get_token(sim)

    async def send(body):
        return await (await sim.post("/chat/send", params={"access_token": token}, json=body)).json()

    assert await send({"msgtype": "text", "text": {"content": "x"}}) == {"errcode": 49000, "errmsg": "需要chatid"}
    assert (await send({"chatid": "chatnone", "msgtype": "text", "text": {"content": "x"}}))["errcode"] == 40016
    assert await send({"chatid": CHATID}) == {"errcode": 40035, "errmsg": "缺少参数 msgtype"}
    assert await send({"chatid": CHATID, "msgtype": "sticker"}) == {"errcode": 40035, "errmsg": "不合法的参数"}
    assert await send({"chatid": CHATID, "msgtype": "text", "text": {}}) == {"errcode": 40035,
                                                                            "errmsg": "缺少参数 text.content"}
    assert (await send({"chatid": CHATID, "msgtype": "link", "link": {"title": "x"}}))["errmsg"] == \
        "缺少参数 link.messageUrl"
    oa = {"message_url": "u", "head": {"bgcolor": "FFBBBBBB"}, "body": {}}
    assert (await send({"chatid": CHATID, "msgtype": "oa", "oa": oa}))["errmsg"] == "缺少参数 oa.head.text"
    voice = {"media_id": "@x", "duration": 61}
    assert (await send({"chatid": CHATID, "msgtype": "voice", "voice": voice}))["errmsg"] == "不合法的参数"
    card = {"title": "t", "markdown": "m", "btn_orientation": "2", "btn_json_list": [{"title": "a", "action_url": "u"}]}
    assert (await send({"chatid": CHATID, "msgtype": "action_card", "action_card": card}))["errcode"] == 40035
    resp = await sim.post("/chat/send", params={"access_token": token}, data="chatid=x")
    assert await resp.json() == {"errcode": 43009, "errmsg": "参数需要是json格式"}
    readonly = await get_token(sim, READONLY_KEY, READONLY_SECRET)
    resp = await sim.post("/chat/send", params={"access_token": readonly},
                          json={"chatid": CHATID, "msgtype": "text", "text": {"content": "x"}})
    assert (await resp.json())["errcode"] == 43007
    assert await chat_messages(sim) == []


async def test_the_chat_log_is_bounded(sim):
    await load_scenario(sim, "small", SMALL_LOGS)
    token = await get_token(sim, "smallkey", "smallsecret", tenant="small")
    for n in range(3):
        resp = await sim.post("/chat/send", params={"access_token": token}, headers={TENANT_HEADER: "small"},
                              json={"chatid": "chatsmall", "msgtype": "text", "text": {"content": f"n{n}"}})
        assert (await resp.json())["errcode"] == 0
    assert [m["text"]["content"] for m in await chat_messages(sim, "chatsmall", "small")] == ["n1", "n2"]
    assert (await sim.get("/_chatsim/tenants/small/dingtalk/chats/chatnone/messages")).status == 404


def test_the_pytest_plugin_reads_a_chats_messages(chatsim):
    assert chatsim.dingtalk.chat_messages(CHATID) == []
    tenant_sdk_client(chatsim).chat.send(CHATID, MarkdownBody("发布", "### 发布完成"))
    assert [m["markdown"]["title"] for m in chatsim.dingtalk.chat_messages(CHATID, msgtype="markdown")] == ["发布"]
