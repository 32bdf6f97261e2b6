"""The rest of the contact operations: remarks, relation checks, the contact-list cache, the phone
address book and chatroom member details, each with its success and its failures."""

from tests.conftest import load_scenario
from tests.gewe.support import APP, FOREIGN_ROOM, ROOM, SLEEPY_APP, advance, gewe, ok

FRIEND = "wxid_friend"


async def test_set_friend_remark_shows_in_the_cards_and_member_details(gw):
    body = await gewe(gw, "contacts/setFriendRemark", {"appId": APP, "wxid": FRIEND, "remark": "大白"})
    assert body == {"ret": 200, "msg": "设置好友权限成功"}
    [brief] = await ok(gw, "contacts/getBriefInfo", {"appId": APP, "wxids": [FRIEND]})
    assert (brief["remark"], brief["remarkQuanPin"], brief["remarkPyInitial"]) == ("大白", "dabai", "DB")
    [detail] = await ok(gw, "group/getChatroomMemberDetail", {"appId": APP, "chatroomId": ROOM,
                                                               "memberWxids": [FRIEND]})
    assert detail["remark"] == "大白" and detail["friendUserName"] == FRIEND


async def test_set_friend_remark_failures(gw):
    stranger = await gewe(gw, "contacts/setFriendRemark", {"appId": APP, "wxid": "wxid_lilei", "remark": "x"})
    assert stranger == {"ret": 500, "msg": "设置好友备注失败", "data": {"code": "-1", "msg": "对方不是你的好友"}}
    offline = await gewe(gw, "contacts/setFriendRemark", {"appId": SLEEPY_APP, "wxid": FRIEND, "remark": "x"})
    assert offline["data"] == {"code": "-1", "msg": "微信已离线"}
    missing = await gewe(gw, "contacts/setFriendRemark", {"appId": APP, "wxid": FRIEND})
    assert missing == {"ret": 500, "msg": "remark 不可为空"}
    [brief] = await ok(gw, "contacts/getBriefInfo", {"appId": APP, "wxids": [FRIEND]})
    assert brief["remark"] == "老友", "refused calls changed nothing"


async def test_check_relation_tells_friends_one_sided_deletions_and_strangers(gw):
    body = await gewe(gw, "contacts/checkRelation", {"appId": APP, "wxids": [FRIEND, "wxid_lilei"]})
    assert body == {"ret": 200, "msg": "检测好友关系成功",
                    "data": [{"wxid": FRIEND, "relation": 0}, {"wxid": "wxid_lilei", "relation": 99}]}
    offline = await gewe(gw, "contacts/checkRelation", {"appId": SLEEPY_APP, "wxids": [FRIEND]})
    assert offline["msg"] == "检测好友关系失败"
    empty = await gewe(gw, "contacts/checkRelation", {"appId": APP, "wxids": []})
    assert empty["ret"] == 500, "the doc allows 1 to 20 wxids"


TWO_ACCOUNTS = """chatsim: 1
gewe:
  tokens: [{token: tok, devices: [{appId: wx_A, wxid: wxid_a}, {appId: wx_B, wxid: wxid_b}]}]
  people: [{wxid: wxid_a, nickname: A, friends: [wxid_b]}, {wxid: wxid_b, nickname: B}]
"""


async def test_a_friend_who_deleted_the_account_is_relation_1(gw):
    await load_scenario(gw, "default", TWO_ACCOUNTS)
    assert await ok(gw, "contacts/checkRelation", {"appId": "wx_A", "wxids": ["wxid_b"]}, "tok") == [
        {"wxid": "wxid_b", "relation": 0}]
    await ok(gw, "contacts/deleteFriend", {"appId": "wx_B", "wxid": "wxid_a"}, "tok")
    assert await ok(gw, "contacts/checkRelation", {"appId": "wx_A", "wxids": ["wxid_b"]}, "tok") == [
        {"wxid": "wxid_b", "relation": 1}]


async def test_the_contact_list_cache_lasts_ten_minutes_after_a_fetch(gw):
    before = await gewe(gw, "contacts/fetchContactsListCache", {"appId": APP})
    assert before == {"ret": 200, "msg": "操作成功"}
    listed = await ok(gw, "contacts/fetchContactsList", {"appId": APP})
    assert await ok(gw, "contacts/fetchContactsListCache", {"appId": APP}) == listed
    await advance(gw, 601)
    assert await gewe(gw, "contacts/fetchContactsListCache", {"appId": APP}) == {"ret": 200, "msg": "操作成功"}
    offline = await gewe(gw, "contacts/fetchContactsListCache", {"appId": SLEEPY_APP})
    assert offline["data"]["msg"] == "微信已离线"


async def test_phone_address_book_upload_lookup_and_adding_from_it(gw):
    assert await gewe(gw, "contacts/uploadPhoneAddressList",
                      {"appId": APP, "phones": ["13900000001", "10000000000"], "opType": 1}) == {
        "ret": 200, "msg": "操作成功"}
    body = await gewe(gw, "contacts/getPhoneAddressList", {"appId": APP})
    assert body["msg"] == "获取手机通讯录成功"
    [lilei] = body["data"]
    assert (lilei["userName"], lilei["nickName"]) == ("wxid_lilei", "李雷") and lilei["v4"].startswith("v4_")
    await gewe(gw, "contacts/uploadPhoneAddressList", {"appId": APP, "phones": ["13900000001"], "opType": 2})
    assert await ok(gw, "contacts/getPhoneAddressList", {"appId": APP}) == []
    direct = await ok(gw, "contacts/getPhoneAddressList", {"appId": APP, "phones": ["13900000001"]})
    assert [p["userName"] for p in direct] == ["wxid_lilei"]
    bad = await gewe(gw, "contacts/uploadPhoneAddressList", {"appId": APP, "phones": ["1"], "opType": 3})
    assert bad == {"ret": 500, "msg": "opType 参数格式错误"}


async def test_chatroom_member_detail_and_its_failures(gw):
    details = await ok(gw, "group/getChatroomMemberDetail",
                       {"appId": APP, "chatroomId": ROOM, "memberWxids": ["wxid_member", "wxid_lilei"]})
    assert [(d["userName"], d["nickName"], d["inviterUserName"]) for d in details] == [
        ("wxid_member", "陈静", "wxid_me")], "non-members are left out"
    foreign = await gewe(gw, "group/getChatroomMemberDetail",
                         {"appId": APP, "chatroomId": FOREIGN_ROOM, "memberWxids": ["wxid_lilei"]})
    assert foreign == {"ret": 500, "msg": "获取群成员详情失败", "data": {"code": "-1", "msg": "你不在该群聊中"}}


async def test_v4_tickets_are_bounded_the_oldest_answering_ticket_invalid(gw):
    await load_scenario(gw, "default", "chatsim: 1\ngewe:\n  max_tickets: 10\n"
                        "  tokens: [{token: tok, devices: [{appId: wx_A, wxid: wxid_a}]}]\n"
                        "  people: [{wxid: wxid_a, nickname: A}, {wxid: wxid_b, nickname: B, alias: bee}]\n")
    found = [await ok(gw, "contacts/search", {"appId": "wx_A", "contactsInfo": "bee"}, "tok") for _ in range(11)]
    state = await (await gw.get("/_chatsim/tenants/default/state")).json()
    assert len(state["vendors"]["gewe"]["tickets"]) == 10
    add = {"appId": "wx_A", "scene": 3, "option": 2, "content": ""}
    oldest = await gewe(gw, "contacts/addContacts", {**add, "v3": found[0]["v3"], "v4": found[0]["v4"]}, "tok")
    assert oldest["data"] == {"code": "-2", "msg": "user ticket invalid"}
    assert (await ok(gw, "contacts/addContacts", {**add, "v3": found[-1]["v3"], "v4": found[-1]["v4"]}, "tok")) is None


async def test_every_card_has_the_same_keys_in_the_same_order(gw):
    """A friend's, a stranger's, a group's and nobody's card: GeWe's keys in one order, nulls where
    nothing is known (the friend's card is built apart from the others)."""
    cards = await ok(gw, "contacts/getBriefInfo", {"appId": APP, "wxids": [FRIEND, "wxid_lilei", ROOM, "wxid_nobody"]})
    keys = [list(card) for card in cards]
    assert keys[0][:3] == ["userName", "nickName", "pyInitial"] and keys[0][-1] == "phoneNumList"
    assert keys == [keys[0]] * 4
    assert [card["nickName"] is None for card in cards] == [False, False, False, True]
    assert cards[3] == {key: None for key in keys[0]} | {"userName": "wxid_nobody"}
    [detail] = await ok(gw, "contacts/getDetailInfo", {"appId": APP, "wxids": [FRIEND]})
    assert list(detail) == [*keys[0], "onlyChat"]


LOOKALIKES = """
chatsim: 1
gewe:
  tokens:
    - token: '66666666666666666666666666666666'
      devices: [{appId: wx_Lookalike_00000000001, wxid: wxid_a}]
  people:
    - {wxid: wxid_a, nickname: 甲, phone: '222'}
    - {wxid: wxid_b, nickname: 乙, alias: first, phone: '111'}
    - {wxid: wxid_c, nickname: 丙, alias: '111', phone: '222'}
    - {wxid: wxid_d, nickname: 丁, alias: first, phone: '222'}
"""


async def test_search_and_the_phone_book_find_the_first_person_in_the_worlds_order(gw):
    """A phone number that is also someone's WeChat id, one WeChat id twice, one number three
    times: the first person listed who has it, never the account itself."""
    await load_scenario(gw, "default", LOOKALIKES)
    token, app = "66666666666666666666666666666666", "wx_Lookalike_00000000001"
    for info, nickname in (("111", "乙"), ("first", "乙"), ("222", "甲")):
        found = await ok(gw, "contacts/search", {"appId": app, "contactsInfo": info}, token=token)
        assert found["nickName"] == nickname, info
    await ok(gw, "contacts/uploadPhoneAddressList", {"appId": app, "phones": ["222", "111", "222"], "opType": 1},
             token=token)
    book = await ok(gw, "contacts/getPhoneAddressList", {"appId": app}, token=token)
    assert [entry["userName"] for entry in book] == ["wxid_c", "wxid_b"]
