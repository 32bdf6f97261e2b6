"""Running flows: send each step, then check status, vendor code, body and the vendor's spec.

The spec check is ``chatsim.selfcheck.ResponseChecker``, the same openapi-core check chatsim runs
on itself, so a real deployment and the simulator are held to one standard.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
        try:
            response = request(req["method"], self.base_url + req["path"], params=req.get("query"),
                               json_body=req.get("json"), form=req.get("form"), headers=headers,
                               data=req["body"].encode() if "body" in req else None, timeout=self.timeout)
        except ChatsimError as exc:
            result.problems = [f"no answer: {exc}"]
            return result
        finally:
            result.seconds = time.perf_counter() - started
        body = response.json()
        scope.record(step.name, response.status, response.headers, body)
        code = lookup(body, code_field) if code_field else None
        result.answer = f"{response.status}" + (f" {code_field}={code!r}" if code_field and code is not None else "")
        result.problems = self._check(req, expect, response, body, code_field)
        result.outcome = "failed" if result.problems else "passed"
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
