"""What ``make bench`` and ``make instructions`` send: one case per implemented operation of every
vendor, on its happy path in the demo world, plus each vendor's auth and validation failures.

Every case runs in a tenant of its own (``X-Chatsim-Tenant``), so what one case changes (a remark,
a star, a registered user) never moves another case off its happy path. A case that cannot
succeed twice with the same bytes says how it varies: ``{n}`` in its body or path becomes a fresh
number for every request (a new username, a new phone). ``{token}`` is filled in once, before the
case runs, from the answer of its ``setup`` (an egg.js login, a DingTalk gettoken). The few
operations whose success consumes the state it needs (a logout, deleting a friend, accepting an
application) are ``once``: their repeats answer that operation's own business error, which is what
the throughput table measures for them (and says so); the instruction counts measure their
success with one fresh tenant per request.

Standard library only: bench/instructions.py runs it under a plain python3 too.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import urllib.parse
from dataclasses import dataclass, field, replace

GEWE_TOKEN = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69"
APP = "wx_wR_U4zPj2M_OTS3BCyoE4"
ROOM = "34757816141@chatroom"
FRIEND = "wxid_phyyedw9xap22"
LILEI = "wxid_lilei1990"
CHAT = "chatdafe234sdf3sdf"
V1_CID = "cidDemoGroup0+MSA=="  # the demo group's openConversationId
ROBOT = "5f0a9d2c7b1e4f3a8c6d0e9b2a7f4c1d3e8b6a0f9c2d7e4b1a3f8c6d0e9b2a7f"  # the demo robot (keyword 构建)
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
# What each vendor journals as the code of a success.
SUCCESS = {"gewe": 200, "dingtalk": 0, "eggjs_im": "ok"}
V1 = "/v1.0/"


@dataclass(frozen=True)
class Case:
    name: str  # "vendor operation" or "vendor operation: what goes wrong"
    vendor: str
    method: str
    path: str
    body: str = ""
    content_type: str | None = JSON
    headers: tuple[tuple[str, str], ...] = ()
    setup: str | None = None  # "egg:<user>" logs in, "ding:<appkey>:<secret>" gets a token
    once: str | None = None  # what its repeats answer, for an operation that succeeds once per state
    # words of its answer past the bound a world keeps, for an operation whose successes add up to
    # one (a fast machine gets there within a round, on the tenant reset for the round)
    bound: str | None = None
    expect: str = "success"  # or "error": the first answer's code, every time
    tenant: str = ""
    filled: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-").lower()[:64]

    def request(self, n: int, tenant: str | None = None) -> tuple[str, str, dict[str, str], bytes]:
        """(method, path, headers, body) of the request numbered ``n`` (a placeholder that
        ``prepare`` has not filled stays as it is)."""
        values = _Fill(n=str(n), **self.filled)
        headers = {"X-Chatsim-Tenant": tenant or self.tenant or self.slug}
        if self.content_type is not None:
            headers["Content-Type"] = self.content_type
        headers.update((key, value.format_map(values)) for key, value in self.headers)
        return (self.method, self.path.format_map(values), headers, self.body.format_map(values).encode())


class _Fill(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _gewe(op: str, body: dict[str, object] | None = None, what: str = "", **kw: object) -> Case:
    payload = {"appId": APP, **(body or {})}
    return Case(f"gewe {op}{what}", "gewe", "POST", f"/gewe/v2/api/{op}", _json(payload),
                headers=(("X-GEWE-TOKEN", GEWE_TOKEN),), **kw)  # type: ignore[arg-type]


def _json(payload: dict[str, object]) -> str:
    """Compact JSON with the braces doubled, as str.format wants them."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace("{", "{{").replace("}", "}}")
    return re.sub(r"\{\{(\w+)\}\}", r"{\1}", text)


DING = "ding:dingdemoappkey:dingdemoappsecret"
DING_Q = "?access_token={token}"


def _ding(name: str, method: str, path: str, body: dict[str, object] | None = None, query: str = "",
          **kw: object) -> Case:
    return Case(f"dingtalk {name}", "dingtalk", method, path + DING_Q + query, _json(body) if body is not None else "",
                content_type=JSON if body is not None else None, setup=DING, **kw)  # type: ignore[arg-type]


def _v1(name: str, method: str, path: str, body: dict[str, object], **kw: object) -> Case:
    """A v1.0 operation: its token in the x-acs-dingtalk-access-token header."""
    return Case(f"dingtalk v1.0 {name}", "dingtalk", method, path, _json(body),
                headers=(("x-acs-dingtalk-access-token", "{token}"),), setup=DING, **kw)  # type: ignore[arg-type]


def _egg(name: str, method: str, path: str, form: str = "", user: str | None = "my01", **kw: object) -> Case:
    headers = (("token", "{token}"),) if user else ()
    return Case(f"eggjs_im {name}", "eggjs_im", method, path, form, content_type=FORM if form else None,
                headers=headers, setup=f"egg:{user}" if user else None, **kw)  # type: ignore[arg-type]


CASES: tuple[Case, ...] = (
    _gewe("contacts/setFriendPermissions", {"wxid": FRIEND, "onlyChat": True}),
    _gewe("contacts/setFriendRemark", {"wxid": FRIEND, "remark": "bench"}),
    _gewe("contacts/fetchContactsList"),
    _gewe("contacts/fetchContactsListCache"),
    _gewe("contacts/search", {"contactsInfo": "lilei_1990"}),
    _gewe("contacts/getBriefInfo", {"wxids": [FRIEND]}),
    _gewe("contacts/getDetailInfo", {"wxids": [FRIEND]}),
    _gewe("contacts/checkRelation", {"wxids": [FRIEND]}),
    _gewe("contacts/uploadPhoneAddressList", {"phones": ["13900000000"], "opType": 1}),
    _gewe("contacts/getPhoneAddressList"),
    _gewe("contacts/addContacts", {"scene": 3, "option": 2, "v3": "{v3}", "v4": "{v4}", "content": "hi"},
          setup="search:lilei_1990", once="the v4 ticket is spent"),
    _gewe("contacts/deleteFriend", {"wxid": FRIEND}, once="not a friend any more"),
    _gewe("group/getChatroomMemberList", {"chatroomId": ROOM}),
    _gewe("group/getChatroomMemberDetail", {"chatroomId": ROOM, "memberWxids": [FRIEND]}),
    _gewe("group/addGroupMemberAsFriend", {"chatroomId": ROOM, "memberWxid": "wxid_chenjing", "content": "hi"}),
    _gewe("login/checkOnline"),
    _gewe("login/deviceList"),
    _gewe("login/reconnection"),
    _gewe("login/getLoginQrCode", setup="logout:"),
    _gewe("login/checkLogin", {"uuid": "{uuid}"}, setup="qr:"),
    _gewe("login/dialogLogin", setup="logout:"),
    _gewe("login/logout", once="offline already"),
    Case("gewe tools/getTokenId", "gewe", "POST", "/gewe/v2/api/tools/getTokenId", ""),
    _gewe("tools/setCallback", {"token": GEWE_TOKEN, "callbackUrl": "{receiver}"}),
    _gewe("login/setCallback", {"token": GEWE_TOKEN, "callbackUrl": "{receiver}"}),
    _gewe("message/postText", {"toWxid": FRIEND, "content": "你好"}),
    _gewe("message/postImage", {"toWxid": FRIEND, "imgUrl": "http://127.0.0.1:9/a.png"}),
    _gewe("message/postVoice", {"toWxid": FRIEND, "voiceUrl": "http://127.0.0.1:9/a.silk", "voiceDuration": 2000}),
    _gewe("message/postVideo", {"toWxid": FRIEND, "videoUrl": "http://127.0.0.1:9/a.mp4",
                                "thumbUrl": "http://127.0.0.1:9/t.jpg", "videoDuration": 7}),
    _gewe("message/postFile", {"toWxid": FRIEND, "fileUrl": "http://127.0.0.1:9/a.xls", "fileName": "a.xls"}),
    _gewe("message/postLink", {"toWxid": FRIEND, "title": "标题", "desc": "描述", "linkUrl": "https://example.com/",
                               "thumbUrl": ""}),
    _gewe("message/postNameCard", {"toWxid": FRIEND, "nickName": "李雷", "nameCardWxid": "wxid_lilei1990"}),
    _gewe("message/postEmoji", {"toWxid": FRIEND, "emojiMd5": "4cc7540a85b5b6cf4ba14e9f4ae08b7c", "emojiSize": 102357}),
    _gewe("message/postAppMsg", {"toWxid": FRIEND,
                                 "appmsg": '<appmsg appid="" sdkver="0"><title>t</title><type>5</type></appmsg>'}),
    _gewe("message/postMiniApp", {"toWxid": FRIEND, "miniAppId": "wx1", "displayName": "百果园+",
                                  "pagePath": "pages/index.html", "coverImgUrl": "http://127.0.0.1:9/c.jpg",
                                  "title": "水果", "userName": "gh_1@app"}),
    _gewe("message/forwardImage", {"toWxid": FRIEND, "xml": '<msg><img aeskey="k" length="10" /></msg>'}),
    _gewe("message/forwardVideo", {"toWxid": FRIEND, "xml": '<msg><videomsg aeskey="k" length="10" /></msg>'}),
    _gewe("message/forwardFile", {"toWxid": FRIEND, "xml": "<msg><appmsg><title>f.json</title><type>6</type>"
                                  "</appmsg></msg>"}),
    _gewe("message/forwardUrl", {"toWxid": FRIEND,
                                 "xml": "<msg><appmsg><title>u</title><type>5</type></appmsg></msg>"}),
    _gewe("message/forwardMiniApp", {"toWxid": FRIEND, "coverImgUrl": "http://127.0.0.1:9/c.jpg",
                                     "xml": "<msg><appmsg><title>m</title><type>33</type></appmsg></msg>"}),
    _gewe("message/revokeMsg", {"toWxid": FRIEND, "msgId": "{msgId}", "newMsgId": "{newMsgId}",
                                "createTime": "{createTime}"}, setup="post:", once="revoked already"),
    _gewe("message/downloadImage", {"xml": '<msg><img aeskey="k" length="3000" md5="m" /></msg>', "type": 2}),
    _gewe("message/downloadVideo", {"xml": '<msg><videomsg length="490566" /></msg>'}),
    _gewe("message/downloadVoice", {"xml": '<msg><voicemsg length="3628" /></msg>', "msgId": 1169533812}),
    _gewe("message/downloadFile", {"xml": "<msg><appmsg><appattach><totallen>63</totallen><fileext>json</fileext>"
                                   "</appattach></appmsg></msg>"}),
    _gewe("message/downloadCdn", {"aesKey": "k", "totalSize": "63", "type": "5", "fileId": "30", "suffix": "json"}),
    _gewe("message/downloadEmojiMd5", {"emojiMd5": "cc56728d56c730ddae52baffe941ed86"}),
    _gewe("group/getChatroomInfo", {"chatroomId": ROOM}),
    _gewe("group/getChatroomAnnouncement", {"chatroomId": ROOM}),
    _gewe("group/setChatroomAnnouncement", {"chatroomId": ROOM, "content": "bench"}),
    _gewe("group/modifyChatroomName", {"chatroomId": ROOM, "chatroomName": "bench"}),
    _gewe("group/modifyChatroomNickNameForSelf", {"chatroomId": ROOM, "nickName": "bench"}),
    _gewe("group/createChatroom", {"wxids": [FRIEND, LILEI]}, setup="befriend:lilei_1990",
          bound="群聊数量已达上限"),  # a world's 10,000 groups
    _gewe("group/inviteMember", {"chatroomId": ROOM, "wxids": LILEI, "reason": ""}, setup="befriend:lilei_1990",
          once="a member already"),
    _gewe("group/removeMember", {"chatroomId": ROOM, "wxids": "wxid_chenjing"}, once="not a member any more"),
    _gewe("group/quitChatroom", {"chatroomId": ROOM}, once="not a member any more"),
    _gewe("group/disbandChatroom", {"chatroomId": ROOM}, once="the group is gone"),
    _gewe("group/modifyChatroomRemark", {"chatroomId": ROOM, "chatroomRemark": "bench"}),
    _gewe("group/adminOperate", {"chatroomId": ROOM, "wxids": ["wxid_chenjing"], "operType": 1},
          once="an admin already: nothing changes"),
    _gewe("group/pinChat", {"chatroomId": ROOM, "top": True}),
    _gewe("group/setMsgSilence", {"chatroomId": ROOM, "silence": True}),
    _gewe("group/saveContractList", {"chatroomId": ROOM, "operType": 3}),
    _gewe("group/getChatroomQrCode", {"chatroomId": ROOM}),
    _gewe("group/joinRoomUsingQRCode", {"qrUrl": "{url}"}, setup="scan:", once="a member again"),
    _gewe("group/agreeJoinRoom", {"url": "{url}"}, setup="invited:", once="the link is spent"),
    Case("gewe setFriendPermissions: no token", "gewe", "POST", "/gewe/v2/api/contacts/setFriendPermissions",
         _json({"appId": APP, "wxid": FRIEND, "onlyChat": True}), expect="error"),
    _gewe("contacts/setFriendPermissions", {"wxid": FRIEND, "onlyChat": "yes"}, ": onlyChat not a boolean",
          expect="error"),
    Case("dingtalk gettoken", "dingtalk", "GET", "/gettoken?appkey=dingdemoappkey&appsecret=dingdemoappsecret",
         content_type=None),
    _ding("friendswitch/update", "POST", "/topapi/chat/member/friendswitch/update",
          {"chatid": CHAT, "is_prohibit": True}),
    _ding("updategroupnick", "POST", "/topapi/chat/updategroupnick",
          {"chatid": CHAT, "userid": "user123", "group_nick": "bench"}),
    _ding("chat/create", "POST", "/chat/create", {"name": "bench", "owner": "manager4220",
                                                  "useridlist": ["manager4220", "user123"]}),
    _ding("chat/get", "GET", "/chat/get", query=f"&chatid={CHAT}"),
    _ding("chat/update", "POST", "/chat/update", {"chatid": CHAT, "name": "bench"}),
    _ding("scenegroup/create", "POST", "/topapi/im/chat/scenegroup/create",
          {"title": "bench", "template_id": "bench", "owner_user_id": "manager4220", "user_ids": "user123"}),
    _ding("scenegroup/update", "POST", "/topapi/im/chat/scenegroup/update", {"open_conversation_id": V1_CID,
                                                                            "title": "bench"}),
    _ding("scenegroup/get", "POST", "/topapi/im/chat/scenegroup/get", {"open_conversation_id": V1_CID}),
    _ding("scenegroup/member/add", "POST", "/topapi/im/chat/scenegroup/member/add",
          {"open_conversation_id": V1_CID, "user_ids": "user789"}),
    _ding("scenegroup/member/delete", "POST", "/topapi/im/chat/scenegroup/member/delete",
          {"open_conversation_id": V1_CID, "user_ids": "user456"}),
    _ding("scenegroup/member/get", "POST", "/topapi/im/chat/scenegroup/member/get",
          {"open_conversation_id": V1_CID, "size": 20}),
    _ding("chat/send", "POST", "/chat/send", {"chatid": CHAT, "msgtype": "text", "text": {"content": "bench"}}),
    Case("dingtalk robot/send", "dingtalk", "POST", f"/robot/send?access_token={ROBOT}",
         _json({"msgtype": "text", "text": {"content": "构建成功"}}), once="130101 send too fast: 20 a minute"),
    Case("dingtalk friendswitch/update: bad token", "dingtalk", "POST",
         "/topapi/chat/member/friendswitch/update?access_token=nosuchtoken",
         _json({"chatid": CHAT, "is_prohibit": True}), expect="error"),
    Case("dingtalk v1.0 oauth2/accessToken", "dingtalk", "POST", "/v1.0/oauth2/accessToken",
         _json({"appKey": "dingdemoappkey", "appSecret": "dingdemoappsecret"})),
    Case("dingtalk v1.0 oauth2/{corpId}/token", "dingtalk", "POST", "/v1.0/oauth2/dingdemocorp0001/token",
         _json({"client_id": "dingdemoappkey", "client_secret": "dingdemoappsecret",
                "grant_type": "client_credentials"})),
    _v1("im/group/create", "POST", "/v1.0/im/group/create", {"name": "bench", "owner": "manager4220",
                                                             "useridlist": ["manager4220", "user123"]}),
    _v1("im/group/update", "POST", "/v1.0/im/group/update", {"chatid": CHAT, "name": "bench"}),
    _v1("im/sceneGroup/update", "POST", "/v1.0/im/sceneGroup/update",
        {"open_conversation_id": V1_CID, "title": "bench"}),
    _v1("im/sceneGroups/query", "POST", "/v1.0/im/sceneGroups/query", {"openConversationId": V1_CID}),
    _v1("im/sceneGroup/member/add", "POST", "/v1.0/im/sceneGroup/member/add",
        {"open_conversation_id": V1_CID, "user_ids": "user123"}),
    _v1("im/sceneGroup/member/delete", "POST", "/v1.0/im/sceneGroup/member/delete",
        {"open_conversation_id": V1_CID, "user_ids": "user123"}, once="not a member any more"),
    _v1("im/sceneGroups/members/query", "POST", "/v1.0/im/sceneGroups/members/query",
        {"openConversationId": V1_CID, "size": 20}),
    _v1("im/sceneGroups/members/groupNicks", "PUT", "/v1.0/im/sceneGroups/members/groupNicks",
        {"openConversationId": V1_CID, "userId": "user123", "groupNick": "bench"}),
    _v1("im/chat/{chatId}/convertToOpenConversationId", "POST",
        f"/v1.0/im/chat/{CHAT}/convertToOpenConversationId", {}),
    _ding("friendswitch/update: is_prohibit not a boolean", "POST", "/topapi/chat/member/friendswitch/update",
          {"chatid": CHAT, "is_prohibit": "yes"}, expect="error"),
    _egg("loginChat", "POST", "/api/loginChat", "username=my03&password=123456", user=None),
    _egg("regChat", "POST", "/api/regChat", "username=b{n}&password=123456", user=None),
    _egg("searchUser", "POST", "/api/chat/searchUser", "keyword=my"),
    _egg("goodfriendlist", "GET", "/api/chat/goodfriendlist/1"),
    _egg("getgoodfriendinfo", "GET", "/api/chat/getgoodfriendinfo/2"),
    _egg("listapplyfriend", "GET", "/api/chat/listapplyfriend/1"),
    _egg("setblackgoodfriend", "POST", "/api/chat/setblackgoodfriend/2"),
    _egg("setstargoodfriend", "POST", "/api/chat/setstargoodfriend/2"),
    _egg("setmeOrfriendCanSee", "POST", "/api/chat/setmeOrfriendCanSee/2", "friendlookme=1&melookfriend=0"),
    _egg("applyfriend", "POST", "/api/chat/applyfriend", "friend_id=3&nickname=bench", once="applied already"),
    _egg("handleapply", "POST", "/api/chat/handleapply/1", "status=agree&nickname=bench", once="handled already"),
    _egg("logout", "POST", "/api/chat/logout", once="the token is not live any more"),
    _egg("searchUser: no token", "POST", "/api/chat/searchUser", "keyword=my", user=None, expect="error"),
    _egg("searchUser: a token replaced by a later login", "POST", "/api/chat/searchUser", "keyword=my",
         user="my01:stale", expect="error"),
    _egg("applyfriend: friend_id not an integer", "POST", "/api/chat/applyfriend", "friend_id=abc",
         expect="error"),
)


def _call(port: int, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, object]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"null")
    finally:
        conn.close()


def prepare(case: Case, port: int, tenant: str | None = None, receiver: str = "") -> Case:
    """The case with its tenant reset to the demo world and its placeholders filled in."""
    tenant = tenant or case.tenant or case.slug
    _call(port, "POST", f"/_chatsim/tenants/{tenant}/reset", {}, b"")
    filled = {"receiver": receiver}
    kind, _, arg = (case.setup or "").partition(":")
    gewe = {"X-Chatsim-Tenant": tenant, "Content-Type": JSON, "X-GEWE-TOKEN": GEWE_TOKEN}
    app = json.dumps({"appId": APP}).encode()
    if kind == "egg":
        user, _, stale = arg.partition(":")
        login = {"X-Chatsim-Tenant": tenant, "Content-Type": FORM}, f"username={user}&password=123456".encode()
        _, body = _call(port, "POST", "/api/loginChat", *login)
        filled["token"] = body["data"]["token"]  # type: ignore[index]
        if stale:  # a second login (a virtual second later) makes the first token not live
            _call(port, "POST", f"/_chatsim/tenants/{tenant}/clock/advance", {"Content-Type": JSON}, b'{"seconds": 1}')
            _call(port, "POST", "/api/loginChat", *login)
    elif kind == "ding":
        key, secret = arg.split(":")
        _, body = _call(port, "GET", f"/gettoken?appkey={key}&appsecret={secret}", {"X-Chatsim-Tenant": tenant}, b"")
        filled["token"] = urllib.parse.quote(str(body["access_token"]), safe="")
    elif kind == "search":
        _, body = _call(port, "POST", "/gewe/v2/api/contacts/search", gewe,
                        json.dumps({"appId": APP, "contactsInfo": arg}).encode())
        filled.update(v3=body["data"]["v3"], v4=body["data"]["v4"])  # type: ignore[index]
    elif kind == "post":
        _, body = _call(port, "POST", "/gewe/v2/api/message/postText", gewe,
                        json.dumps({"appId": APP, "toWxid": FRIEND, "content": "bench"}).encode())
        filled.update({key: str(body["data"][key]) for key in ("msgId", "newMsgId", "createTime")})  # type: ignore[index]
    elif kind == "befriend":
        _, body = _call(port, "POST", "/gewe/v2/api/contacts/search", gewe,
                        json.dumps({"appId": APP, "contactsInfo": arg}).encode())
        found = body["data"]
        _call(port, "POST", "/gewe/v2/api/contacts/addContacts", gewe, json.dumps(
            {"appId": APP, "scene": 3, "option": 2, "content": "hi", **{k: found[k] for k in ("v3", "v4")}}).encode())
    elif kind in ("scan", "invited"):  # the account leaves its group with its QR code, or 小白 invites it back
        in_room = json.dumps({"appId": APP, "chatroomId": ROOM}).encode()
        if kind == "scan":
            _, body = _call(port, "POST", "/gewe/v2/api/group/getChatroomQrCode", gewe, in_room)
            filled["url"] = qr_url(str(body["data"]["qrBase64"]))  # type: ignore[index]
        _call(port, "POST", "/gewe/v2/api/group/quitChatroom", gewe, in_room)
        if kind == "invited":
            _, body = _call(port, "POST", f"/_chatsim/tenants/{tenant}/gewe/room-invitations", {"Content-Type": JSON},
                            json.dumps({"appId": APP, "fromWxid": FRIEND, "chatroomId": ROOM}).encode())
            filled["url"] = str(body["url"])
    elif kind in ("qr", "logout"):
        _call(port, "POST", "/gewe/v2/api/login/logout", gewe, app)
        if kind == "qr":
            _, body = _call(port, "POST", "/gewe/v2/api/login/getLoginQrCode", gewe, app)
            filled["uuid"] = body["data"]["uuid"]  # type: ignore[index]
    elif kind:
        raise ValueError(f"unknown setup {case.setup!r}")
    return replace(case, tenant=tenant, filled=filled)


def qr_url(qr_base64: str) -> str:
    """The URL a GeWe group QR code stands for: chatsim writes it in the JPEG's comment segment."""
    raw = base64.b64decode(qr_base64)
    start = raw.index(b"\xff\xfe")
    return raw[start + 4:start + 2 + int.from_bytes(raw[start + 2:start + 4], "big")].decode()


def check(case: Case, status: int, body: object) -> str | None:
    """What is wrong with a first answer for this case, or None."""
    code = _code(case.vendor, body)
    if case.path.startswith(V1):  # v1.0 says it with the HTTP status
        code = SUCCESS[case.vendor] if 200 <= status < 300 else code
    if case.expect == "success" and code != SUCCESS[case.vendor]:
        return f"{case.name}: answered {status} {json.dumps(body, ensure_ascii=False)[:300]}"
    if case.expect == "error" and code == SUCCESS[case.vendor]:
        return f"{case.name}: succeeded where it should fail"
    return None


def journaled_success(case: Case) -> object:
    """The vendor code the journal records for the case's success (v1.0 answers carry none)."""
    return None if case.path.startswith(V1) else SUCCESS[case.vendor]


def _code(vendor: str, body: object) -> object:
    if not isinstance(body, dict):
        return None
    return {"gewe": body.get("ret"), "dingtalk": body.get("errcode"), "eggjs_im": body.get("msg")}[vendor]


def first_answer(case: Case, port: int, n: int = 100_000) -> tuple[int, object]:
    method, path, headers, body = case.request(n)
    return _call(port, method, path, headers, body)
