"""Acceptance: alibabacloud-dingtalk 2.2.65 (the official v1.0 Tea SDK), unmodified, its endpoint
pointed at chatsim; and a change made through it read back through dingtalk-sdk on oapi."""

import asyncio

import pytest
from alibabacloud_dingtalk.im_1_0 import models as im_models
from alibabacloud_dingtalk.im_1_0.client import Client as ImClient
from alibabacloud_dingtalk.oauth2_1_0 import models as oauth2_models
from alibabacloud_dingtalk.oauth2_1_0.client import Client as OAuth2Client
from alibabacloud_tea_openapi.models import Config
from alibabacloud_tea_util.models import RuntimeOptions
from Tea.exceptions import TeaException

from tests.dingtalk.support import APPKEY, APPSECRET, admin_chat, advance
from tests.dingtalk.test_sdk import sdk_client


def config(sim) -> Config:
    return Config(protocol="http", endpoint=f"127.0.0.1:{sim.server.port}")


async def token_of(sim, appsecret: str = APPSECRET) -> str:
    client = OAuth2Client(config(sim))
    request = oauth2_models.GetAccessTokenRequest(app_key=APPKEY, app_secret=appsecret)
    response = await asyncio.to_thread(client.get_access_token, request)
    assert response.status_code == 200 and response.body.expire_in == 7200
    return str(response.body.access_token)


async def call(sim, method: str, request, headers_class, token: str):
    client = ImClient(config(sim))
    headers = headers_class(x_acs_dingtalk_access_token=token)
    runtime = RuntimeOptions()
    return await asyncio.to_thread(getattr(client, f"{method}_with_options"), request, headers, runtime)


async def test_group_lifecycle_through_the_tea_sdk(sim):
    token = await token_of(sim)
    created = await call(sim, "create_group", im_models.CreateGroupRequest(
        name="Tea群", owner="manager4220", useridlist=["manager4220", "user123"],
        management_options=im_models.CreateGroupRequestManagementOptions(searchable=1)),
        im_models.CreateGroupHeaders, token)
    chatid, cid = created.body.chatid, created.body.open_conversation_id
    assert chatid.startswith("chat") and cid.startswith("cid") and created.body.conversation_tag == 2
    updated = await call(sim, "update_group", im_models.UpdateGroupRequest(chatid=chatid, name="Tea群改名"),
                         im_models.UpdateGroupHeaders, token)
    assert updated.body.success is True
    switched = await call(sim, "update_scene_group", im_models.UpdateSceneGroupRequest(
        open_conversation_id=cid,
        management_options=im_models.UpdateSceneGroupRequestManagementOptions(add_friend_forbidden=1)),
        im_models.UpdateSceneGroupHeaders, token)
    assert switched.body.success is True
    info = await call(sim, "get_scene_group_info", im_models.GetSceneGroupInfoRequest(open_conversation_id=cid),
                      im_models.GetSceneGroupInfoHeaders, token)
    assert (info.body.title, info.body.owner_user_id) == ("Tea群改名", "manager4220")
    assert info.body.open_conversation_id == cid
    nick = await call(sim, "update_member_group_nick", im_models.UpdateMemberGroupNickRequest(
        open_conversation_id=cid, user_id="user123", group_nick="小张"), im_models.UpdateMemberGroupNickHeaders, token)
    assert nick.body.success is True
    chat = await admin_chat(sim, chatid)
    assert (chat["is_prohibit"], chat["group_nicks"], chat["searchable"]) == (True, {"user123": "小张"}, 1)
    # the same chat through oapi, with dingtalk-sdk: one world
    oapi_info = await asyncio.to_thread(sdk_client(sim).chat.get, chatid)
    assert (oapi_info["name"], oapi_info["searchable"]) == ("Tea群改名", 1)


async def test_bad_app_secret_raises_the_vendors_code_and_message(sim):
    with pytest.raises(TeaException) as caught:
        await token_of(sim, "wrong")
    assert caught.value.code == "invalidClientIdOrSecret"
    assert caught.value.message.startswith("code: 400, 无效的clientId或者clientSecret request id: ")
    assert caught.value.data["statusCode"] == 400


async def test_expired_token_raises_invalid_authentication(sim):
    token = await token_of(sim)
    await advance(sim, 7201)
    with pytest.raises(TeaException) as caught:
        await call(sim, "update_group", im_models.UpdateGroupRequest(chatid="chatdafe234sdf3sdf", name="x"),
                   im_models.UpdateGroupHeaders, token)
    assert caught.value.code == "InvalidAuthentication"
    assert caught.value.message.startswith("code: 400, 不合法的access_token request id: ")
    assert (await admin_chat(sim))["name"] == "全员群"


def test_the_readme_example_through_the_plugin(chatsim):
    config = Config(protocol="http", endpoint=chatsim.dingtalk.root_url.split("://", 1)[1])
    tenant = dict(chatsim.tenant_header)
    token = OAuth2Client(config).get_access_token_with_options(oauth2_models.GetAccessTokenRequest(
        app_key=APPKEY, app_secret=APPSECRET), dict(tenant), RuntimeOptions()).body.access_token
    headers = im_models.UpdateSceneGroupHeaders(common_headers=dict(tenant), x_acs_dingtalk_access_token=token)
    ImClient(config).update_scene_group_with_options(im_models.UpdateSceneGroupRequest(
        open_conversation_id="cidDemoGroup0+MSA==",
        management_options=im_models.UpdateSceneGroupRequestManagementOptions(add_friend_forbidden=1)),
        headers, RuntimeOptions())
    assert chatsim.dingtalk.chat("chatdafe234sdf3sdf")["is_prohibit"] is True
    chatsim.assert_called("dingtalk.UpdateSceneGroup", times=1)
