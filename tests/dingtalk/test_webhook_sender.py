"""Custom robots through dingtalk-webhook 1.1.6, unmodified: every message type it sends and the
security failures. It cannot share the test environment (its top-level package is named
``dingtalk``, which is dingtalk-sdk's), so ``make test`` installs it into a directory of its own
and its module is loaded from there; it has no webhook URL setting (oapi.dingtalk.com is written
into it), so requests' transport sends what it addresses there to chatsim on 127.0.0.1 instead,
and nothing else."""

import asyncio
import importlib.util
from pathlib import Path

import pytest
import requests.adapters

from tests.dingtalk.support import CHATID, advance
from tests.dingtalk.test_robots import (
    DEMO_ROBOT,
    IP_DENIED,
    KEYWORD_MISS,
    OK,
    SECRET,
    SIGN_EXPIRED,
    SIGN_MISMATCH,
    create_robot,
    robot_messages,
)

WEBHOOK_LIB = Path(__file__).resolve().parents[2] / ".lib-dingtalk-webhook"
REAL = "https://oapi.dingtalk.com/"


def sender_class() -> type:
    module_file = WEBHOOK_LIB / "dingtalk" / "dingtalk.py"
    if not module_file.is_file():
        pytest.skip(f"dingtalk-webhook is not installed in {WEBHOOK_LIB} (make test installs it)")
    spec = importlib.util.spec_from_file_location("dingtalk_webhook_sender", module_file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.DingTalk


@pytest.fixture
def DingTalk(sim, monkeypatch):  # noqa: N802 - the sender's own class name
    target = f"http://127.0.0.1:{sim.server.port}/_t/default/"
    send = requests.adapters.HTTPAdapter.send

    def to_chatsim(self, request, **kwargs):
        assert request.url.startswith(REAL), request.url  # nothing else leaves the test
        request.url = target + request.url[len(REAL):]
        return send(self, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", to_chatsim)
    return sender_class()


async def send(bot, method: str, *args, **kwargs):
    return await asyncio.to_thread(getattr(bot, method), *args, **kwargs)


async def test_every_message_type(sim, DingTalk):  # noqa: N803
    bot = DingTalk(DEMO_ROBOT)
    assert await send(bot, "send_text", "构建成功", at_mobiles="13800000123") == OK
    assert await send(bot, "send_link", "构建报告", "点开看", "https://ci.example.com/1") == OK
    assert await send(bot, "send_markdown", "构建", "### 构建成功", at_all=True) == OK
    assert await send(bot, "send_single_action_card", "构建", "构建成功", "查看", "https://ci.example.com/1") == OK
    buttons = [{"title": "发布", "actionURL": "https://ci.example.com/y"},
               {"title": "取消", "actionURL": "https://ci.example.com/n"}]
    assert await send(bot, "send_action_card", "构建", "发布吗", buttons) == OK
    links = [{"title": "构建 1", "messageURL": "https://ci.example.com/1", "picURL": "https://ci.example.com/1.png"}]
    assert await send(bot, "send_feed_card", links) == OK
    logged = await robot_messages(sim, access_token=DEMO_ROBOT)
    assert [m["msgtype"] for m in logged] == ["text", "link", "markdown", "actionCard", "actionCard", "feedCard"]
    assert logged[0]["text"]["content"] == "构建成功" and logged[0]["at"]["mentioned"] == ["user123"]
    assert logged[2]["at"]["isAtAll"] is True and logged[3]["actionCard"]["singleURL"] == "https://ci.example.com/1"


async def test_security_failures(sim, DingTalk):  # noqa: N803
    assert await send(DingTalk(DEMO_ROBOT), "send_text", "deploy done") == {"errcode": 310000, "errmsg": KEYWORD_MISS}
    unknown = await send(DingTalk("0" * 64), "send_text", "构建")
    assert unknown == {"errcode": 300001, "errmsg": "token is not exist"}

    signed = (await create_robot(sim, secret=SECRET))["access_token"]
    assert await send(DingTalk(signed, SECRET), "send_text", "signed") == OK  # it signs on every send
    wrong = await send(DingTalk(signed, "SEC" + "0" * 64), "send_text", "forged")
    assert wrong == {"errcode": 310000, "errmsg": SIGN_MISMATCH}
    await advance(sim, 3600 + 5)  # the virtual clock moves on, the sender's wall clock does not
    assert await send(DingTalk(signed, SECRET), "send_text", "late") == {"errcode": 310000, "errmsg": SIGN_EXPIRED}

    fenced = (await create_robot(sim, ips=["203.0.113.0/24"]))["access_token"]
    assert await send(DingTalk(fenced), "send_text", "hi") == {"errcode": 310000, "errmsg": IP_DENIED}
    assert [m["chatid"] for m in await robot_messages(sim, access_token=signed)] == [CHATID]
