"""GeWe's answers to fault rules, always in its ``ret 500`` envelope on HTTP 200.

No public sample shows GeWe refusing a call for frequency: its maintainers only warn that past
about 40 messages a minute WeChat takes the account offline (Devo919/Gewechat#246). The throttle
answer is chosen: WeChat's own words for it, "操作过于频繁，可稍后再试。" (what WeChat servers
answer bots that send too much, wechaty/puppet-padlocal#109), as ``msg``; a rule's ``answer``
replaces it. The system error is Spring's generic failure in GeWe's envelope, also chosen.
"""

from collections.abc import Mapping
from typing import Any

from chatsim.contract import Call, Reply
from chatsim.faults.limiter import Throttle
from chatsim.ids import IdGenerator
from chatsim.vendors.gewe.errors import failure

TOO_FREQUENT = "操作过于频繁，可稍后再试。"
SYSTEM_ERRORS = {"system": "系统异常，请稍后再试", "timeout": "请求超时，请稍后再试"}


class GeweFaults:
    error_kinds = tuple(SYSTEM_ERRORS)

    def account(self, call: Call[Any, Any]) -> str | None:
        """The appId the call names (the device), where it names one."""
        app_id = call.params.get("appId")
        return str(app_id) if app_id else None

    def throttled(self, call: Call[Any, Any], throttle: Throttle, settings: Mapping[str, Any],
                  ids: IdGenerator) -> Reply:
        return failure(TOO_FREQUENT)

    def system_error(self, call: Call[Any, Any], kind: str, ids: IdGenerator) -> Reply:
        return failure(SYSTEM_ERRORS.get(kind, SYSTEM_ERRORS["system"]))
