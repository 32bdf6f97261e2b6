"""Example-grade GeWe bot: add people by WeChat id, accept every friend request that calls back."""

import re

from gewechat_client import GewechatClient

ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def add_friend(client: GewechatClient, app_id: str, who: str, greeting: str) -> dict:
    """Search ``who`` (WeChat id or phone), then send a friend request with their v3/v4.
    The SDK raises RuntimeError (with GeWe's answer) whenever ret is not 200."""
    person = client.search_contacts(app_id, who)["data"]
    return client.add_contacts(app_id, 3, 2, person["v3"], person["v4"], greeting)


def on_callback(client: GewechatClient, payload: dict) -> dict | None:
    """The webhook handler: a friend request (AddMsg, MsgType 37) is accepted with its own scene."""
    data = payload.get("Data") or {}
    if payload.get("TypeName") != "AddMsg" or data.get("MsgType") != 37:
        return None
    request = dict(ATTRIBUTE.findall(data["Content"]["string"]))
    return client.add_contacts(payload["Appid"], int(request["scene"]), 3, request["encryptusername"],
                               request["ticket"], "你好，已通过")
