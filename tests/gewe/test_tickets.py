"""v3/v4 misuse: every case is GeWe's ``添加好友失败`` / ``-2`` / ``user ticket invalid``."""

from tests.gewe.support import OTHER_APP, OTHER_TOKEN, add_body, advance, gewe, person_asks, search, state

INVALID = {"ret": 500, "msg": "添加好友失败", "data": {"code": "-2", "msg": "user ticket invalid"}}


async def test_a_used_v4(gw):
    found = await search(gw, "lilei_1990")
    assert (await gewe(gw, "contacts/addContacts", add_body(found["v3"], found["v4"])))["ret"] == 200
    assert await gewe(gw, "contacts/addContacts", add_body(found["v3"], found["v4"])) == INVALID


async def test_an_expired_v4(gw):
    found = await search(gw, "lilei_1990")
    await advance(gw, 601)
    assert await gewe(gw, "contacts/addContacts", add_body(found["v3"], found["v4"])) == INVALID


async def test_a_v4_issued_to_another_account(gw):
    found = await search(gw, "lilei_1990", token=OTHER_TOKEN, app=OTHER_APP)
    mine = await search(gw, "lilei_1990")
    assert await gewe(gw, "contacts/addContacts", add_body(mine["v3"], found["v4"])) == INVALID


async def test_a_v3_of_another_account(gw):
    theirs = await search(gw, "lilei_1990", token=OTHER_TOKEN, app=OTHER_APP)
    mine = await search(gw, "lilei_1990")
    assert theirs["v3"] != mine["v3"]
    assert await gewe(gw, "contacts/addContacts", add_body(theirs["v3"], mine["v4"])) == INVALID


async def test_a_v3_of_another_person(gw):
    lilei, other = await search(gw, "lilei_1990"), await search(gw, "zhangwei")
    assert await gewe(gw, "contacts/addContacts", add_body(other["v3"], lilei["v4"])) == INVALID


async def test_garbage_and_made_up_tickets(gw):
    found = await search(gw, "lilei_1990")
    made_up_v3 = "v3_020b3826fd030100000000003a070e7757675c000000501ea9a3dba12f95f6b60a0536a1adb690dcccc9@stranger"
    for v3, v4 in ((found["v3"], "garbage"), (found["v3"], found["v4"][:-12] + "0000@stranger"),
                   (made_up_v3, found["v4"]), ("", found["v4"])):
        assert await gewe(gw, "contacts/addContacts", add_body(v3, v4)) == INVALID
    assert (await gewe(gw, "contacts/addContacts", add_body(found["v3"], found["v4"])))["ret"] == 200


async def test_a_search_ticket_cannot_accept_and_a_request_ticket_cannot_add(gw):
    found = await search(gw, "zhangwei")
    assert await gewe(gw, "contacts/addContacts", add_body(found["v3"], found["v4"], option=3)) == INVALID
    asked = await person_asks(gw, "wxid_lilei")
    assert await gewe(gw, "contacts/addContacts", add_body(asked["v3"], asked["v4"], option=2)) == INVALID


async def test_incoming_request_tickets_are_one_time_and_expire(gw):
    first = await person_asks(gw, "wxid_lilei")
    assert (await gewe(gw, "contacts/addContacts", add_body(first["v3"], first["v4"], option=4, scene=6)))["ret"] == 200
    assert await gewe(gw, "contacts/addContacts", add_body(first["v3"], first["v4"], option=3, scene=6)) == INVALID
    second = await person_asks(gw, "wxid_member")
    await advance(gw, 3600)
    assert await gewe(gw, "contacts/addContacts", add_body(second["v3"], second["v4"], option=3, scene=6)) == INVALID
    statuses = {r["id"]: r["status"] for r in (await state(gw))["friend_requests"]}
    assert statuses == {first["request"]["id"]: "rejected", second["request"]["id"]: "expired"}


async def test_a_request_ticket_of_another_account(gw):
    asked = await person_asks(gw, "wxid_lilei", app=OTHER_APP)
    body = add_body(asked["v3"], asked["v4"], option=3, scene=6)
    assert await gewe(gw, "contacts/addContacts", body) == INVALID
