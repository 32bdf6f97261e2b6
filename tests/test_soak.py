"""Bounded soaks: a server's memory stays within its budgets under traffic that would otherwise grow
it (bounded loops, a few seconds each). RSS is read from /proc of a real ``chatsim serve`` process."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest

from chatsim.toolkit.http import request
from tests.served import free_port, serve

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_large_bodies_do_not_grow_the_journal_past_its_budget(tmp_path):
    with serve(tmp_path, "--journal-mib", "8") as server:
        url, pid = server.url, server.proc.pid
        body = b'{"appId":"' + b"x" * (1024**2 - 20) + b'"}'  # 1 MiB: kept as 64 KiB, and at most 8 MiB in all
        headers = {"X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69", "Content-Type": "application/json"}
        for _ in range(20):
            request("POST", url + "/gewe/v2/api/contacts/fetchContactsList", data=body, headers=headers, timeout=30)
        settled = rss_mib(pid)
        for _ in range(280):  # 280 MiB more of request bodies
            request("POST", url + "/gewe/v2/api/contacts/fetchContactsList", data=body, headers=headers, timeout=30)
        grown = rss_mib(pid) - settled
        records = request("GET", url + "/_chatsim/journal", params={"limit": 1}, timeout=30).json()["records"]
    assert records[0]["truncated"]["request_bytes"] == len(body)
    assert grown < 40, f"RSS grew {grown:.0f} MiB for 280 MiB of bodies with an 8 MiB journal"


async def each_in_its_own_tenant(url: str, names: range, prefix: str) -> list[int]:
    """One GeWe request per new tenant name, eight at a time over kept-alive connections."""
    body = {"appId": "wx_wR_U4zPj2M_OTS3BCyoE4", "wxid": "wxid_phyyedw9xap22", "onlyChat": True}
    headers = {"X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"}
    statuses: list[int] = []
    async with aiohttp.ClientSession(url) as session:
        async def one(i: int) -> None:
            async with session.post("/gewe/v2/api/contacts/setFriendPermissions", json=body,
                                    headers={**headers, "X-Chatsim-Tenant": f"{prefix}{i}"}) as resp:
                await resp.read()
                statuses.append(resp.status)
        for start in range(names.start, names.stop, 8):
            await asyncio.gather(*(one(i) for i in range(start, min(start + 8, names.stop))))
    return statuses


def test_new_tenants_beyond_the_budget_evict_idle_ones_and_rss_stays_flat(tmp_path):
    with serve(tmp_path, "--memory-mib", "16", "--journal-mib", "2", "--tenant-idle-seconds", "0") as server:
        url, pid = server.url, server.proc.pid
        asyncio.run(each_in_its_own_tenant(url, range(3000), "warm"))  # fills the budget, then churns
        settled = rss_mib(pid)
        statuses = asyncio.run(each_in_its_own_tenant(url, range(3000), "t"))  # 54 MiB of tenants unbounded
        grown = rss_mib(pid) - settled
        memory = request("GET", url + "/_chatsim/memory", timeout=30).json()
    assert set(statuses) == {200}
    assert memory["used_bytes"] <= memory["budget_bytes"] and memory["evictions"] > 5000
    assert len(memory["tenants"]) < 600
    assert grown < 4, f"RSS grew {grown:.0f} MiB for 3000 more tenants within a 16 MiB budget"


async def friend_requests(url: str, tenant: str, count: int) -> None:
    """Strangers' friend requests with 60 KB greetings, each kept in the world and queued as a callback."""
    async with aiohttp.ClientSession(url) as session:
        for _ in range(count):
            async with session.post(f"/_chatsim/tenants/{tenant}/gewe/friend-requests", json={
                    "appId": "wx_wR_U4zPj2M_OTS3BCyoE4", "fromWxid": "wxid_lilei1990",
                    "content": "你好" * 10_000}) as resp:
                await resp.read()


def test_callbacks_to_a_dead_receiver_and_a_growing_world_stay_within_the_budget(tmp_path):
    with serve(tmp_path, "--memory-mib", "16", "--journal-mib", "2") as server:
        url, pid = server.url, server.proc.pid
        dead = free_port()
        scenario = ("chatsim: 1\ngewe:\n  tokens: [{token: '6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69', callback_url: "
                    f"'http://127.0.0.1:{dead}/cb', devices: [{{appId: wx_wR_U4zPj2M_OTS3BCyoE4, "
                    "wxid: wxid_0xsqb3o0tsvz22, online: true}]}]\n")
        loaded = request("PUT", url + "/_chatsim/tenants/owing/scenario?merge=true", data=scenario.encode(),
                         headers={"Content-Type": "application/yaml"})
        assert loaded.status == 200, loaded.text
        asyncio.run(friend_requests(url, "owing", 40))
        settled = rss_mib(pid)
        asyncio.run(friend_requests(url, "owing", 1500))  # 180 MiB of payload and world, unbounded
        grown = rss_mib(pid) - settled
        memory = request("GET", url + "/_chatsim/memory", timeout=30).json()
        [owing] = [t for t in memory["tenants"] if t["name"] == "owing"]
        refused = request("POST", url + "/gewe/v2/api/contacts/setFriendPermissions", headers={
            "X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69", "X-Chatsim-Tenant": "owing"}, json_body={})
    assert owing["dead_letters"] > 0
    assert refused.status == 503, "the tenant that outgrew the budget is refused until it is reset"
    assert grown < 40, f"RSS grew {grown:.0f} MiB for 180 MiB of callbacks and world within a 16 MiB budget"


async def eight_at_a_time(count: int, one: Callable[[], Awaitable[None]]) -> None:
    for _ in range(count // 8):
        await asyncio.gather(*(one() for _ in range(8)))


async def searches(url: str, count: int) -> set[int]:
    """GeWe searches for a person, each answering a fresh v4 ticket, eight at a time."""
    body = {"appId": "wx_wR_U4zPj2M_OTS3BCyoE4", "contactsInfo": "13900000001"}
    headers = {"X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"}
    codes: set[int] = set()
    async with aiohttp.ClientSession(url) as session:
        async def one() -> None:
            async with session.post("/gewe/v2/api/contacts/search", json=body, headers=headers) as resp:
                codes.add((await resp.json())["ret"])
        await eight_at_a_time(count, one)
    return codes


def test_searches_past_the_ticket_cap_keep_rss_flat(tmp_path):
    with serve(tmp_path, "--journal-mib", "2") as server:
        url, pid = server.url, server.proc.pid
        loaded = request("PUT", url + "/_chatsim/tenants/default/scenario?merge=true",
                         data=b"chatsim: 1\ngewe:\n  max_tickets: 500\n", headers={"Content-Type": "application/yaml"})
        assert loaded.status == 200, loaded.text
        asyncio.run(searches(url, 4000))  # fills the ticket store and the journal
        settled = rss_mib(pid)
        codes = asyncio.run(searches(url, 4000))
        grown = rss_mib(pid) - settled
        tickets = len(request("GET", url + "/_chatsim/tenants/default/state", timeout=30).json()
                      ["vendors"]["gewe"]["tickets"])
    assert codes == {200}
    assert tickets <= 500
    assert grown < 3, f"RSS grew {grown:.1f} MiB for 4000 more searches with at most 500 tickets"


async def refusals(url: str, count: int) -> set[int]:
    """DingTalk friend-switch updates of a chat that does not exist, eight at a time: each is
    answered by the one shared 34001 error."""
    codes: set[int] = set()
    async with aiohttp.ClientSession(url) as session:
        async with session.get("/gettoken", params={"appkey": "dingdemoappkey",
                                                    "appsecret": "dingdemoappsecret"}) as resp:
            token = (await resp.json())["access_token"]

        async def one() -> None:
            async with session.post("/topapi/chat/member/friendswitch/update", params={"access_token": token},
                                    json={"chatid": "chatnope", "is_prohibit": True}) as resp:
                codes.add((await resp.json())["errcode"])
        await eight_at_a_time(count, one)
    return codes


def test_an_error_answered_again_and_again_keeps_rss_flat(tmp_path):
    with serve(tmp_path, "--journal-mib", "2") as server:
        url, pid = server.url, server.proc.pid
        asyncio.run(refusals(url, 4000))  # fills the journal
        settled = rss_mib(pid)
        codes = asyncio.run(refusals(url, 4000))
        grown = rss_mib(pid) - settled
    assert codes == {34001}
    assert grown < 3, f"RSS grew {grown:.1f} MiB for 4000 more refusals answered by one shared error"
