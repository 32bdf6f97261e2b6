"""GET /gettoken and what a missing, unknown or expired token gets on /topapi versus legacy paths."""

from typing import Any

from chatsim.vendors.dingtalk.model.world import SPENT_TOKENS_KEPT
from tests.conftest import load_scenario
from tests.dingtalk.support import (
    APPKEY,
    APPSECRET,
    CHATID,
    FRIENDSWITCH,
    REQUEST_ID,
    TOPAPI_CONTENT_TYPE,
    admin_chat,
    advance,
    body_of,
    friendswitch,
    get_token,
)


async def test_gettoken_returns_the_live_token_and_extends_it(sim):
    resp = await sim.get("/gettoken", params={"appkey": APPKEY, "appsecret": APPSECRET})
    body = await body_of(resp)
    assert resp.headers["Content-Type"] == "application/json"
    assert body == {"errcode": 0, "access_token": body["access_token"], "errmsg": "ok", "expires_in": 7200}
    await advance(sim, 7000)
    assert await get_token(sim) == body["access_token"]
    await advance(sim, 7000)  # 14000 s after the first call, 7000 s after the extension
    assert await get_token(sim) == body["access_token"]
    await advance(sim, 7200)
    fresh = await get_token(sim)
    assert fresh != body["access_token"]
    assert (await friendswitch(sim, fresh, {"chatid": CHATID, "is_prohibit": True}))["errcode"] == 0


GETTOKEN_ERRORS = [
    ({"appkey": APPKEY, "appsecret": "wrong"}, 40096, "不合法的appKey或appSecret"),
    ({"appkey": "nosuchkey", "appsecret": APPSECRET}, 40096, "不合法的appKey或appSecret"),
    ({"appkey": APPKEY}, 40035, "缺少参数 corpid or appkey"),
    ({}, 40035, "缺少参数 corpid or appkey"),
    ({"corpid": "dingdemocorp0001", "corpsecret": "x"}, 40089, "不合法的corpId或corpSecret"),
    ({"appkey": "", "appsecret": ""}, 40035, "缺少参数 corpid or appkey"),
]


async def test_gettoken_errors_are_not_wrapped(sim):
    for params, errcode, errmsg in GETTOKEN_ERRORS:
        resp = await sim.get("/gettoken", params=params)
        assert await body_of(resp) == {"errcode": errcode, "errmsg": errmsg}, params
        assert resp.headers["Content-Type"] == "application/json"
    state = await (await sim.get("/_chatsim/tenants/default/state")).json()
    assert state["vendors"]["dingtalk"]["tokens"] == []


async def test_gettoken_params_in_a_get_body_are_ignored_as_the_docs_curl_finds(sim):
    resp = await sim.get("/gettoken", data={"appkey": APPKEY, "appsecret": APPSECRET})
    assert (await body_of(resp))["errcode"] == 40035


async def test_topapi_wraps_token_errors_in_88(sim):
    """The token only in the x-acs-dingtalk-access-token header counts as missing, as probed."""
    header = {"x-acs-dingtalk-access-token": await get_token(sim)}
    cases = [({}, "40000", "access_token is blank"), ({"access_token": ""}, "40000", "access_token is blank"),
             ({"access_token": "undefined"}, "40014", "不合法的access_token")]
    for params, sub_code, sub_msg in cases:
        resp = await sim.post(FRIENDSWITCH, params=params, json={"chatid": CHATID, "is_prohibit": True},
                              headers=header)
        body = await body_of(resp)
        assert resp.headers["Content-Type"] == TOPAPI_CONTENT_TYPE
        assert body == {"errcode": 88, "sub_code": sub_code, "sub_msg": sub_msg,
                        "errmsg": f"ding talk error[subcode={sub_code},submsg={sub_msg}]",
                        "request_id": body["request_id"]}, params
        assert REQUEST_ID.match(body["request_id"])
    assert (await admin_chat(sim))["is_prohibit"] is False


async def test_token_in_a_json_body_is_not_read(sim):
    token = await get_token(sim)
    resp = await sim.post(FRIENDSWITCH, json={"access_token": token, "chatid": CHATID, "is_prohibit": True})
    assert (await body_of(resp))["sub_code"] == "40000"


async def test_expired_token_is_88_40014_on_topapi_and_bare_40014_on_legacy(sim):
    token = await get_token(sim)
    await advance(sim, 7201)
    topapi = await friendswitch(sim, token, {"chatid": CHATID, "is_prohibit": True})
    assert (topapi["errcode"], topapi["sub_code"]) == (88, "40014")
    legacy = await body_of(await sim.get("/chat/get", params={"access_token": token, "chatid": CHATID}))
    assert legacy == {"errcode": 40014, "errmsg": "不合法的access_token"}
    assert (await admin_chat(sim))["is_prohibit"] is False


async def test_legacy_token_errors(sim):
    unknown = await sim.get("/chat/get", params={"access_token": "undefined", "chatid": CHATID})
    assert await body_of(unknown) == {"errcode": 40014, "errmsg": "不合法的access_token"}
    assert unknown.headers["Content-Type"] == "application/json"
    missing = await sim.get("/chat/get", params={"chatid": CHATID})
    assert await body_of(missing) == {"errcode": 41001, "errmsg": "缺少access_token参数"}


async def test_token_error_codes_are_configurable(sim):
    await load_scenario(sim, "default", """
chatsim: 1
dingtalk:
  token_ttl_seconds: 60
  token_errors: {legacy_expired: 42001, topapi_expired_sub_code: '42001'}
  orgs:
    - corpId: dingx
      users: [{userid: u1}]
      apps: [{appkey: k, appsecret: s, permissions: [qyapi_chat_manage, qyapi_chat_read]}]
      chats: [{chatid: chatx, name: x, owner: u1, useridlist: [u1]}]
""")
    token = await get_token(sim, "k", "s")
    await advance(sim, 61)
    legacy = await body_of(await sim.get("/chat/get", params={"access_token": token, "chatid": "chatx"}))
    assert legacy == {"errcode": 42001, "errmsg": "access_token超时"}
    topapi = await friendswitch(sim, token, {"chatid": "chatx", "is_prohibit": True})
    assert topapi["sub_code"] == "42001"


async def test_expired_tokens_are_remembered_up_to_a_bound_then_unknown(sim):
    await load_scenario(sim, "default", """
chatsim: 1
dingtalk:
  token_ttl_seconds: 60
  token_errors: {legacy_expired: 42001}
  orgs:
    - corpId: dingx
      users: [{userid: u1}]
      apps: [{appkey: k, appsecret: s, permissions: [qyapi_chat_read]}]
      chats: [{chatid: chatx, name: x, owner: u1, useridlist: [u1]}]
""")
    spent = []
    for _ in range(SPENT_TOKENS_KEPT + 1):
        spent.append(await get_token(sim, "k", "s"))
        await advance(sim, 61)
    live = await get_token(sim, "k", "s")

    async def legacy(token: str) -> Any:
        return await body_of(await sim.get("/chat/get", params={"access_token": token, "chatid": "chatx"}))

    assert await legacy(spent[0]) == {"errcode": 40014, "errmsg": "不合法的access_token"}  # forgotten
    assert await legacy(spent[1]) == await legacy(spent[-1]) == {"errcode": 42001, "errmsg": "access_token超时"}
    assert (await legacy(live))["errcode"] == 0
