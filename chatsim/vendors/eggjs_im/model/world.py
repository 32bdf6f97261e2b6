"""The backend's world: four MySQL tables, the redis sessions, and the rules of the twelve endpoints.

Rows keep raw epoch seconds; they are rendered the way Sequelize serialises them (create_time by a
model getter in server local time, every other date as ISO UTC with `.000Z` since DATETIME holds
whole seconds) and in the tables' column order, because clients and the JWT payload see that order.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

from chatsim.context import TenantContext
from chatsim.dataclass import dataclass
from chatsim.vendors.eggjs_im.errors import EggError
from chatsim.vendors.eggjs_im.model import grouping, tokens
from chatsim.vendors.eggjs_im.model.verified import VerifiedTokens

DEFAULT_AVATAR = "https://thinkphp-all.oss-cn-hangzhou.aliyuncs.com/public/67b3001b2aedd.png"
DEFAULT_SECRET = "qhdgw@45ncashdaksh2!#@3nxjdas*_259"  # config.jwt.secret of the course, public
EMPTY_LIST_ERROR = "Cannot read properties of undefined (reading 'title')"


@dataclass
class EggjsImSettings:
    """The backend's config as a scenario sets it: JWT secret, time zone, env, collation."""

    jwt_secret: str = DEFAULT_SECRET
    utc_offset_hours: float = 8
    env: str = "local"
    case_insensitive: bool = True
    default_avatar: str = DEFAULT_AVATAR
    empty_friend_list_500: bool = True
    regexp_first_char: bool = True
    session_write_fails: bool = False
    handleapply_db_error: bool = False
    pinyin_initials: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class User:
    """A row of the ``user`` table, the password as the backend stores it."""

    id: int
    uuid: str
    username: str
    password: str
    created: int
    nickname: str = ""
    avatar: str = DEFAULT_AVATAR
    mobile: str | None = None
    email: str | None = None
    status: int = 1
    role: str = "user"
    updated: int = 0


@dataclass(slots=True)
class UserInfo:
    """A row of the ``user_info`` table."""

    id: int
    user_id: int
    created: int
    gender: str = "unknown"
    birthday: str | None = None
    bio: str | None = None
    location: str | None = None
    website: str | None = None


@dataclass(slots=True)
class GoodFriend:
    """A row of the ``goodfriend`` table: one direction of a friendship and what it allows."""

    id: int
    user_id: int
    friend_id: int
    created: int
    nickname: str = ""
    friendlookme: int = 1
    melookfriend: int = 1
    ismystarfriend: int = 0
    isblack: int = 0
    updated: int = 0


@dataclass(slots=True)
class GoodFriendApply:
    """A row of the ``goodfriendapply`` table: a friend application and its status."""

    id: int
    user_id: int
    friend_id: int
    created: int
    nickname: str = ""
    status: str = "pending"
    updated: int = 0


@lru_cache(maxsize=1024)
def _formatted(ts: int, tz: tzinfo, pattern: str) -> str:
    """A row time as text. Rows share a few whole seconds (a scenario's rows one, a login's row and
    token one) and datetime's conversion and strftime were ~10 us each, three to a user row, six to
    a login: kept by value, the text is the same."""
    return datetime.fromtimestamp(ts, tz).strftime(pattern)


@lru_cache(maxsize=64)
def _zone(hours: float) -> tzinfo:
    """One time zone object per offset, shared by the worlds that use it."""
    return timezone(timedelta(hours=hours))


@lru_cache(maxsize=256)  # a client searches the same few keywords: building and compiling was a sixth of searchUser
def like(keyword: str, case_insensitive: bool) -> re.Pattern[str]:
    """MySQL `LIKE '%keyword%'`: `%` and `_` are wildcards, a backslash escapes the next character
    (so a keyword ending in a backslash escapes the closing `%`)."""
    parts, chars = [], iter(f"%{keyword}%")
    for char in chars:
        if char == "\\":
            parts.append(re.escape(next(chars, "\\")))
        else:
            parts.append({"%": ".*", "_": "."}.get(char) or re.escape(char))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if case_insensitive else 0))


def page_of(rows: list[Any], page: int, limit: int) -> list[Any]:
    """`offset=(page-1)*limit`; a limit below 1 gives an empty page."""
    if limit < 1:
        return []
    offset = (page - 1) * limit
    return rows[offset:offset + limit]


class EggjsImWorld:
    def __init__(self, settings: EggjsImSettings, ctx: TenantContext) -> None:
        self.settings = settings
        self.ctx = ctx
        self.tz = _zone(settings.utc_offset_hours)
        self._second = 0  # now()'s last answer
        self.users: dict[int, User] = {}
        self.user_info: dict[int, UserInfo] = {}  # by user_id
        self.goodfriend: dict[tuple[int, int], GoodFriend] = {}  # by (user_id, friend_id), id order
        self.goodfriendapply: dict[int, GoodFriendApply] = {}
        self.sessions: dict[int, str] = {}  # redis chat_user_<id> -> the one live token
        # the scenario's user lists, for the start-up banner's passwords: the parsed documents' own
        # lists, shared by every tenant built from them (a dict of them was 300 bytes a tenant)
        self.scenario_users: tuple[Sequence[Mapping[str, Any]], ...] = ()
        self._last_id = {"user": 0, "user_info": 0, "goodfriend": 0, "goodfriendapply": 0}
        # Indexes the backend's MySQL has and a scan would not: building or serving a world of
        # thousands of users must not cost in proportion to everyone else's rows.
        self._by_username: dict[str, User] = {}  # folded as the collation compares; first row wins
        self._fold: Callable[[str], str] = str.casefold if settings.case_insensitive else str
        self._friends_of: dict[int, list[GoodFriend]] = {}  # user_id -> rows, in id order
        self._applies_to: dict[int, list[GoodFriendApply]] = {}  # friend_id -> rows, in id order
        self._verified = VerifiedTokens()

    # -- rendering ---------------------------------------------------------------------------------

    def now(self) -> int:
        """The virtual clock in whole seconds. Rows are mostly stamped with the same few seconds (a
        scenario's build, a frozen clock), so the last answer is handed out again while the second
        is the same: those rows then share one int (288 bytes of every demo tenant)."""
        second = int(self.ctx.clock.now())
        if second != self._second:
            self._second = second
        return self._second

    def local_time(self, ts: int) -> str:
        return _formatted(ts, self.tz, "%Y-%m-%d %H:%M:%S")

    @staticmethod
    def iso_time(ts: int) -> str:
        return _formatted(ts, UTC, "%Y-%m-%dT%H:%M:%S.000Z")

    def user_row(self, user: User) -> dict[str, Any]:
        return {
            "create_time": self.local_time(user.created), "id": user.id, "uuid": user.uuid,
            "username": user.username, "password": user.password, "nickname": user.nickname,
            "avatar": user.avatar, "mobile": user.mobile, "email": user.email, "status": user.status,
            "last_login": None, "last_login_ip": None, "register_time": self.iso_time(user.created),
            "register_ip": None, "is_deleted": 0, "wechat_openid": None, "qq_openid": None, "weibo_uid": None,
            "role": user.role, "is_email_verified": 0, "is_mobile_verified": 0, "order": 50,
            "update_time": self.iso_time(user.updated)}

    def user_info_row(self, info: UserInfo) -> dict[str, Any]:
        return {"id": info.id, "user_id": info.user_id, "gender": info.gender, "birthday": info.birthday,
                "bio": info.bio, "location": info.location, "website": info.website, "order": 50,
                "create_time": self.local_time(info.created), "update_time": self.iso_time(info.created)}

    def goodfriend_row(self, row: GoodFriend) -> dict[str, Any]:
        return {"create_time": self.local_time(row.created), "id": row.id, "user_id": row.user_id,
                "friend_id": row.friend_id, "nickname": row.nickname, "friendlookme": row.friendlookme,
                "melookfriend": row.melookfriend, "ismystarfriend": row.ismystarfriend, "isblack": row.isblack,
                "status": 1, "order": 50, "update_time": self.iso_time(row.updated)}

    def apply_row(self, row: GoodFriendApply) -> dict[str, Any]:
        return {"create_time": self.local_time(row.created), "id": row.id, "user_id": row.user_id,
                "friend_id": row.friend_id, "nickname": row.nickname, "friendlookme": 1, "melookfriend": 1,
                "ismystarfriend": 0, "isblack": 0, "status": row.status, "order": 50,
                "update_time": self.iso_time(row.updated)}

    def dump(self) -> dict[str, Any]:
        return {"user": [self.user_row(u) for u in self.users.values()],
                "user_info": [self.user_info_row(i) for i in self.user_info.values()],
                "goodfriend": [self.goodfriend_row(g) for g in self.goodfriend.values()],
                "goodfriendapply": [self.apply_row(a) for a in self.goodfriendapply.values()],
                "sessions": {f"chat_user_{uid}": token for uid, token in self.sessions.items()}}

    # -- rows --------------------------------------------------------------------------------------

    def _next_id(self, table: str) -> int:
        self._last_id[table] += 1
        return self._last_id[table]

    def add_user(self, username: str, password: str, **columns: Any) -> User:
        now = self.now()
        columns.setdefault("avatar", self.settings.default_avatar)
        user = User(self._next_id("user"), self.ctx.ids.uuid4(), username, tokens.hash_password(password), now,
                    updated=now, **columns)
        self.users[user.id] = user
        self._by_username.setdefault(self._fold(username), user)
        return user

    def add_user_info(self, user: User, **columns: Any) -> UserInfo:
        info = UserInfo(self._next_id("user_info"), user.id, self.now(), **columns)
        self.user_info[user.id] = info
        return info

    def add_goodfriend(self, user_id: int, friend_id: int, nickname: str, **columns: Any) -> GoodFriend:
        now = self.now()
        row = GoodFriend(self._next_id("goodfriend"), user_id, friend_id, now, nickname, updated=now, **columns)
        self.goodfriend[(user_id, friend_id)] = row
        self._friends_of.setdefault(user_id, []).append(row)
        return row

    def add_apply(self, user_id: int, friend_id: int, nickname: str, status: str = "pending") -> GoodFriendApply:
        now = self.now()
        row = GoodFriendApply(self._next_id("goodfriendapply"), user_id, friend_id, now, nickname, status, now)
        self.goodfriendapply[row.id] = row
        self._applies_to.setdefault(friend_id, []).append(row)
        return row

    def _save(self, row: GoodFriend | GoodFriendApply, **changes: Any) -> None:
        """`instance.update(changes)`: Sequelize writes, and touches update_time, only when a value differs."""
        if any(getattr(row, name) != value for name, value in changes.items()):
            for name, value in changes.items():
                setattr(row, name, value)
            row.updated = self.now()

    def find_user(self, username: str) -> User | None:
        """`findOne({where:{username}})` under MySQL's case-insensitive collation (configurable):
        the first row in id order whose name compares equal."""
        return self._by_username.get(self._fold(username))

    # -- sessions ----------------------------------------------------------------------------------

    def issue_token(self, user: User, row: dict[str, Any] | None = None) -> str:
        """Sign the full row (password hash included; ``user_row(user)`` when the caller has it
        already) and make it the user's only live token."""
        row = self.user_row(user) if row is None else row
        token, claims = tokens.issue({**row, "iat": self.now()}, self.settings.jwt_secret)
        self.sessions[user.id] = token
        self._verified.remember(user.id, token, claims)
        return token

    def open_session(self, user: User) -> dict[str, Any]:
        """The login routine: a new live token, answered after the row without its password."""
        if self.settings.session_write_fails:
            raise EggError("登录失败")
        row = self.user_row(user)
        token = self.issue_token(user, row)
        del row["password"]
        row["token"] = token
        return row

    def authenticate(self, token: str | None) -> User:
        """The chatUserAuth middleware, in its order: header, JWT, redis, user row."""
        if not token:
            raise EggError("您没有权限访问即时通讯接口")
        payload = self._verified.get(token)  # a live token's claims, kept when it was issued
        try:
            if payload is None:
                payload = tokens.decode(token, self.settings.jwt_secret)
            tokens.check_times(payload, self.ctx.clock.now())
        except tokens.TokenExpired:
            raise EggError("Token已过期！请重新获取令牌") from None
        except tokens.TokenInvalid:
            raise EggError("Token 令牌不合法！") from None
        user_id = payload.get("id")
        if not isinstance(user_id, int) or self.sessions.get(user_id) != token:
            raise EggError("Token 令牌不合法！")
        user = self.users.get(user_id)
        if user is None or user.status == 0:
            raise EggError("当前用户不存在或者已被禁用")
        return user

    # -- endpoints ---------------------------------------------------------------------------------

    def register(self, username: str, password: str) -> dict[str, Any]:
        if self.find_user(username) is not None:
            raise EggError("该账号已存在，请换一个账号注册")
        user = self.add_user(username, password)
        self.add_user_info(user)
        return self.open_session(user)

    def login(self, username: str, password: str) -> dict[str, Any]:
        user = self.find_user(username)
        if user is None or user.status != 1:
            raise EggError("账号不存在或者被禁用")
        if user.password != tokens.hash_password(password):
            raise EggError("账户或密码错误")
        return self.open_session(user)

    def logout(self, me: User) -> bool:
        self.sessions.pop(me.id, None)
        self._verified.forget(me.id)
        return True

    def search(self, keyword: str) -> list[dict[str, Any]]:
        pattern = like(keyword, self.settings.case_insensitive)
        return [{"id": u.id, "username": u.username, "avatar": u.avatar, "role": u.role, "uuid": u.uuid,
                 "nickname": u.nickname}
                for u in self.users.values() if u.status == 1 and pattern.fullmatch(u.username)]

    def apply(self, me: User, friend_id: int, nickname: str) -> str:
        if friend_id == me.id:
            raise EggError("不能添加自己为好友")
        target = self.users.get(friend_id)
        if target is None or target.status != 1:
            raise EggError("添加的好友不存在")
        if any(a.user_id == me.id and a.status in ("pending", "agree") for a in self._applies_to.get(friend_id, ())):
            raise EggError("您已经申请过了，请勿重复申请")
        self.add_apply(me.id, friend_id, nickname)
        return "ok"

    def list_applies(self, me: User, page: int, limit: int) -> dict[str, Any]:
        mine = self._applies_to.get(me.id, [])
        alldata = []
        for row in page_of(mine, page, limit):
            applicant = self.users[row.user_id]
            alldata.append({**self.apply_row(row), "userId": row.user_id,
                            "user": {"id": applicant.id, "username": applicant.username,
                                     "avatar": applicant.avatar, "nickname": applicant.nickname}})
        return {"alldata": alldata, "pendingCount": sum(a.status == "pending" for a in mine)}

    def handle_apply(self, me: User, apply_id: int, nickname: str, status: str) -> str:
        row = self.goodfriendapply.get(apply_id)
        if row is None or row.friend_id != me.id or row.status != "pending":
            raise EggError("申请不存在或已处理")
        if self.settings.handleapply_db_error:
            raise EggError("系统异常，请稍后再试")
        self._save(row, status=status)
        if status == "agree":
            if (me.id, row.user_id) not in self.goodfriend:
                self.add_goodfriend(me.id, row.user_id, nickname)
            if (row.user_id, me.id) not in self.goodfriend:
                self.add_goodfriend(row.user_id, me.id, me.nickname)
        return "ok"

    def friend_list(self, me: User, page: int, limit: int) -> dict[str, Any]:
        mine = self._friends_of.get(me.id, [])
        rows = []
        for row in page_of(mine, page, limit):
            friend = self.users[row.friend_id]
            rows.append({"id": row.id, "beizhu": row.nickname, "username": friend.username,
                         "avatar": friend.avatar, "friend_nickname": friend.nickname, "friend_id": friend.id,
                         "name": row.nickname or friend.nickname or friend.username})
        if not rows:
            if self.settings.empty_friend_list_500:
                raise EggError(EMPTY_LIST_ERROR, status=500)
            return {"count": 0, "rows": []}
        groups = grouping.group(rows, self.settings.pinyin_initials, self.settings.regexp_first_char)
        return {"count": len(rows), "rows": groups}

    def _friend(self, me: User, friend_id: int, message: str, unblocked: bool = False) -> GoodFriend:
        row = self.goodfriend.get((me.id, friend_id))
        if row is None or (unblocked and row.isblack != 0):
            raise EggError(message)
        return row

    def friend_info(self, me: User, friend_id: int) -> dict[str, Any]:
        row = self._friend(me, friend_id, "好友不存在")
        friend = self.users[row.friend_id]
        info = self.user_info.get(friend.id)
        userinfo = None if info is None else {"id": info.id, "gender": info.gender, "birthday": info.birthday,
                                              "bio": info.bio, "location": info.location, "website": info.website}
        return {"id": row.id, "user_id": row.user_id, "friend_id": row.friend_id, "nickname": row.nickname,
                "friendinfo": {"id": friend.id, "username": friend.username, "avatar": friend.avatar,
                               "nickname": friend.nickname, "role": friend.role, "status": friend.status,
                               "userinfo": userinfo}}

    def toggle_black(self, me: User, friend_id: int) -> str:
        row = self._friend(me, friend_id, "好友不存在")
        row.isblack = 0 if row.isblack == 1 else 1  # a toggle always changes its row: update_time moves
        row.updated = self.now()
        return "ok"

    def toggle_star(self, me: User, friend_id: int) -> str:
        row = self._friend(me, friend_id, "好友不存在或者被拉黑，无法操作", unblocked=True)
        row.ismystarfriend = 1 if row.ismystarfriend == 0 else 0
        row.updated = self.now()
        return "ok"

    def set_can_see(self, me: User, friend_id: int, friendlookme: int, melookfriend: int) -> str:
        row = self._friend(me, friend_id, "好友不存在或者被拉黑，无法操作", unblocked=True)
        self._save(row, friendlookme=friendlookme, melookfriend=melookfriend)
        return "ok"
