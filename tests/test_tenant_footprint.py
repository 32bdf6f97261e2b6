"""What one more tenant of the demo scenario costs in bytes: the Performance target is 20 KiB of RSS
a tenant, and tracemalloc's count of what the tenant keeps is that figure less the allocator's own
overhead (17,957 bytes at this writing; 18,997 before the generator, the settings, the time zone,
the build's seconds and the banner's passwords stopped being copied into every tenant)."""

import gc
import tracemalloc

from chatsim.app import HOST, Settings, build_app

TENANTS = 100
BOUND = 18_500  # bytes a tenant may keep


def test_a_demo_tenant_keeps_under_its_bound():
    host = build_app(Settings(quiet=True))[HOST]
    host.registry.get("warm")  # what the first tenant builds once (compiled checks, caches) is not a tenant's
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(TENANTS):
            host.registry.get(f"t{i}")
        gc.collect()
        per_tenant = (tracemalloc.get_traced_memory()[0] - before) / TENANTS
    finally:
        tracemalloc.stop()
    assert per_tenant < BOUND, per_tenant
