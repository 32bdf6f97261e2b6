"""The DingTalk world: organisations (corpId) with users and internal apps, access tokens, group chats.

Plain Python, no HTTP. Errors are ``DingTalkError``s carrying the errcode/errmsg the real service
uses; which family shape they get (bare, request_id, 88-wrapped) is the renderer's business, because
the same rule answers differently on ``/topapi`` and on the legacy paths.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import field
from typing import Any

from chatsim.boundedlog import BoundedLog
from chatsim.context import TenantContext
from chatsim.contract import SimError
from chatsim.dataclass import dataclass
from chatsim.vendors.dingtalk.errors import DEFAULT_TOKEN_ERRORS, DingTalkError
from chatsim.vendors.dingtalk.model.messages import check_chat_message
from chatsim.vendors.dingtalk.model.robots import NO_SUCH_TOKEN, Robot, RobotRefused, Robots, check_settings

TOKEN_TTL = 7200.0
MESSAGE_LOG_SIZE = 1_000  # each robot's and each chat's message log keeps its newest this many (robots.log_size)
FLAGS = ("showHistoryType", "searchable", "validationType", "mentionAllAuthority", "managementType",
         "chatBannedType")
_FLAG_NAMES = frozenset(FLAGS)
_NO_FLAGS = dict.fromkeys(FLAGS, 0)  # a new chat's flags, copied (dict.fromkeys was 0.7 µs of each create)
# v1.0's scene-group management_options spell the same flags in snake_case
SCENE_FLAGS = {"show_history_type": "showHistoryType", "searchable": "searchable",
               "validation_type": "validationType", "mention_all_authority": "mentionAllAuthority",
               "management_type": "managementType", "chat_banned_type": "chatBannedType"}
# every switch a scene group has (/topapi's and v1.0's names): SCENE_FLAGS, the friend switch, kept ones
SCENE_OPTIONS = (*SCENE_FLAGS, "add_friend_forbidden", "only_admin_can_ding", "all_members_can_create_mcs_conf",
                 "all_members_can_create_calendar", "group_email_disabled", "only_admin_can_set_msg_top",
                 "group_live_switch", "members_to_admin_chat", "plugin_customize_verify")
MAX_MEMBERS = 1000
NORMAL, DISSOLVED = 1, 2


BAD_APP = DingTalkError(40096, "不合法的appKey或appSecret")
MISSING_KEY = DingTalkError(40035, "缺少参数 corpid or appkey")
BAD_CORP_SECRET = DingTalkError(40089, "不合法的corpId或corpSecret")
BAD_USERIDLIST = DingTalkError(40031, "无效的useridlist列表")
BAD_USERID_LIST = DingTalkError(40031, "无效的userid列表")
TOO_MANY_MEMBERS = DingTalkError(49011, "userid列表超限")
EXTERNAL_IN_ORG_GROUP = DingTalkError(49009, "企业群不允许添加和删除外部联系人")
ADD_DEL_OVERLAP = DingTalkError(49004, "添加和删除的人员有交集")
BAD_USERID = DingTalkError(40003, "无效的userid")
NOT_IN_GROUP = DingTalkError(60124, "用户不在对应的群内")
FORBIDDEN_CONTENT = DingTalkError(41049, "包含违禁内容")


@dataclass(slots=True)
class App:
    """An app of an organisation: what gettoken and oauth2/accessToken take, and its permissions."""

    appkey: str
    appsecret: str
    corp_id: str
    name: str
    permissions: frozenset[str]


@dataclass(slots=True)
class Token:
    """An access token, one live per app, for oapi and v1.0 alike."""

    value: str
    appkey: str
    expires_at: float


@dataclass(slots=True)
class Org:
    """An organisation (corpId): its users by userid, their mobiles."""

    corp_id: str
    name: str
    users: dict[str, str] = field(default_factory=dict)
    mobiles: dict[str, str] = field(default_factory=dict)  # userid -> mobile, for a robot's atMobiles


@dataclass(slots=True)
class Chat:
    """A group chat (chatid, openConversationId): members, switches, nicks and the apps' messages."""

    chatid: str
    open_conversation_id: str
    corp_id: str
    name: str
    owner: str
    members: list[str]
    flags: dict[str, int]
    icon: str = ""
    status: int = NORMAL
    conversation_tag: int = 2
    is_prohibit: bool = False
    is_prohibit_changed_at: float | None = None
    is_prohibit_changed_by: str | None = None
    group_nicks: dict[str, str] = field(default_factory=dict)
    scene_options: dict[str, int] = field(default_factory=dict)  # scene-group options chatsim only keeps
    template_id: str = ""  # the scene-group template it was made from (scenegroup/create)
    subadmins: list[str] = field(default_factory=list)
    created_at: float | None = None
    created_by: str | None = None
    messages: BoundedLog[dict[str, Any]] = field(default_factory=BoundedLog)  # what apps sent (/chat/send), newest kept

    def info(self) -> dict[str, Any]:
        """``chat_info`` as ``/chat/get`` shows it: nothing about the friend switch."""
        return {"chatid": self.chatid, "name": self.name, "owner": self.owner, "useridlist": list(self.members),
                "conversationTag": self.conversation_tag, **self.flags, "icon": self.icon, "status": self.status}

    def dump(self) -> dict[str, Any]:
        return {**self.info(), "openConversationId": self.open_conversation_id, "corpId": self.corp_id,
                "is_prohibit": self.is_prohibit, "is_prohibit_changed_at": self.is_prohibit_changed_at,
                "is_prohibit_changed_by": self.is_prohibit_changed_by, "group_nicks": dict(self.group_nicks),
                "scene_options": dict(self.scene_options), "template_id": self.template_id,
                "subadmins": list(self.subadmins), "created_at": self.created_at, "created_by": self.created_by}

    def management_options(self) -> dict[str, int]:
        """The scene-group switches as scenegroup/get shows them: the shared flags and the kept
        options (not the friend switch, which no API reads back)."""
        return {**{key: self.flags[flag] for key, flag in SCENE_FLAGS.items()}, **self.scene_options}

    def member_page(self, cursor: int, size: int) -> tuple[list[str], int | None]:
        """One page of member userids from offset ``cursor``, and the next page's offset if any."""
        end = cursor + size
        return self.members[cursor:end], end if end < len(self.members) else None


# Expired tokens are remembered (to answer them as expired, not unknown: token_errors) up to this many
# a world; a token every 7,200 virtual seconds per app would otherwise be kept for ever, unseen by
# the memory budget, which measures the live ones.
SPENT_TOKENS_KEPT = 256


class DingTalkWorld:
    def __init__(self, ctx: TenantContext) -> None:
        self.ctx = ctx
        self.orgs: dict[str, Org] = {}
        self.apps: dict[str, App] = {}
        self.chats: dict[str, Chat] = {}  # by chatid; ``add_chat`` adds one
        # openConversationId -> chatid: v1.0 and scene groups name a chat by it (a scan of every
        # chat was each such request's cost, growing with the world's other chats)
        self.chatids: dict[str, str] = {}
        self.tokens: dict[str, Token] = {}
        self.live: dict[str, Token] = {}
        self.token_ttl = TOKEN_TTL
        self.token_errors = DEFAULT_TOKEN_ERRORS
        self.forbidden_words: tuple[str, ...] = ()
        self.robots = Robots(MESSAGE_LOG_SIZE)
        self.chat_messages_sent = 0  # every chat's: each message's id
        # (appkey, the uuid's SHA-256) -> chatid: a repeated create answers the first group; the
        # digest, not the uuid, because the spec sets it no length and the dump does not show it
        self.scene_uuids: dict[tuple[str, bytes], str] = {}

    # --- tokens -------------------------------------------------------------------------------

    def get_token(self, appkey: str | None, appsecret: str | None, corpid: str | None) -> Token:
        """The live token, its lifetime extended; a new one once it has expired."""
        if not appkey and corpid:
            raise BAD_CORP_SECRET
        if not appkey or not appsecret:
            raise MISSING_KEY
        app = self.app_with(appkey, appsecret)
        if app is None:
            raise BAD_APP
        return self.issue_token(app)

    def app_with(self, appkey: str, appsecret: str) -> App | None:
        app = self.apps.get(appkey)
        return app if app is not None and app.appsecret == appsecret else None

    def issue_token(self, app: App) -> Token:
        """One live token per app, whichever API asks (oapi's gettoken, v1.0's accessToken): both
        documents describe the same 7200 s token, renewed while live, and clients mix them."""
        appkey = app.appkey
        now = self.ctx.clock.now()
        token = self.live.get(appkey)
        if token is None or token.expires_at <= now:
            token = Token(self.ctx.ids.token32(), appkey, now)
            self.tokens[token.value] = self.live[appkey] = token
            if len(self.tokens) - len(self.live) > SPENT_TOKENS_KEPT:
                self._forget_oldest_spent()
        token.expires_at = now + self.token_ttl
        return token

    def _forget_oldest_spent(self) -> None:
        """The oldest token no app holds any more: from now on it is unknown rather than expired."""
        for value, token in self.tokens.items():
            if self.live.get(token.appkey) is not token:
                del self.tokens[value]
                return

    def token_state(self, value: str) -> tuple[App | None, str]:
        """(app, "valid") or (None, "invalid" | "expired")."""
        token = self.tokens.get(value)
        if token is None:
            return None, "invalid"
        if token.expires_at <= self.ctx.clock.now():
            return None, "expired"
        return self.apps[token.appkey], "valid"

    # --- chats --------------------------------------------------------------------------------

    def chat_of(self, app: App, chatid: str, unknown: SimError, dissolved_too: bool = False) -> Chat:
        """A chat of the app's organisation (only a live one, unless reading); else the caller's error."""
        chat = self.chats.get(chatid)
        if chat is None or chat.corp_id != app.corp_id or (chat.status != NORMAL and not dissolved_too):
            raise unknown
        return chat

    def chat_by_conversation(self, app: App, open_conversation_id: str, unknown: SimError) -> Chat:
        """A live chat of the app's organisation by its openConversationId (v1.0's name for it)."""
        return self.chat_of(app, self.chatids.get(open_conversation_id, ""), unknown)

    def add_chat(self, chat: Chat) -> None:
        """The chat, in place of one with its chatid (a later scenario section's)."""
        earlier = self.chats.get(chat.chatid)
        if earlier is not None:
            del self.chatids[earlier.open_conversation_id]
        self.chats[chat.chatid] = chat
        self.chatids[chat.open_conversation_id] = chat.chatid

    def create_chat(self, app: App, name: str, owner: str, useridlist: list[str], flags: Mapping[str, int],
                    icon: str = "") -> Chat:
        """A group of ``useridlist`` (repeats dropped), the owner among them; ``flags`` (of FLAGS)
        set, the others 0."""
        users = self.orgs[app.corp_id].users
        members = unique(useridlist)
        if owner not in members or not all([userid in users for userid in members]):
            raise BAD_USERIDLIST
        chat = Chat(self.ctx.ids.chatid(), self.ctx.ids.open_conversation_id(), app.corp_id, name, owner, members,
                    {**_NO_FLAGS, **flags}, icon=icon, created_at=self.ctx.clock.now(), created_by=app.appkey)
        self.add_chat(chat)
        return chat

    def create_scene_group(self, app: App, title: str, template_id: str, owner: str, user_ids: list[str],
                           subadmins: list[str], uuid: str | None, icon: str, options: Mapping[str, int]) -> Chat:
        """A scene group: the owner and ``user_ids`` its members, ``subadmins`` among them, the
        switches as scenegroup/update sets them. The same ``uuid`` again answers the first group."""
        key = (app.appkey, hashlib.sha256(uuid.encode("utf-8", "surrogatepass")).digest()) if uuid else None
        if key is not None and key in self.scene_uuids:
            return self.chats[self.scene_uuids[key]]
        members = unique([owner, *user_ids])
        if len(members) > MAX_MEMBERS:
            raise TOO_MANY_MEMBERS
        if subadmins and any(userid not in members for userid in subadmins):
            raise BAD_USERID_LIST
        chat = self.create_chat(app, title, owner, members, {}, icon)
        chat.template_id, chat.subadmins = template_id, unique(subadmins)
        if options:
            self.update_scene_group(chat, app, None, None, None, options)
        if key is not None:
            self.scene_uuids[key] = chat.chatid
        return chat

    def update_chat(self, chat: Chat, app: App, changes: Mapping[str, Any]) -> None:
        """Check every change first, then apply them all: a rejected update changes nothing.

        An update names one or two things (a title, members to add), so each part is looked at only
        when it is named: this is every group update of both APIs, and the generic pass over every
        part was most of a member add's own cost. Members are unique in every chat (each way of
        making one removes repeats), so they need no second pass either."""
        get = changes.get
        add, remove = get("add_useridlist") or (), get("del_useridlist") or ()
        if get("add_extidlist") or get("del_extidlist"):
            raise EXTERNAL_IN_ORG_GROUP
        if add and remove and not set(add).isdisjoint(remove):
            raise ADD_DEL_OVERLAP
        members = chat.members
        if add:
            users = self.orgs[app.corp_id].users
            if not all([userid in users for userid in add]):
                raise BAD_USERID_LIST
            members = unique([*members, *add])
        removed = set(remove)
        if removed:
            members = [member for member in members if member not in removed]
        if len(members) > MAX_MEMBERS:
            raise TOO_MANY_MEMBERS
        owner = get("owner") or chat.owner
        if owner not in members or get("ownerType") == "ext":
            raise BAD_USERID_LIST
        chat.members, chat.owner = members, owner
        if removed:
            chat.subadmins = [userid for userid in chat.subadmins if userid not in removed]
        chat.name = get("name") or chat.name
        chat.icon = get("icon") or chat.icon
        chat.flags.update(flags_in(changes))
        if "isBan" in changes:
            chat.flags["chatBannedType"] = int(changes["isBan"])

    def update_scene_group(self, chat: Chat, app: App, title: str | None, owner: str | None, icon: str | None,
                           options: Mapping[str, int]) -> None:
        """The scene-group update (v1.0's and /topapi's): ``add_friend_forbidden`` is the member friend
        switch that oapi's friendswitch/update sets; the shared flags are the chat's; other options
        are only kept."""
        if owner is not None and owner not in chat.members:
            raise BAD_USERID_LIST
        chat.name = title or chat.name
        chat.owner = owner or chat.owner
        chat.icon = icon or chat.icon
        if not options:  # a title, an owner or an icon: most updates
            return
        chat.flags.update({flag: options[key] for key, flag in SCENE_FLAGS.items() if key in options})
        chat.scene_options.update({key: value for key, value in options.items()
                                   if key not in SCENE_FLAGS and key != "add_friend_forbidden"})
        if "add_friend_forbidden" in options:
            self.set_friend_switch(chat, app, bool(options["add_friend_forbidden"]))

    def set_friend_switch(self, chat: Chat, app: App, is_prohibit: bool) -> None:
        chat.is_prohibit = is_prohibit
        chat.is_prohibit_changed_at = self.ctx.clock.now()
        chat.is_prohibit_changed_by = app.appkey

    def set_group_nick(self, chat: Chat, app: App, userid: str, nick: str) -> None:
        if userid not in self.orgs[app.corp_id].users:
            raise BAD_USERID
        if userid not in chat.members:
            raise NOT_IN_GROUP
        if any(word in nick for word in self.forbidden_words):
            raise FORBIDDEN_CONTENT
        chat.group_nicks[userid] = nick

    def send_to_chat(self, chat: Chat, app: App, body: Mapping[str, Any]) -> dict[str, Any]:
        """An app's message into the chat (legacy ``/chat/send``), kept in the chat's log."""
        msgtype, content = check_chat_message(body)
        log_size = self.robots.log_size
        chat.messages.resize(log_size)
        self.chat_messages_sent += 1
        message = {"id": self.chat_messages_sent, "messageId": self.ctx.ids.hex(32), "msgtype": msgtype,
                   msgtype: content, "sender": app.appkey, "sent_at": self.ctx.clock.now()}
        chat.messages.append(message)
        return message

    # --- custom robots ------------------------------------------------------------------------

    def new_robot(self, corp_id: str, chatid: str, name: str | None, access_token: str | None,
                  keywords: Sequence[str], secret: str | None, ips: Sequence[str]) -> Robot:
        """A robot of ``corp_id`` posting into its chat ``chatid`` (not yet added: ``robots.add``)."""
        chat = self.chats.get(chatid)
        if chat is None or chat.corp_id != corp_id:
            raise RobotRefused("chatid", f"no chat {chatid} in org {corp_id}", 404)
        token = access_token or self.ctx.ids.hex(64)
        if token in self.robots.by_token:
            raise RobotRefused("access_token", "already the token of another robot", 409)
        check_settings(tuple(keywords), secret, tuple(ips))
        return Robot(token, name or "自定义机器人", chatid, tuple(keywords), secret, tuple(ips),
                     created_at=self.ctx.clock.now())

    def robot_send(self, robot: Robot, body: Mapping[str, Any], raw_size: int) -> dict[str, Any]:
        """A robot's message into its chat (the keywords, the shape and the rate limit checked)."""
        chat = self.chats[robot.chatid]
        if chat.status != NORMAL:  # a dissolved group takes its robots with it
            raise NO_SUCH_TOKEN
        return self.robots.send(robot, body, raw_size, chat.members, self.orgs[chat.corp_id].mobiles,
                                self.ctx.clock.now())

    def dump(self) -> dict[str, Any]:
        now = self.ctx.clock.now()
        return {
            "orgs": [{"corpId": org.corp_id, "name": org.name,
                      "users": [{"userid": uid, "name": name, **_mobile(org, uid)} for uid, name in org.users.items()],
                      "apps": [{"appkey": a.appkey, "name": a.name, "permissions": sorted(a.permissions)}
                               for a in self.apps.values() if a.corp_id == org.corp_id]}
                     for org in self.orgs.values()],
            "tokens": [{"appkey": t.appkey, "access_token": t.value, "expires_at": t.expires_at,
                        "expired": t.expires_at <= now} for t in self.live.values()],
            "chats": [{**chat.dump(), "messages": list(chat.messages)} for chat in self.chats.values()],
            "robots": [robot.dump() for robot in self.robots.by_token.values()],
        }


def flags_in(values: Mapping[str, Any]) -> dict[str, int]:
    """The FLAGS that ``values`` sets (most requests set none), in FLAGS' order."""
    if _FLAG_NAMES.isdisjoint(values):
        return {}
    return {flag: values[flag] for flag in FLAGS if flag in values}


def unique(userids: Sequence[str]) -> list[str]:
    """``userids`` without repeats, first ones kept; a set's size tells when there are none (most
    lists), which is half the cost of ``dict.fromkeys``."""
    if len(set(userids)) == len(userids):
        return list(userids)
    return list(dict.fromkeys(userids))


def group_url(chat: Chat) -> str:
    """The link that opens the group in the DingTalk client."""
    return f"dingtalk://dingtalkclient/page/link?cid={chat.open_conversation_id}"


def _mobile(org: Org, userid: str) -> dict[str, str]:
    mobile = org.mobiles.get(userid)
    return {"mobile": mobile} if mobile else {}
