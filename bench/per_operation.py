#!/usr/bin/env python3
"""``make instructions``: instructions per request of every bench case under callgrind, chatsim and
bare aiohttp (replaying chatsim's answers), one server start each.

Wall-clock ratios on a shared 2-core machine move by tenths between runs; callgrind's counts do
not, so they give the per-operation verdict. For each case the server gets the case's warm-up
requests on one keep-alive connection, then instrumentation goes on for the measured ones, read in
three windows (callgrind_control zeroes the counters at each dump; the median window counts). A
``once`` case (its success consumes its state) is measured on fresh tenants, one request each. Every measured answer
must be the case's: chatsim's answers are checked against the case, bare's against chatsim's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import harness  # noqa: E402
import instructions as cg  # noqa: E402
from cases import CASES, Case, check, prepare  # noqa: E402
from run import capture  # noqa: E402

ONCE_TENANTS = 20
WINDOWS = 3


def send(conn: http.client.HTTPConnection, case: Case, n: int) -> tuple[int, bytes]:
    method, path, headers, body = case.request(n)
    conn.request(method, path, body=body or None, headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read()


def count_case(proc: subprocess.Popen, outdir: Path, port: int, warm: Case, measured: list[Case], warmup: int,
               expected: bytes | None) -> float:
    """Instructions per measured request of one case on a running server under callgrind: ``warm``
    gets the warm-up requests, then each of ``measured`` one request (the same case numbered anew,
    or a once case's fresh tenants).

    The measured requests are counted in WINDOWS windows (a dump after each zeroes the counters) and
    the median window is the case's count: what the server does every so many requests whoever
    asks (the budget's look every 1024 requests, the collector's full pass) lands in one window
    and would otherwise be charged to whichever case it happened in. Those are measured on their
    own (bench/NOTES.md)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=cg.REQUEST_TIMEOUT)
    size = -(-len(measured) // WINDOWS)
    per_request: list[float] = []
    answers: list[tuple[int, bytes]] = []
    try:
        for n in range(warmup):
            send(conn, warm, 10**6 + n)
        cg.callgrind_control("-i", "on", str(proc.pid))
        for start in range(0, len(measured), size):
            window = [send(conn, case, 2 * 10**6 + start + n) for n, case in enumerate(measured[start:start + size])]
            before = set(outdir.glob("cg.out.*"))
            cg.callgrind_control("-d", str(proc.pid))
            _, total = cg.wait_dump(outdir, before, cg.DUMP_TIMEOUT)
            per_request.append(total / len(window))
            answers += window
        cg.callgrind_control("-i", "off", str(proc.pid))
    finally:
        conn.close()
    for status, body in answers:
        problem = check(warm, status, json.loads(body)) if expected is None else (
            None if body == expected or "{n}" in warm.body else f"{warm.name}: bare answered {body!r}")
        if problem:
            raise cg.BenchError(problem)
    return statistics.median(per_request)


def run_server(label: str, cmd: list[str], port: int, cwd: Path, env: dict[str, str], cases: list[Case],
               requests: int, warmup: int, answers: dict[str, bytes] | None) -> dict[str, float]:
    outdir = Path(tempfile.mkdtemp(prefix=f"instructions-{label}-"))
    full = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={outdir}/cg.out.%p", *cmd]
    log = open(outdir / "server.log", "wb")  # noqa: SIM115 - closed below, once the server stopped
    proc = subprocess.Popen(full, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONHASHSEED": "0", **env}, start_new_session=True)
    counts: dict[str, float] = {}
    try:
        harness.wait_for_port(port, timeout=cg.STARTUP_TIMEOUT)
        for case in cases:
            if answers is None:  # chatsim: its own tenants, fresh ones for a once case
                warm = prepare(case, port, receiver=RECEIVER)
                measured = ([prepare(case, port, tenant=f"{case.slug[:56]}-{i}", receiver=RECEIVER)
                             for i in range(ONCE_TENANTS + 1)] if case.once else [warm] * requests)
                if case.once:  # one success outside the count: what a first success imports or builds
                    with_first = measured.pop()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=cg.REQUEST_TIMEOUT)
                    try:
                        send(conn, with_first, 10**6)
                    finally:
                        conn.close()
            else:  # bare: the requests chatsim answered first, as many as chatsim got
                warm = PREPARED[case.name]
                measured = [warm] * (ONCE_TENANTS if case.once else requests)
            counts[case.name] = count_case(proc, outdir, port, warm, measured, warmup,
                                           None if answers is None else answers[case.name])
            print(f"  {label:<8} {case.name:<58} {counts[case.name]:>10,.0f}", flush=True)
    finally:
        cg.stop(proc)
        log.close()
        shutil.rmtree(outdir, ignore_errors=True)
    return counts


PREPARED: dict[str, Case] = {}
RECEIVER = ""


def main() -> int:
    global RECEIVER
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--only", nargs="*", default=None, help="case names (substrings)")
    parser.add_argument("--root", type=Path, default=harness.ROOT, help="the chatsim checkout to measure")
    parser.add_argument("--json", type=Path, help="also write the counts here")
    args = parser.parse_args()
    cases = [case for case in CASES if args.only is None or any(part in case.name for part in args.only)]
    recv_port, sim_port, bare_port = harness.free_port(), harness.free_port(), harness.free_port()
    receiver = harness.Server("receiver", [sys.executable, str(harness.ROOT / "bench" / "receiver.py"),
                                           "--port", str(recv_port)], recv_port)
    RECEIVER = f"http://127.0.0.1:{recv_port}/callback"
    try:
        harness.wait_for_port(recv_port)
        # chatsim's answers for bare to replay, from a plain (uninstrumented) chatsim
        plain = harness.chatsim(sim_port, args.root)
        try:
            harness.wait_for_port(sim_port)
            for case in cases:
                PREPARED[case.name] = prepare(case, sim_port, receiver=RECEIVER)
            captured = {case.name: capture(PREPARED[case.name], sim_port) for case in cases}
        finally:
            plain.stop()
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(list(captured.values()), fh)
        import base64

        replies = {name: base64.b64decode(item["body"]) for name, item in captured.items()}
        print(f"instructions per request under callgrind ({args.requests} after {args.warmup} of warm-up; "
              f"once cases: {ONCE_TENANTS} fresh tenants)", flush=True)
        sim_cmd = harness.chatsim_cmd(sim_port)
        sim = run_server("chatsim", sim_cmd, sim_port, args.root, {"PYTHONPATH": str(args.root)}, cases,
                         args.requests, args.warmup, None)
        bare = run_server("bare", harness.bare_cmd(bare_port, Path(fh.name)), bare_port, harness.ROOT, {}, cases,
                          args.requests, args.warmup, replies)
    finally:
        receiver.stop()
    print(f"\n{'case':<58}{'chatsim':>11}{'bare':>11}{'bare/chatsim':>14}")
    for case in cases:
        s, b = sim[case.name], bare[case.name]
        print(f"{case.name:<58}{s:>11,.0f}{b:>11,.0f}{b / s:>14.2f}")
    if args.json:
        args.json.write_text(json.dumps({"chatsim": sim, "bare": bare}, indent=1))
    print(f"\nservers: {shlex.join(sim_cmd)} / {shlex.join(harness.bare_cmd(bare_port))} --answers ...")
    return 0


if __name__ == "__main__":
    cg.run(main)
