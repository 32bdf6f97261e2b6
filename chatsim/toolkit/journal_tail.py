"""The journal as a live stream of readable lines, ``stripe logs tail`` style (``chatsim journal``).

``stream`` is the one live reader of the journal: it long-polls the documented admin API
(``GET /_chatsim/journal?after=ID&wait=S``), so a record arrives as soon as it is written, with no
polling loop and no private endpoint; anything that shows the journal live (this command, the
dashboard) reads it this way. ``line`` turns one record into one line of text.
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from chatsim.toolkit.http import ChatsimError, request

WAIT_SECONDS = 25.0  # one long poll; the server's limit is 120


def stream(url: str, *, tenant: str | None = None, vendor: str | None = None, backlog: int = 20,
           follow: bool = True, token: str | None = None) -> Iterator[tuple[dict[str, Any], datetime | None]]:
    """Records in id order with the wall time they were seen at (None for the backlog, which was
    written before we looked): first the newest ``backlog`` (none for 0), then, with ``follow``,
    each new one as it is written. Raises ChatsimError when the server cannot be reached."""
    filters = {key: value for key, value in (("tenant", tenant), ("vendor", vendor)) if value}
    headers = {"X-Chatsim-Admin-Token": token} if token else {}
    endpoint = url.rstrip("/") + "/_chatsim/journal"
    after = 0
    first = _records(endpoint, {**filters, "limit": max(backlog, 1)}, headers, 10.0)
    if first:
        after = first[-1]["id"]
    for record in first[len(first) - backlog:] if backlog else ():
        yield record, None
    while follow:
        for record in _records(endpoint, {**filters, "after": after, "wait": WAIT_SECONDS}, headers,
                               WAIT_SECONDS + 10):
            after = record["id"]
            yield record, datetime.now().astimezone()


def _records(endpoint: str, params: dict[str, Any], headers: dict[str, str], timeout: float) -> list[dict[str, Any]]:
    answer = request("GET", endpoint, params=params, headers=headers, timeout=timeout)
    body = answer.json()
    if answer.status != 200 or not isinstance(body, dict):
        message = body.get("error", body) if isinstance(body, dict) else body
        raise ChatsimError(f"GET {endpoint}: {answer.status} {message}")
    return list(body["records"])


def line(record: dict[str, Any], seen: datetime | None) -> str:
    """``wall  virtual  tenant  vendor  operation  status  code  ms  violations`` for one record;
    the wall time is when the server journaled it (when it arrived here, from a server that does
    not say)."""
    if record.get("wall_time"):
        seen = datetime.fromtimestamp(record["wall_time"]).astimezone()
    wall = seen.strftime("%H:%M:%S.%f")[:-3] if seen else "--:--:--.---"
    virtual = datetime.fromtimestamp(record["time"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = record["response"]
    code = response.get("vendor_code")
    parts = [wall, virtual, record["tenant"], record["vendor"], record["operation"] or record["request"]["path"],
             str(response["status"]), f"code={'-' if code is None else code}", f"{record['duration_ms']:.1f}ms"]
    violations = record["violations"]
    if violations:
        parts.append("violations: " + ", ".join(f"{v['field']} {v['rule']}" for v in violations))
    return "  ".join(parts)
