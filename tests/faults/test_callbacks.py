"""Acceptance: callback faults seen by a receiver on 127.0.0.1 and in the delivery attempt log:
duplicates arrive twice, a dropped first attempt is retried on the virtual clock, a delay waits
for it, a reorder swaps two callbacks of one account; nothing is lost."""

import asyncio

import pytest

from chatsim.toolkit.http import request
from tests.faults.support import FROZEN
from tests.gewe.support import Receiver

APP_ID = "wx_wR_U4zPj2M_OTS3BCyoE4"
TOKEN = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"
START = 1767225600.0  # FROZEN's 2026-01-01T00:00:00Z
pytestmark = pytest.mark.chatsim(scenario=FROZEN, merge=True)


@pytest.fixture
async def receiver():
    found = Receiver()
    await found.server.start_server()
    yield found
    await found.server.close()


async def hooked(chatsim, receiver: Receiver) -> None:
    """The account's callbacks go to the receiver; the setCallback probe is left out of what follows."""
    body = await asyncio.to_thread(request, "POST", chatsim.gewe.base_url + "/tools/setCallback",
                                   json_body={"token": TOKEN, "callbackUrl": receiver.url},
                                   headers={"X-GEWE-TOKEN": TOKEN})
    assert body.json()["ret"] == 200
    receiver.payloads.clear()


async def ask(chatsim, sender: str) -> None:
    await asyncio.to_thread(chatsim.gewe.send_friend_request, APP_ID, sender, "你好")


def asked_by(sender: str):
    return lambda payload: sender in str(payload)


async def settled(chatsim, count: int, status: str = "delivered") -> list:
    return await asyncio.to_thread(chatsim.callbacks.wait_many, count, status=status, timeout=10)


async def test_duplicates_arrive_twice_and_the_log_says_which_copy(chatsim, receiver):
    await hooked(chatsim, receiver)
    await asyncio.to_thread(chatsim.faults, {"vendor": "gewe", "callback": {"duplicate": 1.0}})
    await ask(chatsim, "wxid_lilei1990")
    [delivered] = await settled(chatsim, 1)
    assert [a.get("fault") for a in delivered.attempts] == [None, "duplicate"]
    assert delivered.attempts[1]["status"] == 200
    assert sum(map(asked_by("wxid_lilei1990"), receiver.payloads)) == 2
    assert receiver.payloads[0] == receiver.payloads[1]


async def test_a_dropped_first_attempt_is_retried_on_the_clock_and_delivered(chatsim, receiver):
    await hooked(chatsim, receiver)
    await asyncio.to_thread(chatsim.faults, {"vendor": "gewe", "callback": {"drop_first": 1}})
    await ask(chatsim, "wxid_hanmeimei")
    [retrying] = await settled(chatsim, 1, "retrying")
    assert retrying.attempts[0]["fault"] == "dropped" and retrying.attempts[0]["status"] is None
    assert not any(map(asked_by("wxid_hanmeimei"), receiver.payloads))
    await asyncio.to_thread(chatsim.clock.advance, 5)  # the first retry of the schedule
    await receiver.next(asked_by("wxid_hanmeimei"))
    [delivered] = await settled(chatsim, 1)
    assert [a.get("fault") for a in delivered.attempts] == ["dropped", None]
    counters = (await asyncio.to_thread(chatsim.faults().rules))[0]["counters"]
    assert counters["by_outcome"] == {"dropped": 1}


async def test_a_delay_holds_the_first_attempt_until_the_clock_gets_there(chatsim, receiver):
    await hooked(chatsim, receiver)
    await asyncio.to_thread(chatsim.faults, {"vendor": "gewe", "callback": {"delay_s": 30}})
    await ask(chatsim, "wxid_wangxiaoming")
    [pending] = await asyncio.to_thread(chatsim.callbacks.all, status="pending")
    assert pending.attempts == []
    await asyncio.to_thread(chatsim.clock.advance, 30)
    await receiver.next(asked_by("wxid_wangxiaoming"))
    [delivered] = await settled(chatsim, 1)
    assert delivered.attempts[0]["time"] == START + 30  # the frozen clock, moved by the advance alone


async def test_reorder_swaps_a_callback_with_the_next_one_of_its_account(chatsim, receiver):
    await hooked(chatsim, receiver)
    await asyncio.to_thread(chatsim.faults, {"vendor": "gewe", "times": 1, "callback": {"reorder": True}})
    await ask(chatsim, "wxid_lilei1990")
    await ask(chatsim, "wxid_hanmeimei")
    await receiver.next(asked_by("wxid_lilei1990"))
    order = [next(s for s in ("wxid_lilei1990", "wxid_hanmeimei") if s in str(p)) for p in receiver.payloads]
    assert order == ["wxid_hanmeimei", "wxid_lilei1990"]
    held = (await settled(chatsim, 2))[0]
    assert held.attempts and (await asyncio.to_thread(chatsim.faults().rules))[0]["counters"]["applied"] == 1
