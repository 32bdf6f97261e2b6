"""The v1.0 gateway over raw HTTP: tokens shared with oapi, the error envelope and its statuses,
token-before-everything ordering, and one world with oapi and the admin API."""

import re

from tests.conftest import load_scenario
from tests.dingtalk.support import (
    APPKEY,
    APPSECRET,
    CHATID,
    CORP,
    OTHER_ORG,
    READONLY_KEY,
    READONLY_SECRET,
    TENANT_HEADER,
    admin_chat,
    advance,
    get_token,
)

TOKEN_HEADER = "x-acs-dingtalk-access-token"
OPEN_CID = "cidDemoGroup0+MSA=="
REQUEST_ID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


async def v1_token(sim, appkey=APPKEY, appsecret=APPSECRET):
    resp = await sim.post("/v1.0/oauth2/accessToken", json={"appKey": appkey, "appSecret": appsecret})
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["expireIn"] == 7200
    return body["accessToken"]


async def v1(sim, method, path, token, body=None, **kwargs):
    headers = {TOKEN_HEADER: token} if token is not None else {}
    resp = await sim.request(method, path, json=body, headers=headers, **kwargs)
    return resp.status, await resp.json(), resp


async def expect_error(sim, method, path, token, body, status, code, message):
    got_status, got, resp = await v1(sim, method, path, token, body)
    assert (got_status, got["code"], got["message"]) == (status, code, message), got
    assert REQUEST_ID.match(got["requestid"]) and resp.headers["x-acs-request-id"] == got["requestid"]
    assert resp.headers["Content-Type"] == "application/json;charset=utf-8"
    return got


async def test_oapi_and_v1_tokens_are_the_same_live_token(sim):
    token = await v1_token(sim)
    assert await get_token(sim) == token
    await advance(sim, 7000)
    assert await v1_token(sim) == token  # renewed while live, by either API
    await advance(sim, 7201)
    fresh = await v1_token(sim)
    assert fresh != token and await get_token(sim) == fresh


async def test_corp_token_is_the_same_token_for_the_app_of_that_corp(sim):
    token = await v1_token(sim)
    creds = {"client_id": APPKEY, "client_secret": APPSECRET, "grant_type": "client_credentials"}
    resp = await sim.post(f"/v1.0/oauth2/{CORP}/token", json=creds)
    assert await resp.json() == {"access_token": token, "expires_in": 7200}
    await expect_error(sim, "POST", "/v1.0/oauth2/dingothercorp/token", None, creds, 400,
                       "invalidClientIdOrSecret", "无效的clientId或者clientSecret")


async def test_token_errors(sim):
    await expect_error(sim, "POST", "/v1.0/oauth2/accessToken", None, {"appKey": APPKEY, "appSecret": "wrong"},
                       400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
    await expect_error(sim, "POST", "/v1.0/oauth2/accessToken", None, {"appKey": APPKEY}, 400,
                       "MissingappSecret", "appSecret is mandatory for this action.")
    resp = await sim.post("/v1.0/oauth2/accessToken", data={"appKey": APPKEY, "appSecret": APPSECRET})
    assert (resp.status, (await resp.json())["message"]) == (400, "body is mandatory for this action.")
    resp = await sim.post("/v1.0/oauth2/accessToken")
    assert (resp.status, (await resp.json())["code"]) == (400, "Missingbody")


async def test_token_is_checked_before_anything_else(sim):
    for token in (None, "", "bogus"):
        await expect_error(sim, "POST", "/v1.0/im/group/update", token, {"no": "chatid"}, 400,
                           "InvalidAuthentication", "不合法的access_token")
    token = await v1_token(sim)
    await advance(sim, 7201)
    await expect_error(sim, "POST", "/v1.0/im/group/update", token, {"chatid": CHATID, "name": "x"}, 400,
                       "InvalidAuthentication", "不合法的access_token")
    assert (await admin_chat(sim))["name"] == "全员群"


async def test_permission_is_403_with_the_scope_named(sim):
    token = await v1_token(sim, READONLY_KEY, READONLY_SECRET)
    got = await expect_error(sim, "POST", "/v1.0/im/sceneGroup/update", token,
                             {"open_conversation_id": OPEN_CID}, 403,
                             "Forbidden.AccessDenied.AccessTokenPermissionDenied",
                             "应用尚未开通所需的权限：[qyapi_chat_manage]")
    assert got["accessdenieddetail"] == {"requiredScopes": ["qyapi_chat_manage"]}
    status, info, _ = await v1(sim, "POST", "/v1.0/im/sceneGroups/query", token, {"openConversationId": OPEN_CID})
    assert (status, info["title"]) == (200, "全员群")


async def test_unknown_paths_and_methods_are_404_even_without_a_token(sim):
    for method, path in (("POST", "/v1.0/im/nosuch"), ("GET", "/v1.0/im/group/create"), ("GET", "/v1.0/")):
        await expect_error(sim, method, path, None, None, 404, "InvalidAction.NotFound",
                           "Specified api is not found, please check your url and method.")


async def test_parameter_errors(sim):
    token = await v1_token(sim)
    await expect_error(sim, "POST", "/v1.0/im/group/create", token, {"owner": "manager4220", "useridlist": ["x"]},
                       400, "Missingname", "name is mandatory for this action.")
    await expect_error(sim, "POST", "/v1.0/im/group/create", token,
                       {"name": "g", "owner": "manager4220", "useridlist": ["manager4220"],
                        "managementOptions": {"searchable": 7}},
                       400, "InvalidParameter", "Specified parameter managementOptions is not valid.")
    await expect_error(sim, "POST", "/v1.0/im/sceneGroups/query", token, {"openConversationId": "cidnosuch=="},
                       400, "InvalidParameter", "Specified parameter openConversationId is not valid.")
    await expect_error(sim, "PUT", "/v1.0/im/sceneGroups/members/groupNicks", token,
                       {"openConversationId": OPEN_CID, "userId": "user789", "groupNick": "n"},
                       400, "60124", "用户不在对应的群内")


async def test_another_orgs_chat_is_unknown(sim):
    await load_scenario(sim, "other", OTHER_ORG)
    resp = await sim.post("/v1.0/oauth2/accessToken", json={"appKey": "otherkey", "appSecret": "othersecret"},
                          headers={TENANT_HEADER: "other"})
    token = (await resp.json())["accessToken"]
    resp = await sim.post(f"/v1.0/im/chat/{CHATID}/convertToOpenConversationId",
                          headers={TOKEN_HEADER: token, TENANT_HEADER: "other"})
    assert (resp.status, (await resp.json())["code"]) == (400, "InvalidParameter")


async def test_v1_changes_are_oapi_changes_and_the_reverse(sim):
    token = await v1_token(sim)
    status, created, _ = await v1(sim, "POST", "/v1.0/im/group/create", token,
                                  {"name": "新版群", "owner": "manager4220", "useridlist": ["manager4220", "user123"],
                                   "managementOptions": {"searchable": 1}})
    assert status == 200 and created["conversationTag"] == 2
    chatid, cid = created["chatid"], created["openConversationId"]
    resp = await sim.get("/chat/get", params={"access_token": token, "chatid": chatid})
    info = (await resp.json())["chat_info"]
    assert (info["name"], info["searchable"], info["useridlist"]) == ("新版群", 1, ["manager4220", "user123"])
    assert (await v1(sim, "POST", f"/v1.0/im/chat/{chatid}/convertToOpenConversationId", token))[1] == \
        {"openConversationId": cid}
    await sim.post("/chat/update", params={"access_token": token}, json={"chatid": chatid, "name": "旧版改名"})
    status, info, _ = await v1(sim, "POST", "/v1.0/im/sceneGroups/query", token, {"openConversationId": cid})
    assert (status, info["title"], info["ownerUserId"], info["status"]) == (200, "旧版改名", "manager4220", 1)


async def test_scene_group_update_sets_the_friend_switch_and_flags(sim):
    token = await v1_token(sim)
    status, body, _ = await v1(sim, "POST", "/v1.0/im/sceneGroup/update", token,
                               {"open_conversation_id": OPEN_CID, "title": "场景群",
                                "management_options": {"add_friend_forbidden": 1, "searchable": 1,
                                                       "only_admin_can_ding": 1}})
    assert (status, body) == (200, {"success": True})
    chat = await admin_chat(sim)
    assert (chat["is_prohibit"], chat["is_prohibit_changed_by"], chat["name"]) == (True, APPKEY, "场景群")
    assert (chat["searchable"], chat["scene_options"]) == (1, {"only_admin_can_ding": 1})
    await v1(sim, "POST", "/v1.0/im/sceneGroup/update", token,
             {"open_conversation_id": OPEN_CID, "management_options": {"add_friend_forbidden": 0}})
    assert (await admin_chat(sim))["is_prohibit"] is False


async def test_members_and_nicks(sim):
    token = await v1_token(sim)
    add = {"open_conversation_id": OPEN_CID, "user_ids": "user789"}
    assert (await v1(sim, "POST", "/v1.0/im/sceneGroup/member/add", token, add))[0] == 200
    page = {"openConversationId": OPEN_CID, "size": 3}
    _, first, _ = await v1(sim, "POST", "/v1.0/im/sceneGroups/members/query", token, page)
    assert first == {"success": True, "memberUserIds": ["manager4220", "user123", "user456"], "hasMore": True,
                     "nextCursor": "3"}
    _, rest, _ = await v1(sim, "POST", "/v1.0/im/sceneGroups/members/query", token, {**page, "cursor": "3"})
    assert rest == {"success": True, "memberUserIds": ["user789"], "hasMore": False}
    remove = {"open_conversation_id": OPEN_CID, "user_ids": ["user123"]}
    assert (await v1(sim, "POST", "/v1.0/im/sceneGroup/member/delete", token, remove))[0] == 200
    nick = {"openConversationId": OPEN_CID, "userId": "user789", "groupNick": "小赵"}
    assert (await v1(sim, "PUT", "/v1.0/im/sceneGroups/members/groupNicks", token, nick))[1] == {"success": True}
    chat = await admin_chat(sim)
    assert (chat["useridlist"], chat["group_nicks"]) == (["manager4220", "user456", "user789"], {"user789": "小赵"})
    await expect_error(sim, "POST", "/v1.0/im/sceneGroup/member/delete", token,
                       {"open_conversation_id": OPEN_CID, "user_ids": ["manager4220"]}, 400, "40031",
                       "无效的userid列表")


async def test_a_chat_replaced_by_a_later_section_answers_to_its_new_open_conversation_id(sim):
    section = ("chatsim: 1\ndingtalk:\n  orgs:\n    - corpId: dingx\n      users: [{{userid: u1}}]\n"
               "      apps: [{{appkey: k, appsecret: s, permissions: [qyapi_chat_read]}}]\n"
               "      chats: [{{chatid: chatx, openConversationId: {cid}, name: {name}, owner: u1,"
               " useridlist: [u1]}}]\n")
    await load_scenario(sim, "default", section.format(cid="cidOld==", name="old"))
    resp = await sim.put("/_chatsim/tenants/default/scenario?merge=true", headers={"Content-Type": "application/yaml"},
                         data=section.format(cid="cidNew==", name="new").encode())
    assert resp.status == 200, await resp.text()
    token = await v1_token(sim, "k", "s")
    status, info, _ = await v1(sim, "POST", "/v1.0/im/sceneGroups/query", token, {"openConversationId": "cidNew=="})
    assert (status, info["title"]) == (200, "new")
    await expect_error(sim, "POST", "/v1.0/im/sceneGroups/query", token, {"openConversationId": "cidOld=="},
                       400, "InvalidParameter", "Specified parameter openConversationId is not valid.")
