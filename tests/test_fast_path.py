"""The generated happy-path check never disagrees with ``validate_fields``, the reference, and it is
actually taken for valid requests (otherwise every request would quietly pay for both)."""

from types import SimpleNamespace
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy

from chatsim.app import HOST, Settings, build_app
from chatsim.spec.inlinechecks import any_of_lines
from chatsim.spec.openapi import to_json_schema
from chatsim.spec.operations import MISSING, Field, Operation
from chatsim.validation import validate_fields

_APP = build_app(Settings())
PIPE = _APP[HOST]
OPERATIONS = [op for ops in PIPE.operations.values() for op in ops]
WRONG = [None, 0, 7, -1, 1.5, True, False, "", "x", "1", "true", "2.5", [], {}, ["a"], {"a": 1}, "a" * 300]
HEADERS, QUERY = CIMultiDictProxy(CIMultiDict()), MultiDictProxy(MultiDict())
_BY_TYPE = {"string": "abc", "integer": 1, "number": 1.5, "boolean": True, "array": [], "object": {}}


def good_value(fld: Field) -> Any:
    schema = fld.schema
    for candidate in (schema.get("example"), *(schema.get("enum") or ()), fld.default):
        if candidate not in (None, "") and candidate is not MISSING:
            return candidate
    return _BY_TYPE.get(fld.type or "string", "abc")


def edges(fld: Field) -> list[Any]:
    """Values on both sides of each of the field's bounds and lengths (as numbers and as text, for
    the vendors that coerce), in each branch of an anyOf, its enum's members and values outside
    it, lists with odd items."""
    found: list[Any] = []
    for schema in (fld.schema, *fld.schema.get("anyOf", ())):
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            bound = schema.get(key)
            if type(bound) in (int, float):
                near = [bound - 1, bound, bound + 1, bound - 0.5, bound + 0.5, float(bound)]
                found += [*near, *(str(number) for number in near)]
        for key, item in (("minLength", "好"), ("maxLength", "好"), ("minItems", ["a"]), ("maxItems", ["a"])):
            size = schema.get(key)
            if type(size) is int:
                found += [item * length
                          for length in (size - 1, size, size + 1) if length >= 0]
        enum = schema.get("enum") or []
        found += [*enum, *(str(member) for member in enum)]
    return [*found, "zz", 123456, -1, [1], ["a", None], [["a"]], ["a", "b"]]


def fast(op: Operation, sources: dict[str, Any]) -> dict[str, Any] | None:
    request = SimpleNamespace(headers=sources.get("header", HEADERS), query=sources.get("query", QUERY))
    return op.fast_path(request, sources["path"], sources["body"])


def sources_for(op: Operation, values: dict[int, Any]) -> dict[str, Any]:
    by_location: dict[str, dict[str, Any]] = {"path": {}, "body": {}, "query": {}, "header": {}}
    for i, fld in enumerate(op.fields):
        if values.get(i, MISSING) is not MISSING:
            by_location[fld.sources[-1]][fld.name] = values[i]
    return {"path": by_location["path"], "body": by_location["body"],
            "query": MultiDictProxy(MultiDict(by_location["query"])),
            "header": CIMultiDictProxy(CIMultiDict(by_location["header"]))}


def inputs(op: Operation) -> list[dict[int, Any]]:
    good = {i: good_value(fld) for i, fld in enumerate(op.fields)}
    required = {i: value for i, value in good.items() if op.fields[i].required}
    variants = [good, required, *({**required, i: value} for i, value in good.items() if i not in required)]
    for i in range(len(op.fields)):
        variants.append({**good, i: MISSING})
        variants.extend({**good, i: wrong} for wrong in [*WRONG, *edges(op.fields[i])])
    return variants


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.vendor}.{op.operation_id}")
def test_fast_path_agrees_with_the_reference(op: Operation):
    policy = PIPE.vendors[op.vendor].policy
    for values in inputs(op):
        for extra in ({}, {"chatsim_not_a_field": "x"}):  # a key the spec does not name is ignored
            sources = sources_for(op, values)
            sources["body"].update(extra)
            quick = fast(op, sources)
            slow, violations = validate_fields(op, sources, policy)
            if quick is not None:
                assert violations == [], (values, quick)
                assert quick == slow, values


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.vendor}.{op.operation_id}")
def test_fast_path_is_taken_for_a_valid_request(op: Operation):
    sources = sources_for(op, {i: good_value(fld) for i, fld in enumerate(op.fields)})
    slow, violations = validate_fields(op, sources, PIPE.vendors[op.vendor].policy)
    if violations:
        pytest.skip("no valid example to build from")
    assert fast(op, sources) == slow


def test_the_benchmarked_operation_takes_the_fast_path():
    op = next(op for op in PIPE.operations["gewe"] if op.operation_id == "setFriendPermissions")
    body = {"appId": "wx_benchDevice0000000001", "wxid": "wxid_bench_friend", "onlyChat": True}
    sources = {"path": {}, "body": body, "header": CIMultiDictProxy(CIMultiDict({"X-GEWE-TOKEN": "t"}))}
    assert fast(op, sources) == {"X-GEWE-TOKEN": "t", **body}
    assert fast(op, {**sources, "body": {**body, "onlyChat": "true"}}) is None  # coerced by the reference


def test_a_field_of_several_types_is_type_tests_not_the_validator():
    """GeWe's ids (text or a number) and DingTalk's userids (a list or text) are written out as a
    type test per branch; fastjsonschema tried the branches in turn, raising for each that failed."""
    several = [(op, fld) for op in OPERATIONS for fld in op.fields if "anyOf" in to_json_schema(fld.schema)]
    assert {fld.name for _, fld in several} >= {"msgId", "newMsgId", "createTime", "cursor", "user_ids"}
    for op, fld in several:
        assert any_of_lines(to_json_schema(fld.schema), "v", {}) is not None, (op.operation_id, fld.name)
