"""chatsim.dispatch: exact routes found ahead of aiohttp's router answer exactly what aiohttp's own
routing of the same app answers, for every kind of request that takes one way or the other."""

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from chatsim.app import Settings, build_app
from chatsim.dispatch import ROUTES, Routes, Runner, in_front

TOKEN = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"  # the demo scenario's GeWe token
APP_ID = "wx_wR_U4zPj2M_OTS3BCyoE4"
PERMISSIONS = "/gewe/v2/api/contacts/setFriendPermissions"
GEWE = {"X-GEWE-TOKEN": TOKEN, "Content-Type": "application/json"}
GOOD = f'{{"appId":"{APP_ID}","wxid":"wxid_phyyedw9xap22","onlyChat":true}}'

# (method, path, headers, body): exact routes and what falls through to aiohttp's router
REQUESTS = [
    ("POST", PERMISSIONS, GEWE, GOOD),                                          # exact: a success
    ("POST", PERMISSIONS, {"Content-Type": "application/json"}, GOOD),          # exact: no token
    ("POST", PERMISSIONS, GEWE, f'{{"appId":"{APP_ID}","wxid":"x","onlyChat":"yes"}}'),  # exact: invalid
    ("POST", PERMISSIONS, {**GEWE, "Expect": "100-continue"}, GOOD),            # aiohttp answers the 100
    ("GET", PERMISSIONS, GEWE, ""),                                             # exact path, other method
    ("POST", f"/_t/other{PERMISSIONS}", GEWE, GOOD),                            # tenant prefix: catch-all
    ("POST", PERMISSIONS + "?x=1", GEWE, GOOD),                                 # a query string
    ("GET", "/api/chat/goodfriendlist/1", {}, ""),                              # templated: by its parent
    ("GET", "/api/chat/goodfriendlist/1/", {}, ""),                             # a trailing slash: catch-all
    ("GET", "/_t/other/api/chat/goodfriendlist/1", {}, ""),                     # tenant prefix: catch-all
    ("POST", "/api/chat/setblackgoodfriend/2", {"token": "x"}, ""),             # a refused token, by parent
    ("DELETE", "/v1.0/contact/managementGroups/g1", {}, ""),                    # catalogued, by parent
    ("GET", "/nowhere", {}, ""),                                                # unknown path
    ("OPTIONS", "/api/chat/searchUser", {"Origin": "http://a.example", "Access-Control-Request-Method": "POST"},
     ""),                                                                       # egg.js CORS preflight
    ("POST", "/v1.0/im/chat/x/convertToOpenConversationId", {}, ""),            # v1.0, templated
    ("GET", "/_chatsim/health", {}, ""),                                        # the admin API
]
VARYING = {"Date", "X-Chatsim-Request-Id"}


async def serve(runner: web.BaseRunner) -> str:
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return f"http://{host}:{port}"


@pytest.fixture
async def both() -> AsyncIterator[tuple[str, str]]:
    fast = Runner(build_app(Settings(quiet=True)), access_log=None)
    plain = web.AppRunner(build_app(Settings(quiet=True)), access_log=None)
    try:
        yield await serve(fast), await serve(plain)
    finally:
        await fast.cleanup()
        await plain.cleanup()


async def answer(session: aiohttp.ClientSession, base: str, request: tuple[str, str, dict[str, str], str]):
    method, path, headers, body = request
    async with session.request(method, base + path, headers=headers, data=body.encode() or None) as resp:
        shown = {k: v for k, v in resp.headers.items() if k not in VARYING}
        return resp.status, shown, await resp.read()


async def test_both_ways_give_the_same_answers(both: tuple[str, str]):
    fast, plain = both
    async with aiohttp.ClientSession() as session:
        for request in REQUESTS:
            got, expected = await answer(session, fast, request), await answer(session, plain, request)
            assert got == expected, request
        # and the answers are the operations' own, not one fallback for all
        success, no_token = [(await answer(session, fast, request))[2] for request in REQUESTS[:2]]
    assert b'"ret":200' in success and b'"ret":200' not in no_token


async def test_the_runner_puts_the_table_in_front_of_aiohttp():
    app = build_app(Settings(quiet=True))
    assert ("POST", PERMISSIONS) in app[ROUTES].exact
    assert app[ROUTES].children[("GET", "/api/chat/getgoodfriendinfo")][0] == "id"
    runner = Runner(app, access_log=None)
    await runner.setup()
    try:
        assert runner.server is not None
        assert runner.server.request_handler.__qualname__ == in_front.__qualname__ + ".<locals>.dispatch"
    finally:
        await runner.cleanup()


async def test_in_front_calls_the_tables_or_the_catch_all_and_leaves_100_continue_to_aiohttp():
    seen: list[str] = []

    async def exact(request: web.BaseRequest) -> web.StreamResponse:
        seen.append("table")
        return web.Response(text="table")

    async def rest(request: web.BaseRequest) -> web.StreamResponse:
        seen.append("rest")
        return web.Response(text="rest")

    async def aiohttp_handling(request: web.BaseRequest) -> web.StreamResponse:
        seen.append("aiohttp")
        return web.Response(text="aiohttp")

    async def child(request: web.BaseRequest, params: dict[str, str]) -> web.StreamResponse:
        seen.append(f"child {params}")
        return web.Response(text="child")

    routes = Routes({("POST", "/x"): exact}, rest, {("GET", "/f"): ("id", child)})
    runner = web.ServerRunner(web.Server(in_front(routes, aiohttp_handling)))
    base = await serve(runner)
    try:
        async with aiohttp.ClientSession() as session:
            for method, path, headers in [("POST", "/x", {}), ("GET", "/x", {}), ("POST", "/y", {}),
                                          ("POST", "/x", {"Expect": "100-continue"}), ("GET", "/f/7", {}),
                                          ("GET", "/f/", {}), ("POST", "/f/7", {}), ("GET", "/f/7/8", {})]:
                async with session.request(method, base + path, headers=headers, data=b"b") as resp:
                    assert resp.status == 200
    finally:
        await runner.cleanup()
    assert seen == ["table", "rest", "rest", "aiohttp", "child {'id': '7'}", "rest", "rest", "rest"]
