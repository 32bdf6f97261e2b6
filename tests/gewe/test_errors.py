"""Every failure text of the reference that an implemented operation can give, and the auth step."""

import json

import pytest

from tests.gewe.support import (
    APP,
    BROKEN_TOKEN,
    EXPIRING_TOKEN,
    FULL_TOKEN,
    OTHER_APP,
    PREFIXES,
    ROOM,
    SLEEPY_APP,
    TOKEN,
    advance,
    gewe,
    ok,
    state,
)


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_missing_token_header(gw, prefix):
    body = await gewe(gw, "contacts/fetchContactsList", {"appId": APP}, token=None, prefix=prefix)
    assert body == {"ret": 500, "msg": "header:X-GEWE-TOKEN 不可为空"}


async def test_empty_token_header_counts_as_missing(gw):
    body = await gewe(gw, "contacts/fetchContactsList", {"appId": APP}, token="")
    assert body == {"ret": 500, "msg": "header:X-GEWE-TOKEN 不可为空"}


async def test_unknown_token_is_echoed_as_sent(gw):
    body = await gewe(gw, "contacts/fetchContactsList", {"appId": APP}, token="{{gewe-token}}")
    assert body == {"ret": 500, "msg": "HTTP HEADER: X-GEWE-TOKEN={{gewe-token}} 不可用或已过期"}


async def test_token_expires_on_the_virtual_clock(gw):
    assert await ok(gw, "login/getLoginQrCode", {"appId": ""}, EXPIRING_TOKEN)
    await advance(gw, 3600)
    body = await gewe(gw, "login/getLoginQrCode", {"appId": ""}, EXPIRING_TOKEN)
    assert body == {"ret": 500, "msg": f"HTTP HEADER: X-GEWE-TOKEN={EXPIRING_TOKEN} 不可用或已过期"}


async def test_get_token_id_needs_no_token(gw):
    body = await gewe(gw, "tools/getTokenId", {}, token=None, prefix="/v2/api")
    assert body["ret"] == 200 and body["msg"] == "执行成功"
    assert len(body["data"]) == 32 and int(body["data"], 16) >= 0


async def test_unknown_app_id_on_get_login_qr_code(gw):
    body = await gewe(gw, "login/getLoginQrCode", {"appId": "wx_xxx", "regionId": "320000", "type": "ipad"})
    assert body == {"ret": 500, "msg": "获取二维码失败", "data": {"code": "-1", "msg": "[wx_xxx]设备不存在"}}


async def test_a_device_of_another_token_does_not_exist_for_this_one(gw):
    body = await gewe(gw, "contacts/search", {"appId": OTHER_APP, "contactsInfo": "lilei_1990"})
    assert body["data"] == {"code": "-1", "msg": f"[{OTHER_APP}]设备不存在"}


async def test_already_logged_in(gw):
    body = await gewe(gw, "login/getLoginQrCode", {"appId": APP, "regionId": "320000", "type": "ipad"})
    assert body == {"ret": 500, "msg": "微信已登录，请勿重复登录。"}


async def test_offline_account(gw):
    body = await gewe(gw, "contacts/fetchContactsList", {"appId": SLEEPY_APP})
    assert body == {"ret": 500, "msg": "获取联系人列表失败", "data": {"code": "-1", "msg": "微信已离线"}}
    body = await gewe(gw, "contacts/addContacts", {"appId": SLEEPY_APP, "scene": 3, "option": 2, "v3": "v3_x",
                                                   "v4": "v4_x", "content": ""})
    assert body == {"ret": 500, "msg": "添加好友失败", "data": {"code": "-1", "msg": "微信已离线"}}


async def test_client_limit_per_token(gw):
    body = await gewe(gw, "login/getLoginQrCode", {"appId": ""}, FULL_TOKEN)
    assert body == {"ret": 500, "msg": "创建设备失败", "data": {"code": "-1", "msg": "已达到最大客户端数量操作"}}


async def test_device_creation_failure(gw):
    body = await gewe(gw, "login/getLoginQrCode", {"appId": ""}, BROKEN_TOKEN)
    assert body == {"ret": 500, "msg": "创建设备失败", "data": {"code": "-1", "msg": "exceeded maximum retries"}}


async def test_set_callback_to_an_unreachable_url(gw, unused_tcp_port):
    url = f"http://127.0.0.1:{unused_tcp_port}/v2/api/callback/collect"
    body = await gewe(gw, "tools/setCallback", {"token": TOKEN, "callbackUrl": url}, prefix="/v2/api")
    assert body == {"ret": 500, "msg": f"{url} push msg err"}
    assert all(token["callback_url"] is None for token in (await state(gw))["tokens"])


async def test_set_callback_with_a_wrong_body_token(gw, receiver):
    body = await gewe(gw, "tools/setCallback", {"token": APP, "callbackUrl": receiver.url})
    assert body == {"ret": 500, "msg": None}
    assert receiver.payloads == []


async def test_ticket_failure_shape(gw):
    body = await gewe(gw, "contacts/addContacts", {"appId": APP, "scene": 3, "option": 2, "v3": "v3_x@stranger",
                                                   "v4": "v4_x@stranger", "content": "hi"})
    assert body == {"ret": 500, "msg": "添加好友失败", "data": {"code": "-2", "msg": "user ticket invalid"}}


async def test_missing_body_field_is_named_and_listed_in_the_violations_header(gw):
    resp = await gw.post("/gewe/v2/api/contacts/setFriendPermissions", json={"appId": APP, "wxid": "wxid_friend"},
                         headers={"X-GEWE-TOKEN": TOKEN})
    assert await resp.json() == {"ret": 500, "msg": "onlyChat 不可为空"}
    assert json.loads(resp.headers["X-Chatsim-Violations"])[0]["field"] == "onlyChat"


async def test_numbers_and_booleans_sent_as_strings_are_accepted(gw):
    body = await gewe(gw, "contacts/setFriendPermissions", {"appId": APP, "wxid": "wxid_friend", "onlyChat": "true"})
    assert body == {"ret": 200, "msg": "设置好友权限成功"}
    body = await gewe(gw, "contacts/addContacts", {"appId": APP, "scene": "3", "option": "2", "v3": "v3_x",
                                                   "v4": "v4_x", "content": ""})
    assert body["data"]["msg"] == "user ticket invalid"


@pytest.mark.parametrize(("field", "value"), [("scene", "three"), ("option", "2.5"), ("option", True)])
async def test_a_string_that_is_not_a_number_is_a_validation_failure(gw, field, value):
    sent = {"appId": APP, "scene": 3, "option": 2, "v3": "v3_x", "v4": "v4_x", "content": "", field: value}
    assert await gewe(gw, "contacts/addContacts", sent) == {"ret": 500, "msg": f"{field} 参数格式错误"}


async def test_body_that_is_not_json(gw):
    resp = await gw.post("/v2/api/contacts/search", data=b"{appId", headers={"X-GEWE-TOKEN": TOKEN,
                                                                              "Content-Type": "application/json"})
    assert await resp.json() == {"ret": 500, "msg": "请求参数格式错误"}


async def test_wxids_limits(gw):
    body = await gewe(gw, "contacts/getDetailInfo", {"appId": APP, "wxids": [f"wxid_{i}" for i in range(21)]})
    assert body == {"ret": 500, "msg": "wxids 参数格式错误"}
    assert await gewe(gw, "contacts/getBriefInfo", {"appId": APP, "wxids": []}) == {"ret": 500,
                                                                                   "msg": "wxids 参数格式错误"}


async def test_unknown_operation_and_wrong_method(gw):
    assert await gewe(gw, "contacts/nothingHere", {}) == {
        "ret": 500, "msg": "No handler found for POST /gewe/v2/api/contacts/nothingHere"}
    resp = await gw.get("/v2/api/contacts/search")
    assert resp.status == 200
    assert await resp.json() == {"ret": 500, "msg": "Request method 'GET' not supported"}


NOT_SIMULATED = ("label/add", {"appId": APP, "labelName": "同事"})


async def test_listed_but_not_implemented_operation_names_itself_under_either_prefix(gw):
    op, body = NOT_SIMULATED
    for prefix in ("/v2/api", "/gewe/v2/api"):
        resp = await gw.post(f"{prefix}/{op}", json=body, headers={"X-GEWE-TOKEN": TOKEN})
        assert await resp.json() == {"ret": 500, "msg": f"not implemented by chatsim: {prefix}/{op}"}
        assert resp.headers["X-Chatsim-Not-Implemented"] == "labelAdd"


async def test_not_implemented_checks_the_token_and_the_body_first(gw):
    op, body = NOT_SIMULATED
    missing = await gw.post(f"/v2/api/{op}", json=body)
    assert await missing.json() == {"ret": 500, "msg": "header:X-GEWE-TOKEN 不可为空"}
    assert "X-Chatsim-Not-Implemented" not in missing.headers
    bad = await gewe(gw, op, body, token="nope")
    assert bad["msg"] == "HTTP HEADER: X-GEWE-TOKEN=nope 不可用或已过期"
    invalid = await gewe(gw, op, {"appId": APP})
    assert invalid == {"ret": 500, "msg": "labelName 不可为空"}


async def test_a_path_in_no_gewe_api_is_springs_own_404(gw):
    body = await gewe(gw, "message/postTxt", {"appId": APP}, prefix="/v2/api")
    assert body == {"ret": 500, "msg": "No handler found for POST /v2/api/message/postTxt"}


async def test_coverage_lists_implemented_and_listed_operations(gw):
    rows = (await (await gw.get("/_chatsim/coverage")).json())["operations"]
    gewe_rows = {row["operation"]: row["implemented"] for row in rows if row["vendor"] == "gewe"}
    assert gewe_rows["addContacts"] and gewe_rows["setFriendPermissions"] and gewe_rows["addGroupMemberAsFriend"]
    assert gewe_rows["labelAdd"] is False and gewe_rows["setFriendRemark"] is True and gewe_rows["postText"]


REJECTED = [
    ("contacts/addContacts", {"appId": APP, "scene": 3, "option": 2, "v3": "v3_x", "v4": "v4_x", "content": ""}),
    ("contacts/addContacts", {"appId": APP, "scene": 3, "option": 5, "v3": "v3_x", "v4": "v4_x", "content": ""}),
    ("contacts/addContacts", {"appId": APP, "scene": "x", "option": 2, "v3": "", "v4": "", "content": ""}),
    ("contacts/setFriendPermissions", {"appId": APP, "wxid": "wxid_lilei", "onlyChat": True}),
    ("contacts/deleteFriend", {"appId": APP, "wxid": "wxid_lilei"}),
    ("contacts/search", {"appId": APP, "contactsInfo": "hidden_one"}),
    ("group/addGroupMemberAsFriend", {"appId": APP, "chatroomId": ROOM, "memberWxid": "wxid_private", "content": ""}),
    ("group/addGroupMemberAsFriend", {"appId": APP, "chatroomId": ROOM, "memberWxid": "wxid_lilei", "content": ""}),
    ("login/getLoginQrCode", {"appId": ""}),
    ("login/logout", {"appId": SLEEPY_APP}),
    ("login/checkLogin", {"appId": APP, "uuid": "nope"}),
]


async def test_nothing_in_the_world_changes_on_a_rejected_request(gw):
    before = await state(gw)
    for op, body in REJECTED:
        answer = await gewe(gw, op, body, token=FULL_TOKEN if op == "login/getLoginQrCode" else TOKEN)
        assert answer["ret"] == 500, (op, answer)
    for token in (None, "bad"):
        assert (await gewe(gw, "contacts/search", {"appId": APP, "contactsInfo": "lilei_1990"}, token))["ret"] == 500
    assert await state(gw) == before
