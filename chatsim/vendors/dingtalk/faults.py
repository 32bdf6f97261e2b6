"""DingTalk's answers to fault rules: the open platform's frequency limits (the 9000x family) and
its system errors, in the envelope of the path's family.

The 90002 text is a real one (legacy ``/user/list``, ali-sdk/node-dingtalk#32): the apiPath, the
window (its first and last second, Beijing time) and the limit, and when the penalty ends. The
other scopes' codes are documented (90001: every API of this server; 90018: one appkey on one
API) but no body of theirs is public: their texts follow 90002's, chosen and listed in the README.
A throttle on ``/topapi`` carries a ``request_id`` like every ``/topapi`` answer. The v1.0 gateway
(api.dingtalk.com) answers HTTP 403 ``Forbidden.AccessDenied.QpsLimitForAppkeyAndApi`` in its
own envelope instead (the code and status are seen in public reports; the message is chatsim's).
"""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from chatsim.contract import Call, Reply
from chatsim.faults.limiter import Throttle
from chatsim.ids import IdGenerator
from chatsim.vendors.dingtalk.errors import SYSTEM_BUSY, SYSTEM_ERROR, DingTalkError, is_topapi, render
from chatsim.vendors.dingtalk.errors_v1 import INTERNAL, SERVICE_UNAVAILABLE, V1Error, is_v1
from chatsim.vendors.dingtalk.errors_v1 import render as render_v1

BEIJING = timezone(timedelta(hours=8))
BY_SCOPE = {"api": 90002, "tenant": 90001, "app": 90018}
WHO = {90001: "您的服务器调用钉钉开放平台所有接口的请求都被暂时禁用了",
       90002: "您的服务器调用钉钉开放平台当前接口的所有请求都被暂时禁用了",
       90018: "您的应用调用钉钉开放平台当前接口的请求都被暂时禁用了"}
KINDS = {"busy": SYSTEM_BUSY, "system_error": SYSTEM_ERROR}
QPS_LIMIT = "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"
QPS_MESSAGE = "The request has exceeded the QPS limit of this appkey for this API."


def beijing(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def throttle_message(errcode: int, api_path: str, throttle: Throttle) -> str:
    """90002's words: the window from its first to its last second, then the penalty's end."""
    last = max(throttle.window_start, throttle.window_end - 1)
    who = WHO.get(errcode, WHO[90002])
    return (f"{who}, apiPath({api_path}), 从 {beijing(throttle.window_start)} 到 {beijing(last)} "
            f"请求总次数超过了 {throttle.requests} 次, 处罚将在 {beijing(throttle.until)} 结束.")


class DingTalkFaults:
    """system: the family's own internal error (/topapi 400001 系统错误, legacy -1 系统繁忙)."""

    error_kinds = ("system", "busy", "system_error")

    def account(self, call: Call[Any, Any]) -> str | None:
        """The appkey: of the token's app, or the one gettoken was sent."""
        app = call.principal
        if app is not None:
            return str(app.appkey)
        appkey = call.params.get("appkey")
        return str(appkey) if appkey else None

    def throttled(self, call: Call[Any, Any], throttle: Throttle, settings: Mapping[str, Any],
                  ids: IdGenerator) -> Reply:
        if is_v1(call.path):
            return render_v1(V1Error(403, QPS_LIMIT, f"{QPS_MESSAGE} ({throttle.requests} in "
                                     f"{throttle.window_end - throttle.window_start:g} s, until "
                                     f"{beijing(throttle.until)})"), ids)
        errcode = int(settings.get("errcode") or BY_SCOPE[settings.get("scope", "api")])
        error = DingTalkError(errcode, throttle_message(errcode, call.path, throttle))
        return render(error, is_topapi(call.path), ids)

    def system_error(self, call: Call[Any, Any], kind: str, ids: IdGenerator) -> Reply:
        if is_v1(call.path):
            return render_v1(SERVICE_UNAVAILABLE if kind == "busy" else INTERNAL, ids)
        topapi = is_topapi(call.path)
        error = KINDS.get(kind) or (SYSTEM_ERROR if topapi else SYSTEM_BUSY)
        return render(error, topapi, ids)
