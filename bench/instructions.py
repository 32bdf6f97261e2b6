#!/usr/bin/env python3
"""Instructions per request of an HTTP server, counted by callgrind.

Starts the server under ``valgrind --tool=callgrind --instr-atstart=no``, sends warm-up requests over
one keep-alive HTTP/1.1 connection to 127.0.0.1, switches instrumentation on with callgrind_control,
sends the measured requests over the same connection, switches it off, dumps, stops the server and
prints the dump's total Ir divided by the number of measured requests.

Every measured response must be HTTP 200 with the success body, on the same connection, or the script
exits non-zero. Standard library only (Python 3.11).

Example:
    python3 bench/instructions.py --port 18080 \
        --cmd '.venv/bin/python -m chatsim serve --quiet --port 18080 --scenario bench/scenario.yaml'
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HOST = "127.0.0.1"
# The request bench/run.py sends (PATH, TOKEN, BODY there; BODY is orjson.dumps of this dict, compact).
PATH = "/gewe/v2/api/contacts/setFriendPermissions"
TOKEN = "0123456789abcdef0123456789abcdef"
BODY = json.dumps({"appId": "wx_benchDevice0000000001", "wxid": "wxid_bench_friend", "onlyChat": True},
                  separators=(",", ":")).encode()
HEADERS = {"Content-Type": "application/json", "X-GEWE-TOKEN": TOKEN}
EXPECTED = '{"ret":200,"msg":"设置好友权限成功"}'.encode()

STARTUP_TIMEOUT = 180.0   # seconds for the server under valgrind to answer its first request
REQUEST_TIMEOUT = 60.0    # seconds for one request under valgrind
CONTROL_TIMEOUT = 120.0   # seconds for one callgrind_control command
DUMP_TIMEOUT = 120.0      # seconds for the dump file to be complete


class BenchError(RuntimeError):
    pass


def die(msg: str) -> None:
    raise BenchError(msg)


def one_request(conn: http.client.HTTPConnection) -> tuple[int, bytes]:
    conn.request("POST", PATH, body=BODY, headers=HEADERS)
    resp = conn.getresponse()
    body = resp.read()
    if resp.will_close:
        die(f"the server wants to close the keep-alive connection (status {resp.status}, body {body!r})")
    return resp.status, body


def wait_ready(proc: subprocess.Popen, port: int, timeout: float) -> float:
    """Poll until one request answers HTTP 200 with the success body; returns the seconds it took."""
    start = time.monotonic()
    deadline = start + timeout
    last = "no attempt"
    attempts = 0
    while time.monotonic() < deadline and attempts < 10_000:
        attempts += 1
        if proc.poll() is not None:
            die(f"the server exited with code {proc.returncode} before it answered")
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request("POST", PATH, body=BODY, headers={**HEADERS, "Connection": "close"})
            resp = conn.getresponse()
            body = resp.read()
            if resp.status == 200 and body == EXPECTED:
                return time.monotonic() - start
            die(f"the server answered {resp.status} {body!r}, not 200 with the success body")
        except (ConnectionError, OSError, http.client.HTTPException) as exc:
            last = repr(exc)
        finally:
            conn.close()
        time.sleep(1.0)
    die(f"port {port} did not answer HTTP 200 within {timeout:.0f} s (last: {last})")
    return 0.0


def send(conn: http.client.HTTPConnection, count: int, what: str) -> None:
    """``count`` sequential requests on ``conn``; all must be 200 + success body on the same socket."""
    sock = conn.sock
    for i in range(count):
        status, body = one_request(conn)
        if status != 200 or body != EXPECTED:
            die(f"{what} request {i + 1}/{count} answered {status} {body!r}, not 200 with {EXPECTED!r}")
        if sock is None:
            sock = conn.sock
        elif conn.sock is not sock:
            die(f"{what} request {i + 1}/{count} went over a new connection; one keep-alive connection is required")


def callgrind_control(*args: str) -> str:
    try:
        out = subprocess.run(["callgrind_control", *args], capture_output=True, text=True,
                             timeout=CONTROL_TIMEOUT)
    except subprocess.TimeoutExpired:
        die(f"callgrind_control {' '.join(args)} did not finish in {CONTROL_TIMEOUT:.0f} s")
    if out.returncode != 0:
        die(f"callgrind_control {' '.join(args)} failed ({out.returncode}): {out.stdout}{out.stderr}")
    return out.stdout + out.stderr


def read_total(path: Path) -> int | None:
    """The Ir total of a complete callgrind dump (``summary:`` or ``totals:``), or None if incomplete."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    events = None
    total = None
    for line in text.splitlines():
        if line.startswith("events:"):
            events = line.split()[1:]
        elif line.startswith(("summary:", "totals:")):
            total = int(line.split()[1])
    if total is None:
        return None
    if events is not None and events[:1] != ["Ir"]:
        die(f"{path}: first event is {events[:1]}, not Ir")
    return total


def wait_dump(outdir: Path, before: set[Path], timeout: float) -> tuple[Path, int]:
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / 0.2) + 1):
        new = [p for p in outdir.glob("cg.out.*") if p not in before]
        for path in sorted(new, key=lambda p: p.stat().st_mtime, reverse=True):
            total = read_total(path)
            if total is not None:
                return path, total
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    die(f"no complete dump appeared in {outdir} within {timeout:.0f} s")
    return Path(), 0


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cmd", required=True, help="server command line (split with shlex)")
    parser.add_argument("--port", type=int, required=True, help="port the server listens on at 127.0.0.1")
    parser.add_argument("--requests", type=int, default=2000, help="measured requests (default 2000)")
    parser.add_argument("--warmup", type=int, default=300, help="warm-up requests (default 300)")
    parser.add_argument("--cwd", default=".", help="directory to start the server in")
    parser.add_argument("--hashseed", default="0",
                        help="PYTHONHASHSEED for the server, for repeatable counts ('random' to leave it random)")
    parser.add_argument("--keep", action="store_true", help="keep the callgrind output directory")
    args = parser.parse_args()
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be >= 1 and --warmup >= 0")
    for tool in ("valgrind", "callgrind_control"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not on PATH")

    outdir = Path(tempfile.mkdtemp(prefix="instructions-"))
    cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
           f"--callgrind-out-file={outdir}/cg.out.%p", *shlex.split(args.cmd)]
    env = dict(os.environ)
    if args.hashseed != "random":
        env["PYTHONHASHSEED"] = args.hashseed
    log = open(outdir / "server.log", "wb")  # noqa: SIM115 - closed in the finally, once the server stopped
    print(f"server: {shlex.join(cmd)}  (cwd {args.cwd}, PYTHONHASHSEED={env.get('PYTHONHASHSEED', 'unset')})",
          flush=True)
    proc = subprocess.Popen(cmd, cwd=args.cwd, stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    ok = False
    try:
        took = wait_ready(proc, args.port, STARTUP_TIMEOUT)
        print(f"ready after {took:.1f} s (pid {proc.pid})", flush=True)
        conn = http.client.HTTPConnection(HOST, args.port, timeout=REQUEST_TIMEOUT)
        try:
            send(conn, args.warmup, "warm-up")
            first_sock = conn.sock
            callgrind_control("-i", "on", str(proc.pid))
            t0 = time.monotonic()
            send(conn, args.requests, "measured")
            wall = time.monotonic() - t0
            callgrind_control("-i", "off", str(proc.pid))
            if args.warmup and conn.sock is not first_sock:
                die("the measured requests did not use the warm-up connection")
        finally:
            conn.close()
        before = set(outdir.glob("cg.out.*"))
        callgrind_control("-d", str(proc.pid))
        path, total = wait_dump(outdir, before, DUMP_TIMEOUT)
        ok = True
    finally:
        stop(proc)
        log.close()
        if not ok:
            tail = (outdir / "server.log").read_bytes()[-3000:].decode(errors="replace")
            print(f"--- server log tail ({outdir}/server.log) ---\n{tail}", file=sys.stderr)
        elif not args.keep:
            shutil.rmtree(outdir, ignore_errors=True)

    print(f"dump: {path.name}  total Ir: {total:,}  requests: {args.requests}  "
          f"(measured window {wall:.1f} s wall under valgrind)")
    print(f"instructions/request: {total / args.requests:.0f}")
    return 0


def run(entry: Callable[[], int]) -> None:
    """Exit with ``entry``'s code, or with 1 and the message when a count could not be made."""
    try:
        sys.exit(entry())
    except BenchError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    run(main)
