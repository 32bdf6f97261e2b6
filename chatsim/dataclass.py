"""``@dataclass``: the standard dataclass whose ``__repr__``, ``__eq__`` and ``__hash__`` are shared, not generated.

A speed trick for start-up. The dataclass decorator writes each class's methods as source text and
compiles it at import: 183 functions for chatsim's classes, 37 ms of its 86 ms of imports, most of
what its cold start costs beyond bare aiohttp's. Field-wise ``__repr__``, ``__eq__`` and
``__hash__`` are the same for every class once they read the field names from the class, so
this ``dataclass`` asks the standard one for the rest (``__init__``, frozen's ``__setattr__``, slots, match
args) and puts the shared ones in, with the decorator's own rules: a method the class defines is
kept; ``eq`` leaves a mutable class unhashable and gives a frozen one the hash of its compared
fields. ``tests/test_dataclass.py`` holds every method equal to what ``@dataclass`` generates.

``asdict`` is the standard one without its ``copy.deepcopy`` of every leaf value: a deep copy of a
string, a number or None is the value itself, reached through the copy module's dispatch (most of
the time a GeWe world's dump took, and the memory budget dumps worlds to measure them).
"""

import copy
import dataclasses
import reprlib
from collections.abc import Callable
from dataclasses import MISSING, fields
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")


@overload
def dataclass(cls: type[T], /) -> type[T]: ...


@overload
def dataclass(*, eq: bool = True, frozen: bool = False, slots: bool = False,
              kw_only: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(eq_default=True, kw_only_default=False, frozen_default=False)
def dataclass(cls: type[T] | None = None, /, *, eq: bool = True, frozen: bool = False, slots: bool = False,
              kw_only: bool = False) -> type[T] | Callable[[type[T]], type[T]]:
    """``@dataclass(...)`` with the same options, its repr, eq and hash shared (module docstring)."""

    def wrap(cls: type[T]) -> type[T]:
        own = dict(cls.__dict__)
        made = dataclasses.dataclass(cls, repr=False, eq=False, frozen=frozen, slots=slots, kw_only=kw_only)
        every = fields(made)  # type: ignore[arg-type]
        shared: dict[str, Any] = {"__shared_repr__": tuple(f.name for f in every if f.repr)}
        if "__repr__" not in own:
            shared["__repr__"] = _repr
        if eq:
            shared["__shared_compare__"] = tuple(f.name for f in every if f.compare)
            shared["__shared_hash__"] = tuple(f.name for f in every if (f.compare if f.hash is None else f.hash))
            if "__eq__" not in own:
                shared["__eq__"] = _eq
            explicit_hash = own.get("__hash__", MISSING) is not MISSING and not (
                own["__hash__"] is None and "__eq__" in own)
            if not explicit_hash:
                shared["__hash__"] = _hash if frozen else None
        for name, value in shared.items():
            setattr(made, name, value)
        return made

    return wrap if cls is None else wrap(cls)


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in type(self).__shared_repr__)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = type(self).__shared_compare__
    return tuple([getattr(self, n) for n in names]) == tuple([getattr(other, n) for n in names])


def _hash(self: Any) -> int:
    return hash(tuple([getattr(self, n) for n in type(self).__shared_hash__]))


_ATOMIC = (str, int, float, bool, type(None), bytes)


def asdict(obj: Any) -> dict[str, Any]:
    """``dataclasses.asdict(obj)``: the same dict, built without deep-copying what is immutable."""
    return {f.name: plain(getattr(obj, f.name)) for f in fields(obj)}


def plain(value: Any) -> Any:
    """What ``asdict`` makes of a field's value: dataclasses as dicts, containers copied, the
    immutable kept."""
    if isinstance(value, _ATOMIC):
        return value
    if hasattr(type(value), "__dataclass_fields__"):
        return asdict(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*[plain(item) for item in value])
    if isinstance(value, (list, tuple)):
        return type(value)(plain(item) for item in value)
    if isinstance(value, dict):
        return type(value)((plain(key), plain(item)) for key, item in value.items())
    return copy.deepcopy(value)
