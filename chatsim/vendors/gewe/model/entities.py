"""What a GeWe world is made of: plain records. The rules that change them live in ``world.py``."""

from dataclasses import field
from functools import lru_cache
from typing import Any

from chatsim.dataclass import asdict, dataclass


def pinyin(text: str) -> tuple[str, str]:
    """(quanPin, pyInitial) as WeChat shows them: "chaoxi", "CX"; punctuation dropped. Kept for the
    4,096 names shown last, of at most 64 characters (remarks and group names come from requests).

    pypinyin (whole names need its phrase dictionary: 长城 is changcheng) is imported on the first
    contact shown, not at start-up: it is 55 MiB and ~0.35 s that an idle server does not need."""
    return _kept_pinyin(text) if len(text) <= 64 else _pinyin(text)


def _pinyin(text: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin

    full = "".join(part for part in lazy_pinyin(text) if part.isalnum())
    initials = "".join(part for part in lazy_pinyin(text, style=Style.FIRST_LETTER) if part.isalnum())
    return full.lower(), initials.upper()


_kept_pinyin = lru_cache(maxsize=4096)(_pinyin)


@dataclass(slots=True)
class Person:
    """Anyone on WeChat, logged in on a device of ours or not, with what they allow and do."""

    wxid: str
    nickname: str
    uin: int
    alias: str = ""
    phone: str = ""
    sex: int = 0
    signature: str = ""
    country: str = ""
    province: str = ""
    city: str = ""
    big_head_img_url: str = ""
    small_head_img_url: str = ""
    searchable: bool = True
    group_adds: bool = True
    on_request: str = "accept"  # accept | reject | ignore
    accept_after: float = 0.0

    @property
    def quan_pin(self) -> str:
        return pinyin(self.nickname)[0]

    @property
    def py_initial(self) -> str:
        return pinyin(self.nickname)[1]


@dataclass(slots=True)
class Token:
    """An X-GEWE-TOKEN: its callback URL and the devices (appIds) it may hold."""

    value: str
    callback_url: str | None = None
    expires_at: float | None = None
    max_devices: int = 10
    fail_device_creation: bool = False
    devices: list[str] = field(default_factory=list)
    callback_requests: int = 0  # setCallbacks received so far, so the last one sent wins
    callback_kept: int = 0  # the place of the setCallback whose URL is kept


@dataclass(slots=True)
class LoginSession:
    """One login attempt (a QR code, or dialogLogin's prompt on the phone). In auto mode the phone
    scans on the next-to-last of ``polls_left`` checkLogin calls and confirms on the last; in manual
    mode the world actions scan and confirm."""

    uuid: str
    expires_at: float
    polls_left: int
    scanned_by: str | None = None  # the account whose phone scanned it
    confirmed: bool = False


@dataclass(slots=True)
class Device:
    """An appId: a device an account logs in on, its login state and why it went offline."""

    app_id: str
    token: str
    wxid: str | None = None
    online: bool = False
    online_since: float | None = None
    login: LoginSession | None = None
    offline_reason: str | None = None  # logout | kicked | risk | network, once it has been online


@dataclass(slots=True)
class Contact:
    """One side of a friendship: what the owner sees of the friend."""

    wxid: str
    remark: str = ""
    only_chat: bool = False
    scene: int = 0
    since: float = 0.0


@dataclass(slots=True)
class Member:
    """A member of a group, with the name it shows there and who brought it in."""

    wxid: str
    display_name: str = ""
    inviter: str = ""


@dataclass(slots=True)
class Chatroom:
    """A group (``...@chatroom``): owner, admins, members and each member account's own settings."""

    id: str
    name: str
    owner: str
    admins: list[str] = field(default_factory=list)
    members: dict[str, Member] = field(default_factory=dict)
    muted: bool = False  # only the owner and admins may speak (chatsim's choice of what "muted" refuses)
    announcement: str = ""
    announcement_editor: str = ""
    announcement_time: int = 0
    # What each member account set for itself only: its private remark, pinned, 免打扰, saved to contacts.
    remarks: dict[str, str] = field(default_factory=dict)
    pinned: list[str] = field(default_factory=list)
    silenced: list[str] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RoomLink:
    """A way into a group by URL: an invitation link for one invitee (inviteMember into a group of
    more than 40) or the group's QR code (anyone who scans it), each expiring on the virtual clock."""

    url: str
    kind: str  # invite | qr
    chatroom: str
    sharer: str  # who invited, or whose QR code it is
    expires_at: float
    invitee: str = ""
    used: bool = False


@dataclass(slots=True)
class Ticket:
    """A v4: one use, an expiry, and bound to the account and the context that issued it."""

    v4: str
    account: str
    person: str
    kind: str  # search | request
    expires_at: float
    context: str = ""
    used: bool = False


@dataclass(slots=True)
class FriendRequest:
    """A friend request (a 37 AddMsg to its receiver) and what became of it."""

    id: int
    sender: str
    receiver: str
    scene: int
    content: str
    created: float
    expires_at: float
    status: str = "pending"  # pending | accepted | rejected | ignored | expired
    chatroom: str = ""
    decide_at: float | None = None
    ticket: str | None = None


@dataclass(slots=True)
class Message:
    """One message of the conversation log, as its sender sent it: ``to`` is a wxid or a chatroom,
    ``content`` has no ``wxid:\n`` prefix (each group member's callback adds it)."""

    new_msg_id: int
    msg_id: int
    sender: str
    to: str
    msg_type: int  # WeChat's MsgType: 1 text, 3 image, 34 voice, 43 video, 42 card, 47 emoji, 49 app, 10002 sys
    kind: str  # text | image | voice | video | file | link | app | miniapp | namecard | emoji | revoke | pat
    content: str
    created: int
    app_id: str = ""  # the device that sent it through the API ("" for a world action)
    ats: list[str] = field(default_factory=list)
    revoked: bool = False
    media: dict[str, Any] = field(default_factory=dict)  # the URLs and sizes it was sent with, never fetched


def as_json(record: Any) -> dict[str, Any]:
    return asdict(record)
