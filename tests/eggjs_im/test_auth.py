"""The chatUserAuth middleware: header, JWT, the one live token in redis, the user row. All 400."""

import time

import jwt

from tests.eggjs_im.conftest import MakeEgg, users

PUBLIC_SECRET = "qhdgw@45ncashdaksh2!#@3nxjdas*_259"
NO_TOKEN = (400, {"msg": "fail", "data": "您没有权限访问即时通讯接口"})
INVALID = (400, {"msg": "fail", "data": "Token 令牌不合法！"})
NOT_FOUND = (404, {"msg": "fail", "data": "404 错误"})


async def test_missing_or_empty_token_header(make_egg: MakeEgg):
    egg = await make_egg({"users": users("my01")})
    assert await egg.post("/api/chat/logout") == NO_TOKEN
    assert await egg.get("/api/chat/goodfriendlist/1", "") == NO_TOKEN
    # the token travels in the header only in this version
    token = await egg.login("my01")
    assert await egg.get("/api/chat/goodfriendlist/1", params={"token": token}) == NO_TOKEN


async def test_tokens_that_are_not_the_live_one(make_egg: MakeEgg):
    egg = await make_egg({"users": users("my01")})
    first = await egg.login("my01")
    await egg.advance(1)
    second = await egg.login("my01")
    payload = jwt.decode(second, PUBLIC_SECRET, algorithms=["HS256"])
    forged = jwt.encode(payload, "another secret, long enough for PyJWT")
    for token in ("garbage", f"Bearer {second}", forged, first):
        assert await egg.post("/api/chat/searchUser", token, data={"keyword": "my"}) == INVALID, token
    assert (await egg.post("/api/chat/searchUser", second, data={"keyword": "my"}))[0] == 200


async def test_expired_jwt_is_judged_on_the_virtual_clock(make_egg: MakeEgg):
    egg = await make_egg({"users": users("my01")})
    live = await egg.login("my01")
    payload = jwt.decode(live, PUBLIC_SECRET, algorithms=["HS256"])
    expiring = jwt.encode({**payload, "exp": payload["iat"] + 60}, PUBLIC_SECRET)
    # not yet expired: the signature is fine but it is not the live token
    assert await egg.post("/api/chat/logout", expiring) == INVALID
    await egg.advance(60)
    assert await egg.post("/api/chat/logout", expiring) == (400, {"msg": "fail", "data": "Token已过期！请重新获取令牌"})
    assert payload["iat"] < time.time()  # the real clock never mattered: the tenant clock is frozen in 2025


async def test_disabled_user_with_a_live_token(make_egg: MakeEgg):
    egg = await make_egg({"users": users("my01", status=0, logged_in=True)})
    token = (await egg.state())["sessions"]["chat_user_1"]
    assert await egg.post("/api/chat/logout", token) == (400, {"msg": "fail", "data": "当前用户不存在或者已被禁用"})


async def test_auth_comes_before_validation_which_comes_before_business(make_egg: MakeEgg):
    egg = await make_egg({"users": users("my01")})
    assert await egg.post("/api/chat/applyfriend", data={"friend_id": "abc"}) == NO_TOKEN
    token = await egg.login("my01")
    assert await egg.post("/api/chat/applyfriend", token, data={"friend_id": "abc"}) == (
        422, {"msg": "fail", "data": "我申请添加的好友id 的值 `abc` 的类型不是 `int`"})
    assert await egg.post("/api/chat/applyfriend", token, data={"friend_id": "1"}) == (
        400, {"msg": "fail", "data": "不能添加自己为好友"})


async def test_unknown_routes_pass_the_middleware_first(make_egg: MakeEgg):
    egg = await make_egg({"users": users("my01")})
    assert await egg.get("/api/chat/nothing") == NO_TOKEN
    assert await egg.get("/api/chat/listapplyfriend/", "garbage") == INVALID
    token = await egg.login("my01")
    assert await egg.get("/api/chat/nothing", token) == NOT_FOUND
    assert await egg.get("/api/chat/logout", token) == NOT_FOUND  # wrong method
    assert await egg.get("/api/regChat") == NOT_FOUND
    assert await egg.get("/api/chatroom") == NOT_FOUND  # not under /api/chat/: no token needed


async def test_jwt_secret_is_configurable(make_egg: MakeEgg):
    egg = await make_egg({"jwt_secret": "my own secret, for this tenant only", "users": users("my01")})
    token = await egg.login("my01")
    assert jwt.decode(token, "my own secret, for this tenant only", algorithms=["HS256"])["username"] == "my01"
    assert (await egg.get("/api/chat/goodfriendlist/1", token))[0] == 500  # no friends: the quirk
