"""Skeleton: replaced by the vendor's real package."""

from typing import Any

from simulator.vendor import Vendor


class DingTalkVendor(Vendor):
    name = "dingtalk"
    spec_file = "dingtalk.yaml"

    def new_world(self, sections: list[dict[str, Any]], ctx: Any) -> None:
        return None

    def dump(self, world: Any) -> Any:
        return {}


VENDOR = DingTalkVendor()
