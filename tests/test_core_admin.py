"""The admin API, tenants, scenarios and the clock, black-box over HTTP."""

import json

from tests.conftest import load_scenario


async def test_health_lists_vendors(sim):
    resp = await sim.get("/_chatsim/health")
    body = await resp.json()
    assert resp.status == 200
    assert body["status"] == "ok"
    assert body["vendors"] == ["gewe", "dingtalk", "eggjs_im"]


async def test_admin_spec_is_served(sim):
    resp = await sim.get("/_chatsim/openapi.yaml")
    assert resp.status == 200
    assert (await resp.text()).startswith("openapi: 3.0")


async def test_admin_requests_are_validated_by_the_admin_spec(sim):
    resp = await sim.post("/_chatsim/tenants/t1/clock/advance", json={"seconds": "soon"})
    assert resp.status == 400
    body = await resp.json()
    assert body["violations"] == [{"field": "seconds", "in": "body", "rule": "type", "expected": "number",
                                   "got": "soon"}]
    assert json.loads(resp.headers["X-Chatsim-Violations"]) == body["violations"]


async def test_clock_advances_per_tenant(sim):
    before = (await (await sim.get("/_chatsim/tenants/a/clock")).json())["now"]
    advanced = await (await sim.post("/_chatsim/tenants/a/clock/advance", json={"seconds": 7200})).json()
    other = await (await sim.get("/_chatsim/tenants/b/clock")).json()
    assert advanced["now"] - before >= 7200
    assert other["now"] - before < 7200


async def test_frozen_clock_from_scenario(sim):
    await load_scenario(sim, "frozen", "chatsim: 1\nclock: {start: '2025-07-13T03:46:05Z', frozen: true}\n")
    first = await (await sim.get("/_chatsim/tenants/frozen/clock")).json()
    assert first == {"now": 1752378365.0, "iso": "2025-07-13T03:46:05Z", "frozen": True}
    moved = await (await sim.post("/_chatsim/tenants/frozen/clock/advance", json={"seconds": 60})).json()
    assert moved["now"] == 1752378425.0


async def test_bad_scenario_names_the_path_and_leaves_the_tenant_alone(sim):
    await load_scenario(sim, "keep", "chatsim: 1\nname: good\nclock: {start: 1000, frozen: true}\n")
    resp = await sim.put("/_chatsim/tenants/keep/scenario", data=b"chatsim: 1\nclock: {frozen: maybe}\n",
                         headers={"Content-Type": "application/yaml"})
    body = await resp.json()
    assert resp.status == 400
    assert body["error"] == "request body: clock.frozen: 'maybe' is not of type 'boolean'"
    clock = await (await sim.get("/_chatsim/tenants/keep/clock")).json()
    assert clock["now"] == 1000.0


async def test_an_empty_scenario_is_refused_and_every_problem_listed(sim):
    empty = await sim.put("/_chatsim/tenants/x/scenario", data=b"# to do\n",
                          headers={"Content-Type": "application/yaml"})
    assert (empty.status, (await empty.json())["error"]) == (
        400, "request body: (top level): the scenario is empty (a scenario starts with `chatsim: 1`)")
    two = await sim.put("/_chatsim/tenants/x/scenario", data=b"chatsim: 1\nseed: x\nclock: {frozen: maybe}\n",
                        headers={"Content-Type": "application/yaml"})
    assert sorted((await two.json())["error"].splitlines()) == [
        "request body: clock.frozen: 'maybe' is not of type 'boolean'",
        "request body: seed: 'x' is not of type 'integer'"]


async def test_bad_yaml_names_the_line(sim):
    resp = await sim.put("/_chatsim/tenants/x/scenario", data=b"chatsim: 1\nname: [unclosed\n",
                         headers={"Content-Type": "application/yaml"})
    body = await resp.json()
    assert resp.status == 400
    assert body["error"].startswith("request body: line 3, column 1: not valid YAML")


async def test_unknown_top_level_key_is_rejected(sim):
    resp = await sim.put("/_chatsim/tenants/x/scenario", data=b"chatsim: 1\nwechat: {}\n",
                         headers={"Content-Type": "application/yaml"})
    assert (await resp.json())["error"] == (
        "request body: (top level): Additional properties are not allowed ('wechat' was unexpected)")


async def test_scenario_file_must_stay_inside_scenarios(sim):
    for name in ("../pyproject.toml", "/etc/passwd", "../../shared/x.yaml", "missing.yaml"):
        resp = await sim.put("/_chatsim/tenants/x/scenario", params={"file": name})
        assert resp.status == 400, name
    resp = await sim.put("/_chatsim/tenants/x/scenario", params={"file": "demo.yaml"})
    assert resp.status == 200
    assert (await resp.json()) == {"loaded": "demo", "tenant": "x"}


async def test_bad_tenant_names_are_refused(sim):
    resp = await sim.get("/_chatsim/tenants/bad%20name/state")
    assert resp.status == 400
    assert (await resp.json())["error"].startswith("tenant names are 1-64 of A-Z a-z 0-9 _ . -")


async def test_tenants_reset_and_delete(sim):
    await sim.get("/_chatsim/tenants/one/state")
    await sim.get("/_chatsim/tenants/two/state")
    names = (await (await sim.get("/_chatsim/tenants")).json())["tenants"]
    assert {"one", "two"} <= set(names)
    assert (await (await sim.delete("/_chatsim/tenants/one")).json()) == {"deleted": "one"}
    names = (await (await sim.get("/_chatsim/tenants")).json())["tenants"]
    assert "one" not in names and "two" in names
    assert (await (await sim.post("/_chatsim/reset")).json()) == {"reset": "all"}
    assert (await (await sim.get("/_chatsim/tenants")).json())["tenants"] == []


async def test_unknown_path_gets_near_misses(sim):
    resp = await sim.get("/_chatsim/helth")
    assert resp.status == 404
    assert (await resp.json()) == {"error": "no admin route GET /_chatsim/helth"}
    resp = await sim.get("/nothing/here")
    assert resp.status == 404
    assert (await resp.json())["error"] == "no vendor of chatsim answers this path"


async def test_callbacks_long_poll_times_out_empty(sim):
    resp = await sim.get("/_chatsim/tenants/quiet/callbacks", params={"wait": "0.05"})
    assert (await resp.json()) == {"count": 0, "callbacks": []}
    resp = await sim.get("/_chatsim/tenants/quiet/callbacks", params={"match": "nonsense"})
    assert resp.status == 400


async def test_redeliver_unknown_callback_is_404(sim):
    resp = await sim.post("/_chatsim/tenants/quiet/callbacks/9/redeliver")
    assert resp.status == 404
