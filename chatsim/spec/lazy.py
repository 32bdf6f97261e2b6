"""Compiling on first use: a speed trick for start-up, kept apart from what it defers.

Building an app used to compile every field's fastjsonschema validator and every operation's
generated fast path before the first request: ~90 ms of a ~0.6 s start for ~500 operations of which
a test or a bot calls a handful. Here each is compiled the first time it is called instead, by the
same functions and with the same caches, so what runs is what used to run (tests/test_lazy_compile.py
holds every operation's deferred checks equal to the ones compiled at once):

- ``LazyValidator`` stands in for a field's validator until something calls it;
- ``on_first_use`` gives a bound operation a fast path that, on its first call, compiles the
  operation's validators and the real fast path and puts both in place on the operation, so every
  later request calls them directly, as before (no extra frame per request).
"""

from collections.abc import Callable, Mapping
from typing import Any

from chatsim.spec.operations import FastPath, Operation, RequestParts
from chatsim.spec.typeonly import type_only

Compile = Callable[[Mapping[str, Any]], Callable[[Any], Any]]


class LazyValidator:
    """A field's validator, compiled by ``compile`` from ``schema`` when first called."""

    __slots__ = ("_compile", "_real", "schema")

    def __init__(self, schema: Mapping[str, Any], compile: Compile) -> None:
        self.schema = schema
        self._compile = compile
        self._real: Callable[[Any], Any] | None = None

    def compiled(self) -> Callable[[Any], Any]:
        if self._real is None:
            self._real = self._compile(self.schema)
        return self._real

    def __call__(self, value: Any) -> Any:
        return self.compiled()(value)


def compiled_validator(validate: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The real validator behind ``validate`` (itself when it is not deferred)."""
    return validate.compiled() if isinstance(validate, LazyValidator) else validate


def materialize(op: Operation) -> None:
    """Put each field's compiled validator on the (frozen) field itself, so the reference loop
    calls fastjsonschema's function directly from then on, and whether its type alone decides it
    (chatsim.spec.typeonly)."""
    for fld in op.fields:
        if isinstance(fld.validate, LazyValidator):
            object.__setattr__(fld, "validate", fld.validate.compiled())
            object.__setattr__(fld, "type_only", type_only(fld.schema))


def on_first_use(op: Operation, compile: Callable[[Operation], FastPath]) -> FastPath:
    """A fast path for ``op`` that compiles the real one (``compile(op)``) when first called and
    installs it on ``op``; a copy of ``op`` made before that keeps calling through this one."""
    real: list[FastPath] = []

    def first_use(request: RequestParts, path: Mapping[str, str], body: Mapping[str, Any]) -> dict[str, Any] | None:
        if not real:
            materialize(op)
            real.append(compile(op))
            object.__setattr__(op, "fast_path", real[0])
        return real[0](request, path, body)

    return first_use
