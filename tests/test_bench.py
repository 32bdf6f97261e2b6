"""The benchmark must measure the happy path it names: wrk gets the body verbatim."""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import run  # noqa: E402


def test_wrk_script_carries_the_body_verbatim():
    script = run.wrk_script()
    body = re.search(r"wrk\.body = \[(=*)\[(.*)\]\1\]", script)
    assert body is not None, script
    assert body.group(2).encode() == run.BODY
    assert f'wrk.headers["X-GEWE-TOKEN"] = "{run.TOKEN}"' in script


def test_python_load_sends_the_same_request():
    request = run.raw_request(7001)
    head, body = request.split(b"\r\n\r\n", 1)
    assert body == run.BODY
    assert f"X-GEWE-TOKEN: {run.TOKEN}".encode() in head
