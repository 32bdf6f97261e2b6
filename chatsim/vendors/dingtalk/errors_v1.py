"""How DingTalk's v1.0 gateway (api.dingtalk.com, paths ``/v1.0/...``) says no: a real HTTP status and
``{"code", "requestid", "message"}``, the Alibaba Cloud POP envelope the Tea SDK turns into a
``TeaException`` carrying ``code`` and ``message``.

Observed answers: 400 ``InvalidAuthentication`` 不合法的access_token (also for an expired token),
400 ``invalidClientIdOrSecret``, 400 ``Missingbody`` for a body that is not JSON, 403
``Forbidden.AccessDenied.*`` with ``accessdenieddetail``, 404 ``InvalidAction.NotFound``; the
``requestid`` is an upper-case UUID and is also the ``x-acs-request-id`` header. ``render`` is the
one place that builds the envelope, so throttling (403 ``Forbidden.AccessDenied.QpsLimitForAppkeyAndApi``)
can answer through it too.
"""

from collections.abc import Mapping
from typing import Any

from chatsim.contract import Reply, SimError
from chatsim.ids import IdGenerator

V1_PREFIX = "/v1.0/"


class V1Error(SimError):
    """An error of the v1.0 gateway: its HTTP status, ``code``, ``message`` and the optional detail."""

    def __init__(self, status: int, code: str, message: str, detail: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.detail = status, code, message, detail


INVALID_AUTHENTICATION = V1Error(400, "InvalidAuthentication", "不合法的access_token")
INVALID_CLIENT = V1Error(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
NOT_FOUND = V1Error(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
INTERNAL = V1Error(500, "InternalError", "The request processing has failed due to some unknown error.")
SERVICE_UNAVAILABLE = V1Error(503, "ServiceUnavailable",
                              "The request has failed due to a temporary failure of the server.")


def is_v1(path: str) -> bool:
    return path.startswith(V1_PREFIX)


def missing(name: str) -> V1Error:
    """A required parameter absent (the gateway's ``Missing<name>``, as in the observed ``Missingbody``)."""
    return V1Error(400, f"Missing{name}", f"{name} is mandatory for this action.")


def invalid(name: str) -> V1Error:
    return V1Error(400, "InvalidParameter", f"Specified parameter {name} is not valid.")


def permission_denied(scope: str) -> V1Error:
    return V1Error(403, "Forbidden.AccessDenied.AccessTokenPermissionDenied", f"应用尚未开通所需的权限：[{scope}]",
                   {"requiredScopes": [scope]})


def business(errcode: int, errmsg: str) -> V1Error:
    """A rule of the shared model (the oapi codes) answered on v1.0: 400 with the code as text."""
    return V1Error(400, str(errcode), errmsg)


def not_implemented(method: str, path: str) -> V1Error:
    """A catalogued operation chatsim does not simulate: to the client the API is not there (404)."""
    return V1Error(404, "NotImplemented", f"not implemented by chatsim: {method} {path}")


def render(error: V1Error, ids: IdGenerator) -> Reply:
    request_id = ids.uuid4().upper()
    body: dict[str, Any] = {"code": error.code, "requestid": request_id, "message": error.message}
    if error.detail is not None:
        body["accessdenieddetail"] = dict(error.detail)
    return Reply.json(body, error.status, {"Content-Type": "application/json;charset=utf-8",
                                           "x-acs-request-id": request_id}, vendor_code=error.code)
