"""The eggjs_im scenario section: the demo world, settings, and errors that name the bad entry."""

from aiohttp.test_utils import TestClient

from chatsim.app import HOST
from chatsim.vendors.registry import discover
from tests.eggjs_im.conftest import Egg, MakeEgg, users


async def test_demo_world_has_the_tour_credentials(sim: TestClient):
    world = sim.server.app[HOST].registry.get("default").worlds["eggjs_im"]
    assert discover()["eggjs_im"].credentials(world) == [
        f"POST /api/loginChat username={name} password=123456" for name in ("my01", "my02", "my03")]
    egg = Egg(sim, "default")
    token = await egg.login("my01")
    status, body = await egg.get("/api/chat/goodfriendlist/1", token)
    assert body["data"]["rows"]["newList"][0]["list"][0]["name"] == "好友小明"
    status, body = await egg.get("/api/chat/listapplyfriend/1", token)
    assert [(a["user"]["username"], a["nickname"]) for a in body["data"]["alldata"]] == [("my03", "我是my03")]


async def test_settings_shape_the_rows(make_egg: MakeEgg):
    egg = await make_egg({"utc_offset_hours": 0, "default_avatar": "https://example.invalid/a.png",
                          "users": users("my01", logged_in=True)})
    state = await egg.state()
    assert (state["user"][0]["create_time"], state["user"][0]["avatar"]) == (
        "2025-07-13 03:46:05", "https://example.invalid/a.png")
    assert list(state["sessions"]) == ["chat_user_1"]
    status, body = await egg.post("/api/chat/logout", state["sessions"]["chat_user_1"])
    assert status == 200


async def test_bad_sections_name_the_entry(sim: TestClient):
    for section, error in (
        ("{users: [{username: a1, password: x}, {username: A1, password: y}]}",
         "request body: eggjs_im.users[1].username: 'A1' is already taken"),
        ("{users: [{username: a1, password: x}], goodfriend: [{user: a1, friend: b2}]}",
         "request body: eggjs_im.goodfriend[0].friend: no user 'b2' in the scenario"),
        ("{users: [{username: a1, password: x}], goodfriendapply: [{user: a1, friend: a1}]}",
         "request body: eggjs_im.goodfriendapply[0]: user and friend are the same user"),
        ("{quirks: {empty_list: true}}",
         "request body: eggjs_im.quirks: Additional properties are not allowed ('empty_list' was unexpected)"),
    ):
        resp = await sim.put("/_chatsim/tenants/bad/scenario", data=f"chatsim: 1\neggjs_im: {section}\n".encode(),
                             headers={"Content-Type": "application/yaml"})
        assert (resp.status, (await resp.json())["error"]) == (400, error)
