"""The vendor packages chatsim serves, each under ``simulator/vendors/<name>/``."""

import importlib
from functools import cache

from simulator.vendor import Vendor

VENDOR_PACKAGES = ("gewe", "dingtalk", "eggjs_im")


@cache
def all_vendors() -> dict[str, Vendor]:
    """Every vendor by name, with chatsim's own admin API first (it routes to the others)."""
    from simulator.admin import AdminVendor

    vendors: dict[str, Vendor] = {
        name: importlib.import_module(f"simulator.vendors.{name}").VENDOR for name in VENDOR_PACKAGES}
    return {"chatsim": AdminVendor(vendors), **vendors}
