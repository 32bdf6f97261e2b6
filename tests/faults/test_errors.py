"""Acceptance: an ``error`` rule answers in each vendor's own words (gewechat-client and a plain
egg.js client see them), and a rate below 1 fails the same calls on every run with the same seed."""

import json

import pytest
import requests
from gewechat_client import GewechatClient

from chatsim.toolkit.http import ChatsimError
from tests.faults.support import FROZEN

APP_ID = "wx_wR_U4zPj2M_OTS3BCyoE4"  # the demo scenario's online account
GEWE_TOKEN = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"
pytestmark = pytest.mark.chatsim(scenario=FROZEN, merge=True)


def gewe(chatsim) -> GewechatClient:
    return GewechatClient(chatsim.gewe.base_url, GEWE_TOKEN)


def contacts(client: GewechatClient) -> dict:
    """gewechat-client raises RuntimeError with the answer's text for anything but ret 200."""
    try:
        return client.fetch_contacts_list(APP_ID)
    except RuntimeError as exc:
        return json.loads(str(exc))


def egg_token(chatsim) -> str:
    resp = requests.post(chatsim.eggjs_im.base_url + "/api/loginChat", data={"username": "my01", "password": "123456"},
                         timeout=10)
    return str(resp.json()["data"]["token"])


def egg_friends(chatsim, token: str) -> requests.Response:
    return requests.get(chatsim.eggjs_im.base_url + "/api/chat/goodfriendlist/1", headers={"token": token},
                        timeout=10)


def test_gewechat_client_sees_gewe_system_errors_and_the_world_is_untouched(chatsim):
    client = gewe(chatsim)
    with chatsim.faults({"vendor": "gewe", "operation": "fetchContactsList", "error": {"rate": 1.0}}):
        assert contacts(client) == {"ret": 500, "msg": "系统异常，请稍后再试"}
    with chatsim.faults({"vendor": "gewe", "error": {"kind": "timeout"}, "times": 1}):
        assert contacts(client)["msg"] == "请求超时，请稍后再试"
        assert contacts(client)["ret"] == 200  # retired after one
    assert contacts(client)["ret"] == 200


def test_the_egg_backend_answers_its_error_handler_and_its_db_failure(chatsim):
    token = egg_token(chatsim)
    with chatsim.faults({"vendor": "eggjs_im", "operation": "goodfriendlist", "error": {"rate": 1.0}}):
        resp = egg_friends(chatsim, token)
        assert (resp.status_code, resp.json()) == (500, {"msg": "fail",
                                                         "data": "Cannot read properties of undefined (reading 'id')"})
    with chatsim.faults({"vendor": "eggjs_im", "account": "my01", "error": {"kind": "db"}}):
        resp = egg_friends(chatsim, token)
        assert (resp.status_code, resp.json()) == (400, {"msg": "fail", "data": "系统异常，请稍后再试"})
    assert egg_friends(chatsim, token).status_code == 200


def test_with_rate_0_3_and_a_fixed_seed_two_runs_fail_on_the_same_calls(chatsim):
    client = gewe(chatsim)
    runs = []
    for _ in range(2):
        chatsim.reset()
        with chatsim.faults({"vendor": "gewe", "operation": "fetchContactsList", "error": {"rate": 0.3}}):
            runs.append([contacts(client)["ret"] for _ in range(30)])
    assert runs[0] == runs[1]
    assert 3 <= runs[0].count(500) <= 18, runs[0]
    ids = [record["id"] for record in chatsim.journal.records("gewe.fetchContactsList")]
    assert len(ids) == 30  # the reset cleared the first run's records


def test_a_kind_the_vendor_lacks_or_a_vendor_chatsim_lacks_is_refused_whole(chatsim):
    chatsim.faults({"vendor": "gewe", "error": {}})
    for bad in ({"vendor": "gewe", "error": {"kind": "meteor"}}, {"vendor": "acme", "error": {}},
                {"vendor": "gewe", "error": {}, "latency": {"fixed_ms": 1}}, {"vendor": "gewe"}):
        with pytest.raises(ChatsimError, match="HTTP 400"):
            chatsim.faults(bad)
    assert [rule["rule"] for rule in chatsim.faults().rules()] == [{"vendor": "gewe", "error": {}}]
