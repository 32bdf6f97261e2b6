#!/usr/bin/env python3
"""Cold start counted in instructions: callgrind over the whole process, from spawn to the first
successful GeWe answer (the demo scenario, every spec), chatsim beside bare aiohttp.

The wall-clock cold start (``bench/extras.py``) moves by a quarter with this VM's neighbours; the
count does not, so it gives the verdict on the ≤ 1.3x target. The process is dumped when the first
answer is in, so what it does after (waiting, shutting down) is not counted. Both start from
bytecode, as an installed wheel does.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import harness  # noqa: E402
import instructions as cg  # noqa: E402
from extras import _first_success  # noqa: E402


def count(cmd: list[str], cwd: Path, env: dict[str, str], port: int) -> int:
    outdir = Path(tempfile.mkdtemp(prefix="start-instructions-"))
    server = harness.Server("under callgrind",
                            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={outdir}/cg.out.%p", *cmd],
                            port, cwd, {"PYTHONHASHSEED": "0", **env})
    try:
        _first_success(port, server, timeout=cg.STARTUP_TIMEOUT)
        before = set(outdir.glob("cg.out.*"))
        cg.callgrind_control("-d", str(server.pid))
        return cg.wait_dump(outdir, before, cg.CONTROL_TIMEOUT)[1]
    finally:
        cg.stop(server.proc)
        shutil.rmtree(outdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=harness.ROOT, help="the chatsim checkout to measure")
    args = parser.parse_args()
    compileall.compile_dir(args.root / "chatsim", quiet=1)
    port = harness.free_port()
    bare = count(harness.bare_cmd(port), harness.ROOT, {}, port)
    port = harness.free_port()
    sim = count(harness.chatsim_cmd(port), args.root, {"PYTHONPATH": str(args.root)}, port)
    print(f"cold start in instructions (spawn -> first GeWe success): chatsim {sim:,}, bare aiohttp {bare:,}, "
          f"ratio {sim / bare:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    cg.run(main)
