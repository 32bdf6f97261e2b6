"""What the dashboard reads besides the tenants' own routes, all documented in admin.yaml: the
overview, the scenario names, the document as JSON, clock advances in the journal, and the page
itself (redirected to from the root for browsers only, open without the token, locked down)."""

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


async def test_browsers_opening_the_root_land_on_the_dashboard_and_api_clients_keep_the_json_404(sim):
    for path in ("/", "/_chatsim/"):
        resp = await sim.get(path, headers={"Accept": "text/html,application/xhtml+xml"}, allow_redirects=False)
        assert (resp.status, resp.headers["Location"]) == (302, "/_chatsim/ui/"), path
        plain = await sim.get(path, allow_redirects=False)
        assert plain.status == 404 and "error" in await plain.json(), path


async def test_the_page_and_its_files_are_served_locked_down(sim):
    page = await sim.get("/_chatsim/ui/")
    assert page.status == 200 and page.content_type == "text/html"
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    script = await sim.get("/_chatsim/ui/main.js")
    assert script.status == 200 and script.content_type == "text/javascript"
    assert (await sim.get("/_chatsim/ui/nothing.js")).status == 404
    assert (await sim.get("/_chatsim/ui/main.py")).status == 400


async def test_asking_for_files_the_package_lacks_keeps_nothing(sim):
    """The page is open without a token: what it keeps must be the package's files, whatever is asked."""
    from chatsim import ui

    for n in range(20):
        assert (await sim.get(f"/_chatsim/ui/missing{n}.js")).status == 404
    assert (await sim.get("/_chatsim/ui/style.css")).status == 200
    assert set(ui._shipped()) == {file.name for file in ui.STATIC.iterdir()}


async def test_with_an_admin_token_the_page_opens_but_the_api_it_calls_needs_the_token(sim_factory):
    sim = await sim_factory(admin_token="s3cret")
    assert (await sim.get("/_chatsim/ui/")).status == 200
    assert (await sim.get("/_chatsim/ui/api.js")).status == 200
    assert (await sim.get("/_chatsim/overview")).status == 401
    assert (await sim.get("/_chatsim/overview", headers={"X-Chatsim-Admin-Token": "s3cret"})).status == 200


async def test_a_long_poll_from_the_last_id_answers_only_what_is_new_for_its_tenant(sim):
    url = "/_t/{}/gewe/v2/api/contacts/fetchContactsList"
    for tenant in ("poll-a", "poll-b", "poll-a"):
        await sim.post(url.format(tenant), json={"appId": APP}, headers=TOKEN)
    last = (await (await sim.get("/_chatsim/overview")).json())["journal_last_id"]
    await sim.post(url.format("poll-b"), json={"appId": APP}, headers=TOKEN)
    await sim.post(url.format("poll-a"), json={"appId": 5}, headers=TOKEN)
    found = await (await sim.get("/_chatsim/journal", params={"tenant": "poll-a", "after": last, "wait": 5})).json()
    assert [(r["id"], r["tenant"]) for r in found["records"]] == [(last + 2, "poll-a")]
    every = await (await sim.get("/_chatsim/journal", params={"tenant": "poll-a"})).json()
    assert [r["id"] for r in every["records"]] == sorted(r["id"] for r in every["records"]) and every["count"] == 3
