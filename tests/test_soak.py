"""Bounded soaks: a server's memory stays within its budgets under traffic that would otherwise grow
it (bounded loops, a few seconds each). RSS is read from /proc of a real ``chatsim serve`` process."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from chatsim.toolkit.http import request
from chatsim.toolkit.server import wait_healthy

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_large_bodies_do_not_grow_the_journal_past_its_budget():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "chatsim", "serve", "--quiet", "--port", str(port),
                             "--journal-mib", "8"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ})
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, timeout=30)
        body = b'{"appId":"' + b"x" * (1024**2 - 20) + b'"}'  # 1 MiB: kept as 64 KiB, and at most 8 MiB in all
        headers = {"X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69", "Content-Type": "application/json"}
        for _ in range(20):
            request("POST", url + "/gewe/v2/api/contacts/fetchContactsList", data=body, headers=headers, timeout=30)
        settled = rss_mib(proc.pid)
        for _ in range(280):  # 280 MiB more of request bodies
            request("POST", url + "/gewe/v2/api/contacts/fetchContactsList", data=body, headers=headers, timeout=30)
        grown = rss_mib(proc.pid) - settled
        records = request("GET", url + "/_chatsim/journal", params={"limit": 1}, timeout=30).json()["records"]
        assert records[0]["truncated"]["request_bytes"] == len(body)
        assert grown < 40, f"RSS grew {grown:.0f} MiB for 280 MiB of bodies with an 8 MiB journal"
    finally:
        proc.terminate()
        proc.wait(15)
