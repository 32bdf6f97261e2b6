"""A request refused for its values and sent again is refused from memory (chatsim.refusals): the
answer, the violations header and the journal's violations are those the reference gave the first
time, a request that differs in any value read gets its own, and what is kept stays bounded."""

import json
import re
from typing import Any

from chatsim.app import HOST
from chatsim.refusals import KEPT

GEWE = {"X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"}
APP, FRIEND = "wx_wR_U4zPj2M_OTS3BCyoE4", "wxid_phyyedw9xap22"
PERMISSIONS = "/gewe/v2/api/contacts/setFriendPermissions"
FRIENDSWITCH = "/topapi/chat/member/friendswitch/update"


async def answer(sim, method: str, path: str, **kwargs: Any) -> tuple[int, str, str | None]:
    resp = await sim.request(method, path, **kwargs)
    text = re.sub(r'"request_id":"[0-9a-z]+"', '"request_id":"…"', await resp.text())  # fresh on every answer
    return resp.status, text, resp.headers.get("X-Chatsim-Violations")


async def requests_of(sim) -> list[tuple[str, str, dict[str, Any]]]:
    resp = await sim.get("/gettoken", params={"appkey": "dingdemoappkey", "appsecret": "dingdemoappsecret"})
    token = (await resp.json())["access_token"]
    login = await sim.post("/api/loginChat", data={"username": "my01", "password": "123456"})
    egg = {"token": (await login.json())["data"]["token"]}
    gewe = [{"appId": APP, "wxid": FRIEND, "onlyChat": "yes"}, {"appId": APP, "onlyChat": True},
            {"appId": APP, "wxid": 5, "onlyChat": True}, {"appId": APP, "wxid": FRIEND, "onlyChat": "no"}]
    ding = [{"chatid": "chatdafe234sdf3sdf", "is_prohibit": "yes"}, {"chatid": "chatdafe234sdf3sdf"},
            {"chatid": 5, "is_prohibit": True}]
    return ([("POST", PERMISSIONS, {"json": body, "headers": GEWE}) for body in gewe]
            + [("POST", FRIENDSWITCH, {"json": body, "params": {"access_token": token}}) for body in ding]
            + [("POST", f"/api/chat/setstargoodfriend/{friend}", {"headers": egg}) for friend in ("z", "y", "0")]
            + [("POST", "/api/chat/setmeOrfriendCanSee/2", {"headers": egg, "data": {"friendlookme": look,
                                                                                   "melookfriend": "1"}})
               for look in ("5", "6")]
            + [("GET", "/_chatsim/tenants/default/callbacks", {"params": {"status": status}})  # read from the query
               for status in ("sent", "lost")])


async def test_a_refusal_sent_again_is_answered_as_the_first_time(sim):
    requests = await requests_of(sim)
    first = [await answer(sim, method, path, **kwargs) for method, path, kwargs in requests]
    again = [await answer(sim, method, path, **kwargs) for method, path, kwargs in requests]
    assert again == first
    assert all(violations is not None for _, _, violations in first)
    assert len(set(first)) == len(first)  # each request its own answer: none took another's
    host = sim.server.app[HOST]
    assert 0 < len(host.refusals._kept) <= len(requests)
    records = [r for r in host.journal.query() if r.violations]
    by_request: dict[tuple[str, bytes, str], list[Any]] = {}
    for record in records:
        by_request.setdefault((record.path, record.request_body, record.query), []).append(record.violations)
    assert by_request and all(len(seen) == 2 and seen[0] == seen[1] for seen in by_request.values())


async def test_what_is_kept_stays_bounded_and_right(sim):
    for n in range(KEPT + 20):
        body = {"appId": APP, "wxid": FRIEND, "onlyChat": f"v{n}"}
        status, text, violations = await answer(sim, "POST", PERMISSIONS, json=body, headers=GEWE)
        assert json.loads(text)["msg"] == "onlyChat 参数格式错误"
        assert violations is not None and f'"got": "v{n}"' in violations
    assert len(sim.server.app[HOST].refusals._kept) <= KEPT
