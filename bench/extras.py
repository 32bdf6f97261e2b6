"""The figures beside the per-operation table: cold start, idle RSS, RSS per tenant, world scaling
and callbacks/s. Each prints its lines as it goes; none asserts anything.

- cold start: process spawn to the first successful vendor answer (all specs, the demo scenario),
  chatsim and bare aiohttp alternately, medians;
- idle RSS after start-up with the demo scenario, and per extra tenant (500 tenants created);
- worlds: an egg.js scenario of N users and N friendships and a GeWe account with N contacts,
  loaded through the admin API and reset, for N = 500 and 5,000 (linear means 10x the users costs
  at most 12x the time); goodfriendlist of a user with 5,000 friends, by the journal's server time;
- callbacks: a stranger's friend request per tenant in 50 tenants (one delivery key each) against a
  fast local receiver, deliveries per second; and what a bare aiohttp client does to the same receiver.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import http.client
import json
import statistics
import sys
import time
from pathlib import Path

import aiohttp
import harness

GEWE_TOKEN = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"
FIRST_CALL = ("POST", "/gewe/v2/api/contacts/setFriendPermissions",
              {"Content-Type": "application/json", "X-GEWE-TOKEN": GEWE_TOKEN},
              b'{"appId":"wx_wR_U4zPj2M_OTS3BCyoE4","wxid":"wxid_phyyedw9xap22","onlyChat":true}')


def _request(port: int, method: str, path: str, headers: dict[str, str] | None = None,
             body: bytes = b"") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _first_success(port: int, proc: harness.Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.proc.poll() is not None:
            raise RuntimeError(f"{proc.name} exited")
        try:
            status, body = _request(port, *FIRST_CALL)
            if status == 200 and b'"ret":200' in body:
                return
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{proc.name} did not answer within {timeout}s")


def cold_start(root: Path, rounds: int) -> None:
    """Both servers start from bytecode, as an installed wheel does (pip compiles at install):
    aiohttp's is in site-packages, chatsim's is compiled here first, or with
    PYTHONDONTWRITEBYTECODE set every chatsim start would compile its ~150 modules again."""
    compileall.compile_dir(root / "chatsim", quiet=1)
    times: dict[str, list[float]] = {"chatsim": [], "bare": []}
    for _ in range(rounds):
        for name in times:
            port = harness.free_port()
            started = time.monotonic()
            server = harness.chatsim(port, root) if name == "chatsim" else harness.Server(name, harness.bare_cmd(port),
                                                                                         port)
            try:
                _first_success(port, server)
                times[name].append(time.monotonic() - started)
            finally:
                server.stop()
    sim, bare = statistics.median(times["chatsim"]), statistics.median(times["bare"])
    print(f"cold start (spawn -> first GeWe success, demo scenario, median of {rounds}): chatsim {sim:.3f} s, "
          f"bare aiohttp {bare:.3f} s, ratio {sim / bare:.2f}", flush=True)


def memory(root: Path, tenants: int) -> None:
    port = harness.free_port()
    server = harness.chatsim(port, root)
    try:
        _first_success(port, server)
        idle = harness.rss_kib(server.pid)
        for i in range(tenants):
            _request(port, "GET", "/_chatsim/health" if i < 0 else f"/_chatsim/tenants/t{i}/state")
        with_tenants = harness.rss_kib(server.pid)
    finally:
        server.stop()
    print(f"idle RSS (demo scenario, after one request): {idle / 1024:.1f} MiB; with {tenants} more tenants "
          f"{with_tenants / 1024:.1f} MiB: {(with_tenants - idle) / tenants:.1f} KiB per tenant", flush=True)


def egg_scenario(count: int) -> bytes:
    users = "\n".join(f"    - {{username: user{i:05d}, password: '123456', nickname: 用户{i}}}" for i in range(count))
    # user00000 befriends everyone else, and user00001 user00002: as many friendships as users
    friends = "\n".join([*(f"    - {{user: user00000, friend: user{i:05d}}}" for i in range(1, count)),
                          "    - {user: user00001, friend: user00002}"])
    return f"chatsim: 1\neggjs_im:\n  users:\n{users}\n  goodfriend:\n{friends}\n".encode()


def gewe_scenario(count: int) -> bytes:
    people = "\n".join(f"    - {{wxid: wxid_c{i:05d}, nickname: 联系人{i}}}" for i in range(count))
    friends = ", ".join(f"wxid_c{i:05d}" for i in range(count))
    return (f"chatsim: 1\ngewe:\n  tokens:\n    - token: '{GEWE_TOKEN}'\n      devices:\n"
            f"        - {{appId: wx_scale, wxid: wxid_me, online: true}}\n  people:\n"
            f"    - {{wxid: wxid_me, nickname: me, friends: [{friends}]}}\n{people}\n").encode()


def worlds(root: Path, sizes: tuple[int, ...]) -> None:
    port = harness.free_port()
    server = harness.chatsim(port, root)
    try:
        _first_success(port, server)
        for label, make in (("egg.js users + friendships", egg_scenario), ("GeWe contacts", gewe_scenario)):
            for size in sizes:
                text = make(size)
                started = time.monotonic()
                status, body = _request(port, "PUT", f"/_chatsim/tenants/w{size}/scenario",
                                        {"Content-Type": "application/yaml"}, text)
                loaded = time.monotonic() - started
                if status != 200:
                    raise RuntimeError(f"loading {label} {size}: {status} {body[:300]!r}")
                started = time.monotonic()
                _request(port, "POST", f"/_chatsim/tenants/w{size}/reset")
                reset = time.monotonic() - started
                print(f"world {label} {size}: load {loaded * 1000:.0f} ms, reset {reset * 1000:.1f} ms", flush=True)
        friend_list_time(port, max(sizes))
    finally:
        server.stop()


def friend_list_time(port: int, size: int) -> None:
    tenant = f"w{size}"
    _request(port, "PUT", f"/_chatsim/tenants/{tenant}/scenario", {"Content-Type": "application/yaml"},
             egg_scenario(size))
    _, body = _request(port, "POST", "/api/loginChat", {"X-Chatsim-Tenant": tenant,
                       "Content-Type": "application/x-www-form-urlencoded"}, b"username=user00000&password=123456")
    token = json.loads(body)["data"]["token"]
    for _ in range(5):
        _, answer = _request(port, "GET", f"/api/chat/goodfriendlist/1?limit={size}",
                             {"X-Chatsim-Tenant": tenant, "token": token})
    count = json.loads(answer)["data"]["count"]
    _, body = _request(port, "GET", f"/_chatsim/journal?tenant={tenant}&operation=goodfriendlist&limit=5")
    ms = [record["duration_ms"] for record in json.loads(body)["records"]]
    print(f"goodfriendlist of {count} friends: server time median {statistics.median(ms):.1f} ms", flush=True)


def callbacks(root: Path, tenants: int, per_tenant: int) -> None:
    recv_port, port = harness.free_port(), harness.free_port()
    receiver = harness.Server("receiver", [sys.executable, str(harness.ROOT / "bench" / "receiver.py"),
                                           "--port", str(recv_port)], recv_port)
    server = harness.chatsim(port, root)
    try:
        harness.wait_for_port(recv_port)
        _first_success(port, server)
        url = f"http://127.0.0.1:{recv_port}/cb"
        gewe = {"Content-Type": "application/json", "X-GEWE-TOKEN": GEWE_TOKEN}
        for i in range(tenants):
            _request(port, "POST", "/gewe/v2/api/tools/setCallback", {**gewe, "X-Chatsim-Tenant": f"cb{i}"},
                     json.dumps({"token": GEWE_TOKEN, "callbackUrl": url}).encode())
        before = _count(recv_port)
        people = ("wxid_lilei1990", "wxid_hanmeimei", "wxid_wangxiaoming", "wxid_chenjing")
        started = time.monotonic()
        for k in range(per_tenant):
            for i in range(tenants):
                body = {"appId": "wx_wR_U4zPj2M_OTS3BCyoE4", "fromWxid": people[k % len(people)], "content": str(k)}
                _request(port, "POST", f"/_chatsim/tenants/cb{i}/gewe/friend-requests",
                         {"Content-Type": "application/json"}, json.dumps(body).encode())
        sent = time.monotonic() - started
        expected, last, last_change = tenants * per_tenant, before, time.monotonic()
        while time.monotonic() - last_change < 1.0:
            now = _count(recv_port)
            if now != last:
                last, last_change = now, time.monotonic()
            if now - before >= expected:
                break
            time.sleep(0.01)
        took = last_change - started
        print(f"callbacks: {last - before} of {expected} delivered across {tenants} tenants in {took:.2f} s "
              f"({(last - before) / took:.0f}/s; the {expected} events took {sent:.2f} s to create)", flush=True)
        bare = asyncio.run(_bare_client(url, expected))
        print(f"callbacks: a bare aiohttp client, 64 in flight, to the same receiver: {bare:.0f}/s", flush=True)
    finally:
        server.stop()
        receiver.stop()


def _count(port: int) -> int:
    count: int = json.loads(_request(port, "GET", "/count")[1])["count"]
    return count


async def _bare_client(url: str, count: int) -> float:
    body = json.dumps({"TypeName": "AddMsg", "Appid": "wx_x", "Data": {"MsgType": 37}}).encode()
    limit = asyncio.Semaphore(64)
    async with aiohttp.ClientSession() as session:

        async def one() -> None:
            async with limit, session.post(url, data=body, headers={"Content-Type": "application/json"}) as resp:
                await resp.read()

        started = time.monotonic()
        await asyncio.gather(*(one() for _ in range(count)))
        return count / (time.monotonic() - started)


def run_all(root: Path, quick: bool = False, only: str = "") -> None:
    print("\nextras", flush=True)
    if only in ("", "start"):
        cold_start(root, 3 if quick else 7)
    if only in ("", "memory"):
        memory(root, 100 if quick else 500)
    if only in ("", "worlds"):
        worlds(root, (500,) if quick else (500, 5000))
    if only in ("", "callbacks"):
        callbacks(root, 10 if quick else 50, 5 if quick else 20)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=harness.ROOT, help="the chatsim checkout to measure")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=("start", "memory", "worlds", "callbacks"), default="")
    args = parser.parse_args()
    run_all(args.root, args.quick, args.only)
