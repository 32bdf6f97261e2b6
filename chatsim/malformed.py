"""Malformed HTTP in one log line, not a traceback.

aiohttp's parser refuses what it cannot read as HTTP/1.x (a NUL in a header value, a bad chunk
size, a method with a bracket, Content-Length beside Transfer-Encoding, TLS sent to the plain port)
before any route or vendor sees the request. It answers 400 with the parser's reason and closes
the connection, which is what a front server does and tells the client's developer what was
wrong; but it logs the refusal as an error with its traceback, which reads like chatsim crashing.
No vendor can answer in its own words here: the tenant header, even the path, may be unread. So
the answer stays aiohttp's, and the log gets one line in the request log's shape instead.
"""

import logging
from typing import Any

from aiohttp.http_exceptions import HttpProcessingError

log = logging.getLogger("chatsim")


class ServerLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """aiohttp's server logger, with a parser's refusal logged as one request-log line (aiohttp logs
    it at debug level when it is a connection's first request with a bad method, which is how TLS
    to the plain port looks: the line a person pointing a client at https:// needs)."""

    def exception(self, msg: object, *args: Any, exc_info: Any = True, **kwargs: Any) -> None:
        if not _refused(exc_info, args):
            self.logger.exception(msg, *args, exc_info=exc_info, **kwargs)

    def debug(self, msg: object, *args: Any, exc_info: Any = None, **kwargs: Any) -> None:
        if not _refused(exc_info, args):
            self.logger.debug(msg, *args, exc_info=exc_info, **kwargs)


def _refused(exc: object, args: tuple[Any, ...]) -> bool:
    """Log the parser's refusal ``exc`` in one line, if it is one; ``args`` are aiohttp's (the remote)."""
    if not isinstance(exc, HttpProcessingError):
        return False
    reason = exc.message.splitlines()[0].rstrip(":") if exc.message else "Bad Request"
    log.info("- (malformed HTTP from %s) %d %s", args[0] if args else "?", exc.code, reason)
    return True


SERVER_LOG = ServerLog(logging.getLogger("aiohttp.server"))
