"""``chatsim listen``: the local GeWe callback sink."""

import asyncio
import io
import json
import subprocess
import sys
import time

from aiohttp import web

from chatsim.listen import LIST_PATH, Sink, build_listen_app
from chatsim.toolkit.http import ChatsimError, request
from tests.toolkit.conftest import free_port

FRIEND_REQUEST = {
    "TypeName": "AddMsg", "Appid": "wx_demo", "Wxid": "wxid_me",
    "Data": {"MsgId": 1, "FromUserName": {"string": "fmessage"}, "ToUserName": {"string": "wxid_me"},
             "MsgType": 37, "Content": {"string": '<msg fromusername="wxid_zx" encryptusername="v3_0abc@stranger" '
                                                  'scene="3" ticket="v4_0def@stranger"></msg>'}}}
NEW_FRIEND = {"TypeName": "ModContacts", "Appid": "wx_demo", "Wxid": "wxid_me",
              "Data": {"UserName": {"string": "wxid_zx"}, "EncryptUserName": "v3_0abc@stranger"}}


async def sink_client(aiohttp_client, **options):
    out = io.StringIO()
    client = await aiohttp_client(build_listen_app(Sink(out, **options)))
    return client, out


async def test_one_readable_line_per_delivery(aiohttp_client):
    client, out = await sink_client(aiohttp_client, check=False)
    for payload in (FRIEND_REQUEST, NEW_FRIEND, {"TypeName": "Offline", "Appid": "wx_demo", "Wxid": "wxid_me"},
                    {"testMsg": "回调地址链接成功！", "token": "t"}):
        resp = await client.post("/gewechat/callback/collect", json=payload)
        assert resp.status == 200
    lines = [line.split("  ", 1)[1] for line in out.getvalue().splitlines()]
    assert lines == [
        "--> AddMsg       MsgType=37  from=fmessage  to=wxid_me  v3=v3_0abc@stranger",
        "--> ModContacts  user=wxid_zx  v3=v3_0abc@stranger",
        "--> Offline      wxid=wxid_me",
        "--> probe  testMsg='回调地址链接成功！'",
    ]


async def test_deliveries_are_kept_and_listed(aiohttp_client, tmp_path):
    saved = tmp_path / "got.jsonl"
    client, _ = await sink_client(aiohttp_client, check=False, save=saved)
    await client.post("/cb", json=FRIEND_REQUEST)
    await client.post("/cb", data=b"not json")
    listed = await (await client.get(LIST_PATH)).json()
    assert [item["payload"] for item in listed] == [FRIEND_REQUEST, "not json"]
    assert listed[1]["line"] == "(not JSON) 'not json'"
    assert [json.loads(line)["payload"] for line in saved.read_text().splitlines()] == [FRIEND_REQUEST, "not json"]


async def test_payloads_are_checked_against_the_callback_schema(aiohttp_client):
    client, out = await sink_client(aiohttp_client)
    await client.post("/cb", json={"TypeName": "AddMsg", "Appid": "wx_demo", "Wxid": "wxid_me"})
    listed = await (await client.get(LIST_PATH)).json()
    assert "'Data' is a required property" in " ".join(listed[0]["schema_problems"])
    assert "!! not as documented: (root): 'Data' is a required property" in out.getvalue()


async def test_forwarding_relays_the_bots_answer(aiohttp_client, aiohttp_server):
    got = []

    async def bot(request: web.Request) -> web.Response:
        got.append(await request.json())
        return web.Response(status=503 if len(got) > 1 else 200)

    bot_app = web.Application()
    bot_app.router.add_post("/hook", bot)
    server = await aiohttp_server(bot_app)
    client, out = await sink_client(aiohttp_client, check=False, forward=str(server.make_url("/hook")))
    assert (await client.post("/cb", json=FRIEND_REQUEST)).status == 200
    assert (await client.post("/cb", json=NEW_FRIEND)).status == 503
    assert got == [FRIEND_REQUEST, NEW_FRIEND]
    assert f"<-- 503 from {server.make_url('/hook')}" in out.getvalue()


async def test_an_unreachable_forward_target_is_a_502(aiohttp_client):
    client, out = await sink_client(aiohttp_client, check=False, forward="http://127.0.0.1:9/hook")
    assert (await client.post("/cb", json=FRIEND_REQUEST)).status == 502
    assert "<-- http://127.0.0.1:9/hook failed: ClientConnectorError" in out.getvalue()


async def test_chatsims_own_gewe_callbacks_arrive_readable_and_as_documented(chatsim, aiohttp_server):
    """End to end: setCallback on chatsim's demo account points at the sink, a person asks to be
    friends, and the sink shows the probe and the friend request (the server runs in its own thread,
    so the blocking calls go to threads and the sink keeps answering on this loop)."""
    token, app_id = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69", "wx_wR_U4zPj2M_OTS3BCyoE4"
    out = io.StringIO()
    sink = Sink(out)
    server = await aiohttp_server(build_listen_app(sink))
    answer = await asyncio.to_thread(request, "POST", chatsim.gewe.base_url + "/tools/setCallback",
                                     json_body={"token": token, "callbackUrl": str(server.make_url("/collect"))},
                                     headers={"X-GEWE-TOKEN": token})
    assert answer.json()["ret"] == 200
    await asyncio.to_thread(chatsim.gewe.sendFriendRequest, appId=app_id, fromWxid="wxid_lilei1990", content="hi")
    delivered = await chatsim.callbacks.wait_async("AddMsg", status="delivered")
    lines = [line.split("  ", 1)[1] for line in out.getvalue().splitlines()]
    assert lines[0] == "--> probe  testMsg='回调地址链接成功！'"
    v3 = sink.received[1].payload["Data"]["Content"]["string"].split('encryptusername="', 1)[1].split('"')[0]
    assert lines[1] == f"--> AddMsg       MsgType=37  from=fmessage  to=wxid_0xsqb3o0tsvz22  v3={v3}"
    assert sink.received[1].payload == delivered.payload
    assert sink.received[1].schema_problems == []


def test_the_listen_command(tmp_path):
    port = free_port()
    saved = tmp_path / "got.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "chatsim", "listen", "--port", str(port), "--save", str(saved)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:  # the process is starting: poll its port, as a client would
            try:
                assert request("GET", f"http://127.0.0.1:{port}{LIST_PATH}", timeout=1).json() == []
                break
            except ChatsimError:
                assert time.monotonic() < deadline, "chatsim listen did not start"
                time.sleep(0.05)
        assert request("POST", f"http://127.0.0.1:{port}/cb", json_body=NEW_FRIEND).status == 200
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert f"receiving GeWe callbacks on http://127.0.0.1:{port}/" in out
    assert "--> ModContacts  user=wxid_zx  v3=v3_0abc@stranger" in out
    assert json.loads(saved.read_text())["payload"] == NEW_FRIEND


async def test_the_list_keeps_the_newest_deliveries(aiohttp_client):
    client, _ = await sink_client(aiohttp_client, check=False, keep=3)
    for n in range(5):
        await client.post("/cb", json={"n": n})
    assert [item["payload"] for item in await (await client.get(LIST_PATH)).json()] == [{"n": 2}, {"n": 3}, {"n": 4}]
