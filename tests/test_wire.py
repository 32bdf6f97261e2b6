"""``chatsim.wire`` sends the bytes ``web.Response`` sends, for every kind of answer chatsim gives.

One aiohttp server answers each case twice, once through ``WireResponse`` (where it covers the
answer, as chatsim's adapter decides) and once through ``web.Response``; a raw socket reads both
off the wire, and only the Date header's value may differ (it is the clock's). If aiohttp changes
what it sends, these fail, and the trick has to follow or go.
"""

import asyncio
import re

import pytest
from aiohttp import web
from multidict import CIMultiDict

from chatsim.wire import Head, WireResponse

GEWE = CIMultiDict({"Content-Type": "application/json;charset=UTF-8"})
ANSWERS = {
    "ok": (200, GEWE, '{"ret":200,"msg":"操作成功"}'.encode()),
    "empty": (200, GEWE, b""),
    "error": (500, GEWE, b'{"ret":500,"msg":"x"}'),
    "not-found": (404, CIMultiDict({"Content-Type": "text/html", "X-Chatsim-Not-Implemented": "1"}), b"<html/>"),
    "unassigned-status": (599, GEWE, b"{}"),
    "no-content": (204, GEWE, b""),
    "own-connection-header": (200, CIMultiDict({"Content-Type": "text/plain", "Connection": "close"}), b"bye"),
    "no-content-type": (200, CIMultiDict({"X-Extra": "1"}), b"raw"),
    "big": (200, GEWE, b"x" * (8 * 1024 * 1024)),
}
REQUESTS = {
    "1.1 keep-alive": b"%s /%s/%s HTTP/1.1\r\nHost: t\r\n\r\n",
    "1.1 close": b"%s /%s/%s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    "1.0": b"%s /%s/%s HTTP/1.0\r\nHost: t\r\n\r\n",
    "1.0 keep-alive": b"%s /%s/%s HTTP/1.0\r\nHost: t\r\nConnection: keep-alive\r\n\r\n",
}
DATE = re.compile(rb"\r\nDate: [^\r]+\r\n")


@pytest.fixture
async def server(aiohttp_server):
    used = {"wire": 0}

    async def answer(request: web.Request) -> web.StreamResponse:
        status, headers, body = ANSWERS[request.match_info["case"]]
        head = Head(headers)
        if request.match_info["how"] == "wire" and WireResponse.covers(request, status, head):
            used["wire"] += 1
            return WireResponse(body, status, head)
        return web.Response(body=body, status=status, headers=head.headers)

    app = web.Application()
    app.router.add_route("*", "/{how}/{case}", answer)
    srv = await aiohttp_server(app)
    srv.used = used
    return srv


async def _exchange(port: int, raw: bytes) -> bytes:
    """The bytes of one answer: up to its Content-Length, or to the server's close."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = re.search(rb"\r\nContent-Length: (\d+)\r\n", head)
    no_body = raw.startswith(b"HEAD") or head.split(b" ", 2)[1] in (b"204", b"304")
    body = b"" if no_body else (await reader.readexactly(int(length.group(1))) if length else await reader.read())
    writer.close()
    return head + body


@pytest.mark.parametrize("request_kind", REQUESTS)
@pytest.mark.parametrize("case", ANSWERS)
@pytest.mark.parametrize("method", [b"POST", b"GET", b"HEAD"])
async def test_the_wire_bytes_are_web_responses(server, case, request_kind, method):
    template = REQUESTS[request_kind]
    wire = await _exchange(server.port, template % (method, b"wire", case.encode()))
    plain = await _exchange(server.port, template % (method, b"plain", case.encode()))
    assert DATE.sub(b"\r\nDate: -\r\n", wire) == DATE.sub(b"\r\nDate: -\r\n", plain)
    assert wire.startswith(b"HTTP/1.")
    covered = method != b"HEAD" and case in ("ok", "empty", "error", "not-found", "unassigned-status", "big")
    assert server.used["wire"] == (1 if covered else 0)


async def test_keep_alive_goes_on_after_a_wire_answer(server):
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    for _ in range(3):
        writer.write(b"POST /wire/ok HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}")
        head = await reader.readuntil(b"\r\n\r\n")
        body = await reader.readexactly(int(re.search(rb"Content-Length: (\d+)", head).group(1)))
        assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"Connection" not in head
        assert body == ANSWERS["ok"][2]
    writer.close()
    assert server.used["wire"] == 3


def test_headers_aiohttp_decides_itself_are_not_serialised():
    assert Head(CIMultiDict({"Content-Type": "a/b", "X-A": "1"})).block == b"Content-Type: a/b\r\nX-A: 1\r\n"
    for own in ("Content-Length", "date", "Server", "Connection", "Transfer-Encoding", "Set-Cookie"):
        assert Head(CIMultiDict({"Content-Type": "a/b", own: "1"})).block is None
    assert Head(CIMultiDict({"Content-Type": "a/b", "X-A": "1\r\nX-Injected: 1"})).block is None


def test_one_more_header_is_serialised_as_the_whole_would_be():
    base = Head(GEWE.copy())
    for name, value in [("X-Chatsim-Violations", '[{"field": "a", "got": "是"}]'), ("x-extra", "1"),
                        ("Content-Type", "text/plain"), ("Connection", "close"), ("X-A", "1\n2"), ("X-A", "\t")]:
        headers = GEWE.copy()
        headers[name] = value
        one_more = base.plus(name, value)
        assert (one_more.block, list(one_more.headers.items())) == (Head(headers).block, list(headers.items()))
    assert list(GEWE.items()) == [("Content-Type", "application/json;charset=UTF-8")]  # base.plus left it alone
