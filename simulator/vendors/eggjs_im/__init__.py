"""Skeleton: replaced by the vendor's real package."""

from typing import Any

from simulator.vendor import Vendor


class EggjsImVendor(Vendor):
    name = "eggjs_im"
    spec_file = "eggjs_im.yaml"

    def new_world(self, sections: list[dict[str, Any]], ctx: Any) -> None:
        return None

    def dump(self, world: Any) -> Any:
        return {}


VENDOR = EggjsImVendor()
