"""``chatsim serve --state-dir``: registered users, the clock and undelivered callbacks survive a
restart (a clean stop and ``kill -9``); a snapshot of another version is refused in one line."""

import asyncio
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.served import free_port, serve

GEWE_TOKEN = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"
APP_ID = "wx_wR_U4zPj2M_OTS3BCyoE4"


def wait_for_file(path: Path, newer_than: float = 0.0, timeout: float = 10.0) -> None:
    """Until the snapshot is on disk (the saver writes it on its own schedule), bounded."""
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.stat().st_mtime > newer_than):
        assert time.monotonic() < deadline, f"{path} never written"
        time.sleep(0.05)


async def register(session: aiohttp.ClientSession, url: str, username: str) -> int:
    async with session.post(url + "/_t/keep/api/regChat", data={"username": username, "password": "123456"}) as r:
        assert r.status == 200, await r.text()
    async with session.post(url + "/_t/keep/api/loginChat", data={"username": username, "password": "123456"}) as r:
        return r.status


async def test_users_clock_and_an_undelivered_callback_survive_a_restart(tmp_path):
    state = tmp_path / "state"
    dead = free_port()  # nothing listens there before the restart
    async with aiohttp.ClientSession() as session:
        with serve(tmp_path / "first", "--state-dir", str(state)) as first:
            url = first.url
            assert await register(session, url, "kept01") == 200
            async with session.post(url + "/_chatsim/tenants/keep/clock/advance", json={"seconds": 86400}) as r:
                moved_to = (await r.json())["now"]
            scenario = ("chatsim: 1\ngewe:\n  tokens: [{token: '" + GEWE_TOKEN + "', callback_url: "
                        f"'http://127.0.0.1:{dead}/cb', devices: [{{appId: {APP_ID}, wxid: wxid_0xsqb3o0tsvz22, "
                        "online: true}]}]\n")
            async with session.put(url + "/_chatsim/tenants/owing/scenario", params={"merge": "true"},
                                   data=scenario.encode(), headers={"Content-Type": "application/yaml"}) as r:
                assert r.status == 200, await r.text()
            async with session.post(url + "/_chatsim/tenants/owing/gewe/friend-requests",
                                    json={"appId": APP_ID, "fromWxid": "wxid_lilei1990", "content": "还在吗"}) as r:
                assert r.status == 200
            async with session.get(url + "/_chatsim/tenants/owing/callbacks",
                                   params={"status": "retrying", "wait": "10"}) as r:
                [owed] = (await r.json())["callbacks"]
        assert {p.name for p in state.iterdir()} >= {"keep.tenant", "owing.tenant"}

        received: list[dict] = []
        arrived = asyncio.Event()

        async def receive(request: web.Request) -> web.Response:
            received.append(await request.json())
            arrived.set()
            return web.Response(text="success")

        receiver = web.Application()
        receiver.router.add_post("/cb", receive)
        runner = web.AppRunner(receiver)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", dead).start()
        try:
            with serve(tmp_path / "second", "--state-dir", str(state)) as second:
                url = second.url
                async with session.post(url + "/_t/keep/api/loginChat",
                                        data={"username": "kept01", "password": "123456"}) as r:
                    assert r.status == 200, "the registered user is still there"
                async with session.get(url + "/_chatsim/tenants/keep/clock") as r:
                    assert (await r.json())["now"] >= moved_to
                async with session.post(url + "/_chatsim/tenants/owing/clock/advance", json={"seconds": 600}) as r:
                    assert r.status == 200  # past the retry's time: the restored worker tries again
                await asyncio.wait_for(arrived.wait(), 10)
                async with session.get(url + "/_chatsim/tenants/owing/callbacks",
                                       params={"status": "delivered", "wait": "10"}) as r:
                    [delivered] = (await r.json())["callbacks"]
        finally:
            await runner.cleanup()
    assert delivered["id"] == owed["id"] and len(delivered["attempts"]) == len(owed["attempts"]) + 1
    assert received[0]["TypeName"] == "AddMsg" and "还在吗" in str(received[0])


async def test_kill_9_loses_at_most_the_last_interval(tmp_path):
    state = tmp_path / "state"
    started = time.time()
    async with aiohttp.ClientSession() as session:
        with serve(tmp_path / "first", "--state-dir", str(state), "--state-interval", "0.2") as first:
            assert await register(session, first.url, "survivor") == 200
            wait_for_file(state / "keep.tenant", newer_than=started - 1)
            os.kill(first.proc.pid, signal.SIGKILL)
            first.proc.wait(15)
        with serve(tmp_path / "second", "--state-dir", str(state)) as second:
            async with session.post(second.url + "/_t/keep/api/loginChat",
                                    data={"username": "survivor", "password": "123456"}) as r:
                assert r.status == 200
            async with session.post(second.url + "/_t/keep/api/loginChat",
                                    data={"username": "nobody", "password": "123456"}) as r:
                assert r.status != 200
    assert not list(state.glob("*.tmp")), "every write was renamed into place"


def test_a_snapshot_of_another_version_is_refused_in_one_line(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    with open(state / "old.tenant", "wb") as file:
        pickle.dump({"chatsim": "0.0.1", "format": 1}, file)
        pickle.dump({}, file)
    done = subprocess.run([sys.executable, "-m", "chatsim", "serve", "--port", str(free_port()),
                           "--state-dir", str(state)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "written by chatsim 0.0.1" in line and "--state-dir" in line
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_without_a_state_dir_nothing_is_written(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    with serve(tmp_path / "logs", cwd=work):
        pass
    assert list(work.iterdir()) == []
