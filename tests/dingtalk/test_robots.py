"""Custom robots (/robot/send): DingtalkChatbot 1.5.7, unmodified, posting through its webhook URL
at chatsim; every message type, the three security settings, the rate limit and the message log."""

import asyncio

from dingtalkchatbot.chatbot import ActionCard, CardItem, DingtalkChatbot, FeedLink

from chatsim.vendors.dingtalk.model.robots import sign
from tests.conftest import load_scenario
from tests.dingtalk.support import CHATID, SMALL_LOGS, advance

DEMO_ROBOT = "5f0a9d2c7b1e4f3a8c6d0e9b2a7f4c1d3e8b6a0f9c2d7e4b1a3f8c6d0e9b2a7f"  # keyword 构建
SECRET = "SEC" + "ab12" * 16
KEYWORD_MISS = ("description:关键词不匹配;"
                "solution:请联系群管理员查看此机器人的关键词，并在发送的信息中包含此关键词;")
SIGN_MISMATCH = ("description:机器人发送签名不匹配;solution:请确认签名和生成签名的时间戳必须都放在调用的"
                 "网址中，请确认机器人的密钥加密和填写正确;link:请参考本接口对应文档获得具体要求，"
                 "或者在https://open.dingtalk.com/document/  搜索相关文档;")
SIGN_EXPIRED = "description:机器人发送签名过期;solution:签名生成时间和发送时间请保持在 timestampms 以内;"
IP_DENIED = "description:ip 不在白名单中;solution:请联系对应群的管理员，设置机器人安全ip地址段;"
OK = {"errcode": 0, "errmsg": "ok"}


def webhook(sim, token: str = DEMO_ROBOT, tenant: str = "default") -> str:
    return f"http://127.0.0.1:{sim.server.port}/_t/{tenant}/robot/send?access_token={token}"


async def send(bot: DingtalkChatbot, method: str, *args, **kwargs):
    return await asyncio.to_thread(getattr(bot, method), *args, **kwargs)


async def create_robot(sim, tenant: str = "default", **fields) -> dict:
    resp = await sim.post(f"/_chatsim/tenants/{tenant}/dingtalk/robots", json={"chatid": CHATID, **fields})
    assert resp.status == 200, await resp.text()
    return (await resp.json())["robot"]


async def robot_messages(sim, tenant: str = "default", **filters) -> list[dict]:
    resp = await sim.get(f"/_chatsim/tenants/{tenant}/dingtalk/robots/messages", params=filters)
    assert resp.status == 200
    return (await resp.json())["messages"]


async def test_every_message_type_through_dingtalkchatbot(sim):
    bot = DingtalkChatbot(webhook(sim))
    assert await send(bot, "send_text", "构建成功", at_mobiles=["13800000123"], at_dingtalk_ids=["user456"]) == OK
    assert await send(bot, "send_markdown", "构建", "#### 构建成功\n> 全部通过", is_at_all=True) == OK
    assert await send(bot, "send_link", "构建报告", "点开看", "https://ci.example.com/1") == OK
    single = ActionCard("构建", "构建成功", [CardItem("查看", "https://ci.example.com/1")])
    multi = ActionCard("构建", "发布吗", [CardItem("发布", "https://ci.example.com/y"),
                                        CardItem("取消", "https://ci.example.com/n")], btn_orientation=1)
    assert await send(bot, "send_action_card", single) == OK
    assert await send(bot, "send_action_card", multi) == OK
    feed = [FeedLink("构建 1", "https://ci.example.com/1", "https://ci.example.com/1.png"),
            CardItem("第二条", "https://ci.example.com/2", "https://ci.example.com/2.png")]
    assert await send(bot, "send_feed_card", feed) == OK

    logged = await robot_messages(sim, access_token=DEMO_ROBOT)
    assert [m["msgtype"] for m in logged] == ["text", "markdown", "link", "actionCard", "actionCard", "feedCard"]
    assert [m["id"] for m in logged] == [1, 2, 3, 4, 5, 6] and {m["chatid"] for m in logged} == {CHATID}
    text = logged[0]
    assert text["text"]["content"] == "构建成功\n@13800000123"  # DingtalkChatbot appends the @mobile
    assert text["at"] == {"atUserIds": ["user456"], "atMobiles": ["13800000123"], "isAtAll": False,
                          "mentioned": ["user456", "user123"]}
    assert logged[1]["at"]["isAtAll"] is True
    assert logged[2]["at"] == {"atUserIds": [], "atMobiles": [], "isAtAll": False, "mentioned": []}
    assert logged[3]["actionCard"]["singleTitle"] == "查看"
    assert [b["title"] for b in logged[4]["actionCard"]["btns"]] == ["发布", "取消"]
    assert [link["title"] for link in logged[5]["feedCard"]["links"]] == ["构建 1", "第二条"]
    assert [m["id"] for m in await robot_messages(sim, msgtype="actionCard")] == [4, 5]


async def test_keywords_are_looked_for_in_every_text_a_member_reads(sim):
    bot = DingtalkChatbot(webhook(sim))
    assert await send(bot, "send_text", "deploy done") == {"errcode": 310000, "errmsg": KEYWORD_MISS}
    card = ActionCard("发布", "发布吗", [CardItem("构建详情", "https://ci.example.com/1")])
    assert await send(bot, "send_action_card", card) == OK  # a button's title counts
    assert [m["msgtype"] for m in await robot_messages(sim)] == ["actionCard"]


async def test_a_signed_robot_checks_sign_and_timestamp_on_the_virtual_clock(sim):
    robot = await create_robot(sim, secret=SECRET)
    url = webhook(sim, robot["access_token"])
    assert await send(DingtalkChatbot(url, secret=SECRET), "send_text", "signed") == OK
    wrong = DingtalkChatbot(url, secret="SEC" + "0" * 64)
    assert await send(wrong, "send_text", "forged") == {"errcode": 310000, "errmsg": SIGN_MISMATCH}
    unsigned = DingtalkChatbot(url)
    assert await send(unsigned, "send_text", "unsigned") == {"errcode": 310000, "errmsg": SIGN_MISMATCH}
    stale = DingtalkChatbot(url, secret=SECRET)  # signs once, at construction, with the wall clock
    await advance(sim, 3600 + 5)
    assert await send(stale, "send_text", "an hour later") == {"errcode": 310000, "errmsg": SIGN_EXPIRED}
    assert [m["text"]["content"] for m in await robot_messages(sim, access_token=robot["access_token"])] == ["signed"]


async def test_signature_edges_by_hand(sim):
    robot = await create_robot(sim, secret=SECRET)
    now_ms = str(int((await (await sim.get("/_chatsim/tenants/default/clock")).json())["now"] * 1000))
    body = {"msgtype": "text", "text": {"content": "x"}}

    async def post(timestamp: str, signature: str):
        resp = await sim.post("/robot/send", json=body, params={"access_token": robot["access_token"],
                                                                 "timestamp": timestamp, "sign": signature})
        return (await resp.json())["errmsg"]

    assert await post(now_ms, sign(now_ms, SECRET)) == "ok"  # aiohttp URL-encodes the Base64
    earlier = str(int(now_ms) - 3_500_000)
    assert await post(earlier, sign(earlier, SECRET)) == "ok"  # within the hour
    assert await post("yesterday", sign("yesterday", SECRET)) == SIGN_EXPIRED
    assert await post(now_ms, sign(str(int(now_ms) + 1), SECRET)) == SIGN_MISMATCH


async def test_ip_allow_list_is_the_peer_address(sim):
    elsewhere = await create_robot(sim, ips=["10.0.0.0/8"])
    here = await create_robot(sim, ips=["192.0.2.7", "127.0.0.1/32"])
    refused = await send(DingtalkChatbot(webhook(sim, elsewhere["access_token"])), "send_text", "hi")
    assert refused == {"errcode": 310000, "errmsg": IP_DENIED}
    assert await send(DingtalkChatbot(webhook(sim, here["access_token"])), "send_text", "hi") == OK


async def test_unknown_token(sim):
    answer = await send(DingtalkChatbot(webhook(sim, "nosuchtoken")), "send_text", "构建")
    assert answer == {"errcode": 300001, "errmsg": "token is not exist"}
    resp = await sim.post("/robot/send", json={"msgtype": "text", "text": {"content": "构建"}})
    assert await resp.json() == {"errcode": 300001, "errmsg": "token is not exist"}


async def test_twenty_a_minute_then_ten_minutes_of_refusals(sim):
    """One sender per message (as 21 CI jobs would be): DingtalkChatbot would otherwise wait out the
    minute itself before the 21st."""
    for n in range(20):
        assert await send(DingtalkChatbot(webhook(sim)), "send_text", f"构建 {n}") == OK
    too_fast = {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
    assert await send(DingtalkChatbot(webhook(sim)), "send_text", "构建 20") == too_fast
    await advance(sim, 61)
    assert await send(DingtalkChatbot(webhook(sim)), "send_text", "构建 21") == too_fast
    await advance(sim, 600)
    assert await send(DingtalkChatbot(webhook(sim)), "send_text", "构建 22") == OK
    assert len(await robot_messages(sim)) == 21


async def test_message_shape_errors(sim):
    async def post(body, **kwargs):
        resp = await sim.post("/robot/send", params={"access_token": DEMO_ROBOT}, json=body, **kwargs)
        return (await resp.json())["errcode"]

    assert await post({"text": {"content": "构建"}}) == 40035
    assert await post({"msgtype": "image", "image": {"picURL": "x"}}) == 40035
    assert await post({"msgtype": "text", "text": {"content": "  "}}) == 400102
    assert await post({"msgtype": "text", "text": "构建"}) == 400102
    assert await post({"msgtype": "link", "link": {"title": "构建", "text": "x"}}) == 400204
    assert await post({"msgtype": "markdown", "markdown": {"text": "构建"}}) == 400402
    assert await post({"msgtype": "actionCard", "actionCard": {"title": "构建", "text": "x"}}) == 400504
    assert await post({"msgtype": "actionCard", "actionCard": {"title": "构建", "text": "x", "btns": [{}]}}) == 400504
    assert await post({"msgtype": "feedCard", "feedCard": {"links": [{"title": "构建"}]}}) == 400602
    assert await post({"msgtype": "text", "text": {"content": "构建" + "x" * 20_000}}) == 460101
    resp = await sim.post("/robot/send", params={"access_token": DEMO_ROBOT}, data="msgtype=text")
    assert await resp.json() == {"errcode": 40035, "errmsg": "缺少参数 json"}
    assert await robot_messages(sim) == []


async def test_robots_come_from_the_scenario_and_their_log_is_bounded(sim):
    await load_scenario(sim, "small", SMALL_LOGS)
    bot = DingtalkChatbot(webhook(sim, "smalltoken", "small"))
    for n in range(3):
        assert await send(bot, "send_text", f"ci {n}", at_mobiles=["13900000001", "13900000009"]) == OK
    logged = await robot_messages(sim, "small")
    assert [m["text"]["content"].split("\n")[0] for m in logged] == ["ci 1", "ci 2"]
    assert logged[0]["at"]["mentioned"] == ["u1"]  # a mobile of no member reaches nobody
    state = await (await sim.get("/_chatsim/tenants/small/state")).json()
    assert [r["access_token"] for r in state["vendors"]["dingtalk"]["robots"]] == ["smalltoken"]


async def test_scenario_robots_are_checked(sim):
    resp = await sim.put("/_chatsim/tenants/bad/scenario", headers={"Content-Type": "application/yaml"}, data=b"""
chatsim: 1
dingtalk:
  orgs:
    - corpId: dingbad
      users: [{userid: u1}]
      chats: [{chatid: chatbad, name: Bad, owner: u1, useridlist: [u1]}]
      robots: [{chatid: chatnone, keywords: [ci]}, {chatid: chatbad}]
""")
    text = await resp.text()
    assert resp.status == 400, text
    assert "dingtalk.orgs[0].robots[0].chatid" in text and "dingtalk.orgs[0].robots[1].keywords" in text


async def test_admin_create_robot_refuses_what_the_settings_page_would(sim):
    base = "/_chatsim/tenants/default/dingtalk/robots"
    assert (await sim.post(base, json={"chatid": CHATID})).status == 400  # no security setting
    assert (await sim.post(base, json={"chatid": "chatnone", "keywords": ["x"]})).status == 404
    assert (await sim.post(base, json={"chatid": CHATID, "keywords": ["x"], "access_token": DEMO_ROBOT})).status == 409
    assert (await sim.post(base, json={"chatid": CHATID, "ips": ["not an ip"]})).status == 400
    robot = await create_robot(sim, keywords=["x"], name="告警")
    assert len(robot["access_token"]) == 64 and robot["name"] == "告警"
    listed = await (await sim.get(base, params={"chatid": CHATID})).json()
    assert [r["access_token"] for r in listed["robots"]] == [DEMO_ROBOT, robot["access_token"]]


def test_the_pytest_plugin_reads_what_a_robot_posted(chatsim):
    robot = chatsim.dingtalk.create_robot(CHATID, secret=SECRET)
    bot = DingtalkChatbot(chatsim.dingtalk.webhook(robot["access_token"]), secret=SECRET)
    assert bot.send_markdown("部署", "### 部署完成") == OK
    found = chatsim.dingtalk.assert_robot_sent(robot["access_token"], contains="部署完成", msgtype="markdown")
    assert found["markdown"]["title"] == "部署"
    assert chatsim.dingtalk.robot_messages(msgtype="text") == []
    try:
        chatsim.dingtalk.assert_robot_sent(robot["access_token"], contains="回滚")
    except AssertionError as exc:
        assert "[markdown] '部署 ### 部署完成'" in str(exc)
    else:
        raise AssertionError("assert_robot_sent passed for a message never sent")


async def test_a_later_section_replaces_a_robot_by_its_token(sim):
    await load_scenario(sim, "merged", SMALL_LOGS)
    resp = await sim.put("/_chatsim/tenants/merged/scenario", params={"merge": "true"},
                         headers={"Content-Type": "application/yaml"}, data=b"""
chatsim: 1
dingtalk:
  orgs:
    - corpId: dingsmall
      robots: [{access_token: smalltoken, chatid: chatsmall, ips: [127.0.0.1]}]
""")
    assert resp.status == 200, await resp.text()
    robots = (await (await sim.get("/_chatsim/tenants/merged/dingtalk/robots")).json())["robots"]
    assert [(r["access_token"], r["keywords"], r["ips"]) for r in robots] == [("smalltoken", [], ["127.0.0.1"])]
