"""The Dockerfile's command, environment and health check, run as the container would run them
(every address bound, reached over 127.0.0.1), since no container engine is at hand to build it."""

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from chatsim.toolkit.http import request
from tests.repo import ROOT
from tests.served import clean_env, served

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
TOKEN = "ci-admin-secret"


def instruction(name: str) -> str:
    found = re.findall(rf"^{name}\s+(.+)$", DOCKERFILE, re.M)
    assert len(found) == 1, f"one {name} in the Dockerfile"
    return str(found[0])


def exec_form(text: str) -> list[str]:
    """A JSON-array instruction, its programs found beside this interpreter (the image's PATH)."""
    argv = json.loads(text)
    assert isinstance(argv, list), "exec form, so signals reach chatsim"
    return [str(Path(sys.executable).parent / argv[0]), *argv[1:]] if argv[0] == "chatsim" else argv


def image_env(**extra: str) -> dict[str, str]:
    pairs = dict(pair.split("=", 1) for pair in shlex.split(instruction("ENV")))
    return clean_env(**{**pairs, **extra})


def test_the_dockerfile_is_small_slim_and_unprivileged():
    assert re.search(r"^FROM python:3\.\d+-slim$", DOCKERFILE, re.M)
    assert instruction("USER") not in ("root", "0")
    env = image_env()
    assert env["CHATSIM_HOST"] == "0.0.0.0" and instruction("EXPOSE") == env["CHATSIM_PORT"]
    assert "--" not in instruction("HEALTHCHECK").split("CMD")[1]  # the check's own options are before CMD


def test_the_container_serves_on_every_address_with_the_token_from_the_environment(tmp_path):
    command = exec_form(instruction("ENTRYPOINT")) + json.loads(instruction("CMD"))
    env = image_env(CHATSIM_PORT="0", CHATSIM_ADMIN_TOKEN=TOKEN, CHATSIM_ALLOW_CALLBACK_HOSTS="ci-runner,10.1.0.0/16")
    with served(command, tmp_path, env=env) as server:
        assert "listening on http://0.0.0.0:" in server.stdout.read_text(encoding="utf-8")
        assert "WARNING: listening on 0.0.0.0, beyond loopback" in server.stderr.read_text(encoding="utf-8")
        port = server.url.rsplit(":", 1)[1]
        check = exec_form(instruction("HEALTHCHECK").split("CMD", 1)[1].strip())
        healthy = subprocess.run(check, env=image_env(CHATSIM_PORT=port), capture_output=True, text=True,
                                 timeout=30)
        assert healthy.returncode == 0, healthy.stderr
        assert request("GET", server.url + "/_chatsim/tenants").status == 401
        tenants = request("GET", server.url + "/_chatsim/tenants", headers={"X-Chatsim-Admin-Token": TOKEN})
        assert tenants.status == 200
        gewe = request("POST", server.url + "/gewe/v2/api/contacts/search",
                       headers={"X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"},
                       json_body={"appId": "wx_wR_U4zPj2M_OTS3BCyoE4", "contactsInfo": "lilei_1990"}).json()
        assert gewe["ret"] == 200 and gewe["data"]["v3"].startswith("v3_")
    unhealthy = subprocess.run(check, env=image_env(CHATSIM_PORT=port), capture_output=True, text=True, timeout=30)
    assert unhealthy.returncode == 1


def test_the_container_without_a_token_stops_with_one_clear_line():
    command = exec_form(instruction("ENTRYPOINT")) + json.loads(instruction("CMD"))
    out = subprocess.run(command, env=image_env(CHATSIM_PORT="0"), capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == ("chatsim: binding 0.0.0.0 (beyond loopback) needs an admin token: --admin-token or "
                          "CHATSIM_ADMIN_TOKEN\n")
