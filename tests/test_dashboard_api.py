"""What the dashboard reads besides the tenants' own routes, all documented in admin.yaml: the
overview, the scenario names, the document as JSON, clock advances in the journal."""

import pytest
import yaml

from chatsim.paths import SPECS_DIR

TOKEN = {"X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"}
APP = "wx_wR_U4zPj2M_OTS3BCyoE4"


async def row(sim, tenant: str) -> dict:
    overview = await (await sim.get("/_chatsim/overview")).json()
    return next(t for t in overview["tenants"] if t["name"] == tenant)


async def test_the_overview_counts_requests_errors_and_callbacks_per_tenant(sim):
    url = "/_t/ov/gewe/v2/api/contacts/fetchContactsList"
    assert (await sim.post(url, json={"appId": APP}, headers=TOKEN)).status == 200
    await sim.post(url, json={"appId": 5}, headers=TOKEN)  # a violation, answered ret 500 on HTTP 200
    await sim.post("/_chatsim/tenants/ov/gewe/friend-requests", json={"appId": APP, "fromWxid": "wxid_chenjing"})
    await sim.post("/_chatsim/tenants/ov/clock/advance", json={"seconds": 60})
    found = await row(sim, "ov")
    assert (found["requests"], found["errors"]) == (2, 1), "the clock's record is no request"
    assert found["vendors"] == ["dingtalk", "eggjs_im", "gewe"]
    assert found["callbacks"] == {"no_target": 1}
    assert 59 < found["clock"]["offset"] < 61 and found["clock"]["frozen"] is False
    journal = await (await sim.get("/_chatsim/journal", params={"tenant": "ov"})).json()
    assert journal["records"][-1]["id"] == (await (await sim.get("/_chatsim/overview")).json())["journal_last_id"]


async def test_a_clock_advance_is_journaled_with_the_jump(sim):
    before = (await (await sim.get("/_chatsim/tenants/jump/clock")).json())["now"]
    await sim.post("/_chatsim/tenants/jump/clock/advance", json={"seconds": 7200})
    query = {"tenant": "jump", "vendor": "chatsim"}
    records = (await (await sim.get("/_chatsim/journal", params=query)).json())["records"]
    [record] = [r for r in records if r["operation"] == "clock.advanced"]
    body = record["response"]["body"]
    assert body["seconds"] == 7200 and body["to"] - body["from"] == pytest.approx(7200)
    assert before <= body["from"] < before + 5 and body["to_iso"].endswith("Z")


async def test_scenario_names_are_what_a_load_accepts(sim):
    names = (await (await sim.get("/_chatsim/scenarios")).json())["scenarios"]
    assert "demo.yaml" in names
    assert (await sim.put("/_chatsim/tenants/named/scenario", params={"file": names[0]})).status == 200


async def test_the_document_as_json_is_the_yaml_one(sim):
    served = await (await sim.get("/_chatsim/openapi.json")).json()
    assert served == yaml.safe_load((SPECS_DIR / "admin.yaml").read_text(encoding="utf-8"))
