"""Names from the demo scenario and small HTTP helpers shared by the DingTalk tests."""

import re
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

CORP = "dingdemocorp0001"
APPKEY, APPSECRET = "dingdemoappkey", "dingdemoappsecret"
READONLY_KEY, READONLY_SECRET = "dingreadonlykey", "dingreadonlysecret"
CHATID = "chatdafe234sdf3sdf"
FRIENDSWITCH = "/topapi/chat/member/friendswitch/update"
GROUPNICK = "/topapi/chat/updategroupnick"
TOPAPI_CONTENT_TYPE = "application/json;charset=UTF-8"
REQUEST_ID = re.compile(r"^[0-9a-z]{12,13}$")
TENANT_HEADER = "X-Chatsim-Tenant"

# A second organisation, for "chatid of another org" and "unknown user" cases.
OTHER_ORG = """
chatsim: 1
dingtalk:
  orgs:
    - corpId: dingothercorp
      users: [{userid: outsider}]
      apps: [{appkey: otherkey, appsecret: othersecret, permissions: [qyapi_chat_manage, qyapi_chat_read]}]
      chats: [{chatid: chatother0001, name: Elsewhere, owner: outsider, useridlist: [outsider]}]
"""

# Message logs of two entries: a chat with an app and a robot, for "the log is bounded" cases.
SMALL_LOGS = """
chatsim: 1
dingtalk:
  message_log_size: 2
  orgs:
    - corpId: dingsmall
      users: [{userid: u1, mobile: '13900000001'}, {userid: u2}]
      apps: [{appkey: smallkey, appsecret: smallsecret, permissions: [qyapi_chat_manage]}]
      chats: [{chatid: chatsmall, name: Small, owner: u1, useridlist: [u1, u2]}]
      robots: [{access_token: smalltoken, chatid: chatsmall, keywords: [ci]}]
"""


async def body_of(resp: ClientResponse) -> Any:
    """DingTalk answers HTTP 200 for errors too: the errcode decides."""
    assert resp.status == 200
    return await resp.json()


async def get_token(sim: TestClient, appkey: str = APPKEY, appsecret: str = APPSECRET, tenant: str = "default") -> str:
    body = await body_of(await sim.get("/gettoken", params={"appkey": appkey, "appsecret": appsecret},
                                       headers={TENANT_HEADER: tenant}))
    assert body["errcode"] == 0, body
    return str(body["access_token"])


async def advance(sim: TestClient, seconds: float, tenant: str = "default") -> None:
    resp = await sim.post(f"/_chatsim/tenants/{tenant}/clock/advance", json={"seconds": seconds})
    assert resp.status == 200


async def admin_chat(sim: TestClient, chatid: str = CHATID, tenant: str = "default") -> dict[str, Any]:
    resp = await sim.get(f"/_chatsim/tenants/{tenant}/dingtalk/chats/{chatid}")
    assert resp.status == 200
    chat: dict[str, Any] = await resp.json()
    return chat


async def friendswitch(sim: TestClient, token: str, body: Any, tenant: str = "default") -> Any:
    resp = await sim.post(FRIENDSWITCH, params={"access_token": token}, json=body, headers={TENANT_HEADER: tenant})
    return await body_of(resp)
