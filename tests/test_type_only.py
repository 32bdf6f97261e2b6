"""The type-only shortcut (chatsim/spec/typeonly.py) gives fastjsonschema's verdict for every field
it decides, of every spec, on values of every type a request can carry."""

import fastjsonschema
import pytest
from fastjsonschema import JsonSchemaValueException

from chatsim.app import HOST, Settings, build_app
from chatsim.spec.lazy import materialize
from chatsim.spec.openapi import to_json_schema
from chatsim.spec.typeonly import TypeOnly, type_only

_HOST = build_app(Settings())[HOST]
OPERATIONS = [op for ops in _HOST.operations.values() for op in ops]
VALUES = [None, True, False, 0, 1, -7, 2**31, 2**63, 2**70, 0.0, 1.0, -2.0, 1.5, float("inf"), float("nan"), "",
          "x", "1", "true", "是", [], ["a"], [1, None], {}, {"a": 1}]


def _schema_verdict(schema, value):
    try:
        fastjsonschema.compile(to_json_schema(schema), use_default=False, use_formats=True)(value)
    except JsonSchemaValueException as exc:
        return exc.rule, exc.rule_definition
    return "valid"


def _shortcut_verdict(decided: TypeOnly, validate, value):
    if type(value) in decided.valid:
        return "valid"
    if type(value) not in decided.ask:
        return "type", decided.expected
    try:
        validate(value)
    except JsonSchemaValueException as exc:
        return exc.rule, exc.rule_definition
    return "valid"


def _decided_fields():
    for op in OPERATIONS:
        materialize(op)
        yield from ((op, fld) for fld in op.fields if fld.type_only is not None)


def test_the_shortcut_decides_as_fastjsonschema_does():
    checked = set()
    for op, fld in _decided_fields():
        key = repr(sorted(to_json_schema(fld.schema).items()))
        if key in checked:
            continue
        checked.add(key)
        for value in VALUES:
            assert _shortcut_verdict(fld.type_only, fld.validate, value) == _schema_verdict(fld.schema, value), \
                (op.operation_id, fld.name, value)
    assert {fld.type_only.expected for _, fld in _decided_fields()} >= {"string", "boolean", "integer"}


@pytest.mark.parametrize("kind", ["string", "boolean", "integer", "number", "object", "array"])
def test_every_json_type_is_decided_as_fastjsonschema_decides_it(kind):
    schema = {"type": kind, "description": "d"}
    decided = type_only(schema)
    assert decided is not None
    validate = fastjsonschema.compile(to_json_schema(schema))
    for value in VALUES:
        assert _shortcut_verdict(decided, validate, value) == _schema_verdict(schema, value), value


@pytest.mark.parametrize("schema", [{"type": "string", "maxLength": 3}, {"type": "integer", "minimum": 0},
                                    {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                                    {"type": "number", "exclusiveMaximum": 5}, {"type": "string", "enum": ["a", "b"]},
                                    {"type": "integer", "enum": [1, 2]}, {"type": "string", "format": "email"},
                                    {"type": "string", "pattern": "^[a-z]+$", "minLength": 2}])
def test_a_constrained_scalar_is_decided_as_fastjsonschema_decides_it(schema):
    decided = type_only(schema)
    assert decided is not None and decided.valid == ()
    validate = fastjsonschema.compile(to_json_schema(schema), use_default=False, use_formats=True)
    for value in VALUES:
        assert _shortcut_verdict(decided, validate, value) == _schema_verdict(schema, value), value


@pytest.mark.parametrize("schema", [{"type": "string", "nullable": True}, {"type": ["string", "null"]},
                                    {"type": "array", "items": {"type": "string"}},
                                    {"type": "object", "required": ["a"]}, {"oneOf": [{"type": "string"}]},
                                    {"type": "string", "allOf": [{"minLength": 1}]}, {}])
def test_any_other_schema_is_left_to_the_validator(schema):
    assert type_only(schema) is None


def test_most_fields_are_decided_and_only_those_without_constraints_pass_unasked():
    decided = list(_decided_fields())
    assert len(decided) > 300
    assert any(fld.type_only.valid == () for _, fld in decided)
    for _, fld in decided:
        unconstrained = set(to_json_schema(fld.schema)) <= {"type", "description", "title", "default", "$comment"}
        assert (fld.type_only.valid != ()) == unconstrained


@pytest.mark.parametrize("body, expected", [({"onlyChat": "yes"}, ("type", "boolean")),
                                            ({"onlyChat": 1.0}, ("type", "boolean"))])
def test_a_wrong_type_is_reported_as_the_validator_reports_it(body, expected):
    from chatsim.validation import validate_fields

    op = next(op for op in OPERATIONS if op.operation_id == "setFriendPermissions")
    materialize(op)
    sources = {"path": {}, "body": {"appId": "a", "wxid": "w", **body}, "header": {"X-GEWE-TOKEN": "t"}}
    _, violations = validate_fields(op, sources, _HOST.vendors["gewe"].policy)
    assert [(v.field, v.rule, v.expected) for v in violations] == [("onlyChat", *expected)]
