"""``chatsim verify``: contract flows run against any server, chatsim or a real deployment.

A flow is a YAML list of API calls (``flow.schema.json``), Stripe-fixture style: named steps,
``${step.path}`` references to earlier answers, expectations on status, the vendor's result code
and body fields. Every answer is also checked against the vendor's spec, so the same files prove
chatsim in CI and can later prove the real service.
"""

import sys
import time
from pathlib import Path
from typing import Any

import yaml

from chatsim.verify.flows import Flow, FlowError, load
from chatsim.verify.report import Progress, junit, table
from chatsim.verify.runner import Runner, SpecCheck, StepResult

__all__ = ["Flow", "FlowError", "Runner", "SpecCheck", "StepResult", "load", "verify"]


def parse_vars(items: list[str]) -> dict[str, Any]:
    """``--var NAME=VALUE``; the value is read as a YAML scalar, so ``--var limit=5`` is a number."""
    found = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise FlowError("--var", item, "expected NAME=VALUE")
        found[name] = yaml.safe_load(value) if value else ""
    return found


def verify(base_url: str, files: list[Path], vendor: str | None = None, variables: list[str] | None = None,
           junit_file: Path | None = None, timeout: float = 15.0, out: Any = None) -> int:
    """Run the flows; 0 when every step passed, 1 when one failed, 2 when a flow file is invalid."""
    out = out or sys.stdout
    try:
        flows = [load(path) for path in files]
        overrides = parse_vars(variables or [])
        for flow in flows:
            if vendor and flow.vendor and flow.vendor != vendor:
                raise FlowError(flow.source, "vendor", f"this flow is for {flow.vendor}, not --vendor {vendor}")
            if not (vendor or flow.vendor):
                raise FlowError(flow.source, "vendor", "name the vendor in the flow or with --vendor")
    except FlowError as exc:
        print(f"chatsim verify: {exc}", file=sys.stderr)
        return 2
    checks: dict[str, SpecCheck] = {}
    progress = Progress(sum(len(flow.steps) for flow in flows))
    started = time.perf_counter()
    results: list[StepResult] = []
    for flow in flows:
        name = vendor or flow.vendor
        assert name is not None
        if name not in checks:
            checks[name] = SpecCheck(name)
        results += Runner(base_url, checks[name], overrides, timeout, progress.step).run(flow)
    progress.close()
    print(table(results, time.perf_counter() - started), file=out)
    if junit_file is not None:
        junit(results, junit_file)
    return 1 if any(result.outcome == "failed" for result in results) else 0
