"""The vendor packages chatsim serves, each under ``chatsim/vendors/<name>/``."""

import importlib
from functools import cache

from chatsim.vendor import Vendor

VENDOR_PACKAGES = ("gewe", "dingtalk", "eggjs_im")


@cache
def all_vendors() -> dict[str, Vendor]:
    """Every vendor by name, with chatsim's own admin API first (it routes to the others)."""
    from chatsim.admin import AdminVendor

    vendors: dict[str, Vendor] = {
        name: importlib.import_module(f"chatsim.vendors.{name}").VENDOR for name in VENDOR_PACKAGES}
    return {"chatsim": AdminVendor(vendors), **vendors}
