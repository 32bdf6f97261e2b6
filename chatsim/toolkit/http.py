"""A small synchronous HTTP client on the standard library.

The plugin's helpers and ``chatsim verify`` are synchronous on purpose: they are called from plain
test functions and from the command line, and must work against chatsim in another thread or a
real deployment alike. urllib keeps the plugin free of imports a user's test run would pay for.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import field
from typing import Any

from chatsim.dataclass import dataclass


class ChatsimError(Exception):
    """chatsim (or the server under test) could not be reached or refused an admin request."""


@dataclass
class HttpResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self) -> Any:
        """The decoded body; text that is not JSON comes back as a string, an empty body as None."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return self.body.decode("utf-8", "replace")


def request(method: str, url: str, *, params: Any = None, json_body: Any = None, data: bytes | None = None,
            form: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
            timeout: float = 10.0) -> HttpResponse:
    """Send one request and return whatever came back, error statuses included."""
    headers = dict(headers or {})
    if params:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params, doseq=True)
    if json_body is not None:
        data = json.dumps(json_body, ensure_ascii=False).encode()
        headers.setdefault("Content-Type", "application/json")
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    req = urllib.request.Request(url, data=data, method=method.upper(), headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return HttpResponse(resp.status, resp.read(), {k.lower(): v for k, v in resp.headers.items()})
    except urllib.error.HTTPError as exc:
        return HttpResponse(exc.code, exc.read(), {k.lower(): v for k, v in exc.headers.items()})
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ChatsimError(f"{method.upper()} {url}: {reason}") from None
