"""A fourth vendor is one folder plus one registry entry: the throwaway vendor in
tests/fixtures/echo_vendor is served through the whole chain without touching anything else."""

from pathlib import Path

import pytest

from chatsim.app import HOST, build_app
from chatsim.vendors.registry import ENTRY_POINT_GROUP, VendorError, discover
from tests.conftest import load_scenario, settings, spec_drift

FIXTURES = Path(__file__).parent / "fixtures"
SCENARIO = "echo:\n  keys: [k1]\n"


@pytest.fixture
async def echo(aiohttp_client, monkeypatch):
    monkeypatch.syspath_prepend(str(FIXTURES))
    app = build_app(settings(vendor_modules=("echo_vendor",)))
    client = await aiohttp_client(app)
    await load_scenario(client, "t1", SCENARIO)
    return client


async def test_the_new_vendor_serves_its_operation_through_every_step(echo):
    resp = await echo.post("/_t/t1/echo/v1/say", json={"text": "hi"}, headers={"X-Echo-Key": "k1"})
    assert (resp.status, await resp.json()) == (200, {"code": 0, "message": "ok", "said": "hi", "count": 1})
    resp = await echo.post("/_t/t1/echo/v1/say", json={"text": "again"}, headers={"X-Echo-Key": "k1"})
    assert (await resp.json())["count"] == 2  # the world kept state
    [first, second] = echo.server.app[HOST].journal.query(tenant="t1", vendor="echo")
    assert (first.operation, first.status, second.vendor_code) == ("say", 200, 0)
    state = await (await echo.get("/_chatsim/tenants/t1/state")).json()
    assert state["vendors"]["echo"] == {"keys": ["k1"], "said": {"k1": ["hi", "again"]}}
    assert spec_drift(echo.server.app) == []  # its answers were checked against its own spec


async def test_its_own_auth_validation_and_unknown_route_answers(echo):
    denied = await echo.post("/_t/t1/echo/v1/say", json={"text": "hi"}, headers={"X-Echo-Key": "nope"})
    assert (denied.status, await denied.json()) == (401, {"code": 401, "message": "unknown key nope"})
    invalid = await echo.post("/_t/t1/echo/v1/say", json={}, headers={"X-Echo-Key": "k1"})
    assert (invalid.status, await invalid.json()) == (400, {"code": 400, "message": "text: required"})
    assert invalid.headers["X-Chatsim-Violations"].startswith('[{"field": "text"')
    unknown = await echo.post("/_t/t1/echo/v1/shout", json={}, headers={"X-Echo-Key": "k1"})
    assert (unknown.status, await unknown.json()) == (404, {"code": 404, "message": "no echo at /echo/v1/shout"})
    state = await (await echo.get("/_chatsim/tenants/t1/state")).json()
    assert state["vendors"]["echo"]["said"] == {}  # refused calls changed nothing


async def test_scenarios_coverage_and_health_know_it(echo):
    bad = await echo.put("/_chatsim/tenants/t2/scenario", data=b"echo:\n  keys: [1]\n",
                         headers={"Content-Type": "application/yaml"})
    assert bad.status == 400 and "echo.keys[0]" in (await bad.json())["error"]
    health = await (await echo.get("/_chatsim/health")).json()
    assert health["vendors"] == ["gewe", "dingtalk", "eggjs_im", "echo"]
    rows = (await (await echo.get("/_chatsim/coverage")).json())["operations"]
    assert {"vendor": "echo", "method": "POST", "path": "/echo/v1/say", "operation": "say",
            "implemented": True} in rows


def test_a_module_without_a_manifest_is_refused_by_name(monkeypatch):
    monkeypatch.syspath_prepend(str(FIXTURES))
    with pytest.raises(VendorError, match="echo_vendor.handlers.VENDOR is not a chatsim.contract.Vendor"):
        discover(("echo_vendor.handlers",))
    with pytest.raises(VendorError, match="cannot import vendor module no_such_vendor"):
        discover(("no_such_vendor",))


def _distribution(site: Path, name: str, entry_points_txt: str) -> None:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points_txt)


@pytest.mark.parametrize("declared", [
    "[chatsim.vendors]\necho = echo_vendor:VENDOR\n",
    "# not [chatsim.vendors] but a comment\n[console_scripts]\necho = echo_vendor:main\n",
    "[other.group]\necho = echo_vendor:VENDOR\n",
])
def test_entry_points_are_found_as_importlib_metadata_finds_them(tmp_path, monkeypatch, declared):
    from importlib import metadata

    from chatsim.entrypoints import entry_points

    assert entry_points(ENTRY_POINT_GROUP) == list(metadata.entry_points(group=ENTRY_POINT_GROUP)) == []
    monkeypatch.syspath_prepend(str(FIXTURES))
    monkeypatch.syspath_prepend(str(tmp_path))
    _distribution(tmp_path, "unrelated", "[console_scripts]\nx = y:z\n")
    _distribution(tmp_path, "echoplug", declared)
    found = entry_points(ENTRY_POINT_GROUP)
    assert found == list(metadata.entry_points(group=ENTRY_POINT_GROUP))
    assert ("echo" in discover()) is declared.startswith("[chatsim.vendors]") is bool(found)
