"""egg-valparams: every zh-cn template, the first failing field, its int parsing and lookup quirks."""

import pytest

from tests.eggjs_im.conftest import Egg, MakeEgg, users

CAN_SEE = "/api/chat/setmeOrfriendCanSee/2"
LOOK = "朋友是否可以看我的动态"


def invalid(message: str) -> tuple[int, dict[str, str]]:
    return 422, {"msg": "fail", "data": message}


@pytest.fixture
async def egg(make_egg: MakeEgg) -> Egg:
    return await make_egg({"users": users("my01", "my02", "my03"),
                           "goodfriend": [{"user": "my01", "friend": "my02"}],
                           "goodfriendapply": [{"user": "my02", "friend": "my01"}, {"user": "my03", "friend": "my01"}]})


@pytest.fixture
async def token(egg: Egg) -> str:
    return await egg.login("my01")


REGISTER_CASES = [
    ({}, "账号不能为空"),
    ({"username": "", "password": "123456"}, "账号不能为空"),  # an empty string is not sent
    ({"username": "my09"}, "密码不能为空"),
    ({"username": "abc", "password": "1"}, "账号 的长度 必须 在 4 和 20 之间"),  # first field decides
    ({"username": "a" * 21, "password": "123456"}, "账号 的长度 必须 在 4 和 20 之间"),
    ({"username": "my09", "password": "12345"}, "密码 的长度 必须 在 6 和 20 之间"),
    ({"username": "😀😀😀", "password": "123456"}, "账号 的长度 必须 在 4 和 20 之间"),
]


async def test_register_and_login_templates(egg: Egg):
    for body, message in REGISTER_CASES:
        assert await egg.post("/api/regChat", data=body) == invalid(message), body
        assert await egg.post("/api/loginChat", data=body) == invalid(message), body


async def test_lengths_count_code_points_and_the_charset_rule_is_not_enforced(egg: Egg):
    for username in ("😀😀😀😀", "张 三!", "a" * 20):
        assert (await egg.post("/api/regChat", data={"username": username, "password": "1" * 20}))[0] == 200


async def test_search_templates(egg: Egg, token: str):
    for keyword, message in (("", "搜索关键词不能为空"), ("k" * 51, "搜索关键词 的长度 必须 在 1 和 50 之间")):
        assert await egg.post("/api/chat/searchUser", token, data={"keyword": keyword}) == invalid(message)


INT_CASES = [
    (None, "我申请添加的好友id不能为空"),
    ("abc", "我申请添加的好友id 的值 `abc` 的类型不是 `int`"),
    ("2.0", "我申请添加的好友id 的值 `2.0` 的类型不是 `int`"),
    ("1e3", "我申请添加的好友id 的值 `1e3` 的类型不是 `int`"),
    (" 2", "我申请添加的好友id 的值 ` 2` 的类型不是 `int`"),
    ("0x10", "我申请添加的好友id 的值 `0x10` 的类型不是 `int`"),
    ("2\n", "我申请添加的好友id 的值 `2\n` 的类型不是 `int`"),
    ("0", "我申请添加的好友id 的数值 必须 在 1 和 10000000000000000 之间"),
    ("-3", "我申请添加的好友id 的数值 必须 在 1 和 10000000000000000 之间"),
    ("10000000000000002", "我申请添加的好友id 的数值 必须 在 1 和 10000000000000000 之间"),
]


async def test_int_templates(egg: Egg, token: str):
    for value, message in INT_CASES:
        body = {} if value is None else {"friend_id": value}
        assert await egg.post("/api/chat/applyfriend", token, data=body) == invalid(message), value


async def test_ints_accept_a_sign_and_leading_zeroes(egg: Egg, token: str):
    assert await egg.post("/api/chat/applyfriend", token, data={"friend_id": "+0002"}) == (
        200, {"msg": "ok", "data": "ok"})
    assert await egg.post("/api/chat/applyfriend", token, data={"friend_id": "02"}) == (
        400, {"msg": "fail", "data": "您已经申请过了，请勿重复申请"})


ROUTE_CASES = [
    ("/api/chat/listapplyfriend/abc", "页码 的值 `abc` 的类型不是 `int`"),
    ("/api/chat/listapplyfriend/0", "页码 的数值 必须 在 1 和 10000000000000000 之间"),
    ("/api/chat/goodfriendlist/-1", "页码 的数值 必须 在 1 和 10000000000000000 之间"),
    ("/api/chat/getgoodfriendinfo/x", "好友id 的值 `x` 的类型不是 `int`"),
]


async def test_route_param_templates(egg: Egg, token: str):
    for path, message in ROUTE_CASES:
        assert await egg.get(path, token) == invalid(message), path


POST_CASES = [
    ("/api/chat/handleapply/1", {}, "处理状态不能为空"),
    ("/api/chat/handleapply/1", {"status": "yes"},
     "处理状态 的值 `yes` 必须在 [`pending`、`refuse`、`agree`、`ignore`] 中"),
    ("/api/chat/handleapply/abc", {"status": "agree"}, "申请表的id 的值 `abc` 的类型不是 `int`"),
    ("/api/chat/handleapply/abc", {"id": "1", "status": "agree"}, "申请表的id 的值 `abc` 的类型不是 `int`"),
    ("/api/chat/setblackgoodfriend/abc", {}, "好友id 的值 `abc` 的类型不是 `int`"),
    ("/api/chat/setstargoodfriend/0", {}, "好友id 的数值 必须 在 1 和 10000000000000000 之间"),
    (CAN_SEE, {}, f"{LOOK}不能为空"),
    (CAN_SEE, {"friendlookme": "2", "melookfriend": "x"}, f"{LOOK} 的值 `2` 必须在 [`0`、`1`] 中"),
    (CAN_SEE, {"friendlookme": "x"}, f"{LOOK} 的值 `x` 的类型不是 `int`"),
    (CAN_SEE, {"friendlookme": "+1"}, f"{LOOK} 的值 `+1` 必须在 [`0`、`1`] 中"),  # `in` compares text
    (CAN_SEE, {"friendlookme": "1"}, "我的朋友圈是否出现朋友的信息（我是否看朋友的动态）不能为空"),
    ("/api/chat/setmeOrfriendCanSee/z", {"friendlookme": "1", "melookfriend": "1"}, "朋友id 的值 `z` 的类型不是 `int`"),
]


async def test_post_templates_in_declaration_order(egg: Egg, token: str):
    for path, body, message in POST_CASES:
        assert await egg.post(path, token, data=body) == invalid(message), (path, body)


async def test_post_params_come_from_the_body_not_the_query(egg: Egg, token: str):
    assert await egg.post("/api/chat/applyfriend", token, params={"friend_id": "2"}) == invalid(
        "我申请添加的好友id不能为空")


async def test_bad_optional_values_silently_take_the_default(egg: Egg, token: str):
    assert await egg.post("/api/chat/applyfriend", token, data={"friend_id": "2", "nickname": "n" * 51}) == (
        200, {"msg": "ok", "data": "ok"})
    assert [a["nickname"] for a in (await egg.state())["goodfriendapply"]] == ["", "", ""]
    for limit, count in (("1", 1), ("abc", 2), ("", 2), ("0", 0)):
        status, body = await egg.get("/api/chat/listapplyfriend/1", token, params={"limit": limit})
        assert (status, len(body["data"]["alldata"]), body["data"]["pendingCount"]) == (200, count, 2), limit
    status, body = await egg.get("/api/chat/goodfriendlist/1", token, params={"limit": "x"})
    assert (status, body["data"]["count"]) == (200, 1)


async def test_json_bodies_are_read_as_valparams_reads_them(egg: Egg, token: str):
    # every value is stringified first: numbers pass as strings, true/null fail as text
    assert (await egg.post("/api/regChat", json={"username": 123456, "password": 1234567}))[0] == 200
    assert (await egg.post("/api/loginChat", data={"username": "123456", "password": "1234567"}))[0] == 200
    assert (await egg.post("/api/chat/applyfriend", token, json={"friend_id": 2}))[0] == 200
    assert await egg.post("/api/chat/applyfriend", token, json={"friend_id": True}) == invalid(
        "我申请添加的好友id 的值 `true` 的类型不是 `int`")
    assert await egg.post("/api/chat/applyfriend", token, json={"friend_id": None}) == invalid(
        "我申请添加的好友id 的值 `null` 的类型不是 `int`")
    assert await egg.post("/api/chat/applyfriend", token, json={"friend_id": 2.5}) == invalid(
        "我申请添加的好友id 的值 `2.5` 的类型不是 `int`")
    assert await egg.post(CAN_SEE, token, json={"friendlookme": 1, "melookfriend": 0}) == (
        200, {"msg": "ok", "data": "ok"})


async def test_a_body_that_is_not_json_is_refused_by_the_body_parser(egg: Egg, token: str):
    status, body = await egg.post("/api/chat/applyfriend", token, data=b"{not json",
                                  headers={"Content-Type": "application/json"})
    assert (status, body) == (400, {"msg": "fail", "data": "invalid JSON, only supports object and array"})
