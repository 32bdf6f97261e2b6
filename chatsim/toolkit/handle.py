"""What the toolkit's handles stand on: one server's admin API, and a vendor's handle (where to point
a client, its world actions as methods)."""

import difflib
import os
from collections.abc import Callable
from typing import Any, Protocol

from chatsim.toolkit.http import ChatsimError, request


class Tenant(Protocol):
    """The tenant a handle acts in (``chatsim.toolkit.client.Chatsim`` is one)."""

    admin: "Admin"
    base_url: str
    root_url: str

    def act(self, method: str, template: str, fields: dict[str, Any]) -> Any: ...


_ACTIONS: dict[str, dict[str, dict[str, tuple[str, str]]]] = {}


class Admin:
    """The admin API of one server, with chatsim's own error message on failure."""

    def __init__(self, url: str, timeout: float = 10.0, token: str | None = None) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        # A server started with an admin token wants it on every call (CHATSIM_ADMIN_TOKEN for both).
        token = token or os.environ.get("CHATSIM_ADMIN_TOKEN")
        self.headers = {"X-Chatsim-Admin-Token": token} if token else {}

    def call(self, method: str, path: str, *, timeout: float | None = None, **kwargs: Any) -> Any:
        kwargs["headers"] = {**self.headers, **(kwargs.get("headers") or {})}
        resp = request(method, self.url + path, timeout=timeout or self.timeout, **kwargs)
        body = resp.json()
        if resp.status >= 400:
            message = body.get("error") if isinstance(body, dict) else body
            raise ChatsimError(f"{method} {path} -> HTTP {resp.status}: {message}")
        return body

    def actions(self) -> dict[str, dict[str, tuple[str, str]]]:
        """``{vendor: {action: (method, path)}}`` from the server's own admin spec, read once."""
        if self.url not in _ACTIONS:
            import yaml

            doc = yaml.safe_load(request("GET", self.url + "/_chatsim/openapi.yaml", timeout=self.timeout,
                                         headers=self.headers).body)
            table: dict[str, dict[str, tuple[str, str]]] = {}
            for path, item in (doc.get("paths") or {}).items():
                for method, op in item.items():
                    if not isinstance(op, dict):
                        continue
                    vendor, dot, action = str(op.get("operationId", "")).partition(".")
                    if dot:
                        table.setdefault(vendor, {})[action] = (method.upper(), path)
            _ACTIONS[self.url] = table
        return _ACTIONS[self.url]


class VendorHandle:
    """``chatsim.gewe``: where to point a client, and the vendor's world actions as methods."""

    def __init__(self, sim: Tenant, name: str, client_base_path: str = "") -> None:
        self._sim = sim
        self.name = name
        # Where the vendor's client libraries expect the API root (their "base_url"), below the tenant.
        self.base_url = sim.base_url + client_base_path
        self.root_url = sim.root_url + client_base_path

    def actions(self) -> list[str]:
        return sorted(self._sim.admin.actions().get(self.name, {}))

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self.actions()]

    def __getattr__(self, action: str) -> Callable[..., Any]:
        if action.startswith("_"):
            raise AttributeError(action)
        known = self._sim.admin.actions().get(self.name, {})
        if action not in known:
            close = difflib.get_close_matches(action, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise AttributeError(f"{self.name} has no world action {action!r}{hint} "
                                 f"(known: {', '.join(sorted(known)) or 'none'})")
        method, template = known[action]
        return lambda **fields: self._sim.act(method, template, fields)
