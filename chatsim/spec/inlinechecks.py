"""The fast path's own checks of a field's constraints, as lines of Python, where they are simple.

A speed trick for ``chatsim.spec.fastpath``: a call into a fastjsonschema validator costs about a
microsecond, and most of the specs' constrained fields carry one or two plain rules (every integer
is bounded to what the vendor stores; enums, lengths, lists of strings). Written out, each rule is
one comparison. The lines run after the field's exact type test, so the value is of the schema's
Python type; they ``return None`` on any rule that fails, and the reference then says what is
wrong. A schema with any other rule (a pattern, a format, nested objects) answers None here and
keeps its validator. A field that is one of several types (``anyOf``: GeWe's ids as text or a
number, DingTalk's userids as a list or comma-separated) is a type test per branch with its rules;
fastjsonschema tried the branches in turn, raising and catching an exception for each that failed.
``tests/test_fast_path.py`` feeds every field values on both sides of each of its bounds (in every
branch) and requires the fast path to agree with the reference.
"""

import operator
from collections.abc import Mapping
from typing import Any

from chatsim.spec.typeonly import EXACT_TYPES, NOT_CONSTRAINTS

# rule -> the comparison that fails it, as written and as Python evaluates it
_BOUNDS = {"minimum": ("<", operator.lt), "maximum": (">", operator.gt), "exclusiveMinimum": ("<=", operator.le),
           "exclusiveMaximum": (">=", operator.ge)}
_LENGTHS = {"string": {"minLength": ("<", operator.lt), "maxLength": (">", operator.gt)},
            "array": {"minItems": ("<", operator.lt), "maxItems": (">", operator.gt)}}
_NUMERIC = ("integer", "number")


def constraint_lines(schema: Mapping[str, Any], kind: str, value: str, env: dict[str, Any]) -> list[str] | None:
    """Lines that return None unless ``value`` (already of JSON type ``kind``) passes every rule of
    ``schema`` (plain JSON Schema); None when a rule is not one this writes out. Constants the
    lines need are put into ``env`` under names made from ``value``. With an enum, a bound every
    member meets (an enum of 0 and 1 inside the int64 bounds) is not written."""
    members = schema.get("enum")  # written out only when each member is of the field's own type
    if kind not in ("integer", "string") or not _all_of(members, EXACT_TYPES[kind]):
        members = None
    lines: list[str] = []
    for key, rule in schema.items():
        if key in NOT_CONSTRAINTS:
            continue
        if key in _BOUNDS and kind in _NUMERIC and type(rule) in (int, float):
            written, fails = _BOUNDS[key]
            if members is None or any(fails(member, rule) for member in members):
                lines.append(f"if {value} {written} {rule!r}: return None")
        elif key in _LENGTHS.get(kind, {}) and type(rule) is int:
            written, fails = _LENGTHS[kind][key]
            if members is None or any(fails(len(member), rule) for member in members):
                lines.append(f"if len({value}) {written} {rule}: return None")
        elif key == "enum" and members is not None:
            env[f"enum_{value}"] = frozenset(members)
            lines.append(f"if {value} not in enum_{value}: return None")
        elif key == "items" and kind == "array" and (item_types := _plain_type(rule)) is not None:
            test = " and ".join(f"type(item_{value}) is not {python.__name__}" for python in item_types)
            lines += [f"for item_{value} in {value}:", f"    if {test}: return None"]
        else:
            return None
    return lines


def any_of_lines(schema: Mapping[str, Any], value: str, env: dict[str, Any]) -> list[str] | None:
    """Lines that return None unless ``value`` (of any type) passes one branch of ``schema``'s
    ``anyOf``; None unless each branch is one JSON type with rules ``constraint_lines`` writes out
    and no two branches share a Python type (then the value's type picks the only branch it can
    pass, and a type no branch has fails)."""
    branches = schema.get("anyOf")
    if not isinstance(branches, list) or not NOT_CONSTRAINTS.issuperset(schema.keys() - {"anyOf"}):
        return None
    lines: list[str] = []
    seen: set[type] = set()
    for branch in branches:
        kind = branch.get("type") if isinstance(branch, dict) else None
        types = EXACT_TYPES.get(kind) if isinstance(kind, str) else None
        if not isinstance(kind, str) or types is None or seen.intersection(types):
            return None
        own: dict[str, Any] = {}
        rules = constraint_lines(branch, kind, value, own)
        if rules is None or own.keys() & env.keys():
            return None
        seen.update(types)
        env.update(own)
        test = " or ".join(f"type({value}) is {python.__name__}" for python in types)
        lines += [f"{'elif' if lines else 'if'} {test}:", *(f"    {rule}" for rule in rules or ["pass"])]
    return [*lines, "else: return None"] if lines else None


def _all_of(values: Any, types: tuple[type, ...]) -> bool:
    """Whether ``values`` is a list of values each of exactly one of ``types`` (not True for 1)."""
    return isinstance(values, list) and all(type(item) in types for item in values)


def _plain_type(schema: Any) -> tuple[type, ...] | None:
    """The Python types of an items schema that is one JSON type and nothing more."""
    if not isinstance(schema, dict) or not NOT_CONSTRAINTS.issuperset(schema):
        return None
    kind = schema.get("type")
    return EXACT_TYPES.get(kind) if isinstance(kind, str) else None
