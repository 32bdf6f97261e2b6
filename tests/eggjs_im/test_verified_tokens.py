"""The verified-token cache (model/verified.py) answers what verifying every time answers.

Every request with a token is tried twice and more, so the first (verified by PyJWT) and the later
ones (from the cache) are compared; tokens that stop being live must fail the same way after they
had been cached.
"""

import jwt

from chatsim.vendors.eggjs_im.model.verified import VerifiedTokens
from tests.eggjs_im.conftest import MakeEgg, users

PUBLIC_SECRET = "qhdgw@45ncashdaksh2!#@3nxjdas*_259"
INVALID = (400, {"msg": "fail", "data": "Token 令牌不合法！"})


async def test_a_cached_token_answers_as_the_first_verification_did(make_egg: MakeEgg):
    egg = await make_egg({"users": users("my01", "my02")})
    token = await egg.login("my01")
    answers = [await egg.post("/api/chat/searchUser", token, data={"keyword": "my"}) for _ in range(3)]
    assert answers[0][0] == 200
    assert answers[1:] == answers[:1] * 2


async def test_tokens_that_stop_being_live_fail_after_being_cached(make_egg: MakeEgg):
    egg = await make_egg({"users": users("my01")})
    first = await egg.login("my01")
    assert (await egg.post("/api/chat/searchUser", first, data={"keyword": "my"}))[0] == 200
    await egg.advance(1)
    second = await egg.login("my01")
    for _ in range(2):
        assert await egg.post("/api/chat/searchUser", first, data={"keyword": "my"}) == INVALID
        assert (await egg.post("/api/chat/searchUser", second, data={"keyword": "my"}))[0] == 200
    assert await egg.post("/api/chat/logout", second) == (200, {"msg": "ok", "data": True})
    for _ in range(2):
        assert await egg.post("/api/chat/searchUser", second, data={"keyword": "my"}) == INVALID
    await egg.advance(1)
    third = await egg.login("my01")
    assert (await egg.post("/api/chat/searchUser", third, data={"keyword": "my"}))[0] == 200


async def test_a_tampered_copy_of_a_cached_token_is_verified_and_refused(make_egg: MakeEgg):
    egg = await make_egg({"users": users("my01")})
    token = await egg.login("my01")
    assert (await egg.post("/api/chat/searchUser", token, data={"keyword": "my"}))[0] == 200
    payload = jwt.decode(token, PUBLIC_SECRET, algorithms=["HS256"])
    forged = jwt.encode(payload, "another secret, long enough for PyJWT")
    head, body, signature = token.split(".")
    for bad in (forged, f"{head}.{body}.{signature[:-2]}", token + "A", token.upper()):
        assert await egg.post("/api/chat/searchUser", bad, data={"keyword": "my"}) == INVALID, bad


def test_the_cache_keeps_one_token_per_user():
    cache = VerifiedTokens()
    cache.remember(1, "a", {"id": 1})
    cache.remember(1, "b", {"id": 1})
    cache.remember(2, "c", {"id": 2})
    assert (cache.get("a"), cache.get("b"), len(cache)) == (None, {"id": 1}, 2)
    cache.forget(1)
    cache.forget(1)
    assert (cache.get("b"), cache.get("c"), len(cache)) == (None, {"id": 2}, 1)
