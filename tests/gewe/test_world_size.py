"""The memory budget sizes a GeWe world from its records (``GeweWorld.records``), which orjson
writes faster than the dump; the text must be the dump's, byte for byte, for a world with some of
everything in it, or the budget would count another world than the admin API shows."""

import orjson

from chatsim.app import HOST
from tests.gewe.support import APP, ROOM, ok, search


async def test_the_records_write_as_the_dump_writes(gw):
    found = await search(gw, "lilei_1990")  # a v3 and a ticket
    await ok(gw, "contacts/addContacts", {"appId": APP, "scene": 3, "option": 2, "content": "hi",
                                          "v3": found["v3"], "v4": found["v4"]})  # a friend request
    await ok(gw, "message/postText", {"appId": APP, "toWxid": ROOM, "content": "大家好"})  # the log
    await ok(gw, "message/downloadImage", {"appId": APP, "xml": '<msg><img length="30" /></msg>', "type": 2})
    await ok(gw, "group/getChatroomQrCode", {"appId": APP, "chatroomId": ROOM})  # a room link
    await ok(gw, "group/modifyChatroomRemark", {"appId": APP, "chatroomId": ROOM, "chatroomRemark": "备注"})
    await ok(gw, "contacts/uploadPhoneAddressList", {"appId": APP, "phones": ["13800000000"], "opType": 1})
    world = gw.server.app[HOST].registry.get("default").worlds["gewe"]
    records, dump = orjson.dumps(world.records(), default=str), orjson.dumps(world.dump(), default=str)
    assert records == dump
    loaded = orjson.loads(dump)
    assert all(loaded[part] for part in ("tickets", "friend_requests", "messages", "files", "room_links",
                                         "phone_books", "v3", "chatrooms", "contacts"))
