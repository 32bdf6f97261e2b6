"""What a group message sent by an app (legacy ``/chat/send``) must hold, per msgtype, and the
shape checks robots share. Media ids are taken as given: chatsim has no media upload."""

from collections.abc import Mapping
from typing import Any

from chatsim.vendors.dingtalk.errors import DingTalkError

BAD_PARAM = DingTalkError(40035, "不合法的参数")

# msgtype -> its required fields (a nested one as "head.text"); action_card's buttons are below
CHAT_MSGTYPES: dict[str, tuple[str, ...]] = {
    "text": ("content",),
    "image": ("media_id",),
    "voice": ("media_id",),
    "file": ("media_id",),
    "link": ("messageUrl", "picUrl", "title", "text"),
    "oa": ("message_url", "head.bgcolor", "head.text", "body"),
    "markdown": ("title", "text"),
    "action_card": ("title", "markdown"),
}
CHAT_BUTTON = ("title", "action_url")
MAX_VOICE_SECONDS = 60


def is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def has_items(value: Any, fields: tuple[str, ...]) -> bool:
    """A non-empty list of objects, each with every one of ``fields`` as a text."""
    return (isinstance(value, list) and bool(value)
            and all(isinstance(item, dict) and all(is_text(item.get(name)) for name in fields) for item in value))


def missing_param(name: str) -> DingTalkError:
    return DingTalkError(40035, f"缺少参数 {name}")


def check_chat_message(body: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """(msgtype, its object) once every field the type needs is there; else 40035 naming the first
    one missing (``缺少参数 text.content``)."""
    msgtype = body.get("msgtype")
    if not msgtype:
        raise missing_param("msgtype")
    if msgtype not in CHAT_MSGTYPES:
        raise BAD_PARAM
    content = body.get(msgtype)
    if not isinstance(content, dict):
        raise missing_param(msgtype)
    for name in CHAT_MSGTYPES[msgtype]:
        if not _present(content, name):
            raise missing_param(f"{msgtype}.{name}")
    if msgtype == "voice" and "duration" in content and not _seconds(content["duration"]):
        raise BAD_PARAM
    if msgtype == "action_card" and not _has_buttons(content):
        raise missing_param("action_card.single_title")
    return msgtype, content


def _present(content: Mapping[str, Any], name: str) -> bool:
    """``body`` (an oa message's) is an object; every other field a text."""
    head, _, rest = name.partition(".")
    value = content.get(head)
    if rest:
        return isinstance(value, dict) and is_text(value.get(rest))
    return isinstance(value, dict) if name == "body" else is_text(value)


def _seconds(value: Any) -> bool:
    """A voice's duration: a whole number of seconds, 1 to 60 (as text too: the SDKs send either)."""
    text = str(value)
    return text.isdigit() and 1 <= int(text) <= MAX_VOICE_SECONDS


def _has_buttons(card: Mapping[str, Any]) -> bool:
    """One button (single_title + single_url) or several (btn_orientation and btn_json_list)."""
    if "btn_json_list" in card:
        return str(card.get("btn_orientation")) in ("0", "1") and has_items(card["btn_json_list"], CHAT_BUTTON)
    return is_text(card.get("single_title")) and is_text(card.get("single_url"))
