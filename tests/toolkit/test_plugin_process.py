"""The plugin from the outside: pytest-xdist workers, an external server, failure reports."""

import textwrap
from pathlib import Path

import pytest

from chatsim.toolkit.http import ChatsimError, request
from chatsim.toolkit.server import wait_healthy
from tests.toolkit.conftest import run_pytest

ISOLATION_MODULE = '''
import os

import pytest

from chatsim.toolkit.http import request


@pytest.mark.parametrize("n", range(8))
def test_each_test_sees_only_its_own_world(chatsim, n):
    chatsim.load("chatsim: 1\\nclock: {start: 1000, frozen: true}\\n", merge=True)
    chatsim.clock.advance(n * 1000)
    for _ in range(n + 1):
        request("GET", chatsim.dingtalk.base_url + "/gettoken", params={"appkey": "dingdemoappkey", "appsecret": "x"})
    assert chatsim.clock.now() == 1000 + n * 1000
    chatsim.assert_called("gettoken", times=n + 1)
    with open(os.environ["TENANTS_FILE"], "a") as fh:
        fh.write(chatsim.tenant + "\\n")
'''

FAILING_MODULE = '''
import threading

from chatsim.toolkit.http import request


def test_nothing_starts_for_tests_that_do_not_ask():
    assert not any(thread.name == "chatsim" for thread in threading.enumerate())


def test_wrong_secret(chatsim):
    request("GET", chatsim.dingtalk.base_url + "/gettoken", params={"appkey": "dingdemoappkey", "appsecret": "wrong"})
    chatsim.assert_called("dingtalk.gettoken", where={"appsecret": "right"})
'''


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def workers(tmp_path: Path) -> set[str]:
    names = (tmp_path / "tenants.txt").read_text().split()
    assert len(names) == len(set(names)) == 8
    return {name.split("-", 1)[0] for name in names}


def test_parallel_workers_in_process_servers(tmp_path):
    write(tmp_path, "test_isolation.py", ISOLATION_MODULE)
    result = run_pytest(tmp_path, "-p", "xdist", "-n", "2", env={"TENANTS_FILE": str(tmp_path / "tenants.txt")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 passed" in result.stdout
    assert workers(tmp_path) == {"gw0", "gw1"}


def test_parallel_workers_share_an_external_server_without_seeing_each_other(tmp_path, external_chatsim):
    write(tmp_path, "test_isolation.py", ISOLATION_MODULE)
    result = run_pytest(tmp_path, "-p", "xdist", "-n", "2", f"--chatsim-url={external_chatsim}",
                        env={"TENANTS_FILE": str(tmp_path / "tenants.txt")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert workers(tmp_path) == {"gw0", "gw1"}
    # every tenant was dropped after its test: nothing leaks into the next test or run
    assert request("GET", external_chatsim + "/_chatsim/tenants").json()["tenants"] == ["default"]
    assert request("GET", external_chatsim + "/_chatsim/journal/count").json()["count"] == 0


def test_chatsim_url_from_the_environment(tmp_path, external_chatsim):
    write(tmp_path, "test_env.py", f"def test_url(chatsim):\n    assert chatsim.root_url == {external_chatsim!r}\n")
    result = run_pytest(tmp_path, env={"CHATSIM_URL": external_chatsim})
    assert result.returncode == 0, result.stdout + result.stderr


def test_failure_report_shows_the_difference_and_the_journal(tmp_path):
    write(tmp_path, "test_failing.py", FAILING_MODULE)
    result = run_pytest(tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert "1 failed, 1 passed" in out
    assert "expected dingtalk.gettoken to be called at least once where {'appsecret': 'right'}" in out
    assert "appsecret: expected 'right', got 'wrong'" in out
    assert "chatsim journal" in out
    assert "dingtalk gettoken: GET /gettoken?appkey=dingdemoappkey&appsecret=wrong -> 200 code=" in out
    assert "chatsim/toolkit" not in out  # the plugin's own frames are hidden from the traceback


def test_unreachable_external_server_is_a_clear_error():
    with pytest.raises(ChatsimError, match=r"no chatsim at http://127.0.0.1:9 .*start one with `chatsim serve`"):
        wait_healthy("http://127.0.0.1:9", timeout=0.2)


ASYNC_MODULE = '''
import asyncio

import pytest

from chatsim.toolkit.http import request


@pytest.fixture
def bot(chatsim):
    return chatsim.gewe


async def test_async_with_chatsim(chatsim):
    chatsim.gewe.send_friend_request("wx_wR_U4zPj2M_OTS3BCyoE4", "wxid_hanmeimei", content="hi")
    event = await chatsim.callbacks.wait_async("AddMsg", match={"Data.MsgType": 37})
    assert "wxid_hanmeimei" in event.payload["Data"]["Content"]["string"]
    await asyncio.sleep(0)


async def test_async_through_a_fixture_of_its_own(bot):
    assert bot.base_url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("n", range(4))
async def test_async_tests_stay_isolated(chatsim, n):
    chatsim.clock.advance(n * 100)
    request("GET", chatsim.dingtalk.base_url + "/gettoken", params={"appkey": "dingdemoappkey", "appsecret": "x"})
    chatsim.assert_called("gettoken", times=1)


async def test_async_without_chatsim_is_left_to_the_project():
    pass
'''


def test_async_tests_using_chatsim_run_without_configuring_asyncio(tmp_path):
    write(tmp_path, "test_async.py", ASYNC_MODULE)
    for extra in ((), ("-n", "2")):
        run = run_pytest(tmp_path, "-rA", *extra)
        assert "1 failed, 6 passed" in run.stdout, run.stdout + run.stderr
        assert "FAILED test_async.py::test_async_without_chatsim_is_left_to_the_project" in run.stdout
        assert "async def functions are not natively supported" in run.stdout  # the project's mode is untouched
        assert "Deprecation" not in run.stdout + run.stderr


def test_a_missing_scenario_says_where_it_looked(tmp_path):
    write(tmp_path, "test_missing.py", '''
        import pytest


        @pytest.mark.chatsim(scenario="nowhere.yaml")
        def test_it(chatsim):
            pass
    ''')
    run = run_pytest(tmp_path)
    assert run.returncode == 1
    assert (f"ChatsimError: no scenario 'nowhere.yaml': looked for {tmp_path / 'nowhere.yaml'}, "
            f"{tmp_path / 'nowhere.yaml'}, ") in run.stdout, run.stdout
    assert "data/scenarios/nowhere.yaml" in run.stdout
