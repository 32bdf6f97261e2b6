"""Random journeys: seeded walks over each vendor's implemented operations, with values taken from
the demo world and from earlier answers (the wxid a search found, the chatid a create made, the
newMsgId a send answered), so the walks reach the handlers' deeper branches and not only their
first check.

After every request that the vendor answers with a failure, the tenant's world (the admin read)
must be exactly what it was before: a refused request changes nothing. Every answer is checked
against its spec (``check_responses``), and nothing may log a bug. Bounded and deterministic:
WALKS walks of STEPS requests per vendor; to search longer, raise them and change the seed
(JOURNEY_WALKS, JOURNEY_STEPS, JOURNEY_SEED).
"""

import json
import logging
import os
import random
import re
from typing import Any

import pytest
import requests

from chatsim.chain import bind_all
from chatsim.spec.operations import Field, Operation
from chatsim.toolkit.server import ThreadedChatsim
from chatsim.vendors.registry import discover

WALKS = int(os.environ.get("JOURNEY_WALKS", "8"))
STEPS = int(os.environ.get("JOURNEY_STEPS", "60"))
SEED = os.environ.get("JOURNEY_SEED", "")
GEWE_TOKEN = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"
GEWE_APP = "wx_wR_U4zPj2M_OTS3BCyoE4"
DING_APP = {"appkey": "dingdemoappkey", "appsecret": "dingdemoappsecret"}
# What a setCallback counts as it arrives, failed probe or not: the order that makes the last
# setCallback sent win, not a change of what the world is.
ARRIVAL_COUNTERS = re.compile(r'"callback_requests": ?\d+')
# The backend's own crash on an empty page of friends (documented in the spec): its 500 is faithful.
KNOWN_500 = {("eggjs_im", "goodfriendlist")}
SHAPES: list[tuple[str, re.Pattern[str]]] = [
    ("wxid", re.compile(r"^wxid_\w+$")), ("room", re.compile(r"@chatroom$")),
    ("chatid", re.compile(r"^chat[0-9a-f]{32}$")), ("cid", re.compile(r"^cid.+==$")),
    ("v3", re.compile(r"^v3_")), ("v4", re.compile(r"^v4_")),
]
JUNK: list[Any] = ["", "hi", "你好", "a,b", "<x>&", "0", "http://127.0.0.1:9/x.png"]


class Pool:
    """Values seen so far, by field name (case and underscores folded) and by shape."""

    def __init__(self) -> None:
        self.by_name: dict[str, set[Any]] = {}
        self.by_shape: dict[str, set[str]] = {}

    def harvest(self, value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                self.harvest(item, name)
        elif isinstance(value, list):
            for item in value:
                self.harvest(item, key)
        elif isinstance(value, str | int) and not isinstance(value, bool):
            if key:
                self.by_name.setdefault(_folded(key), set()).add(value)
            for shape, pattern in SHAPES:
                if isinstance(value, str) and pattern.search(value):
                    self.by_shape.setdefault(shape, set()).add(value)

    def candidates(self, name: str) -> list[Any]:
        folded = _folded(name)
        found = set(self.by_name.get(folded) or self.by_name.get(folded.rstrip("s")) or ())
        for shape, keys in (("wxid", ("wxid",)), ("room", ("chatroom", "wxid")), ("chatid", ("chatid",)),
                            ("cid", ("conversation",)), ("v3", ("v3",)), ("v4", ("v4",))):
            if any(key in folded for key in keys):
                found |= self.by_shape.get(shape, set())
        return sorted(found, key=str)


def _folded(name: str) -> str:
    return name.lower().replace("_", "")


def _value(rng: random.Random, pool: Pool, field: Field) -> Any:
    kind = field.type or field.schema.get("type")
    seen = pool.candidates(field.name)
    if kind == "array":
        return [str(item) for item in rng.sample(seen, min(len(seen), rng.randint(0, 3)))]
    if seen and rng.random() < 0.8:
        chosen = rng.choice(seen)
        if kind == "string":
            return str(chosen)
        return int(chosen) if kind == "integer" and isinstance(chosen, str) and chosen.isdigit() else chosen
    if "enum" in field.schema:
        return rng.choice(field.schema["enum"])
    return {"boolean": lambda: rng.random() < 0.5, "integer": lambda: rng.choice([0, 1, 2, 3, -1, 100]),
            "number": lambda: rng.choice([0, 1.5, 60]), "object": dict}.get(kind or "", lambda: rng.choice(JUNK))()


class Vendor:
    """How one vendor's walk authenticates, sends a body and tells a failure."""

    name = ""

    def credentials(self, http: requests.Session, url: str, tenant: str, pool: Pool) -> None:
        pass

    def sign(self, op: Operation, rng: random.Random, pool: Pool, headers: dict[str, str],
             query: dict[str, Any], body: dict[str, Any]) -> None:
        pass

    def form(self, op: Operation) -> bool:
        return "application/json" not in op.body_media and "application/x-www-form-urlencoded" in op.body_media

    def failed(self, status: int, answer: Any) -> bool:
        return status >= 400


class Gewe(Vendor):
    name = "gewe"

    def sign(self, op, rng, pool, headers, query, body):
        headers["X-GEWE-TOKEN"] = GEWE_TOKEN
        if "appId" in body and rng.random() < 0.9:
            body["appId"] = GEWE_APP

    def failed(self, status, answer):
        return not (isinstance(answer, dict) and answer.get("ret") == 200)


class DingTalk(Vendor):
    name = "dingtalk"

    def credentials(self, http, url, tenant, pool):
        headers = {"X-Chatsim-Tenant": tenant}
        oapi = http.get(f"{url}/gettoken", params=DING_APP, headers=headers).json()["access_token"]
        v1 = http.post(f"{url}/v1.0/oauth2/accessToken", headers=headers,
                       json={"appKey": DING_APP["appkey"], "appSecret": DING_APP["appsecret"]}).json()["accessToken"]
        pool.by_name["accesstoken"] = {oapi, v1}

    def sign(self, op, rng, pool, headers, query, body):
        token = rng.choice(sorted(pool.by_name["accesstoken"]))
        if op.path.startswith("/v1.0/"):
            headers["x-acs-dingtalk-access-token"] = token
        else:
            query.setdefault("access_token", token)

    def failed(self, status, answer):
        if isinstance(answer, dict) and "errcode" in answer:
            return answer["errcode"] != 0
        return status >= 400


class EggjsIm(Vendor):
    name = "eggjs_im"

    def credentials(self, http, url, tenant, pool):
        logins = [http.post(f"{url}/api/loginChat", data={"username": user, "password": "123456"},
                            headers={"X-Chatsim-Tenant": tenant}) for user in ("my01", "my02", "my03")]
        pool.by_name["token"] = {login.json()["data"]["token"] for login in logins}

    def sign(self, op, rng, pool, headers, query, body):
        headers["token"] = rng.choice(sorted(pool.by_name["token"]))

    def form(self, op):
        return True


OPERATIONS = bind_all(discover())


@pytest.fixture(scope="module")
def server():
    with ThreadedChatsim(check_responses=True) as running:
        yield running


def _world(http: requests.Session, url: str, tenant: str) -> Any:
    """The tenant's worlds as the admin API reads them, arrival counters aside."""
    text = http.get(f"{url}/_chatsim/tenants/{tenant}/state").text
    return json.loads(ARRIVAL_COUNTERS.sub('"callback_requests": 0', text))["vendors"]


def _request(op: Operation, vendor: Vendor, rng: random.Random, pool: Pool, tenant: str) -> dict[str, Any]:
    """requests' keyword arguments for one call of ``op`` with values drawn from ``pool``."""
    body: dict[str, Any] = {}
    query: dict[str, Any] = {}
    headers = {"X-Chatsim-Tenant": tenant}
    path = op.path
    for field in op.fields:
        if not field.required and rng.random() < 0.3:
            continue
        value = _value(rng, pool, field)
        if field.location == "body":
            body[field.name] = value
        elif field.location == "query":
            query[field.name] = ",".join(value) if isinstance(value, list) else value
        elif field.location == "header":
            headers[field.name] = str(value)
        else:
            path = path.replace("{" + field.name + "}", str(value) or "x")
    vendor.sign(op, rng, pool, headers, query, body)
    sent: dict[str, Any] = {"method": op.method, "path": path, "params": query, "headers": headers}
    if vendor.form(op):
        sent["data"] = {key: json.dumps(value) if isinstance(value, list | dict) else value
                        for key, value in body.items()}
    elif body or op.method != "GET":
        sent["json"] = body
    return sent


@pytest.mark.parametrize("vendor", [Gewe(), DingTalk(), EggjsIm()], ids=lambda vendor: vendor.name)
def test_a_refused_request_changes_nothing(server, vendor: Vendor, caplog):
    caplog.set_level(logging.ERROR)
    rng = random.Random(f"journeys/{vendor.name}{SEED}")
    operations: list[Operation] = list(OPERATIONS[vendor.name])
    http = requests.Session()
    changed, crashed, reached = [], [], set()
    for walk in range(WALKS):
        tenant = f"journey-{vendor.name}-{walk}"
        http.post(f"{server.url}/_chatsim/tenants/{tenant}/reset")
        pool = Pool()
        pool.harvest(_world(http, server.url, tenant))
        vendor.credentials(http, server.url, tenant, pool)
        for _ in range(STEPS):
            op = rng.choice(operations)
            sent = _request(op, vendor, rng, pool, tenant)
            before = _world(http, server.url, tenant)
            resp = http.request(sent.pop("method"), server.url + sent.pop("path"), **sent)
            if "X-Chatsim-Not-Implemented" in resp.headers:  # catalogued, not simulated: walk elsewhere
                operations.remove(op)
                continue
            answer = resp.json() if resp.headers.get("Content-Type", "").find("json") >= 0 else resp.text
            if resp.status_code >= 500 and (vendor.name, op.operation_id) not in KNOWN_500:
                crashed.append((op.operation_id, sent, resp.status_code, answer))
            if vendor.failed(resp.status_code, answer):
                after = _world(http, server.url, tenant)
                if after != before:
                    changed.append((op.operation_id, sent, answer, [k for k in before if before[k] != after[k]]))
            else:
                reached.add(op.operation_id)
                pool.harvest(answer)
    assert changed == []
    assert crashed == []
    assert [record.getMessage() for record in caplog.records] == []
    # the walks reach successes, not only the first checks (a walk that never passed auth would pass)
    assert len(reached) >= {"gewe": 30, "dingtalk": 12, "eggjs_im": 7}[vendor.name], sorted(reached)
