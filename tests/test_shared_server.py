"""One server, many tenants, one memory budget in bytes: tenants exist only once a request to them
passes authentication; past the budget idle tenants are evicted (never ``default``, never one that
owes callbacks), failing receivers' callbacks are dead-lettered, the largest tenants are refused
until reset; every one of those is journaled and visible in ``/_chatsim/memory``."""


import asyncio

from tests.served import free_port
from tests.test_pipeline import APP_ID, GEWE_TOKEN, gewe

STRANGER = "wxid_lilei1990"  # a person of the demo world who is not a friend yet


async def tenants(sim) -> list[str]:
    return (await (await sim.get("/_chatsim/tenants")).json())["tenants"]


async def memory(sim) -> dict:
    resp = await sim.get("/_chatsim/memory")
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def journal(sim, **query) -> list[dict]:
    return (await (await sim.get("/_chatsim/journal", params=query)).json())["records"]


async def touch(sim, tenant: str):
    return await gewe(sim, "contacts/setFriendPermissions", {"appId": APP_ID, "wxid": "wxid_phyyedw9xap22",
                                                              "onlyChat": True}, tenant=tenant)


async def owe_callbacks(sim, tenant: str, count: int, content: str = "") -> int:
    """Point the tenant's GeWe account at a dead receiver and have strangers send it friend requests,
    until ``count`` were sent or the tenant is full; returns how many were taken."""
    resp = await sim.put(f"/_chatsim/tenants/{tenant}/scenario", params={"merge": "true"}, data=(
        "chatsim: 1\ngewe:\n  tokens: [{token: '" + GEWE_TOKEN + f"', callback_url: 'http://127.0.0.1:{free_port()}/cb'"
        ", devices: [{appId: " + APP_ID + ", wxid: wxid_0xsqb3o0tsvz22, online: true}]}]\n").encode(),
        headers={"Content-Type": "application/yaml"})
    assert resp.status == 200, await resp.text()
    for sent in range(count):
        resp = await sim.post(f"/_chatsim/tenants/{tenant}/gewe/friend-requests",
                              json={"appId": APP_ID, "fromWxid": STRANGER, "content": content})
        if resp.status == 503:
            return sent
        assert resp.status == 200, await resp.text()
    return count


# --- a tenant exists once a request to it passes authentication --------------------------------


async def test_requests_that_fail_authentication_make_no_tenant_but_are_journaled(sim):
    bad = [
        gewe(sim, "contacts/setFriendPermissions", {"appId": APP_ID}, token="f" * 32, tenant="spam1"),
        gewe(sim, "contacts/setFriendPermissions", {"appId": APP_ID}, token=None, tenant="spam2"),
        sim.post("/_t/spam3/topapi/chat/member/friendswitch/update", params={"access_token": "nope"},
                 json={"chatid": "c", "is_prohibit": True}),
        sim.get("/_t/spam4/api/chat/goodfriendlist/1", headers={"token": "not-a-jwt"}),
        sim.post("/_chatsim/tenants/spam5/reset", headers={"Origin": "https://evil.example",
                                                           "Content-Type": "text/plain"}),
    ]
    for pending in bad:
        resp = await pending
        assert resp.status in (200, 400, 401, 403), resp.status
    assert not any(name.startswith("spam") for name in await tenants(sim))
    journaled = {record["tenant"] for record in await journal(sim)}
    assert {"spam1", "spam2", "spam3", "spam4"} <= journaled
    resp = await touch(sim, "spam1")
    assert (await resp.json())["ret"] == 200
    assert "spam1" in await tenants(sim)


# --- eviction past the budget ------------------------------------------------------------------


async def test_past_the_budget_idle_tenants_are_evicted_oldest_first_and_journaled(sim_factory):
    sim = await sim_factory(memory_mib=2, journal_mib=1, tenant_idle_seconds=0)
    await touch(sim, "default")
    await owe_callbacks(sim, "owing", 1)
    for i in range(120):
        resp = await touch(sim, f"t{i}")
        assert (await resp.json())["ret"] == 200, i
    names = await tenants(sim)
    assert "default" in names and "owing" in names and "t119" in names
    assert len(names) < 122
    report = await memory(sim)
    assert report["used_bytes"] <= report["budget_bytes"]
    evicted = await journal(sim, vendor="chatsim", operation="tenant.evicted")
    assert evicted and evicted[0]["tenant"] == "t0"
    assert {record["tenant"] for record in evicted}.isdisjoint({"default", "owing"})
    assert report["evictions"] == len(evicted)


async def test_an_evicted_tenant_comes_back_fresh_on_its_next_request(sim_factory):
    sim = await sim_factory(memory_mib=2, journal_mib=1, tenant_idle_seconds=0)
    await sim.post("/_chatsim/tenants/first/clock/advance", json={"seconds": 3600})
    for i in range(120):
        await touch(sim, f"t{i}")
    assert "first" not in await tenants(sim)
    before = await (await sim.get("/_chatsim/tenants/fresh/clock")).json()
    clock = await (await sim.get("/_chatsim/tenants/first/clock")).json()
    assert clock["now"] < before["now"] + 3600


async def test_at_the_tenant_cap_the_least_recently_used_idle_tenant_makes_room(sim_factory):
    sim = await sim_factory(max_tenants=3, tenant_idle_seconds=0)
    for name in ("a", "b", "c", "d", "e"):
        assert (await (await touch(sim, name)).json())["ret"] == 200
        assert len(await tenants(sim)) <= 3
    assert {"d", "e"} <= set(await tenants(sim))


async def test_with_no_idle_tenant_a_new_one_gets_the_vendors_refusal(sim_factory):
    sim = await sim_factory(max_tenants=2, tenant_idle_seconds=3600)
    await touch(sim, "a")
    await touch(sim, "b")
    resp = await touch(sim, "c")
    assert resp.status == 503
    body = await resp.json()
    assert body["ret"] == 500 and "at most 2 tenants" in body["msg"]
    assert "at most 2 tenants" in resp.headers["X-Chatsim-Refused"]
    resp = await sim.post("/_t/c/topapi/chat/member/friendswitch/update", params={"access_token": "x"}, json={})
    assert resp.status == 503 and (await resp.json())["errcode"] == -1
    status = (await sim.get("/_t/c/api/chat/goodfriendlist/1", headers={"token": "x"})).status
    assert status == 503
    assert set(await tenants(sim)) == {"a", "b"}
    refused = await journal(sim, tenant="c")
    assert [record["response"]["status"] for record in refused] == [503, 503, 503]


# --- callbacks past the budget ----------------------------------------------------------------


async def test_past_the_budget_a_dead_receivers_oldest_callbacks_are_dead_lettered_and_journaled(sim_factory):
    sim = await sim_factory(memory_mib=2, journal_mib=1)
    taken = await owe_callbacks(sim, "owing", 30, content="你好" * 10_000)  # 60 KB of payload each
    report = await memory(sim)
    owing = next(t for t in report["tenants"] if t["name"] == "owing")
    assert owing["dead_letters"] > 0 and owing["undelivered"] >= 1
    assert owing["dead_letters"] + owing["undelivered"] == taken
    letters = await journal(sim, tenant="owing", vendor="chatsim", operation="callback.deadLettered")
    assert len(letters) == owing["dead_letters"]
    given_up = {record["response"]["body"]["delivery"] for record in letters}
    kept = (await (await sim.get("/_chatsim/tenants/owing/callbacks")).json())["callbacks"]
    assert given_up.isdisjoint(d["id"] for d in kept)
    assert min(d["id"] for d in kept) == 1, "the one being retried stays"


async def test_a_tenant_that_outgrows_the_budget_alone_is_refused_until_reset(sim_factory):
    sim = await sim_factory(memory_mib=2, journal_mib=1)
    await touch(sim, "default")
    await owe_callbacks(sim, "big", 0)
    for _ in range(40):  # the world keeps each request: 40 x 60 KB
        resp = await sim.post("/_chatsim/tenants/big/gewe/friend-requests",
                              json={"appId": APP_ID, "fromWxid": STRANGER, "content": "你好" * 10_000})
    await memory(sim)
    resp = await touch(sim, "big")
    assert resp.status == 503 and "reset or delete it" in (await resp.json())["msg"]
    assert (await touch(sim, "default")).status == 200
    assert (await touch(sim, "new")).status == 503, "no room for a new tenant while big is not idle"
    assert (await sim.post("/_chatsim/tenants/big/reset")).status == 200
    assert (await (await touch(sim, "big")).json())["ret"] == 200


async def test_the_scenarios_a_tenant_was_loaded_with_count_against_the_budget(sim_factory):
    """Merging the same document again leaves the world as it was, but the tenant keeps every
    document to rebuild from: each one counts, and past the budget the tenant is refused."""
    sim = await sim_factory(memory_mib=2, journal_mib=1)
    doc = ("chatsim: 1\ngewe:\n  people: [{wxid: wxid_lilei1990, nickname: 李雷, signature: '"
           + "签" * 20_000 + "'}]\n").encode()

    async def merge():
        return await sim.put("/_chatsim/tenants/docs/scenario", params={"merge": "true"}, data=doc,
                             headers={"Content-Type": "application/yaml"})

    assert (await merge()).status == 200
    [one] = [t["bytes"] for t in (await memory(sim))["tenants"] if t["name"] == "docs"]
    assert (await merge()).status == 200
    [two] = [t["bytes"] for t in (await memory(sim))["tenants"] if t["name"] == "docs"]
    assert two - one >= 60_000  # the second document, though the world is the same
    for _ in range(40):
        if (await merge()).status != 200:
            break
    await memory(sim)
    resp = await touch(sim, "docs")
    assert resp.status == 503 and "reset or delete it" in (await resp.json())["msg"]


async def test_a_tenants_fault_rules_count_against_the_budget(sim_factory):
    sim = await sim_factory()
    await touch(sim, "ruled")

    async def footprint() -> int:
        [found] = [t["bytes"] for t in (await memory(sim))["tenants"] if t["name"] == "ruled"]
        return found

    bare = await footprint()
    rule = {"vendor": "gewe", "respond": {"status": 200, "body": "假" * 100_000}}
    resp = await sim.put("/_chatsim/tenants/ruled/faults", json={"rules": [rule]})
    assert resp.status == 200, await resp.text()
    assert await footprint() - bare >= 300_000  # the answer it keeps, as a whole body
    assert (await sim.delete("/_chatsim/tenants/ruled/faults")).status == 200
    assert abs(await footprint() - bare) < 1000  # (a re-measured world is a few bytes off)


def many_users(count: int) -> bytes:
    users = "\n".join(f"    - {{username: user{i:05d}, password: '123456'}}" for i in range(count))
    return f"chatsim: 1\neggjs_im:\n  users:\n{users}\n".encode()


async def test_a_large_scenario_is_read_while_other_tenants_are_answered(sim):
    """The YAML and schema check of 16,000 users take seconds: read off the event loop, they hold no
    other tenant's requests (on the loop, every request waited for the whole read)."""
    loading = asyncio.ensure_future(sim.put("/_chatsim/tenants/big/scenario", data=many_users(16_000),
                                            headers={"Content-Type": "application/yaml"}))
    answered = 0
    while not loading.done():
        assert (await (await touch(sim, "other")).json())["ret"] == 200
        answered += 1
    assert (await loading).status == 200, await (await loading).text()
    assert answered >= 5
    login = await sim.post("/api/loginChat", data={"username": "user15999", "password": "123456"},
                           headers={"X-Chatsim-Tenant": "big"})
    assert login.status == 200
