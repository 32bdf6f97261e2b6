"""A speed trick: a request refused for its values, sent again byte for byte, is refused from memory.

``validate_fields``, the reference, judges every field of a request the fast path turned away and
makes a Violation of each problem, then the journal's copy of each. A client that gets a request
wrong tends to send the same wrong request again (a retry loop, a test suite's fixture), and
judging it again was a tenth of such an answer's own cost. What the reference answers is a pure
function of the operation and the values it reads: its path parameters, the query string (if it
reads one), the headers it declares and the body's bytes and media type, which make the key.
Only refusals are kept (a success hands its handler params of its own), at most KEPT, each of a
body of at most BODY_BYTES. ``tests/test_refusals.py`` holds a kept
refusal equal to the reference's for each vendor.
"""

from collections.abc import Mapping
from typing import Any

from chatsim.spec.operations import Operation, Violation

KEPT = 64
BODY_BYTES = 2048

Key = tuple[int, bytes, str, tuple[tuple[str, str], ...], str, tuple[str | None, ...]]
Kept = tuple[list[Violation], tuple[dict[str, Any], ...]]


class Refusals:
    """The newest refusals of one app's operations (its operations live as long as it does, so an
    operation's id names it)."""

    def __init__(self) -> None:
        self._kept: dict[Key, Kept] = {}

    @staticmethod
    def key(op: Operation, raw: bytes, content_type: str, path_params: Mapping[str, str], query_string: str,
            headers: Mapping[str, str]) -> Key | None:
        """The request's key, or None when its refusal would not be kept (a large body)."""
        if len(raw) > BODY_BYTES:
            return None
        sources = op.sources
        declared = (tuple(headers.get(fld.name) for fld in op.fields if "header" in fld.sources)
                    if "header" in sources else ())
        return (id(op), raw, content_type, tuple(path_params.items()), query_string if "query" in sources else "",
                declared)

    def get(self, key: Key) -> Kept | None:
        return self._kept.get(key)

    def keep(self, key: Key, violations: list[Violation], reported: tuple[dict[str, Any], ...]) -> None:
        if len(self._kept) >= KEPT:
            self._kept.clear()
        self._kept[key] = (violations, reported)
