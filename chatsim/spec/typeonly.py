"""A speed trick, kept apart: a field whose schema is a JSON type and nothing else is decided by
the value's Python type, without fastjsonschema.

Request values are always of the exact built-in types (orjson's, the form parser's, the header and
path strings, what coercion makes), and for them fastjsonschema's verdict on ``{"type": T}`` is a
function of the Python type alone, except a float for ``integer`` (1.0 is one, 1.5 is not), which
it is still asked. A wrong type is most validation failures (a "yes" for a boolean), and the
reference loop learnt of it from fastjsonschema's exception: raising and catching it, with the
validator's own frames, was most of what such an answer cost beyond a success.
``tests/test_type_only.py`` holds the verdicts equal to fastjsonschema's for every such field of
every spec and values of every type.
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


@dataclass(frozen=True, slots=True)
class TypeOnly:
    """How to decide a type-only field: ``valid`` types pass, ``ask`` types go to the validator,
    any other fails the ``type`` rule with ``expected`` as fastjsonschema reports it."""

    valid: tuple[type, ...]
    ask: tuple[type, ...]
    expected: str


def type_only(schema: Mapping[str, Any]) -> TypeOnly | None:
    """The field's TypeOnly when its (OpenAPI) schema is one JSON type and nothing that constrains."""
    json_schema = to_json_schema(schema)
    kind = json_schema.get("type")
    if not isinstance(kind, str) or kind not in EXACT_TYPES or not NOT_CONSTRAINTS.issuperset(json_schema):
        return None
    return TypeOnly(EXACT_TYPES[kind], _ASK.get(kind, ()), kind)
