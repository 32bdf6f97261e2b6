"""DingTalk's custom robots (自定义机器人): a webhook ``access_token`` that posts into one chat, its
three security settings, the per-robot rate limit and what a message must hold.

The checks run in the real service's order as far as it shows: the token (300001), then the
security settings (IP allow-list, signature), then the message itself (its size, its shape, the
keywords), then the rate limit (130101). Every security failure is errcode 310000; only the
errmsg says which one. Texts are the service's current "description:...;solution:..." ones, as
clients log them since 2022.
"""

import base64
import hashlib
import hmac
import ipaddress
from collections.abc import Mapping
from dataclasses import field
from typing import Any

from chatsim.boundedlog import BoundedLog
from chatsim.dataclass import dataclass
from chatsim.faults.limiter import WindowLimiter
from chatsim.vendors.dingtalk.errors import DingTalkError
from chatsim.vendors.dingtalk.model.messages import has_items, is_text

SECURITY = 310000
NO_SUCH_TOKEN = DingTalkError(300001, "token is not exist")
IP_DENIED = DingTalkError(SECURITY, "description:ip 不在白名单中;"
                                    "solution:请联系对应群的管理员，设置机器人安全ip地址段;")
SIGN_MISMATCH = DingTalkError(SECURITY, "description:机器人发送签名不匹配;"
                                        "solution:请确认签名和生成签名的时间戳必须都放在调用的网址中，"
                                        "请确认机器人的密钥加密和填写正确;"
                                        "link:请参考本接口对应文档获得具体要求，"
                                        "或者在https://open.dingtalk.com/document/  搜索相关文档;")
SIGN_EXPIRED = DingTalkError(SECURITY, "description:机器人发送签名过期;"
                                       "solution:签名生成时间和发送时间请保持在 timestampms 以内;")
NO_KEYWORD = DingTalkError(SECURITY, "description:关键词不匹配;"
                                     "solution:请联系群管理员查看此机器人的关键词，并在发送的信息中包含此关键词;")
TOO_FAST = DingTalkError(130101, "send too fast, exceed 20 times per minute")
TOO_LONG = DingTalkError(460101, "message too long, exceed 20000 bytes")
NO_MSGTYPE = DingTalkError(40035, "缺少参数 msgtype")
BAD_MSGTYPE = DingTalkError(40035, "不支持的msgtype")

SIGN_WINDOW_MS = 3_600_000  # the timestamp may differ from the service's clock by an hour either way
MAX_BYTES = 20_000
PER_MINUTE, PENALTY_SECONDS = 20, 600  # 20 messages a minute, then 10 minutes of refusals

# msgtype -> (its number in the service's 400<n><field> codes, the fields it must have, in order)
MSGTYPES: dict[str, tuple[int, tuple[str, ...]]] = {
    "text": (1, ("content",)),
    "link": (2, ("title", "text", "messageUrl")),
    "markdown": (4, ("title", "text")),
    "actionCard": (5, ("title", "text")),
    "feedCard": (6, ("links",)),
}
BUTTON = ("title", "actionURL")
FEED_LINK = ("title", "messageURL", "picURL")
# what a keyword is looked for in: every text a member reads
TEXT_FIELDS = ("content", "title", "text", "singleTitle")
AT_TYPES = ("text", "markdown")
MAX_KEYWORDS = 10


class RobotRefused(Exception):
    """A robot the settings page would not save: which field, why, and the admin API's status."""

    def __init__(self, field: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.field, self.status = field, status


def check_settings(keywords: tuple[str, ...], secret: str | None, ips: tuple[str, ...]) -> None:
    """What DingTalk's robot settings page insists on: at least one security setting, at most ten
    keywords, a secret as it hands them out (SEC...), addresses or ranges."""
    if not (keywords or secret or ips):
        raise RobotRefused("keywords", "a robot needs a security setting: keywords, secret or ips")
    if len(keywords) > MAX_KEYWORDS or not all(keywords):
        raise RobotRefused("keywords", f"1 to {MAX_KEYWORDS} non-empty keywords")
    if secret is not None and not secret.startswith("SEC"):
        raise RobotRefused("secret", "a robot secret starts with SEC")
    for entry in ips:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise RobotRefused("ips", f"{entry!r} is no IP address or range") from None


def missing(msgtype: str, name: str, code: int) -> DingTalkError:
    """The service's answer for a required field absent or of the wrong shape."""
    return DingTalkError(code, f"错误描述:参数 {msgtype} --》 {name} 缺失，或者参数格式不正确; "
                               "解决方案:请填充上对应参数;参考链接:请参考本接口对应文档查看参数获取方式，"
                               "或者在https://open.dingtalk.com/document/  搜索对应文档;")


def sign(timestamp: str, secret: str) -> str:
    """Base64 of HMAC-SHA256 over ``"{timestamp}\\n{secret}"`` keyed by the secret (before URL-encoding)."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@dataclass(slots=True)
class Robot:
    """A custom robot of a chat: its access_token, its security settings and its message log."""

    access_token: str
    name: str
    chatid: str
    keywords: tuple[str, ...] = ()
    secret: str | None = None
    ips: tuple[str, ...] = ()  # addresses or CIDR ranges
    created_at: float | None = None
    messages: BoundedLog[dict[str, Any]] = field(default_factory=BoundedLog)
    _networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = field(default=(), init=False, repr=False)

    def __post_init__(self) -> None:
        self._networks = tuple(ipaddress.ip_network(entry, strict=False) for entry in self.ips)

    def check_security(self, peer: str | None, timestamp: str | None, signature: str | None, now: float) -> None:
        """The allow-list and the signature, whichever are set; the keywords need the message."""
        if self._networks and not self._allows(peer):
            raise IP_DENIED
        if self.secret is not None:
            if not timestamp or not signature:
                raise SIGN_MISMATCH
            if not timestamp.isdigit() or abs(int(timestamp) - now * 1000) > SIGN_WINDOW_MS:
                raise SIGN_EXPIRED
            if not hmac.compare_digest(signature, sign(timestamp, self.secret)):
                raise SIGN_MISMATCH

    def _allows(self, peer: str | None) -> bool:
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            return False
        return any(address in network for network in self._networks)

    def check_keywords(self, message: Mapping[str, Any]) -> None:
        if self.keywords and not any(keyword in text for text in _texts(message) for keyword in self.keywords):
            raise NO_KEYWORD

    def settings(self) -> dict[str, Any]:
        return {"access_token": self.access_token, "name": self.name, "chatid": self.chatid,
                "keywords": list(self.keywords), "secret": self.secret, "ips": list(self.ips),
                "created_at": self.created_at}

    def dump(self) -> dict[str, Any]:
        return {**self.settings(), "messages": list(self.messages)}


def check_message(body: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """(msgtype, its object) once every field the type needs is there, as a string or list of the
    right shape; else the service's error for the first one missing."""
    msgtype = body.get("msgtype")
    if not msgtype:
        raise NO_MSGTYPE
    if msgtype not in MSGTYPES:
        raise BAD_MSGTYPE
    number, required = MSGTYPES[msgtype]
    content = body.get(msgtype)
    if not isinstance(content, dict):
        raise missing(msgtype, required[0], 400002 + number * 100)
    for index, name in enumerate(required):
        value = content.get(name)
        if name == "links" and not has_items(value, FEED_LINK) or name != "links" and not is_text(value):
            raise missing(msgtype, name, 400002 + number * 100 + index)
    if msgtype == "actionCard":
        _check_buttons(content, number)
    return msgtype, content


def _check_buttons(card: Mapping[str, Any], number: int) -> None:
    """One button (singleTitle + singleURL) or several (btns, each a title and an actionURL)."""
    if "btns" in card:
        if not has_items(card["btns"], BUTTON):
            raise missing("actionCard", "btns", 400004 + number * 100)
    elif not (is_text(card.get("singleTitle")) and is_text(card.get("singleURL"))):
        raise missing("actionCard", "singleTitle", 400004 + number * 100)


def _texts(content: Mapping[str, Any]) -> list[str]:
    """Every text of the message a member reads: its own texts, its buttons' and links' titles."""
    found = [content[name] for name in TEXT_FIELDS if isinstance(content.get(name), str)]
    for name in ("btns", "links"):
        items = content.get(name)
        if isinstance(items, list):
            found += [item["title"] for item in items if isinstance(item, dict) and isinstance(item.get("title"), str)]
    return found


def mentions(msgtype: str, at: Any, members: list[str], mobiles: Mapping[str, str]) -> dict[str, Any]:
    """What ``at`` asked for, and whom it reaches: members named by userid or by mobile; only text
    and markdown messages @ anyone."""
    at = at if isinstance(at, dict) and msgtype in AT_TYPES else {}
    user_ids = [str(u) for u in at.get("atUserIds") or () if isinstance(u, str | int)]
    phones = [str(m) for m in at.get("atMobiles") or () if isinstance(m, str | int)]
    reached: list[str] = []
    if user_ids or phones:  # most messages @ nobody
        by_phone = {mobile: userid for userid, mobile in mobiles.items()}
        reached = [u for u in dict.fromkeys([*user_ids, *(by_phone.get(p, "") for p in phones)]) if u in members]
    return {"atUserIds": user_ids, "atMobiles": phones, "isAtAll": at.get("isAtAll") in (True, "true"),
            "mentioned": reached}


class Robots:
    """The tenant's robots by access_token, their one rate limit, and how long their logs are."""

    def __init__(self, log_size: int) -> None:
        self.by_token: dict[str, Robot] = {}
        self.limiter = WindowLimiter(PER_MINUTE, 60.0, PENALTY_SECONDS)
        self.log_size = log_size
        self.sent = 0  # messages accepted so far, every robot: each one's id

    def add(self, robot: Robot) -> Robot:
        robot.messages.resize(self.log_size)
        self.by_token[robot.access_token] = robot
        return robot

    def resize(self, log_size: int) -> None:
        """A scenario section's ``message_log_size``: every log keeps its newest that many."""
        self.log_size = log_size
        for robot in self.by_token.values():
            robot.messages.resize(log_size)

    def get(self, access_token: str | None) -> Robot:
        robot = self.by_token.get(access_token or "")
        if robot is None:
            raise NO_SUCH_TOKEN
        return robot

    def send(self, robot: Robot, body: Mapping[str, Any], raw_size: int, members: list[str],
             mobiles: Mapping[str, str], now: float) -> dict[str, Any]:
        """Check and keep one message; returns it as the robot's log shows it."""
        if raw_size > MAX_BYTES:
            raise TOO_LONG
        msgtype, content = check_message(body)
        robot.check_keywords(content)
        if self.limiter.hit(robot.access_token, now) is not None:
            raise TOO_FAST
        self.sent += 1
        message = {"id": self.sent, "msgtype": msgtype, msgtype: content,
                   "at": mentions(msgtype, body.get("at"), members, mobiles),
                   "chatid": robot.chatid, "access_token": robot.access_token, "sent_at": now}
        robot.messages.append(message)
        return message
