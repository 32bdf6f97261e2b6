"""Compiling on first use (chatsim.spec.lazy) runs exactly what compiling at start-up ran.

For every operation of every vendor: building an app compiles no check; the first request puts the
compiled fast path and validators on the operation, and they are the code ``compile_fast_path`` and
fastjsonschema generate when called at once (same bytecode, the same validators bound in, and
those answer every value as validators compiled then would).
"""

from types import SimpleNamespace

import fastjsonschema
from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy

from chatsim import chain
from chatsim.app import HOST, Settings, build_app
from chatsim.spec.fastpath import compile_fast_path
from chatsim.spec.lazy import LazyValidator, on_first_use
from chatsim.spec.openapi import to_json_schema

REQUEST = SimpleNamespace(headers=CIMultiDictProxy(CIMultiDict()), query=MultiDictProxy(MultiDict()))


VALUES = [None, 0, 7, -1, 2**40, 1.5, True, "", "x", "1", "a" * 300, [], ["a"], [1], {}, {"a": 1}]


def outcome(validate, value):  # type: ignore[no-untyped-def]
    try:
        return "ok", validate(value)
    except fastjsonschema.JsonSchemaValueException as exc:
        return "bad", exc.rule


def same_code(one, other) -> bool:  # type: ignore[no-untyped-def]
    return (one.__code__.co_code, one.__code__.co_names) == (other.__code__.co_code, other.__code__.co_names)


def test_an_app_compiles_nothing_until_an_operation_is_called(monkeypatch):
    compiled = []
    monkeypatch.setattr(chain, "compile_fast_path",
                        lambda op, policy: compiled.append(op) or compile_fast_path(op, policy))
    monkeypatch.setattr(chain, "_FAST_PATHS", {})
    host = build_app(Settings(quiet=True))[HOST]
    assert compiled == []
    ops = [op for ops in host.operations.values() for op in ops]
    assert all(isinstance(fld.validate, LazyValidator) or fld.validate.__name__ == "validate"
               for op in ops for fld in op.fields)
    op = next(op for op in host.operations["gewe"] if op.operation_id == "setFriendPermissions")
    first = op.fast_path
    first(REQUEST, {}, {})
    assert compiled == [op] and op.fast_path is not first
    op.fast_path(REQUEST, {}, {})
    first(REQUEST, {}, {})  # a copy made before the first call keeps working, compiled once
    assert compiled == [op]


def test_every_deferred_check_is_the_one_compiled_at_once():
    host = build_app(Settings(quiet=True))[HOST]
    for vendor, ops in host.operations.items():
        policy = host.vendors[vendor].policy
        for op in ops:
            op.fast_path(REQUEST, {}, {})
            assert not any(isinstance(fld.validate, LazyValidator) for fld in op.fields), op.operation_id
            assert same_code(op.fast_path, compile_fast_path(op, policy)), op.operation_id
            bound = [value for name, value in op.fast_path.__globals__.items() if name.startswith("validate")]
            assert bound == [fld.validate for fld in op.fields], op.operation_id
            for fld in op.fields:
                eager = fastjsonschema.compile(to_json_schema(fld.schema), use_default=False, use_formats=True)
                assert [outcome(fld.validate, value) for value in VALUES] == [outcome(eager, value) for value in VALUES]


def test_a_lazy_validator_called_directly_validates():
    calls = []
    lazy = LazyValidator({"type": "integer"}, lambda schema: calls.append(schema) or fastjsonschema.compile(schema))
    assert lazy(3) == 3 and lazy(4) == 4
    assert calls == [{"type": "integer"}]
    fast_path = on_first_use(next(iter(build_app(Settings(quiet=True))[HOST].operations["gewe"])),
                             lambda op: lambda request, path, body: {"compiled": op.operation_id})
    assert fast_path(REQUEST, {}, {}) is not None


def test_an_app_built_after_another_compiled_an_operation_gets_its_compiled_checks():
    first = build_app(Settings(quiet=True))[HOST]
    op = next(op for op in first.operations["gewe"] if op.operation_id == "setFriendRemark")
    op.fast_path(REQUEST, {}, {})
    again = next(op for op in build_app(Settings(quiet=True))[HOST].operations["gewe"]
                 if op.operation_id == "setFriendRemark")
    assert again.fast_path is op.fast_path
    assert [fld.validate for fld in again.fields] == [fld.validate for fld in op.fields]
    assert not any(isinstance(fld.validate, LazyValidator) for fld in again.fields)
