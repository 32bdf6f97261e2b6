"""Acceptance: a rate limit answers the way DingTalk's gateway does, to dingtalk-sdk unmodified, at
the call the window overflows, and lets calls through again once the virtual clock has moved on."""

import pytest
import requests
from dingtalk import AppKeyClient
from dingtalk.core.exceptions import DingTalkClientException

from chatsim.toolkit.http import request
from tests.faults.support import DEMO_APP, FROZEN

CHATID = "chatdafe234sdf3sdf"  # the demo scenario's group
pytestmark = pytest.mark.chatsim(scenario=FROZEN, merge=True)


def sdk_client(chatsim) -> AppKeyClient:
    client = AppKeyClient("dingdemocorp0001", DEMO_APP["appkey"], DEMO_APP["appsecret"])
    client.API_BASE_URL = chatsim.root_url + "/"
    client._http = requests.Session()  # the SDK's own session, told which tenant it talks to
    client._http.headers.update(chatsim.tenant_header)
    return client


def test_call_n_plus_one_raises_90002_with_the_real_text_and_the_clock_lets_the_next_through(chatsim):
    client = sdk_client(chatsim)
    with chatsim.faults({"vendor": "dingtalk", "operation": "chatGet",
                         "rate_limit": {"requests": 3, "per_seconds": 1, "scope": "api"}}) as faults:
        for _ in range(3):
            assert client.chat.get(CHATID)["chatid"] == CHATID
        with pytest.raises(DingTalkClientException) as caught:
            client.chat.get(CHATID)
        assert caught.value.errcode == 90002
        assert caught.value.errmsg == ("您的服务器调用钉钉开放平台当前接口的所有请求都被暂时禁用了, "
                                       "apiPath(/chat/get), "
                                       "从 2026-01-01 08:00:00 到 2026-01-01 08:00:00 "
                                       "请求总次数超过了 3 次, "
                                       "处罚将在 2026-01-01 08:00:01 结束.")
        assert caught.value.response.json() == {"errcode": 90002, "errmsg": caught.value.errmsg}
        chatsim.clock.advance(1)
        assert client.chat.get(CHATID)["chatid"] == CHATID
        counters = faults.counters()
        assert (counters["matched"], counters["applied"], counters["refused"]) == (5, 1, 1)
    assert chatsim.faults().rules() == []  # the with block cleared them


def test_a_penalty_outlasts_the_window_and_the_record_and_header_say_which_rule(chatsim):
    chatsim.faults({"vendor": "dingtalk", "operation": "gettoken",
                    "rate_limit": {"requests": 1, "per_seconds": 1, "penalty_seconds": 60}})
    url = chatsim.dingtalk.base_url + "/gettoken"
    assert request("GET", url, params=DEMO_APP).json()["errcode"] == 0
    refused = request("GET", url, params=DEMO_APP)
    assert refused.json()["errcode"] == 90002
    assert "处罚将在 2026-01-01 08:01:01 结束" in refused.json()["errmsg"]
    assert refused.headers["x-chatsim-fault"] == "rule=0; effect=rate_limit; outcome=throttled"
    chatsim.clock.advance(30)
    assert request("GET", url, params=DEMO_APP).json()["errcode"] == 90002
    chatsim.clock.advance(31)
    assert request("GET", url, params=DEMO_APP).json()["errcode"] == 0
    records = chatsim.journal.records("dingtalk.gettoken")
    assert [r["response"]["vendor_code"] for r in records] == [0, 90002, 90002, 0]
    assert records[1]["faults"] == [{"rule": 0, "effect": "rate_limit", "outcome": "throttled",
                                     "key": "gettoken", "until": 1767225661.0}]
    assert records[0]["faults"] == []


def test_scopes_pick_the_code_and_topapi_carries_a_request_id(chatsim):
    token = request("GET", chatsim.dingtalk.base_url + "/gettoken", params=DEMO_APP).json()["access_token"]
    chatsim.faults({"vendor": "dingtalk", "operation": "friendswitchUpdate", "account": "dingdemoappkey",
                    "rate_limit": {"requests": 0, "scope": "app"}},
                   {"vendor": "dingtalk", "operation": "chatGet", "rate_limit": {"requests": 0, "scope": "tenant"}})
    url = chatsim.dingtalk.base_url + "/topapi/chat/member/friendswitch/update"
    body = request("POST", url, params={"access_token": token},
                   json_body={"chatid": CHATID, "is_prohibit": True}).json()
    assert body["errcode"] == 90018 and len(body["request_id"]) in (12, 13)
    assert body["errmsg"].startswith("您的应用调用钉钉开放平台当前接口的请求都被暂时禁用了, "
                                     "apiPath(/topapi/chat/member/friendswitch/update), ")
    assert chatsim.dingtalk.chat(CHATID)["is_prohibit"] is False  # a throttled call changed nothing
    got = request("GET", chatsim.dingtalk.base_url + "/chat/get", params={"access_token": token, "chatid": CHATID})
    assert got.json()["errcode"] == 90001


def test_a_rule_for_another_app_leaves_this_one_alone(chatsim):
    chatsim.faults({"vendor": "dingtalk", "account": "someoneelse", "rate_limit": {"requests": 0}})
    assert request("GET", chatsim.dingtalk.base_url + "/gettoken", params=DEMO_APP).json()["errcode"] == 0
    assert chatsim.faults().counters()["matched"] == 0


def test_the_v1_gateway_throttles_with_its_403_and_its_envelope(chatsim):
    chatsim.faults({"vendor": "dingtalk", "operation": "GetAccessToken", "rate_limit": {"requests": 1}})
    url = chatsim.dingtalk.base_url + "/v1.0/oauth2/accessToken"
    body = {"appKey": DEMO_APP["appkey"], "appSecret": DEMO_APP["appsecret"]}
    assert request("POST", url, json_body=body).status == 200
    refused = request("POST", url, json_body=body)
    assert refused.status == 403
    answer = refused.json()
    assert answer["code"] == "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi" and answer["requestid"]
    assert refused.headers["x-acs-request-id"] == answer["requestid"]
    assert refused.headers["x-chatsim-fault"] == "rule=0; effect=rate_limit; outcome=throttled"


def test_the_v1_gateway_answers_error_rules_in_its_envelope(chatsim):
    url = chatsim.dingtalk.base_url + "/v1.0/oauth2/accessToken"
    body = {"appKey": DEMO_APP["appkey"], "appSecret": DEMO_APP["appsecret"]}
    for kind, status, code in (("busy", 503, "ServiceUnavailable"), ("system", 500, "InternalError")):
        chatsim.faults({"vendor": "dingtalk", "operation": "GetAccessToken", "error": {"rate": 1.0, "kind": kind}})
        answer = request("POST", url, json_body=body)
        assert (answer.status, answer.json()["code"]) == (status, code), kind
