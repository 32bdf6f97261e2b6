"""``chatsim listen``: a local receiver for GeWe callbacks, Stripe ``listen`` style.

Point ``setCallback`` (on chatsim or a real GeWe) at it and watch one readable line per delivery:
what kind of event, from whom, to whom, and the v3 a friend request or a new friend carries. It
answers the way real receivers do (HTTP 200, body ignored by GeWe), keeps what it got, and can
forward each delivery to the bot under development, relaying the bot's answer so retries still
behave as they would against the bot itself.
"""

import json
import re
import sys
from collections import deque
from dataclasses import field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import aiohttp
from aiohttp import web

from chatsim.dataclass import dataclass
from chatsim.sockets import BindError, bind
from chatsim.toolkit.expect import MISSING, lookup

V3_IN_XML = re.compile(r'(?:encryptusername|username)="(v3_[^"]+)"')
LIST_PATH = "/_listen/deliveries"
KEEP = 10_000  # deliveries the list answers, the newest


@dataclass
class Received:
    time: str
    path: str
    payload: Any
    line: str
    schema_problems: list[str] = field(default_factory=list)
    forwarded: int | str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"time": self.time, "path": self.path, "payload": self.payload, "line": self.line,
                "schema_problems": self.schema_problems, "forwarded": self.forwarded}


def _text(payload: Any, path: str) -> str | None:
    """GeWe wraps strings as ``{"string": ...}``; this reads either form."""
    value = lookup(payload, path)
    if isinstance(value, dict):
        value = value.get("string")
    return None if value is MISSING or value is None else str(value)


def summarize(payload: Any) -> str:
    """One line: TypeName, MsgType, from, to and v3 where the event has them."""
    if not isinstance(payload, dict):
        return f"(not JSON) {str(payload)[:100]!r}"
    if "testMsg" in payload:
        return f"probe  testMsg={payload['testMsg']!r}"
    kind = payload.get("TypeName") or "(no TypeName)"
    parts = [f"{kind:<11}"]
    msg_type = lookup(payload, "Data.MsgType")
    if msg_type is not MISSING:
        parts.append(f"MsgType={msg_type}")
    sender = _text(payload, "Data.FromUserName")
    receiver = _text(payload, "Data.ToUserName")
    who = _text(payload, "Data.UserName")
    parts += [f"from={sender}"] if sender else []
    parts += [f"to={receiver}"] if receiver else []
    parts += [f"user={who}"] if who and not sender else []
    if kind == "Offline" or not (sender or who):
        parts.append(f"wxid={payload.get('Wxid')}")
    v3 = _text(payload, "Data.EncryptUserName") or next(iter(V3_IN_XML.findall(_text(payload, "Data.Content") or "")),
                                                         None)
    parts += [f"v3={v3}"] if v3 else []
    return "  ".join(parts)


class Sink:
    def __init__(self, out: TextIO, forward: str | None = None, save: Path | None = None,
                 check: bool = True, keep: int = KEEP) -> None:
        self.out = out
        self.forward = forward
        self.save = save
        self.received: deque[Received] = deque(maxlen=keep)  # the newest; --save keeps them all
        self._checker: Any = None
        if check:
            from chatsim.selfcheck import CallbackChecker
            from chatsim.vendors.registry import discover

            self._checker = CallbackChecker.of([discover()["gewe"]])

    async def receive(self, request: web.Request) -> web.StreamResponse:
        if request.method == "GET" and request.path == LIST_PATH:
            return web.json_response([item.to_json() for item in self.received])
        raw = await request.read()
        try:
            payload: Any = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode("utf-8", "replace")
        item = Received(datetime.now().strftime("%H:%M:%S"), request.path_qs, payload, summarize(payload))
        if self._checker is not None and isinstance(payload, dict) and "TypeName" in payload:
            item.schema_problems = self._checker.problems("gewe", payload["TypeName"], payload)
        self.received.append(item)
        self._print(f"{item.time}  --> {item.line}")
        for problem in item.schema_problems:
            self._print(f"          !! not as documented: {problem}")
        status = 200
        if self.forward:
            status = await self._forward(request, raw, item)
        if self.save:
            with self.save.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")
        return web.Response(status=status, text="success")

    async def _forward(self, request: web.Request, raw: bytes, item: Received) -> int:
        assert self.forward is not None
        headers = {"Content-Type": request.headers.get("Content-Type", "application/json")}
        try:
            async with request.app[SESSION].post(self.forward, data=raw, headers=headers,
                                                 timeout=aiohttp.ClientTimeout(total=10)) as resp:
                await resp.read()
                status = item.forwarded = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            item.forwarded = f"{type(exc).__name__}: {exc}".rstrip(": ")
            self._print(f"{item.time}  <-- {self.forward} failed: {item.forwarded}")
            return 502
        self._print(f"{item.time}  <-- {status} from {self.forward}")
        return status

    def _print(self, line: str) -> None:
        print(line, file=self.out, flush=True)


SINK = web.AppKey("sink", Sink)
SESSION = web.AppKey("session", aiohttp.ClientSession)


def build_listen_app(sink: Sink) -> web.Application:
    app = web.Application(client_max_size=4 * 1024**2)
    app[SINK] = sink

    async def session(app: web.Application):  # type: ignore[no-untyped-def]
        app[SESSION] = aiohttp.ClientSession()
        yield
        await app[SESSION].close()

    app.cleanup_ctx.append(session)
    app.router.add_route("*", "/{tail:.*}", sink.receive)
    return app


def run(host: str, port: int, forward: str | None, save: Path | None, check: bool) -> int:
    try:
        sock = bind(host, port)
    except BindError as exc:
        print(f"chatsim listen: {exc}", file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    sink = Sink(sys.stdout, forward, save, check)
    print(f"chatsim listen: receiving GeWe callbacks on http://{host}:{port}/ (any path)"
          + (f", forwarding to {forward}" if forward else "")
          + f"; received so far (the newest {KEEP:,}): GET {LIST_PATH}", flush=True)
    web.run_app(build_listen_app(sink), sock=sock, access_log=None, print=None)
    return 0
