"""The helper against chatsim's demo DingTalk org, through the unmodified dingtalk-sdk."""

import pytest
import requests
from dingtalk import AppKeyClient
from dingtalk.core.exceptions import DingTalkClientException
from group_guard import lock_group

GROUP = "chatdafe234sdf3sdf"  # the demo scenario's org, app and group


@pytest.fixture
def client(chatsim):
    client = AppKeyClient("dingdemocorp0001", "dingdemoappkey", "dingdemoappsecret")
    client.API_BASE_URL = chatsim.dingtalk.root_url + "/"  # dingtalk-sdk keeps only scheme://host:port,
    client._http = requests.Session()  # so the test's tenant travels in a header instead
    client._http.headers.update(chatsim.tenant_header)
    return client


def test_lock_group(chatsim, client):
    assert lock_group(client, GROUP) is True
    chatsim.assert_called("dingtalk.friendswitchUpdate", times=1, where={"chatid": GROUP, "is_prohibit": True})
    assert chatsim.dingtalk.chat(GROUP)["is_prohibit"] is True  # chatsim's view of the world


def test_unknown_group_is_refused(chatsim, client):
    with pytest.raises(DingTalkClientException) as refused:
        lock_group(client, "chatnosuchgroup")
    assert (refused.value.errcode, refused.value.errmsg) == (34001, "无效的chatid")


def test_the_token_is_fetched_once(chatsim, client):
    lock_group(client, GROUP)
    lock_group(client, GROUP)
    chatsim.assert_called("dingtalk.gettoken", times=1)
