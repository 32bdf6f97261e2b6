"""The generated happy-path check: straight-line Python per operation, equal to the reference.

A speed trick, kept apart from validation itself: ``chatsim.validation.validate_fields`` is the
reference and says what is wrong; this module only answers "all valid, here are the typed values"
or "ask the reference". ``tests/test_fast_path.py`` feeds every operation of every spec good,
missing, empty, wrong-typed and string-typed values and requires the two to agree.
"""

from typing import Any

from fastjsonschema import JsonSchemaValueException
from multidict import istr

from chatsim.spec.coercelines import coerce_lines
from chatsim.spec.inlinechecks import any_of_lines, constraint_lines
from chatsim.spec.openapi import to_json_schema
from chatsim.spec.operations import MISSING, FastPath, Field, Operation, Policy
from chatsim.spec.typeonly import EXACT_TYPES, NOT_CONSTRAINTS

# JSON types whose check is one ``type(v) is ...``; their simple rules are written out after it
# (chatsim.spec.inlinechecks), anything else goes through the field's compiled validator.
_EXACT = {kind: tuple(python.__name__ for python in types) for kind, types in EXACT_TYPES.items()}
_REQUEST_PART = {"header": "headers", "query": "query"}


def compile_fast_path(op: Operation, policy: Policy) -> FastPath:
    """Straight-line Python for one operation's happy path, generated once at start-up.

    It answers the typed values when every field is present (or defaulted), already of its declared
    type and valid; anything else (a missing field, a string to coerce, an empty value a vendor
    treats as missing, a failed check) answers None, and ``validate_fields``, the reference, runs
    and says what is wrong. The generic loop costs about 450 ns a field, this about a tenth: each
    value lives in a local, a required field's type test also rejects its absence, the values are
    built with one dict display, headers and query are read only by operations that have them,
    and many optional body fields are found by a loop over the body (``_looped``).
    """
    env: dict[str, Any] = {"MISSING": MISSING, "JsonSchemaValueException": JsonSchemaValueException,
                           "coerce": policy.coerce}
    lines = ["def fast_path(request, s_path, s_body):"]
    parts = sorted(op.sources.intersection(_REQUEST_PART))
    lines += [f"    s_{name} = request.{_REQUEST_PART[name]}" for name in parts]
    always: list[tuple[str, str]] = []
    optional: list[tuple[str, str]] = []
    checked: dict[str, str] = {}
    functions: list[str] = []
    looped, required = _looped(op, policy)
    for i, fld in enumerate(op.fields):
        env[f"field{i}"], env[f"validate{i}"], env[f"default{i}"] = fld, fld.validate, fld.default
        if i in looped:  # a function of its own, called when the body has the field
            checks = _check(fld, i, policy, env)
            functions += [f"def check{i}(v{i}):", *(f"    {line}" for line in checks), "    return True"]
            checked[fld.name] = f"check{i}"
            continue
        (always if fld.required or fld.default is not MISSING else optional).append((fld.name, f"v{i}"))
        lines += [f"    {line}" for line in _field_lines(fld, i, policy, env)]
    lines += [f"    {line}" for line in _values(always, optional)]
    if checked:
        lines += [f"    if len(s_body) > {required}:  # more than the required fields",
                  "        for name, value in s_body.items():", "            check = CHECKS.get(name)",
                  "            if check is not None:", "                if not check(value): return None",
                  "                values[name] = value"]
    lines.append("    return values")
    exec(compile("\n".join([*functions, *lines]), f"<fast path {op.vendor} {op.operation_id}>", "exec"), env)
    env["CHECKS"] = {name: env[function] for name, function in checked.items()}
    return env["fast_path"]  # type: ignore[no-any-return]


def _looped(op: Operation, policy: Policy) -> tuple[set[int], int]:
    """The optional body fields without a default, when they outnumber the required ones (and how
    many body fields are required): a loop over the body's keys then finds the few it has, where
    looking each up was most of the fast path of an operation with many switches (a DingTalk
    scene group's twenty); a body of only the required fields skips even the loop."""
    optional = {i for i, fld in enumerate(op.fields)
                if not fld.required and fld.default is MISSING and fld.sources == ("body",)}
    required = sum(1 for fld in op.fields if fld.required and fld.sources == ("body",))
    return (optional if policy.coerce is None and len(optional) > required else set()), required


def _field_lines(fld: Field, i: int, policy: Policy, env: dict[str, Any]) -> list[str]:
    """One field's lookup and checks: ``v{i}`` is its value (or default) once they pass."""
    value = f"v{i}"
    if "header" in fld.sources:  # as istr, so that multidict does not case-fold it on every request
        env[f"header{i}"] = istr(fld.name)
    keys = [f"header{i}" if source == "header" else repr(fld.name) for source in fld.sources]
    first, *others = zip(fld.sources, keys, strict=True)
    lines = [f"{value} = s_{first[0]}.get({first[1]}, MISSING)"]
    lines += [f"if {value} is MISSING: {value} = s_{source}.get({key}, MISSING)" for source, key in others]
    checks = _check(fld, i, policy, env)
    if fld.required:
        if policy.coerce is not None or _exact_types(fld) is None:  # a type test turns MISSING away
            lines.append(f"if {value} is MISSING: return None")
        return [*lines, *checks]
    if fld.default is not MISSING:
        lines.append(f"if {value} is MISSING: {value} = default{i}")
        if checks:
            lines.append("else:")
    elif checks:
        lines.append(f"if {value} is not MISSING:")
    return [*lines, *(f"    {line}" for line in checks)]


def _values(always: list[tuple[str, str]], optional: list[tuple[str, str]]) -> list[str]:
    """The answer's dict: the fields always there in one dict display, then the optional ones present."""
    lines = ["values = {" + ", ".join(f"{name!r}: {value}" for name, value in always) + "}"]
    return lines + [f"if {value} is not MISSING: values[{name!r}] = {value}" for name, value in optional]


def _exact_types(fld: Field) -> tuple[str, ...] | None:
    """The Python types a value must have, when one ``type(v) is`` test decides the field's type."""
    return _EXACT.get(fld.type) if isinstance(fld.type, str) else None


def _check(fld: Field, i: int, policy: Policy, env: dict[str, Any]) -> list[str]:
    """Lines that return None unless ``v{i}`` is of the field's type and passes its schema: the
    type and the simple rules written out (chatsim.spec.inlinechecks), a type test per branch for
    a field of several types, the field's validator for the rest."""
    value = f"v{i}"
    # Without a custom coercion only a string can be "", and any other type fails its type test anyway.
    can_be_empty = policy.coerce is not None or fld.type in (None, "string")
    empty = [f'if {value} == "": return None'] if policy.empty_is_missing and can_be_empty else []
    lines = [*empty, *coerce_lines(fld, i, policy, env)] if policy.coerce is not None else empty
    schema = to_json_schema(fld.schema)
    exact = _exact_types(fld)
    if exact is not None:  # after coercion, when there is one: what it could not coerce fails here
        test = " and ".join(f"type({value}) is not {name}" for name in exact)
        lines = [f"if {test}: return None", *lines] if policy.coerce is None else [*lines, f"if {test}: return None"]
        rules = constraint_lines(schema, fld.type or "", value, env)
        if rules is not None:
            return [*lines, *rules]
    elif fld.type is not None and policy.coerce is None:
        return ["return None"]
    elif fld.type is None and NOT_CONSTRAINTS.issuperset(schema):
        return lines  # untyped and unconstrained: any value passes
    elif fld.type is None and policy.coerce is None and (branches := any_of_lines(schema, value, env)) is not None:
        return [*lines, *branches]
    return [*lines, "try:", f"    validate{i}({value})", "except JsonSchemaValueException:", "    return None"]
