"""Request validation against an operation's compiled fields.

Every problem is collected (field, rule, expected, got) in the order the spec declares the fields:
vendors that show only one problem show the first, and the ``X-Chatsim-Violations`` header carries
them all. Strings are turned into the declared scalar type first, because real clients send numbers
and booleans as strings (form bodies always do, nonebot and the Java TOP SDK do in JSON too).
"""

import re
from collections.abc import Mapping
from typing import Any

import orjson
from fastjsonschema import JsonSchemaValueException

from chatsim.formbody import parse_form
from chatsim.spec.operations import MISSING, Operation, Policy, Violation

_INT = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


class BodyError(Exception):
    """The body could not be parsed in the format its Content-Type names."""


def parse_body(raw: bytes, content_type: str) -> Any:
    if not raw:
        return {}
    if "x-www-form-urlencoded" in content_type:
        # Strict, not "replace": distinct byte strings must not become the same value (U+FFFD).
        try:
            return parse_form(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise BodyError(f"form body is not UTF-8: {exc.reason} at byte {exc.start}") from None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BodyError(str(exc)) from None


def coerce(value: Any, type_: str | None) -> Any:
    """Turn a string into the declared scalar type when it cleanly is one; leave it otherwise."""
    if not isinstance(value, str) or type_ in (None, "string"):
        return value
    if type_ == "integer" and _INT.match(value):
        return int(value)
    if type_ == "number" and _NUMBER.match(value):
        number = float(value)
        return int(number) if number.is_integer() and _INT.match(value) else number
    if type_ == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def validate_fields(op: Operation, sources: Mapping[str, Any],
                    policy: Policy) -> tuple[dict[str, Any], list[Violation]]:
    """Look up, coerce and check each declared field; return the typed values and the violations.

    This runs on every request, so it keeps to locals and skips coercion where nothing can change.
    """
    values: dict[str, Any] = {}
    violations: list[Violation] = []
    empty_is_missing, custom_coerce = policy.empty_is_missing, policy.coerce
    for fld in op.fields:
        value = MISSING
        for source in fld.sources:
            found = sources[source].get(fld.name, MISSING)
            if found is not MISSING and not (empty_is_missing and found == ""):
                value = found
                break
        if value is MISSING:
            if fld.required:
                violations.append(Violation(fld.name, fld.location, "required", True, MISSING, fld))
            elif fld.default is not MISSING:
                values[fld.name] = fld.default
            continue
        if custom_coerce is not None:
            value = custom_coerce(value, fld)
        elif type(value) is str and fld.type not in (None, "string"):
            value = coerce(value, fld.type)
        decided = fld.type_only  # chatsim.spec.typeonly: the type alone decides, without an exception
        if decided is not None and type(value) in decided.valid:
            values[fld.name] = value
            continue
        if decided is not None and type(value) not in decided.ask:
            rule, expected = "type", decided.expected
        else:
            try:
                fld.validate(value)
            except JsonSchemaValueException as exc:
                rule, expected = exc.rule or "schema", exc.rule_definition
            else:
                values[fld.name] = value
                continue
        if not fld.required and fld.default is not MISSING and policy.bad_optional_takes_default:
            values[fld.name] = fld.default
            continue
        violations.append(Violation(fld.name, fld.location, rule, expected, value, fld))
    return values, violations
