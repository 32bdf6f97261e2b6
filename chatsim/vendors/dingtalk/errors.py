"""How DingTalk oapi answers when something is wrong: three body families, all with HTTP 200.

- legacy paths and ``/gettoken``: the bare ``{errcode, errmsg}`` pair, ``Content-Type: application/json``;
- ``/topapi`` business errors: the pair plus ``request_id``;
- ``/topapi`` gateway errors: errcode 88 (auth) or 22 (unknown ApiName) with ``sub_code`` as a *string*.
``/topapi`` answers ``application/json;charset=UTF-8``. Clients that retry only on a bare 40014
never refresh on ``/topapi``; reproducing that split is the point of this module.
"""

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from chatsim.contract import Call, Reply, SimError, refused_as
from chatsim.dataclass import dataclass
from chatsim.ids import IdGenerator
from chatsim.spec.operations import Operation, Violation
from chatsim.vendors.dingtalk import errors_v1
from chatsim.vendors.dingtalk.errors_v1 import V1Error, is_v1


class DingTalkError(SimError):
    """An error the real service reports; ``sub_code``/``sub_msg`` only on gateway errors (88, 22)."""

    def __init__(self, errcode: int, errmsg: str, sub_code: str | None = None, sub_msg: str | None = None) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode, self.errmsg, self.sub_code, self.sub_msg = errcode, errmsg, sub_code, sub_msg
        # what ``render`` makes of it, once per family
        self.legacy_reply: Reply | None = None
        self.topapi_head: bytes | None = None


@dataclass(frozen=True, slots=True)
class TokenErrors:
    """Which codes an expired or unknown token gets; the reference is unsure, clients' retry lists care."""

    legacy_invalid: int = 40014
    legacy_expired: int = 40014
    topapi_expired_sub_code: str = "40014"


DEFAULT_TOKEN_ERRORS = TokenErrors()  # frozen: one for every world whose scenario keeps the defaults


TOPAPI = "/topapi/"
NOT_IMPLEMENTED_HEADER = "X-Chatsim-Not-Implemented"
NO_TENANT_IDS = IdGenerator(0, "")  # for answers to requests that have no tenant
TOPAPI_HEADERS = {"Content-Type": "application/json;charset=UTF-8"}

EMPTY = DingTalkError(40036, "参数为空")
PARAM_ERROR = DingTalkError(400002, "参数错误")
BAD_PARAM = DingTalkError(40035, "不合法的参数")
SYSTEM_ERROR = DingTalkError(400001, "系统错误")
SYSTEM_BUSY = DingTalkError(-1, "系统繁忙")
NO_SUCH_URI = DingTalkError(404, "请求的URI地址不存在")
NEEDS_GET = DingTalkError(43001, "需要GET请求")
NEEDS_POST = DingTalkError(43002, "需要POST请求")
BAD_CONTENT_TYPE = DingTalkError(43004, "无效的HTTP HEADER Content-Type")
NEEDS_JSON = DingTalkError(43009, "参数需要是json格式")
ROBOT_NEEDS_JSON = DingTalkError(40035, "缺少参数 json")  # /robot/send: a body that is no JSON object
INVALID_CHATID_TOPAPI = DingTalkError(34001, "无效的chatid")
INVALID_CHATID_LEGACY = DingTalkError(40016, "无效的chatid")
BAD_TOKEN_MSG = "不合法的access_token"
LEGACY_TOKEN_MSG = {40014: BAD_TOKEN_MSG, 42001: "access_token超时", 40001: "无效的access_token"}
LEGACY_DENIED_MSG = {"chatCreate": "需要授权"}

# operationId -> field -> violated rule -> the error; "*" is the fallback at either level.
VIOLATIONS: dict[str, dict[str, dict[str, DingTalkError]]] = {
    "robotSend": {"body": {"*": ROBOT_NEEDS_JSON}},
    "chatSend": {
        "body": {"*": NEEDS_JSON},
        "chatid": {"required": DingTalkError(49000, "需要chatid"), "*": INVALID_CHATID_LEGACY},
    },
    "friendswitchUpdate": {
        "chatid": {"required": EMPTY, "*": INVALID_CHATID_TOPAPI},
        "is_prohibit": {"required": EMPTY, "*": PARAM_ERROR},
    },
    "chatCreate": {
        "body": {"*": NEEDS_JSON},
        "name": {"required": DingTalkError(40035, "群名称不能为空"), "*": DingTalkError(400002, "参数过长")},
        "owner": {"required": DingTalkError(49013, "群主不能为空"), "*": DingTalkError(40031, "无效的useridlist列表")},
        "useridlist": {"required": DingTalkError(49010, "群成员不能为空"),
                       "minItems": DingTalkError(49010, "群成员不能为空"),
                       "maxItems": DingTalkError(49011, "群成员长度超限"),
                       "*": DingTalkError(40031, "无效的useridlist列表")},
    },
    "chatGet": {"chatid": {"required": DingTalkError(49000, "需要参数chatid"), "*": INVALID_CHATID_LEGACY}},
    "chatUpdate": {
        "body": {"json": DingTalkError(71010, "JSON解析失败"), "*": NEEDS_JSON},
        "chatid": {"required": DingTalkError(49000, "需要chatid"), "*": INVALID_CHATID_LEGACY},
        "name": {"*": DingTalkError(49015, "无效的群名称")},
        "add_useridlist": {"maxItems": DingTalkError(49011, "userid列表超限"),
                           "*": DingTalkError(40031, "无效的userid列表")},
        "del_useridlist": {"maxItems": DingTalkError(49011, "userid列表超限"),
                           "*": DingTalkError(40031, "无效的userid列表")},
    },
}


def is_topapi(path: str) -> bool:
    return path.startswith(TOPAPI)


def violation_error(op: Operation, first: Violation) -> DingTalkError:
    """The one error the service shows for the first problem found, in the spec's field order."""
    by_field = VIOLATIONS.get(op.operation_id, {})
    rules = by_field.get(first.field) or by_field.get("*") or {}
    fallback = PARAM_ERROR if is_topapi(op.path) else BAD_PARAM
    return rules.get(first.rule) or rules.get("*") or fallback


def token_error(topapi: bool, state: str, codes: TokenErrors) -> DingTalkError:
    """``state``: "blank", "invalid" or "expired"; ``/topapi`` wraps it in 88, legacy paths do not."""
    if topapi:
        if state == "blank":
            return gateway_auth_error("40000", "access_token is blank")
        return gateway_auth_error(codes.topapi_expired_sub_code if state == "expired" else "40014", BAD_TOKEN_MSG)
    if state == "blank":
        return _error(41001, "缺少access_token参数")
    code = codes.legacy_expired if state == "expired" else codes.legacy_invalid
    return _error(code, LEGACY_TOKEN_MSG[code])


def permission_error(topapi: bool, op: Operation) -> DingTalkError:
    if topapi:
        return gateway_auth_error("60011", "没有调用该接口的权限")
    return _error(43007, LEGACY_DENIED_MSG.get(op.operation_id, "没有调用权限"))


def gateway_auth_error(sub_code: str, sub_msg: str) -> DingTalkError:
    return _error(88, f"ding talk error[subcode={sub_code},submsg={sub_msg}]", sub_code, sub_msg)


@lru_cache(maxsize=64)
def _error(errcode: int, errmsg: str, sub_code: str | None = None, sub_msg: str | None = None) -> DingTalkError:
    """The same error for the same words (a refused token is answered again and again): ``render``
    then encodes it once."""
    return DingTalkError(errcode, errmsg, sub_code, sub_msg)


def invalid_method(path: str, why: str = "") -> DingTalkError:
    """``/topapi/a/b`` names the API ``dingtalk.oapi.a.b``; the gateway rejects unknown names (``why``
    replaces its text for a catalogued API chatsim does not simulate)."""
    api_name = "dingtalk.oapi." + ".".join(part for part in path[len(TOPAPI):].split("/") if part)
    sub_msg = f"{why}{api_name}" if why else f"不合法ApiName，ApiName = {api_name}"
    return DingTalkError(22, f"Invalid method[submsg={sub_msg}]", sub_msg=sub_msg)


def render(error: DingTalkError, topapi: bool, ids: IdGenerator) -> Reply:
    """The legacy answer, or the /topapi one with a fresh ``request_id``. Both are encoded once per
    error (most are module constants, answered again and again): the legacy reply whole, the
    /topapi body up to its request_id, which is base-36 and never escaped. Encoding them on every
    answer was a fifth of a validation failure's own cost; tests/dingtalk/test_error_bytes.py holds
    these answers equal to ``plain_render``'s."""
    if not topapi:
        if error.legacy_reply is None:
            error.legacy_reply = plain_render(error, False, "")
        return error.legacy_reply
    if error.topapi_head is None:
        error.topapi_head = plain_render(error, True, "").body[:-2]
    return Reply(error.topapi_head + ids.request_id().encode("ascii") + b'"}', 200, TOPAPI_HEADERS, error.errcode)


def plain_render(error: DingTalkError, topapi: bool, request_id: str) -> Reply:
    """What ``render`` answers, encoded from the dict each time."""
    if not topapi:
        return Reply.json({"errcode": error.errcode, "errmsg": error.errmsg}, vendor_code=error.errcode)
    body: dict[str, Any] = {"errcode": error.errcode}
    if error.sub_code is not None:
        body["sub_code"] = error.sub_code
    if error.sub_msg is not None:
        body["sub_msg"] = error.sub_msg
    body.update(errmsg=error.errmsg, request_id=request_id)
    return Reply.json(body, headers=TOPAPI_HEADERS, vendor_code=error.errcode)


class DingTalkErrors:
    """DingTalk's answers per failure, in the shape of the path's family: ``/v1.0`` (HTTP statuses,
    ``errors_v1``), ``/topapi`` or legacy (HTTP 200, errcode)."""

    def __init__(self, methods: Mapping[str, frozenset[str]]) -> None:
        self._methods = methods  # the methods the spec has for each path (43001/43002 for the others)

    def violations(self, call: Call[Any, Any], violations: Sequence[Violation]) -> Reply:
        assert call.op is not None
        if is_v1(call.path):
            return _render_v1(call, v1_violation_error(violations[0]))
        return self._render(call, violation_error(call.op, violations[0]))

    def error(self, call: Call[Any, Any], error: SimError) -> Reply:
        if is_v1(call.path):
            if isinstance(error, DingTalkError):
                error = errors_v1.business(error.errcode, error.errmsg)
            return _render_v1(call, error) if isinstance(error, V1Error) else self.internal_error(call, error)
        if not isinstance(error, DingTalkError):
            return self.internal_error(call, error)
        return self._render(call, error)

    def internal_error(self, call: Call[Any, Any], error: Exception) -> Reply:
        if is_v1(call.path):
            return _render_v1(call, errors_v1.INTERNAL)
        return self._render(call, SYSTEM_ERROR if is_topapi(call.path) else SYSTEM_BUSY)

    def not_implemented(self, call: Call[Any, Any]) -> Reply:
        """A catalogued endpoint chatsim does not simulate (the token already checked): the family's
        no-such-API code, saying so by name, and the header."""
        assert call.op is not None
        if is_v1(call.path):
            reply = _render_v1(call, errors_v1.not_implemented(call.request.method, call.path))
        elif is_topapi(call.path):
            reply = self._render(call, invalid_method(call.path, "not implemented by chatsim: "))
        else:
            reply = self._render(call, DingTalkError(404, f"not implemented by chatsim: {call.path}"))
        return Reply(reply.body, reply.status, {**(reply.headers or {}), NOT_IMPLEMENTED_HEADER: call.op.operation_id},
                     reply.vendor_code)

    def refused(self, call: Call[Any, Any], status: int, reason: str) -> Reply:
        """No such path (404) as the gateway says it; anything else is its busy answer. Without a
        tenant, request ids come from a generator of no tenant's."""
        ids = call.context.ids if call.context is not None else NO_TENANT_IDS
        if is_v1(call.path):
            found = errors_v1.render(errors_v1.NOT_FOUND if status == 404 else errors_v1.SERVICE_UNAVAILABLE, ids)
            return refused_as(found, status, reason)
        error = _unknown(call.path) if status == 404 else SYSTEM_BUSY
        return refused_as(render(error, is_topapi(call.path), ids), status, reason)

    def unknown_route(self, call: Call[Any, Any]) -> Reply:
        if is_v1(call.path):  # a wrong method too: "please check your url and method"
            return _render_v1(call, errors_v1.NOT_FOUND)
        known = self._methods.get(call.path)
        if known:
            return self._render(call, NEEDS_GET if "GET" in known else NEEDS_POST)
        return self._render(call, _unknown(call.path))

    @staticmethod
    def _render(call: Call[Any, Any], error: DingTalkError) -> Reply:
        return render(error, is_topapi(call.path), call.ctx.ids)


def v1_violation_error(first: Violation) -> V1Error:
    """v1.0 names the first bad parameter: a body that is no JSON object is a missing body."""
    if first.field == "body" or first.rule == "required":
        return errors_v1.missing(first.field)
    return errors_v1.invalid(first.field)


def _render_v1(call: Call[Any, Any], error: V1Error) -> Reply:
    return errors_v1.render(error, call.ctx.ids)


def _unknown(path: str) -> DingTalkError:
    return invalid_method(path) if is_topapi(path) else NO_SUCH_URI
