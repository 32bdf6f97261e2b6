"""``chatsim verify`` as the README runs it, twice in a row against one server: each run gets a
fresh tenant (the default), so flows that register users and use up tickets pass again."""

import subprocess

from chatsim.toolkit.http import request
from tests.repo import ROOT
from tests.served import chatsim_argv, clean_env, served

FLOWS = sorted(str(path) for path in (ROOT / "flows").glob("*.yaml"))


def verify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(chatsim_argv("verify", *args, *FLOWS), capture_output=True, text=True, timeout=300,
                          env=clean_env(), cwd=ROOT)


def test_verify_passes_twice_in_a_row_and_leaves_no_tenant_behind(tmp_path):
    with served(chatsim_argv("serve", "--port", "0", "--quiet"), tmp_path) as server:
        for base in (server.url + "/_t/verify", server.url, server.url + "/_t/verify"):
            run = verify("--base-url", base)
            assert run.returncode == 0, run.stdout + run.stderr
        tenants = request("GET", server.url + "/_chatsim/tenants").json()["tenants"]
        assert not [name for name in tenants if "verify" in name], tenants


def test_without_fresh_the_second_run_meets_the_first_runs_world(tmp_path):
    with served(chatsim_argv("serve", "--port", "0", "--quiet"), tmp_path) as server:
        first = verify("--no-fresh", "--base-url", server.url + "/_t/same")
        second = verify("--no-fresh", "--base-url", server.url + "/_t/same")
    assert first.returncode == 0, first.stdout
    assert second.returncode == 1  # why --fresh is the default
