"""Tenants: every piece of world state belongs to one.

A tenant is created on first use from the scenarios the server started with, so parallel CI jobs
that share one server each get the same fresh world and never see each other's changes. Reset
rebuilds the tenant from its scenarios, moto style: resetting and constructing cannot drift apart.

Tenants share one memory budget in bytes with the journal (``MemoryBudget``). Past it, the
registry gives up, in this order: undelivered callbacks of receivers that keep failing (counted as
dead letters), then tenants idle for long enough (never ``default``, never one that still owes
callbacks), each journaled; if that is not enough, no new tenant is made until there is room, and
the largest tenants are full: they answer the vendor's refusal until they are reset or deleted. A
tenant exists only once a request to it has passed the vendor's authentication, so requests with
made-up names and bad credentials cannot fill the registry.
"""

import itertools
import re
import time
from collections.abc import Mapping
from typing import Any

import orjson

from chatsim.clock import VirtualClock
from chatsim.collector import collector_paused
from chatsim.context import TenantContext
from chatsim.contract import Vendor
from chatsim.dataclass import dataclass
from chatsim.faults.rules import FaultBook
from chatsim.ids import IdGenerator
from chatsim.journal import Journal, system_event
from chatsim.outbox import CallbackSettings, Outbox, PayloadCheck, Sender
from chatsim.scenarios import Problems, ScenarioError, clock_start

TENANT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
DEFAULT_TENANT = "default"
# What a tenant costs beyond its world's JSON: clock, ids, outbox, the dicts holding it (measured
# with tracemalloc on the demo scenario: 18 KB a tenant, of which 7.9 KB of world JSON).
TENANT_OVERHEAD = 10 * 1024
WORLD_FACTOR = 3  # Python objects per byte of the world's JSON dump, rounded up from the 2.3 measured
# When the registry looks at the budget: every SWEEP_EVERY requests, at most once a second, or
# sooner once request bodies worth SWEEP_INFLOW of the budget have arrived (what a world or an
# outbox can grow by is what requests bring in, times a small factor).
SWEEP_EVERY = 1024
SWEEP_INFLOW = 1 / 64
MEASURE_PER_SWEEP = 32  # at most this many worlds re-measured per look
# A world is re-measured (a JSON dump of it: the costly part of a look) only once what it may have
# grown by since its last measurement could matter: GROWTH_PER_REQUEST a request plus
# GROWTH_PER_BODY_BYTE per byte of request bodies, past a quarter of its size (at least
# REMEASURE_FLOOR). Dumping then costs well under a kilobyte of JSON per request, however large
# the world, and no world grows past its estimate by more than that quarter unseen.
GROWTH_PER_REQUEST = 512
GROWTH_PER_BODY_BYTE = 4
REMEASURE_FLOOR = 32 * 1024


_GENERATIONS = itertools.count(1)  # every installed tenant object gets the next: a reset is a new one


class TenantError(Exception):
    """A tenant name that cannot be used, or no room for one more tenant; ``status`` is the HTTP
    status the vendor's refusal carries (404: no such path; 503: no room)."""

    def __init__(self, message: str, status: int = 404) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class MemoryBudget:
    """One budget in bytes for everything that grows with traffic (``--memory-mib``)."""

    total: int = 256 * 1024**2
    idle_seconds: float = 300.0  # a tenant unused this long may be evicted, and only past the budget
    max_tenants: int = 1000  # past this many, the least recently used idle tenant makes room


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
        # seeded like the ids but never drawing from them: a rule added or removed shifts no id
        self.faults = FaultBook(f"{settings.get('seed', seed)}/{name}", settings.get("faults", ()))
        self.outbox = Outbox(self.clock, CallbackSettings.from_scenario(settings.get("callbacks")), sender,
                             self.faults)
        self.ctx = TenantContext(name, self.clock, self.ids, self.outbox, sender, self.faults)
        self.worlds: dict[str, Any] = {}
        problems = Problems()  # every vendor's problems, not only the first vendor's
        for vendor_name, vendor in vendors.items():
            with problems.row():
                self.worlds[vendor_name] = vendor.build_world(
                    [doc[vendor_name] for doc in scenarios if vendor_name in doc], self.ctx)
        problems.check()
        self.last_active = time.monotonic()
        self.generation = 0  # set when installed
        self.uses = 0  # requests so far: what changed since the budget (or a snapshot) last looked
        self.seen_uses = 0  # ...as the budget last saw it
        self.world_bytes = 0  # the worlds' estimated size when last measured
        self.fresh_bytes: int | None = None  # ...as built from its scenarios, before any request
        self.measured_at = 0.0
        self.inflow = 0  # bytes of request bodies so far
        self._measured_uses = self._measured_inflow = 0
        self.scenario_bytes = 0  # the documents it was loaded with beyond the startup ones (set when installed)

    def measure(self, vendors: Mapping[str, Vendor[Any, Any]]) -> int:
        """Estimate what the worlds hold now, from the size of their JSON dumps."""
        return self.measured(WORLD_FACTOR * sum(len(orjson.dumps((vendors[name].sizing or vendors[name].dump)(world),
                                                                 default=str))
                                                for name, world in self.worlds.items()))

    def measured(self, world_bytes: int) -> int:
        """The worlds hold ``world_bytes`` now, as measured (or known: see ``TenantRegistry._install``)."""
        self.world_bytes = world_bytes
        self.measured_at = time.monotonic()
        self._measured_uses, self._measured_inflow = self.uses, self.inflow
        return self.world_bytes

    @property
    def due(self) -> bool:
        """Whether the worlds may have grown enough since their last measurement to measure again."""
        growth = ((self.uses - self._measured_uses) * GROWTH_PER_REQUEST
                  + (self.inflow - self._measured_inflow) * GROWTH_PER_BODY_BYTE)
        return growth >= max(self.world_bytes // 4, REMEASURE_FLOOR)

    @property
    def footprint(self) -> int:
        return (TENANT_OVERHEAD + self.world_bytes + self.outbox.bytes + self.scenario_bytes
                + WORLD_FACTOR * self.faults.spec_bytes)

    def close(self) -> None:
        self.outbox.close()


def _merged(scenarios: list[dict[str, Any]]) -> dict[str, Any]:
    """Top-level settings (seed, clock, callbacks, faults): the last scenario that sets one wins."""
    merged: dict[str, Any] = {}
    for doc in scenarios:
        merged.update({k: v for k, v in doc.items() if k in ("name", "seed", "clock", "callbacks", "faults")})
    return merged


class TenantRegistry:
    def __init__(self, vendors: Mapping[str, Vendor[Any, Any]], scenarios: list[dict[str, Any]], seed: int,
                 sender: Sender | None = None, budget: MemoryBudget | None = None,
                 journal: Journal | None = None) -> None:
        self.vendors = vendors
        self.startup_scenarios = scenarios
        self.seed = seed
        self.sender = sender
        self.budget = budget or MemoryBudget()
        self.journal = journal
        self.callback_checker: PayloadCheck | None = None
        self.evictions = 0
        self.fresh: set[str] = set()  # made by a request that has not passed authentication yet
        self.full: set[str] = set()  # past the budget with nothing left to give up: refused until reset
        self._tenants: dict[str, Tenant] = {}
        self._since_sweep = 0
        self._inflow = 0  # request body bytes since the last look
        self._inflow_limit = max(1, int(self.budget.total * SWEEP_INFLOW))
        self._swept_at = time.monotonic()
        self._template: int | None = None
        self._startup_bytes: int | None = None  # the worlds of the first tenant made from the startup scenarios

    def names(self) -> list[str]:
        return list(self._tenants)

    def tenants(self) -> list[Tenant]:
        return list(self._tenants.values())

    def get(self, name: str, pending: bool = False, inflow: int = 0) -> Tenant:
        """The tenant, made on first use; ``pending``: made for a request that has yet to pass
        authentication (``confirm`` keeps it, ``forget_fresh`` takes it back); ``inflow``: the
        bytes of the request's body."""
        self._since_sweep += 1
        self._inflow += inflow
        if self._inflow >= self._inflow_limit or (self._since_sweep >= SWEEP_EVERY
                                                  and time.monotonic() - self._swept_at >= 1.0):
            self.sweep()
        tenant = self._tenants.get(name)
        if tenant is None:
            tenant = self._create(name)
            if pending:
                self.fresh.add(name)
        tenant.uses += 1
        tenant.inflow += inflow
        return tenant

    def confirm(self, name: str) -> None:
        """A request to the tenant passed authentication: it stays."""
        self.fresh.discard(name)

    def forget_fresh(self, name: str) -> None:
        """The request that made the tenant did not pass authentication: as if it never came."""
        if name in self.fresh:
            self.fresh.discard(name)
            self.drop(name)

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
        self.full.discard(name)
        if tenant is not None:
            tenant.close()
        return tenant is not None

    def drop_all(self) -> None:
        for name in list(self._tenants):
            self.drop(name)

    # --- the memory budget ----------------------------------------------------------------------

    def used(self) -> int:
        """Bytes held by tenants (as last measured) and the journal's bodies."""
        journal = self.journal.bytes if self.journal is not None else 0
        return journal + sum(tenant.footprint for tenant in self._tenants.values())

    def sweep(self, measure: int = MEASURE_PER_SWEEP, reserve: int = 0) -> int:
        """Look at the budget: mark what was used as active, re-measure the worlds used since that
        are ``due``, and give up what the module docstring says, in that order, while over (or while
        ``reserve`` more bytes, for a tenant about to be made, would not fit). Returns the bytes
        used afterwards."""
        now = time.monotonic()
        self._swept_at, self._since_sweep, self._inflow = now, 0, 0
        used_since: list[Tenant] = []
        for tenant in self._tenants.values():
            if tenant.uses != tenant.seen_uses:
                tenant.seen_uses, tenant.last_active = tenant.uses, now
                used_since.append(tenant)
        if measure:
            for tenant in sorted((t for t in used_since if t.due), key=lambda t: t.measured_at)[:measure]:
                tenant.measure(self.vendors)
        used = self.used()
        total = self.budget.total - reserve
        if used > total:
            used = self._dead_letter(used - total, used)
        room = 1 if reserve else 0
        if used > total or len(self._tenants) + room > self.budget.max_tenants:
            # down to 95%: room for what the evictions' own journal records take, and fewer sweeps
            used = self._evict(used, now, total - self.budget.total // 20, self.budget.max_tenants - room)
        self.full = self._largest_past(used)
        return used

    def _largest_past(self, used: int) -> set[str]:
        """The tenants that must stop growing, largest first, until the rest fits the budget."""
        full: set[str] = set()
        if used <= self.budget.total:
            return full  # the usual case: no sort of every tenant
        for tenant in sorted(self._tenants.values(), key=lambda t: t.footprint, reverse=True):
            if used <= self.budget.total:
                break
            full.add(tenant.name)
            used -= tenant.footprint
        return full

    def check_room(self, tenant: Tenant) -> None:
        """Refuse a vendor request to a tenant that is full (see ``sweep``)."""
        if tenant.name in self.full:
            raise TenantError(f"tenant {tenant.name} holds {tenant.footprint // 1024} KiB and chatsim's memory "
                              f"budget ({self.budget.total // 1024**2} MiB) is used up: reset or delete it", status=503)

    def _dead_letter(self, excess: int, used: int) -> int:
        for tenant in self._tenants.values():
            if excess <= 0:
                break
            before = tenant.outbox.bytes
            for delivery in tenant.outbox.dead_letter(excess):
                self._record(tenant, "callback.deadLettered",
                             {"delivery": delivery.id, "kind": delivery.kind, "key": delivery.key,
                              "url": delivery.url, "reason": "memory budget"})
            freed = before - tenant.outbox.bytes
            excess -= freed
            used -= freed
        return used

    def _evict(self, used: int, now: float, total: int, max_tenants: int) -> int:
        idle = sorted((t for t in self._tenants.values() if self._evictable(t, now)), key=lambda t: t.last_active)
        for tenant in idle:
            if used <= total and len(self._tenants) <= max_tenants:
                break
            used -= tenant.footprint
            self.drop(tenant.name)
            self.evictions += 1
            self._record(tenant, "tenant.evicted", {"idle_seconds": round(now - tenant.last_active, 3),
                                                    "bytes": tenant.footprint, "reason": "memory budget"})
        return used

    def _evictable(self, tenant: Tenant, now: float) -> bool:
        return (tenant.name != DEFAULT_TENANT and tenant.outbox.undelivered == 0
                and now - tenant.last_active >= self.budget.idle_seconds)

    def _record(self, tenant: Tenant, operation: str, detail: dict[str, Any]) -> None:
        if self.journal is not None:
            self.journal.append(system_event(tenant.clock.now(), tenant.name, operation, detail))

    def _create(self, name: str) -> Tenant:
        if not TENANT_NAME.match(name):
            raise TenantError(f"tenant names are 1-64 of A-Z a-z 0-9 _ . - (got {name[:80]!r})")
        if len(self._tenants) >= self.budget.max_tenants or self.used() + self._template_bytes() > self.budget.total:
            self.sweep(measure=0, reserve=self._template_bytes())
            if len(self._tenants) >= self.budget.max_tenants:
                raise TenantError(f"at most {self.budget.max_tenants} tenants and none idle for "
                                  f"{self.budget.idle_seconds:g} s; delete some first", status=503)
            if self.used() + self._template_bytes() > self.budget.total:
                raise TenantError(f"the memory budget ({self.budget.total // 1024**2} MiB) is used up and no "
                                  "tenant is idle enough to evict; reset or delete some", status=503)
        tenant = self._install(name, self.startup_scenarios)
        if self._template is None:
            self._template = tenant.footprint
        return tenant

    def documents_bytes(self, scenarios: list[dict[str, Any]]) -> int:
        """What a tenant's own scenario documents hold (the startup ones are every tenant's): each
        merging load adds one, which a reset builds the world from again."""
        return sum(WORLD_FACTOR * len(orjson.dumps(doc, default=str)) for doc in scenarios
                   if not any(doc is startup or doc == startup for startup in self.startup_scenarios))

    def _template_bytes(self) -> int:
        """What a new tenant costs: the first one made from the startup scenarios, as measured."""
        return self._template if self._template is not None else TENANT_OVERHEAD

    def build(self, name: str, scenarios: list[dict[str, Any]]) -> Tenant:
        """A tenant from these scenarios, not installed yet."""
        with collector_paused():  # a scenario's world is many long-lived objects at once
            tenant = Tenant(name, scenarios, self.vendors, self.seed, self.sender)
        tenant.outbox.checker = self.callback_checker
        return tenant

    def adopt(self, tenant: Tenant, world_bytes: int | None = None) -> Tenant:
        """Install a built tenant under its name, in place of the one there (which is closed);
        ``world_bytes``: what its worlds are known to hold, so they need no measuring."""
        if world_bytes is None:
            tenant.measure(self.vendors)
        else:
            tenant.measured(world_bytes)
        tenant.generation = next(_GENERATIONS)
        old = self._tenants.get(tenant.name)
        if old is not None:
            old.close()
        self._tenants[tenant.name] = tenant
        self.full.discard(tenant.name)
        return tenant

    def _install(self, name: str, scenarios: list[dict[str, Any]]) -> Tenant:
        """A tenant built from ``scenarios`` in place of the one there, its size known rather than
        measured where it can be. A reset (the same tenant from the same scenarios: the same seeded
        world) takes the size its predecessor measured when it was as fresh: for 5,000 GeWe
        contacts the JSON dump was 150 ms of a 165 ms reset. A new tenant from the startup
        scenarios takes the size the first one measured: the dump was 70% of making one, which a
        request with bad credentials under a made-up tenant name paid in full. Either is a few
        bytes off (timestamps print with more or fewer digits) and re-measured as the world grows;
        tests/test_reset_size.py holds both close to a measurement."""
        old = self._tenants.get(name)
        same = old if old is not None and old.scenarios is scenarios else None  # a reset
        known = same.fresh_bytes if same is not None else None
        if known is None and scenarios is self.startup_scenarios:
            known = self._startup_bytes
        tenant = self.adopt(self.build(name, scenarios), known)
        tenant.fresh_bytes = tenant.world_bytes
        tenant.scenario_bytes = same.scenario_bytes if same is not None else self.documents_bytes(scenarios)
        if scenarios is self.startup_scenarios and self._startup_bytes is None:
            self._startup_bytes = tenant.world_bytes
        return tenant
