"""Route step: which vendor and operation a path names, and which tenant the request belongs to."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from multidict import istr

from chatsim.contract import Vendor
from chatsim.spec.operations import Operation
from chatsim.tenants import DEFAULT_TENANT

# Header names as istr: multidict then skips case-folding the name on every lookup.
TENANT_HEADER = istr("X-Chatsim-Tenant")
TENANT_PREFIX = "/_t/"


def split_tenant(path: str, headers: Mapping[str, str]) -> tuple[str, str]:
    """``/_t/NAME/rest`` names the tenant in the path (for clients that cannot add headers);
    otherwise the ``X-Chatsim-Tenant`` header does (for SDKs that drop path prefixes)."""
    if path.startswith(TENANT_PREFIX):
        name, _, rest = path[len(TENANT_PREFIX):].partition("/")
        return "/" + rest, name
    return path, tenant_from_headers(headers)


def tenant_from_headers(headers: Mapping[str, str]) -> str:
    return headers.get(TENANT_HEADER) or DEFAULT_TENANT


def _position(item: tuple[int, Operation]) -> int:
    return item[0]


def _first_segment(path: str) -> str:
    return path.split("/", 2)[1] if "/" in path else path


class Router:
    def __init__(self, vendors: Iterable[Vendor[Any, Any]], operations: Mapping[str, Sequence[Operation]]) -> None:
        self._exact: dict[tuple[str, str], Operation] = {}
        self._templated: list[Operation] = []
        # Templated paths whose only parameter is the last segment, by (method, the path before it):
        # a request tries its few candidates instead of every pattern (11 regex matches a request).
        self._by_parent: dict[tuple[str, str], list[tuple[int, Operation]]] = {}
        # the others (parameters before the last segment: the admin API's tenant paths) by (method,
        # first segment), and those whose first segment is a parameter
        self._by_first: dict[tuple[str, str], list[tuple[int, Operation]]] = {}
        self._anywhere: list[tuple[int, Operation]] = []
        # the first of _by_parent's candidates and its parameter's name: their patterns differ only
        # in that name, so the first matches or none does (see match)
        self._first_child: dict[tuple[str, str], tuple[Operation, str]] = {}
        self._prefixes: list[tuple[str, Vendor[Any, Any]]] = []
        self._by_name = {vendor.name: vendor for vendor in vendors}
        for vendor in self._by_name.values():
            self._prefixes.extend((prefix, vendor) for prefix in vendor.prefixes)
            for op in operations[vendor.name]:
                if op.templated:
                    self._templated.append(op)
                    continue
                self._exact[(op.method, op.path)] = op
                for alias, target in vendor.aliases.items():
                    if op.path.startswith(target):
                        self._exact[(op.method, alias + op.path[len(target):])] = op
        self._prefixes.sort(key=lambda item: len(item[0]), reverse=True)
        for position, op in enumerate(self._templated):
            parent, _, last = op.path.rpartition("/")
            first = _first_segment(op.path)
            if "{" in first:
                self._anywhere.append((position, op))
            elif "{" in parent or not (last.startswith("{") and last.endswith("}") and last.count("{") == 1):
                self._by_first.setdefault((op.method, first), []).append((position, op))
            else:
                self._by_parent.setdefault((op.method, parent), []).append((position, op))
                self._first_child.setdefault((op.method, parent), (op, last[1:-1]))

    def match(self, method: str, path: str) -> tuple[Operation | None, dict[str, str], Vendor[Any, Any] | None]:
        op = self._exact.get((method, path))
        if op is not None:
            return op, {}, self._by_name[op.vendor]
        # the first template in spec order that matches, as a scan of them all would find it
        parent = (method, path.rstrip("/").rpartition("/")[0])
        others = self._by_first.get((method, _first_segment(path)), [])
        if not others and not self._anywhere:
            return self._child(parent, path)
        candidates = sorted([*self._by_parent.get(parent, []), *others, *self._anywhere], key=_position)
        for _, op in candidates:
            assert op.pattern is not None
            found = op.pattern.match(path) if op.method == method else None
            if found:
                return op, found.groupdict(), self._by_name[op.vendor]
        return None, {}, self.vendor_for(path)

    def _child(self, parent: tuple[str, str], path: str) -> tuple[Operation | None, dict[str, str],
                                                                  Vendor[Any, Any] | None]:
        """What ``parent/{name}/?\\Z`` matches, without the regex (an egg.js friend's id is most
        templated requests): the last segment, once one trailing slash is dropped, when it is not
        empty and what comes before it is the parent. ``tests/test_routing_index.py`` holds it
        equal to the patterns."""
        found = self._first_child.get(parent)
        if found is not None:
            head, _, last = (path[:-1] if path.endswith("/") else path).rpartition("/")
            if last and head == parent[1]:
                op, name = found
                return op, {name: last}, self._by_name[op.vendor]
        return None, {}, self.vendor_for(path)

    def children(self) -> dict[tuple[str, str], tuple[Operation, str]]:
        """(operation, its parameter's name) by (method, the path before the parameter), for the
        templated paths whose one parameter is the last segment and that no other template could
        match first: for a request ``parent/value`` with a non-empty value, ``match`` answers
        exactly that (``_child``), so chatsim's runner can find them in a table too (an egg.js
        friend's id is most templated requests)."""
        if self._anywhere:
            return {}
        return {key: found for key, found in self._first_child.items()
                if (key[0], _first_segment(key[1])) not in self._by_first}

    def exact_routes(self) -> list[tuple[tuple[str, str], Operation]]:
        """((method, path), operation) for every operation without path parameters, aliases included."""
        return list(self._exact.items())

    def vendor_for(self, path: str) -> Vendor[Any, Any] | None:
        return next((vendor for prefix, vendor in self._prefixes if path.startswith(prefix)), None)

    def near_misses(self, method: str, path: str) -> list[str]:
        import difflib  # only an unknown path asks: not every start

        known = [f"{m} {p}" for m, p in self._exact] + [f"{op.method} {op.path}" for op in self._templated]
        return difflib.get_close_matches(f"{method} {path}", known, n=3, cutoff=0.6)
