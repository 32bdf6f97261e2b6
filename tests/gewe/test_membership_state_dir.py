"""Groups as ``--state-dir`` keeps them: a group the account created and an invitation link it was
sent are still there, and still open, after chatsim restarts."""

import aiohttp

from tests.served import serve

TOKEN = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"
APP, FRIEND, ROOM = "wx_wR_U4zPj2M_OTS3BCyoE4", "wxid_phyyedw9xap22", "34757816141@chatroom"


async def call(session: aiohttp.ClientSession, base: str, op: str, **body: object) -> dict:
    async with session.post(f"{base}/_t/groups/gewe/v2/api/{op}", json={"appId": APP, **body},
                            headers={"X-GEWE-TOKEN": TOKEN}) as resp:
        answer: dict = await resp.json()
    assert answer["ret"] == 200, (op, answer)
    return answer


async def test_a_created_group_and_an_invitation_survive_a_restart(tmp_path):
    state = tmp_path / "state"
    async with aiohttp.ClientSession() as session:
        with serve(tmp_path / "first", "--state-dir", str(state)) as first:
            found = (await call(session, first.url, "contacts/search", contactsInfo="lilei_1990"))["data"]
            await call(session, first.url, "contacts/addContacts", scene=3, option=2, content="hi",
                       v3=found["v3"], v4=found["v4"])
            created = (await call(session, first.url, "group/createChatroom", wxids=[FRIEND, "wxid_lilei1990"]))
            room = created["data"]["chatroomId"]
            await call(session, first.url, "group/modifyChatroomRemark", chatroomId=room, chatroomRemark="留着")
            await call(session, first.url, "group/quitChatroom", chatroomId=ROOM)
            async with session.post(f"{first.url}/_chatsim/tenants/groups/gewe/room-invitations",
                                    json={"appId": APP, "fromWxid": FRIEND, "chatroomId": ROOM}) as resp:
                link = (await resp.json())["url"]
        with serve(tmp_path / "second", "--state-dir", str(state)) as second:
            info = (await call(session, second.url, "group/getChatroomInfo", chatroomId=room))["data"]
            assert info["remark"] == "留着" and len(info["memberList"]) == 3
            await call(session, second.url, "group/agreeJoinRoom", url=link)
            members = (await call(session, second.url, "group/getChatroomMemberList", chatroomId=ROOM))["data"]
            assert "wxid_0xsqb3o0tsvz22" in [m["wxid"] for m in members["memberList"]]
