"""Acceptance: the connection-level faults, as a raw socket sees them and as requests and aiohttp
raise them; ``after_apply`` loses only the answer of a call that took effect."""

import socket

import aiohttp
import pytest
import requests

from chatsim.toolkit.http import request
from tests.faults.support import DEMO_APP, FROZEN

pytestmark = pytest.mark.chatsim(scenario=FROZEN, merge=True)


def raw_exchange(chatsim) -> bytes | Exception:
    host, port = chatsim.root_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET /gettoken?appkey=dingdemoappkey&appsecret=dingdemoappsecret HTTP/1.1\r\nHost: {host}\r\n"
                     f"X-Chatsim-Tenant: {chatsim.tenant}\r\n\r\n".encode())
        try:
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
            return received
        except OSError as exc:
            return exc


def disconnect(chatsim, mode: str, **more) -> None:
    chatsim.faults({"vendor": "dingtalk", "operation": "gettoken", "disconnect": {"mode": mode, **more}})


def test_a_raw_client_sees_a_reset_an_empty_reply_and_garbage(chatsim):
    disconnect(chatsim, "reset")
    assert isinstance(raw_exchange(chatsim), ConnectionResetError)
    disconnect(chatsim, "empty")
    assert raw_exchange(chatsim) == b""
    disconnect(chatsim, "garbage")
    garbage = raw_exchange(chatsim)
    assert isinstance(garbage, bytes) and 16 <= len(garbage) <= 256 and not garbage.startswith(b"HTTP/")
    disconnect(chatsim, "garbage")  # the rule's stream starts afresh: the same bytes again
    assert raw_exchange(chatsim) == garbage
    records = chatsim.journal.records("dingtalk.gettoken")
    assert [r["faults"][0]["outcome"] for r in records] == ["reset", "empty", "garbage", "garbage"]
    assert {r["response"]["status"] for r in records} == {0}


@pytest.mark.parametrize("mode", ["reset", "empty", "garbage"])
def test_requests_raises_connection_errors(chatsim, mode):
    disconnect(chatsim, mode)
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        requests.get(chatsim.dingtalk.base_url + "/gettoken", params=DEMO_APP, timeout=10)
    text = str(caught.value)
    assert {"reset": "Connection reset by peer", "empty": "Remote end closed connection without response",
            "garbage": "BadStatusLine"}[mode] in text


@pytest.mark.parametrize(("mode", "raised"), [
    ("reset", aiohttp.ClientOSError), ("empty", aiohttp.ServerDisconnectedError),
    ("garbage", aiohttp.ClientResponseError)])
async def test_aiohttp_raises_its_own_exceptions(chatsim, mode, raised):
    disconnect(chatsim, mode)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(raised):
            async with session.get(chatsim.dingtalk.base_url + "/gettoken", params=DEMO_APP) as resp:
                await resp.read()


def test_after_apply_the_call_takes_effect_and_only_its_answer_is_lost(chatsim):
    token = request("GET", chatsim.dingtalk.base_url + "/gettoken", params=DEMO_APP).json()["access_token"]
    chatsim.faults({"vendor": "dingtalk", "operation": "chatCreate", "times": 1,
                    "disconnect": {"mode": "empty", "after_apply": True}})
    before = len(chatsim.dingtalk.chats())
    body = {"name": "丢失的回答", "owner": "manager4220", "useridlist": ["manager4220"]}
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(chatsim.dingtalk.base_url + "/chat/create", params={"access_token": token}, json=body,
                      timeout=10)
    assert len(chatsim.dingtalk.chats()) == before + 1  # created; the client never heard
    again = requests.post(chatsim.dingtalk.base_url + "/chat/create", params={"access_token": token}, json=body,
                          timeout=10)
    assert again.json()["errcode"] == 0 and len(chatsim.dingtalk.chats()) == before + 2


def test_a_rate_spares_some_calls_and_the_rest_answer_normally(chatsim):
    chatsim.faults({"vendor": "dingtalk", "operation": "gettoken", "disconnect": {"mode": "empty", "rate": 0.5}})
    outcomes = []
    for _ in range(20):
        try:
            outcomes.append(requests.get(chatsim.dingtalk.base_url + "/gettoken", params=DEMO_APP,
                                         timeout=10).json()["errcode"])
        except requests.exceptions.ConnectionError:
            outcomes.append("lost")
    assert 0 < outcomes.count("lost") < 20 and set(outcomes) == {0, "lost"}
    assert chatsim.faults().counters()["applied"] == outcomes.count("lost")
