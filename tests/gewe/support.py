"""The test world's names, a callback receiver, and small helpers shared by the GeWe tests."""

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from jsonschema import Draft202012Validator

from chatsim.paths import SPECS_DIR

WORLD = Path(__file__).parent / "world.yaml"
TOKEN = "11111111111111111111111111111111"
OTHER_TOKEN = "22222222222222222222222222222222"
EXPIRING_TOKEN = "33333333333333333333333333333333"
FULL_TOKEN = "44444444444444444444444444444444"
BROKEN_TOKEN = "55555555555555555555555555555555"
APP = "wx_MainDevice_00000000001"
SLEEPY_APP = "wx_SleepyDevice_000000001"
OTHER_APP = "wx_OtherDevice_0000000001"
ROOM = "34757816141@chatroom"
FOREIGN_ROOM = "99999999999@chatroom"
ME, OTHER = "wxid_me", "wxid_other"
PREFIXES = ("/gewe/v2/api", "/v2/api")

_SCHEMA = json.loads((SPECS_DIR / "gewe_callbacks.schema.json").read_text(encoding="utf-8"))


def callback_problems(payload: Any, kind: str | None = None) -> list[str]:
    """What is wrong with a payload, against specs/gewe_callbacks.schema.json."""
    kind = kind or payload["TypeName"]
    validator = Draft202012Validator({**_SCHEMA, "$ref": f"#/$defs/{kind}"})
    return [error.message for error in validator.iter_errors(payload)]


async def gewe(sim: TestClient, op: str, body: Any, token: str | None = TOKEN, prefix: str = "/gewe/v2/api",
               headers: dict[str, str] | None = None) -> Any:
    """POST one GeWe operation; GeWe answers HTTP 200 with its JSON content type whatever happens."""
    sent = dict(headers or {})
    if token is not None:
        sent["X-GEWE-TOKEN"] = token
    resp = await sim.post(f"{prefix}/{op}", json=body, headers=sent)
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "application/json;charset=UTF-8"
    return await resp.json()


async def ok(sim: TestClient, op: str, body: Any, token: str = TOKEN) -> Any:
    answer = await gewe(sim, op, body, token)
    assert answer["ret"] == 200, answer
    return answer.get("data")


async def state(sim: TestClient) -> dict[str, Any]:
    resp = await sim.get("/_chatsim/tenants/default/state")
    world: dict[str, Any] = (await resp.json())["vendors"]["gewe"]
    return world


async def advance(sim: TestClient, seconds: float) -> None:
    resp = await sim.post("/_chatsim/tenants/default/clock/advance", json={"seconds": seconds})
    assert resp.status == 200


async def callbacks(sim: TestClient, wait: float = 5, **filters: Any) -> list[dict[str, Any]]:
    """GeWe callbacks matching the filters, waiting (long poll) for the first one."""
    resp = await sim.get("/_chatsim/tenants/default/gewe/callbacks", params={"wait": wait, **filters})
    assert resp.status == 200
    found: list[dict[str, Any]] = (await resp.json())["callbacks"]
    return found


async def search(sim: TestClient, info: str, token: str = TOKEN, app: str = APP) -> dict[str, Any]:
    data: dict[str, Any] = await ok(sim, "contacts/search", {"appId": app, "contactsInfo": info}, token)
    return data


def add_body(v3: str, v4: str, option: int = 2, scene: int = 3, app: str = APP) -> dict[str, Any]:
    return {"appId": app, "scene": scene, "option": option, "v3": v3, "v4": v4, "content": "你好"}


async def person_asks(sim: TestClient, sender: str, app: str = APP, scene: int = 6) -> dict[str, Any]:
    resp = await sim.post("/_chatsim/tenants/default/gewe/friend-requests",
                          json={"appId": app, "fromWxid": sender, "content": "我是" + sender, "scene": scene})
    body: dict[str, Any] = await resp.json()
    assert resp.status == 200, body
    return body


class Receiver:
    """A callback URL on 127.0.0.1 that records what it is sent and answers the statuses it is told."""

    def __init__(self) -> None:
        self.payloads: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_post("/callback", self._receive)
        self.server = TestServer(app, host="127.0.0.1")

    @property
    def url(self) -> str:
        return str(self.server.make_url("/callback"))

    async def _receive(self, request: web.Request) -> web.Response:
        payload = await request.json()
        status = self.statuses.pop(0) if self.statuses else 200
        async with self._changed:
            self.payloads.append(payload)
            self._changed.notify_all()
        return web.Response(status=status, text="success")

    async def next(self, match: Callable[[dict[str, Any]], bool], timeout: float = 5) -> dict[str, Any]:
        """The first payload received that matches, waiting for it without polling."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: any(map(match, self.payloads))), timeout)
            return next(p for p in self.payloads if match(p))


def of_type(type_name: str, **data: Any) -> Callable[[dict[str, Any]], bool]:
    return lambda p: p.get("TypeName") == type_name and all(p["Data"].get(k) == v for k, v in data.items())
