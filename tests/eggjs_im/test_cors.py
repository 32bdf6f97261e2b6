"""Browser frontends on another origin against the egg.js backend: egg-cors's answers (chatsim.cors)."""

import pytest

from tests.conftest import ClientFactory

FRONTEND = "http://127.0.0.1:5173"
PREFLIGHT = {"Origin": FRONTEND, "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "token,content-type"}


async def login(sim) -> str:
    resp = await sim.post("/api/loginChat", data={"username": "my01", "password": "123456"},
                          headers={"Origin": FRONTEND})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    return (await resp.json())["data"]["token"]


async def test_a_preflight_is_answered_before_the_token_check(sim):
    resp = await sim.options("/api/chat/searchUser", headers=PREFLIGHT)
    assert resp.status == 204 and await resp.read() == b""
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.headers["Access-Control-Allow-Headers"] == "token,content-type"
    assert resp.headers["Access-Control-Allow-Methods"] == "GET,HEAD,PUT,POST,DELETE,PATCH"


async def test_answers_to_an_origin_carry_the_header_and_others_do_not(sim):
    token = await login(sim)
    resp = await sim.post("/api/chat/searchUser", json={"keyword": "my02"},
                          headers={"token": token, "Origin": FRONTEND})
    assert resp.status == 200 and resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.headers["Vary"] == "Origin"
    plain = await sim.post("/api/chat/searchUser", json={"keyword": "my02"}, headers={"token": token})
    assert "Access-Control-Allow-Origin" not in plain.headers
    failed = await sim.post("/api/chat/searchUser", json={}, headers={"token": "bad", "Origin": FRONTEND})
    assert failed.status == 400 and failed.headers["Access-Control-Allow-Origin"] == "*", "errors too"


@pytest.fixture
async def only_frontend(sim_factory: ClientFactory):
    return await sim_factory(cors_origins=(FRONTEND,))


async def test_with_allowed_origins_set_the_origin_itself_is_echoed_and_others_fall_through(only_frontend):
    resp = await only_frontend.options("/api/chat/searchUser", headers=PREFLIGHT)
    assert resp.status == 204 and resp.headers["Access-Control-Allow-Origin"] == FRONTEND
    other = await only_frontend.options("/api/chat/searchUser", headers={**PREFLIGHT, "Origin": "http://evil.test"})
    assert other.status == 400, "not egg-cors's to answer: the token check answers it"
    assert "Access-Control-Allow-Origin" not in other.headers


async def test_the_server_to_server_apis_and_the_admin_api_send_no_cors_headers(sim):
    for path in ("/gewe/v2/api/contacts/setFriendPermissions", "/topapi/chat/member/friendswitch/update",
                 "/_chatsim/tenants"):
        resp = await sim.options(path, headers=PREFLIGHT)
        assert "Access-Control-Allow-Origin" not in resp.headers, path
        assert resp.status != 204, path
