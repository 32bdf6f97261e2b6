"""Shared-server safety, class by class: every vector gets the vendor's own answer (never a bare 500
or a traceback), and nothing in the world changes."""

import json

from tests.test_pipeline import APP_ID, DEMO_CHAT, FRIEND, GEWE, TOPAPI_SWITCH, dingtalk_token, gewe


async def gewe_state(sim) -> dict:
    resp = await sim.get("/_chatsim/tenants/default/state")
    assert resp.status == 200
    return (await resp.json())["vendors"]["gewe"]


async def everything_still_reads(sim) -> None:
    for path in ("/_chatsim/tenants/default/state", "/_chatsim/tenants/default/callbacks", "/_chatsim/journal"):
        resp = await sim.get(path)
        assert resp.status == 200, (path, await resp.text())
        json.loads(await resp.text())


# --- integers beyond what the vendor stores --------------------------------------------------


async def test_integers_beyond_64_bits_are_the_vendors_validation_failure(sim):
    before = await gewe_state(sim)
    body = {"appId": APP_ID, "option": 2, "v3": "v3_x", "v4": "v4_x", "content": ""}
    for scene in ("99999999999999999999", 2**63, -(2**64), 2**64):  # (orjson reads these as floats)
        resp = await gewe(sim, "contacts/addContacts", {**body, "scene": scene})
        assert await resp.json() == {"ret": 500, "msg": "scene 参数格式错误"}, scene
        [violation] = json.loads(resp.headers["X-Chatsim-Violations"])
        assert violation["rule"] == "maximum" if str(scene)[0] != "-" else violation["rule"] == "minimum"
    assert await gewe_state(sim) == before
    await everything_still_reads(sim)


async def test_a_huge_integer_in_a_dingtalk_body_and_an_egg_path_keep_the_journal_readable(sim):
    token = await dingtalk_token(sim)
    resp = await sim.post("/chat/create", params={"access_token": token},
                          json={"name": "g", "owner": "manager4220", "useridlist": ["manager4220"],
                                "showHistoryType": 2**70})
    assert (await resp.json())["errcode"] != 0
    resp = await sim.get(f"/api/chat/getgoodfriendinfo/{2**64}", headers={"token": "x"})
    assert resp.status == 400  # the auth middleware runs first, as on the backend
    await everything_still_reads(sim)


# --- the violations header --------------------------------------------------------------------


async def test_a_long_bad_value_cannot_make_a_header_clients_reject(sim):
    for size in (9_000, 70_000):
        resp = await gewe(sim, "contacts/setFriendPermissions", {"appId": APP_ID, "wxid": FRIEND,
                                                                 "onlyChat": "x" * size})
        assert (await resp.json())["msg"] == "onlyChat 参数格式错误"
        header = resp.headers["X-Chatsim-Violations"]
        assert len(header) < 1_000 and f"({size} characters)" in header
    await everything_still_reads(sim)


# --- scenario YAML: size, nesting, aliases, names --------------------------------------------


LAUGHS = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


async def load(sim, text: str, tenant: str = "default"):
    return await sim.put(f"/_chatsim/tenants/{tenant}/scenario", data=text.encode(),
                         headers={"Content-Type": "application/yaml"})


async def test_yaml_alias_bombs_deep_nesting_and_huge_bodies_are_refused_quickly(sim):
    before = await gewe_state(sim)
    assert len(LAUGHS) < 400
    bomb = await load(sim, LAUGHS)
    assert bomb.status == 400 and (await bomb.json())["error"].endswith("more than 200000 nodes, its aliases expanded")
    large = await load(sim, "a: [" + "1," * 200_000 + "]")
    assert large.status == 400 and (await large.json())["error"].endswith(": more than 200000 nodes")
    deep = await load(sim, "a: " + "[" * 10_000 + "]" * 10_000)
    deep_error = (await deep.json())["error"]
    assert deep.status == 400 and ("nested deeper than 64" in deep_error or "maximum nesting depth" in deep_error)
    nested = await load(sim, "a: " + "[" * 100 + "]" * 100)
    assert nested.status == 400 and "nested deeper than 64" in (await nested.json())["error"]
    big = await load(sim, "# " + "x" * (5 * 1024**2))
    assert big.status in (400, 413)
    anchors = await load(sim, "chatsim: 1\nname: &n ok\ndescription: *n\n")
    assert anchors.status == 200, "ordinary anchors still work"
    await load(sim, "chatsim: 1\n")
    assert (await sim.post("/_chatsim/tenants/default/reset")).status == 200
    assert await gewe_state(sim) != {} and before["tokens"]


async def test_scenario_names_are_checked_before_the_filesystem_and_never_show_server_paths(sim):
    for name in ("demo\x00.yaml", "x" * 5000 + ".yaml", "../pyproject.toml", "/etc/passwd", "../../x.yaml",
                 "demo.yaml\n", " demo.yaml"):
        resp = await sim.put("/_chatsim/tenants/default/scenario", params={"file": name})
        message = (await resp.json())["error"]
        assert resp.status == 400, (name, message)
        assert "/work" not in message and "/tmp" not in message and "/home" not in message
    resp = await sim.put("/_chatsim/tenants/default/scenario", params={"file": "nope.yaml"})
    assert (resp.status, (await resp.json())["error"]) == (
        400, "nope.yaml: (top level): no such scenario in scenarios/")


# --- the clock ----------------------------------------------------------------------------------


async def test_clock_advances_beyond_the_bounds_are_refused_and_move_nothing(sim):
    before = (await (await sim.get("/_chatsim/tenants/default/clock")).json())["now"]
    for seconds in (1e12, 315360001, -1, "soon"):
        resp = await sim.post("/_chatsim/tenants/default/clock/advance", json={"seconds": seconds})
        assert resp.status == 400, seconds
    for _ in range(8000 // 10 + 1):  # ten years at a time cannot walk past 9999-12-31 either
        resp = await sim.post("/_chatsim/tenants/default/clock/advance", json={"seconds": 315360000})
        if resp.status != 200:
            break
    assert resp.status == 400 and "9999-12-31" in (await resp.json())["error"]
    after = (await (await sim.get("/_chatsim/tenants/default/clock")).json())
    assert after["now"] > before and after["iso"].startswith("99")
    await everything_still_reads(sim)


# --- GeWe parses only what Spring would --------------------------------------------------------


async def test_gewe_refuses_bodies_that_are_not_json_and_changes_nothing(sim):
    before = await gewe_state(sim)
    body = json.dumps({"appId": APP_ID, "wxid": FRIEND, "onlyChat": True})
    headers = {"X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"}
    for content_type, data in (("text/plain", body), ("application/x-www-form-urlencoded",
                                                      f"appId={APP_ID}&wxid={FRIEND}&onlyChat=true")):
        resp = await sim.post(f"{GEWE}/contacts/setFriendPermissions", data=data,
                              headers={**headers, "Content-Type": content_type})
        assert await resp.json() == {"ret": 500, "msg": f"Content type '{content_type}' not supported"}
    missing = await sim.post(f"{GEWE}/contacts/setFriendPermissions", data=body, headers={"Content-Type": "text/plain"})
    assert (await missing.json())["msg"] == "header:X-GEWE-TOKEN 不可为空", "the token is checked first"
    assert await gewe_state(sim) == before
    switch = await sim.post(TOPAPI_SWITCH, params={"access_token": await dingtalk_token(sim)},
                            json={"chatid": DEMO_CHAT, "is_prohibit": True})
    assert (await switch.json())["errcode"] == 0


async def test_an_empty_or_keyless_match_filter_is_a_documented_validation_failure(sim):
    for value in ("", "=37", "Data.MsgType"):
        resp = await sim.get("/_chatsim/tenants/default/callbacks", params={"match": value})
        assert resp.status == 400, value
        assert "match" in (await resp.json())["error"]


# --- refusals at the transport: in the vendor's words, and journaled ---------------------------


async def journal_of(sim, tenant: str) -> list[dict]:
    return (await (await sim.get("/_chatsim/journal", params={"tenant": tenant})).json())["records"]


async def test_oversized_bodies_get_each_vendors_413_and_are_journaled(sim):
    before = await gewe_state(sim)
    big = json.dumps({"appId": APP_ID, "wxid": FRIEND, "onlyChat": True, "padding": "x" * (4 * 1024**2)})
    sent = [
        (sim.post(f"{GEWE}/contacts/setFriendPermissions", data=big, headers={
            "X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69", "Content-Type": "application/json",
            "X-Chatsim-Tenant": "big"}), "ret"),
        (sim.post("/_t/big/topapi/chat/member/friendswitch/update", params={"access_token": "x"}, data=big,
                  headers={"Content-Type": "application/json"}), "errcode"),
        (sim.post("/_t/big/api/regChat", data=big, headers={"Content-Type": "application/json"}), "msg"),
    ]
    for pending, code_field in sent:
        resp = await pending
        assert resp.status == 413
        assert code_field in await resp.json()
        assert "request body over" in resp.headers["X-Chatsim-Refused"]
    assert [r["response"]["status"] for r in await journal_of(sim, "big")] == [413, 413, 413]
    assert await gewe_state(sim) == before
    assert "big" not in (await (await sim.get("/_chatsim/tenants")).json())["tenants"]


async def test_oversized_headers_and_request_lines_get_the_vendors_431(sim):
    huge = "x" * 9000
    for path, headers, code_field in (
            (f"{GEWE}/contacts/setFriendPermissions", {"X-GEWE-TOKEN": huge, "X-Chatsim-Tenant": "hdr"}, "ret"),
            ("/_t/hdr/topapi/chat/member/friendswitch/update", {"Cookie": huge}, "errcode"),
            ("/_t/hdr/api/loginChat", {"X-Padding": "y" * 4000, "X-More": "z" * 4500}, "msg"),
            ("/_t/hdr/gettoken?appkey=" + huge, {}, "errcode")):
        resp = await sim.post(path, headers=headers, json={})
        assert resp.status == 431, path[:60]
        assert code_field in await resp.json()
    assert [r["response"]["status"] for r in await journal_of(sim, "hdr")] == [431] * 4


async def test_paths_with_newlines_and_empty_tenant_prefixes_get_the_vendors_not_found(sim):
    token = await dingtalk_token(sim)
    cases = (
        ("GET", f"/gettoken%0A?access_token={token}", "errcode"),
        ("POST", "/api/chat/%0Aapply", "msg"),
        ("POST", f"{GEWE}/contacts/%0D%0AsetFriendPermissions", "ret"),
        ("GET", "/_t//gettoken?appkey=dingdemoappkey&appsecret=dingdemoappsecret", "errcode"),
        ("POST", "/_t//api/loginChat", "msg"),
        ("POST", f"/_t/{GEWE}/contacts/setFriendPermissions", "ret"),
    )
    for method, path, code_field in cases:
        resp = await sim.request(method, path, headers={"X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"}, json={})
        assert resp.status in (200, 400, 404), (path, resp.status)  # egg.js: its auth middleware runs first
        assert code_field in json.loads(await resp.text()), path
    tenants = (await (await sim.get("/_chatsim/tenants")).json())["tenants"]
    assert tenants == ["default"]
    await everything_still_reads(sim)


async def test_invalid_utf8_in_form_and_yaml_bodies_is_refused_not_replaced(sim):
    before = (await (await sim.get("/_chatsim/tenants/default/state")).json())["vendors"]["eggjs_im"]
    for raw in (b"username=my\xff&password=123456", b"username=my%FF&password=123456"):
        resp = await sim.post("/api/regChat", data=raw,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert resp.status in (400, 422), raw
        assert "msg" in await resp.json()
    resp = await sim.put("/_chatsim/tenants/default/scenario", data=b"chatsim: 1\nname: \xff\xfe\n",
                         headers={"Content-Type": "application/yaml"})
    assert resp.status == 400 and "UTF-8" in await resp.text()
    after = (await (await sim.get("/_chatsim/tenants/default/state")).json())["vendors"]["eggjs_im"]
    assert after == before
