"""A big world answers as a small one does: the username, friend and application indexes give the
rows the backend's scans would, in the same (id) order, for each user alone."""

from tests.eggjs_im.conftest import MakeEgg, users

COUNT = 120


def _names() -> list[str]:
    return [f"User{i:03d}" for i in range(COUNT)]


async def test_each_user_sees_only_their_own_friends_in_id_order(make_egg: MakeEgg):
    names = _names()
    # user i befriends i+1 and i+7 (both ways through the scenario's rows), interleaved across users
    pairs = [(names[i], names[(i + step) % COUNT]) for step in (1, 7) for i in range(COUNT)]
    egg = await make_egg({"users": users(*names), "goodfriend": [{"user": a, "friend": b, "nickname": f"{a}>{b}"}
                                                                 for a, b in pairs]})
    for who in (0, 5, COUNT - 1):
        status, body = await egg.get("/api/chat/goodfriendlist/1", await egg.login(names[who].lower()))
        assert status == 200, body
        rows = [row for group in body["data"]["rows"]["newList"] for row in group["list"]]
        expected = [f"{names[who]}>{b}" for a, b in pairs if a == names[who]]
        assert sorted(row["beizhu"] for row in rows) == sorted(expected)
        assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)


async def test_usernames_are_found_case_folded_whatever_the_world_size(make_egg: MakeEgg):
    egg = await make_egg({"users": users(*_names())})
    for spelled in ("user000", "USER119", "uSeR060"):
        assert (await egg.post("/api/loginChat", data={"username": spelled, "password": "123456"}))[0] == 200
    status, body = await egg.post("/api/regChat", data={"username": "USER042", "password": "654321"})
    assert (status, body["data"]) == (400, "该账号已存在，请换一个账号注册")
    assert (await egg.post("/api/loginChat", data={"username": "user120", "password": "123456"}))[1]["data"] == (
        "账号不存在或者被禁用")


async def test_case_sensitive_worlds_keep_case_variants_apart(make_egg: MakeEgg):
    egg = await make_egg({"users": [{"username": "abcd", "password": "111111"},
                                    {"username": "ABCD", "password": "222222"}],
                          "case_insensitive": False})
    ok = [(await egg.post("/api/loginChat", data={"username": name, "password": pw}))[1]["data"]["username"]
          for name, pw in (("abcd", "111111"), ("ABCD", "222222"))]
    assert ok == ["abcd", "ABCD"]


async def test_applications_are_listed_for_their_addressee_and_deduplicated(make_egg: MakeEgg):
    names = _names()
    egg = await make_egg({"users": users(*names),
                          "goodfriendapply": [{"user": names[i], "friend": names[i + 1]} for i in range(COUNT - 1)]})
    target = names[3]  # applied to by User002 only
    status, body = await egg.get("/api/chat/listapplyfriend/1", await egg.login(target))
    assert status == 200, body
    assert [row["user"]["username"] for row in body["data"]["alldata"]] == ["User002"]
    token = await egg.login(names[1])  # id 2, who applied to id 3
    assert (await egg.post("/api/chat/applyfriend", token, data={"friend_id": "3", "nickname": "x"}))[1] == {
        "msg": "fail", "data": "您已经申请过了，请勿重复申请"}
    assert (await egg.post("/api/chat/applyfriend", token, data={"friend_id": "5", "nickname": "x"}))[1] == {
        "msg": "ok", "data": "ok"}
