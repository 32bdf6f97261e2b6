"""Latency (real, capped, or virtual only), canned answers, and rules that come with a scenario."""

import time

import pytest

from chatsim.toolkit.http import request
from tests.faults.support import DEMO_APP, FROZEN

pytestmark = pytest.mark.chatsim(scenario=FROZEN, merge=True)


def gettoken(chatsim):
    return request("GET", chatsim.dingtalk.base_url + "/gettoken", params=DEMO_APP)


def test_real_latency_waits_and_is_capped(chatsim):
    chatsim.faults({"vendor": "dingtalk", "latency": {"fixed_ms": 200}})
    started = time.monotonic()
    resp = gettoken(chatsim)
    assert time.monotonic() - started >= 0.2 and resp.json()["errcode"] == 0
    assert resp.headers["x-chatsim-fault"] == "rule=0; effect=latency; outcome=delayed"
    chatsim.faults({"vendor": "dingtalk", "latency": {"fixed_ms": 600000, "max_ms": 50}})
    started = time.monotonic()
    assert gettoken(chatsim).json()["errcode"] == 0
    assert time.monotonic() - started < 5
    assert chatsim.journal.records("dingtalk.gettoken")[-1]["faults"][0]["ms"] == 50
    chatsim.faults({"vendor": "dingtalk", "latency": {"fixed_ms": 200}, "header": False})
    started = time.monotonic()
    resp = gettoken(chatsim)
    assert time.monotonic() - started >= 0.2 and "x-chatsim-fault" not in resp.headers


def test_virtual_latency_moves_the_tenant_clock_instead_of_waiting(chatsim):
    before = chatsim.clock.now()
    chatsim.faults({"vendor": "dingtalk", "latency": {"fixed_ms": 90000, "virtual": True}})
    assert gettoken(chatsim).json()["errcode"] == 0
    assert chatsim.clock.now() == before + 90


def test_drawn_delays_repeat_with_the_rules_and_a_latency_rule_lets_the_next_rule_answer(chatsim):
    drawn = []
    for _ in range(2):
        chatsim.faults({"vendor": "dingtalk", "latency": {"lognormal": {"median_ms": 5, "sigma": 0.5}}},
                       {"vendor": "dingtalk", "latency": {"uniform": [1, 9]}},
                       {"vendor": "dingtalk", "error": {"kind": "busy"}, "after": 2})
        bodies = [gettoken(chatsim).json()["errcode"] for _ in range(3)]
        assert bodies == [0, 0, -1]
        drawn.append([f["ms"] for r in chatsim.journal.records("dingtalk.gettoken")[-3:] for f in r["faults"]
                      if f["effect"] == "latency"])
    assert drawn[0] == drawn[1] and len(drawn[0]) == 6


def test_respond_answers_exactly_what_it_is_given_then_retires(chatsim):
    chatsim.faults({"vendor": "dingtalk", "operation": "gettoken", "times": 1,
                    "respond": {"status": 502, "body": "<html>Bad Gateway</html>",
                                "headers": {"Content-Type": "text/html"}}})
    resp = gettoken(chatsim)
    assert (resp.status, resp.body, resp.headers["content-type"]) == (502, b"<html>Bad Gateway</html>", "text/html")
    assert gettoken(chatsim).json()["errcode"] == 0
    assert chatsim.faults().counters()["retired"] is True


def test_rules_come_with_a_scenario_and_a_reset_brings_them_back(chatsim):
    chatsim.load(FROZEN + """
faults:
  - {vendor: dingtalk, operation: gettoken, respond: {body: {errcode: 90002, errmsg: 节流}}, header: false}
""", merge=True)
    resp = gettoken(chatsim)
    assert resp.json() == {"errcode": 90002, "errmsg": "节流"} and "x-chatsim-fault" not in resp.headers
    chatsim.faults().clear()
    assert gettoken(chatsim).json()["errcode"] == 0
    chatsim.reset()
    assert gettoken(chatsim).json()["errcode"] == 90002
