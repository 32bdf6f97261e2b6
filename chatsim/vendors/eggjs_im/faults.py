"""The egg.js backend's answers to fault rules.

The backend has no limiter of its own, so a throttle is what the proxy in front of it would answer:
nginx's ``limit_req`` refuses with its default status, 503, and its own HTML page (chosen; a rule's
``answer`` gives another status or body, a 429 say). The system errors are the backend's own: the
global error handler's 500 for a thrown error (only "Internal Server Error" in the prod env) and
the 400 its controllers answer when the database fails.
"""

from collections.abc import Callable, Mapping
from typing import Any

from chatsim.contract import Call, Reply
from chatsim.faults.limiter import Throttle
from chatsim.ids import IdGenerator
from chatsim.vendors.eggjs_im.errors import fail, render_thrown

NGINX_503 = (b"<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
             b"<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n"
             b"</body>\r\n</html>\r\n")
THROWN = "Cannot read properties of undefined (reading 'id')"  # a typical thrown TypeError
DB_FAILED = "系统异常，请稍后再试"


class EggFaults:
    error_kinds = ("internal", "db")

    def __init__(self, prod: Callable[[Any], bool]) -> None:
        self._prod = prod

    def account(self, call: Call[Any, Any]) -> str | None:
        """The signed-in user's username (the token's)."""
        user = call.principal
        return str(user.username) if user is not None else None

    def throttled(self, call: Call[Any, Any], throttle: Throttle, settings: Mapping[str, Any],
                  ids: IdGenerator) -> Reply:
        return Reply(NGINX_503, 503, {"Content-Type": "text/html", "Server": "nginx"})

    def system_error(self, call: Call[Any, Any], kind: str, ids: IdGenerator) -> Reply:
        if kind == "db":
            return fail(DB_FAILED, 400)
        return render_thrown(THROWN, 500, self._prod(call.world))
