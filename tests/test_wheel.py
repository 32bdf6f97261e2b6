"""The wheel as a user installs it: built from this checkout by ``make wheel-venv`` into a venv
outside it, ``chatsim serve`` run from there answers every vendor, and the README's plugin examples
pass against it. Nothing from the checkout is on that venv's path."""

import os
import subprocess
from pathlib import Path

import pytest

from chatsim.toolkit.http import request
from tests.repo import ROOT, readme_plugin_examples
from tests.served import clean_env, served

VENV = os.environ.get("CHATSIM_WHEEL_VENV")
pytestmark = pytest.mark.skipif(not VENV, reason="needs the wheel venv that `make test` builds first "
                                                 "(make wheel-venv; CHATSIM_WHEEL_VENV names it)")
TOKEN, APP_ID = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69", "wx_wR_U4zPj2M_OTS3BCyoE4"


def venv_bin(name: str) -> str:
    path = Path(VENV or "") / "bin" / name
    assert path.exists(), f"{path} is missing: run make wheel-venv"
    return str(path)


def test_the_installed_package_is_the_wheel_not_the_checkout(tmp_path):
    where = subprocess.run([venv_bin("python"), "-c", "import chatsim.paths as p; print(p.SPECS_DIR)"],
                           cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=60)
    assert where.returncode == 0, where.stderr
    specs = Path(where.stdout.strip())
    assert specs.is_relative_to(Path(VENV or "")) and not specs.is_relative_to(ROOT)
    assert {"gewe.yaml", "dingtalk.yaml", "eggjs_im.yaml", "admin.yaml"} <= {p.name for p in specs.iterdir()}


def test_serve_from_the_wheel_answers_every_vendor_and_the_readme_examples_pass(tmp_path):
    with served([venv_bin("chatsim"), "serve", "--port", "0"], tmp_path) as server:
        health = request("GET", server.url + "/_chatsim/health").json()
        assert health["status"] == "ok" and set(health["vendors"]) == {"gewe", "dingtalk", "eggjs_im"}
        gewe = request("POST", server.url + "/gewe/v2/api/contacts/setFriendPermissions",
                       headers={"X-GEWE-TOKEN": TOKEN},
                       json_body={"appId": APP_ID, "wxid": "wxid_phyyedw9xap22", "onlyChat": True}).json()
        assert gewe == {"ret": 200, "msg": "设置好友权限成功"}
        ding = request("GET", server.url + "/gettoken",
                       params={"appkey": "dingdemoappkey", "appsecret": "dingdemoappsecret"}).json()
        assert ding["errcode"] == 0 and len(ding["access_token"]) == 32
        egg = request("POST", server.url + "/api/loginChat", form={"username": "my01", "password": "123456"}).json()
        assert egg["msg"] == "ok" and egg["data"]["token"]

        project = tmp_path / "project"
        project.mkdir()
        for number, block in enumerate(readme_plugin_examples()):
            (project / f"test_readme_{number}.py").write_text(block, encoding="utf-8")
        for how in ({}, {"CHATSIM_URL": server.url}):  # in-process server, then the served one
            run = subprocess.run([venv_bin("python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project,
                                 env=clean_env(**how), capture_output=True, text=True, timeout=180)
            assert run.returncode == 0, run.stdout + run.stderr
            shown = run.stdout + run.stderr
            assert "6 passed" in run.stdout and "warning" not in shown.lower(), shown
