"""The demo scenario's gewe section: the printed credentials work as printed."""

from chatsim.app import HOST
from chatsim.vendors.registry import discover
from tests.gewe.support import gewe

DEMO_TOKEN, DEMO_APP = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69", "wx_wR_U4zPj2M_OTS3BCyoE4"


async def test_demo_credentials_are_printed_and_work(sim):
    world = sim.server.app[HOST].registry.get("default").worlds["gewe"]
    lines = discover()["gewe"].credentials(world)
    assert lines[0] == f"X-GEWE-TOKEN: {DEMO_TOKEN}  appId: {DEMO_APP} (wxid_0xsqb3o0tsvz22 online)"
    body = await gewe(sim, "contacts/setFriendPermissions", {"appId": DEMO_APP, "wxid": "wxid_phyyedw9xap22",
                                                             "onlyChat": True}, token=DEMO_TOKEN)
    assert body == {"ret": 200, "msg": "设置好友权限成功"}
    members = await gewe(sim, "group/getChatroomMemberList", {"appId": DEMO_APP, "chatroomId": "34757816141@chatroom"},
                         token=DEMO_TOKEN)
    assert len(members["data"]["memberList"]) == 5
