"""Expectations on JSON documents, shared by flow steps, ``assert_called(where=...)`` and callbacks.

An expectation maps a dotted path (``data.v3``, ``items.0.name``) to either a plain value, compared
for equality, or a matcher mapping such as ``{type: string}`` or ``{matches: '^v3_'}``. A mapping is
always a matcher, so comparing against a whole object is spelled ``{equals: {...}}``; that keeps a
typo in a matcher name an error instead of a silent literal comparison.
"""

import re
from collections.abc import Mapping
from typing import Any

from chatsim.dataclass import dataclass

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "(missing)"})()

JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
    "array": (list,), "object": (dict,), "null": (type(None),)}
MATCHERS = ("equals", "not_equals", "exists", "type", "contains", "matches", "length", "one_of",
            "gt", "ge", "lt", "le")


@dataclass(frozen=True, slots=True)
class Difference:
    path: str
    expected: str
    actual: Any

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}, got {short(self.actual)}"


def short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def lookup(node: Any, path: str) -> Any:
    """The value at a dotted path (list items by index), or MISSING."""
    if path in ("", "."):
        return node
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.lstrip("-").isdigit() and -len(node) <= int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def _same(actual: Any, expected: Any) -> bool:
    # JSON has no bool/int distinction problem in the data we compare, but Python's True == 1 does
    return actual == expected and isinstance(actual, bool) == isinstance(expected, bool)


def mismatch(actual: Any, expected: Any) -> str | None:
    """None when ``actual`` satisfies ``expected``; otherwise what was expected, in words."""
    if not isinstance(expected, Mapping):
        if actual is not MISSING and _same(actual, expected):
            return None
        return short(expected)
    for name, arg in expected.items():
        problem = _matcher(name, arg, actual)
        if problem is not None:
            return problem
    return None


def _matcher(name: str, arg: Any, actual: Any) -> str | None:
    present = actual is not MISSING
    if name == "exists":
        return None if present == bool(arg) else ("present" if arg else "no such field")
    if name == "equals":
        return None if present and _same(actual, arg) else short(arg)
    if name == "not_equals":
        return None if not (present and _same(actual, arg)) else f"anything but {short(arg)}"
    if not present:
        return f"{name} {short(arg)}"
    if name == "type":
        kinds = [arg] if isinstance(arg, str) else list(arg)
        ok = any(isinstance(actual, JSON_TYPES[k]) and not (isinstance(actual, bool) and k in ("integer", "number"))
                 for k in kinds)
        return None if ok else f"a value of type {' or '.join(kinds)}"
    if name == "contains":
        ok = isinstance(actual, str | list | dict) and arg in actual
        return None if ok else f"something containing {short(arg)}"
    if name == "matches":
        ok = isinstance(actual, str) and re.search(arg, actual) is not None
        return None if ok else f"a string matching /{arg}/"
    if name == "length":
        ok = isinstance(actual, str | list | dict) and len(actual) == arg
        return None if ok else f"length {arg}" + (f" (it is {len(actual)})" if hasattr(actual, "__len__") else "")
    if name == "one_of":
        return None if any(_same(actual, item) for item in arg) else f"one of {short(arg)}"
    return _ordered(name, arg, actual)


def _ordered(name: str, arg: Any, actual: Any) -> str | None:
    words = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
    if name not in words:
        raise ValueError(f"unknown matcher {name!r}; known: {', '.join(MATCHERS)}")
    try:
        ok = {"gt": actual > arg, "ge": actual >= arg, "lt": actual < arg, "le": actual <= arg}[name]
    except TypeError:
        ok = False
    return None if ok else f"a value {words[name]} {short(arg)}"


def differences(document: Any, expectations: Mapping[str, Any]) -> list[Difference]:
    """Every expectation the document does not meet, in the order they were written."""
    found = []
    for path, expected in expectations.items():
        actual = lookup(document, path)
        problem = mismatch(actual, expected)
        if problem is not None:
            found.append(Difference(path, problem, actual))
    return found
