"""``make bench``: every implemented operation of every vendor, chatsim against bare aiohttp.

For each case of bench/cases.py (every operation's happy path, each vendor's auth and validation
failures) chatsim answers once in a tenant of its own; a bare aiohttp app (bench/bare.py) is then
given those exact answers, so both servers read the same request and send the same bytes. Short
paired rounds alternate the two servers per case and concurrency (a slower second of a shared
machine hits both alike); the table shows medians and the median of the paired ratios. After each
case chatsim's journal must show the answer the case names (never silently an error path). Then
the representative cases get long rounds, and bench/extras.py measures cold start, idle RSS,
worlds and callbacks. ``QUICK=1`` (``--quick``) is a short run. It reports; it never fails on speed.
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.client
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import extras  # noqa: E402
import harness  # noqa: E402
from cases import CASES, Case, check, journaled_success, prepare  # noqa: E402

REPRESENTATIVE = ("gewe contacts/setFriendPermissions", "dingtalk friendswitch/update", "eggjs_im searchUser",
                  "eggjs_im goodfriendlist")


def capture(case: Case, port: int) -> dict[str, Any]:
    """chatsim's first answer to the case, as bare.py will replay it."""
    method, path, headers, body = case.request(10**5)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        kept = {key: value for key, value in resp.getheaders()
                if key.lower() not in ("date", "server", "content-length")}
    finally:
        conn.close()
    problem = check(case, resp.status, json.loads(data))
    if problem:
        raise RuntimeError(problem)
    return {"method": method, "path": path.split("?")[0], "tenant": headers["X-Chatsim-Tenant"],
            "status": resp.status, "headers": kept, "body": base64.b64encode(data).decode()}


def journal_answers(port: int, case: Case) -> list[tuple[Any, str]]:
    """(vendor code, answer as JSON text) of what chatsim journaled for the case's own requests (not
    its setup's login), the newest 300."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", f"/_chatsim/journal?tenant={case.tenant}&limit=300")
        records = json.loads(conn.getresponse().read())["records"]
    finally:
        conn.close()
    path = case.request(0)[1].split("?")[0]
    return [(record["response"]["vendor_code"], json.dumps(record["response"]["body"], ensure_ascii=False))
            for record in records if record["request"]["path"] == path]


def verify_load(case: Case, port: int) -> bool:
    """The load was the answer the case names: every journaled answer is its success (or, for an
    error case, the same error each time; for a ``once`` case, anything after the first; for a
    ``bound`` case, its answer past the bound once the world is full). True when a bound was reached."""
    answers = journal_answers(port, case)
    if not answers:
        raise RuntimeError(f"{case.name}: chatsim journaled none of the load in tenant {case.tenant}")
    wanted = journaled_success(case) if case.expect == "success" else answers[0][0]
    wrong = [(code, body) for code, body in answers if code != wanted]
    if case.bound is not None and all(case.bound in body for _, body in wrong):
        return bool(wrong)
    if case.once is None and wrong:
        raise RuntimeError(f"{case.name}: the load answered {[code for code, _ in wrong[:3]]}, not {wanted!r}: "
                           f"{wrong[0][1][:200]}")
    return False


def paired(servers: list[harness.Server], fresh: Callable[[], Case], connections: int, rounds: int, seconds: int,
           warmup: int, use_wrk: bool, start: list[int]) -> dict[str, Any]:
    """Rounds alternating the servers, each round on the case's tenant reset (``fresh``): a round
    measures the case's own answer, not what the rounds before it left (createChatroom at 4,000 a
    second reaches a world's 10,000 groups in three)."""
    runs: dict[str, list[dict[str, Any]]] = {server.name: [] for server in servers}
    case = fresh()
    for server in servers if warmup else ():
        harness.drive(case, server.port, connections, warmup, start[0], use_wrk)
        start[0] += 10**9
    for _ in range(rounds):
        case = fresh()
        for server in servers:
            runs[server.name].append(harness.measure(server, case, connections, seconds, start[0], use_wrk))
            start[0] += 10**9
    bare, sim = runs["bare"], runs["chatsim"]
    ratios = [s["rps"] / b["rps"] for b, s in zip(bare, sim, strict=True) if b["rps"]]
    return {"case": case.name, "c": connections, "ratio": statistics.median(ratios),
            "spread": (min(ratios), max(ratios)),
            **{f"{name}_{key}": statistics.median(run[key] for run in runs[name])
               for name in ("bare", "chatsim") for key in ("rps", "p99_ms", "cpu_us")},
            "errors": sum(run["errors"] for run in sim)}


def print_row(row: dict[str, Any], note: str = "") -> None:
    low, high = row["spread"]
    print(f"{row['case'][:58]:<58}{row['c']:>4}{row['chatsim_rps']:>9.0f}{row['bare_rps']:>9.0f}"
          f"{row['ratio']:>7.2f} ({low:.2f}-{high:.2f}){row['chatsim_p99_ms']:>8.2f}{row['bare_p99_ms']:>8.2f}"
          f"{row['chatsim_cpu_us']:>8.1f}{row['bare_cpu_us']:>8.1f}  {note}", flush=True)


HEADER = (f"{'case':<58}{'c':>4}{'sim/s':>9}{'bare/s':>9}{'ratio':>7} {'(range)':<11}{'p99 sim':>8}{'bare':>8}"
          f"{'CPUus':>8}{'bare':>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run: 1 round of 1 s, no warm-up, c=64 only")
    # wrk takes whole seconds
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=1)
    # No warm-up round by default: each case's first answer (captured for bare.py) has already run
    # its code once, and 87 cases at 2 s of warm-up each put the full run past 15 minutes.
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--connections", type=int, nargs="+", default=[64])
    parser.add_argument("--long-rounds", type=int, default=3)
    parser.add_argument("--long-seconds", type=int, default=2)
    parser.add_argument("--long-connections", type=int, nargs="+", default=[1, 64, 256])
    parser.add_argument("--only", nargs="*", default=None, help="case names (substrings) to run")
    parser.add_argument("--root", type=Path, default=harness.ROOT, help="the chatsim checkout to measure")
    parser.add_argument("--skip-extras", action="store_true")
    parser.add_argument("--python-load", action="store_true", help="the Python generator even where wrk is")
    parser.add_argument("--json", type=Path, help="also write every row here")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.seconds, args.warmup, args.long_rounds, args.long_seconds = 1, 1, 0, 1, 1
        args.long_connections = [64]
    use_wrk = harness.WRK is not None and not args.python_load
    cases = [case for case in CASES if args.only is None or any(part in case.name for part in args.only)]
    started = time.monotonic()
    sim_port, bare_port, recv_port = harness.free_port(), harness.free_port(), harness.free_port()
    receiver = harness.Server("receiver", [sys.executable, str(harness.ROOT / "bench" / "receiver.py"),
                                           "--port", str(recv_port)], recv_port)
    sim = harness.chatsim(sim_port, args.root)
    servers = [receiver, sim]
    rows: list[dict[str, Any]] = []
    try:
        harness.wait_for_port(recv_port)
        harness.wait_for_port(sim_port)
        receiver_url = f"http://127.0.0.1:{recv_port}/callback"
        print(f"[{time.monotonic() - started:.0f}s] preparing {len(cases)} cases and capturing chatsim's answers",
              flush=True)
        prepared = [prepare(case, sim_port, receiver=receiver_url) for case in cases]
        answers = [capture(case, sim_port) for case in prepared]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(answers, fh)
        bare = harness.Server("bare", harness.bare_cmd(bare_port, Path(fh.name)), bare_port)
        servers.append(bare)
        harness.wait_for_port(bare_port)
        print(f"load: {'wrk' if use_wrk else 'Python generator'}; {len(cases)} cases, {args.rounds} paired "
              f"rounds of {args.seconds}s at c={args.connections}; chatsim from {args.root}\n\n{HEADER}", flush=True)
        start = [10**6]
        for case in prepared:
            for connections in args.connections:
                fresh = functools.partial(prepare, case, sim_port, receiver=receiver_url)
                row = paired([bare, sim], fresh, connections, args.rounds, args.seconds, args.warmup, use_wrk,
                             start)
                full = verify_load(case, sim_port)
                row["once"], row["bound_reached"] = case.once, full
                rows.append(row)
                print_row(row, f"(repeats: {case.once})" if case.once else f"(reached: {case.bound})" if full else "")
        print(f"\n[{time.monotonic() - started:.0f}s] long rounds: {args.long_rounds} x {args.long_seconds}s, "
              f"after a warm-up\n{HEADER}", flush=True)
        for case in prepared if args.long_rounds else ():
            if case.name not in REPRESENTATIVE:
                continue
            for connections in args.long_connections:
                fresh = functools.partial(prepare, case, sim_port, receiver=receiver_url)
                row = paired([bare, sim], fresh, connections, args.long_rounds, args.long_seconds,
                             max(args.warmup, 1), use_wrk, start)
                row["long"] = True
                rows.append(row)
                print_row(row)
    finally:
        for server in servers:
            server.stop()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    print(f"\n[{time.monotonic() - started:.0f}s] table done", flush=True)
    if not args.skip_extras:
        extras.run_all(args.root, quick=args.quick)
    print(f"\n[{time.monotonic() - started:.0f}s] done", flush=True)


if __name__ == "__main__":
    main()
