"""What an operation is, as every layer sees it: plain frozen records, no parsing and no HTTP.

``load`` builds them once per process from the spec files; each app then binds its own copies
(where each field is looked up, which world the operation works on, its compiled fast path), so
two apps in one process never see each other's choices.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Any, Protocol

from chatsim.dataclass import dataclass

if TYPE_CHECKING:
    from chatsim.spec.typeonly import TypeOnly

MISSING: Any = object()  # a value the request did not send (None is a value JSON can send)


@dataclass(frozen=True, slots=True)
class Field:
    """One request value the operation declares: a parameter or a top-level body property."""

    name: str
    location: str  # path | query | header | body
    required: bool
    schema: Mapping[str, Any]
    description: str
    default: Any
    type: str | None
    validate: Callable[[Any], Any]
    sources: tuple[str, ...] = ()  # where the request is searched for it, in order
    type_only: "TypeOnly | None" = None  # set with the compiled validator (chatsim.spec.typeonly)


class RequestParts(Protocol):
    """What an operation's checks read from a request besides the path and body (aiohttp's Request is one)."""

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def query(self) -> Mapping[str, str]: ...


# (request, path parameters, parsed body) -> the typed values, or None for the reference loop.
FastPath = Callable[[RequestParts, Mapping[str, str], Mapping[str, Any]], dict[str, Any] | None]


def no_fast_path(request: RequestParts, path: Mapping[str, str], body: Mapping[str, Any]) -> None:
    """An operation without a generated check: every request takes the reference loop."""
    return None


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of a spec: its fields and body, and once an app binds it, its world and fast path."""

    vendor: str  # whose spec declares it (``chatsim`` for the admin API)
    operation_id: str
    method: str
    path: str
    fields: tuple[Field, ...]
    body_media: tuple[str, ...]
    body_schema: Mapping[str, Any] | None
    raw_body: bool
    spec: Mapping[str, Any] = field(repr=False)
    pattern: re.Pattern[str] | None = None
    # Set when an app binds the operation (``chatsim.chain.bind``):
    world: str = ""  # whose world a request works on: the vendor's own, or for a world action its vendor's
    sources: frozenset[str] = frozenset()  # where its fields are looked up
    fast_path: FastPath = no_fast_path

    @property
    def templated(self) -> bool:
        return self.pattern is not None


@dataclass(frozen=True, slots=True)
class Policy:
    """How a vendor's own validator treats edge cases."""

    empty_is_missing: bool = False
    bad_optional_takes_default: bool = False
    # A body in any other media type is refused before it is parsed (Spring reads @RequestBody as
    # JSON only): a violation of field "body", rule "mediaType", for the vendor to word.
    json_bodies_only: bool = False
    # A vendor whose validator converts values its own way (egg.js valparams stringifies everything,
    # then compares enums as text) supplies it here; it replaces the core's coercion for that vendor.
    coerce: Callable[[Any, Field], Any] | None = None
    # That coercion leaves a string as it is in a field that is not an integer and makes a string of
    # ASCII digits the integer it spells (within the field's enum, compared as text): the fast path
    # then writes those cases out and calls it for the rest (chatsim.spec.coercelines).
    coerce_shortcuts: bool = False


@dataclass(slots=True)
class Violation:
    """One problem with a request value: which field, where, which rule, what was expected and got."""

    field: str
    location: str
    rule: str
    expected: Any
    got: Any
    spec: Field | None = None

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "in": self.location, "rule": self.rule, "expected": self.expected,
                "got": shown(self.got)}


SHOWN_CHARS = 200  # a violation's value as the header and the journal show it, at most


def shown(value: Any) -> Any:
    """A request's value as a violation reports it: JSON-safe and short. Integers beyond 64 bits
    become text (JSON encoders refuse them) and long values are cut, so that a bad value can neither
    break the journal nor make a header that clients reject."""
    if value is MISSING:
        return None
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else str(value)
    text = value if isinstance(value, str) else repr(value)
    if isinstance(value, str) and len(text) <= SHOWN_CHARS:
        return value
    if not isinstance(value, str) and len(text) <= SHOWN_CHARS and isinstance(value, list | dict):
        return _json_safe(value)
    return f"{text[:SHOWN_CHARS]}… ({len(text)} characters)"


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return shown(value)
