"""The chat endpoints that set up state: /chat/create, /chat/get, /chat/update, /topapi/chat/updategroupnick."""


from tests.conftest import load_scenario
from tests.dingtalk.support import (
    CHATID,
    GROUPNICK,
    OTHER_ORG,
    READONLY_KEY,
    READONLY_SECRET,
    TENANT_HEADER,
    TOPAPI_CONTENT_TYPE,
    admin_chat,
    body_of,
    get_token,
)

MEMBERS = ["manager4220", "user123"]


async def create(sim, token, body, **kwargs):
    return await body_of(await sim.post("/chat/create", params={"access_token": token}, json=body, **kwargs))


async def update(sim, token, body):
    return await body_of(await sim.post("/chat/update", params={"access_token": token}, json=body))


async def chat_info(sim, token, chatid):
    body = await body_of(await sim.get("/chat/get", params={"access_token": token, "chatid": chatid}))
    assert body["errcode"] == 0, body
    return body["chat_info"]


async def test_create_then_get(sim):
    token = await get_token(sim)
    created = await create(sim, token, {"name": "项目群", "owner": "manager4220", "useridlist": MEMBERS,
                                        "searchable": 1})
    assert created["errcode"] == 0 and created["errmsg"] == "ok"
    assert created["chatid"].startswith("chat") and created["openConversationId"].startswith("cid")
    assert created["conversationTag"] == 2
    info = await chat_info(sim, token, created["chatid"])
    assert info == {"chatid": created["chatid"], "name": "项目群", "owner": "manager4220", "useridlist": MEMBERS,
                    "conversationTag": 2, "showHistoryType": 0, "searchable": 1, "validationType": 0,
                    "mentionAllAuthority": 0, "managementType": 0, "chatBannedType": 0, "icon": "", "status": 1}
    assert (await admin_chat(sim, created["chatid"]))["created_by"] == "dingdemoappkey"


async def test_a_repeated_member_is_one_member(sim):
    token = await get_token(sim)
    created = await create(sim, token, {"name": "g", "owner": "manager4220",
                                        "useridlist": ["user123", "manager4220", "user123"]})
    assert (await chat_info(sim, token, created["chatid"]))["useridlist"] == ["user123", "manager4220"]


CREATE_ERRORS = [
    ({"owner": "manager4220", "useridlist": MEMBERS}, 40035, "群名称不能为空"),
    ({"name": "x" * 21, "owner": "manager4220", "useridlist": MEMBERS}, 400002, "参数过长"),
    ({"name": "g", "useridlist": MEMBERS}, 49013, "群主不能为空"),
    ({"name": "g", "owner": "manager4220"}, 49010, "群成员不能为空"),
    ({"name": "g", "owner": "manager4220", "useridlist": []}, 49010, "群成员不能为空"),
    ({"name": "g", "owner": "manager4220", "useridlist": [f"u{i}" for i in range(41)]}, 49011, "群成员长度超限"),
    ({"name": "g", "owner": "manager4220", "useridlist": ["manager4220", "ghost"]}, 40031, "无效的useridlist列表"),
    ({"name": "g", "owner": "user456", "useridlist": MEMBERS}, 40031, "无效的useridlist列表"),
    ({"name": "g", "owner": "manager4220", "useridlist": MEMBERS, "searchable": 2}, 40035, "不合法的参数"),
]


async def test_create_errors_create_nothing(sim):
    token = await get_token(sim)
    for body, errcode, errmsg in CREATE_ERRORS:
        assert await create(sim, token, body) == {"errcode": errcode, "errmsg": errmsg}, body
    chats = await (await sim.get("/_chatsim/tenants/default/dingtalk/chats")).json()
    assert [chat["chatid"] for chat in chats["chats"]] == [CHATID]


async def test_create_needs_a_json_body(sim):
    token = await get_token(sim)
    resp = await sim.post("/chat/create", params={"access_token": token},
                          data={"name": "g", "owner": "manager4220", "useridlist": "manager4220"})
    assert await body_of(resp) == {"errcode": 43009, "errmsg": "参数需要是json格式"}


async def test_legacy_paths_without_permission_are_43007(sim):
    token = await get_token(sim, READONLY_KEY, READONLY_SECRET)
    denied = await create(sim, token, {"name": "g", "owner": "manager4220", "useridlist": MEMBERS})
    assert denied == {"errcode": 43007, "errmsg": "需要授权"}
    assert await update(sim, token, {"chatid": CHATID, "name": "x"}) == {"errcode": 43007, "errmsg": "没有调用权限"}
    assert (await chat_info(sim, token, CHATID))["name"] == "全员群"  # qyapi_chat_read is enough to read


async def test_get_errors(sim):
    token = await get_token(sim)
    missing = await sim.get("/chat/get", params={"access_token": token})
    assert await body_of(missing) == {"errcode": 49000, "errmsg": "需要参数chatid"}
    unknown = await sim.get("/chat/get", params={"access_token": token, "chatid": "chatnope"})
    assert await body_of(unknown) == {"errcode": 40016, "errmsg": "无效的chatid"}
    wrong_method = await sim.post("/chat/get", params={"access_token": token, "chatid": CHATID})
    assert await body_of(wrong_method) == {"errcode": 43001, "errmsg": "需要GET请求"}


async def test_chat_of_another_org_is_invisible(sim):
    await load_scenario(sim, "two", OTHER_ORG)
    resp = await sim.put("/_chatsim/tenants/two/scenario", params={"file": "demo.yaml", "merge": "true"})
    assert resp.status == 200
    token = await get_token(sim, tenant="two")
    resp = await sim.get("/chat/get", params={"access_token": token, "chatid": "chatother0001"},
                         headers={TENANT_HEADER: "two"})
    assert (await body_of(resp))["errcode"] == 40016


async def test_update_like_dingtalk_sdk_sends_it(sim):
    """dingtalk-sdk sends every key: null owner/name, empty lists, "" icon and all six flags."""
    token = await get_token(sim)
    body = {"chatid": CHATID, "name": "改名群", "owner": None, "add_useridlist": ["user789"],
            "del_useridlist": ["user456"], "icon": "", "chatBannedType": 0, "searchable": 1, "validationType": 0,
            "mentionAllAuthority": 0, "showHistoryType": 0, "managementType": 0}
    assert await update(sim, token, body) == {"errcode": 0, "errmsg": "ok"}
    info = await chat_info(sim, token, CHATID)
    assert (info["name"], info["owner"], info["searchable"]) == ("改名群", "manager4220", 1)
    assert info["useridlist"] == ["manager4220", "user123", "user789"]


async def test_update_owner_and_ban(sim):
    token = await get_token(sim)
    assert (await update(sim, token, {"chatid": CHATID, "owner": "user123", "isBan": True}))["errcode"] == 0
    info = await chat_info(sim, token, CHATID)
    assert (info["owner"], info["chatBannedType"]) == ("user123", 1)


UPDATE_ERRORS = [
    ({"name": "x"}, 49000, "需要chatid"),
    ({"chatid": "chatnope"}, 40016, "无效的chatid"),
    ({"chatid": CHATID, "name": "x" * 21}, 49015, "无效的群名称"),
    ({"chatid": CHATID, "add_useridlist": ["ghost"]}, 40031, "无效的userid列表"),
    ({"chatid": CHATID, "add_useridlist": ["user789"], "del_useridlist": ["user789"]}, 49004,
     "添加和删除的人员有交集"),
    ({"chatid": CHATID, "add_extidlist": ["ext1"]}, 49009, "企业群不允许添加和删除外部联系人"),
    ({"chatid": CHATID, "owner": "user789"}, 40031, "无效的userid列表"),
    ({"chatid": CHATID, "del_useridlist": ["manager4220"]}, 40031, "无效的userid列表"),
    ({"chatid": CHATID, "add_useridlist": [f"u{i}" for i in range(41)]}, 49011, "userid列表超限"),
    ({"chatid": CHATID, "managementType": 7}, 40035, "不合法的参数"),
]


async def test_update_errors_change_nothing(sim):
    token = await get_token(sim)
    before = await admin_chat(sim)
    for body, errcode, errmsg in UPDATE_ERRORS:
        assert await update(sim, token, body) == {"errcode": errcode, "errmsg": errmsg}, body
    assert await admin_chat(sim) == before


async def test_update_body_errors(sim):
    token = await get_token(sim)
    broken = await sim.post("/chat/update", params={"access_token": token}, data=b"{nope",
                            headers={"Content-Type": "application/json"})
    assert await body_of(broken) == {"errcode": 71010, "errmsg": "JSON解析失败"}
    form = await sim.post("/chat/update", params={"access_token": token}, data={"chatid": CHATID})
    assert await body_of(form) == {"errcode": 43009, "errmsg": "参数需要是json格式"}


async def test_update_group_nick(sim):
    token = await get_token(sim)
    resp = await sim.post(GROUPNICK, params={"access_token": token},
                          json={"userid": "user123", "chatid": CHATID, "group_nick": "小张"})
    body = await body_of(resp)
    assert resp.headers["Content-Type"] == TOPAPI_CONTENT_TYPE
    assert (body["errcode"], body["success"]) == (0, True)
    assert (await admin_chat(sim))["group_nicks"] == {"user123": "小张"}


NICK_ERRORS = [
    ({"userid": "ghost", "chatid": CHATID, "group_nick": "n"}, 40003, "无效的userid"),
    ({"userid": "user789", "chatid": CHATID, "group_nick": "n"}, 60124, "用户不在对应的群内"),
    ({"userid": "user123", "chatid": "chatnope", "group_nick": "n"}, 34001, "无效的chatid"),
    ({"userid": "user123", "chatid": CHATID, "group_nick": "违禁词"}, 41049, "包含违禁内容"),
    ({"userid": "user123", "chatid": CHATID}, 400002, "参数错误"),
]


async def test_update_group_nick_errors(sim):
    await load_scenario(sim, "default", "chatsim: 1\ndingtalk: {forbidden_words: [违禁]}\n")
    resp = await sim.put("/_chatsim/tenants/default/scenario", params={"file": "demo.yaml", "merge": "true"})
    assert resp.status == 200
    token = await get_token(sim)
    for body, errcode, errmsg in NICK_ERRORS:
        answer = await body_of(await sim.post(GROUPNICK, params={"access_token": token}, json=body))
        assert answer == {"errcode": errcode, "errmsg": errmsg, "request_id": answer["request_id"]}, body
    assert (await admin_chat(sim))["group_nicks"] == {}


async def test_group_nick_without_permission_is_88_60011(sim):
    token = await get_token(sim, READONLY_KEY, READONLY_SECRET)
    resp = await sim.post(GROUPNICK, params={"access_token": token},
                          json={"userid": "user123", "chatid": CHATID, "group_nick": "n"})
    body = await body_of(resp)
    assert (body["errcode"], body["sub_code"]) == (88, "60011")


async def test_dissolved_chat_reads_with_status_2_but_changes_as_unknown(sim):
    await load_scenario(sim, "default", """
chatsim: 1
dingtalk:
  orgs:
    - corpId: dingx
      users: [{userid: u1}]
      apps: [{appkey: k, appsecret: s, permissions: [qyapi_chat_manage, qyapi_chat_read]}]
      chats: [{chatid: chatgone, name: gone, owner: u1, useridlist: [u1], status: 2}]
""")
    token = await get_token(sim, "k", "s")
    assert (await chat_info(sim, token, "chatgone"))["status"] == 2
    resp = await sim.post("/topapi/chat/member/friendswitch/update", params={"access_token": token},
                          json={"chatid": "chatgone", "is_prohibit": True})
    assert (await body_of(resp))["errcode"] == 34001
    assert await update(sim, token, {"chatid": "chatgone", "name": "back"}) == {"errcode": 40016,
                                                                               "errmsg": "无效的chatid"}


async def test_inconsistent_scenario_is_rejected(sim):
    cases = [("chats: [{name: g, owner: u1, useridlist: [u2]}]",
              "dingtalk.orgs[0].chats[0].owner: the owner must be in useridlist"),
             ("chats: [{name: g, owner: u1, useridlist: [u1, ghost]}]",
              "dingtalk.orgs[0].chats[0]: 'ghost' is not a user of dingx"),
             ("chats: [{chatid: chata, openConversationId: cidSame==, name: a, owner: u1, useridlist: [u1]}, "
              "{chatid: chatb, openConversationId: cidSame==, name: b, owner: u1, useridlist: [u1]}]",
              "dingtalk.orgs[0].chats[1].openConversationId: already the openConversationId of chata")]
    for chats, problem in cases:
        text = ("chatsim: 1\ndingtalk:\n  orgs:\n    - corpId: dingx\n"
                f"      users: [{{userid: u1}}, {{userid: u2}}]\n      {chats}\n")
        resp = await sim.put("/_chatsim/tenants/bad/scenario", data=text.encode(),
                             headers={"Content-Type": "application/yaml"})
        assert resp.status == 400
        assert (await resp.json())["error"].endswith(problem)
