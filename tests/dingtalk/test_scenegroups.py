"""oapi scene groups (/topapi/im/chat/scenegroup/*) over the chats the rest of DingTalk uses: made
here, changed through v1.0 (the Tea SDK), read back through oapi's /chat/get and the admin API, and
the reverse; dingtalk-sdk 1.3.8's generic post sends them as its users do."""

import asyncio

from alibabacloud_dingtalk.im_1_0 import models as im_models

from tests.dingtalk.support import (
    CHATID,
    READONLY_KEY,
    READONLY_SECRET,
    REQUEST_ID,
    TOPAPI_CONTENT_TYPE,
    admin_chat,
    get_token,
)
from tests.dingtalk.test_sdk import sdk_client
from tests.dingtalk.test_v1_sdk import call, token_of

BASE = "/topapi/im/chat/scenegroup"
DEMO_CID = "cidDemoGroup0+MSA=="


async def topapi(sim, token: str, path: str, body, form: bool = False):
    kwargs = {"data": body} if form else {"json": body}
    resp = await sim.post(BASE + path, params={"access_token": token}, **kwargs)
    assert resp.status == 200 and resp.headers["Content-Type"] == TOPAPI_CONTENT_TYPE
    answer = await resp.json()
    assert REQUEST_ID.match(answer["request_id"])
    return answer


async def test_create_get_update_and_members(sim):
    token = await get_token(sim)
    created = await topapi(sim, token, "/create", {
        "title": "项目场景群", "template_id": "tpl-1", "owner_user_id": "manager4220", "user_ids": "user123,user456",
        "subadmin_ids": "user123", "icon": "@icon", "searchable": 1, "add_friend_forbidden": 1,
        "only_admin_can_ding": 1})
    assert (created["errcode"], created["success"]) == (0, True)
    cid, chatid = created["result"]["open_conversation_id"], created["result"]["chat_id"]
    got = (await topapi(sim, token, "/get", {"open_conversation_id": cid}))["result"]
    assert got["title"] == "项目场景群" and got["template_id"] == "tpl-1" and got["owner_staff_id"] == "manager4220"
    assert got["sub_admin_staff_ids"] == ["user123"] and got["icon"] == "@icon"
    assert got["management_options"]["searchable"] == 1 and got["management_options"]["only_admin_can_ding"] == 1
    assert "add_friend_forbidden" not in got["management_options"]  # no API reads the friend switch back

    updated = await topapi(sim, token, "/update", {"open_conversation_id": cid, "title": "改名了",
                                                   "owner_user_id": "user123", "add_friend_forbidden": "0"}, form=True)
    assert updated["result"] == {"open_conversation_id": cid}
    assert (await topapi(sim, token, "/member/add", {"open_conversation_id": cid, "user_ids": "user789"}))["success"]
    assert (await topapi(sim, token, "/member/delete", {"open_conversation_id": cid, "user_ids": "user456"}))["success"]
    page = (await topapi(sim, token, "/member/get", {"open_conversation_id": cid, "cursor": "0", "size": 2}))["result"]
    assert page == {"member_user_ids": ["manager4220", "user123"], "has_more": True, "next_cursor": "2",
                    "staff_id_nick_map": {}}
    rest = (await topapi(sim, token, "/member/get", {"open_conversation_id": cid, "cursor": 2, "size": 2}))["result"]
    assert rest == {"member_user_ids": ["user789"], "has_more": False, "staff_id_nick_map": {}}

    chat = await admin_chat(sim, chatid)
    assert (chat["name"], chat["owner"]) == ("改名了", "user123")
    assert chat["useridlist"] == ["manager4220", "user123", "user789"]
    assert chat["is_prohibit"] is False and chat["is_prohibit_changed_by"] == "dingdemoappkey"
    assert chat["searchable"] == 1 and chat["template_id"] == "tpl-1"


async def test_empty_parts_and_repeats_of_user_ids_are_dropped(sim):
    token = await get_token(sim)
    created = await topapi(sim, token, "/create", {"title": "g", "template_id": "t", "owner_user_id": "manager4220",
                                                   "user_ids": ",user123,,user456,user123,"})
    chat = await admin_chat(sim, created["result"]["chat_id"])
    assert chat["useridlist"] == ["manager4220", "user123", "user456"] and chat["subadmins"] == []


async def test_a_repeated_uuid_answers_the_first_group(sim):
    token = await get_token(sim)
    body = {"title": "去重", "template_id": "t", "owner_user_id": "manager4220", "uuid": "req-42"}
    first = await topapi(sim, token, "/create", body)
    again = await topapi(sim, token, "/create", {**body, "title": "another"})
    assert first["result"] == again["result"]
    assert (await admin_chat(sim, first["result"]["chat_id"]))["name"] == "去重"


async def test_a_uuid_of_any_length_is_kept_as_its_digest(sim):
    """The spec sets the uuid no length and the dump does not show it: what is kept is fixed-size."""
    from chatsim.app import HOST

    token = await get_token(sim)
    body = {"title": "长", "template_id": "t", "owner_user_id": "manager4220", "uuid": "u" * 200_000}
    first = await topapi(sim, token, "/create", body)
    assert (await topapi(sim, token, "/create", body))["result"] == first["result"]
    other = await topapi(sim, token, "/create", {**body, "uuid": "u" * 199_999 + "v"})
    assert other["result"] != first["result"]
    kept = sim.server.app[HOST].registry.get("default").worlds["dingtalk"].scene_uuids
    assert [len(digest) for _, digest in kept] == [32, 32]


async def test_what_scene_groups_refuse(sim):
    token = await get_token(sim)
    unknown = await topapi(sim, token, "/get", {"open_conversation_id": "cidnosuch=="})
    assert (unknown["errcode"], unknown["errmsg"]) == (34001, "无效的chatid")
    stranger = await topapi(sim, token, "/create", {"title": "x", "template_id": "t", "owner_user_id": "nobody"})
    assert stranger["errcode"] == 40031
    no_title = await topapi(sim, token, "/create", {"template_id": "t", "owner_user_id": "manager4220"})
    assert (no_title["errcode"], no_title["errmsg"]) == (400002, "参数错误")
    owner_out = await topapi(sim, token, "/member/delete",
                             {"open_conversation_id": DEMO_CID, "user_ids": "manager4220"})
    assert owner_out["errcode"] == 40031
    admin_outside = await topapi(sim, token, "/create", {"title": "x", "template_id": "t",
                                                         "owner_user_id": "manager4220", "subadmin_ids": "user123"})
    assert admin_outside["errcode"] == 40031
    readonly = await get_token(sim, READONLY_KEY, READONLY_SECRET)
    denied = await topapi(sim, readonly, "/update", {"open_conversation_id": DEMO_CID, "title": "x"})
    assert (denied["errcode"], denied["sub_code"]) == (88, "60011")
    assert (await topapi(sim, readonly, "/get", {"open_conversation_id": DEMO_CID}))["errcode"] == 0


async def test_one_world_across_oapi_v1_and_the_admin_read(sim):
    """A scene group made on /topapi, changed through v1.0 and oapi's /chat/update, read back
    through each; the demo chat changed through /topapi, read through v1.0 and /chat/get."""
    client = sdk_client(sim)
    created = await asyncio.to_thread(client.post, BASE + "/create", {
        "title": "跨接口", "template_id": "t", "owner_user_id": "manager4220", "user_ids": "user123"})
    cid, chatid = created["result"]["open_conversation_id"], created["result"]["chat_id"]

    v1_token = await token_of(sim)
    options = im_models.UpdateSceneGroupRequestManagementOptions(add_friend_forbidden=1)
    request = im_models.UpdateSceneGroupRequest(open_conversation_id=cid, title="v1 改的", management_options=options)
    await call(sim, "update_scene_group", request, im_models.UpdateSceneGroupHeaders, v1_token)
    await asyncio.to_thread(client.chat.update, chatid, add_useridlist=["user456"])
    got = await asyncio.to_thread(client.post, BASE + "/get", {"open_conversation_id": cid})
    assert got["result"]["title"] == "v1 改的"
    members = await asyncio.to_thread(client.post, BASE + "/member/get", {"open_conversation_id": cid, "size": 10})
    assert members["result"]["member_user_ids"] == ["manager4220", "user123", "user456"]
    assert (await admin_chat(sim, chatid))["is_prohibit"] is True

    await asyncio.to_thread(client.post, BASE + "/update", {"open_conversation_id": DEMO_CID, "title": "oapi 改的"})
    await asyncio.to_thread(client.post, BASE + "/member/add",
                            {"open_conversation_id": DEMO_CID, "user_ids": "user789"})
    info = await call(sim, "get_scene_group_info", im_models.GetSceneGroupInfoRequest(open_conversation_id=DEMO_CID),
                      im_models.GetSceneGroupInfoHeaders, v1_token)
    assert info.body.title == "oapi 改的"
    chat_info = await asyncio.to_thread(client.chat.get, CHATID)
    assert chat_info["name"] == "oapi 改的" and "user789" in chat_info["useridlist"]
