"""The verified-token cache (model/verified.py) answers what verifying every time answers, and the
standard-library signing (model/tokens.py) makes PyJWT's tokens byte for byte.

Every request with a token is tried twice and more, so the first (verified by PyJWT) and the later
ones (from the cache) are compared; tokens that stop being live must fail the same way after they
had been cached.
"""

import json
from typing import Any

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatsim.vendors.eggjs_im.model import tokens
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


class _StringifyLikeJs(json.JSONEncoder):
    """What the plain path gave PyJWT: JSON.stringify keeps non-ASCII text as UTF-8."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["ensure_ascii"] = False
        super().__init__(**kwargs)


@pytest.mark.filterwarnings("ignore:The HMAC key")
@pytest.mark.parametrize("secret", [PUBLIC_SECRET, "s", "密钥 with spaces", "x" * 100])
def test_signing_with_the_standard_library_is_pyjwts_token(secret: str):
    payloads = [{"id": 1, "username": "my01", "nickname": "魂牵一梦", "mobile": None, "iat": 1752378365},
                {"id": 2**40, "nickname": "\u2028 \"quoted\" \\ 😀", "order": 50, "avatar": "https://x/y?z=1&w"},
                {"id": 3, "active": True, "score": 1.5, "tags": ["a", None], "nested": {"k": 1}},
                {"ratio": float("1e16"), "off": False}, {"big": 2**70, "small": -2**63, "on": True},
                {"every": "".join(chr(c) for c in range(0x3000) if not 0xD800 <= c < 0xE000) + "\U0010ffff"}, {}]
    for payload in payloads:
        token, claims = tokens.issue(payload, secret)
        assert token == jwt.encode(payload, secret, algorithm="HS256", json_encoder=_StringifyLikeJs)
        # the claims kept for a token just issued are what PyJWT's verification decodes, types too
        decoded = jwt.decode(token, secret, algorithms=["HS256"])
        assert claims == decoded
        assert [type(value) for value in claims.values()] == [type(value) for value in decoded.values()]
        assert list(claims) == list(decoded)


def _pyjwt(token: str, secret: str) -> dict[str, Any] | str:
    """What decode answered before it had a fast path: PyJWT's claims, or that it refused."""
    try:
        return jwt.decode(token, secret, algorithms=["HS256", "HS384", "HS512"],
                          options={"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                                   "verify_aud": False, "verify_iss": False})
    except jwt.InvalidTokenError:
        return "invalid"


def _ours(token: str, secret: str) -> dict[str, Any] | str:
    try:
        return tokens.decode(token, secret)
    except tokens.TokenInvalid:
        return "invalid"


@pytest.mark.filterwarnings("ignore:The HMAC key")
def test_decoding_a_token_that_is_not_live_answers_what_pyjwt_answers():
    secret, other = PUBLIC_SECRET, "another secret, long enough for PyJWT"
    payloads = [{"id": 1, "username": "my01", "nickname": "魂牵一梦", "iat": 1752378365, "exp": 1752385565},
                {"id": 2**70, "tags": ["a", None], "nested": {"k": 1.5}}, {"sub": 5}, {"sub": "5"}, {"jti": 1},
                {"exp": "soon"}, {}]
    made: list[str] = []
    for payload in payloads:
        token, _ = tokens.issue(payload, secret)
        head, body, signature = token.split(".")
        made += [token, f"{head}.{body}.{signature[:-2]}", f"{head}.{body}.{signature}=", token + ".x",
                 f"{head}.{body[:-1]}.{signature}", tokens.issue(payload, other)[0],
                 jwt.encode(payload, secret, algorithm="HS512"), jwt.encode(payload, secret, algorithm="HS256",
                                                                            headers={"kid": "k"})]
    signed_not_json = tokens._HEADER.decode() + "." + tokens._b64url(b"[1, 2]").decode()
    signed_not_json += "." + tokens._b64url(tokens.hmac.digest(secret.encode(), signed_not_json.encode(),
                                                               "sha256")).decode()
    made += [signed_not_json, "", "a.b", "a.b.c", "..", "é.é.é", tokens.issue({"id": 1}, secret)[0].upper()]
    for _ in range(2):  # judged, then answered from the kept answers
        for token in made:
            assert _ours(token, secret) == _pyjwt(token, secret), token


@pytest.mark.parametrize("raw", [
    b'{"a": 1, "a": 2}', b'{"f": 0.1, "g": 1e308, "h": 5e-324, "i": -0.0, "j": 1.7976931348623157e308}',
    b'{"big": 123456789012345678901234567890, "neg": -9223372036854775809, "edge": 18446744073709551615}',
    b'{"n": NaN, "inf": Infinity}', b'{"s": "\\ud800 lone", "pair": "\\ud83d\\ude00"}', b'\xef\xbb\xbf{"bom": 1}',
    '{"utf16": "长城"}'.encode("utf-16"), b'{"deep": ' + b"[" * 2000 + b"]" * 2000 + b"}", b'{"e": 1E+2, "z": 0e0}',
    b'{"nul": "\\u0000", "esc": "\\/\\b\\f\\n\\r\\t"}', b'  {"ws" :\t[ 1 , {} ] }\n', b'{"x": 1} trailing', b"",
    b"[1, 2]", b'"text"', b"\xff\xfe", b'{"cut": "\xe9"}',
])
def test_claims_are_parsed_as_json_parses_them(raw: bytes):
    """Every number kept exactly (integers past 64 bits included), every refusal json's own."""
    def parsed(parse: Any) -> Any:
        try:
            return "ok", json.dumps(parse(raw), sort_keys=True)
        except (ValueError, RecursionError) as exc:
            return "refused", type(exc)

    assert parsed(tokens._json) == parsed(json.loads)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES, st.sampled_from([{}, {"ensure_ascii": False}, {"separators": (",", ":")}]))
def test_claims_of_any_json_document_are_json_loads(value: Any, options: dict[str, Any]):
    text = json.dumps(value, **options)
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate written as itself: not UTF-8, no token carries it
        return
    assert json.dumps(tokens._json(raw)) == json.dumps(json.loads(raw))
