"""OpenAPI documents, read once per process and turned into operations with compiled validators.

Nothing here runs per request: the pipeline gets ready-made ``Operation`` objects whose fields each
carry a fastjsonschema validator (compiled when first called: ``chatsim.spec.lazy``), so a request
costs a dict lookup and a few compiled calls instead of the spec walk openapi-core does every time
(measured 35x slower than bare aiohttp here).
"""

import json
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import fastjsonschema

from chatsim.spec import parsed
from chatsim.spec.lazy import LazyValidator
from chatsim.spec.openapi import to_json_schema
from chatsim.spec.operations import MISSING, Field, Operation
from chatsim.spec.yamlread import parse_yaml

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


class SpecFile(NamedTuple):
    doc: dict[str, Any]
    operations: "list[OperationRow]"  # what ``operation_rows`` makes of ``doc``


@cache
def read_spec(path: Path) -> SpecFile:
    """A spec, read once per process (every app built in it shares it): its document and its
    operations as plain data, read back from its build-time parse when that was made from these
    very bytes (``chatsim.spec.parsed``)."""
    source = path.read_bytes()
    found = parsed.read_with(path, source)
    if found is not None and found[1] is not None:
        return SpecFile(*found)
    doc = found[0] if found is not None else parse_yaml(source)
    return SpecFile(doc, operation_rows(doc))


def load_document(path: Path) -> dict[str, Any]:
    return read_spec(path).doc


def resolve_refs(node: Any, root: dict[str, Any], memo: dict[str, Any] | None = None) -> Any:
    """Inline local ``$ref``s so each operation's schemas stand alone.

    A speed trick keeps start-up from copying every node of every spec (~46,000 of them, ~25 ms):
    what holds no ``$ref`` is the document's own object, shared (nothing modifies a spec), and each
    target is resolved once per ``memo`` (one per document). tests/test_specs.py holds the result
    equal to a full copy with every reference inlined."""
    return _resolved(node, root, {} if memo is None else memo)


def _resolved(node: Any, root: dict[str, Any], memo: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            found = memo.get(ref, MISSING)
            if found is MISSING:
                target: Any = root
                for part in ref[2:].split("/"):
                    target = target[part.replace("~1", "/").replace("~0", "~")]
                found = memo[ref] = _resolved(target, root, memo)
            return found
        changed: dict[str, Any] | None = None
        for key, value in node.items():
            new = _resolved(value, root, memo)
            if new is not value:
                changed = changed if changed is not None else dict(node)
                changed[key] = new
        return node if changed is None else changed
    if isinstance(node, list):
        items = [_resolved(item, root, memo) for item in node]
        return node if all(new is old for new, old in zip(items, node, strict=True)) else items
    return node


def _compile(schema: dict[str, Any]) -> Callable[[Any], Any]:
    """One validator per distinct schema: most of the ~780 fields of the four specs are a handful of
    shapes (a string, a bounded integer), and compiling was a third of start-up."""
    key = json.dumps(schema, sort_keys=True)
    validator = _VALIDATORS.get(key)
    if validator is None:
        validator = _VALIDATORS[key] = fastjsonschema.compile(schema, use_default=False, use_formats=True)
    return validator


_VALIDATORS: dict[str, Callable[[Any], Any]] = {}


def compile_field_schema(schema: Mapping[str, Any]) -> Callable[[Any], Any]:
    """A field's validator from its (bounded) OpenAPI schema: what ``LazyValidator`` defers."""
    return _compile(to_json_schema(schema))


# What a vendor can store: Java's int and long behind GeWe and DingTalk. A spec opts every integer
# without its own bounds into one of these with the top-level ``x-chatsim-integers`` key (a field's
# ``format: int32``/``int64`` wins); out-of-range values are then validation failures, never stored.
INTEGER_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def bounded(schema: Any, default: str | None) -> Any:
    """``schema`` with every integer inside it bounded to what the vendor stores."""
    if isinstance(schema, list):
        return [bounded(item, default) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: bounded(value, default) if key in ("items", "properties", "allOf", "anyOf", "oneOf")
           or key == "additionalProperties" else value for key, value in schema.items()}
    if "properties" in schema:
        out["properties"] = {name: bounded(sub, default) for name, sub in schema["properties"].items()}
    limits = INTEGER_BOUNDS.get(schema.get("format") or default or "")
    if schema.get("type") == "integer" and limits is not None:
        out.setdefault("minimum", limits[0])
        out.setdefault("maximum", limits[1])
    return out


# A field as plain data: name, location, required, its bounded schema, description, whether it has
# a default, the default, its type.
FieldRow = tuple[str, str, bool, dict[str, Any], str, bool, Any, "str | None"]
# An operation as plain data: operationId, method, path, fields, body media types, body schema,
# whether the body is taken raw, the operation's (resolved) spec object.
OperationRow = tuple[str, str, str, tuple[FieldRow, ...], tuple[str, ...], "dict[str, Any] | None", bool,
                     dict[str, Any]]


def _field_row(name: str, location: str, required: bool, schema: dict[str, Any], description: str,
               integers: str | None = None) -> FieldRow:
    schema = bounded(schema, integers)
    return (name, location, required, schema, description or schema.get("description", "") or name,
            "default" in schema, schema.get("default"), schema.get("type"))


def _field(row: FieldRow) -> Field:
    name, location, required, schema, description, has_default, default, kind = row
    return Field(name=name, location=location, required=required, schema=schema, description=description,
                 default=default if has_default else MISSING, type=kind,
                 validate=LazyValidator(schema, compile_field_schema), sources=(location,))


def _body_fields(schema: dict[str, Any], integers: str | None) -> list[FieldRow]:
    props: dict[str, Any] = schema.get("properties") or {}
    order = schema.get("x-apifox-orders") or list(props)
    required = set(schema.get("required") or ())
    return [_field_row(name, "body", name in required, props[name], props[name].get("description", ""), integers)
            for name in order if name in props]


def _path_pattern(path: str) -> re.Pattern[str] | None:
    if "{" not in path:
        return None
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
    # \Z, not $: "$" also matches before a final newline, and a path can end in one (%0A), which
    # the vendors' routers (Spring, koa's path-to-regexp) match only as part of a segment
    return re.compile(f"^{regex}/?\\Z")


def operation_rows(doc: dict[str, Any]) -> list[OperationRow]:
    """Every operation of a spec document, its references resolved and its integers bounded, as
    plain data (what the build keeps beside the spec)."""
    integers = doc.get("x-chatsim-integers")
    rows: list[OperationRow] = []
    memo: dict[str, Any] = {}
    same: dict[str, FieldRow] = {}  # equal fields are one row (a quarter as many), and later one Field
    for url, item in (doc.get("paths") or {}).items():
        item = resolve_refs(item, doc, memo)
        shared_params = item.get("parameters", [])
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            fields = [_field_row(p["name"], p["in"], bool(p.get("required")), p.get("schema", {}),
                                 p.get("description", ""), integers)
                      for p in [*shared_params, *op.get("parameters", [])] if p.get("in") != "cookie"]
            body = op.get("requestBody") or {}
            content = body.get("content") or {}
            body_schema = next((media.get("schema") for media in content.values() if media.get("schema")), None)
            raw = body_schema is not None and body_schema.get("type") not in (None, "object")
            if body_schema and not raw:
                fields.extend(_body_fields(body_schema, integers))
            fields = [same.setdefault(json.dumps(row, sort_keys=True, default=repr), row) for row in fields]
            rows.append((op.get("operationId") or url.rsplit("/", 1)[-1], method.upper(), url, tuple(fields),
                         tuple(content), body_schema, raw, op))
    return rows


@cache
def extract_operations(vendor: str, path: Path) -> tuple[Operation, ...]:
    """Once per process: every app built from the same spec (one per test) shares these frozen
    operations and binds copies of its own. Operations with an equal field share its one frozen
    ``Field`` (1,201 fields are 317 distinct ones: making them was the largest part of this)."""
    made: dict[int, Field] = {}

    def field_of(row: FieldRow) -> Field:
        found = made.get(id(row))  # rows are alive while the spec is, so their ids stay theirs
        if found is None:
            found = made[id(row)] = _field(row)
        return found

    return tuple(Operation(vendor=vendor, operation_id=operation_id, method=method, path=url,
                           fields=tuple(field_of(row) for row in fields), body_media=media, body_schema=body_schema,
                           raw_body=raw, spec=op, pattern=_path_pattern(url))
                 for operation_id, method, url, fields, media, body_schema, raw, op in read_spec(path).operations)
