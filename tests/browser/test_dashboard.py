"""The dashboard in a real browser against a live chatsim: what a person watching their bot sees.

Every test uses a tenant of its own on one server; the page is driven through what it shows
(Playwright's expectations wait for it, so nothing here sleeps), and each view is photographed.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from chatsim.toolkit.http import request
from chatsim.toolkit.server import ThreadedChatsim

GEWE = {"X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"}
APP = "wx_wR_U4zPj2M_OTS3BCyoE4"


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedChatsim]:
    with ThreadedChatsim() as running:
        yield running


def gewe(server: ThreadedChatsim, tenant: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = request("POST", f"{server.url}/_t/{tenant}/gewe/v2/api/{path}", json_body=body, headers=GEWE)
    assert answer.status == 200
    return answer.json()


def admin(server: ThreadedChatsim, method: str, path: str, body: Any = None) -> Any:
    answer = request(method, f"{server.url}/_chatsim/{path}", json_body=body)
    assert answer.status == 200, answer.json()
    return answer.json()


def gettoken(server: ThreadedChatsim, tenant: str) -> str:
    answer = request("GET", f"{server.url}/_t/{tenant}/gettoken",
                     params={"appkey": "dingdemoappkey", "appsecret": "dingdemoappsecret"})
    return answer.json()["access_token"]


def open_view(page: Any, server: ThreadedChatsim, route: str) -> None:
    """Open a view and wait until its live stream is connected."""
    page.goto(f"{server.url}/_chatsim/ui/#{route}")
    expect(page.locator(".live")).to_have_text("● live")


def test_the_root_sends_a_browser_to_the_dashboard(page, server):
    page.goto(server.url + "/")
    expect(page).to_have_url(f"{server.url}/_chatsim/ui/")


def test_the_overview_lists_a_tenant_the_test_made_and_counts_its_requests_live(page, server, shoot):
    gewe(server, "shop-bot", "contacts/fetchContactsList", {"appId": APP})
    open_view(page, server, "/")
    line = page.locator('tr[data-tenant="shop-bot"]')
    expect(line).to_be_visible()
    expect(line.locator(".requests")).to_have_text("1")
    gewe(server, "shop-bot", "contacts/fetchContactsList", {"appId": 5})
    expect(line.locator(".requests")).to_have_text("2")
    expect(line).to_contain_text("gewe")
    shoot(page, "overview")


def test_a_bad_gewe_request_appears_in_the_live_journal_within_a_second_with_its_violations(page, server, shoot):
    gewe(server, "journal-bot", "contacts/fetchContactsList", {"appId": APP})
    open_view(page, server, "/t/journal-bot/journal")
    expect(page.locator("table.records tbody tr")).to_have_count(1)
    gewe(server, "journal-bot", "contacts/fetchContactsList", {"appId": 5})
    bad = page.locator("table.records tbody tr.error")
    expect(bad).to_be_visible(timeout=1000)
    bad.click()
    detail = page.locator(".record")
    expect(detail.locator(".violation")).to_contain_text("appId")
    expect(detail.locator(".violation")).to_contain_text("type")
    expect(detail.locator(".request-body .line.bad")).to_have_text('"appId": 5')
    expect(detail.locator(".response-body")).to_contain_text("参数格式错误")
    shoot(page, "journal")


def test_the_friend_graph_gains_an_edge_after_an_accepted_friend_request(page, server, shoot):
    gewe(server, "graph-bot", "contacts/fetchContactsList", {"appId": APP})
    open_view(page, server, "/t/graph-bot/world/gewe")
    friends = page.locator("svg.graph .edge.friend")
    expect(friends).to_have_count(1)
    asked = admin(server, "POST", "tenants/graph-bot/gewe/friend-requests",
                  {"appId": APP, "fromWxid": "wxid_chenjing", "content": "你好，我是陈静"})
    expect(page.locator("svg.graph .edge.request")).to_have_count(1)
    expect(page.locator("tr[data-request] .status-pending")).to_be_visible()
    gewe(server, "graph-bot", "contacts/addContacts",
         {"appId": APP, "scene": 6, "option": 3, "v3": asked["v3"], "v4": asked["v4"], "content": ""})
    expect(friends).to_have_count(2)
    expect(page.locator('svg.graph .edge.friend[data-edge*="wxid_chenjing"]')).to_have_count(1)
    expect(page.locator("svg.graph .edge.request")).to_have_count(0)
    shoot(page, "world-gewe")


def test_advancing_the_clock_from_the_ui_expires_a_dingtalk_token(page, server, shoot):
    first = gettoken(server, "ding-bot")
    open_view(page, server, "/t/ding-bot/world/dingtalk")
    expect(page.locator(f'tr[data-token="{first}"] .status-valid')).to_be_visible()
    page.get_by_role("link", name="Controls").click()
    page.locator('button.step[data-seconds="7201"]').click()
    expect(page.locator(".controls .message")).to_contain_text("+2h 1s")
    shoot(page, "controls")
    page.get_by_role("link", name="World").click()
    page.get_by_role("link", name="DingTalk").click()
    expect(page.locator(f'tr[data-token="{first}"] .status-expired')).to_be_visible()
    second = gettoken(server, "ding-bot")
    assert second != first
    expect(page.locator(f'tr[data-token="{second}"] .status-valid')).to_be_visible()
    shoot(page, "world-dingtalk")
    page.get_by_role("link", name="Timeline").click()
    expect(page.locator("svg.timeline .jump")).to_have_count(1)
    expect(page.locator("svg.timeline .mark.request")).to_have_count(2)
    shoot(page, "timeline")


def test_reset_from_the_ui_empties_the_tenant(page, server):
    gewe(server, "reset-bot", "contacts/fetchContactsList", {"appId": APP})
    admin(server, "POST", "tenants/reset-bot/gewe/friend-requests", {"appId": APP, "fromWxid": "wxid_lilei1990"})
    open_view(page, server, "/")
    line = page.locator('tr[data-tenant="reset-bot"]')
    expect(line.locator(".requests")).to_have_text("1")
    line.locator("button.reset").click()
    expect(line.locator(".requests")).to_have_text("0")
    assert request("GET", f"{server.url}/_chatsim/journal/count", params={"tenant": "reset-bot"}).json()["count"] == 0
    assert admin(server, "GET", "tenants/reset-bot/gewe/friend-requests")["requests"] == []
    assert admin(server, "GET", "tenants/reset-bot/callbacks")["callbacks"] == []


def test_the_egg_world_shows_users_friendships_and_applications(page, server, shoot):
    request("POST", f"{server.url}/_t/egg-bot/api/loginChat", form={"username": "my01", "password": "123456"})
    open_view(page, server, "/t/egg-bot/world/eggjs_im")
    expect(page.locator(".world.eggjs")).to_contain_text("魂牵一梦")
    expect(page.locator(".world.eggjs")).to_contain_text("好友小明")
    expect(page.locator(".world.eggjs .status-pending")).to_be_visible()
    shoot(page, "world-eggjs")


def test_with_an_admin_token_the_page_asks_for_it_and_sends_it(page, shoot):
    with ThreadedChatsim(admin_token="s3cret") as locked:
        request("POST", f"{locked.url}/_t/locked-bot/gewe/v2/api/contacts/fetchContactsList", json_body={"appId": APP},
                headers=GEWE)
        page.goto(f"{locked.url}/_chatsim/ui/#/")
        dialog = page.locator("dialog.token")
        expect(dialog).to_be_visible()
        dialog.locator("input").fill("s3cret")
        dialog.locator("button").click()
        expect(page.locator('tr[data-tenant="locked-bot"]')).to_be_visible()
        expect(page.locator(".live")).to_have_text("● live")
        assert page.context.cookies() == []


def test_a_page_of_another_origin_cannot_use_the_admin_api(page, server, static_site):
    gewe(server, "victim", "contacts/fetchContactsList", {"appId": APP})
    site = static_site({"index.html": "<!doctype html><title>elsewhere</title>"})
    page.goto(site + "/index.html")
    outcome = page.evaluate("""async (url) => {
        await fetch(url + "/_chatsim/tenants/victim/reset", {method: "POST", mode: "no-cors"});
        try { await fetch(url + "/_chatsim/overview"); return "read"; } catch (e) { return "blocked"; }
    }""", server.url)
    assert outcome == "blocked"
    assert request("GET", f"{server.url}/_chatsim/journal/count", params={"tenant": "victim"}).json()["count"] == 1


def test_a_scenario_that_breaks_its_schema_is_refused_where_it_was_typed(page, server):
    open_view(page, server, "/t/scenario-bot/controls")
    form = page.locator("form.scenario")
    form.locator("textarea").fill("chatsim: 1\nname: broken\ngewe:\n  people: 5\n")
    form.locator("button").click()
    expect(page.locator("pre.result.error")).to_contain_text("gewe.people")
    form.locator("select").select_option("demo.yaml")
    form.locator("button").click()
    expect(page.locator("pre.result.ok")).to_have_text("loaded demo")


def test_a_world_action_form_generated_from_the_spec_sends_a_friend_request(page, server):
    open_view(page, server, "/t/form-bot/controls")
    form = page.locator('form.action[data-operation="gewe.sendFriendRequest"]')
    form.locator('input[name="appId"]').fill(APP)
    form.locator('input[name="fromWxid"]').fill("wxid_lilei1990")
    form.locator('input[name="content"]').fill("我是李雷")
    form.get_by_role("button").click()
    expect(form.locator("pre.result.ok")).to_contain_text('"status": "pending"')
    requests = admin(server, "GET", "tenants/form-bot/gewe/friend-requests")["requests"]
    assert [(r["sender"], r["content"]) for r in requests] == [("wxid_lilei1990", "我是李雷")]
