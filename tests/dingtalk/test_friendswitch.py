"""POST /topapi/chat/member/friendswitch/update: encodings, errors, and the state it leaves."""

from types import SimpleNamespace
from typing import Any, cast

from chatsim.contract import Reply
from chatsim.ids import IdGenerator
from chatsim.vendors.dingtalk.errors import TOPAPI_HEADERS
from chatsim.vendors.dingtalk.handlers import topapi_ok
from tests.conftest import load_scenario
from tests.dingtalk.support import (
    CHATID,
    FRIENDSWITCH,
    OTHER_ORG,
    READONLY_KEY,
    READONLY_SECRET,
    REQUEST_ID,
    TENANT_HEADER,
    TOPAPI_CONTENT_TYPE,
    admin_chat,
    body_of,
    friendswitch,
    get_token,
)


async def test_json_true_sets_the_switch_and_records_when(sim):
    token = await get_token(sim)
    before = await admin_chat(sim)
    resp = await sim.post(FRIENDSWITCH, params={"access_token": token},
                          json={"chatid": CHATID, "is_prohibit": True})
    body = await body_of(resp)
    assert resp.headers["Content-Type"] == TOPAPI_CONTENT_TYPE
    assert body == {"success": True, "errcode": 0, "errmsg": "ok", "request_id": body["request_id"]}
    assert REQUEST_ID.match(body["request_id"])
    after = await admin_chat(sim)
    now = (await (await sim.get("/_chatsim/tenants/default/clock")).json())["now"]
    assert before["is_prohibit"] is False and before["is_prohibit_changed_at"] is None
    assert after["is_prohibit"] is True
    assert after["is_prohibit_changed_by"] == "dingdemoappkey"
    assert 0 <= now - after["is_prohibit_changed_at"] < 60


async def test_docs_form_encoded_curl_with_token_in_the_form(sim):
    token = await get_token(sim)
    resp = await sim.post(FRIENDSWITCH, data=f"access_token={token}&chatid={CHATID}&is_prohibit=true",
                          headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"})
    assert (await body_of(resp))["errcode"] == 0
    assert (await admin_chat(sim))["is_prohibit"] is True


async def test_java_sdk_strings_in_json_with_charset(sim):
    token = await get_token(sim)
    for raw, expected in [('"true"', True), ('"false"', False), ("true", True), ("false", False)]:
        resp = await sim.post(FRIENDSWITCH, params={"access_token": token},
                              data=f'{{"chatid":"{CHATID}","is_prohibit":{raw}}}'.encode(),
                              headers={"Content-Type": "application/json;charset=UTF-8", "User-Agent": "top-sdk-java"})
        assert (await body_of(resp))["errcode"] == 0, raw
        assert (await admin_chat(sim))["is_prohibit"] is expected, raw


async def test_setting_the_same_value_twice_succeeds(sim):
    token = await get_token(sim)
    for _ in range(2):
        assert (await friendswitch(sim, token, {"chatid": CHATID, "is_prohibit": True}))["errcode"] == 0
    assert (await admin_chat(sim))["is_prohibit"] is True


async def test_missing_or_empty_parameter_is_40036(sim):
    token = await get_token(sim)
    for payload in [{"is_prohibit": True}, {"chatid": CHATID}, {"chatid": "", "is_prohibit": True}, {}]:
        body = await friendswitch(sim, token, payload)
        assert body == {"errcode": 40036, "errmsg": "参数为空", "request_id": body["request_id"]}, payload
        assert REQUEST_ID.match(body["request_id"])
    assert (await admin_chat(sim))["is_prohibit_changed_at"] is None


async def test_empty_form_value_is_40036(sim):
    token = await get_token(sim)
    resp = await sim.post(FRIENDSWITCH, data={"access_token": token, "chatid": CHATID, "is_prohibit": ""})
    assert (await body_of(resp))["errcode"] == 40036


async def test_is_prohibit_that_is_not_a_boolean_is_400002(sim):
    token = await get_token(sim)
    for value in ["yes", 1, "TRUE", None]:
        body = await friendswitch(sim, token, {"chatid": CHATID, "is_prohibit": value})
        assert (body["errcode"], body["errmsg"]) == (400002, "参数错误"), value
    assert (await admin_chat(sim))["is_prohibit"] is False


async def test_unknown_chatid_is_34001(sim):
    token = await get_token(sim)
    body = await friendswitch(sim, token, {"chatid": "chatnosuchthing", "is_prohibit": True})
    assert body == {"errcode": 34001, "errmsg": "无效的chatid", "request_id": body["request_id"]}


async def test_chatid_of_another_org_is_34001_and_left_alone(sim):
    await load_scenario(sim, "two", OTHER_ORG)
    resp = await sim.put("/_chatsim/tenants/two/scenario", params={"file": "demo.yaml", "merge": "true"})
    assert resp.status == 200
    token = await get_token(sim, tenant="two")
    body = await friendswitch(sim, token, {"chatid": "chatother0001", "is_prohibit": True}, tenant="two")
    assert body["errcode"] == 34001
    assert (await admin_chat(sim, "chatother0001", tenant="two"))["is_prohibit"] is False


async def test_app_without_chat_manage_gets_88_60011(sim):
    token = await get_token(sim, READONLY_KEY, READONLY_SECRET)
    body = await friendswitch(sim, token, {"chatid": CHATID, "is_prohibit": True})
    assert body == {"errcode": 88, "sub_code": "60011", "sub_msg": "没有调用该接口的权限",
                    "errmsg": "ding talk error[subcode=60011,submsg=没有调用该接口的权限]",
                    "request_id": body["request_id"]}
    assert (await admin_chat(sim))["is_prohibit"] is False


async def test_body_that_is_neither_json_nor_form_is_43004(sim):
    token = await get_token(sim)
    resp = await sim.post(FRIENDSWITCH, params={"access_token": token}, data=b"chatid",
                          headers={"Content-Type": "text/plain"})
    body = await body_of(resp)
    assert (body["errcode"], body["errmsg"]) == (43004, "无效的HTTP HEADER Content-Type")


async def test_broken_json_is_400002(sim):
    token = await get_token(sim)
    resp = await sim.post(FRIENDSWITCH, params={"access_token": token}, data=b'{"chatid": ',
                          headers={"Content-Type": "application/json"})
    assert (await body_of(resp))["errcode"] == 400002


async def test_unknown_topapi_method_is_22_even_without_a_token(sim):
    resp = await sim.post("/topapi/app/remove_auth", json={})
    body = await body_of(resp)
    assert resp.headers["Content-Type"] == TOPAPI_CONTENT_TYPE
    sub_msg = "不合法ApiName，ApiName = dingtalk.oapi.app.remove_auth"
    assert body == {"errcode": 22, "sub_msg": sub_msg, "errmsg": f"Invalid method[submsg={sub_msg}]",
                    "request_id": body["request_id"]}
    assert REQUEST_ID.match(body["request_id"])


async def test_get_on_the_friendswitch_path_is_43002(sim):
    body = await body_of(await sim.get(FRIENDSWITCH))
    assert (body["errcode"], body["errmsg"]) == (43002, "需要POST请求")


async def test_unknown_legacy_path_is_the_plain_404_shape(sim):
    resp = await sim.get("/chat/nosuchmethod", headers={TENANT_HEADER: "default"})
    assert await body_of(resp) == {"errcode": 404, "errmsg": "请求的URI地址不存在"}
    assert resp.headers["Content-Type"] == "application/json"


async def test_state_dump_shows_the_switch(sim):
    token = await get_token(sim)
    await friendswitch(sim, token, {"chatid": CHATID, "is_prohibit": True})
    state = await (await sim.get("/_chatsim/tenants/default/state")).json()
    chat = next(c for c in state["vendors"]["dingtalk"]["chats"] if c["chatid"] == CHATID)
    assert chat["is_prohibit"] is True
    assert state["vendors"]["dingtalk"]["tokens"][0]["access_token"] == token


async def test_admin_read_of_an_unknown_chat_is_404(sim):
    resp = await sim.get("/_chatsim/tenants/default/dingtalk/chats/chatnope")
    assert resp.status == 404
    assert "chatnope" in (await resp.json())["error"]


def test_topapi_success_bytes_are_what_reply_json_makes():
    """topapi_ok puts the body together from bytes; Reply.json of the same dict gives the same answer."""
    fast, plain = IdGenerator(5, "t"), IdGenerator(5, "t")
    call = cast(Any, SimpleNamespace(ctx=SimpleNamespace(ids=fast)))
    for _ in range(200):
        expected = Reply.json({"errcode": 0, "errmsg": "ok", "success": True, "request_id": plain.request_id()},
                              headers=TOPAPI_HEADERS, vendor_code=0)
        assert topapi_ok(call) == expected
