"""One test's tenant on a chatsim server: URLs to point clients at, world actions, callbacks,
journal assertions and the virtual clock, all thin wrappers over the admin API.

Everything goes over HTTP, so the same handle works for chatsim in a thread of the test process
and for an external server shared by many pytest-xdist workers.
"""

import asyncio
import difflib
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import field
from datetime import timedelta
from pathlib import Path
from typing import Any

from chatsim.dataclass import dataclass
from chatsim.toolkit.actions import TYPED_ACTIONS, DingTalkActions, GeweActions
from chatsim.toolkit.expect import MISSING, Difference, differences, lookup
from chatsim.toolkit.handle import Admin, VendorHandle
from chatsim.vendors.registry import discover

TENANT_HEADER = "X-Chatsim-Tenant"
Where = Mapping[str, Any] | Callable[[dict[str, Any]], bool] | None
@dataclass(frozen=True)
class Callback:
    """One callback the tenant emitted (delivered or not), as the admin API reports it."""

    id: int
    vendor: str
    kind: str
    status: str
    payload: dict[str, Any]
    url: str | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    caused_by: int | None = None
    payload_check: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Callback":
        return cls(data["id"], data["vendor"], data["kind"], data["status"], data["payload"], data.get("url"),
                   data.get("attempts", []), data.get("caused_by"), data.get("payload_check", []))

    def line(self) -> str:
        return f"#{self.id} {self.vendor} {self.kind} ({self.status})"


class Clock:
    def __init__(self, sim: "Chatsim") -> None:
        self._sim = sim

    def now(self) -> float:
        return float(self._sim.tenant_call("GET", "/clock")["now"])

    def advance(self, seconds: float | timedelta) -> float:
        """Move the tenant's virtual time forward; expiries and due callback retries happen now."""
        if isinstance(seconds, timedelta):
            seconds = seconds.total_seconds()
        return float(self._sim.tenant_call("POST", "/clock/advance", json_body={"seconds": seconds})["now"])


class Callbacks:
    def __init__(self, sim: "Chatsim") -> None:
        self._sim = sim

    def all(self, kind: str | None = None, *, match: Mapping[str, Any] | None = None,
            status: str | None = None, after: int = 0) -> list[Callback]:
        return self._fetch(kind, match, status, after, 0)

    def wait(self, kind: str | None = None, *, match: Mapping[str, Any] | None = None, status: str | None = None,
             after: int = 0, timeout: float = 5.0) -> Callback:
        """The first callback (id above ``after``) of this kind whose payload matches, waiting up to
        ``timeout`` seconds for it; an AssertionError listing what did arrive otherwise."""
        __tracebackhide__ = True
        return self.wait_many(1, kind, match=match, status=status, after=after, timeout=timeout)[0]

    def wait_many(self, count: int, kind: str | None = None, *, match: Mapping[str, Any] | None = None,
                  status: str | None = None, after: int = 0, timeout: float = 5.0) -> list[Callback]:
        __tracebackhide__ = True
        deadline = time.monotonic() + timeout
        found: list[Callback] = []
        while len(found) < count:
            remaining = deadline - time.monotonic()
            batch = self._fetch(kind, match, status, found[-1].id if found else after, max(0.0, min(remaining, 120)))
            found.extend(batch)
            if not batch and remaining <= 0:
                raise AssertionError(self._missing(count, found, kind, match, status, after, timeout))
        return found[:count]

    async def wait_async(self, kind: str | None = None, **kwargs: Any) -> Callback:
        """``wait`` for async tests, off the event loop so the test's own receiver keeps running."""
        return await asyncio.to_thread(self.wait, kind, **kwargs)

    def redeliver(self, callback_id: int) -> Callback:
        return Callback.from_json(self._sim.tenant_call("POST", f"/callbacks/{callback_id}/redeliver"))

    def _fetch(self, kind: str | None, match: Mapping[str, Any] | None, status: str | None, after: int,
               wait: float) -> list[Callback]:
        params: list[tuple[str, Any]] = [("after", after)]
        params += [(key, value) for key, value in (("kind", kind), ("status", status)) if value is not None]
        params += [("match", f"{path}={_as_text(value)}") for path, value in (match or {}).items()]
        if wait:
            params.append(("wait", round(wait, 3)))
        body = self._sim.tenant_call("GET", "/callbacks", params=params, timeout=wait + 10)
        return [Callback.from_json(item) for item in body["callbacks"]]

    def _missing(self, count: int, found: list[Callback], kind: str | None, match: Mapping[str, Any] | None,
                 status: str | None, after: int, timeout: float) -> str:
        wanted = " ".join(part for part in (kind or "any kind", f"status={status}" if status else "",
                                            f"match {dict(match)}" if match else "") if part)
        lines = [f"chatsim: waited {timeout:g}s for {count} callback(s) of {wanted} after #{after}; "
                 f"{len(found)} arrived."]
        emitted = self.all(after=after)
        if not emitted:
            lines.append(f"Tenant {self._sim.tenant} emitted no callbacks at all after #{after}.")
            return "\n".join(lines)
        lines.append("Callbacks the tenant did emit (nearest first):")
        expectations = {path: _as_text(value) for path, value in (match or {}).items()}
        scored = sorted(emitted, key=lambda cb: (cb.kind != kind if kind else 0,
                                                 len(differences(_texts(cb.payload), expectations))))
        for cb in scored[:5]:
            diffs = differences(_texts(cb.payload), expectations)
            detail = "; ".join(map(str, diffs)) if diffs else "payload matches"
            lines.append(f"  {cb.line()}: {detail}")
        return "\n".join(lines)


def _as_text(value: Any) -> str:
    """How the server compares ``match`` values: as text, booleans lowercased."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _texts(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _texts(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_texts(value) for value in node]
    return _as_text(node)


class Faults:
    """The tenant's fault rules as ``chatsim.faults(...)`` set them; as a context manager, they
    hold inside the ``with`` block and are cleared when it ends (whatever happened in it)."""

    def __init__(self, sim: "Chatsim") -> None:
        self._sim = sim

    def __enter__(self) -> "Faults":
        return self

    def __exit__(self, *exc: object) -> None:
        self.clear()

    def rules(self) -> list[dict[str, Any]]:
        """Each rule as given, with its counters (matched, applied, by_outcome, retired...)."""
        rules: list[dict[str, Any]] = self._sim.tenant_call("GET", "/faults")["rules"]
        return rules

    def counters(self, index: int = 0) -> dict[str, Any]:
        counters: dict[str, Any] = self.rules()[index]["counters"]
        return counters

    def clear(self) -> None:
        self._sim.tenant_call("DELETE", "/faults")


class JournalView:
    def __init__(self, sim: "Chatsim") -> None:
        self._sim = sim

    def records(self, operation: str | None = None, vendor: str | None = None) -> list[dict[str, Any]]:
        """This tenant's journal records, oldest first; ``request.params`` holds the parsed query and
        ``request.form`` a form-encoded body, parsed."""
        if operation and "." in operation and vendor is None:
            vendor, operation = operation.split(".", 1)
        params = {key: value for key, value in (("tenant", self._sim.tenant), ("vendor", vendor),
                                                ("operation", operation)) if value}
        records: list[dict[str, Any]] = self._sim.admin.call("GET", "/_chatsim/journal", params=params)["records"]
        for record in records:
            req = record["request"]
            req["params"] = dict(urllib.parse.parse_qsl(req.get("query") or ""))
            req["form"] = _form(req.get("body"))
        return records

    def summary(self, limit: int = 30) -> str:
        records = self.records()
        lines = [f"tenant {self._sim.tenant}: {len(records)} request(s)"]
        lines += [describe(record) for record in records[-limit:]]
        return "\n".join(lines)


def _form(body: Any) -> dict[str, str]:
    if not isinstance(body, str) or "=" not in body:
        return {}
    try:
        return dict(urllib.parse.parse_qsl(body, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        return {}


def describe(record: dict[str, Any]) -> str:
    req, resp = record["request"], record["response"]
    query = f"?{req['query']}" if req.get("query") else ""
    code = f" code={resp['vendor_code']}" if resp.get("vendor_code") is not None else ""
    return (f"  #{record['id']} {record['vendor']} {record['operation']}: {req['method']} {req['path']}{query}"
            f" -> {resp['status']}{code}")


def where_differences(record: dict[str, Any], where: Mapping[str, Any]) -> list[Difference]:
    """``where`` paths are read from the record (``response.body.ret``); a path whose first part is
    not a record field is a request field: from the JSON body, the form body or the query string,
    whichever has it."""
    top = ("id", "time", "tenant", "vendor", "operation", "request", "response", "violations", "callbacks")
    req = record["request"]
    sources = [req["body"] if isinstance(req.get("body"), dict) else {}, req["form"], req["params"]]
    found = []
    for path, expected in where.items():
        if path.split(".", 1)[0] in top:
            found += differences(record, {path: expected})
            continue
        source = next((s for s in sources if lookup(s, path) is not MISSING), sources[0])
        found += differences(source, {path: expected})
    return found


def _matches(record: dict[str, Any], where: Where) -> bool:
    if where is None:
        return True
    if callable(where):
        return bool(where(record))
    return not where_differences(record, where)


class Chatsim:
    """A tenant of its own on a chatsim server (the pytest fixture ``chatsim`` is one)."""

    def __init__(self, server_url: str, tenant: str, timeout: float = 10.0) -> None:
        self.admin = Admin(server_url, timeout)
        self.tenant = tenant
        self.root_url = self.admin.url
        self.base_url = f"{self.admin.url}/_t/{tenant}"
        self.tenant_header = {TENANT_HEADER: tenant}
        self.clock = Clock(self)
        self.callbacks = Callbacks(self)
        self.journal = JournalView(self)
        self.vendors: dict[str, VendorHandle] = {
            name: TYPED_ACTIONS.get(name, VendorHandle)(self, name, vendor.client_base_path)
            for name, vendor in discover().items()}

    @property
    def gewe(self) -> GeweActions:
        handle = self.vendors["gewe"]
        assert isinstance(handle, GeweActions)
        return handle

    @property
    def dingtalk(self) -> DingTalkActions:
        handle = self.vendors["dingtalk"]
        assert isinstance(handle, DingTalkActions)
        return handle

    @property
    def eggjs_im(self) -> VendorHandle:
        return self.vendors["eggjs_im"]

    def vendor(self, name: str) -> VendorHandle:
        """Any vendor this chatsim serves, a third-party one too: ``chatsim.vendor("acme").base_url``."""
        return self.vendors[name]

    def tenant_call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.admin.call(method, f"/_chatsim/tenants/{self.tenant}{path}", **kwargs)

    def act(self, method: str, template: str, fields: dict[str, Any]) -> Any:
        """Run a world action (an admin operation under ``/_chatsim/tenants/{tenant}/<vendor>/``)."""
        fields = dict(fields)
        path = template.replace("{tenant}", self.tenant)
        while "{" in path:
            name = path[path.index("{") + 1: path.index("}")]
            if name not in fields:
                raise TypeError(f"{method} {template} needs {name}=")
            path = path.replace("{" + name + "}", urllib.parse.quote(str(fields.pop(name)), safe=""))
        if method in ("GET", "DELETE"):
            return self.admin.call(method, path, params=fields)
        return self.admin.call(method, path, json_body=fields)

    def state(self) -> dict[str, Any]:
        return dict(self.tenant_call("GET", "/state")["vendors"])

    def load(self, scenario: str | Path, *, merge: bool = False) -> Any:
        """Load a scenario: YAML text, a file of yours, or the name of one in chatsim's scenarios/."""
        params = {"merge": "true" if merge else "false"}
        if isinstance(scenario, Path) or "\n" in scenario:
            text = scenario.read_text(encoding="utf-8") if isinstance(scenario, Path) else scenario
            return self.tenant_call("PUT", "/scenario", params=params, data=text.encode(),
                                    headers={"Content-Type": "application/yaml"})
        return self.tenant_call("PUT", "/scenario", params={**params, "file": scenario})

    def reset(self) -> None:
        """Rebuild the tenant from the scenarios it was loaded with; its journal starts empty."""
        self.tenant_call("POST", "/reset")

    def drop(self) -> None:
        self.tenant_call("DELETE", "")

    def faults(self, *rules: Mapping[str, Any]) -> Faults:
        """Replace the tenant's fault rules (chatsim/faults/schema.json); ``with chatsim.faults(...):``
        clears them at the block's end. With no rules, it only hands over the handle."""
        handle = Faults(self)
        if rules:
            self.tenant_call("PUT", "/faults", json_body={"rules": [dict(rule) for rule in rules]})
        return handle

    def drift(self) -> list[str]:
        """Responses and callbacks of this tenant that did not match chatsim's own specs."""
        responses = [f"{r['vendor']} {r['operation']} -> {r['response']['status']}: {problem}"
                     for r in self.journal.records() for problem in r.get("response_check") or []
                     if not problem.startswith("callback #")]
        return responses + [f"callback {cb.line()}: {problem}"
                            for cb in self.callbacks.all() for problem in cb.payload_check]

    def calls(self, operation: str, where: Where = None) -> list[dict[str, Any]]:
        return [r for r in self.journal.records(operation) if _matches(r, where)]

    def assert_called(self, operation: str, times: int | None = None, where: Where = None) -> list[dict[str, Any]]:
        """``operation`` ("addContacts" or "gewe.addContacts") was called (exactly ``times`` times)
        with ``where`` holding; the failure shows the nearest journal records and what differed."""
        __tracebackhide__ = True
        every = self.journal.records(operation)
        hits = [r for r in every if _matches(r, where)]
        if (times is None and hits) or len(hits) == times:
            return hits
        raise AssertionError(self._explain(operation, times, where, every, hits))

    def assert_not_called(self, operation: str, where: Where = None) -> None:
        __tracebackhide__ = True
        self.assert_called(operation, times=0, where=where)

    def _explain(self, operation: str, times: int | None, where: Where, every: list[dict[str, Any]],
                 hits: list[dict[str, Any]]) -> str:
        wanted = "at least once" if times is None else f"{times} time{'s' if times != 1 else ''}"
        condition = f" where {dict(where)}" if isinstance(where, Mapping) else " where <callable>" if where else ""
        lines = [f"chatsim: expected {operation} to be called {wanted}{condition}; "
                 f"it was called {len(hits)} time(s) that way ({len(every)} call(s) of {operation} in all)."]
        if hits:
            lines.append("Matching calls:")
            lines += [describe(r) for r in hits]
        elif every and isinstance(where, Mapping):
            lines.append("Nearest journal records:")
            for record in sorted(every, key=lambda r: len(where_differences(r, where)))[:3]:
                lines.append(describe(record))
                lines += [f"      {d}" for d in where_differences(record, where)]
        elif not every:
            lines += self._other_calls(operation)
        return "\n".join(lines)

    def _other_calls(self, operation: str) -> list[str]:
        everything = self.journal.records()
        if not everything:
            return [f"Tenant {self.tenant} received no vendor requests at all."]
        counts = Counter(f"{r['vendor']}.{r['operation']}" for r in everything)
        names = {name.split(".", 1)[1] for name in counts} | set(counts)
        close = difflib.get_close_matches(operation, names, n=3)
        lines = [f"Did you mean {', '.join(close)}?"] if close else []
        lines.append("Calls this tenant received: " + ", ".join(f"{name} x{n}" for name, n in counts.items()))
        return lines
