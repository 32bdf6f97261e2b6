"""The chatsim command: coverage and check-scenario."""

import subprocess
import sys

from chatsim.paths import DEMO_SCENARIO


def chatsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chatsim", *args], capture_output=True, text=True, timeout=60)


def test_coverage_prints_one_row_per_vendor_operation():
    out = chatsim("coverage")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["vendor", "method", "path", "implemented"]
    assert any(line.split()[:3] == ["gewe", "POST", "/gewe/v2/api/contacts/setFriendPermissions"] for line in lines)
    assert any(line.split()[:3] == ["dingtalk", "POST", "/topapi/chat/member/friendswitch/update"] for line in lines)
    assert any(line.split()[:3] == ["eggjs_im", "POST", "/api/regChat"] for line in lines)
    assert lines[-1].endswith("operations implemented")


def test_check_scenario_accepts_the_demo():
    out = chatsim("check-scenario", str(DEMO_SCENARIO))
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == f"ok: {DEMO_SCENARIO}"


def test_check_scenario_rejects_with_file_and_path(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("chatsim: 1\ncallbacks: {retry_schedule: [5, -1]}\n", encoding="utf-8")
    out = chatsim("check-scenario", str(bad))
    assert out.returncode == 1
    assert out.stdout.strip() == f"invalid: {bad}: callbacks.retry_schedule[1]: -1 is less than the minimum of 0"


def test_serve_refuses_a_bad_scenario(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("chatsim: 2\n", encoding="utf-8")
    out = chatsim("serve", "--port", "0", "--scenario", str(bad))
    assert out.returncode == 2
    assert out.stderr.strip() == f"chatsim: {bad}: chatsim: 1 was expected"


def test_check_scenario_lists_every_problem_of_a_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("chatsim: 1\ncallbacks: {retry_schedule: [5, -1], timeout_seconds: -3}\nclock: {frozen: maybe}\n",
                   encoding="utf-8")
    out = chatsim("check-scenario", str(bad))
    assert out.returncode == 1
    assert sorted(out.stdout.removeprefix("invalid: ").splitlines()) == [
        f"{bad}: callbacks.retry_schedule[1]: -1 is less than the minimum of 0",
        f"{bad}: callbacks.timeout_seconds: -3 is less than or equal to the minimum of 0",
        f"{bad}: clock.frozen: 'maybe' is not of type 'boolean'"]


def test_an_empty_scenario_is_an_error(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    out = chatsim("check-scenario", str(empty))
    assert out.returncode == 1
    assert out.stdout.strip() == f"invalid: {empty}: (top level): the scenario is empty (a scenario starts with " \
                                 "`chatsim: 1`)"


def test_a_cross_reference_error_names_the_file_that_brings_it_in(tmp_path):
    base, extra = tmp_path / "base.yaml", tmp_path / "extra.yaml"
    base.write_text("chatsim: 1\neggjs_im:\n  users: [{username: u1, password: '123456'}]\n", encoding="utf-8")
    extra.write_text("chatsim: 1\neggjs_im:\n  goodfriend: [{user: u1, friend: ghost}]\n", encoding="utf-8")
    out = chatsim("serve", "--port", "0", "--scenario", str(base), "--scenario", str(extra))
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr.strip() == f"chatsim: {extra}: eggjs_im.goodfriend[0].friend: no user 'ghost' in the scenario"
    checked = chatsim("check-scenario", str(extra))
    assert checked.stdout.strip() == f"invalid: {extra}: eggjs_im.goodfriend[0].user: no user 'u1' in the scenario"


def test_verify_takes_only_a_vendor_chatsim_has():
    from chatsim.cli import parser

    args = parser().parse_args(["verify", "--base-url", "http://127.0.0.1:1", "--vendor", "dingtalk", "f.yaml"])
    assert args.vendor == "dingtalk"
    out = chatsim("verify", "--base-url", "http://127.0.0.1:1", "--vendor", "nope", "f.yaml")
    assert out.returncode == 2
    assert "invalid choice: 'nope' (choose from 'gewe', 'dingtalk', 'eggjs_im')" in out.stderr


def test_building_the_parser_does_not_look_for_the_vendors():
    script = ("import sys; from chatsim.cli import parser; parser(); "
              "print('chatsim.vendors.registry' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_a_start_imports_only_what_serving_needs():
    """What only some requests or some installations need is imported when they come: the
    suggestions for an unknown path, XML escaping, reading every distribution's metadata."""
    script = ("import sys; from chatsim.app import Settings, build_app; build_app(Settings(quiet=True)); "
              "print(sorted(m for m in ('difflib', 'xml.sax.saxutils', 'importlib.metadata', 'importlib.resources')"
              " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr
