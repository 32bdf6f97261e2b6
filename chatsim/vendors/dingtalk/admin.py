"""DingTalk's world actions and reads for ``/_chatsim/tenants/{t}/dingtalk/...``: the friend switch
has no read-back in the real API, so tests read chats here; a person adds custom robots to a chat
(the real settings page), and what robots posted is read here."""

from chatsim.contract import Call, Handler, Refused, Reply
from chatsim.vendors.dingtalk.model.robots import RobotRefused
from chatsim.vendors.dingtalk.model.world import DingTalkWorld

WorldCall = Call[DingTalkWorld, None]


def get_chat(call: WorldCall) -> Reply:
    chat = call.world.chats.get(call.path_params["chatid"])
    if chat is None:
        raise Refused(f"no DingTalk chat {call.path_params['chatid']} in tenant {call.tenant_name}", 404)
    return Reply.json(chat.dump())


def list_chat_messages(call: WorldCall) -> Reply:
    """What apps sent into the chat (``/chat/send``), its newest ``message_log_size``, oldest first."""
    chat = call.world.chats.get(call.path_params["chatid"])
    if chat is None:
        raise Refused(f"no DingTalk chat {call.path_params['chatid']} in tenant {call.tenant_name}", 404)
    params = call.params
    found = [message for message in chat.messages if params.get("msgtype") in (None, message["msgtype"])
             and params.get("sender") in (None, message["sender"]) and message["sent_at"] >= params.get("since", 0)]
    return Reply.json({"count": len(found), "messages": found})


def list_chats(call: WorldCall) -> Reply:
    corp_id = call.params.get("corpId")
    chats = [chat.dump() for chat in call.world.chats.values() if corp_id in (None, chat.corp_id)]
    return Reply.json({"count": len(chats), "chats": chats})


def create_robot(call: WorldCall) -> Reply:
    """A group member adds a custom robot to the chat, as on the chat's robot settings page; the
    answer carries its webhook token (and the secret given, to sign with)."""
    params, world = call.params, call.world
    chat = world.chats.get(params["chatid"])
    if chat is None:
        raise Refused(f"no DingTalk chat {params['chatid']} in tenant {call.tenant_name}", 404)
    try:
        robot = world.new_robot(chat.corp_id, chat.chatid, params.get("name"), params.get("access_token"),
                                params.get("keywords") or (), params.get("secret"), params.get("ips") or ())
    except RobotRefused as exc:
        raise Refused(f"{exc.field}: {exc}", exc.status) from None
    return Reply.json({"robot": world.robots.add(robot).settings()})


def list_robots(call: WorldCall) -> Reply:
    chatid = call.params.get("chatid")
    robots = [robot.settings() for robot in call.world.robots.by_token.values() if chatid in (None, robot.chatid)]
    return Reply.json({"count": len(robots), "robots": robots})


def list_robot_messages(call: WorldCall) -> Reply:
    """What robots posted, oldest first, each robot's newest ``message_log_size`` (filters: the
    robot's access_token, its chatid, msgtype, since)."""
    params = call.params
    found = [message for robot in call.world.robots.by_token.values()
             if params.get("access_token") in (None, robot.access_token)
             and params.get("chatid") in (None, robot.chatid)
             for message in robot.messages
             if params.get("msgtype") in (None, message["msgtype"]) and message["sent_at"] >= params.get("since", 0)]
    found.sort(key=lambda message: message["id"])
    return Reply.json({"count": len(found), "messages": found})


ACTIONS: dict[str, Handler] = {"getChat": get_chat, "listChats": list_chats, "listChatMessages": list_chat_messages,
                               "createRobot": create_robot,
                               "listRobots": list_robots, "listRobotMessages": list_robot_messages}
