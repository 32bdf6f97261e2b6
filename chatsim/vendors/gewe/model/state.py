"""The world's state and the lookups every rule shares; the rules are mixed in from sibling modules.

Every rule checks everything before it changes anything, so a refused request leaves the world
exactly as it was. Callbacks are queued as events and handed to the outbox by ``publish``, which
the caller runs once the change succeeded, naming the journal record that caused it.
"""

from collections.abc import Callable, Iterable
from typing import Any

from chatsim.context import TenantContext
from chatsim.dataclass import dataclass, plain
from chatsim.faults.limiter import WindowLimiter
from chatsim.oldestfirst import OldestFirst
from chatsim.trace import Trace
from chatsim.vendors.gewe.errors import DEVICE_MISSING, OFFLINE, GeweError
from chatsim.vendors.gewe.model import callbacks
from chatsim.vendors.gewe.model.entities import (
    Chatroom,
    Contact,
    Device,
    FriendRequest,
    Message,
    Person,
    RoomLink,
    Ticket,
    Token,
)
from chatsim.vendors.gewe.model.messagelog import MessageLog


@dataclass(frozen=True, slots=True)
class GeweSettings:
    """A world's rules from its scenario's ``gewe:`` settings: lifetimes, bounds, risk control."""

    ticket_ttl: float = 86400.0
    request_ttl: float = 3 * 86400.0
    qr_ttl: float = 240.0
    login_polls: int = 1
    login_account: str | None = None
    login_mode: str = "auto"  # auto | manual
    max_devices: int = 2  # a Gewechat instance holds two devices per token
    probe_timeout: float = 3.0
    token_mode: str = "instance"  # instance: getTokenId answers instance_token | console: no getTokenId
    instance_token: str = ""
    max_tickets: int = 10_000  # v4s a world keeps; past it the oldest answers user ticket invalid
    max_messages: int = 1_000  # the conversation log keeps the newest this many
    echo_own_messages: bool = False  # whether what the API sends is pushed back to the sender's callback
    risk_per_minute: int | None = None  # risk control, off by default: sends a minute before going offline
    risk_spacing: float = 1.0  # with risk control: seconds between sends to different people


def message_json(message: Message) -> dict[str, Any]:
    """A log entry as the admin API shows it: ids as numbers, the kind and the MsgType both."""
    return {"newMsgId": message.new_msg_id, "msgId": message.msg_id, "from": message.sender, "to": message.to,
            "msgType": message.msg_type, "kind": message.kind, "content": message.content,
            "createTime": message.created, "appId": message.app_id, "ats": list(message.ats),
            "revoked": message.revoked, "media": dict(message.media)}


class WorldState:
    def __init__(self, ctx: TenantContext, settings: GeweSettings, people: dict[str, Person],
                 tokens: dict[str, Token], devices: dict[str, Device], chatrooms: dict[str, Chatroom]) -> None:
        self.ctx = ctx
        # The tenant's virtual clock, bound once rather than looked up through ctx on every read.
        self.now: Callable[[], float] = ctx.clock.now
        self.settings = settings
        self.people = people
        self.tokens = tokens
        self.devices = devices
        self.chatrooms = chatrooms
        self.contacts: dict[str, dict[str, Contact]] = {}
        self.v3s: dict[tuple[str, str], str] = {}
        self.v3_owners: dict[str, tuple[str, str]] = {}
        self.tickets: OldestFirst[str, Ticket] = OldestFirst()  # past max_tickets, the oldest goes
        self.requests: dict[int, FriendRequest] = {}
        # Earliest virtual time at which an open request may change by itself; settle() is a no-op
        # before it, so the per-request cost does not grow with the number of requests ever made.
        self.next_due = float("inf")
        self.msg_seq = ctx.ids.randint(600_000_000, 700_000_000)
        self.queued: list[tuple[str, str, dict[str, Any]]] = []  # this request's events, until publish
        self.list_cache: dict[str, float] = {}  # account -> when fetchContactsList last answered it
        self.phone_books: dict[str, list[str]] = {}  # account -> the phone numbers it uploaded
        self._lookups: PeopleLookups | None = None  # built on the first search (``lookups``)
        self.messages = MessageLog(settings.max_messages)
        # download names handed out -> what they stand for
        self.files: OldestFirst[str, dict[str, Any]] = OldestFirst()
        self.room_links: OldestFirst[str, RoomLink] = OldestFirst()  # invitation links, group QR codes, by URL
        # Risk control on the faults' limiter: a window of sends a minute per account, and one of a
        # single send per ``risk_spacing`` seconds that a send to the same person restarts.
        per_minute = settings.risk_per_minute
        self.risk_window = None if per_minute is None else WindowLimiter(per_minute, 60.0)
        self.risk_spacing = None if per_minute is None else WindowLimiter(1, settings.risk_spacing)
        self.risk_last: dict[str, str] = {}  # account -> whom it sent to last, while risk control is on

    # --- lookups -------------------------------------------------------------------------------

    def lookups(self) -> "PeopleLookups":
        """People by WeChat id and phone number (a scan of everyone was each search's cost, and
        the phone book's, once per number); built on first use, since people never change once
        the world is built."""
        if self._lookups is None:
            self._lookups = PeopleLookups(self.people)
        return self._lookups

    def token(self, value: str, now: float) -> Token | None:
        """A token that exists and has not expired by ``now``, the request's arrival time."""
        token = self.tokens.get(value)
        if token is None or (token.expires_at is not None and now >= token.expires_at):
            return None
        return token

    def device(self, token: Token, app_id: str, action: str, online: bool = True) -> Device:
        """The token's device, online unless told otherwise, or GeWe's failure for ``action``."""
        device = self.devices.get(app_id)
        if device is None or device.token != token.value:
            raise GeweError(action, "-1", DEVICE_MISSING.format(app_id=app_id))
        if online and not device.online:
            raise GeweError(action, "-1", OFFLINE)
        return device

    def account(self, token: Token, app_id: str, action: str) -> str:
        """The wxid logged in on the token's online device."""
        wxid = self.device(token, app_id, action).wxid
        assert wxid is not None
        return wxid

    def contacts_of(self, wxid: str) -> dict[str, Contact]:
        """Read-only view; writes go through ``befriend`` so a lookup never changes the dump."""
        return self.contacts.get(wxid, {})

    def is_friend(self, wxid: str, other: str) -> bool:
        return other in self.contacts.get(wxid, {})

    def is_account(self, wxid: str) -> bool:
        """A WeChat account logged in (or once logged in) on one of our devices."""
        return any(device.wxid == wxid for device in self.devices.values())

    def online_devices(self, wxid: str) -> list[Device]:
        return [device for device in self.devices.values() if device.online and device.wxid == wxid]

    def online_among(self, wxids: Iterable[str]) -> list[str]:
        """Those of ``wxids`` with a device online, in their order: the only ones a callback reaches.
        One pass over the devices, so that telling a group of hundreds costs its few accounts, not a
        scan of the devices per member."""
        online = {device.wxid for device in self.devices.values() if device.online}
        return [wxid for wxid in wxids if wxid in online]

    def v3(self, viewer: str, target: str) -> str:
        """The stable v3 under which ``viewer`` sees ``target``."""
        key = (viewer, target)
        value = self.v3s.get(key)
        if value is None:
            value = self.v3s[key] = self.ctx.ids.v3()
            self.v3_owners[value] = key
        return value

    def issue_ticket(self, account: str, person: str, kind: str, context: str = "",
                     expires_at: float | None = None) -> str:
        v4 = self.ctx.ids.v4()
        expiry = self.now() + self.settings.ticket_ttl if expires_at is None else expires_at
        tickets = self.tickets
        tickets.put(v4, Ticket(v4, account, person, kind, expiry, context))
        if len(tickets) > self.settings.max_tickets:  # the oldest goes: v4s are bounded, not one per search
            tickets.pop_oldest()
        return v4

    # --- callbacks -----------------------------------------------------------------------------

    def emit_to(self, wxid: str, build: Any) -> None:
        """Queue ``build(app_id)`` for every online device of the account ``wxid``."""
        for device in self.online_devices(wxid):
            self.queued.append((device.app_id, device.token, build(device.app_id)))

    def go_offline(self, device: Device, reason: str) -> None:
        """The account drops (kicked by another login, risk control, the network): GeWe pushes Offline."""
        assert device.wxid is not None
        self.queued.append((device.app_id, device.token, callbacks.offline(device.app_id, device.wxid)))
        device.online, device.online_since, device.login, device.offline_reason = False, None, None, reason

    def message_ids(self) -> callbacks.MessageIds:
        new_msg_id = self.ctx.ids.new_msg_id()
        while new_msg_id in self.messages:
            new_msg_id = self.ctx.ids.new_msg_id()
        self.msg_seq += 1
        return callbacks.message_ids(self.ctx.ids.msg_id(), new_msg_id, self.msg_seq, int(self.now()))

    def publish(self, trace: Trace | None) -> None:
        """Hand the queued events to the outbox, to the callback URL each token has right now."""
        if not self.queued:
            return
        events, self.queued = self.queued, []
        for app_id, token, payload in events:
            url = self.tokens[token].callback_url
            self.ctx.outbox.emit("gewe", payload["TypeName"], url, payload, key=app_id, trace=trace)

    # --- admin view ----------------------------------------------------------------------------

    def records(self) -> dict[str, Any]:
        """What ``dump`` lists, with the records themselves where it has their fields: orjson writes
        a dataclass as the JSON of its ``asdict``, in a fifth of the time, so the memory budget sizes
        a world from this (10,000 groups: 40 ms against 220; tests/gewe/test_world_size.py holds
        the two JSON texts equal)."""
        return {
            "tokens": list(self.tokens.values()),
            "devices": list(self.devices.values()),
            "people": list(self.people.values()),
            "contacts": {owner: list(self.contacts_of(owner).values()) for owner in self.people},
            "chatrooms": list(self.chatrooms.values()),
            "v3": [{"viewer": viewer, "target": target, "v3": value}
                   for (viewer, target), value in self.v3s.items()],
            "tickets": list(self.tickets.values()),
            "friend_requests": list(self.requests.values()),
            "phone_books": {owner: list(phones) for owner, phones in self.phone_books.items()},
            "messages": [message_json(message) for message in self.messages],
            "files": [{"name": name, **entry} for name, entry in self.files.items()],
            "room_links": list(self.room_links.values()),
        }

    def dump(self) -> dict[str, Any]:
        """The world as JSON-able data: its records, each dataclass as its ``asdict``."""
        return {name: plain(value) for name, value in self.records().items()}


class PeopleLookups:
    """What a search and the phone book find, as a scan of the people in the world's order would."""

    def __init__(self, people: dict[str, Person]) -> None:
        self.handles: dict[str, str] = {}  # alias or phone -> the first person who has it
        self.phones: dict[str, list[str]] = {}  # phone -> everyone who has it, in order
        for wxid, person in people.items():
            for handle in (person.alias, person.phone):
                if handle:
                    self.handles.setdefault(handle, wxid)
            if person.phone:
                self.phones.setdefault(person.phone, []).append(wxid)
