"""How GeWe says no: always HTTP 200, ``{"ret":500,"msg":...,"data"?:{code,msg}}``.

The auth texts and the business failures are the ones users have posted from the real service.
No public sample shows a bad body parameter, so validation failures follow the shape of the missing
header text ("<name> 不可为空") and say "参数格式错误" for a value of the wrong type.
"""

from collections.abc import Sequence
from typing import Any

from chatsim.contract import Call, Reply, SimError, refused_as
from chatsim.spec.operations import Violation

TICKET_INVALID = "user ticket invalid"
DEVICE_MISSING = "[{app_id}]设备不存在"
OFFLINE = "微信已离线"
ALREADY_LOGGED_IN = "微信已登录，请勿重复登录。"
NOT_IMPLEMENTED_HEADER = "X-Chatsim-Not-Implemented"


class GeweError(SimError):
    """A failure GeWe reports: ``msg`` (may be null, as setCallback's) and an optional ``data``."""

    def __init__(self, msg: str | None, code: str | None = None, detail: str = "") -> None:
        super().__init__(msg or "")
        self.msg = msg
        self.data = None if code is None else {"code": code, "msg": detail}


def ticket_invalid() -> GeweError:
    return GeweError("添加好友失败", "-2", TICKET_INVALID)


def failure(msg: str | None, data: dict[str, str] | None = None) -> Reply:
    body: dict[str, Any] = {"ret": 500, "msg": msg}
    if data is not None:
        body["data"] = data
    return Reply.json(body, vendor_code=500)


def missing_token() -> GeweError:
    return GeweError("header:X-GEWE-TOKEN 不可为空")


def bad_token(value: str) -> GeweError:
    return GeweError(f"HTTP HEADER: X-GEWE-TOKEN={value} 不可用或已过期")


def internal_error(error: Exception) -> Reply:
    return failure(f"chatsim internal error: {type(error).__name__}: {error}")


class GeweErrors:
    """GeWe's answers for each kind of failure, all ``ret 500`` on HTTP 200."""

    def violations(self, call: Call[Any, Any], violations: Sequence[Violation]) -> Reply:
        first = violations[0]
        if first.rule == "mediaType":  # Spring's HttpMediaTypeNotSupportedException, in GeWe's envelope
            return failure(f"Content type '{first.got or 'application/octet-stream'}' not supported")
        if first.location == "body" and first.field == "body":
            return failure("请求参数格式错误")
        if first.rule == "required":
            return failure(f"{first.field} 不可为空")
        return failure(f"{first.field} 参数格式错误")

    def error(self, call: Call[Any, Any], error: SimError) -> Reply:
        if isinstance(error, GeweError):
            return failure(error.msg, error.data)
        return internal_error(error)

    def internal_error(self, call: Call[Any, Any], error: Exception) -> Reply:
        return internal_error(error)

    def not_implemented(self, call: Call[Any, Any]) -> Reply:
        """A real GeWe endpoint chatsim does not simulate (the token and the body were checked first):
        it says so by name, so that it never looks like a typo of the client's."""
        assert call.op is not None
        return Reply.json({"ret": 500, "msg": f"not implemented by chatsim: {call.path}"}, vendor_code=500,
                          headers={NOT_IMPLEMENTED_HEADER: call.op.operation_id})

    def refused(self, call: Call[Any, Any], status: int, reason: str) -> Reply:
        """GeWe's envelope, on the front server's HTTP status."""
        return refused_as(failure(reason), status, reason)

    def unknown_route(self, call: Call[Any, Any]) -> Reply:
        """Spring's own texts, which a Spring Boot service such as GeWe wraps in its envelope."""
        method = call.request.method
        if method != "POST":
            return failure(f"Request method '{method}' not supported")
        return failure(f"No handler found for {method} {call.path}")
