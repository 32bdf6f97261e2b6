"""Example-grade DingTalk helper: stop group members from adding each other as friends."""

from dingtalk import AppKeyClient

FRIENDSWITCH = "/topapi/chat/member/friendswitch/update"


def lock_group(client: AppKeyClient, chatid: str) -> bool:
    """dingtalk-sdk has no method for friendswitch; its generic post does it (and raises on errcode)."""
    return bool(client.post(FRIENDSWITCH, {"chatid": chatid, "is_prohibit": True})["success"])
