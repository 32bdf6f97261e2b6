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


def test_a_case_whose_world_fills_up_is_judged_by_its_answer_past_the_bound():
    """createChatroom past a world's 10,000 groups answers 群聊数量已达上限: a fast machine gets there
    within a one-second round, and the load is still the case's own; any other failure is not."""
    import dataclasses
    import http.client
    import json

    import run

    case = dataclasses.replace(next(c for c in cases.CASES if c.name == "gewe group/createChatroom"),
                               tenant="full-world")
    rooms = "\n".join(f"    - {{chatroomId: '{10**10 + i}@chatroom', owner: {ME}}}" for i in range(10_000))
    scenario = (f"chatsim: 1\ngewe:\n  tokens:\n    - token: {cases.GEWE_TOKEN}\n      devices:\n"
                f"        - {{appId: {cases.APP}, wxid: {ME}, online: true}}\n  people:\n"
                f"    - {{wxid: {ME}, nickname: me, friends: [{cases.FRIEND}, {cases.LILEI}]}}\n"
                f"    - {{wxid: {cases.FRIEND}, nickname: a}}\n    - {{wxid: {cases.LILEI}, nickname: b}}\n"
                f"  chatrooms:\n{rooms}\n").encode()
    port = harness.free_port()
    server = harness.chatsim(port)
    try:
        harness.wait_for_port(port)

        def send(method: str, path: str, headers: dict[str, str], body: bytes) -> dict[str, object]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request(method, path, body=body, headers=headers)
                return json.loads(conn.getresponse().read())
            finally:
                conn.close()

        send("PUT", "/_chatsim/tenants/full-world/scenario", {"Content-Type": "application/yaml"}, scenario)
        method, path, headers, body = case.request(0)
        assert "群聊数量已达上限" in json.dumps(send(method, path, headers, body), ensure_ascii=False)
        assert run.verify_load(case, port) is True
        with pytest.raises(RuntimeError, match="the load answered"):
            run.verify_load(dataclasses.replace(case, bound=None), port)
        with pytest.raises(RuntimeError, match="the load answered"):  # a bound that is not what it answered
            run.verify_load(dataclasses.replace(case, bound="好友"), port)
    finally:
        server.stop()


ME = "wxid_0xsqb3o0tsvz22"
