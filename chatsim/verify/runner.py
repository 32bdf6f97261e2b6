"""Running flows: send each step, then check status, vendor code, body and the vendor's spec.

The spec check is ``chatsim.selfcheck.ResponseChecker``, the same openapi-core check chatsim runs
on itself, so a real deployment and the simulator are held to one standard.
"""

import re
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import field
from typing import Any

from chatsim.dataclass import dataclass
from chatsim.toolkit.expect import Difference, differences, lookup, mismatch
from chatsim.toolkit.http import ChatsimError, HttpResponse, request
from chatsim.verify.flows import Flow, Scope, Step, code_field_of


@dataclass
class StepResult:
    flow: str
    step: str
    doc: str
    outcome: str  # passed | failed | skipped
    problems: list[str] = field(default_factory=list)
    request: str = ""
    answer: str = ""
    seconds: float = 0.0


LOG_FILTERS = ("appId", "peer", "chatroom", "type", "kind", "since")


def log_place(base_url: str, headers: dict[str, str]) -> tuple[str, str]:
    """(server root, tenant) of the conversation log a flow's messages steps read: the tenant of a
    ``/_t/NAME`` base URL, else of the ``X-Chatsim-Tenant`` header, else chatsim's default one."""
    parts = urllib.parse.urlsplit(base_url)
    prefixed = re.search(r"/_t/([^/]+)", parts.path)
    tenant = prefixed[1] if prefixed else headers.get("X-Chatsim-Tenant", "default")
    return f"{parts.scheme}://{parts.netloc}", tenant


class SpecCheck:
    """Finds a step's operation in the vendor's spec and checks the response against it."""

    def __init__(self, vendor: str) -> None:
        from chatsim.chain import bind_all
        from chatsim.routing import Router
        from chatsim.selfcheck import ResponseChecker
        from chatsim.vendors.registry import discover

        self.vendor = vendor
        vendors = {vendor: discover()[vendor]}
        self._router = Router(vendors.values(), bind_all(vendors))
        self._checker = ResponseChecker(vendors)

    def problems(self, method: str, path: str, response: HttpResponse) -> list[str]:
        op, params, _ = self._router.match(method, path.split("?", 1)[0])
        if op is None:
            return [f"{method} {path} is not in the {self.vendor} spec (set expect.spec: false for "
                    "deliberately undocumented calls)"]
        content_type = response.content_type or "application/json"
        return [f"spec: {problem}" for problem in
                self._checker.problems(op, params, response.status, content_type, response.body)]


class Runner:
    def __init__(self, base_url: str, spec: SpecCheck | None, variables: dict[str, Any] | None = None,
                 timeout: float = 15.0, on_step: Callable[[StepResult], None] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = headers or {}  # sent with every step, under the flow's own
        self.spec = spec
        self.overrides = variables or {}
        self.timeout = timeout
        self.on_step = on_step or (lambda result: None)

    def run(self, flow: Flow) -> list[StepResult]:
        scope = Scope({**flow.vars, **self.overrides})
        code_field = flow.code_field or code_field_of(self.spec.vendor if self.spec else flow.vendor)
        results: list[StepResult] = []
        failed = False
        for step in flow.steps:
            if failed:
                result = StepResult(flow.name, step.name, step.doc, "skipped", ["an earlier step failed"])
            else:
                result = self._step(flow, step, scope, code_field)
                failed = result.outcome == "failed"
            results.append(result)
            self.on_step(result)
        return results

    def _step(self, flow: Flow, step: Step, scope: Scope, code_field: str) -> StepResult:
        if step.messages is not None:
            return self._messages(flow, step, step.messages, scope)
        result = StepResult(flow.name, step.name, step.doc, "failed")
        started = time.perf_counter()
        try:
            req = scope.resolve(step.request)
            headers = {k: str(v) for k, v in scope.resolve({**self.headers, **flow.headers,
                                                             **req.get("headers", {})}).items() if v is not None}
            expect = scope.resolve(step.expect)
        except LookupError as exc:
            result.problems = [f"cannot build the request: {exc.args[0]}"]
            return result
        result.request = f"{req['method']} {req['path']}"
        if "content_type" in req:
            headers.setdefault("Content-Type", req["content_type"])
        response = self._send(result, started, req["method"], self.base_url + req["path"], params=req.get("query"),
                              json_body=req.get("json"), form=req.get("form"), headers=headers,
                              data=req["body"].encode() if "body" in req else None)
        if response is None:
            return result
        body = response.json()
        scope.record(step.name, response.status, response.headers, body)
        code = lookup(body, code_field) if code_field else None
        result.answer = f"{response.status}" + (f" {code_field}={code!r}" if code_field and code is not None else "")
        result.problems = self._check(req, expect, response, body, code_field)
        result.outcome = "failed" if result.problems else "passed"
        return result

    def _send(self, result: StepResult, started: float, method: str, url: str, **options: Any) -> HttpResponse | None:
        """The answer to the step's request, or None (and the step's problem) when none came."""
        try:
            return request(method, url, timeout=self.timeout, **options)
        except ChatsimError as exc:
            result.problems = [f"no answer: {exc}"]
            return None
        finally:
            result.seconds = time.perf_counter() - started

    def _messages(self, flow: Flow, step: Step, wanted: dict[str, Any], scope: Scope) -> StepResult:
        """A conversation-log expectation: how many logged messages match the filters, and what the
        newest of them says. Skipped where the server keeps no log (not a chatsim)."""
        result = StepResult(flow.name, step.name, step.doc, "failed")
        started = time.perf_counter()
        try:
            wanted = scope.resolve(wanted)
            headers = {k: str(v) for k, v in scope.resolve({**self.headers, **flow.headers}).items() if v is not None}
        except LookupError as exc:
            result.problems = [f"cannot build the request: {exc.args[0]}"]
            return result
        root, tenant = log_place(self.base_url, headers)
        vendor = self.spec.vendor if self.spec else flow.vendor
        path = f"/_chatsim/tenants/{urllib.parse.quote(tenant, safe='')}/{vendor}/messages"
        filters = {name: str(wanted[name]) for name in LOG_FILTERS if name in wanted}
        result.request = f"GET {path}"
        response = self._send(result, started, "GET", root + path, params=filters)
        if response is None:
            return result
        body = response.json()
        if response.status != 200 or not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            result.outcome = "skipped"
            result.answer = f"no conversation log at {path} (answered {response.status}: not a chatsim)"
            return result
        scope.record(step.name, response.status, response.headers, body)
        found = body["messages"]
        result.answer = f"{len(found)} message{'' if len(found) == 1 else 's'}"
        problem = mismatch(len(found), wanted.get("count", {"ge": 1}))
        problems = [] if problem is None else [str(Difference("count", problem, len(found)))]
        if "latest" in wanted:
            problems += ["latest: no message matched"] if not found else \
                [f"latest.{d}" for d in differences(found[-1], wanted["latest"])]
        result.problems = problems
        result.outcome = "failed" if problems else "passed"
        return result

    def _check(self, req: dict[str, Any], expect: dict[str, Any], response: HttpResponse, body: Any,
               code_field: str) -> list[str]:
        problems = []
        wanted_status = expect.get("status", 200)
        if response.status != wanted_status:
            problems.append(f"status: expected {wanted_status}, got {response.status}")
        if "code" in expect:
            problem = mismatch(lookup(body, code_field), expect["code"])
            if problem is not None:
                problems.append(str(Difference(f"code ({code_field})", problem, lookup(body, code_field))))
        problems += [f"body.{d}" for d in differences(body, expect.get("body", {}))]
        if self.spec is not None and expect.get("spec", True):
            problems += self.spec.problems(req["method"], req["path"], response)
        return problems

