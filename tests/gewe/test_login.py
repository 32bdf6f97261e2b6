"""tokens, QR login with the simulated phone, online checks, logout, going offline."""

from tests.conftest import load_scenario
from tests.gewe.support import APP, ME, advance, callback_problems, callbacks, gewe, ok, state


async def new_token(sim) -> str:
    token: str = (await gewe(sim, "tools/getTokenId", {}, token=None))["data"]
    return token


async def test_new_device_logs_in_on_the_first_poll(gw):
    token = await new_token(gw)
    qr = await ok(gw, "login/getLoginQrCode", {"appId": "", "regionId": "320000", "type": "ipad"}, token)
    assert qr["appId"].startswith("wx_") and qr["qrData"].startswith("http://weixin.qq.com/x/")
    assert qr["qrImgBase64"].startswith("data:image/jpg;base64,")
    assert await ok(gw, "login/checkOnline", {"appId": qr["appId"]}, token) is False
    done = await ok(gw, "login/checkLogin", {"appId": qr["appId"], "uuid": qr["uuid"]}, token)
    assert done["status"] == 2 and done["expiredTime"] > 5
    assert done["loginInfo"]["wxid"] == "wxid_newphone" and done["loginInfo"]["mobile"] == "13800000009"
    assert await ok(gw, "login/checkOnline", {"appId": qr["appId"]}, token) is True


async def test_the_phone_scans_after_the_configured_number_of_polls(gw):
    await load_scenario(gw, "default", "chatsim: 1\ngewe:\n  login: {wxid: wxid_a, polls: 3}\n"
                        "  people: [{wxid: wxid_a, nickname: A}]\n  tokens: [{token: tok}]\n")
    qr = await ok(gw, "login/getLoginQrCode", {"appId": ""}, "tok")
    statuses = [(await ok(gw, "login/checkLogin", {"appId": qr["appId"], "uuid": qr["uuid"]}, "tok"))["status"]
                for _ in range(3)]
    assert statuses == [0, 1, 2]


async def test_check_login_with_a_stale_uuid_or_an_expired_qr(gw):
    token = await new_token(gw)
    qr = await ok(gw, "login/getLoginQrCode", {"appId": ""}, token)
    body = await gewe(gw, "login/checkLogin", {"appId": qr["appId"], "uuid": "old"}, token)
    assert body["msg"] == "检查登录失败" and body["data"]["code"] == "-1"
    await advance(gw, 241)
    body = await gewe(gw, "login/checkLogin", {"appId": qr["appId"], "uuid": qr["uuid"]}, token)
    assert body["data"]["msg"] == "二维码已过期，请重新获取二维码"


async def test_logout_then_log_back_in_with_the_same_app_id(gw):
    await ok(gw, "login/logout", {"appId": APP})
    assert await ok(gw, "login/checkOnline", {"appId": APP}) is False
    body = await gewe(gw, "contacts/fetchContactsList", {"appId": APP})
    assert body["data"] == {"code": "-1", "msg": "微信已离线"}
    qr = await ok(gw, "login/getLoginQrCode", {"appId": APP})
    done = await ok(gw, "login/checkLogin", {"appId": APP, "uuid": qr["uuid"]})
    assert done["loginInfo"]["wxid"] == ME, "the device keeps its account"


async def test_the_account_drops_offline(gw):
    resp = await gw.post(f"/_chatsim/tenants/default/gewe/devices/{APP}/offline")
    assert resp.status == 200
    [event] = await callbacks(gw, typeName="Offline")
    assert event["payload"] == {"TypeName": "Offline", "Appid": APP, "Wxid": ME}
    assert callback_problems(event["payload"]) == []
    assert await ok(gw, "login/checkOnline", {"appId": APP}) is False
    assert (await gw.post(f"/_chatsim/tenants/default/gewe/devices/{APP}/offline")).status == 409
    assert (await gw.post("/_chatsim/tenants/default/gewe/devices/wx_nope/offline")).status == 404
    assert [d["online"] for d in (await state(gw))["devices"] if d["app_id"] == APP] == [False]
