"""The client against chatsim's demo egg.js IM users (my01, my02, my03; password 123456)."""

import pytest
from im_client import ImClient


@pytest.fixture
def my01(chatsim):
    client = ImClient(chatsim.eggjs_im.base_url)
    client.login("my01", "123456")
    return client


def test_accepting_the_pending_application(chatsim, my01):
    assert my01.accept_all() == 1  # my03 applied to my01 in the demo world
    chatsim.assert_called("eggjs_im.handleapply", times=1, where={"status": "agree"})
    friends = my01.call("GET", "/api/chat/goodfriendlist/1")
    assert friends["count"] == 2


def test_befriending_someone_new(chatsim, my01):
    newcomer = ImClient(chatsim.eggjs_im.base_url)
    newcomer.call("POST", "/api/regChat", username="newcomer", password="123456")
    newcomer_id = my01.befriend("newcomer", "老朋友")
    newcomer.login("newcomer", "123456")
    assert newcomer.accept_all() == 1
    assert newcomer.call("GET", f"/api/chat/getgoodfriendinfo/{my01.user['id']}")["friendinfo"]["username"] == "my01"
    # form bodies are matched as sent: values are strings
    chatsim.assert_called("applyfriend", times=1, where={"friend_id": str(newcomer_id), "nickname": "老朋友"})


def test_logged_out_token_is_refused(my01):
    my01.call("POST", "/api/chat/logout")
    with pytest.raises(RuntimeError, match="400: Token 令牌不合法！"):
        my01.call("POST", "/api/chat/logout")
