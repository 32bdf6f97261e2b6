"""The listening socket, bound before anything is printed.

Binding first means a busy port (common on shared CI machines) is one clear line and a non-zero
exit, never a banner with credentials followed by aiohttp's OSError traceback; and port 0 gives the
real port to the banner and to the callback guard, which must know chatsim's own address.
"""

import errno
import socket


class BindError(Exception):
    """The address cannot be listened on; the message is the one line a person needs."""


def bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise BindError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    # SO_REUSEADDR (what aiohttp sets) lets a restart reuse a port in TIME_WAIT, yet a port another
    # process listens on still fails here; SO_REUSEPORT would not, so it is never set.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(512)
    except OSError as exc:
        sock.close()
        reason = "the port is already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        raise BindError(f"cannot listen on {host}:{port}: {reason}") from None
    return sock
