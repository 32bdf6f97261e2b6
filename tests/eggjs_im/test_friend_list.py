"""goodfriendlist: sort-word's grouping, and the two quirks of this backend version, on and off."""

from typing import Any

from tests.eggjs_im.conftest import Egg, MakeEgg, users


async def friend_list(make_egg: MakeEgg, remarks: list[str], **section: Any) -> tuple[Egg, str]:
    """my01 with one friend per remark, in that order."""
    names = [f"user{i:02d}" for i in range(len(remarks))]
    egg = await make_egg({"users": users("my01", *names),
                          "goodfriend": [{"user": "my01", "friend": name, "nickname": remark}
                                         for name, remark in zip(names, remarks, strict=True)],
                          **section})
    return egg, await egg.login("my01")


async def groups(egg: Egg, token: str) -> dict[str, list[str]]:
    status, body = await egg.get("/api/chat/goodfriendlist/1", token)
    assert status == 200, body
    rows = body["data"]["rows"]
    assert rows["indexList"] == [g["title"] for g in rows["newList"]]
    assert rows["total"] == len(rows["newList"])
    return {g["title"]: [row["name"] for row in g["list"]] for g in rows["newList"]}


async def test_grouping_by_first_letter_with_hash_last(make_egg: MakeEgg):
    egg, token = await friend_list(make_egg, ["张三", "bob", "9号", "😀笑", "阿三", "Alice", "é", "#tag", "好友", "_x",
                                              "{b"])
    assert await groups(egg, token) == {
        "A": ["阿三", "Alice"], "B": ["bob"], "H": ["好友"], "Z": ["张三"],
        "#": ["9号", "😀笑", "é", "#tag", "_x", "{b"]}


async def test_name_falls_back_from_remark_to_nickname_to_username(make_egg: MakeEgg):
    egg = await make_egg({"users": [*users("my01"), *users("qq01", nickname="小明"), *users("rr02")],
                          "goodfriend": [{"user": "my01", "friend": "qq01"}, {"user": "my01", "friend": "rr02"}]})
    status, body = await egg.get("/api/chat/goodfriendlist/1", await egg.login("my01"))
    assert [(g["title"], g["list"][0]["name"], g["list"][0]["beizhu"]) for g in body["data"]["rows"]["newList"]] == [
        ("R", "rr02", ""), ("X", "小明", "")]
    assert body["data"]["count"] == 2


async def test_total_counts_groups_and_pages_cut_rows(make_egg: MakeEgg):
    egg, token = await friend_list(make_egg, ["a1", "a2", "b1"])
    status, body = await egg.get("/api/chat/goodfriendlist/1", token, params={"limit": "2"})
    assert (body["data"]["count"], body["data"]["rows"]["total"]) == (2, 1)
    status, body = await egg.get("/api/chat/goodfriendlist/2", token, params={"limit": "2"})
    assert (body["data"]["count"], body["data"]["rows"]["indexList"]) == (1, ["B"])


async def test_regexp_characters_quirk(make_egg: MakeEgg):
    egg, token = await friend_list(make_egg, [".dot", "$x", "^up", "|bar"])
    assert await groups(egg, token) == {"A": [".dot", "$x", "^up", "|bar"]}
    for first, error in (("*", "Nothing to repeat"), ("(", "Unterminated group"), (")", "Unmatched ')'"),
                         ("?", "Nothing to repeat"), ("+", "Nothing to repeat"),
                         ("[", "Unterminated character class"), ("\\", "\\ at end of pattern")):
        egg, token = await friend_list(make_egg, ["ok", f"{first}name"])
        assert await egg.get("/api/chat/goodfriendlist/1", token) == (
            500, {"msg": "fail", "data": f"Invalid regular expression: /{first}/: {error}"})


async def test_regexp_characters_fixed(make_egg: MakeEgg):
    egg, token = await friend_list(make_egg, [".dot", "*star", "(p", "a"], quirks={"regexp_first_char": False})
    assert await groups(egg, token) == {"A": ["a"], "#": [".dot", "*star", "(p"]}


async def test_empty_friend_list_quirk_and_fix(make_egg: MakeEgg):
    crash = (500, {"msg": "fail", "data": "Cannot read properties of undefined (reading 'title')"})
    egg, token = await friend_list(make_egg, [])
    assert await egg.get("/api/chat/goodfriendlist/1", token) == crash
    egg, token = await friend_list(make_egg, ["a"])
    assert await egg.get("/api/chat/goodfriendlist/2", token) == crash  # a page past the end too
    egg, token = await friend_list(make_egg, [], quirks={"empty_friend_list_500": False})
    assert await egg.get("/api/chat/goodfriendlist/1", token) == (200, {"msg": "ok", "data": {"count": 0, "rows": []}})
    egg, token = await friend_list(make_egg, [], env="prod")
    assert await egg.get("/api/chat/goodfriendlist/1", token) == (500, {"msg": "fail", "data": "Internal Server Error"})


async def test_pinyin_initials_can_be_pinned(make_egg: MakeEgg):
    egg, token = await friend_list(make_egg, ["长风", "重庆"], pinyin_initials={"长": "C"})
    assert await groups(egg, token) == {"C": ["长风"], "Z": ["重庆"]}


async def test_blacklisted_friends_stay_in_the_list(make_egg: MakeEgg):
    egg = await make_egg({"users": users("my01", "my02"),
                          "goodfriend": [{"user": "my01", "friend": "my02", "nickname": "黑", "isblack": 1}]})
    assert await groups(egg, await egg.login("my01")) == {"H": ["黑"]}
