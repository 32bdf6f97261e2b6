"""nonebot-adapter-gewechat 0.5.2, unmodified and run whole (its NoneBot app and ASGI server on
loopback, in the virtual environment make test gives it), against a chatsim server: a first start
that logs in a new device (its QR prompt reads a line from stdin), a restart with the saved appId
that chatsim answers "already logged in", and a friend request arriving as its event and accepted
through the adapter's own call; then a private text and a group @-mention, each answered through the
adapter's send() and found in the conversation log."""

import os
import queue
import subprocess
import threading
from pathlib import Path

import pytest

from chatsim.paths import DEMO_SCENARIO
from chatsim.toolkit.http import request
from chatsim.toolkit.server import ThreadedChatsim
from tests.repo import ROOT
from tests.served import free_port

BOT_DIR = Path(__file__).parent.parent / "nonebot_bot"
NB_PYTHON = ROOT / ".venv-nonebot" / "bin" / "python"
ROOM = "48151623420@chatroom"  # nonebot_bot/world.yaml's group of ACCOUNT and 小白
ACCOUNT = "wxid_lg1mwn2ybs3y22"  # demo.yaml's login.wxid: the phone that scans a new device's QR code
pytestmark = pytest.mark.skipif(not NB_PYTHON.exists() and not os.environ.get("CI"),
                                reason="make test creates .venv-nonebot for this test")


class Bot:
    """The bot's process, its output read line by line so a test can wait for what it says."""

    def __init__(self, env: dict[str, str], stdin: bytes = b"") -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.proc = subprocess.Popen([str(NB_PYTHON), "bot.py"], cwd=BOT_DIR, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(stdin)
        self.proc.stdin.close()
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()

    def _read(self, stream) -> None:
        for raw in stream:
            self.lines.put(raw.decode("utf-8", "replace"))
        self.lines.put("")  # end of output

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """The first line (from here on) containing ``text``; fails with the bot's output so far."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                line = ""
            if not line:
                raise AssertionError(f"the bot never said {text!r}:\n" + "".join(self.seen[-40:]))
            self.seen.append(line)
            if text in line:
                return line

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def admin(url: str, method: str, path: str, **kwargs):
    resp = request(method, url + path, timeout=30, **kwargs)
    assert resp.status == 200, resp.body
    return resp.json()


def callback_set(url: str, after: int, attempts: int = 6) -> bool:
    """Whether a setCallback after record ``after`` succeeded, waiting (long polls) for the attempts."""
    for _ in range(attempts):
        records = admin(url, "GET", "/_chatsim/journal", params={"operation": "setCallback", "after": after,
                                                                 "wait": 20})["records"]
        if any(r["response"]["body"] == {"ret": 200, "msg": "操作成功"} for r in records):
            return True
        if records:
            after = records[-1]["id"]
    return False


def replied(url: str, after: int, to: str) -> dict:
    """The bot's postText to ``to`` after journal record ``after`` (long polls until it comes)."""
    for _ in range(6):
        records = admin(url, "GET", "/_chatsim/journal", params={"operation": "postText", "after": after,
                                                                 "wait": 20})["records"]
        found = [r for r in records if r["request"]["body"]["toWxid"] == to]
        if found:
            return found[0]
        if records:
            after = records[-1]["id"]
    raise AssertionError(f"the bot never answered {to}")


def talk(url: str, app_id: str, body: dict, to: str) -> dict:
    """A person says something to the bot; the bot's answer, as its postText was journaled."""
    last = admin(url, "GET", "/_chatsim/journal")["records"][-1]["id"]
    admin(url, "POST", "/_chatsim/tenants/default/gewe/messages", json_body={"appId": app_id, **body})
    return replied(url, last, to)


def devices(url: str) -> list[dict]:
    return admin(url, "GET", "/_chatsim/tenants/default/state")["vendors"]["gewe"]["devices"]


def test_nonebot_logs_in_restarts_accepts_a_friend_request_and_answers_texts():
    if not NB_PYTHON.exists():
        pytest.fail("no .venv-nonebot: run `make test`, which creates it")
    with ThreadedChatsim([DEMO_SCENARIO, BOT_DIR / "world.yaml"]) as server:
        url, port = server.url, free_port()
        env = {"PATH": os.environ.get("PATH", ""), "DRIVER": "~fastapi+~httpx", "HOST": "127.0.0.1",
               "PORT": str(port), "LOG_LEVEL": "DEBUG", "GEWECHAT_API_URL": f"{url}/v2/api",
               "GEWECHAT_DOWNLOAD_API_URL": f"{url}/download",
               "GEWECHAT_CALLBACK_URL": f"http://127.0.0.1:{port}/gewechat/callback/collect",
               "GEWECHAT_CALLBACK_PATH": "/callback/collect", "WXID": ACCOUNT, "APPID": ""}
        before = {d["app_id"] for d in devices(url)}
        first = Bot(env, stdin=b"\n")  # its QR prompt asks for a captcha line; an empty one will do
        try:
            first.wait_for("Uvicorn running")
        finally:
            first.stop()
        [new] = [d for d in devices(url) if d["app_id"] not in before]
        assert (new["wxid"], new["online"]) == (ACCOUNT, True), "the first start logged a new device in"

        token_calls = admin(url, "GET", "/_chatsim/journal", params={"operation": "getTokenId"})["count"]
        last = admin(url, "GET", "/_chatsim/journal")["records"][-1]["id"]
        second = Bot({**env, "APPID": new["app_id"]})
        try:
            second.wait_for("微信已登录")
            # The adapter sets its callback while its server is still binding and retries every 5 s
            # until chatsim's probe gets through: wait for the attempt that succeeded.
            assert callback_set(url, after=last), "the adapter never set its callback URL"
            tokens = admin(url, "GET", "/_chatsim/journal", params={"operation": "getTokenId"})["records"]
            assert len(tokens) == token_calls + 1
            assert len({r["response"]["body"]["data"] for r in tokens}) == 1, "one token for the instance"
            assert [d for d in devices(url) if d["app_id"] == new["app_id"]][0]["online"] is True

            last = admin(url, "GET", "/_chatsim/journal")["records"][-1]["id"]
            sent = admin(url, "POST", "/_chatsim/tenants/default/gewe/friend-requests",
                         json_body={"appId": new["app_id"], "fromWxid": "wxid_lilei1990", "content": "我是李雷"})
            second.wait_for("FriendRequestEvent")
            [accepted] = admin(url, "GET", "/_chatsim/journal", params={
                "operation": "addContacts", "after": last, "wait": 60})["records"]
            assert accepted["response"]["body"] == {"ret": 200, "msg": "操作成功"}
            assert accepted["request"]["body"]["option"] == "3", "the adapter sends option as a string"
            requests = admin(url, "GET", "/_chatsim/tenants/default/gewe/friend-requests")["requests"]
            assert [r["status"] for r in requests if r["id"] == sent["request"]["id"]] == ["accepted"]

            answer = talk(url, new["app_id"], {"fromWxid": "wxid_lilei1990", "type": "text",
                                               "content": "hello bot"}, "wxid_lilei1990")
            assert answer["request"]["body"]["content"] == "echo: hello bot"
            data = answer["response"]["body"]["data"]
            log = admin(url, "GET", "/_chatsim/tenants/default/gewe/messages",
                        params={"peer": "wxid_lilei1990"})["messages"]
            assert [(m["from"], m["content"]) for m in log] == [("wxid_lilei1990", "hello bot"),
                                                                (ACCOUNT, "echo: hello bot")]
            assert log[1]["newMsgId"] == data["newMsgId"] > 2**53

            answer = talk(url, new["app_id"], {"fromWxid": "wxid_phyyedw9xap22", "type": "text",
                                               "chatroomId": ROOM, "content": "@新设备小号 ping",
                                               "ats": [ACCOUNT]}, ROOM)
            assert answer["request"]["body"]["content"] == "echo: ping"
            log = admin(url, "GET", "/_chatsim/tenants/default/gewe/messages", params={"chatroom": ROOM})["messages"]
            assert [(m["from"], m["content"]) for m in log] == [("wxid_phyyedw9xap22", "@新设备小号 ping"),
                                                                (ACCOUNT, "echo: ping")]
        finally:
            second.stop()
