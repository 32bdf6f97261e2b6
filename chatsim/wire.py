"""A speed trick, kept apart: a whole answer written to the connection in one go.

An answer sent through ``web.Response`` costs aiohttp a copy of its headers, five coroutines
(prepare, ``_start`` twice, ``_prepare_headers``, ``_write_headers``), the header checks and
serialisation and two ``write_eof``s, for bytes that are known before the first of them runs:
chatsim's answers are whole bodies, the vendor's own headers are constants, and what aiohttp adds
(Content-Length, Date, Server, Connection) follows fixed rules. ``WireResponse`` writes exactly
those bytes, in aiohttp's order, with one ``transport.write``: the vendor's headers serialised once
(``Head``), then Content-Length, aiohttp's own Date (cached per second), its Server, and Connection
as aiohttp decides it from the request's keep-alive and version.

What it does not cover goes through ``web.Response`` as before (``WireResponse.covers``): HEAD
requests and statuses that carry no body, and headers that would change aiohttp's own ones; nor
does an app with ``on_response_prepare`` handlers use it (only ``web.Response`` runs them).
``tests/test_wire.py`` holds the bytes on the wire equal to ``web.Response``'s for every kind of
answer and fails if aiohttp changes what it sends.
"""

import itertools
import re
from http import HTTPStatus
from typing import Literal

from aiohttp import hdrs, web
from aiohttp.helpers import rfc822_formatted_time
from aiohttp.http import SERVER_SOFTWARE, HttpVersion10, HttpVersion11
from multidict import CIMultiDict

# aiohttp sets or decides these itself; an answer that names one goes through web.Response
_AIOHTTP_OWN = frozenset(name.lower() for name in (hdrs.CONTENT_LENGTH, hdrs.DATE, hdrs.SERVER, hdrs.CONNECTION,
                                                   hdrs.TRANSFER_ENCODING, hdrs.SET_COOKIE))
# what aiohttp refuses in a header (its "header injection" check)
_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class Head:
    """Headers serialised as aiohttp serialises them, once: ``block`` is None when aiohttp would
    add or change something itself (then the answer goes through ``web.Response``)."""

    __slots__ = ("headers", "block")

    def __init__(self, headers: CIMultiDict[str], block: bytes | None | Literal[False] = False) -> None:
        self.headers = headers
        self.block: bytes | None = _serialised(headers) if block is False else block

    def plus(self, name: str, value: str) -> "Head":
        """These headers and one more (an answer's own, such as its violations), serialising only
        the new one: the same as ``Head`` of the headers with it set."""
        headers = self.headers.copy()
        replaces = name in headers
        headers[name] = value
        if replaces or self.block is None:
            return Head(headers)
        fits = name.lower() not in _AIOHTTP_OWN and _allowed(name) and _allowed(value)
        return Head(headers, self.block + f"{name}: {value}\r\n".encode() if fits else None)


def _allowed(text: str) -> bool:
    """No character aiohttp refuses in a header (printable text has none: the quick answer)."""
    return text.isprintable() or not _FORBIDDEN.search(text)


def _serialised(headers: CIMultiDict[str]) -> bytes | None:
    if hdrs.CONTENT_TYPE not in headers or not _AIOHTTP_OWN.isdisjoint([name.lower() for name in headers]):
        return None  # aiohttp would add its own Content-Type, or decide one of these itself
    if not all([_allowed(text) for text in itertools.chain.from_iterable(headers.items())]):
        return None  # aiohttp refuses it: web.Response raises as it always did
    return "".join([f"{name}: {value}\r\n" for name, value in headers.items()]).encode("utf-8")


_REASONS = {status.value: status.phrase for status in HTTPStatus}  # aiohttp's reason phrases
_STATUS_LINES: dict[tuple[tuple[int, int], int], bytes] = {}
_EMPTY_BODY = frozenset({204, 304})
_SERVER = f"\r\n{hdrs.SERVER}: {SERVER_SOFTWARE}\r\n".encode()
_KEEP_ALIVE_10 = f"{hdrs.CONNECTION}: keep-alive\r\n\r\n".encode()
_CLOSE_11 = f"{hdrs.CONNECTION}: close\r\n\r\n".encode()
_dated: tuple[str, bytes] = ("", b"")


def _status_line(version: tuple[int, int], status: int) -> bytes:
    line = _STATUS_LINES.get((version, status))
    if line is None:
        reason = _REASONS.get(status, "")
        line = f"HTTP/{version[0]}.{version[1]} {status} {reason}\r\n".encode()
        if len(_STATUS_LINES) < 256:
            _STATUS_LINES[(version, status)] = line
    return line


def _date_and_server() -> bytes:
    """``Date: …`` (aiohttp's, which changes once a second) and ``Server: …``, without the last CRLF."""
    global _dated
    date = rfc822_formatted_time()
    if _dated[0] != date:
        _dated = (date, f"{hdrs.DATE}: {date}".encode() + _SERVER)
    return _dated[1]


class WireResponse(web.StreamResponse):
    """An answer whose head and body are written together when aiohttp prepares it."""

    def __init__(self, body: bytes, status: int, head: Head) -> None:
        # The Head's headers, shared and not copied as web.Response copies them: nothing changes an
        # answer's headers once the adapter has made it, and ``prepare`` never adds to them.
        super().__init__(status=status, _real_headers=head.headers)
        self._wire_body = body
        self._block = head.block

    @staticmethod
    def covers(request: web.BaseRequest, status: int, head: Head) -> bool:
        """Whether the bytes this writes are aiohttp's for this answer (module docstring)."""
        return (head.block is not None and request.method != hdrs.METH_HEAD and status >= 200
                and status not in _EMPTY_BODY and request.version in (HttpVersion10, HttpVersion11))

    async def prepare(self, request: web.BaseRequest) -> None:
        if self._eof_sent:
            return
        version = request.version
        keep_alive = request.keep_alive
        self._keep_alive = keep_alive
        body = self._wire_body
        assert self._block is not None
        if keep_alive:
            end = _KEEP_ALIVE_10 if version == HttpVersion10 else b"\r\n"
        else:
            end = _CLOSE_11 if version == HttpVersion11 else b"\r\n"
        transport = request.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        transport.write(b"".join((_status_line(version, self._status), self._block,
                                  f"{hdrs.CONTENT_LENGTH}: {len(body)}\r\n".encode(), _date_and_server(), end, body)))
        self._eof_sent = True
        self._body_length = len(body)
        if transport.get_write_buffer_size():  # the peer reads slowly: wait as aiohttp's writer would
            await request.writer.drain()

    async def write_eof(self, data: bytes = b"") -> None:
        return None

