"""Skeleton: replaced by the vendor's real package."""

from typing import Any

from simulator.vendor import Vendor


class GeweVendor(Vendor):
    name = "gewe"
    spec_file = "gewe.yaml"

    def new_world(self, sections: list[dict[str, Any]], ctx: Any) -> None:
        return None

    def dump(self, world: Any) -> Any:
        return {}


VENDOR = GeweVendor()
