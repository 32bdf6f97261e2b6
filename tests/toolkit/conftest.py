"""Helpers for running pytest (with the plugin) in a subprocess, and chatsim as a server process."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from chatsim.toolkit.server import wait_healthy
from tests.served import free_port

ROOT = Path(__file__).resolve().parents[2]


def run_pytest(directory: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """pytest in a fresh process, as a project using the plugin would run it."""
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
                          cwd=directory, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


@pytest.fixture(scope="module")
def external_chatsim() -> Iterator[str]:
    """``chatsim serve`` as a separate process on a free loopback port, stopped afterwards."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "chatsim", "serve", "--port", str(port), "--quiet",
                             "--check-responses"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, timeout=30)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
