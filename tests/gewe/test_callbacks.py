"""Callback delivery to a receiver on 127.0.0.1: the setCallback probe, order, retries, redelivery."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from chatsim.outbox import ATTEMPTS_KEPT
from chatsim.trace import CALLBACK, MOST_SUB_EVENTS, URL_KEPT, Trace
from chatsim.vendors.gewe.model.callbacks import MessageIds, message_ids
from tests.gewe.support import (
    APP,
    OTHER_APP,
    OTHER_TOKEN,
    TOKEN,
    add_body,
    advance,
    callback_problems,
    callbacks,
    gewe,
    of_type,
    ok,
    person_asks,
    search,
    state,
)


async def set_callback(sim, url, token=TOKEN, op="tools/setCallback"):
    assert await gewe(sim, op, {"token": token, "callbackUrl": url}, token) == {"ret": 200, "msg": "操作成功"}


async def test_set_callback_probes_the_url_before_answering(gw, receiver):
    await set_callback(gw, receiver.url, op="login/setCallback")
    assert receiver.payloads == [{"testMsg": "回调地址链接成功！", "token": TOKEN}]
    assert callback_problems(receiver.payloads[0], "SetCallbackProbe") == []
    tokens = {t["value"]: t["callback_url"] for t in (await state(gw))["tokens"]}
    assert tokens[TOKEN] == receiver.url and tokens[OTHER_TOKEN] is None
    journal = await (await gw.get("/_chatsim/journal", params={"operation": "loginSetCallback"})).json()
    [attempt] = journal["records"][-1]["callbacks"]
    assert attempt["probe"] is True and attempt["status"] == 200


async def test_a_receiver_that_answers_an_error_fails_the_probe(gw, receiver):
    receiver.statuses.append(500)
    body = await gewe(gw, "tools/setCallback", {"token": TOKEN, "callbackUrl": receiver.url})
    assert body == {"ret": 500, "msg": f"{receiver.url} push msg err"}


async def test_events_reach_the_receiver_in_order_and_match_their_schema(gw, receiver):
    await set_callback(gw, receiver.url)
    asked = [await person_asks(gw, sender) for sender in ("wxid_lilei", "wxid_member")]
    await ok(gw, "contacts/addContacts", add_body(asked[0]["v3"], asked[0]["v4"], option=3, scene=6))
    await ok(gw, "contacts/deleteFriend", {"appId": APP, "wxid": "wxid_friend"})
    await receiver.next(of_type("DelContacts"))
    kinds = [p.get("TypeName") for p in receiver.payloads[1:]]
    assert kinds == ["AddMsg", "AddMsg", "ModContacts", "DelContacts"]
    assert all(callback_problems(p) == [] for p in receiver.payloads[1:])
    new_msg_ids = [p["Data"]["NewMsgId"] for p in receiver.payloads[1:3]]
    assert len(set(new_msg_ids)) == 2 and min(new_msg_ids) > 2**53


async def test_events_of_an_account_without_a_callback_url_are_kept(gw, receiver):
    await set_callback(gw, receiver.url)
    await person_asks(gw, "wxid_lilei", app=OTHER_APP)
    [event] = await callbacks(gw, typeName="AddMsg", appId=OTHER_APP)
    assert event["status"] == "no_target" and event["url"] is None
    assert receiver.payloads == [{"testMsg": "回调地址链接成功！", "token": TOKEN}]


async def test_a_failed_delivery_is_retried_on_the_virtual_clock(gw, receiver):
    await set_callback(gw, receiver.url)
    asked = await person_asks(gw, "wxid_lilei")
    await receiver.next(of_type("AddMsg", MsgType=37))
    receiver.statuses.append(500)
    await ok(gw, "contacts/addContacts", add_body(asked["v3"], asked["v4"], option=3, scene=6))
    [failed] = await callbacks(gw, typeName="ModContacts", status="retrying")
    assert failed["attempts"][0]["status"] == 500 and failed["next_attempt_at"] == failed["created"] + 5
    await advance(gw, 5)
    [delivered] = await callbacks(gw, typeName="ModContacts", status="delivered")
    assert [a["status"] for a in delivered["attempts"]] == [500, 200]
    received = [p for p in receiver.payloads if p.get("TypeName") == "ModContacts"]
    assert len(received) == 2 and received[0] == received[1], "the same event, delivered again"
    assert received[1]["Data"]["EncryptUserName"] == asked["v3"]
    journal = await (await gw.get("/_chatsim/journal", params={"operation": "addContacts"})).json()
    assert [a["status"] for a in journal["records"][-1]["callbacks"]] == [500, 200]


async def test_an_undeliverable_event_is_kept_and_can_be_redelivered(gw, receiver):
    resp = await gw.put("/_chatsim/tenants/default/scenario", params={"merge": "true"},
                        data=b"chatsim: 1\ncallbacks: {retry_schedule: []}\n",
                        headers={"Content-Type": "application/yaml"})
    assert resp.status == 200
    await set_callback(gw, receiver.url)
    receiver.statuses.append(503)
    await person_asks(gw, "wxid_lilei")
    [dead] = await callbacks(gw, typeName="AddMsg", status="dead")
    assert [a["status"] for a in dead["attempts"]] == [503]
    resp = await gw.post(f"/_chatsim/tenants/default/callbacks/{dead['id']}/redeliver")
    assert resp.status == 200
    [delivered] = await callbacks(gw, typeName="AddMsg", status="delivered")
    assert [a["status"] for a in delivered["attempts"]] == [503, 200]


async def test_the_callback_url_belongs_to_the_token(gw, receiver):
    await set_callback(gw, receiver.url, token=OTHER_TOKEN)
    found = await search(gw, "lilei_1990", token=OTHER_TOKEN, app=OTHER_APP)
    await ok(gw, "contacts/addContacts", add_body(found["v3"], found["v4"], app=OTHER_APP), OTHER_TOKEN)
    event = await receiver.next(of_type("ModContacts"))
    assert event["Appid"] == OTHER_APP and event["Data"]["EncryptUserName"] == found["v3"]


class GatedReceiver:
    """Two callback URLs on 127.0.0.1: ``/slow`` holds each probe until released, ``/fast`` answers at once."""

    def __init__(self) -> None:
        self.arrived = asyncio.Event()
        self.release = asyncio.Event()
        app = web.Application()
        app.router.add_post("/slow", self._slow)
        app.router.add_post("/fast", self._fast)
        self.server = TestServer(app, host="127.0.0.1")

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def _slow(self, request: web.Request) -> web.Response:
        self.arrived.set()
        await self.release.wait()
        return web.Response(text="success")

    async def _fast(self, request: web.Request) -> web.Response:
        return web.Response(text="success")


@pytest.fixture
async def gated() -> AsyncIterator[GatedReceiver]:
    found = GatedReceiver()
    await found.server.start_server()
    yield found
    found.release.set()
    await found.server.close()


async def callback_url(sim) -> str | None:
    return {t["value"]: t["callback_url"] for t in (await state(sim))["tokens"]}[TOKEN]


async def test_of_two_concurrent_set_callbacks_the_one_sent_last_is_kept(gw, gated):
    first = asyncio.create_task(set_callback(gw, gated.url("/slow")))
    await gated.arrived.wait()
    await set_callback(gw, gated.url("/fast"))
    gated.release.set()
    await first  # its probe finished last, and it still answered success
    assert await callback_url(gw) == gated.url("/fast")


async def test_a_set_callback_in_flight_when_its_tenant_is_reset_says_so_and_keeps_nothing(gw, gated):
    pending = asyncio.create_task(gw.post("/gewe/v2/api/tools/setCallback", headers={"X-GEWE-TOKEN": TOKEN},
                                          json={"token": TOKEN, "callbackUrl": gated.url("/slow")}))
    await gated.arrived.wait()
    assert (await gw.post("/_chatsim/tenants/default/reset")).status == 200
    gated.release.set()
    resp = await pending
    assert resp.status == 409 and (await resp.json())["ret"] == 500
    assert "reset or deleted while this request was in flight" in resp.headers["X-Chatsim-Refused"]
    assert await callback_url(gw) is None


async def test_a_callback_redelivered_again_and_again_keeps_its_newest_attempts(gw, receiver):
    await set_callback(gw, receiver.url)
    await person_asks(gw, "wxid_lilei")
    [first] = await callbacks(gw, typeName="AddMsg", status="delivered")
    rounds = ATTEMPTS_KEPT + 5
    for _ in range(rounds):
        resp = await gw.post(f"/_chatsim/tenants/default/callbacks/{first['id']}/redeliver")
        assert resp.status == 200
        [again] = await callbacks(gw, typeName="AddMsg", status="delivered")  # waits for this attempt
    assert len(again["attempts"]) == ATTEMPTS_KEPT
    assert [a["attempt"] for a in again["attempts"]] == list(range(rounds + 2 - ATTEMPTS_KEPT, rounds + 2))
    assert sum(of_type("AddMsg")(payload) for payload in receiver.payloads) == rounds + 1


async def test_the_probe_keeps_a_long_callback_url_cut_on_its_record(gw, receiver):
    from chatsim.app import HOST

    url = receiver.url + "?" + "x" * 6_000  # past what a sub-event keeps, within a request line
    await set_callback(gw, url)
    [record] = gw.server.app[HOST].journal.query(operation="setCallback")
    [probe] = record.sub_events
    assert probe.data["url"] == url[:URL_KEPT] and probe.data["status"] == 200


def test_a_trace_keeps_its_first_sub_events():
    trace = Trace()
    for n in range(MOST_SUB_EVENTS + 10):
        trace.add(CALLBACK, {"attempt": n})
    assert [event.data["attempt"] for event in trace.sub_events] == list(range(MOST_SUB_EVENTS))


async def test_a_retry_schedule_has_at_most_32_retries(gw):
    for retries, status in ((32, 200), (33, 400)):
        body = f"chatsim: 1\ncallbacks: {{retry_schedule: [{', '.join(['1'] * retries)}]}}\n".encode()
        resp = await gw.put("/_chatsim/tenants/default/scenario", params={"merge": "true"}, data=body,
                            headers={"Content-Type": "application/yaml"})
        assert resp.status == status, await resp.text()


def test_message_ids_made_in_c_equal_the_named_tuple():
    for values in [(1, 2, 3, 4), (2**31 - 1, 2**63 - 1, 0, 1_790_000_000), (-1, 0, 10**30, 5)]:
        made, plain = message_ids(*values), MessageIds(*values)
        assert type(made) is MessageIds and made == plain and repr(made) == repr(plain)
        assert (made.msg_id, made.new_msg_id, made.msg_seq, made.create_time) == values
        assert made._asdict() == plain._asdict()
