"""Flow files: reading, checking against ``flow.schema.json``, and ``${step.path}`` references.

Everything a person can get wrong in a flow file is reported before any request is sent, as
``file: steps[2].expect.status: problem`` (the way scenario errors read), including a reference to
a step that does not exist or has not run yet.
"""

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from chatsim.dataclass import dataclass
from chatsim.scenarios import yaml_path
from chatsim.toolkit.expect import MISSING, lookup
from chatsim.vendors.registry import discover

REFERENCE = re.compile(r"\$(\$)?\{([^{}]*)\}")
WHOLE_REFERENCE = re.compile(r"^\$\{([^{}]*)\}$")


class FlowError(Exception):
    def __init__(self, source: str, path: str, problem: str) -> None:
        super().__init__(f"{source}: {path or '(top level)'}: {problem}")


@dataclass
class Step:
    name: str
    doc: str
    request: dict[str, Any]
    expect: dict[str, Any]
    messages: dict[str, Any] | None = None  # a conversation-log expectation instead of a request


@dataclass
class Flow:
    name: str
    source: str
    vendor: str | None
    code_field: str | None
    vars: dict[str, Any]
    headers: dict[str, Any]
    steps: list[Step]


def code_field_of(vendor: str | None) -> str:
    """Where a vendor's answers carry its result code (its first API family's), "" for no vendor."""
    found = discover().get(vendor or "")
    return found.families[0].code_field if found is not None else ""


@cache
def _validator() -> jsonschema.Draft202012Validator:
    """flow.schema.json, with the vendors this chatsim has (from their manifests) as ``vendor``'s values."""
    schema = json.loads((Path(__file__).parent / "flow.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["vendor"]["enum"] = list(discover())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def load(path: Path) -> Flow:
    source = str(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FlowError(source, "", f"cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise FlowError(source, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    errors = list(_validator().iter_errors(doc))
    if errors:
        first = jsonschema.exceptions.best_match(errors)
        raise FlowError(source, yaml_path(first.absolute_path), first.message)
    steps = [Step(s["name"], s.get("doc", ""), s.get("request", {}), s.get("expect", {}), s.get("messages"))
             for s in doc["steps"]]
    flow = Flow(doc["flow"], source, doc.get("vendor"), doc.get("code_field"), doc.get("vars", {}),
                doc.get("headers", {}), steps)
    _check_references(flow, doc)
    return flow


def _check_references(flow: Flow, doc: dict[str, Any]) -> None:
    seen: set[str] = set()
    for where, text in _strings(doc.get("headers", {}), ["headers"]):
        _check_names(flow, where, text, seen)
    for index, step in enumerate(flow.steps):
        if step.name in seen:
            raise FlowError(flow.source, f"steps[{index}].name", f"{step.name!r} is used by an earlier step")
        parts = {"request": step.request, "expect": step.expect, "messages": step.messages or {}}
        for where, text in _strings(parts, [f"steps[{index}]"]):
            _check_names(flow, where, text, seen)
        seen.add(step.name)


def _check_names(flow: Flow, where: list[Any], text: str, seen: set[str]) -> None:
    for escaped, ref in REFERENCE.findall(text):
        if escaped:
            continue
        name = ref.split(".", 1)[0]
        if name == "vars" and ref.count(".") and ref.split(".", 2)[1] not in flow.vars:
            raise FlowError(flow.source, yaml_path(where), f"${{{ref}}}: no variable {ref.split('.')[1]!r} in vars")
        if name not in ("vars", "env") and name not in seen:
            known = ", ".join(sorted(seen)) or "none yet"
            raise FlowError(flow.source, yaml_path(where),
                            f"${{{ref}}}: no earlier step named {name!r} (earlier steps: {known})")


def _strings(node: Any, where: list[Any]) -> Any:
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, [*where, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, [*where, index])


class Scope:
    """What ``${...}`` can see while a flow runs: vars, env and the steps that have answered."""

    def __init__(self, variables: dict[str, Any]) -> None:
        self.values: dict[str, Any] = {"vars": variables}

    def record(self, step: str, status: int, headers: dict[str, str], body: Any) -> None:
        self.values[step] = {"status": status, "headers": headers, "body": body}

    def resolve(self, node: Any) -> Any:
        if isinstance(node, str):
            return self._text(node)
        if isinstance(node, dict):
            return {key: self.resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self.resolve(value) for value in node]
        return node

    def _text(self, text: str) -> Any:
        whole = WHOLE_REFERENCE.match(text)
        if whole:
            return self._value(whole.group(1))
        return REFERENCE.sub(lambda m: "${" + m.group(2) + "}" if m.group(1) else _str(self._value(m.group(2))),
                             text)

    def _value(self, ref: str) -> Any:
        name, _, path = ref.partition(".")
        if name == "env":
            if path not in os.environ:
                raise LookupError(f"${{{ref}}}: environment variable {path} is not set")
            return os.environ[path]
        if name not in self.values:
            raise LookupError(f"${{{ref}}}: step {name!r} has not answered")
        answer = self.values[name]
        if name != "vars" and path.split(".", 1)[0] not in ("status", "headers", "body"):
            path = f"body.{path}" if path else "body"
        value = lookup(answer, path)
        if value is MISSING:
            raise LookupError(f"${{{ref}}}: {name} has no {path}")
        return value


def _str(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
