"""The README's tour, pasted as a reader would: every ``sh`` block of it run in POSIX sh (dash) and
in bash against a fresh chatsim, each line's command succeeding, with what the comments promise."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.repo import ROOT
from tests.served import chatsim_argv, clean_env, served

README = (ROOT / "README.md").read_text(encoding="utf-8")
TOUR = README[README.index("## A 5-minute tour"):README.index("## Tenants")]
BLOCKS = re.findall(r"```sh\n(.*?)```", TOUR, re.S)


def test_the_tour_has_no_bash_only_syntax_and_no_placeholder_tickets():
    assert len(BLOCKS) == 4
    for block in BLOCKS:
        assert not re.search(r"\w=\(|\$\{\w+\[", block), "a bash array in an sh block"
        assert "<v3>" not in block and "<v4>" not in block, "a literal ticket: take it from the answer before"


@pytest.mark.parametrize("shell", ["sh", "bash"])
def test_the_tour_runs_as_written(tmp_path, shell):
    if shutil.which(shell) is None:
        pytest.skip(f"no {shell} on this machine")
    with served(chatsim_argv("serve", "--port", "0", "--quiet"), tmp_path) as server:
        script = "set -e\n" + "\n".join(BLOCKS).replace("http://127.0.0.1:7001", server.url).replace(
            ".venv/bin/chatsim", f"{Path(sys.executable).parent / 'chatsim'}")
        port = server.url.rsplit(":", 1)[1]
        run = subprocess.run([shell, "-c", script], capture_output=True, text=True, timeout=120,
                             env=clean_env(CHATSIM_PORT=port), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert '{"ret":200,"msg":"设置好友权限成功"}' in out
    assert '"msg":"user ticket invalid"' in out  # the same v4 twice
    assert "'wxid_hanmeimei'" in out  # among the contacts after accepting her request
    assert '"errcode":0,"errmsg":"ok"' in out
    assert "好友不存在或者被拉黑，无法操作" in out
    assert "setFriendPermissions  200  code=500" in out  # chatsim journal's line for the bad call
