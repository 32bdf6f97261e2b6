"""YAML scenarios: reading, schema checking and the errors a person can act on.

A scenario is checked completely before anything is built from it, and a tenant is swapped in only
once every vendor has built its world, so a bad file never leaves a half-loaded tenant behind.
"""

import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatsim.collector import collector_paused
from chatsim.contract import Vendor
from chatsim.faults import SCHEMA as FAULTS_SCHEMA
from chatsim.paths import SHIPPED_SCENARIOS, scenario_search_path
from chatsim.spec import parsed
from chatsim.spec.yamlread import yaml_loader

if TYPE_CHECKING:
    import jsonschema
    import yaml

_CORE_SCHEMA = json.loads((Path(__file__).parent / "scenario.schema.json").read_text(encoding="utf-8"))
_CORE_SCHEMA["properties"]["faults"] = FAULTS_SCHEMA  # chatsim/faults/schema.json


class ScenarioError(Exception):
    """What is wrong with a scenario: the file (or request) it came from, the YAML path, the problem;
    ``more`` are further (path, problem) pairs of the same file, one line each, so a person fixes
    them all in one go. ``path`` and ``problem`` are the first."""

    def __init__(self, source: str, path: str, problem: str, more: tuple[tuple[str, str], ...] = ()) -> None:
        self.source, self.path, self.problem, self.more = source, path, problem, more
        super().__init__("\n".join(f"{source}: {where or '(top level)'}: {what}" for where, what in self.pairs))

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """Every (path, problem), the first one first."""
        return ((self.path, self.problem), *self.more)

    def named(self, source: str) -> "ScenarioError":
        """The same problems, told as the file's (a world builder knows its vendor, not the file)."""
        return ScenarioError(source, self.path, self.problem, self.more)


class Problems:
    """Every cross-reference problem of one world build, not only the first: each row is built in
    a ``row()`` block of its own; a row that fails is recorded and left out, the next goes on, and
    ``check()`` raises them all as one ScenarioError (one line each), so a person fixes them in one go."""

    def __init__(self) -> None:
        self.found: list[ScenarioError] = []

    def row(self) -> "Problems":
        """The block of one row. The Problems is its own context manager rather than a
        ``contextlib.contextmanager`` generator: worlds of thousands of rows enter one per row, and
        the generator's machinery was a fifth of building them."""
        return self

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> bool:
        if isinstance(error, ScenarioError):
            self.found.append(error)
            return True
        return False

    def check(self) -> None:
        if not self.found:
            return
        (path, problem), *more = [pair for error in self.found for pair in error.pairs]
        raise ScenarioError(self.found[0].source, path, problem, tuple(more))


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
def _validator(vendors: tuple[Vendor[Any, Any], ...]) -> "jsonschema.Draft202012Validator":
    """One per set of vendors (manifests hash by identity): every app of a process shares it.
    jsonschema is imported here, not at start-up (~30 ms), which reads only the shipped demo."""
    import jsonschema

    return jsonschema.Draft202012Validator(combined_schema({vendor.name: vendor for vendor in vendors}))


# Limits on what a scenario may make the parser do (any tenant can send one): its size, its nesting,
# and how many nodes its aliases expand to (a few hundred bytes of nested aliases are gigabytes).
MAX_BYTES = 4 * 1024**2
MAX_DEPTH = 64
MAX_NODES = 200_000


def load_yaml(text: str, source: str) -> Any:
    """YAML text to data within the limits, the nesting and the nodes counted on the event stream
    before any recursive step runs; a document with aliases has their expansion counted on the
    composed graph before it is built."""
    import yaml

    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ScenarioError(source, "", f"a scenario is at most {MAX_BYTES // 1024**2} MiB")
    depth = nodes = 0
    aliased = False
    for event in yaml.parse(text, Loader=yaml_loader()):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            nodes += 1
            if depth > MAX_DEPTH:
                raise ScenarioError(source, _line(event), f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent):
            nodes += 1
        elif isinstance(event, yaml.AliasEvent):
            aliased = True
    if nodes > MAX_NODES:  # no aliases needed: the document alone is too large
        raise ScenarioError(source, "", f"more than {MAX_NODES} nodes")
    with collector_paused():  # the composed nodes and the data: many long-lived objects at once
        node = yaml.compose(text, Loader=yaml_loader())
        if node is None:
            return None
        if aliased and _expanded(node, {}) > MAX_NODES:  # without aliases, ``nodes`` is the count
            raise ScenarioError(source, "", f"more than {MAX_NODES} nodes, its aliases expanded")
        return yaml.SafeLoader("").construct_document(node)


def _expanded(node: "yaml.Node", seen: dict[int, int]) -> int:
    """Nodes counted as the document would be built: an alias counts its target again each time."""
    import yaml

    known = seen.get(id(node))
    if known is not None:
        return known
    total = 1
    if isinstance(node, yaml.SequenceNode):
        total += sum(_expanded(item, seen) for item in node.value)
    elif isinstance(node, yaml.MappingNode):
        total += sum(_expanded(key, seen) + _expanded(value, seen) for key, value in node.value)
    seen[id(node)] = total
    return total


def _line(event: "yaml.Event") -> str:
    mark = event.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""


def parse(text: str, source: str, vendors: Mapping[str, Vendor[Any, Any]], shipped: bool = False) -> dict[str, Any]:
    """YAML text to a checked scenario document, or a ScenarioError naming file, path and problem.

    ``shipped``: a scenario chatsim ships, read for chatsim's own vendors; the tests check each of
    those against the schema (tests/test_shipped_scenarios.py), so the check is not run again at
    every start. The worlds' own cross-reference checks still run when they are built."""
    import yaml

    try:
        doc = load_yaml(text, source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(source, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if doc is None or doc == {}:
        raise ScenarioError(source, "", "the scenario is empty (a scenario starts with `chatsim: 1`)")
    if not isinstance(doc, dict):
        raise ScenarioError(source, "", "a scenario is a mapping of sections")
    if shipped:
        return doc
    errors = sorted(_validator(tuple(vendors.values())).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        from jsonschema.exceptions import best_match

        first = best_match(errors)
        rest = tuple((yaml_path(e.absolute_path), e.message) for e in errors if e is not first)
        raise ScenarioError(source, yaml_path(first.absolute_path), first.message, rest)
    return doc


def blame(error: ScenarioError, sources: list[str], builds: Callable[[int], None]) -> ScenarioError:
    """A world builder's error (a cross-reference: a friend who is not a person, an owner outside
    the chat) told as the file's that brings it in: the first ``n`` scenarios are built for n = 1, 2,
    ... until one fails. Only on failure, so loading pays nothing for it."""
    for count, source in enumerate(sources, 1):
        try:
            builds(count)
        except ScenarioError as found:
            return found.named(source)
    return error


ReadListener = Callable[[Path, dict[str, Any]], None]
_read_listeners: list[ReadListener] = []


def on_read(listener: ReadListener) -> None:
    """Be told of every scenario file read and the document made of it (``chatsim serve --watch``
    follows files this way, whether named at start-up or loaded later with ``?file=``). For the
    process: a server is one process."""
    _read_listeners.append(listener)


def read_file(path: Path, vendors: Mapping[str, Vendor[Any, Any]], shown_as: str | None = None,
              own_vendors: bool = False) -> dict[str, Any]:
    """A scenario file; errors name it as ``shown_as`` (a request's name, never the server's path).
    ``own_vendors``: ``vendors`` are chatsim's built-in ones only, so a shipped file needs no
    schema check (``parse``'s ``shipped``)."""
    source = shown_as or str(path)
    shipped = own_vendors and path.resolve().parent == SHIPPED_SCENARIOS.resolve()
    text = read_text(path, source)
    # a shipped file's build-time parse, when made from these very bytes (chatsim.spec.parsed)
    doc = parsed.read(path, text.encode("utf-8")) if shipped else None
    if doc is None:
        doc = parse(text, source, vendors, shipped)
    for listener in _read_listeners:
        listener(path, doc)
    return doc


def read_text(path: Path, source: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, "", f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None


SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,199}$")


def resolve_name(name: str) -> Path:
    """A scenario named by a request: only ``.yaml``/``.yml`` files inside the scenarios
    directories (``chatsim.paths.scenario_search_path``, first match wins), the name checked before
    the filesystem is touched (no NUL, no control characters, no absurd length). Messages say
    ``scenarios/``, never the server's own path."""
    if not SAFE_NAME.match(name) or ".." in name.split("/"):
        raise ScenarioError(name[:80], "", "a scenario name is 1-200 of A-Z a-z 0-9 _ . - / naming a .yaml file "
                            "inside scenarios/")
    if Path(name).suffix not in (".yaml", ".yml"):
        raise ScenarioError(name, "", "only .yaml files inside scenarios/ can be loaded")
    for folder in scenario_search_path():
        root = folder.resolve()
        candidate = (root / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    raise ScenarioError(name, "", "no such scenario in scenarios/")


def scenario_names() -> list[str]:
    """The names ``resolve_name`` accepts, for a person choosing one (the dashboard)."""
    names: set[str] = set()
    for folder in scenario_search_path():
        root = folder.resolve()
        if root.is_dir():
            names.update(str(path.relative_to(root)) for path in root.rglob("*")
                         if path.suffix in (".yaml", ".yml") and path.is_file())
    return sorted(names)


def clock_start(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
