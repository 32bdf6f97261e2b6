"""Every real endpoint accounted for: a catalogued endpoint chatsim does not simulate checks the
token as the real gateway does, then says "not implemented by chatsim" in its family's envelope;
a path in no DingTalk API keeps the family's real unknown-path answer."""

import re

from chatsim.spec.load import load_document
from chatsim.vendors.dingtalk import VENDOR
from tests.dingtalk.support import APPKEY, APPSECRET, get_token

HEADER = "X-Chatsim-Not-Implemented"
V1_TOKEN = "x-acs-dingtalk-access-token"


def catalogue(spec):
    """(method, path with its parameters filled in, operation) for every operation without a handler."""
    for path, item in load_document(spec)["paths"].items():
        for method, op in item.items():
            if op["operationId"] not in VENDOR.handlers:
                yield method.upper(), re.sub(r"\{\w+\}", "x1", path), op


OAPI = list(catalogue(VENDOR.spec))
V1 = list(catalogue(VENDOR.extra_specs[0]))


def operations(spec):
    return [op for item in load_document(spec)["paths"].values() for op in item.values()]


def test_the_catalogue_covers_the_families_the_sdks_expose():
    """Every real endpoint is in the specs, simulated or catalogued: an endpoint that becomes real
    leaves the catalogue but not the count."""
    assert len(operations(VENDOR.spec)) >= 57 and len(V1) >= 250
    assert {"/topapi/v2/user/get", "/user/get", "/message/send", "/sns/gettoken"} <= \
        {path for _, path, _ in OAPI}
    assert {path.split("/")[2] for _, path, _ in V1} == {"oauth2", "im", "contact", "robot"}


async def test_oapi_catalogue_checks_the_token_then_says_not_implemented(sim):
    token = await get_token(sim)
    for method, path, op in OAPI:
        topapi, tokenless = path.startswith("/topapi/"), op.get("x-dingtalk-tokenless", False)
        if not tokenless:
            blank = await (await sim.request(method, path)).json()
            bogus = await (await sim.request(method, path, params={"access_token": "bogus"})).json()
            if topapi:
                assert (blank["errcode"], blank["sub_code"], bogus["sub_code"]) == (88, "40000", "40014"), path
            else:
                assert (blank, bogus) == ({"errcode": 41001, "errmsg": "缺少access_token参数"},
                                          {"errcode": 40014, "errmsg": "不合法的access_token"}), path
        resp = await sim.request(method, path, params={"access_token": token})
        body = await resp.json()
        assert resp.status == 200 and resp.headers[HEADER] == op["operationId"], path
        if topapi:
            api = "dingtalk.oapi." + ".".join(path.split("/")[2:])
            assert body["errcode"] == 22 and body["sub_msg"] == f"not implemented by chatsim: {api}", body
        else:
            assert body == {"errcode": 404, "errmsg": f"not implemented by chatsim: {path}"}, body


async def test_v1_catalogue_checks_the_token_then_says_not_implemented(sim):
    resp = await sim.post("/v1.0/oauth2/accessToken", json={"appKey": APPKEY, "appSecret": APPSECRET})
    token = (await resp.json())["accessToken"]
    for method, path, op in V1:
        if not op.get("x-dingtalk-tokenless", False):
            refused = await sim.request(method, path, headers={V1_TOKEN: "bogus"})
            assert (refused.status, (await refused.json())["code"]) == (400, "InvalidAuthentication"), path
        resp = await sim.request(method, path, headers={V1_TOKEN: token})
        body = await resp.json()
        assert (resp.status, resp.headers[HEADER], body["code"]) == (404, op["operationId"], "NotImplemented"), path
        assert body["message"] == f"not implemented by chatsim: {method} {path}"


async def test_unknown_paths_answer_each_familys_real_unknown_path(sim):
    body = await (await sim.post("/topapi/nosuch/api", params={"access_token": "bogus"})).json()
    assert (body["errcode"], body["sub_msg"]) == (22, "不合法ApiName，ApiName = dingtalk.oapi.nosuch.api")
    for path in ("/robot/nosuch", "/message/nosuch", "/sns/nosuch", "/user/nosuch", "/chat/nosuch"):
        resp = await sim.post(path)
        assert (resp.status, await resp.json()) == (200, {"errcode": 404, "errmsg": "请求的URI地址不存在"}), path
        assert HEADER not in resp.headers
    resp = await sim.post("/v1.0/contact/nosuch")
    assert (resp.status, (await resp.json())["code"]) == (404, "InvalidAction.NotFound")
    wrong_method = await (await sim.post("/user/get")).json()
    assert wrong_method == {"errcode": 43001, "errmsg": "需要GET请求"}
