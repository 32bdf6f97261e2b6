"""The callback history is bounded: the newest delivered (or targetless) callbacks are kept, pending,
retrying and dead ones always, and ids keep counting up."""

from functools import partial

import aiohttp

from chatsim.app import post_json
from chatsim.clock import VirtualClock
from chatsim.outbox import CallbackSettings, Outbox
from tests.conftest import load_scenario
from tests.gewe.support import Receiver


def test_only_the_newest_finished_callbacks_are_kept():
    outbox = Outbox(VirtualClock(), CallbackSettings(keep_finished=10), sender=None)
    for i in range(25):
        outbox.emit("gewe", "AddMsg", None, {"n": i}, "k")
    kept = outbox.query()
    assert [d.id for d in kept] == list(range(16, 26)) and [d.payload["n"] for d in kept][-1] == 24
    assert outbox.query(after=20)[0].id == 21
    assert outbox.redeliver(3) is None and outbox.redeliver(25) is not None


WORLD = """chatsim: 1
callbacks: {keep_delivered: 3}
gewe:
  tokens: [{token: tok, devices: [{appId: wx_A, wxid: wxid_a}]}]
  people: [{wxid: wxid_a, nickname: A}, {wxid: wxid_b, nickname: B}, {wxid: wxid_c, nickname: C},
           {wxid: wxid_d, nickname: D}, {wxid: wxid_e, nickname: E}, {wxid: wxid_f, nickname: F}]
"""


async def test_the_bound_is_a_scenario_setting_and_the_admin_list_follows_it(sim):
    await load_scenario(sim, "t", WORLD)
    for sender in ("wxid_b", "wxid_c", "wxid_d", "wxid_e", "wxid_f"):
        resp = await sim.post("/_chatsim/tenants/t/gewe/friend-requests", json={"appId": "wx_A", "fromWxid": sender})
        assert resp.status == 200, await resp.text()
    listed = (await (await sim.get("/_chatsim/tenants/t/callbacks")).json())["callbacks"]
    assert [(c["id"], c["status"]) for c in listed] == [(3, "no_target"), (4, "no_target"), (5, "no_target")]
    bad = await sim.put("/_chatsim/tenants/t/scenario", data=b"chatsim: 1\ncallbacks: {keep_delivered: 0}\n",
                        headers={"Content-Type": "application/yaml"})
    assert bad.status == 400 and "keep_delivered" in (await bad.json())["error"]



async def test_a_redelivered_callback_is_kept_as_the_newest_once_it_lands_again():
    """The history forgets the oldest to finish: a callback redelivered and delivered again is newer
    than those delivered once since. One key, so each callback lands after the ones before it."""
    receiver = Receiver()
    await receiver.server.start_server()
    try:
        async with aiohttp.ClientSession() as session:
            outbox = Outbox(VirtualClock(), CallbackSettings(keep_finished=3), sender=partial(post_json, session))
            try:
                for n in range(3):
                    outbox.emit("gewe", "AddMsg", receiver.url, {"n": n}, "k")
                assert [d.id for d in await outbox.wait(5, after=2, status="delivered")] == [3]
                assert outbox.redeliver(1) is not None
                outbox.emit("gewe", "AddMsg", receiver.url, {"n": 3}, "k")  # lands after 1 lands again
                assert [d.id for d in await outbox.wait(5, after=3, status="delivered")] == [4]
                kept = [(d.id, d.status) for d in outbox.query()]
                assert kept == [(1, "delivered"), (3, "delivered"), (4, "delivered")]
            finally:
                outbox.close()
    finally:
        await receiver.server.close()
    assert [p["n"] for p in receiver.payloads] == [0, 1, 2, 0, 3]


def test_a_kept_callback_reads_back_the_payload_it_was_emitted_with():
    """A delivery keeps only its body's bytes; its payload is read back from them, and is what the
    model emitted: nested objects, 64-bit ids, Chinese text, nulls, booleans, empty lists."""
    from chatsim.vendors.gewe.model import callbacks
    from chatsim.vendors.gewe.model.entities import Chatroom, Member, Person

    people = {wxid: Person(wxid, name, 100 + n) for n, (wxid, name) in
              enumerate([("wxid_a", "小白"), ("wxid_b", "Bob 😀"), ("wxid_c", "")])}
    room = Chatroom("12345678901@chatroom", "测试群", "wxid_a")
    room.members.update({wxid: Member(wxid) for wxid in people})
    room.silenced.append("wxid_b")
    ids = callbacks.message_ids(2**31 + 5, 2**64 - 1, 7, 1764583200)
    emitted = [callbacks.chatroom_contact("wx_A", "wxid_b", room, people, 500),
               callbacks.add_msg("wx_A", "wxid_b", room.id, "wxid_b", 10000, "你好\n\"x\"", ids, "<msgsource/>", None),
               callbacks.del_contacts("wx_A", "wxid_b", room.id), callbacks.offline("wx_A", "wxid_b"),
               {"flag": True, "none": None, "list": [], "nested": {"a": [{"b": -1}]}}]
    outbox = Outbox(VirtualClock(), CallbackSettings(), sender=None)
    for payload in emitted:
        outbox.emit("gewe", str(payload.get("TypeName")), None, payload, "wx_A")
    assert [delivery.payload for delivery in outbox.query()] == emitted
    assert [delivery.to_json()["payload"] for delivery in outbox.query()] == emitted
