"""How the backend says no: egg-valparams' zh-cn messages and the global error handler's envelope.

valparams turns every value into a string (`${value}`) before checking it, compares `in` lists as
text, and reports only the first failing rule of the first failing field; the error handler sends
that one message as `data` with HTTP 422. Thrown errors keep their status; in the prod env a 500
says only "Internal Server Error".
"""

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from chatsim.contract import Call, Reply, SimError, refused_as
from chatsim.spec.operations import Field, Violation

NUMBER_MAX = 10_000_000_000_000_000  # valparams' implied bound for numbers
STRING_MAX = 10_000_000  # and for string lengths
NOT_FOUND = "404 错误"
BAD_BODY = "invalid JSON, only supports object and array"
_INT_TEXT = re.compile(r"[+-]?[0-9]+")  # validator.js isInt: leading zeroes and a sign allowed


class EggError(SimError):
    """A failure the backend reports itself: apiFail / ctx.throw (400) or a thrown JS error (500)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def fail(message: str, status: int) -> Reply:
    return Reply.json({"msg": "fail", "data": message}, status=status, vendor_code=message)


def js_text(value: Any) -> str:
    """What `${value}` gives in JavaScript for a value parsed from a JSON body."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, list):
        return ",".join("" if item is None else js_text(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def valparams_coerce(value: Any, fld: Field) -> Any:
    """The core's coercion step, valparams style: text for a failure, a number only when it passes."""
    text = js_text(value)
    if fld.type != "integer" or not _INT_TEXT.fullmatch(text):
        return text
    enum = fld.schema.get("enum")
    if enum is not None and text not in map(str, enum):
        return text
    number = float(text)  # parseInt gives a JS double: huge values round, absurd ones are Infinity
    return int(number) if math.isfinite(number) else text


def _between(desc: str, what: str, low: Any, high: Any) -> str:
    return f"{desc} 的{what} 必须 在 {low} 和 {high} 之间"


def message(violation: Violation) -> str:
    """The valparams message for the first violation, re-derived from the value as valparams saw it."""
    fld = violation.spec
    assert fld is not None
    desc = fld.description
    if violation.rule == "required":
        return f"{desc}不能为空"
    text, schema = js_text(violation.got), fld.schema
    if fld.type == "integer":
        if not _INT_TEXT.fullmatch(text):
            return f"{desc} 的值 `{text}` 的类型不是 `int`"
        low, high = schema.get("minimum", -NUMBER_MAX), schema.get("maximum", NUMBER_MAX)
        if not low <= float(text) <= high:
            return _between(desc, "数值", low, high)
    else:
        low, high = schema.get("minLength", 0), schema.get("maxLength", STRING_MAX)
        if not low <= len(text) <= high:
            return _between(desc, "长度", low, high)
    values = "`、`".join(map(str, schema.get("enum", ())))
    return f"{desc} 的值 `{text}` 必须在 [`{values}`] 中"


def render_violations(violations: Sequence[Violation]) -> Reply:
    first = violations[0]
    if first.spec is None:  # the body itself: koa-bodyparser refuses it before any middleware runs
        return fail(BAD_BODY, 400)
    return fail(message(first), 422)


def render_thrown(text: str, status: int, prod: bool) -> Reply:
    return fail("Internal Server Error" if prod and status >= 500 else text, status)


def render_error(error: SimError, prod: bool) -> Reply:
    return render_thrown(str(error), getattr(error, "status", 500), prod)


class EggErrors:
    """The backend's answers per failure: valparams' 422, the middleware's and controllers' 400s,
    the error handler's 500 (only "Internal Server Error" in the prod env), koa's 404."""

    def __init__(self, prod: Callable[[Any], bool]) -> None:
        self._prod = prod  # whether a world runs in the prod env

    def violations(self, call: Call[Any, Any], violations: Sequence[Violation]) -> Reply:
        return render_violations(violations)

    def error(self, call: Call[Any, Any], error: SimError) -> Reply:
        return render_error(error, self._prod(call.world))

    def internal_error(self, call: Call[Any, Any], error: Exception) -> Reply:
        return render_thrown(str(error) or type(error).__name__, 500, self._prod(call.world))

    def not_implemented(self, call: Call[Any, Any]) -> Reply:
        return fail(NOT_FOUND, 404)

    def refused(self, call: Call[Any, Any], status: int, reason: str) -> Reply:
        """koa's 404 for a path that cannot exist; otherwise what egg-onerror makes of the error koa
        throws (koa-bodyparser's 413, node's 431)."""
        if status == 404:
            return refused_as(fail(NOT_FOUND, 404), status, reason)
        prod = call.world is not None and self._prod(call.world)
        return refused_as(render_thrown(reason, status, prod), status, reason)

    def unknown_route(self, call: Call[Any, Any]) -> Reply:
        return fail(NOT_FOUND, 404)
