"""The ``chatsim`` fixture used the way a project's tests use it (plugin loaded by entry point)."""

import json
import urllib.request

import pytest

from chatsim.toolkit.http import ChatsimError, request

DEMO_APP = {"appkey": "dingdemoappkey", "appsecret": "dingdemoappsecret"}


def gettoken(base_url: str, **params: str) -> dict:
    return request("GET", base_url + "/gettoken", params=params).json()


def test_vendor_urls_are_routed_to_the_tests_own_tenant(chatsim):
    body = gettoken(chatsim.dingtalk.base_url, **DEMO_APP)
    assert body["errcode"] == 0
    records = chatsim.journal.records()
    assert [(r["tenant"], r["operation"]) for r in records] == [(chatsim.tenant, "gettoken")]
    assert chatsim.base_url.endswith(f"/_t/{chatsim.tenant}")
    assert chatsim.gewe.base_url == chatsim.base_url + "/gewe/v2/api"


def test_tenant_header_routes_clients_that_drop_path_prefixes(chatsim):
    req = urllib.request.Request(chatsim.dingtalk.root_url + "/gettoken?appkey=dingdemoappkey&appsecret=x",
                                 headers=chatsim.tenant_header)
    with urllib.request.urlopen(req) as resp:
        assert json.load(resp)["errcode"] != 0
    chatsim.assert_called("dingtalk.gettoken", times=1, where={"appsecret": "x"})


def test_assert_called_counts_and_filters(chatsim):
    gettoken(chatsim.dingtalk.base_url, **DEMO_APP)
    gettoken(chatsim.dingtalk.base_url, appkey="dingdemoappkey", appsecret="wrong")
    hits = chatsim.assert_called("gettoken", times=2)
    assert [h["request"]["params"]["appsecret"] for h in hits] == ["dingdemoappsecret", "wrong"]
    chatsim.assert_called("dingtalk.gettoken", times=1, where={"response.body.errcode": 0})
    chatsim.assert_called("gettoken", where=lambda r: r["response"]["body"]["errcode"] != 0)
    chatsim.assert_not_called("chatCreate")


def test_assert_called_failure_shows_the_nearest_records_and_differences(chatsim):
    gettoken(chatsim.dingtalk.base_url, appkey="dingdemoappkey", appsecret="wrong")
    with pytest.raises(AssertionError) as failure:
        chatsim.assert_called("gettoken", times=1, where={"appsecret": "dingdemoappsecret",
                                                          "response.body.errcode": 0})
    message = str(failure.value)
    assert "expected gettoken to be called 1 time where" in message
    assert "it was called 0 time(s) that way (1 call(s) of gettoken in all)" in message
    assert "Nearest journal records:" in message
    assert "appsecret: expected 'dingdemoappsecret', got 'wrong'" in message
    assert "response.body.errcode: expected 0, got " in message


def test_assert_called_failure_suggests_the_operation_meant(chatsim):
    gettoken(chatsim.dingtalk.base_url, **DEMO_APP)
    with pytest.raises(AssertionError) as failure:
        chatsim.assert_called("dingtalk.getToken")
    assert "Did you mean dingtalk.gettoken?" in str(failure.value)
    assert "Calls this tenant received: dingtalk.gettoken x1" in str(failure.value)


def test_too_many_calls_are_listed(chatsim):
    for _ in range(2):
        gettoken(chatsim.dingtalk.base_url, **DEMO_APP)
    with pytest.raises(AssertionError, match=r"(?s)called 2 time\(s\).*Matching calls:.*#\d+ dingtalk gettoken"):
        chatsim.assert_called("gettoken", times=1)


def test_clock_advances_only_this_tenant(chatsim, chatsim_server):
    before = chatsim.clock.now()
    after = chatsim.clock.advance(3600)
    assert after - before >= 3600
    other = request("GET", f"{chatsim_server.url}/_chatsim/tenants/someone-else/clock").json()
    assert other["now"] - before < 3600
    request("DELETE", f"{chatsim_server.url}/_chatsim/tenants/someone-else")


@pytest.mark.chatsim(scenario="scenarios/frozen.yaml")
def test_marker_loads_a_scenario_file_next_to_the_test(chatsim):
    assert chatsim.clock.now() == 1752378365.0
    assert chatsim.clock.advance(60) == 1752378425.0


@pytest.mark.chatsim(scenario="chatsim: 1\nclock: {start: 1000, frozen: true}\n")
def test_marker_takes_yaml_text(chatsim):
    assert chatsim.clock.now() == 1000.0


def test_reset_rebuilds_the_world_and_empties_the_journal(chatsim):
    chatsim.load("chatsim: 1\nclock: {start: 5000, frozen: true}\n")
    chatsim.clock.advance(10)
    gettoken(chatsim.dingtalk.base_url, **DEMO_APP)
    chatsim.reset()
    assert chatsim.clock.now() == 5000.0
    assert chatsim.journal.records() == []


def test_bad_scenario_is_refused_with_the_servers_reason(chatsim):
    with pytest.raises(ChatsimError, match=r"HTTP 400: request body: clock.frozen: 'maybe' is not of type"):
        chatsim.load("chatsim: 1\nclock: {frozen: maybe}\n")


def test_unknown_world_action_names_the_known_ones(chatsim):
    with pytest.raises(AttributeError, match=r"dingtalk has no world action 'nope'.*known: "):
        chatsim.dingtalk.nope()


def test_callbacks_wait_times_out_with_what_did_arrive(chatsim):
    with pytest.raises(AssertionError, match=r"(?s)waited 0.2s for 1 callback\(s\) of AddMsg.*emitted no callbacks"):
        chatsim.callbacks.wait("AddMsg", match={"Data.MsgType": 37}, timeout=0.2)
    assert chatsim.callbacks.all() == []


def test_state_is_the_tenants_world(chatsim):
    state = chatsim.state()
    assert set(state) == {"gewe", "dingtalk", "eggjs_im"}


def test_typed_world_actions_and_callbacks(chatsim):
    sent = chatsim.gewe.send_friend_request("wx_wR_U4zPj2M_OTS3BCyoE4", "wxid_lilei1990", content="我是李雷")
    assert sent["v3"].startswith("v3_")
    assert [r["id"] for r in chatsim.gewe.friend_requests(status="pending")] == [sent["request"]["id"]]
    request = chatsim.callbacks.wait("AddMsg", match={"Data.MsgType": 37, "Data.FromUserName.string": "fmessage"})
    assert f'encryptusername="{sent["v3"]}"' in request.payload["Data"]["Content"]["string"]
    assert chatsim.callbacks.all("AddMsg", after=request.id) == []
    assert [c["chatid"] for c in chatsim.dingtalk.chats()] == ["chatdafe234sdf3sdf"]
    assert chatsim.dingtalk.chat("chatdafe234sdf3sdf")["is_prohibit"] is False


def test_messages_and_assert_sent(chatsim):
    app, friend = "wx_wR_U4zPj2M_OTS3BCyoE4", "wxid_phyyedw9xap22"
    said = chatsim.gewe.send_message(app, friend, content="在吗")
    assert said["from"] == friend and said["kind"] == "text"
    assert [m["content"] for m in chatsim.gewe.messages(peer=friend)] == ["在吗"]
    found = chatsim.gewe.assert_sent("wxid_0xsqb3o0tsvz22", content="在吗", sender=friend)
    assert found["newMsgId"] == said["newMsgId"]
    with pytest.raises(AssertionError, match="(?s)no message to wxid_phyyedw9xap22.*nothing"):
        chatsim.gewe.assert_sent(friend, content="hello")


def test_callbacks_wait_failure_lists_the_nearest_callbacks(chatsim):
    chatsim.gewe.send_friend_request("wx_wR_U4zPj2M_OTS3BCyoE4", "wxid_lilei1990")
    with pytest.raises(AssertionError) as failure:
        chatsim.callbacks.wait("AddMsg", match={"Data.MsgType": 1}, timeout=0.1)
    message = str(failure.value)
    assert "Callbacks the tenant did emit (nearest first):" in message
    assert "#1 gewe AddMsg (no_target): Data.MsgType: expected '1', got '37'" in message
