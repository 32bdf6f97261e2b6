"""The bot against chatsim's demo GeWe account, through the unmodified gewechat-client SDK."""

import pytest
from friend_bot import add_friend, on_callback
from gewechat_client import GewechatClient

TOKEN = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"  # the demo scenario's GeWe token and device
APP_ID = "wx_wR_U4zPj2M_OTS3BCyoE4"


@pytest.fixture
def client(chatsim):
    return GewechatClient(chatsim.gewe.base_url, TOKEN)


def test_adding_someone_who_accepts(chatsim, client):
    assert add_friend(client, APP_ID, "lilei_1990", "你好，我是机器人")["ret"] == 200
    chatsim.assert_called("gewe.addContacts", times=1, where={"option": 2, "scene": 3, "content": "你好，我是机器人"})
    # 李雷 accepts at once in the demo world: GeWe pushes ModContacts carrying his v3
    accepted = chatsim.callbacks.wait("ModContacts", match={"Data.UserName.string": "wxid_lilei1990"})
    assert accepted.payload["Data"]["EncryptUserName"].startswith("v3_")
    assert "wxid_lilei1990" in client.fetch_contacts_list(APP_ID)["data"]["friends"]


def test_accepting_a_friend_request_from_the_callback(chatsim, client):
    chatsim.gewe.send_friend_request(APP_ID, "wxid_hanmeimei", content="我是韩梅梅", scene=3)
    request = chatsim.callbacks.wait("AddMsg", match={"Data.MsgType": 37})
    assert on_callback(client, request.payload)["ret"] == 200
    chatsim.assert_called("gewe.addContacts", times=1, where={"option": 3})
    assert "wxid_hanmeimei" in client.fetch_contacts_list(APP_ID)["data"]["friends"]


def test_unknown_person(client):
    with pytest.raises(RuntimeError, match="用户不存在"):
        add_friend(client, APP_ID, "nobody_at_all", "hi")
