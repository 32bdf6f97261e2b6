"""One Gewechat instance: one token, devices that persist under it, the whole login lifecycle on the
virtual clock, and restarts of a client that changes nothing on the server."""

from tests.conftest import load_scenario
from tests.gewe.support import APP, ME, SLEEPY_APP, TOKEN, advance, callback_problems, callbacks, gewe, ok, state

INSTANCE = "00000000000000000000000000000000"
PHONE = "chatsim: 1\nclock: {start: '2025-07-13T03:46:05Z', frozen: true}\ngewe:\n" \
        "  people: [{wxid: wxid_a, nickname: 阿A}, {wxid: wxid_b, nickname: 阿B}]\n"


async def token_id(sim) -> str:
    token: str = (await gewe(sim, "tools/getTokenId", {}, token=None))["data"]
    return token


async def test_get_token_id_answers_the_instance_token_every_time(gw):
    assert [await token_id(gw) for _ in range(3)] == [INSTANCE] * 3
    assert (await gw.post("/_chatsim/tenants/default/reset")).status == 200
    assert await token_id(gw) == INSTANCE


async def test_without_a_declared_token_it_is_derived_from_the_seed_and_stays_across_resets(gw):
    await load_scenario(gw, "t1", PHONE)
    await load_scenario(gw, "t2", PHONE)
    first = (await (await gw.post("/_t/t1/v2/api/tools/getTokenId")).json())["data"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert (await gw.post("/_chatsim/tenants/t1/reset")).status == 200
    assert (await (await gw.post("/_t/t1/v2/api/tools/getTokenId")).json())["data"] == first
    other = (await (await gw.post("/_t/t2/v2/api/tools/getTokenId")).json())["data"]
    assert other != first  # another tenant is another container
    qr = await (await gw.post("/_t/t1/v2/api/login/getLoginQrCode", json={"appId": ""},
                              headers={"X-GEWE-TOKEN": first})).json()
    assert qr["ret"] == 200, "the derived token works like a declared one"


async def test_console_tokens_have_no_get_token_id(gw):
    await load_scenario(gw, "paid", PHONE + "  token_mode: console\n  tokens: [{token: tok}]\n")
    body = await (await gw.post("/_t/paid/gewe/v2/api/tools/getTokenId")).json()
    assert body == {"ret": 500, "msg": "No handler found for POST /gewe/v2/api/tools/getTokenId"}


async def test_two_devices_per_token_and_the_third_gets_the_real_refusal(gw):
    first = await ok(gw, "login/getLoginQrCode", {"appId": ""}, INSTANCE)
    second = await ok(gw, "login/getLoginQrCode", {"appId": ""}, INSTANCE)
    assert first["appId"] != second["appId"]
    third = await gewe(gw, "login/getLoginQrCode", {"appId": ""}, INSTANCE)
    assert third == {"ret": 500, "msg": "创建设备失败", "data": {"code": "-1", "msg": "已达到最大客户端数量操作"}}
    assert await ok(gw, "login/deviceList", {}, INSTANCE) == [first["appId"], second["appId"]]


async def test_device_list_shows_every_device_online_or_not(gw):
    assert await ok(gw, "login/deviceList", {}) == [APP, SLEEPY_APP]
    await ok(gw, "login/logout", {"appId": APP})
    assert await ok(gw, "login/deviceList", {}) == [APP, SLEEPY_APP], "logout keeps the device"
    body = await gewe(gw, "login/deviceList", {}, token="nope")
    assert body["msg"] == "HTTP HEADER: X-GEWE-TOKEN=nope 不可用或已过期"


async def test_qr_code_for_an_online_device_a_saved_offline_one_and_a_stranger(gw):
    body = await gewe(gw, "login/getLoginQrCode", {"appId": APP})
    assert body == {"ret": 500, "msg": "微信已登录，请勿重复登录。"}
    again = await ok(gw, "login/getLoginQrCode", {"appId": SLEEPY_APP})
    assert again["appId"] == SLEEPY_APP and again["uuid"]
    later = await ok(gw, "login/getLoginQrCode", {"appId": SLEEPY_APP})
    assert later["uuid"] != again["uuid"], "a new QR code each time, for the same device"
    body = await gewe(gw, "login/getLoginQrCode", {"appId": APP}, token=INSTANCE)
    assert body["data"] == {"code": "-1", "msg": f"[{APP}]设备不存在"}


async def test_manual_login_waits_is_scanned_counts_down_and_is_confirmed(gw):
    await load_scenario(gw, "default", PHONE + "  login: {mode: manual}\n  tokens: [{token: tok}]\n")
    qr = await ok(gw, "login/getLoginQrCode", {"appId": ""}, "tok")
    check = {"appId": qr["appId"], "uuid": qr["uuid"]}
    waiting = await ok(gw, "login/checkLogin", check, "tok")
    assert (waiting["status"], waiting["nickName"], waiting["loginInfo"]) == (0, None, None)
    assert waiting["expiredTime"] == 240
    assert (await ok(gw, "login/checkLogin", check, "tok"))["status"] == 0, "polling alone changes nothing"
    scan = await gw.post(f"/_chatsim/tenants/default/gewe/devices/{qr['appId']}/scan", json={"wxid": "wxid_a"})
    assert scan.status == 200, await scan.text()
    await advance(gw, 100)
    scanned = await ok(gw, "login/checkLogin", check, "tok")
    assert (scanned["status"], scanned["nickName"], scanned["expiredTime"]) == (1, "阿A", 140)
    assert await ok(gw, "login/checkOnline", {"appId": qr["appId"]}, "tok") is False
    assert (await gw.post(f"/_chatsim/tenants/default/gewe/devices/{qr['appId']}/confirm")).status == 200
    done = await ok(gw, "login/checkLogin", check, "tok")
    assert done["status"] == 2 and done["loginInfo"]["wxid"] == "wxid_a"
    assert await ok(gw, "login/checkOnline", {"appId": qr["appId"]}, "tok") is True


async def test_manual_login_refusals_and_expiry(gw):
    await load_scenario(gw, "default", PHONE + "  login: {mode: manual}\n  tokens: [{token: tok}]\n")
    qr = await ok(gw, "login/getLoginQrCode", {"appId": ""}, "tok")
    app = qr["appId"]
    early = await gw.post(f"/_chatsim/tenants/default/gewe/devices/{app}/confirm")
    assert early.status == 409 and "nobody has scanned" in (await early.json())["error"]
    stranger = await gw.post(f"/_chatsim/tenants/default/gewe/devices/{app}/scan", json={"wxid": "wxid_zz"})
    assert stranger.status == 404
    await advance(gw, 241)
    body = await gewe(gw, "login/checkLogin", {"appId": app, "uuid": qr["uuid"]}, "tok")
    assert body["data"] == {"code": "-1", "msg": "二维码已过期，请重新获取二维码"}
    late = await gw.post(f"/_chatsim/tenants/default/gewe/devices/{app}/scan", json={"wxid": "wxid_a"})
    assert late.status == 409 and "expired" in (await late.json())["error"]
    assert [d["online"] for d in (await state(gw))["devices"]] == [False]


async def test_reconnection_after_a_dropped_network_but_not_after_a_kick(gw):
    same = await ok(gw, "login/reconnection", {"appId": APP})
    assert (same["status"], same["loginInfo"]["wxid"]) == (2, ME), "online: nothing to do"
    drop = await gw.post(f"/_chatsim/tenants/default/gewe/devices/{APP}/offline", json={"reason": "network"})
    assert drop.status == 200
    back = await ok(gw, "login/reconnection", {"appId": APP})
    assert back["loginInfo"]["wxid"] == ME and await ok(gw, "login/checkOnline", {"appId": APP}) is True
    await gw.post(f"/_chatsim/tenants/default/gewe/devices/{APP}/offline")  # kicked, the default
    body = await gewe(gw, "login/reconnection", {"appId": APP})
    assert body == {"ret": 500, "msg": "断线重连失败", "data": {"code": "-1", "msg": "微信已离线"}}
    offline = await callbacks(gw, typeName="Offline")
    assert len(offline) == 2 and all(callback_problems(event["payload"]) == [] for event in offline)


async def test_dialog_login_prompts_the_last_account_without_a_qr_code(gw):
    await ok(gw, "login/logout", {"appId": APP})
    prompt = await ok(gw, "login/dialogLogin", {"appId": APP})
    assert prompt["appId"] == APP and prompt["uuid"]
    done = await ok(gw, "login/checkLogin", {"appId": APP, "uuid": prompt["uuid"]})
    assert done["status"] == 2 and done["loginInfo"]["wxid"] == ME
    body = await gewe(gw, "login/dialogLogin", {"appId": APP})
    assert body == {"ret": 500, "msg": "微信已登录，请勿重复登录。"}
    fresh = await ok(gw, "login/getLoginQrCode", {"appId": ""}, INSTANCE)
    body = await gewe(gw, "login/dialogLogin", {"appId": fresh["appId"]}, INSTANCE)
    assert body["msg"] == "弹框登录失败" and body["data"]["msg"] == "设备从未登录过，请扫码登录"


async def test_a_bot_restarting_with_its_saved_app_id_changes_nothing(gw):
    """nonebot-adapter-gewechat's start-up, twice: getTokenId, then getLoginQrCode with the saved
    appId, going on when GeWe says the account is already logged in; a client starting from saved
    credentials asks deviceList first."""
    for _ in range(2):
        token = await token_id(gw)
        assert token == INSTANCE
        body = await gewe(gw, "login/getLoginQrCode", {"appId": APP}, token=TOKEN)
        assert body["msg"] == "微信已登录，请勿重复登录。"
        assert APP in await ok(gw, "login/deviceList", {}, TOKEN)
    assert [d["online"] for d in (await state(gw))["devices"] if d["app_id"] == APP] == [True]
