"""An egg.js IM tenant per test, seeded from a Python dict, with a frozen clock at the seed's time."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import yaml
from aiohttp.test_utils import TestClient

from tests.conftest import load_scenario

SEED_TIME = "2025-07-13T03:46:05Z"  # the register sample's register_time
PASSWORD = "123456"


class Egg:
    """One tenant of chatsim, called the way a client of the egg.js backend calls it."""

    def __init__(self, client: TestClient, tenant: str) -> None:
        self.client = client
        self.tenant = tenant

    async def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> tuple[int, Any]:
        headers = {"X-Chatsim-Tenant": self.tenant, **kwargs.pop("headers", {})}
        if token is not None:
            headers["token"] = token
        resp = await self.client.request(method, path, headers=headers, **kwargs)
        return resp.status, await resp.json()

    async def post(self, path: str, token: str | None = None, **kwargs: Any) -> tuple[int, Any]:
        return await self.call("POST", path, token, **kwargs)

    async def get(self, path: str, token: str | None = None, **kwargs: Any) -> tuple[int, Any]:
        return await self.call("GET", path, token, **kwargs)

    async def login(self, username: str, password: str = PASSWORD) -> str:
        status, body = await self.post("/api/loginChat", data={"username": username, "password": password})
        assert status == 200, body
        return body["data"]["token"]

    async def register(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        status, body = await self.post("/api/regChat", data={"username": username, "password": password})
        assert status == 200, body
        return body["data"]

    async def state(self) -> dict[str, Any]:
        resp = await self.client.get(f"/_chatsim/tenants/{self.tenant}/state")
        return (await resp.json())["vendors"]["eggjs_im"]

    async def advance(self, seconds: float) -> None:
        resp = await self.client.post(f"/_chatsim/tenants/{self.tenant}/clock/advance", json={"seconds": seconds})
        assert resp.status == 200


def users(*names: str, **columns: Any) -> list[dict[str, Any]]:
    return [{"username": name, "password": PASSWORD, **columns} for name in names]


MakeEgg = Callable[..., Awaitable[Egg]]


@pytest.fixture
def make_egg(sim: TestClient) -> MakeEgg:
    """``await make_egg({...eggjs_im section...})``: a fresh tenant holding only that section."""
    count = 0

    async def make(section: dict[str, Any] | None = None, **top: Any) -> Egg:
        nonlocal count
        count += 1
        tenant = f"egg{count}"
        doc = {"chatsim": 1, "clock": {"start": SEED_TIME, "frozen": True}, **top, "eggjs_im": section or {}}
        await load_scenario(sim, tenant, yaml.safe_dump(doc, allow_unicode=True))
        return Egg(sim, tenant)

    return make
