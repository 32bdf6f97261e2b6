"""The pieces every bench script shares: starting servers, driving load, reading a process's CPU and RSS.

Load comes from wrk (Debian's package) when it is installed, else from the Python generator in
loadgen.py. A case whose body varies per request (``{n}``) gets a wrk Lua ``request()`` that
numbers requests per thread from a start the harness picks per round, so no number repeats.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import loadgen
from cases import Case

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
WRK = shutil.which("wrk")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"nothing listens on {port}")


class Server:
    """A server process on its own port, stopped by its own pid."""

    def __init__(self, name: str, cmd: list[str], port: int, cwd: Path = ROOT,
                 env: dict[str, str] | None = None) -> None:
        self.name, self.port = name, port
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env={**os.environ, **(env or {})})

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    @property
    def pid(self) -> int:
        return self.proc.pid


def chatsim_cmd(port: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "chatsim", "serve", "--quiet", "--port", str(port), *extra]


def chatsim(port: int, root: Path = ROOT, *extra: str) -> Server:
    """chatsim from ``root`` (a checkout; another one's source for a before/after run), started in
    ``root``: ``python -m`` puts the working directory ahead of PYTHONPATH."""
    return Server("chatsim", chatsim_cmd(port, *extra), port, cwd=root, env={"PYTHONPATH": str(root)})


def bare_cmd(port: int, answers: Path | None = None) -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "bare.py"), "--port", str(port),
            *(["--answers", str(answers)] if answers else [])]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def raw_request(case: Case, port: int, n: int) -> bytes:
    method, path, headers, body = case.request(n)
    head = "".join(f"{key}: {value}\r\n" for key, value in headers.items())
    return (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{head}Content-Length: {len(body)}\r\n\r\n"
            .encode() + body)


def _lua_string(text: str) -> str:
    """A Lua long bracket, which Lua takes verbatim (JSON's quotes would end an ordinary string)."""
    return f"[==[{text}]==]"


def wrk_script(case: Case, start: int) -> str:
    method, path, headers, body = case.request(0)
    lines = [f"wrk.method = {_lua_string(method)}", f"wrk.path = {_lua_string(path)}"]
    # spaces inside the index: "[[" would open a Lua long string, and wrk would drop the whole script
    lines += [f"wrk.headers[ {_lua_string(key)} ] = {_lua_string(value)}" for key, value in headers.items()]
    if "{n}" not in case.body + case.path:
        return "\n".join([*lines, f"wrk.body = {_lua_string(body.decode())}", ""])
    # a fresh number per request: thread k counts from start + k * 10^7
    template = case.request(-1)
    body_t, path_t = template[3].decode(), template[1]
    lines += ["local threads = 0", "function setup(thread) threads = threads + 1; thread:set('first', threads) end",
              f"function init(args) n = {start} + first * 10000000 end",
              "function request()", "  n = n + 1", "  local s = string.format('%d', n)",
              f"  local body = string.gsub({_lua_string(body_t)}, '%-1', s)",
              f"  local path = string.gsub({_lua_string(path_t)}, '%-1', s)",
              "  return wrk.format(nil, path, nil, body)", "end", ""]
    return "\n".join(lines)


def wrk(case: Case, port: int, connections: int, seconds: float, start: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(wrk_script(case, start))
    threads = 1 if connections == 1 else 2
    # The URL carries the path too: given only the host, wrk ran at a third of the speed (measured).
    url = f"http://127.0.0.1:{port}{case.request(0)[1]}"
    try:
        out = subprocess.run([str(WRK), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
                              fh.name, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(fh.name)

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(m) for m in re.findall(r"(?:Non-2xx or 3xx responses|Socket errors:.*?timeout) (\d+)", out))
    return {"requests": requests, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "p50_ms": ms("50%"), "p99_ms": ms("99%"), "errors": errors}


def drive(case: Case, port: int, connections: int, seconds: float, start: int, use_wrk: bool) -> dict[str, float]:
    if use_wrk:
        return wrk(case, port, connections, seconds, start)
    counter = iter(range(start, start + 10**9))
    return asyncio.run(loadgen.run("127.0.0.1", port, lambda: raw_request(case, port, next(counter)),
                                   connections, seconds))


def measure(server: Server, case: Case, connections: int, seconds: float, start: int,
            use_wrk: bool) -> dict[str, Any]:
    cpu_before = cpu_seconds(server.pid)
    result: dict[str, Any] = drive(case, server.port, connections, seconds, start, use_wrk)
    result["cpu_us"] = (cpu_seconds(server.pid) - cpu_before) / max(result["requests"], 1) * 1e6
    return result
