"""``chatsim verify``: contract flows run against any server, chatsim or a real deployment.

A flow is a YAML list of API calls (``flow.schema.json``), Stripe-fixture style: named steps,
``${step.path}`` references to earlier answers, expectations on status, the vendor's result code
and body fields. Every answer is also checked against the vendor's spec, so the same files prove
chatsim in CI and can later prove the real service.
"""

import re
import secrets
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

import yaml

from chatsim.toolkit.http import ChatsimError, request
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


def fresh_tenant(base_url: str) -> tuple[str, dict[str, str], str]:
    """(base URL, headers, tenant name) for a run in a tenant of its own: a ``/_t/NAME`` prefix
    becomes ``/_t/NAME-<random>``; without one the tenant travels in ``X-Chatsim-Tenant``, a header
    a real service ignores. Flows register users and use up tickets, so only a fresh world lets
    the same flows pass again."""
    suffix = secrets.token_hex(4)
    parts = urllib.parse.urlsplit(base_url)
    prefixed = re.match(r"^(.*?/_t/)([^/]+)(.*)$", parts.path)
    if prefixed:
        tenant = f"{prefixed[2][:55]}-{suffix}"
        path = prefixed[1] + tenant + prefixed[3]
        return urllib.parse.urlunsplit(parts._replace(path=path)), {}, tenant
    tenant = f"verify-{suffix}"
    return base_url, {"X-Chatsim-Tenant": tenant}, tenant


def _drop_if_chatsim(base_url: str, tenant: str) -> None:
    """Forget a passed run's tenant, when the server is a chatsim (a real service is not asked)."""
    parts = urllib.parse.urlsplit(base_url)
    root = f"{parts.scheme}://{parts.netloc}/_chatsim"
    try:
        health = request("GET", root + "/health", timeout=5).json()
        if isinstance(health, dict) and health.get("status") == "ok":
            request("DELETE", f"{root}/tenants/{tenant}", timeout=5)
    except ChatsimError:
        pass  # best effort: the run's verdict is already made


def verify(base_url: str, files: list[Path], vendor: str | None = None, variables: list[str] | None = None,
           junit_file: Path | None = None, timeout: float = 15.0, out: Any = None, fresh: bool = False) -> int:
    """Run the flows; 0 when every step passed, 1 when one failed, 2 when a flow file is invalid.
    ``fresh``: in a new tenant (``fresh_tenant``), dropped after a pass and named after a failure."""
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
    headers: dict[str, str] = {}
    tenant = None
    if fresh:
        base_url, headers, tenant = fresh_tenant(base_url)
    checks: dict[str, SpecCheck] = {}
    progress = Progress(sum(len(flow.steps) for flow in flows))
    started = time.perf_counter()
    results: list[StepResult] = []
    for flow in flows:
        name = vendor or flow.vendor
        assert name is not None
        if name not in checks:
            checks[name] = SpecCheck(name)
        results += Runner(base_url, checks[name], overrides, timeout, progress.step, headers).run(flow)
    progress.close()
    print(table(results, time.perf_counter() - started), file=out)
    if junit_file is not None:
        junit(results, junit_file)
    failed = any(result.outcome == "failed" for result in results)
    if tenant is not None and failed:
        print(f"the run's tenant {tenant} is kept for a look: chatsim journal --tenant {tenant}", file=out)
    elif tenant is not None:
        _drop_if_chatsim(base_url, tenant)
    return 1 if failed else 0
