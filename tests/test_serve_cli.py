"""``chatsim serve`` and ``listen`` as a user starts them: configured from the environment, a busy
port refused in one line, ``--version``, help that shows every default, and ``chatsim health``."""

import shutil
import socket
import subprocess

import pytest

from chatsim import __version__
from chatsim.cli import parser
from chatsim.toolkit.http import request
from tests.repo import ROOT
from tests.served import chatsim_argv, clean_env, served


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(chatsim_argv(*args), capture_output=True, text=True, timeout=60, env=clean_env(**env))


@pytest.fixture
def busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize("command", ["serve", "listen"])
def test_a_busy_port_is_one_line_and_a_nonzero_exit(busy_port, command):
    out = run(command, "--port", str(busy_port))
    assert out.returncode == 2
    assert out.stdout == ""  # no banner, no credentials
    prefix = "chatsim" if command == "serve" else "chatsim listen"
    assert out.stderr == f"{prefix}: cannot listen on 127.0.0.1:{busy_port}: the port is already in use\n"


def test_a_busy_port_from_the_environment_is_refused_alike(busy_port):
    out = run("serve", CHATSIM_PORT=str(busy_port))
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr.strip() == f"chatsim: cannot listen on 127.0.0.1:{busy_port}: the port is already in use"


def test_serve_takes_its_options_from_the_environment(tmp_path):
    world = tmp_path / "worlds"
    world.mkdir()
    (world / "tiny.yaml").write_text("chatsim: 1\nname: tiny\neggjs_im:\n  users:\n"
                                     "    - {username: envuser, password: '654321'}\n", encoding="utf-8")
    env = clean_env(CHATSIM_HOST="127.0.0.1", CHATSIM_PORT="0", CHATSIM_SCENARIOS_DIR=str(world),
                    CHATSIM_SCENARIO="tiny.yaml", CHATSIM_QUIET="1", CHATSIM_JOURNAL_SIZE="2")
    with served(chatsim_argv("serve"), tmp_path, env=env) as server:
        login = request("POST", server.url + "/api/loginChat", form={"username": "envuser", "password": "654321"})
        assert login.json()["msg"] == "ok"
        for _ in range(3):
            request("POST", server.url + "/api/loginChat", form={"username": "nobody", "password": "654321"})
        assert len(request("GET", server.url + "/_chatsim/journal").json()["records"]) == 2
    assert " default 200 " not in server.stderr.read_text(encoding="utf-8")  # quiet: no request log lines


def test_a_bad_environment_value_is_named():
    out = run("serve", CHATSIM_PORT="seven")
    assert out.returncode == 2
    assert "argument --port: invalid int value: 'seven'" in out.stderr


def test_a_scenario_name_that_is_nowhere_says_where_it_looked(tmp_path):
    out = run("serve", "--port", "0", "--scenarios-dir", str(tmp_path), "--scenario", "nope.yaml")
    assert out.returncode == 2
    assert out.stderr.startswith("chatsim: nope.yaml: (top level): no such file, nor a scenario of that name in "
                                 f"{tmp_path}, ")
    assert "data/scenarios" in out.stderr


def test_version():
    out = run("--version")
    assert (out.returncode, out.stdout) == (0, f"chatsim {__version__}\n")


def test_every_option_of_every_command_shows_its_default():
    commands = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, command in commands.items():
        for action in command._actions:
            if action.option_strings and action.dest != "help":
                assert action.help and "default: " in action.help, f"chatsim {name} {action.option_strings[0]}"
        assert "%(" not in command.format_help(), name  # every default rendered


def test_health_answers_for_a_running_server_and_fails_for_none(tmp_path):
    with served(chatsim_argv("serve", "--port", "0", "--quiet"), tmp_path) as server:
        port = server.url.rsplit(":", 1)[1]
        up = run("health", CHATSIM_PORT=port)
        assert up.returncode == 0 and up.stdout.startswith(f"ok: chatsim {__version__} at http://127.0.0.1:{port}")
    down = run("health", "--url", server.url, "--timeout", "1")
    assert down.returncode == 1 and down.stderr.startswith("chatsim health: GET ")


MAKE_READY = shutil.which("make") is not None and (ROOT / ".venv" / ".installed-run").exists()


@pytest.mark.skipif(not MAKE_READY, reason="needs make and the .venv that make run or make test sets up")
def test_make_run_takes_the_port_from_its_command_line_and_never_an_inherited_one(tmp_path):
    argv = ["make", "-s", "-C", str(ROOT), "run", "PORT=0", "ARGS=--quiet"]
    with served(argv, tmp_path / "a", env=clean_env(), cwd=ROOT) as server:
        assert request("GET", server.url + "/_chatsim/health").json()["status"] == "ok"
    inherited = clean_env(PORT="1", HOST="192.0.2.1", CHATSIM_PORT="0")  # a shell's $PORT and $HOST are not make's
    with served(["make", "-s", "-C", str(ROOT), "run"], tmp_path / "b", env=inherited, cwd=ROOT) as server:
        assert server.url.startswith("http://127.0.0.1:") and not server.url.endswith(":1")
