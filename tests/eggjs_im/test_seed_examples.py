"""The seed's example bodies (kept as the examples of specs/eggjs_im.yaml), reproduced key for key.

Scenarios are laid out so that ids coincide with the examples; only uuids, tokens and the times the
examples were taken at differ.
"""

import base64
import json
from typing import Any

import jwt
import pytest

from chatsim.paths import SPECS_DIR
from chatsim.spec.load import load_document
from tests.eggjs_im.conftest import Egg, MakeEgg, users

SPEC = load_document(SPECS_DIR / "eggjs_im.yaml")
PUBLIC_SECRET = "qhdgw@45ncashdaksh2!#@3nxjdas*_259"


def example(path: str, method: str = "post") -> Any:
    return SPEC["paths"][path][method]["responses"]["200"]["content"]["application/json"]["example"]


def ok_example(name: str) -> Any:
    return SPEC["components"]["responses"][name]["content"]["application/json"]["example"]


def assert_same(actual: Any, expected: Any, ignore: frozenset[str] = frozenset(), where: str = "") -> None:
    """Equal values and equal key order, except for the keys named in ``ignore``."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert list(actual) == list(expected), where
        for key in expected:
            if key not in ignore:
                assert_same(actual[key], expected[key], ignore, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            assert_same(got, want, ignore, f"{where}[{index}]")
    else:
        assert actual == expected, where


def payload_of(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


async def test_register_and_login_bodies_match_the_seed(make_egg: MakeEgg):
    egg = await make_egg({"users": users("user1", "user2", "user3", "user4", "user5")})
    status, body = await egg.post("/api/regChat", data={"username": "my01", "password": "123456"})
    assert status == 200
    assert_same(body, example("/api/regChat"), frozenset({"uuid", "token"}))

    seed_login = example("/api/loginChat")
    await egg.advance(payload_of(seed_login["data"]["token"])["iat"] - 1752378365)
    status, body = await egg.post("/api/loginChat", data={"username": "my01", "password": "123456"})
    assert status == 200
    assert_same(body, seed_login, frozenset({"uuid", "token"}))

    # the token: HS256 with the public secret, payload = the row with its password hash, then iat
    token = body["data"]["token"]
    ours, theirs = payload_of(token), payload_of(seed_login["data"]["token"])
    assert list(ours) == list(theirs)
    assert_same(ours, theirs, frozenset({"uuid", "username"}))
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    assert jwt.decode(token, PUBLIC_SECRET, algorithms=["HS256"]) == ours


async def test_token_payload_is_utf8_json_like_jsonwebtoken(make_egg: MakeEgg):
    egg = await make_egg({"users": users("my01", nickname="魂牵一梦")})
    token = await egg.login("my01")
    raw = base64.urlsafe_b64decode(token.split(".")[1] + "==")
    assert "魂牵一梦".encode() in raw  # JSON.stringify keeps it as UTF-8, no \\u escapes


@pytest.fixture
async def course(make_egg: MakeEgg) -> Egg:
    """The docs' world: my01 魂牵一梦 (id 1) applied to my03 (id 3), who has her as friend (row 5)."""
    return await make_egg({
        "users": [*users("my01", nickname="魂牵一梦"), *users("my02", "my03")],
        "goodfriend": [{"user": "my01", "friend": "my02"}, {"user": "my02", "friend": "my01"},
                       {"user": "my01", "friend": "my03"}, {"user": "my02", "friend": "my03"},
                       {"user": "my03", "friend": "my01", "nickname": "好友魂牵一梦"}],
        "goodfriendapply": [{"user": "my01", "friend": "my03"}, {"user": "my02", "friend": "my03"}],
    })


async def test_search_body_matches_the_seed(course: Egg):
    token = await course.login("my03")
    status, body = await course.post("/api/chat/searchUser", token, data={"keyword": "my01"})
    assert status == 200
    assert_same(body, example("/api/chat/searchUser"), frozenset({"uuid"}))


async def test_listapplyfriend_body_matches_the_seed(course: Egg):
    token = await course.login("my03")
    status, body = await course.get("/api/chat/listapplyfriend/1", token, params={"limit": "1"})
    assert status == 200
    assert_same(body, example("/api/chat/listapplyfriend/{page}", "get"),
                frozenset({"create_time", "update_time"}))


async def test_goodfriendlist_body_matches_the_seed(course: Egg):
    token = await course.login("my03")
    status, body = await course.get("/api/chat/goodfriendlist/1", token, params={"limit": "1"})
    assert status == 200
    assert_same(body, example("/api/chat/goodfriendlist/{page}", "get"))


async def test_getgoodfriendinfo_body_matches_the_seed(course: Egg):
    token = await course.login("my03")
    status, body = await course.get("/api/chat/getgoodfriendinfo/1", token)
    assert status == 200
    assert_same(body, example("/api/chat/getgoodfriendinfo/{id}", "get"))


async def test_the_plain_ok_bodies_match_the_seed(course: Egg):
    token = await course.login("my03")
    done = (200, ok_example("OkText"))
    assert await course.post("/api/chat/handleapply/2", token, data={"status": "refuse"}) == done
    assert await course.post("/api/chat/setstargoodfriend/1", token) == done
    assert await course.post("/api/chat/setmeOrfriendCanSee/1", token,
                             data={"friendlookme": "1", "melookfriend": "0"}) == done
    assert await course.post("/api/chat/setblackgoodfriend/1", token) == done
    assert await course.post("/api/chat/applyfriend", token, data={"friend_id": "2"}) == done
    assert await course.post("/api/chat/logout", token) == (200, example("/api/chat/logout"))
