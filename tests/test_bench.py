"""The benchmark machinery runs and measures what it names (tiny counts; nothing is timed)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import cases  # noqa: E402
import extras  # noqa: E402
import harness  # noqa: E402


def test_wrk_scripts_carry_each_request_verbatim():
    for case in cases.CASES:
        method, path, headers, body = case.request(0)
        script = harness.wrk_script(case, 0)
        assert f"wrk.method = [==[{method}]==]" in script
        for key, value in headers.items():
            assert f"wrk.headers[ [==[{key}]==] ] = [==[{value}]==]" in script
        if "{n}" in case.body:
            assert "function request()" in script
        else:
            assert re.search(r"wrk\.body = \[==\[(.*)\]==\]", script).group(1).encode() == body  # type: ignore[union-attr]


def test_the_python_generator_sends_the_same_request():
    case = next(c for c in cases.CASES if c.name == "eggjs_im regChat")
    head, body = harness.raw_request(case, 7001, 123456).split(b"\r\n\r\n", 1)
    assert body == b"username=b123456&password=123456"
    assert b"Content-Length: 32" in head


def test_every_implemented_operation_has_a_happy_case():
    from chatsim.spec.load import extract_operations
    from chatsim.vendors.registry import discover

    happy = {(case.method, case.request(0)[1].split("?")[0]) for case in cases.CASES if case.expect == "success"}
    for name, vendor in discover(()).items():
        for op in (op for spec in vendor.specs for op in extract_operations(name, spec)):
            if op.operation_id in vendor.handlers:
                assert any(method == op.method and (path == op.path or op.pattern and op.pattern.match(path))
                           for method, path in happy), (name, op.operation_id)


@pytest.mark.parametrize("load", ["--python-load", "--wrk"])
def test_cases_end_to_end(load: str):
    """run.py reads chatsim's journal after each case and fails unless the load was the case's own
    requests, answered as the case names: with wrk, that proves the Lua script was taken whole."""
    if load == "--wrk" and harness.WRK is None:
        pytest.skip("wrk is not installed")
    out = subprocess.run([sys.executable, str(BENCH / "run.py"), *([load] if load == "--python-load" else []),
                          "--skip-extras", "--rounds", "1", "--seconds", "1", "--warmup", "0", "--long-rounds", "0",
                          "--only", "gewe contacts/setFriendPermissions", "eggjs_im searchUser", "eggjs_im regChat"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert re.search(r"^gewe contacts/setFriendPermissions\s+64\s+\d+", out.stdout, re.M), out.stdout
    assert re.search(r"^eggjs_im searchUser: no token\s+64\s+\d+", out.stdout, re.M), out.stdout
    assert re.search(r"^eggjs_im regChat\s+64\s+\d+", out.stdout, re.M), out.stdout


def test_the_extras_run_on_tiny_worlds(capsys):
    extras.worlds(harness.ROOT, (20,))
    extras.memory(harness.ROOT, 3)
    printed = capsys.readouterr().out
    assert "world egg.js users + friendships 20: load" in printed
    assert "goodfriendlist of 19 friends" in printed
    assert "KiB per tenant" in printed


def test_the_callback_figures_check_what_they_deliver(capsys):
    extras.callbacks(harness.ROOT, 3, 4)
    extras.post_text(harness.ROOT, 1)
    printed = capsys.readouterr().out
    assert "12 across 3 keys" in printed and "each once, in order per key, one attempt each" in printed, printed
    assert re.search(r"postText, one callback each: \d+ req/s .* 0 errors\), callbacks \d+/s", printed), printed
