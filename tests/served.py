"""A chatsim command run as its own process, the way a user or a container runs it.

It listens on port 0 and the banner says which port it got, so tests never race for a free port;
output goes to files (a pipe nobody reads would fill and stall the server), and the process is
always stopped on the way out.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BANNER = re.compile(r"listening on http://(?P<host>[^:/\s]+):(?P<port>\d+)")


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    url: str
    stdout: Path
    stderr: Path

    def output(self) -> str:
        return self.stdout.read_text(encoding="utf-8") + self.stderr.read_text(encoding="utf-8")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any CHATSIM_* setting of the caller's, plus ``extra``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CHATSIM_")}
    return {**env, **extra}


@contextmanager
def served(argv: Sequence[str], tmp: Path, env: dict[str, str] | None = None, cwd: Path | None = None,
           timeout: float = 30.0) -> Iterator[Served]:
    """Start ``argv`` (``chatsim serve ...``), wait for its banner, yield the URL to reach it by
    (127.0.0.1 when it binds every address), stop it afterwards."""
    tmp.mkdir(parents=True, exist_ok=True)
    out, err = tmp / "stdout.txt", tmp / "stderr.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(list(argv), stdout=stdout, stderr=stderr, env=env if env is not None else clean_env(),
                                cwd=cwd or tmp, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while (found := BANNER.search(out.read_text(encoding="utf-8"))) is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"no banner from {argv} (exit {proc.poll()}):\n"
                                     + out.read_text(encoding="utf-8") + err.read_text(encoding="utf-8"))
            time.sleep(0.05)
        host = "127.0.0.1" if found["host"] in ("0.0.0.0", "localhost") else found["host"]
        yield Served(proc, f"http://{host}:{found['port']}", out, err)
    finally:  # the whole process group: ``make run`` does not pass a signal on to its server
        _signal(proc, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            _signal(proc, signal.SIGKILL)
            proc.wait(10)


def _signal(proc: subprocess.Popen[bytes], number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, number)


def chatsim_argv(*args: str) -> list[str]:
    """``python -m chatsim ARGS`` with the suite's own interpreter."""
    return [sys.executable, "-m", "chatsim", *args]


def free_port() -> int:
    """A loopback port nothing listens on (bound, then closed): for a receiver that is not there
    yet, or a server whose port a test must choose itself."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(tmp: Path, *flags: str, cwd: Path | None = None) -> "contextlib.AbstractContextManager[Served]":
    """``chatsim serve --quiet`` with these flags on any free port, run as ``served`` runs it."""
    return served(chatsim_argv("serve", "--quiet", "--port", "0", *flags), tmp, cwd=cwd)
