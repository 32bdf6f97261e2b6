"""A reset takes its world's size from the fresh tenant it replaces (``TenantRegistry._install``):
the same tenant rebuilt from the same scenarios is the same seeded world, so the size known is the
size a fresh measurement gives, but for a few bytes: the virtual clock starts from the wall clock,
and its timestamps (``online_since``, ``created_at``) print with more or fewer digits."""

from chatsim.app import HOST, Settings, build_app
from chatsim.scenarios import parse
from chatsim.tenants import Tenant

SLACK = 64  # bytes: timestamps that print with a different number of digits

EGG = "chatsim: 1\neggjs_im:\n  users:\n" + "".join(
    f"    - {{username: u{i}, password: '123456', nickname: 用户{i}}}\n" for i in range(50)) + \
    "  goodfriend:\n" + "".join(f"    - {{user: u0, friend: u{i}}}\n" for i in range(1, 50))


def test_a_reset_knows_the_size_a_measurement_gives(monkeypatch):
    host = build_app(Settings(quiet=True))[HOST]
    registry = host.registry
    real = Tenant.measure
    measured: list[Tenant] = []
    monkeypatch.setattr(Tenant, "measure", lambda self, vendors: measured.append(self) or real(self, vendors))
    for name, scenario in (("default", None), ("egg", parse(EGG, "egg", host.world_vendors))):
        tenant = registry.get(name) if scenario is None else registry.load(name, scenario)
        fresh = tenant.world_bytes
        assert tenant.fresh_bytes == fresh == real(tenant, registry.vendors)
        tenant.worlds["eggjs_im"].add_user("grown", "123456", nickname="x" * 5000)  # the world grows
        assert real(tenant, registry.vendors) > fresh
        measured.clear()
        again = registry.reset(name)
        assert measured == [] and again.world_bytes == fresh
        assert abs(real(again, registry.vendors) - fresh) <= SLACK


def test_other_scenarios_are_measured():
    host = build_app(Settings(quiet=True))[HOST]
    registry = host.registry
    small = registry.get("t").world_bytes
    big = registry.load("t", parse(EGG, "egg", host.world_vendors))
    assert big.world_bytes == big.measure(registry.vendors) != small


def test_new_tenants_take_the_first_ones_size(monkeypatch):
    """Only the first tenant made from the startup scenarios is measured; the others take its size,
    which a measurement of each confirms to within a few bytes (their timestamps)."""
    registry = build_app(Settings(quiet=True))[HOST].registry
    real = Tenant.measure
    measured: list[str] = []
    monkeypatch.setattr(Tenant, "measure", lambda self, vendors: measured.append(self.name) or real(self, vendors))
    tenants = [registry.get(name) for name in ("first", "b", "a-much-longer-tenant-name.0123456789", "zz")]
    assert measured == ["first"]
    for tenant in tenants:
        assert tenant.world_bytes == tenants[0].world_bytes
        assert abs(real(tenant, registry.vendors) - tenant.world_bytes) <= SLACK
