"""A speed trick: a vendor's own coercion written out in the fast path for its two common cases.

egg.js's valparams stringifies every value and converts only integers back, so a form field or a
path segment (always text) keeps its text in any field that is not an integer, and a text of ASCII
digits becomes that integer. A vendor whose ``Policy.coerce`` behaves so says
``coerce_shortcuts``; the fast path then tests for those cases inline and calls ``coerce`` only for
the rest (a sign, a number already parsed from JSON, an enum without the value). Calling it for
every field was a tenth of an egg.js request's own work. ``tests/test_coercelines.py`` holds the
two equal over values on every side of each case.
"""

from typing import Any

from chatsim.spec.operations import Field, Policy

# The longest digit text float() still holds exactly (the vendor parses a JavaScript double).
_EXACT_DIGITS = 15


def coerce_lines(fld: Field, i: int, policy: Policy, env: dict[str, Any]) -> list[str]:
    """Lines that set ``v{i}`` to what ``coerce(v{i}, field{i})`` answers."""
    value, call = f"v{i}", f"v{i} = coerce(v{i}, field{i})"
    if not policy.coerce_shortcuts:
        return [call]
    if fld.type != "integer":
        return [f"if type({value}) is not str: {call}"]
    test = (f"type({value}) is str and {value}.isdigit() and {value}.isascii()"
            f" and len({value}) <= {_EXACT_DIGITS}")
    enum = fld.schema.get("enum")
    if enum is not None:  # compared as text, as the vendor compares them
        env[f"enum_text{i}"] = frozenset(map(str, enum))
        test += f" and {value} in enum_text{i}"
    return [f"if {test}: {value} = int({value})", f"else: {call}"]
