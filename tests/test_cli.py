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
    out = chatsim("serve", "--port", "1", "--scenario", str(bad))
    assert out.returncode == 2
    assert out.stderr.strip() == f"chatsim: {bad}: chatsim: 1 was expected"
