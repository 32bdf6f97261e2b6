"""The chain's ``faults`` step at work: a call matched against its tenant's fault rules, and
answered as the first rule that fires says (``chatsim/faults/rules.py`` keeps the rules).

It runs after validation and before the handler, so a throttled or failed call changes nothing,
exactly as one the real gateway refused; the one exception is ``disconnect.after_apply``, whose
point is a call that took effect and an answer that was lost. Rules are walked in order: latency
rules add up (or advance the virtual clock) and the walk goes on; the first rate limit that
refuses, error that fires, canned answer or disconnect answers the call. Every rule that changed
the call leaves a ``fault`` sub-event on the journal record and, unless it says ``header: false``,
its index and effect in the ``X-Chatsim-Fault`` header.

The answers are the vendor's own (its ``FaultAnswers``); a vendor without them gets chatsim's
generic ones. Ids an answer carries come from the rule's own stream, never the tenant's.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from chatsim.contract import Call, FaultAnswers, Reply, encode
from chatsim.faults.limiter import Throttle
from chatsim.faults.rules import Rule
from chatsim.ids import IdGenerator
from chatsim.trace import FAULT, Trace

FAULT_HEADER = "X-Chatsim-Fault"
ANSWERING = frozenset({"rate_limit", "error", "respond", "disconnect"})  # effects that answer in the handler's place
UNKNOWN_ROUTE = "(unknown route)"
Outcome = Reply | Awaitable[Reply] | None
Proceed = Callable[[], Reply | Awaitable[Reply]]


class GenericFaults:
    """For a vendor that brings no answers of its own: HTTP 429 for a throttle, its internal error."""

    error_kinds: tuple[str, ...] = ("internal",)

    def account(self, call: Call[Any, Any]) -> str | None:
        return None

    def throttled(self, call: Call[Any, Any], throttle: Throttle, settings: Mapping[str, Any],
                  ids: IdGenerator) -> Reply:
        return Reply.json({"error": f"rate limited: more than {throttle.requests} calls in "
                                    f"{throttle.per_seconds:g} s"}, status=429,
                          headers={"Retry-After": str(max(1, round(throttle.until - call.now)))})

    def system_error(self, call: Call[Any, Any], kind: str, ids: IdGenerator) -> Reply:
        return call.vendor.errors.internal_error(call, RuntimeError("injected fault"))


GENERIC = GenericFaults()


def inject(call: Call[Any, Any], rules: Sequence[Rule], proceed: Proceed) -> Outcome:
    """What the rules make of this call: None (nothing fired: the chain goes on), a Reply, or an
    awaitable of one (a real delay, or a handler that ran for ``after_apply``)."""
    op = call.op
    operation = op.operation_id if op is not None else UNKNOWN_ROUTE
    answers: FaultAnswers = call.vendor.faults or GENERIC
    vendor = call.vendor.name  # the rules are this vendor's and operation's: ``account`` is left to check
    found: list[str | None] = []

    def account() -> str | None:  # looked up once, and only if a rule names an account
        if not found:
            found.append(answers.account(call))
        return found[0]

    notes: list[str] = []
    delay_ms = 0.0
    for rule in rules:
        if not rule.matches(vendor, operation, account) or not rule.admit():
            continue
        if rule.effect == "latency":
            delay_ms += _latency(call, rule, notes)
            continue
        reply = _answer(call, rule, answers, operation, account, notes)
        if reply is None:
            continue
        if rule.effect == "disconnect" and rule.settings.get("after_apply"):
            return _finish(delay_ms, _lose_answer(proceed, reply), notes)
        return _finish(delay_ms, _given(reply), notes)
    if delay_ms <= 0 and not notes:  # nothing fired, or only rules that keep quiet and wait for nobody
        return None
    return _finish(delay_ms, proceed, notes)


def _answer(call: Call[Any, Any], rule: Rule, answers: FaultAnswers, operation: str,
            account: Callable[[], str | None], notes: list[str]) -> Reply | None:
    """The answer of a rule that fires on this call, or None if it lets the call go."""
    settings, effect = rule.settings, rule.effect
    if effect == "rate_limit":
        throttle = rule.throttle(_scope_key(settings.get("scope", "api"), operation, account), call.now)
        if throttle is None:
            return None
        answer = settings.get("answer")
        reply = canned(answer) if answer is not None else answers.throttled(call, throttle, settings, _ids(rule))
        _note(call, rule, "throttled", notes, {"key": throttle.key, "until": throttle.until})
        return reply
    if effect == "error":
        if not rule.fires(float(settings.get("rate", 1.0))):
            return None
        kind = settings.get("kind") or answers.error_kinds[0]
        if kind not in answers.error_kinds:
            kind = answers.error_kinds[0]
        _note(call, rule, kind, notes)
        return answers.system_error(call, kind, _ids(rule))
    if effect == "respond":
        _note(call, rule, "responded", notes)
        return canned(settings)
    if not rule.fires(float(settings.get("rate", 1.0))):  # disconnect
        return None
    mode = settings.get("mode", "reset")
    _note(call, rule, mode, notes, {"after_apply": bool(settings.get("after_apply"))})
    body = rule.rng.randbytes(rule.rng.randint(16, 256)) if mode == "garbage" else b""
    return Reply(body, 0, disconnect=mode)


def answered_by_fault(trace: Trace | None) -> bool:
    """Whether a rule answered this call instead of its handler (the self-check leaves those alone)."""
    return trace is not None and any(e.kind == FAULT and e.data["effect"] in ANSWERING for e in trace.sub_events)


def _scope_key(scope: str, operation: str, account: Callable[[], str | None]) -> str:
    """app: per app and operation; api: per operation; tenant: one count for everything matched."""
    if scope == "tenant":
        return "*"
    if scope == "app":
        return f"{account() or '-'} {operation}"
    return operation


def _latency(call: Call[Any, Any], rule: Rule, notes: list[str]) -> float:
    """Real waiting to add (ms), or none when the rule asks for virtual time only (the clock moves)."""
    delay_ms = rule.latency_ms()
    virtual = bool(rule.settings.get("virtual"))
    _note(call, rule, "virtual" if virtual else "delayed", notes, {"ms": round(delay_ms, 3)})
    if virtual:
        call.ctx.clock.advance(delay_ms / 1000)
        return 0.0
    return delay_ms


def _note(call: Call[Any, Any], rule: Rule, outcome: str, notes: list[str],
          detail: Mapping[str, Any] | None = None) -> None:
    rule.count(outcome)
    call.trace.add(FAULT, {"rule": rule.index, "effect": rule.effect, "outcome": outcome, **(detail or {})})
    if rule.header:
        notes.append(f"rule={rule.index}; effect={rule.effect}; outcome={outcome}")


def _ids(rule: Rule) -> IdGenerator:
    return IdGenerator(rule.rng.getrandbits(64), "fault")


def canned(answer: Mapping[str, Any]) -> Reply:
    """A rule's literal answer: a JSON value is sent as JSON, text as it is."""
    body = answer.get("body")
    return Reply(encode(body), int(answer.get("status", 200)), dict(answer.get("headers") or {}) or None)


def _given(reply: Reply) -> Proceed:
    return lambda: reply


def _lose_answer(proceed: Proceed, lost: Reply) -> Proceed:
    """``after_apply``: the handler runs, then its answer is replaced by the broken connection."""
    def run() -> Reply | Awaitable[Reply]:
        reply = proceed()
        if isinstance(reply, Reply):
            return lost

        async def later() -> Reply:
            await reply
            return lost
        return later()
    return run


def _finish(delay_ms: float, then: Proceed, notes: list[str]) -> Reply | Awaitable[Reply]:
    """Wait the real delay (if any), get the answer, add the header."""
    if delay_ms <= 0:
        reply = then()
        return _marked(reply, notes) if isinstance(reply, Reply) else _marked_later(0.0, reply, notes)
    return _marked_later(delay_ms / 1000, then, notes)


async def _marked_later(seconds: float, then: Proceed | Awaitable[Reply], notes: list[str]) -> Reply:
    if seconds:
        await asyncio.sleep(seconds)
    reply = then() if callable(then) else then
    if not isinstance(reply, Reply):
        reply = await reply
    return _marked(reply, notes)


def _marked(reply: Reply, notes: list[str]) -> Reply:
    if not notes or reply.disconnect is not None:
        return reply
    headers = {**(reply.headers or {}), FAULT_HEADER: ", ".join(notes)}
    return Reply(reply.body, reply.status, headers, reply.vendor_code, reply.disconnect)
