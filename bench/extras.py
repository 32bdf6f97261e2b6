"""The figures beside the per-operation table: cold start, idle RSS, RSS per tenant, world scaling
and callbacks/s. Each prints its lines as it goes; none asserts anything.

- cold start: process spawn to the first successful vendor answer (all specs, the demo scenario),
  chatsim and bare aiohttp alternately, medians;
- idle RSS after start-up with the demo scenario, and per extra tenant (500 tenants created);
- worlds: an egg.js scenario of N users and N friendships and a GeWe account with N contacts,
  loaded through the admin API and reset, for N = 500 and 5,000 (linear means 10x the users costs
  at most 12x the time); goodfriendlist of a user with 5,000 friends, by the journal's server time;
  a rename and a text in a GeWe group of 500 and 5,000 members with one online, the same way;
- GeWe message/postText under load with one callback per message (issue 15's line): req/s, and
  callbacks/s at the receiver (one account: one delivery key, so one callback in flight at a time);
- callbacks: messages to 64 GeWe accounts (one delivery key each), queued while the receiver holds
  its answers, then delivered: deliveries per second from the release to the last arrival, beside a
  bare aiohttp client posting the same bodies to the same fast local receiver.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import http.client
import json
import statistics
import sys
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import harness
from cases import CASES, prepare

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
    paired = statistics.median(s / b for s, b in zip(times["chatsim"], times["bare"], strict=True))
    print(f"cold start (spawn -> first GeWe success, demo scenario, median of {rounds}): chatsim {sim:.3f} s, "
          f"bare aiohttp {bare:.3f} s, ratio {sim / bare:.2f} (median of the paired rounds' ratios {paired:.2f}; "
          "bench/start_instructions.py counts it)", flush=True)


def memory(root: Path, tenants: int) -> None:
    port = harness.free_port()
    server = harness.chatsim(port, root)
    try:
        _first_success(port, server)
        idle = harness.rss_kib(server.pid)
        # one tenant first: the admin call's own first-use costs (its checks compile on first use)
        # are not a tenant's
        _request(port, "GET", "/_chatsim/tenants/warm/state")
        one = harness.rss_kib(server.pid)
        for i in range(tenants):
            _request(port, "GET", f"/_chatsim/tenants/t{i}/state")
        with_tenants = harness.rss_kib(server.pid)
    finally:
        server.stop()
    print(f"idle RSS (demo scenario, after one request): {idle / 1024:.1f} MiB; with {tenants} more tenants "
          f"{with_tenants / 1024:.1f} MiB: {(with_tenants - one) / tenants:.1f} KiB per tenant", flush=True)


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
        for size in sizes:
            group_time(port, size)
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
    print(f"goodfriendlist of {count} friends: server time median {server_ms(port, tenant, 'goodfriendlist'):.1f} ms",
          flush=True)


def server_ms(port: int, tenant: str, operation: str) -> float:
    """The median server time of the tenant's last five requests of ``operation``, from the journal."""
    _, body = _request(port, "GET", f"/_chatsim/journal?tenant={tenant}&operation={operation}&limit=5")
    return statistics.median(record["duration_ms"] for record in json.loads(body)["records"])


def group_time(port: int, size: int) -> None:
    """A rename and a text in a group of ``size`` members of whom one is online: what a group change
    costs must follow the accounts it reaches, not the members (server time, median of 5 each)."""
    tenant = f"g{size}"
    members = ", ".join(f"wxid_c{i:05d}" for i in range(size))
    scenario = gewe_scenario(size) + (f"  chatrooms:\n    - {{chatroomId: 1000@chatroom, name: big, owner: wxid_me, "
                                      f"members: [{members}]}}\n").encode()
    status, body = _request(port, "PUT", f"/_chatsim/tenants/{tenant}/scenario", {"Content-Type": "application/yaml"},
                            scenario)
    if status != 200:
        raise RuntimeError(f"loading a group of {size}: {status} {body[:300]!r}")
    headers = {"X-Chatsim-Tenant": tenant, "X-GEWE-TOKEN": GEWE_TOKEN, "Content-Type": "application/json"}
    medians = []
    for operation, extra in (("group/modifyChatroomName", {"chatroomName": "big"}),
                             ("message/postText", {"toWxid": "1000@chatroom", "content": "hi"})):
        body_of = json.dumps({"appId": "wx_scale", "chatroomId": "1000@chatroom", **extra}).encode()
        for _ in range(5):
            _, answer = _request(port, "POST", f"/gewe/v2/api/{operation}", headers, body_of)
            if b'"ret":200' not in answer:
                raise RuntimeError(f"{operation} in a group of {size}: {answer[:300]!r}")
        medians.append(server_ms(port, tenant, operation.split("/")[1]))
    print(f"GeWe group of {size + 1} members, one of them online: modifyChatroomName {medians[0]:.2f} ms, "
          f"postText to the group {medians[1]:.2f} ms (server time, median of 5)", flush=True)


def callback_scenario(keys: int, url: str) -> bytes:
    """GeWe accounts, one device each (one delivery key each), every one a friend of one sender."""
    tokens = "\n".join(f"    - token: '{k:032x}'\n      callback_url: '{url}'\n      devices:\n"
                       f"        - {{appId: wx_cb{k:03d}, wxid: wxid_cb{k:03d}, online: true}}" for k in range(keys))
    people = "\n".join(f"    - {{wxid: wxid_cb{k:03d}, nickname: cb{k}, friends: [wxid_sender]}}" for k in range(keys))
    # a long timeout: the first callback of each key waits in the held receiver while the rest queue
    return (f"chatsim: 1\ncallbacks: {{timeout_seconds: 120, keep_delivered: 100000}}\ngewe:\n  tokens:\n{tokens}\n"
            f"  people:\n{people}\n    - {{wxid: wxid_sender, nickname: sender}}\n").encode()


async def _create_events(port: int, keys: int, per_key: int) -> float:
    """``per_key`` messages to each account, in order per account, all accounts at once over
    keep-alive: each is one AddMsg callback. Answers the seconds it took."""
    url = f"http://127.0.0.1:{port}/_chatsim/tenants/cb/gewe/messages"
    async with aiohttp.ClientSession() as session:

        async def account(k: int) -> None:
            for n in range(per_key):
                body = {"appId": f"wx_cb{k:03d}", "fromWxid": "wxid_sender", "type": "text", "content": str(n)}
                async with session.post(url, json=body) as resp:
                    if resp.status != 200:
                        raise RuntimeError(f"sendMessage: {resp.status} {(await resp.text())[:300]}")

        started = time.monotonic()
        await asyncio.gather(*(account(k) for k in range(keys)))
        return time.monotonic() - started


def _wait_for(recv_port: int, count: int, timeout: float = 120.0) -> float:
    """The receiver's time of the ``count``-th arrival."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = json.loads(_request(recv_port, "GET", "/count")[1])
        if seen["count"] >= count:
            return float(seen["last"])
        time.sleep(0.005)
    raise RuntimeError(f"the receiver got {seen['count']} of {count} callbacks")


@contextlib.contextmanager
def _receiver_and_chatsim(root: Path) -> Iterator[tuple[int, harness.Server]]:
    """bench/receiver.py and a chatsim that has answered, both stopped afterwards."""
    recv_port, port = harness.free_port(), harness.free_port()
    receiver = harness.Server("receiver", [sys.executable, str(harness.ROOT / "bench" / "receiver.py"),
                                           "--port", str(recv_port)], recv_port)
    server = harness.chatsim(port, root)
    try:
        harness.wait_for_port(recv_port)
        _first_success(port, server)
        yield recv_port, server
    finally:
        server.stop()
        receiver.stop()


def callbacks(root: Path, keys: int, per_key: int) -> None:
    """Deliveries per second across ``keys`` delivery keys, beside a bare aiohttp client posting the
    same bodies to the same receiver. The receiver holds its answers while the events are created
    (admin world actions over keep-alive), so the timing is delivery alone: from the release to the
    last arrival. Then it checks what was delivered: every callback once, in order per key, each
    with one successful attempt in chatsim's log."""
    with _receiver_and_chatsim(root) as (recv_port, server):
        port = server.port
        status, body = _request(port, "PUT", "/_chatsim/tenants/cb/scenario", {"Content-Type": "application/yaml"},
                                callback_scenario(keys, f"http://127.0.0.1:{recv_port}/cb"))
        if status != 200:
            raise RuntimeError(f"callback scenario: {status} {body[:300]!r}")
        expected = keys * per_key
        _request(recv_port, "POST", "/_hold")
        created = asyncio.run(_create_events(port, keys, per_key))
        released, cpu = time.monotonic(), harness.cpu_seconds(server.pid)
        _request(recv_port, "POST", "/_release")
        sim = expected / (_wait_for(recv_port, expected) - released)
        sim_cpu = (harness.cpu_seconds(server.pid) - cpu) / expected * 1e6
        bodies = _request(recv_port, "GET", "/bodies")[1].split(b"\n")
        problem = _check_deliveries(port, bodies, keys, per_key)
        _request(recv_port, "POST", "/_forget")
        cpu = time.process_time()
        bare = _with_uvloop(_bare_client(f"http://127.0.0.1:{recv_port}/cb", bodies, keys))
        bare_cpu = (time.process_time() - cpu) / expected * 1e6
        bare_rate = expected / (_wait_for(recv_port, expected) - bare)
        print(f"callbacks: {expected} across {keys} keys (created in {created:.2f} s, {expected / created:.0f}/s): "
              f"chatsim delivers {sim:.0f}/s ({sim_cpu:.0f} us CPU each), a bare aiohttp client {keys} in flight "
              f"{bare_rate:.0f}/s ({bare_cpu:.0f} us), ratio {sim / bare_rate:.2f}; "
              f"{problem or 'each once, in order per key, one attempt each'}", flush=True)


def _check_deliveries(port: int, bodies: list[bytes], keys: int, per_key: int) -> str:
    """What is wrong with what the receiver got and chatsim logged, or ''."""
    order: dict[str, list[str]] = {}
    for body in bodies:
        payload = json.loads(body)
        order.setdefault(payload["Appid"], []).append(payload["Data"]["Content"]["string"])
    wanted = [str(n) for n in range(per_key)]
    wrong = [key for key, got in order.items() if got != wanted]
    if len(order) != keys or wrong:
        return f"NOT DELIVERED AS SENT: {len(order)} keys, out of order or missing: {wrong[:3]}"
    listed = json.loads(_request(port, "GET", "/_chatsim/tenants/cb/callbacks")[1])["callbacks"]
    bad = [d["id"] for d in listed if d["status"] != "delivered" or [a["status"] for a in d["attempts"]] != [200]]
    if len(listed) != keys * per_key or bad:
        return f"ATTEMPT LOG: {len(listed)} callbacks listed, {len(bad)} not delivered in one attempt"
    return ""


def _with_uvloop(work: Coroutine[Any, Any, float]) -> float:
    """Run on uvloop where it is installed, as chatsim serve does: the two clients compared alike."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(work)
    return uvloop.run(work)


async def _bare_client(url: str, bodies: list[bytes], in_flight: int) -> float:
    """Posts the bodies with ``in_flight`` at a time; answers when it started."""
    limit = asyncio.Semaphore(in_flight)
    async with aiohttp.ClientSession() as session:

        async def one(body: bytes) -> None:
            async with limit, session.post(url, data=body, headers={"Content-Type": "application/json"}) as resp:
                await resp.read()

        started = time.monotonic()
        await asyncio.gather(*(one(body) for body in bodies))
        return started


def post_text(root: Path, seconds: int) -> None:
    """GeWe ``message/postText`` under load (c=64, validated, authenticated, journaled), each message
    also pushed to the account's own callback (``echo_own_messages``) at a local receiver: the
    requests per second, and the callbacks per second from the load's start to the last arrival."""
    with _receiver_and_chatsim(root) as (recv_port, server):
        port = server.port
        case = prepare(next(case for case in CASES if case.name == "gewe message/postText"), port, tenant="pt")
        _request(port, "PUT", "/_chatsim/tenants/pt/scenario?merge=true", {"Content-Type": "application/yaml"},
                 b"chatsim: 1\ngewe:\n  echo_own_messages: true\n")
        gewe = {"Content-Type": "application/json", "X-GEWE-TOKEN": GEWE_TOKEN, "X-Chatsim-Tenant": "pt"}
        status, body = _request(port, "POST", "/gewe/v2/api/tools/setCallback", gewe, json.dumps(
            {"token": GEWE_TOKEN, "callbackUrl": f"http://127.0.0.1:{recv_port}/cb"}).encode())
        if status != 200 or b'"ret":200' not in body:
            raise RuntimeError(f"setCallback: {status} {body[:300]!r}")
        before = json.loads(_request(recv_port, "GET", "/count")[1])["count"]
        started = time.monotonic()
        load = harness.measure(server, case, 64, seconds, 10**6, harness.WRK is not None)
        # wrk counts the answers it read; the few in flight at its end may still add a callback each
        _wait_for(recv_port, before + load["requests"])
        time.sleep(0.5)
        seen = json.loads(_request(recv_port, "GET", "/count")[1])
        delivered, took = seen["count"] - before, seen["last"] - started
        print(f"gewe message/postText, one callback each: {load['rps']:.0f} req/s at c=64 ({load['cpu_us']:.0f} us "
              f"CPU each, {load['errors']} errors), callbacks {delivered / took:.0f}/s ({delivered} for "
              f"{load['requests']} answers; the last {max(0.0, took - seconds):.2f} s after the load)", flush=True)


def run_all(root: Path, quick: bool = False, only: str = "") -> None:
    print("\nextras", flush=True)
    if only in ("", "start"):
        cold_start(root, 3 if quick else 7)
    if only in ("", "memory"):
        memory(root, 100 if quick else 500)
    if only in ("", "worlds"):
        worlds(root, (500,) if quick else (500, 5000))
    if only in ("", "postText"):
        post_text(root, 2 if quick else 3)
    if only in ("", "callbacks"):
        callbacks(root, 16 if quick else 64, 20 if quick else 50)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=harness.ROOT, help="the chatsim checkout to measure")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=("start", "memory", "worlds", "postText", "callbacks"), default="")
    args = parser.parse_args()
    run_all(args.root, args.quick, args.only)
