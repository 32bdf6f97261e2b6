"""The admin API trusts no browser page of another origin and, with an admin token, no caller
without it; binding beyond loopback needs the token and says so."""

import os
import subprocess
import sys

from chatsim.toolkit.http import request
from chatsim.toolkit.server import wait_healthy
from tests.served import free_port


async def tenants(sim) -> list[str]:
    return (await (await sim.get("/_chatsim/tenants")).json())["tenants"]


async def test_cross_origin_browser_requests_are_refused_whatever_the_content_type(sim):
    await sim.get("/_t/keep/gewe/v2/api/tools/getTokenId")
    assert "keep" in await tenants(sim)
    for headers in ({"Origin": "http://evil.example", "Content-Type": "text/plain"},
                    {"Origin": "http://evil.example", "Content-Type": "application/x-www-form-urlencoded"},
                    {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}):
        resp = await sim.post("/_chatsim/reset", data=b"x", headers=headers)
        assert resp.status == 403, headers
        assert "cross-origin" in (await resp.json())["error"]
    assert "keep" in await tenants(sim), "nothing was reset"


async def test_same_origin_pages_and_non_browser_clients_keep_working(sim):
    own = f"http://127.0.0.1:{sim.server.port}"
    assert (await sim.post("/_chatsim/reset", headers={"Origin": own, "Sec-Fetch-Site": "same-origin"})).status == 200
    assert (await sim.post("/_chatsim/reset")).status == 200  # bodiless, like curl -X POST
    loaded = await sim.put("/_chatsim/tenants/t/scenario", data=b"chatsim: 1\n",
                           headers={"Content-Type": "application/yaml"})
    assert loaded.status == 200
    vendor = await sim.post("/gewe/v2/api/tools/getTokenId", headers={"Origin": "http://evil.example"})
    assert (await vendor.json())["ret"] == 200, "vendor routes are not the admin API"


async def test_with_an_admin_token_every_admin_call_but_health_needs_it(sim_factory):
    sim = await sim_factory(admin_token="s3cret")
    assert (await sim.get("/_chatsim/health")).status == 200
    denied = await sim.post("/_chatsim/reset")
    assert denied.status == 401 and "admin token" in (await denied.json())["error"]
    assert (await sim.get("/_chatsim/tenants", headers={"X-Chatsim-Admin-Token": "wrong"})).status == 401
    assert (await sim.get("/_chatsim/tenants", headers={"X-Chatsim-Admin-Token": "s3cret"})).status == 200
    assert (await sim.get("/_chatsim/tenants", headers={"Authorization": "Bearer s3cret"})).status == 200
    assert (await sim.post("/gewe/v2/api/tools/getTokenId")).status == 200


def serve(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "chatsim", "serve", "--quiet", *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})


def test_binding_beyond_loopback_without_a_token_refuses_to_start():
    env = {key: value for key, value in os.environ.items() if key != "CHATSIM_ADMIN_TOKEN"}
    proc = subprocess.run([sys.executable, "-m", "chatsim", "serve", "--host", "0.0.0.0", "--port",
                           str(free_port())], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "chatsim: binding 0.0.0.0 (beyond loopback) needs an admin token: --admin-token or CHATSIM_ADMIN_TOKEN"]
    assert "listening" not in proc.stdout


def test_binding_beyond_loopback_warns_and_guards_the_admin_api():
    port = free_port()
    proc = serve("--host", "0.0.0.0", "--port", str(port), env={"CHATSIM_ADMIN_TOKEN": "tok"})
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, timeout=30)
        assert request("POST", url + "/_chatsim/reset", timeout=5).status == 401
        with_token = request("POST", url + "/_chatsim/reset", timeout=5, headers={"X-Chatsim-Admin-Token": "tok"})
        assert with_token.status == 200
        assert request("POST", url + "/gewe/v2/api/tools/getTokenId", timeout=5).json()["ret"] == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    assert "WARNING: listening on 0.0.0.0, beyond loopback" in err
