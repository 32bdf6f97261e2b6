"""Callbacks go to loopback only (unless the operator allows a host), never to chatsim itself, and a
callback that reaches chatsim anyway is turned away: no tenant can drive the admin API or another
tenant through a callback URL, nor use chatsim to probe other machines."""

import pytest

from chatsim.targets import CallbackTargets
from tests.gewe.support import APP, TOKEN, WORLD, callbacks, gewe

OWN = 7001


@pytest.mark.parametrize("url", [
    "http://10.0.0.5/cb", "http://192.168.1.1:8080/cb", "http://169.254.169.254/latest/meta-data",
    "http://example.com/cb", "http://[fd00::1]/cb", "ftp://127.0.0.1/cb", "http:///cb", "not a url",
    f"http://127.0.0.1:{OWN}/_chatsim/reset", f"http://localhost:{OWN}/_chatsim/reset",
    f"http://127.0.0.2:{OWN}/x", f"http://0.0.0.0:{OWN}/x", f"http://[::1]:{OWN}/x", f"http://2130706433:{OWN}/x",
    f"http://0x7f000001:{OWN}/x", f"http://127.1:{OWN}/x",
])
def test_refused_targets(url):
    assert CallbackTargets.of(OWN).refusal(url) is not None


@pytest.mark.parametrize("url", ["http://127.0.0.1:9919/cb", "http://localhost:8080/cb", "http://[::1]:9/cb",
                                 "https://127.0.0.5/cb"])
def test_loopback_targets_are_allowed(url):
    assert CallbackTargets.of(OWN).refusal(url) is None


def test_the_operator_can_allow_hosts_and_networks_but_never_chatsim_itself():
    targets = CallbackTargets.of(OWN, ["bot.ci.internal", "10.1.0.0/16", " "])
    assert targets.refusal("http://bot.ci.internal:3000/cb") is None
    assert targets.refusal("http://10.1.2.3/cb") is None
    assert targets.refusal("http://10.2.0.1/cb") is not None
    assert targets.refusal(f"http://127.0.0.1:{OWN}/_chatsim/reset") is not None


async def test_set_callback_to_a_refused_target_is_gewes_push_failure_and_nothing_is_sent(sim_factory):
    sim = await sim_factory([WORLD], port=OWN)
    for url in ("http://169.254.169.254/latest/meta-data", f"http://127.0.0.1:{OWN}/_chatsim/reset"):
        body = await gewe(sim, "tools/setCallback", {"token": TOKEN, "callbackUrl": url})
        assert body == {"ret": 500, "msg": f"{url} push msg err"}
    [record, *_] = [r for r in (await (await sim.get("/_chatsim/journal")).json())["records"]
                    if r["operation"] == "setCallback"]
    assert record["callbacks"][0]["error"].startswith("refused by chatsim")
    state = await (await sim.get("/_chatsim/tenants/default/state")).json()
    assert [t["callback_url"] for t in state["vendors"]["gewe"]["tokens"] if t["value"] == TOKEN] == [None]


async def test_a_scenario_callback_url_into_chatsim_is_never_delivered(sim_factory):
    sim = await sim_factory([WORLD], port=OWN)
    resp = await sim.put("/_chatsim/tenants/default/scenario", params={"merge": "true"}, data=(
        "chatsim: 1\ngewe:\n  tokens: [{token: '" + TOKEN + "', callback_url: 'http://127.0.0.1:" + str(OWN)
        + "/_chatsim/reset', devices: [{appId: " + APP + ", wxid: wxid_me, online: true}]}]\n").encode(),
        headers={"Content-Type": "application/yaml"})
    assert resp.status == 200, await resp.text()
    sent = await sim.post(f"/_chatsim/tenants/default/gewe/devices/{APP}/offline")
    assert sent.status == 200
    [event] = await callbacks(sim, typeName="Offline")
    assert event["attempts"][0]["error"].startswith("refused by chatsim: that is chatsim's own port")


async def test_a_callback_that_reaches_chatsim_anyway_is_refused_at_the_door(sim):
    for path, field in (("/_chatsim/reset", "error"), ("/_chatsim/tenants/other/gewe/devices/x/offline", "error"),
                        ("/gewe/v2/api/tools/getTokenId", "msg")):
        resp = await sim.post(path, json={}, headers={"X-Chatsim-Callback-Depth": "1"})
        assert resp.status == 508 and "loop refused" in (await resp.json())[field]
    tenants = (await (await sim.get("/_chatsim/tenants")).json())["tenants"]
    assert "other" not in tenants


def test_the_allow_list_comes_from_the_command_line_or_the_environment(monkeypatch):
    from chatsim.cli import parser

    monkeypatch.setenv("CHATSIM_ALLOW_CALLBACK_HOSTS", "bot,10.0.0.0/8")
    assert parser().parse_args(["serve"]).allow_callback_host == ["bot", "10.0.0.0/8"]
    assert parser().parse_args(["serve", "--allow-callback-host", "x"]).allow_callback_host == ["bot", "10.0.0.0/8",
                                                                                                  "x"]
    monkeypatch.delenv("CHATSIM_ALLOW_CALLBACK_HOSTS")
    assert parser().parse_args(["serve"]).allow_callback_host == []


def test_a_remembered_answer_is_the_one_worked_out_again():
    targets = CallbackTargets.of(OWN, ["10.1.0.0/16", "bot.ci.internal"])
    urls = ["http://127.0.0.1:9/cb", f"http://localhost:{OWN}/x", "http://10.1.2.3/cb", "http://10.2.0.1/cb",
            "ftp://127.0.0.1/", "http://bot.ci.internal:3000/cb", "http://[::1]:8/", "not a url", "http://2130706433/"]
    for url in urls * 2:
        assert targets.refusal(url) == targets._refusal(url)
    assert CallbackTargets.of(OWN).refusal("http://10.1.2.3/cb") is not None  # kept per targets, not per URL


def test_what_is_kept_of_the_answers_is_bounded_in_bytes_too():
    from chatsim import targets
    from chatsim.vendors.gewe.model import entities

    allowed = targets.CallbackTargets.of(7000)
    long_url = "http://127.0.0.1:9/" + "x" * 10_000
    before = targets._refusal.cache_info().currsize
    assert allowed.refusal(long_url) is None and allowed.refusal(long_url) is None
    assert targets._refusal.cache_info().currsize == before  # answered, not kept
    kept = entities._kept_pinyin.cache_info().currsize
    assert entities.pinyin("李" * 100) == ("li" * 100, "L" * 100)
    assert entities._kept_pinyin.cache_info().currsize == kept
