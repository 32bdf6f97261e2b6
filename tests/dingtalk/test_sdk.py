"""Acceptance: dingtalk-sdk 1.3.8, unmodified, pointed at chatsim (it is synchronous: run it in a thread)."""

import asyncio

import pytest
from dingtalk import AppKeyClient
from dingtalk.core.exceptions import DingTalkClientException

from tests.dingtalk.support import APPKEY, APPSECRET, CORP, FRIENDSWITCH, admin_chat, advance


def sdk_client(sim) -> AppKeyClient:
    client = AppKeyClient(CORP, APPKEY, APPSECRET)
    client.API_BASE_URL = f"http://127.0.0.1:{sim.server.port}/"
    return client


async def gettoken_calls(sim) -> int:
    resp = await sim.get("/_chatsim/journal/count", params={"tenant": "default", "operation": "gettoken"})
    return int((await resp.json())["count"])


async def test_create_switch_and_get_through_the_sdk(sim):
    client = sdk_client(sim)
    chatid = await asyncio.to_thread(client.chat.create, "SDK群", "manager4220", ["manager4220", "user123"])
    result = await asyncio.to_thread(client.post, FRIENDSWITCH, {"chatid": chatid, "is_prohibit": True})
    assert (result["errcode"], result["success"]) == (0, True)
    info = await asyncio.to_thread(client.chat.get, chatid)
    assert (info["name"], info["owner"], info["useridlist"]) == ("SDK群", "manager4220", ["manager4220", "user123"])
    assert (await admin_chat(sim, chatid))["is_prohibit"] is True
    assert await gettoken_calls(sim) == 1  # one token, cached by the SDK for every call


async def test_bad_chatid_raises_34001(sim):
    client = sdk_client(sim)
    with pytest.raises(DingTalkClientException) as caught:
        await asyncio.to_thread(client.post, FRIENDSWITCH, {"chatid": "chatnosuch", "is_prohibit": True})
    assert (caught.value.errcode, caught.value.errmsg) == (34001, "无效的chatid")


async def test_expired_token_fails_on_topapi_but_legacy_get_refreshes_and_retries(sim):
    client = sdk_client(sim)
    chatid = await asyncio.to_thread(client.chat.create, "到期群", "manager4220", ["manager4220"])
    await advance(sim, 7201)  # the SDK's own cache (wall clock) still holds the token
    with pytest.raises(DingTalkClientException) as caught:
        await asyncio.to_thread(client.post, FRIENDSWITCH, {"chatid": chatid, "is_prohibit": True})
    assert caught.value.errcode == 88
    assert caught.value.errmsg == "ding talk error[subcode=40014,submsg=不合法的access_token]"
    assert caught.value.response.json()["sub_code"] == "40014"
    assert await gettoken_calls(sim) == 1  # no refresh on 88
    assert (await admin_chat(sim, chatid))["is_prohibit"] is False
    info = await asyncio.to_thread(client.chat.get, chatid)  # bare 40014 -> new token -> retry
    assert info["chatid"] == chatid
    assert await gettoken_calls(sim) == 2
    result = await asyncio.to_thread(client.post, FRIENDSWITCH, {"chatid": chatid, "is_prohibit": True})
    assert result["errcode"] == 0
