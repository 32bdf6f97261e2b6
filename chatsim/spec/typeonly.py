"""A speed trick, kept apart: a field's verdict from the value's Python type alone, where that
decides it, without fastjsonschema.

Request values are always of the exact built-in types (orjson's, the form parser's, the header and
path strings, what coercion makes). For a schema that is one JSON type and scalar constraints
(bounds, lengths, a pattern, a format, an enum), fastjsonschema checks the type first, so a value
of any other Python type fails its ``type`` rule whatever the constraints; and when the schema
says nothing but the type, a value of that type passes. The rest (a value of the type against
its constraints; a float for ``integer``, as 1.0 is one and 1.5 is not) it is still asked. A
wrong type is most validation failures (a "yes" for a boolean, an "abc" for an id), and the
reference loop learnt of it from fastjsonschema's exception: raising and catching it, with the
validator's own frames, was most of what such an answer cost beyond a success.
``tests/test_type_only.py`` holds the verdicts equal to fastjsonschema's for every field of every
spec this decides and values of every type.
"""

from collections.abc import Mapping
from typing import Any

from chatsim.dataclass import dataclass
from chatsim.spec.openapi import to_json_schema

# The Python types that are each JSON type (bool is not an integer here, as in JSON Schema).
EXACT_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "boolean": (bool,), "integer": (int,),
                                            "number": (int, float), "object": (dict,), "array": (list,)}
# What fastjsonschema is still asked of a value of these types (the rest are all of one verdict).
_ASK: dict[str, tuple[type, ...]] = {"integer": (float,)}
# Keys of a schema that constrain nothing.
NOT_CONSTRAINTS = frozenset({"type", "description", "title", "default", "$comment"})
# Constraints fastjsonschema checks only on a value of the schema's type, after the type.
_SCALAR_CONSTRAINTS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
                                 "minLength", "maxLength", "pattern", "format", "enum"})


@dataclass(frozen=True, slots=True)
class TypeOnly:
    """How to decide a field: ``valid`` types pass, ``ask`` types go to the validator, any other
    fails the ``type`` rule with ``expected`` as fastjsonschema reports it."""

    valid: tuple[type, ...]
    ask: tuple[type, ...]
    expected: str


def type_only(schema: Mapping[str, Any]) -> TypeOnly | None:
    """The field's TypeOnly when its (OpenAPI) schema is one JSON type, and scalar constraints if any."""
    json_schema = to_json_schema(schema)
    kind = json_schema.get("type")
    if not isinstance(kind, str) or kind not in EXACT_TYPES:
        return None
    if NOT_CONSTRAINTS.issuperset(json_schema):
        return TypeOnly(EXACT_TYPES[kind], _ASK.get(kind, ()), kind)
    if (NOT_CONSTRAINTS | _SCALAR_CONSTRAINTS).issuperset(json_schema):
        return TypeOnly((), EXACT_TYPES[kind] + _ASK.get(kind, ()), kind)
    return None
