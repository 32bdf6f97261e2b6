"""A tenant's fault rules: what each matches, what it does, and what it has done so far.

A rule is a dict as the scenario's ``faults:`` list or ``PUT .../faults`` gives it (checked against
``schema.json`` before it gets here). Each rule keeps its own counters and its own random stream,
seeded from the tenant's seed and the rule's position in the list, never from the id generator:
adding a rule never changes an id, and the same scenario, seed and requests make the same calls
fail. Replacing the list starts every stream and counter afresh.

Counting: ``after: N`` lets the first N matching calls through untouched; ``times: N`` retires the
rule once it has changed N calls (a call its ``rate`` spared does not count).
"""

import json
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from typing import Any

from chatsim.dataclass import dataclass
from chatsim.faults.limiter import Throttle, WindowLimiter

EFFECTS = ("rate_limit", "error", "latency", "disconnect", "respond", "callback")
MAX_LATENCY_MS = 30_000.0  # real waiting a rule may ask for, whatever its distribution draws


@dataclass(slots=True)
class Rule:
    """One rule, its effect's settings, its counters, its random stream."""

    index: int
    spec: Mapping[str, Any]
    rng: random.Random
    vendor: str
    operation: str
    account: str | None
    effect: str
    settings: Mapping[str, Any]
    after: int
    times: int | None
    header: bool
    limiter: WindowLimiter | None = None
    matched: int = 0  # calls (or callbacks) it matched
    applied: int = 0  # of those, the ones it changed
    by_kind: dict[str, int] = field(default_factory=dict)  # what it did, by outcome

    @classmethod
    def of(cls, index: int, spec: Mapping[str, Any], seed_key: str) -> "Rule":
        effect = next(name for name in EFFECTS if name in spec)
        settings = spec[effect] if isinstance(spec[effect], Mapping) else {}
        limiter = None
        if effect == "rate_limit":
            limiter = WindowLimiter(int(settings["requests"]), float(settings.get("per_seconds", 1)),
                                    float(settings.get("penalty_seconds", 0)))
        return cls(index, spec, random.Random(f"{seed_key}/fault/{index}"), spec["vendor"],
                   spec.get("operation", "*"), spec.get("account"), effect, settings, int(spec.get("after", 0)),
                   spec.get("times"), bool(spec.get("header", True)), limiter)

    @property
    def retired(self) -> bool:
        return self.times is not None and self.applied >= self.times

    def matches(self, vendor: str, operation: str, account: Callable[[], str | None]) -> bool:
        return (self.vendor == vendor and self.operation in ("*", operation)
                and (self.account is None or self.account == account()))

    def admit(self) -> bool:
        """A matching call: does the rule act on it (past ``after``, not retired)? Counted either way."""
        self.matched += 1
        return self.matched > self.after and not self.retired

    def fires(self, rate: float) -> bool:
        """One draw of the rule's stream for a call it acts on: every such call draws, hit or not,
        so which calls fail depends only on their order."""
        return self.rng.random() < rate

    def count(self, outcome: str) -> None:
        self.applied += 1
        self.by_kind[outcome] = self.by_kind.get(outcome, 0) + 1

    def throttle(self, key: str, now: float) -> Throttle | None:
        assert self.limiter is not None
        return self.limiter.hit(key, now)

    def latency_ms(self) -> float:
        """The delay this call gets, capped at ``max_ms`` (and at MAX_LATENCY_MS for real waiting)."""
        s = self.settings
        if "fixed_ms" in s:
            delay = float(s["fixed_ms"])
        elif "uniform" in s:
            low, high = s["uniform"]
            delay = self.rng.uniform(float(low), float(high))
        else:
            lognormal = s["lognormal"]
            delay = float(lognormal["median_ms"]) * math.exp(self.rng.gauss(0.0, float(lognormal["sigma"])))
        if s.get("virtual"):  # nobody waits for virtual time: only the rule's own cap
            return min(delay, float(s.get("max_ms", math.inf)))
        return min(delay, float(s.get("max_ms", MAX_LATENCY_MS)), MAX_LATENCY_MS)

    def to_json(self) -> dict[str, Any]:
        counters: dict[str, Any] = {"matched": self.matched, "applied": self.applied, "by_outcome": self.by_kind,
                                    "retired": self.retired}
        if self.limiter is not None:
            counters["refused"] = self.limiter.refused
            counters["window_counts"] = self.limiter.counts()
        return {"index": self.index, "rule": dict(self.spec), "counters": counters}


class FaultBook:
    """The rules of one tenant; ``rules`` is empty when it has none, which is all the request chain
    looks at before doing anything (so a tenant without rules pays one attribute check), and
    ``for_call`` narrows them to a call's vendor and operation."""

    def __init__(self, seed_key: str, specs: Sequence[Mapping[str, Any]] = ()) -> None:
        self._seed_key = seed_key
        self.rules: list[Rule] = []
        self.callback_rules: list[Rule] = []
        self.replace(specs)

    def replace(self, specs: Sequence[Mapping[str, Any]]) -> None:
        """A new list: new counters and streams (the same list again behaves the same again)."""
        built = [Rule.of(index, spec, self._seed_key) for index, spec in enumerate(specs)]
        self.rules = [rule for rule in built if rule.effect != "callback"]
        self.callback_rules = [rule for rule in built if rule.effect == "callback"]
        self._for: dict[tuple[str, str], tuple[Rule, ...]] = {}
        # the rules' JSON size: what the memory budget counts of them (a list can be a whole body)
        self.spec_bytes = len(json.dumps(list(specs), default=str, ensure_ascii=False).encode()) if specs else 0

    def for_call(self, vendor: str, operation: str) -> tuple[Rule, ...]:
        """The request rules that may match a call of this vendor and operation, in order, worked
        out once per pair: rules for other operations cost a call one dict lookup, not a walk."""
        key = (vendor, operation)
        found = self._for.get(key)
        if found is None:
            found = self._for[key] = tuple(rule for rule in self.rules if rule.vendor == vendor
                                           and rule.operation in ("*", operation))
        return found

    def clear(self) -> None:
        self.replace(())

    def to_json(self) -> list[dict[str, Any]]:
        return [rule.to_json() for rule in sorted([*self.rules, *self.callback_rules], key=lambda r: r.index)]
