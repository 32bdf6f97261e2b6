"""DingTalk v1.0's HTTP side (api.dingtalk.com, served here under ``/v1.0/``): its gateway check and
one handler per operationId of ``specs/dingtalk_v1.yaml``, over the same world as oapi.

The token travels in the ``x-acs-dingtalk-access-token`` header (never the query); success bodies
are the bare camelCase result, no errcode.
"""

from collections.abc import Mapping
from typing import Any

from multidict import istr

from chatsim.contract import Call, Handler, Reply
from chatsim.mediatype import media_type
from chatsim.vendors.dingtalk import errors_v1
from chatsim.vendors.dingtalk.errors_v1 import INVALID_AUTHENTICATION, INVALID_CLIENT, invalid, missing
from chatsim.vendors.dingtalk.model.world import App, Chat, DingTalkWorld, flags_in, group_url

V1Call = Call[DingTalkWorld, App]
TOKEN_HEADER = istr("x-acs-dingtalk-access-token")
JSON = {"Content-Type": "application/json;charset=utf-8"}
SUCCESS = Reply.json({"success": True}, headers=JSON)
UNKNOWN_CONVERSATION = invalid("openConversationId")
MISSING_BODY = missing("body")


def authenticate(call: V1Call) -> App | None:
    """The token before anything else (a missing, unknown or expired one alike), then the
    permission, then the body: the gateway reads only JSON, anything else is no body at all."""
    op = call.op
    if op is None:
        return None
    permission = op.spec.get("x-dingtalk-permission")
    app = None
    if not op.spec.get("x-dingtalk-tokenless"):
        app, _ = call.world.token_state(call.request.headers.get(TOKEN_HEADER) or "")
        if app is None:
            raise INVALID_AUTHENTICATION
        if permission is not None and permission not in app.permissions:
            raise errors_v1.permission_denied(permission)
    if op.body_media and (not call.raw or media_type(call.request) != "application/json"):
        raise MISSING_BODY
    return app


def ok(data: Mapping[str, Any]) -> Reply:
    return Reply.json(data, headers=JSON)


def access_token(call: V1Call) -> Reply:
    app = call.world.app_with(call.params["appKey"], call.params["appSecret"])
    if app is None:
        raise INVALID_CLIENT
    return ok({"accessToken": call.world.issue_token(app).value, "expireIn": int(call.world.token_ttl)})


def corp_token(call: V1Call) -> Reply:
    """The same token through the OAuth2 client-credentials form; the app must run in ``corpId``."""
    app = call.world.app_with(call.params["client_id"], call.params["client_secret"])
    if app is None or app.corp_id != call.path_params["corpId"]:
        raise INVALID_CLIENT
    return ok({"access_token": call.world.issue_token(app).value, "expires_in": int(call.world.token_ttl)})


def _flags(options: Mapping[str, Any] | None) -> dict[str, int]:
    """``managementOptions`` holds the six flags oapi has at the top level."""
    return flags_in(options) if options else {}


def create_group(call: V1Call) -> Reply:
    params = call.params
    chat = call.world.create_chat(call.principal, params["name"], params["owner"], params["useridlist"],
                                  _flags(params.get("managementOptions")), params.get("icon") or "")
    return ok({"chatid": chat.chatid, "openConversationId": chat.open_conversation_id,
               "conversationTag": chat.conversation_tag})


def update_group(call: V1Call) -> Reply:
    params = call.params
    chat = call.world.chat_of(call.principal, params["chatid"], invalid("chatid"))
    call.world.update_chat(chat, call.principal, {**params, **_flags(params.get("managementOptions"))})
    return SUCCESS


def _scene_chat(call: V1Call, field: str) -> Chat:
    return call.world.chat_by_conversation(call.principal, call.params[field], UNKNOWN_CONVERSATION)


def update_scene_group(call: V1Call) -> Reply:
    params = call.params
    chat = _scene_chat(call, "open_conversation_id")
    call.world.update_scene_group(chat, call.principal, params.get("title"), params.get("owner_user_id"),
                                  params.get("icon"), params.get("management_options") or {})
    return SUCCESS


def scene_group_info(call: V1Call) -> Reply:
    chat = _scene_chat(call, "openConversationId")
    return ok({"success": True, "openConversationId": chat.open_conversation_id, "title": chat.name,
               "ownerUserId": chat.owner, "icon": chat.icon, "status": chat.status,
               "groupUrl": group_url(chat)})


def _user_ids(value: Any) -> list[str]:
    """``user_ids`` as the SDK sends it (a list) or as the doc writes it (comma-separated)."""
    return [part for part in value.split(",") if part] if isinstance(value, str) else list(value or [])


def add_scene_group_member(call: V1Call) -> Reply:
    chat = _scene_chat(call, "open_conversation_id")
    call.world.update_chat(chat, call.principal, {"add_useridlist": _user_ids(call.params.get("user_ids"))})
    return SUCCESS


def delete_scene_group_member(call: V1Call) -> Reply:
    chat = _scene_chat(call, "open_conversation_id")
    call.world.update_chat(chat, call.principal, {"del_useridlist": _user_ids(call.params.get("user_ids"))})
    return SUCCESS


def scene_group_members(call: V1Call) -> Reply:
    """One page of member userids; the cursor is the offset as text."""
    chat = _scene_chat(call, "openConversationId")
    members, following = chat.member_page(int(call.params.get("cursor") or 0), call.params["size"])
    page: dict[str, Any] = {"success": True, "memberUserIds": members, "hasMore": following is not None}
    if following is not None:
        page["nextCursor"] = str(following)
    return ok(page)


def member_group_nick(call: V1Call) -> Reply:
    params = call.params
    chat = _scene_chat(call, "openConversationId")
    call.world.set_group_nick(chat, call.principal, params["userId"], params["groupNick"])
    return SUCCESS


def chatid_to_open_conversation_id(call: V1Call) -> Reply:
    chat = call.world.chat_of(call.principal, call.path_params["chatId"], invalid("chatId"))
    return ok({"openConversationId": chat.open_conversation_id})


HANDLERS: dict[str, Handler] = {
    "GetAccessToken": access_token, "GetToken": corp_token, "CreateGroup": create_group,
    "UpdateGroup": update_group, "UpdateSceneGroup": update_scene_group, "GetSceneGroupInfo": scene_group_info,
    "AddSceneGroupMember": add_scene_group_member, "DeleteSceneGroupMember": delete_scene_group_member,
    "GetSceneGroupMembers": scene_group_members, "UpdateMemberGroupNick": member_group_nick,
    "ChatIdToOpenConversationId": chatid_to_open_conversation_id,
}
