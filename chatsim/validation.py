"""Request validation against an operation's compiled fields.

Every problem is collected (field, rule, expected, got) in the order the spec declares the fields:
vendors that show only one problem show the first, and the ``X-Chatsim-Violations`` header carries
them all. Strings are turned into the declared scalar type first, because real clients send numbers
and booleans as strings (form bodies always do, nonebot and the Java TOP SDK do in JSON too).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
from fastjsonschema import JsonSchemaValueException
from multidict import istr

from chatsim.spec import MISSING, FastPath, Field, Operation, to_json_schema

_INT = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(slots=True)
class Violation:
    field: str
    location: str
    rule: str
    expected: Any
    got: Any
    spec: Field | None = None

    def to_json(self) -> dict[str, Any]:
        got = self.got if self.got is not MISSING else None
        return {"field": self.field, "in": self.location, "rule": self.rule, "expected": self.expected,
                "got": got}


@dataclass(frozen=True, slots=True)
class Policy:
    """How a vendor's own validator treats edge cases."""

    empty_is_missing: bool = False
    bad_optional_takes_default: bool = False
    # A vendor whose validator converts values its own way (egg.js valparams stringifies everything,
    # then compares enums as text) supplies it here; it replaces ``coerce`` for that vendor.
    coerce: Callable[[Any, Field], Any] | None = None


class BodyError(Exception):
    """The body could not be parsed in the format its Content-Type names."""


def parse_body(raw: bytes, content_type: str) -> Any:
    if not raw:
        return {}
    if "x-www-form-urlencoded" in content_type:
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
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


def validate_fields(op: Operation, sources: dict[str, Any], policy: Policy) -> tuple[dict[str, Any], list[Violation]]:
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
        try:
            fld.validate(value)
        except JsonSchemaValueException as exc:
            if not fld.required and fld.default is not MISSING and policy.bad_optional_takes_default:
                values[fld.name] = fld.default
                continue
            violations.append(Violation(fld.name, fld.location, exc.rule or "schema", exc.rule_definition,
                                        value, fld))
            continue
        values[fld.name] = value
    return values, violations


# JSON types whose check is one ``type(v) is ...`` when the schema says nothing else (bool is not an
# int here, as in JSON Schema); anything else goes through the field's compiled validator.
_EXACT = {"string": ("str",), "boolean": ("bool",), "integer": ("int",), "number": ("int", "float"),
          "object": ("dict",), "array": ("list",)}
_NOT_CONSTRAINTS = {"type", "description", "title", "default", "$comment"}
_REQUEST_PART = {"header": "headers", "query": "query"}


def compile_fast_path(op: Operation, policy: Policy) -> FastPath:
    """Straight-line Python for one operation's happy path, generated once at start-up.

    It answers the typed values when every field is present (or defaulted), already of its declared
    type and valid; anything else (a missing field, a string to coerce, an empty value a vendor
    treats as missing, a failed check) answers None, and ``validate_fields``, the reference, runs
    and says what is wrong. The generic loop costs about 450 ns a field, this about a tenth: each
    value lives in a local, a required field's type test also rejects its absence, the values are
    built with one dict display, and headers and query are read only by operations that have them.
    """
    env: dict[str, Any] = {"MISSING": MISSING, "JsonSchemaValueException": JsonSchemaValueException,
                           "coerce": policy.coerce}
    lines = ["def fast_path(request, s_path, s_body):"]
    parts = sorted(op.sources.intersection(_REQUEST_PART))
    lines += [f"    s_{name} = request.{_REQUEST_PART[name]}" for name in parts]
    always, optional = [], []
    for i, fld in enumerate(op.fields):
        env[f"field{i}"], env[f"validate{i}"], env[f"default{i}"] = fld, fld.validate, fld.default
        value = f"v{i}"
        if "header" in fld.sources:  # as istr, so that multidict does not case-fold it on every request
            env[f"header{i}"] = istr(fld.name)
        keys = [f"header{i}" if source == "header" else repr(fld.name) for source in fld.sources]
        first, *others = zip(fld.sources, keys, strict=True)
        lines.append(f"    {value} = s_{first[0]}.get({first[1]}, MISSING)")
        for source, key in others:
            lines.append(f"    if {value} is MISSING: {value} = s_{source}.get({key}, MISSING)")
        checks = _check(fld, i, policy)
        if fld.required:
            always.append((fld.name, value))
            if _exact_types(fld, policy) is None:  # an exact type test turns MISSING away by itself
                lines.append(f"    if {value} is MISSING: return None")
            lines += [f"    {line}" for line in checks]
            continue
        if fld.default is not MISSING:
            always.append((fld.name, value))
            lines += [f"    if {value} is MISSING: {value} = default{i}", "    else:"]
        else:
            optional.append((fld.name, value))
            lines.append(f"    if {value} is not MISSING:")
        lines += [f"        {line}" for line in checks]
    lines.append("    values = {" + ", ".join(f"{name!r}: {value}" for name, value in always) + "}")
    lines += [f"    if {value} is not MISSING: values[{name!r}] = {value}" for name, value in optional]
    lines.append("    return values")
    exec(compile("\n".join(lines), f"<fast path {op.vendor} {op.operation_id}>", "exec"), env)
    return env["fast_path"]  # type: ignore[no-any-return]


def _exact_types(fld: Field, policy: Policy) -> tuple[str, ...] | None:
    """The Python types a value must already have, when one ``type(v) is`` test decides the type."""
    if policy.coerce is not None or not isinstance(fld.type, str):
        return None
    return _EXACT.get(fld.type)


def _check(fld: Field, i: int, policy: Policy) -> list[str]:
    """Lines that return None unless ``v{i}`` is of the field's type and passes its schema."""
    value = f"v{i}"
    # Without a custom coercion only a string can be "", and any other type fails its type test anyway.
    can_be_empty = policy.coerce is not None or fld.type in (None, "string")
    empty = [f'if {value} == "": return None'] if policy.empty_is_missing and can_be_empty else []
    if policy.coerce is not None:
        lines = [*empty, f"{value} = coerce({value}, field{i})"]
    else:
        exact = _exact_types(fld, policy)
        if exact is not None:
            test = " and ".join(f"type({value}) is not {name}" for name in exact)
            lines = [f"if {test}: return None", *empty]
            if not set(to_json_schema(fld.schema)) - _NOT_CONSTRAINTS:
                return lines
        elif fld.type is not None:
            return ["return None"]
        else:
            lines = empty
    return [*lines, "try:", f"    validate{i}({value})", "except JsonSchemaValueException:", "    return None"]
