"""Every business message of the backend (reference section 5), each in the situation that causes it."""

from tests.eggjs_im.conftest import Egg, MakeEgg, users

OK = (200, {"msg": "ok", "data": "ok"})


def fail(message: str) -> tuple[int, dict[str, str]]:
    return 400, {"msg": "fail", "data": message}


async def test_register_and_login_messages(make_egg: MakeEgg):
    egg = await make_egg({"users": [*users("my01"), *users("gone", status=0)]})
    taken = fail("该账号已存在，请换一个账号注册")
    assert await egg.post("/api/regChat", data={"username": "my01", "password": "654321"}) == taken
    assert await egg.post("/api/regChat", data={"username": "MY01", "password": "654321"}) == taken
    assert await egg.post("/api/regChat", data={"username": "gone", "password": "654321"}) == taken
    missing = fail("账号不存在或者被禁用")
    assert await egg.post("/api/loginChat", data={"username": "nobody", "password": "123456"}) == missing
    assert await egg.post("/api/loginChat", data={"username": "gone", "password": "123456"}) == missing
    assert await egg.post("/api/loginChat", data={"username": "my01", "password": "1234567"}) == fail("账户或密码错误")
    status, body = await egg.post("/api/loginChat", data={"username": "My01", "password": "123456"})
    assert (status, body["data"]["username"]) == (200, "my01")


async def test_session_store_failure_gives_login_failed(make_egg: MakeEgg):
    egg = await make_egg({"faults": {"session_write_fails": True}, "users": users("my01")})
    assert await egg.post("/api/loginChat", data={"username": "my01", "password": "123456"}) == fail("登录失败")
    assert await egg.post("/api/regChat", data={"username": "my02", "password": "123456"}) == fail("登录失败")
    state = await egg.state()
    assert [u["username"] for u in state["user"]] == ["my01", "my02"]  # the user was created all the same
    assert state["sessions"] == {}


async def test_applyfriend_messages_in_check_order(make_egg: MakeEgg):
    egg = await make_egg({"users": [*users("my01", "my02", "my03"), *users("gone", status=0)],
                          "goodfriendapply": [{"user": "my03", "friend": "my01", "status": "agree"}]})
    me = await egg.login("my01")
    assert await egg.post("/api/chat/applyfriend", me, data={"friend_id": "1"}) == fail("不能添加自己为好友")
    assert await egg.post("/api/chat/applyfriend", me, data={"friend_id": "99"}) == fail("添加的好友不存在")
    assert await egg.post("/api/chat/applyfriend", me, data={"friend_id": "4"}) == fail("添加的好友不存在")
    assert await egg.post("/api/chat/applyfriend", me, data={"friend_id": "2"}) == OK
    duplicate = fail("您已经申请过了，请勿重复申请")
    assert await egg.post("/api/chat/applyfriend", me, data={"friend_id": "2"}) == duplicate
    # only MY pending/agreed applications count: my03's agreed one to me does not stop mine to my03
    assert await egg.post("/api/chat/applyfriend", me, data={"friend_id": "3"}) == OK
    # a refused application can be sent again
    other = await egg.login("my02")
    assert await egg.post("/api/chat/handleapply/2", other, data={"status": "refuse"}) == OK
    assert await egg.post("/api/chat/applyfriend", me, data={"friend_id": "2"}) == OK
    assert await egg.post("/api/chat/handleapply/4", other, data={"status": "agree"}) == OK
    assert await egg.post("/api/chat/applyfriend", me, data={"friend_id": "2"}) == duplicate


async def test_handleapply_messages_and_rows(make_egg: MakeEgg):
    egg = await make_egg({"users": [*users("my01", nickname="魂牵一梦"), *users("my02", "my03")],
                          "goodfriendapply": [{"user": "my02", "friend": "my01", "nickname": "我是my02"},
                                              {"user": "my03", "friend": "my02"},
                                              {"user": "my03", "friend": "my01"}]})
    me = await egg.login("my01")
    gone = fail("申请不存在或已处理")
    assert await egg.post("/api/chat/handleapply/9", me, data={"status": "agree"}) == gone
    assert await egg.post("/api/chat/handleapply/2", me, data={"status": "agree"}) == gone  # not to me
    assert await egg.post("/api/chat/handleapply/1", me, data={"status": "pending"}) == OK  # no change
    assert await egg.post("/api/chat/handleapply/1", me, data={"status": "agree", "nickname": "阿二"}) == OK
    assert await egg.post("/api/chat/handleapply/1", me, data={"status": "refuse"}) == gone  # handled
    assert await egg.post("/api/chat/handleapply/3", me, data={"status": "ignore"}) == OK
    state = await egg.state()
    assert [a["status"] for a in state["goodfriendapply"]] == ["agree", "pending", "ignore"]
    # my row carries the remark I typed; theirs carries my profile nickname, not their application note
    assert [(g["id"], g["user_id"], g["friend_id"], g["nickname"]) for g in state["goodfriend"]] == [
        (1, 1, 2, "阿二"), (2, 2, 1, "魂牵一梦")]


async def test_handleapply_database_failure(make_egg: MakeEgg):
    egg = await make_egg({"faults": {"handleapply_db_error": True}, "users": users("my01", "my02"),
                          "goodfriendapply": [{"user": "my02", "friend": "my01"}]})
    me = await egg.login("my01")
    assert await egg.post("/api/chat/handleapply/1", me, data={"status": "agree"}) == fail("系统异常，请稍后再试")
    state = await egg.state()
    assert (state["goodfriendapply"][0]["status"], state["goodfriend"]) == ("pending", [])


async def test_friend_row_messages(make_egg: MakeEgg):
    egg: Egg = await make_egg({"users": [*users("my01", "my02", "my03"), *users("nfo", userinfo=False)],
                               "goodfriend": [{"user": "my01", "friend": "my02", "isblack": 1},
                                              {"user": "my03", "friend": "my01"},
                                              {"user": "my01", "friend": "nfo"}]})
    me = await egg.login("my01")
    no_friend = fail("好友不存在")
    blocked = fail("好友不存在或者被拉黑，无法操作")
    can_see = {"friendlookme": "1", "melookfriend": "1"}
    for friend_id in ("1", "3", "99"):  # myself; a friend only one way round (their row); nobody
        assert await egg.get(f"/api/chat/getgoodfriendinfo/{friend_id}", me) == no_friend
        assert await egg.post(f"/api/chat/setblackgoodfriend/{friend_id}", me) == no_friend
        assert await egg.post(f"/api/chat/setstargoodfriend/{friend_id}", me) == blocked
        assert await egg.post(f"/api/chat/setmeOrfriendCanSee/{friend_id}", me, data=can_see) == blocked
    # blacklisted: info still works, star and permissions do not
    status, body = await egg.get("/api/chat/getgoodfriendinfo/2", me)
    assert (status, body["data"]["friendinfo"]["username"]) == (200, "my02")
    assert await egg.post("/api/chat/setstargoodfriend/2", me) == blocked
    status, body = await egg.get("/api/chat/getgoodfriendinfo/4", me)
    assert body["data"]["friendinfo"]["userinfo"] is None
    # the two toggles
    assert await egg.post("/api/chat/setstargoodfriend/4", me) == OK
    assert await egg.post("/api/chat/setstargoodfriend/4", me) == OK
    assert await egg.post("/api/chat/setblackgoodfriend/4", me) == OK
    rows = {g["friend_id"]: g for g in (await egg.state())["goodfriend"] if g["user_id"] == 1}
    assert (rows[4]["ismystarfriend"], rows[4]["isblack"]) == (0, 1)


async def test_update_time_moves_only_when_a_write_changes_the_row(make_egg: MakeEgg):
    """Sequelize's ``instance.update``: a toggle always changes its row, the same permissions again do not."""
    egg = await make_egg({"users": users("my01", "my02"), "goodfriend": [{"user": "my01", "friend": "my02"}]})
    me = await egg.login("my01")

    async def touched() -> str:
        return next(g["update_time"] for g in (await egg.state())["goodfriend"] if g["user_id"] == 1)

    seeded = await touched()
    for path, data in (("setstargoodfriend/2", None), ("setblackgoodfriend/2", None), ("setblackgoodfriend/2", None),
                       ("setmeOrfriendCanSee/2", {"friendlookme": "0", "melookfriend": "1"})):
        before = await touched()
        await egg.advance(60)
        assert await egg.post(f"/api/chat/{path}", me, data=data) == OK
        assert await touched() > before, path
    before = await touched()
    await egg.advance(60)
    assert await egg.post("/api/chat/setmeOrfriendCanSee/2", me, data={"friendlookme": "0", "melookfriend": "1"}) == OK
    assert await touched() == before > seeded


async def test_search_is_a_like_over_enabled_users(make_egg: MakeEgg):
    egg = await make_egg({"users": [*users("my01", "My_02", "other", "a b c", "x%y"), *users("my03", status=0)]})
    me = await egg.login("my01")

    async def found(keyword: str) -> list[str]:
        status, body = await egg.post("/api/chat/searchUser", me, data={"keyword": keyword})
        assert status == 200
        return [u["username"] for u in body["data"]]

    assert await found("my") == ["my01", "My_02"]  # case-insensitive, me included, disabled excluded
    assert await found("m_0") == ["my01"]  # _ is exactly one character
    assert await found("y_0") == ["My_02"]
    assert await found("y%2") == ["My_02"]  # % is any run
    assert await found(" ") == ["a b c"]  # not trimmed
    assert await found("\\%") == ["x%y"]  # a backslash escapes
    assert await found("zzz") == []


async def test_listapplyfriend_pages_over_every_status(make_egg: MakeEgg):
    egg = await make_egg({"users": users("my01", "my02", "my03", "my04", "my05"),
                          "goodfriendapply": [{"user": "my02", "friend": "my01"},
                                              {"user": "my03", "friend": "my01", "status": "refuse"},
                                              {"user": "my01", "friend": "my04"},
                                              {"user": "my04", "friend": "my01", "status": "agree"},
                                              {"user": "my05", "friend": "my01"}]})
    me = await egg.login("my01")
    pages = []
    for page in ("1", "2", "3"):
        status, body = await egg.get(f"/api/chat/listapplyfriend/{page}", me, params={"limit": "2"})
        assert (status, body["data"]["pendingCount"]) == (200, 2)
        pages.append([(a["id"], a["status"]) for a in body["data"]["alldata"]])
    assert pages == [[(1, "pending"), (2, "refuse")], [(4, "agree"), (5, "pending")], []]
