"""``chatsim serve --watch``: an edited scenario file reaches the tenants built from it; a bad edit
is reported in one line and every world stays as it was."""

import time
from pathlib import Path

from chatsim.toolkit.http import request
from tests.served import Served, chatsim_argv, served

USERS = "chatsim: 1\neggjs_im:\n  users:\n{rows}"


def users(*names: str) -> str:
    return USERS.format(rows="".join(f"    - {{username: {name}, password: '123456'}}\n" for name in names))


def logs_in(server: Served, tenant: str, name: str) -> bool:
    answer = request("POST", f"{server.url}/_t/{tenant}/api/loginChat", form={"username": name, "password": "123456"})
    return bool(answer.json().get("msg") == "ok")


def said(server: Served, text: str, times: int = 1, timeout: float = 15.0) -> str:
    """Wait, within a deadline, until the server's stderr holds ``text`` ``times`` times."""
    deadline = time.monotonic() + timeout
    while (log := server.stderr.read_text(encoding="utf-8")).count(text) < times:
        assert time.monotonic() < deadline, f"{text!r} not said {times}x within {timeout} s:\n{log}"
        time.sleep(0.05)
    return log


def edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_a_good_edit_reaches_every_tenant_built_from_the_file(tmp_path):
    world = tmp_path / "world.yaml"
    edit(world, users("alpha"))
    with served(chatsim_argv("serve", "--port", "0", "--quiet", "--watch", "--scenario", str(world)), tmp_path) as s:
        assert logs_in(s, "default", "alpha") and logs_in(s, "t1", "alpha") and not logs_in(s, "t1", "beta")
        edit(world, users("alpha", "beta"))
        log = said(s, "chatsim: watch: reloaded")
        assert f"reloaded {world.resolve()} into 2 tenant(s): default, t1" in log
        assert logs_in(s, "default", "beta") and logs_in(s, "t1", "beta") and logs_in(s, "new", "beta")


def test_a_bad_edit_is_reported_and_the_old_world_stays(tmp_path):
    world = tmp_path / "world.yaml"
    edit(world, users("alpha"))
    with served(chatsim_argv("serve", "--port", "0", "--quiet", "--watch", "--scenario", str(world)), tmp_path) as s:
        assert logs_in(s, "t1", "alpha")
        edit(world, users("alpha") + "  goodfriend: [{user: alpha, friend: ghost}]\n")
        log = said(s, "not reloaded")
        assert (f"chatsim: watch: not reloaded, the old world stays: {world.resolve()}: "
                "eggjs_im.goodfriend[0].friend: no user 'ghost' in the scenario") in log
        edit(world, "chatsim: 1\neggjs_im: {users: [unclosed\n")
        log = said(s, "not reloaded", times=2)
        assert f"stays: {world.resolve()}: line" in log and "not valid YAML" in log
        assert logs_in(s, "t1", "alpha") and logs_in(s, "default", "alpha") and logs_in(s, "later", "alpha")
        edit(world, users("gamma"))
        said(s, "reloaded ")
        assert logs_in(s, "t1", "gamma") and not logs_in(s, "t1", "alpha")


def test_a_file_loaded_by_name_is_followed_into_its_tenant_only(tmp_path):
    (tmp_path / "scenarios").mkdir()
    other = tmp_path / "scenarios" / "other.yaml"
    edit(other, users("solo"))
    with served(chatsim_argv("serve", "--port", "0", "--quiet", "--watch"), tmp_path) as s:
        loaded = request("PUT", s.url + "/_chatsim/tenants/mine/scenario", params={"file": "other.yaml"})
        assert loaded.status == 200, loaded.json()
        assert logs_in(s, "mine", "solo") and not logs_in(s, "default", "solo")
        edit(other, users("solo", "duet"))
        assert "into 1 tenant(s): mine" in said(s, "reloaded ")
        assert logs_in(s, "mine", "duet") and not logs_in(s, "default", "duet")


def test_the_documents_followed_are_the_ones_tenants_still_hold(tmp_path, monkeypatch):
    """Every ?file= load of a file is one more document to follow; those no tenant holds any more go."""
    from chatsim import scenarios
    from chatsim.tenants import TenantRegistry
    from chatsim.vendors.registry import discover
    from chatsim.watch import ScenarioWatch

    monkeypatch.setattr(scenarios, "_read_listeners", [])  # this watch's alone, for this test
    watch = ScenarioWatch()
    vendors = discover()
    watch.registry = registry = TenantRegistry(vendors, [], seed=1)
    path = tmp_path / "world.yaml"
    edit(path, users("solo"))
    for _ in range(10):
        registry.load("mine", scenarios.read_file(path, vendors))
    followed = watch._docs[path.resolve()]
    assert len(followed) == 2 and followed[-1] is registry.get("mine").scenarios[0]


def test_a_file_is_reloaded_once_it_stays_the_same_for_a_look(tmp_path, monkeypatch):
    """A save truncates, then writes: a look in between must not read the empty file."""
    import io

    from chatsim import scenarios
    from chatsim.tenants import TenantRegistry
    from chatsim.vendors.registry import discover
    from chatsim.watch import ScenarioWatch

    monkeypatch.setattr(scenarios, "_read_listeners", [])
    out = io.StringIO()
    watch = ScenarioWatch(out)
    vendors = discover()
    path = tmp_path / "world.yaml"
    edit(path, users("solo"))
    watch.registry = registry = TenantRegistry(vendors, [scenarios.read_file(path, vendors)], seed=1)
    registry.get("t")
    edit(path, "")  # half-way through a save
    watch.scan()
    edit(path, users("solo", "duet"))
    watch.scan()
    assert out.getvalue() == ""  # changed at each look: not read yet
    watch.scan()
    assert "reloaded" in out.getvalue() and "empty" not in out.getvalue()
    assert registry.get("t").worlds["eggjs_im"].find_user("duet") is not None
