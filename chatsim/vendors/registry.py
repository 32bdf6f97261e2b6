"""Which vendors chatsim serves: the built-in packages, third-party packages that register under the
``chatsim.vendors`` entry-point group, and modules named at start-up (``--vendor-module``).

A vendor is a module whose ``VENDOR`` is a ``chatsim.contract.Vendor`` manifest. Adding one to
chatsim itself is a new folder under ``chatsim/vendors/`` and one line in ``BUILTIN``.
"""

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from chatsim.contract import Vendor
from chatsim.entrypoints import entry_points

BUILTIN = (
    "chatsim.vendors.gewe",
    "chatsim.vendors.dingtalk",
    "chatsim.vendors.eggjs_im",
)
ENTRY_POINT_GROUP = "chatsim.vendors"


class VendorError(Exception):
    """A module that does not give a usable vendor manifest."""


def load(module_name: str) -> Vendor[Any, Any]:
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise VendorError(f"cannot import vendor module {module_name}: {exc}") from None
    vendor = getattr(module, "VENDOR", None)
    if not isinstance(vendor, Vendor):
        raise VendorError(f"{module_name}.VENDOR is not a chatsim.contract.Vendor")
    return vendor


def discover(extra: Iterable[str] = ()) -> dict[str, Vendor[Any, Any]]:
    """Every vendor by name: the built-in ones in their order, then the entry points (each naming a
    manifest, ``package.module:VENDOR``), then ``extra``."""
    vendors = [load(name) for name in BUILTIN]
    for point in entry_points(ENTRY_POINT_GROUP):
        vendor = point.load()
        if not isinstance(vendor, Vendor):
            raise VendorError(f"entry point {point.name} = {point.value} is not a chatsim.contract.Vendor")
        vendors.append(vendor)
    vendors += [load(name) for name in extra]
    found: dict[str, Vendor[Any, Any]] = {}
    for vendor in vendors:
        if found.setdefault(vendor.name, vendor) is not vendor:
            raise VendorError(f"two vendors are named {vendor.name!r}")
    return found


def builtin_only(vendors: Mapping[str, Vendor[Any, Any]]) -> bool:
    """Whether ``vendors`` are exactly chatsim's own manifests: what the shipped scenarios are
    tested against, so reading one for them needs no schema check (``scenarios.read_file``)."""
    own = [load(name) for name in BUILTIN]
    return len(vendors) == len(own) and all(given is mine for given, mine in zip(vendors.values(), own, strict=False))
