"""Passwords and JWTs exactly as the backend makes them, so its sample token verifies here.

The backend signs with jsonwebtoken, whose JSON.stringify keeps non-ASCII text as UTF-8; PyJWT's
default would escape it and give a different signature for any Chinese nickname.
"""

import base64
import binascii
import hashlib
import hmac
import json
import warnings
from functools import cache, lru_cache
from types import ModuleType
from typing import Any

import orjson

# jsonwebtoken takes a secret of any length, and so does a scenario's jwt_secret: PyJWT >= 2.10 would
# warn on every login signed with a short one.
warnings.filterwarnings("ignore", message="The HMAC key is .* bytes long")

# jsonwebtoken accepts every HMAC algorithm for a string secret.
_ALGORITHMS = ["HS256", "HS384", "HS512"]
# Only the signature is checked by PyJWT: exp and nbf are judged on the tenant's virtual clock.
_ONLY_SIGNATURE: Any = {"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False,
                   "verify_iss": False}


class TokenExpired(Exception):
    """jsonwebtoken's TokenExpiredError."""


class TokenInvalid(Exception):
    """Any other jsonwebtoken verification failure."""


@lru_cache(maxsize=256)  # a scenario of thousands of users gives most of them the same password
def hash_password(password: str) -> str:
    """``crypto.createHash('sha256', secret)`` ignores the secret: plain SHA-256 hex."""
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


@cache
def _jwt() -> ModuleType:
    """PyJWT, imported on the first check of a token not seen before: with cryptography behind it,
    it is ~100 ms of start-up that a server which never sees an egg.js token does not need."""
    import jwt

    return jwt


# jsonwebtoken's header for HS256, as PyJWT writes it too (sorted keys, compact): a constant.
_HEADER = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
# json.dumps with options builds an encoder per call; base64.urlsafe_b64encode is b2a_base64 and this translation
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_URLSAFE = bytes.maketrans(b"+/", b"-_")
# values that come back from JSON as the same value of the same type (a float may not: NaN)
_ROUND_TRIP = frozenset({str, int, bool, type(None)})


@lru_cache(maxsize=64)
def _keyed(secret: str) -> "hmac.HMAC":
    """HMAC-SHA256 with the secret's key already mixed in: ``hmac.digest`` sets the key up (two
    SHA-256 blocks) and looks the digest up by name on every call, half of what signing a
    900-byte token cost."""
    return hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)


def _hs256(secret: str, data: bytes) -> bytes:
    """``hmac.digest(secret, data, "sha256")``, from a copy of the keyed state (the same bytes)."""
    signer = _keyed(secret).copy()
    signer.update(data)
    return signer.digest()


def _b64url(data: bytes) -> bytes:
    return binascii.b2a_base64(data, newline=False).translate(_URLSAFE).rstrip(b"=")


def issue(payload: dict[str, Any], secret: str) -> tuple[str, dict[str, Any]]:
    """An HS256 JWT byte for byte as ``jwt.encode(payload, secret, "HS256", json_encoder=_StringifyLikeJs)``
    makes it, with the standard library (PyJWT's encode was ~150 µs of every login and
    registration), and the claims PyJWT's decode answers for it once the signature checks (it does:
    the token was just signed with the world's secret). A flat payload of strings, integers and
    nulls is its own JSON round trip, so its claims are a copy, not the token decoded again (that
    was a sixth of a login); anything else is decoded from the signed JSON.
    tests/eggjs_im/test_verified_tokens.py holds both equal to PyJWT's."""
    flat = _ROUND_TRIP.issuperset(map(type, payload.values()))
    body = _flat_json(payload) if flat else _ENCODER.encode(payload).encode("utf-8")
    signing_input = _HEADER + b"." + _b64url(body)
    signature = _hs256(secret, signing_input)
    token = (signing_input + b"." + _b64url(signature)).decode("ascii")
    if flat:
        return token, dict(payload)
    claims: dict[str, Any] = _json(body)
    return token, claims


def _flat_json(payload: dict[str, Any]) -> bytes:
    """A flat payload's JSON by orjson, which writes strings (every code point), 64-bit integers,
    booleans and nulls as the compact non-ASCII ``json`` encoder does, at a third of its cost; a
    larger integer is orjson's error and goes to ``json``."""
    try:
        return orjson.dumps(payload)
    except orjson.JSONEncodeError:
        return _ENCODER.encode(payload).encode("utf-8")


def _json(raw: bytes) -> Any:
    """``json.loads(raw)``, by orjson (at a third of the cost) when it gives a flat object of
    strings, integers, booleans and nulls, which ``json`` parses to the same values (orjson's
    integers are exact: one past 64 bits comes back as a float). Anything else, and what orjson
    refuses (NaN, a lone surrogate, a byte order mark, UTF-16), ``json`` decides.
    tests/eggjs_im/test_verified_tokens.py holds the two equal."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)
    if type(value) is dict and _ROUND_TRIP.issuperset(map(type, value.values())):
        return value
    return json.loads(raw)


def decode(token: str, secret: str) -> dict[str, Any]:
    """The signature checked and the claims decoded (not to be changed: they may be a kept answer);
    the times are judged by ``check_times``."""
    claims = _decoded(token, secret)
    if claims is None:
        raise TokenInvalid
    return claims


@lru_cache(maxsize=16)
def _decoded(token: str, secret: str) -> dict[str, Any] | None:
    """The claims, None for a token PyJWT refuses. A pure function of its arguments, so the newest
    answers are kept: a client whose token stopped being live (a later login, a logout) sends it
    again on every request, and judging it was two HMACs and a JSON parse each time (a token is
    at most a request's 8 KiB of headers, so the kept ones hold at most 16 of those)."""
    claims = _signed_as_issued(token, secret)
    if claims is not None:
        return claims
    jwt = _jwt()
    try:
        payload: dict[str, Any] = jwt.decode(token, secret, algorithms=_ALGORITHMS, options=_ONLY_SIGNATURE)
    except jwt.InvalidTokenError:
        return None
    return payload


def check_times(payload: dict[str, Any], now: float) -> dict[str, Any]:
    """The rest of jsonwebtoken's ``verify``: exp and nbf judged on the tenant's virtual clock."""
    exp, nbf = payload.get("exp"), payload.get("nbf")
    for claim in (exp, nbf):
        if claim is not None and (isinstance(claim, bool) or not isinstance(claim, int | float)):
            raise TokenInvalid
    if exp is not None and now >= exp:
        raise TokenExpired
    if nbf is not None and nbf > now:
        raise TokenInvalid
    return payload


_HEADER_TEXT = _HEADER.decode("ascii")
# the claims PyJWT checks even with only the signature asked for (their types): left to it
_CHECKED_BY_PYJWT = ("sub", "jti")


def _signed_as_issued(token: str, secret: str) -> dict[str, Any] | None:
    """A token in the form ``issue`` makes (the HS256 header, a payload, the signature of both)
    whose signature checks, decoded as PyJWT decodes it; None for anything else, which PyJWT
    judges. A speed trick for a token that is not live (logged out, replaced by a later login,
    from another run): PyJWT took ~150 µs to tell what two HMACs and a JSON parse tell, on every
    request that carried one. tests/eggjs_im/test_verified_tokens.py holds it equal to PyJWT."""
    header, _, rest = token.partition(".")
    payload, dot, signature = rest.partition(".")
    if header != _HEADER_TEXT or not dot or "." in signature or not token.isascii():
        return None
    expected = _b64url(_hs256(secret, f"{header}.{payload}".encode("ascii")))
    if not hmac.compare_digest(expected, signature.encode("ascii")):
        return None
    try:
        claims = _json(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:  # binascii.Error, UnicodeDecodeError and JSONDecodeError are all ValueErrors
        return None
    if not isinstance(claims, dict) or any(name in claims for name in _CHECKED_BY_PYJWT):
        return None
    return claims
