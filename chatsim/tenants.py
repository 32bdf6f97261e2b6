"""Tenants: every piece of world state belongs to one.

A tenant is created on first use from the scenarios the server started with, so parallel CI jobs
that share one server each get the same fresh world and never see each other's changes. Reset
rebuilds the tenant from its scenarios, moto style: resetting and constructing cannot drift apart.
"""

import re
from collections.abc import Mapping
from typing import Any

from chatsim.clock import VirtualClock
from chatsim.context import TenantContext
from chatsim.contract import Vendor
from chatsim.ids import IdGenerator
from chatsim.outbox import CallbackSettings, Outbox, PayloadCheck, Sender
from chatsim.scenarios import ScenarioError, clock_start

TENANT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
DEFAULT_TENANT = "default"


class TenantError(Exception):
    """A tenant name that cannot be used, or one tenant too many."""


class Tenant:
    def __init__(self, name: str, scenarios: list[dict[str, Any]], vendors: Mapping[str, Vendor[Any, Any]],
                 seed: int, sender: Sender | None) -> None:
        self.name = name
        self.scenarios = scenarios
        settings = _merged(scenarios)
        try:
            start = clock_start(settings.get("clock", {}).get("start"))
        except ValueError as exc:
            raise ScenarioError(settings.get("name", name), "clock.start", str(exc)) from None
        self.clock = VirtualClock(start, bool(settings.get("clock", {}).get("frozen", False)))
        self.ids = IdGenerator(settings.get("seed", seed), name)
        self.outbox = Outbox(self.clock, CallbackSettings.from_scenario(settings.get("callbacks")), sender)
        self.ctx = TenantContext(name, self.clock, self.ids, self.outbox, sender)
        self.worlds: dict[str, Any] = {
            vendor_name: vendor.build_world([doc[vendor_name] for doc in scenarios if vendor_name in doc], self.ctx)
            for vendor_name, vendor in vendors.items()}

    def close(self) -> None:
        self.outbox.close()


def _merged(scenarios: list[dict[str, Any]]) -> dict[str, Any]:
    """Top-level settings (seed, clock, callbacks): the last scenario that sets one wins."""
    merged: dict[str, Any] = {}
    for doc in scenarios:
        merged.update({k: v for k, v in doc.items() if k in ("name", "seed", "clock", "callbacks")})
    return merged


class TenantRegistry:
    def __init__(self, vendors: Mapping[str, Vendor[Any, Any]], scenarios: list[dict[str, Any]], seed: int,
                 sender: Sender | None = None, max_tenants: int = 1000) -> None:
        self.vendors = vendors
        self.startup_scenarios = scenarios
        self.seed = seed
        self.sender = sender
        self.max_tenants = max_tenants
        self.callback_checker: PayloadCheck | None = None
        self._tenants: dict[str, Tenant] = {}

    def names(self) -> list[str]:
        return list(self._tenants)

    def get(self, name: str) -> Tenant:
        tenant = self._tenants.get(name)
        if tenant is None:
            if not TENANT_NAME.match(name):
                raise TenantError(f"tenant names are 1-64 of A-Z a-z 0-9 _ . - (got {name!r})")
            if len(self._tenants) >= self.max_tenants:
                raise TenantError(f"at most {self.max_tenants} tenants; delete some first")
            tenant = self._install(name, self.startup_scenarios)
        return tenant

    def load(self, name: str, scenario: dict[str, Any], merge: bool = False) -> Tenant:
        """Rebuild the tenant from the startup scenarios plus this one (merge) or from this one alone."""
        self.get(name)
        base = self._tenants[name].scenarios if merge else []
        return self._install(name, [*base, scenario])

    def reset(self, name: str) -> Tenant:
        tenant = self.get(name)
        return self._install(name, tenant.scenarios)

    def drop(self, name: str) -> bool:
        tenant = self._tenants.pop(name, None)
        if tenant is not None:
            tenant.close()
        return tenant is not None

    def drop_all(self) -> None:
        for name in list(self._tenants):
            self.drop(name)

    def _install(self, name: str, scenarios: list[dict[str, Any]]) -> Tenant:
        fresh = Tenant(name, scenarios, self.vendors, self.seed, self.sender)
        fresh.outbox.checker = self.callback_checker
        old = self._tenants.get(name)
        if old is not None:
            old.close()
        self._tenants[name] = fresh
        return fresh
