"""YAML scenarios: reading, schema checking and the errors a person can act on.

A scenario is checked completely before anything is built from it, and a tenant is swapped in only
once every vendor has built its world, so a bad file never leaves a half-loaded tenant behind.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from chatsim.contract import Vendor
from chatsim.paths import SCENARIOS_DIR

_CORE_SCHEMA = json.loads((Path(__file__).parent / "scenario.schema.json").read_text(encoding="utf-8"))


class ScenarioError(Exception):
    def __init__(self, source: str, path: str, problem: str) -> None:
        super().__init__(f"{source}: {path or '(top level)'}: {problem}")
        self.source, self.path, self.problem = source, path, problem


def yaml_path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def combined_schema(vendors: Mapping[str, Vendor[Any, Any]]) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(json.dumps(_CORE_SCHEMA))
    for name, vendor in vendors.items():
        if vendor.scenario_schema is not None:
            schema["properties"][name] = vendor.scenario_schema
    return schema


@cache
def _validator(vendors: tuple[Vendor[Any, Any], ...]) -> jsonschema.Draft202012Validator:
    """One per set of vendors (manifests hash by identity): every app of a process shares it."""
    return jsonschema.Draft202012Validator(combined_schema({vendor.name: vendor for vendor in vendors}))


def parse(text: str, source: str, vendors: Mapping[str, Vendor[Any, Any]]) -> dict[str, Any]:
    """YAML text to a checked scenario document, or a ScenarioError naming file, path and problem."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(source, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise ScenarioError(source, "", "a scenario is a mapping of sections")
    errors = sorted(_validator(tuple(vendors.values())).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        first = jsonschema.exceptions.best_match(errors)
        raise ScenarioError(source, yaml_path(first.absolute_path), first.message)
    return doc


def read_file(path: Path, vendors: Mapping[str, Vendor[Any, Any]]) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(str(path), "", f"cannot read: {exc.strerror}") from None
    return parse(text, str(path), vendors)


def resolve_name(name: str) -> Path:
    """A scenario named by a request: only ``.yaml``/``.yml`` files inside ``scenarios/``."""
    root = SCENARIOS_DIR.resolve()
    candidate = (root / name).resolve()
    if not candidate.is_relative_to(root) or candidate.suffix not in (".yaml", ".yml"):
        raise ScenarioError(name, "", "only .yaml files inside scenarios/ can be loaded")
    if not candidate.is_file():
        raise ScenarioError(name, "", "no such scenario in scenarios/")
    return candidate


def clock_start(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
