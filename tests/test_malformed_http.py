"""HTTP that aiohttp's parser refuses, sent raw to chatsim's own server (its runner, as `chatsim
serve` and the pytest plugin run it): a 400 with the parser's reason and the connection closed, one
request-log line and no traceback, nothing journaled, and the server answers the next client."""

import logging
import socket

import pytest

from chatsim.toolkit.http import request
from chatsim.toolkit.server import ThreadedChatsim

CHECK_ONLINE = b"POST /gewe/v2/api/login/checkOnline HTTP/1.1\r\nHost: x\r\n"
REFUSED = {
    "a NUL in a header value": (b"POST /api/chat/searchUser HTTP/1.1\r\nHost: x\r\nX-A: \x00\r\n\r\n",
                                "Invalid header value char"),
    "a bracket in the method": (b"GE(T / HTTP/1.1\r\nHost: x\r\n\r\n", "Invalid method encountered"),
    "an unknown HTTP version": (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", "Bad status line"),
    "a chunk size that is not hex": (CHECK_ONLINE + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                                     "Invalid character in chunk size"),
    "Content-Length beside Transfer-Encoding": (
        CHECK_ONLINE + b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "Transfer-Encoding can't be present with Content-Length"),
    "a negative Content-Length": (CHECK_ONLINE + b"Content-Length: -5\r\n\r\n", "Invalid character in Content-Length"),
    "a header line without a colon": (b"GET / HTTP/1.1\r\nHost x\r\n\r\n", "Invalid header token"),
    "TLS sent to the plain port": (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                                   "Received HTTPS traffic on an HTTP port"),
}


@pytest.fixture(scope="module")
def server():
    with ThreadedChatsim() as running:
        yield running


def exchange(server: ThreadedChatsim, raw: bytes) -> bytes:
    """Everything the server sends back until it closes the connection."""
    with socket.create_connection((server.host, server.port), timeout=10) as conn:
        conn.sendall(raw)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("raw, reason", REFUSED.values(), ids=list(REFUSED))
def test_refused_http_gets_400_and_one_log_line(server, raw, reason, caplog):
    caplog.set_level(logging.INFO)
    journaled = request("GET", server.url + "/_chatsim/journal", timeout=10).json()["records"]
    answer = exchange(server, raw)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0].split(b" ", 1)[1] == b"400 Bad Request"
    assert reason.encode() in body
    lines = [record.getMessage() for record in caplog.records]
    assert f"- (malformed HTTP from 127.0.0.1) 400 {reason}" in lines
    assert [record.getMessage() for record in caplog.records if record.exc_info] == []
    assert request("GET", server.url + "/_chatsim/journal", timeout=10).json()["records"] == journaled
    online = request("POST", server.url + "/gewe/v2/api/login/checkOnline", timeout=10,
                     headers={"X-GEWE-TOKEN": "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"},
                     json_body={"appId": "wx_wR_U4zPj2M_OTS3BCyoE4"})
    assert online.json()["ret"] == 200
