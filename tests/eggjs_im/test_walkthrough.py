"""Two users walk the whole seed document, register to logout, through HTTP only."""

from tests.eggjs_im.conftest import MakeEgg

DEAD = (400, {"msg": "fail", "data": "Token 令牌不合法！"})


async def test_two_users_walk_the_seed_document(make_egg: MakeEgg):
    egg = await make_egg()
    # 一/二: register both, then log in (each login replaces the register token)
    alice = await egg.register("my01")
    bob = await egg.register("my02")
    assert (alice["id"], bob["id"]) == (1, 2)
    await egg.advance(1)  # a token is row + iat: within the same second a new login gives the same token
    alice_token = await egg.login("my01")
    bob_token = await egg.login("my02")
    assert await egg.post("/api/chat/searchUser", alice["token"], data={"keyword": "my"}) == DEAD

    # 四: search
    status, body = await egg.post("/api/chat/searchUser", bob_token, data={"keyword": "my01"})
    assert status == 200
    assert body["data"] == [{"id": 1, "username": "my01", "avatar": alice["avatar"], "role": "user",
                             "uuid": alice["uuid"], "nickname": ""}]

    # 五: bob applies to alice
    assert await egg.post("/api/chat/applyfriend", bob_token, data={"friend_id": "1", "nickname": "我是bob"}) == (
        200, {"msg": "ok", "data": "ok"})

    # 六: alice sees it
    status, body = await egg.get("/api/chat/listapplyfriend/1", alice_token)
    assert status == 200
    assert body["data"]["pendingCount"] == 1
    [apply] = body["data"]["alldata"]
    assert (apply["id"], apply["user_id"], apply["friend_id"], apply["nickname"], apply["status"]) == (
        1, 2, 1, "我是bob", "pending")
    assert apply["userId"] == 2
    assert apply["user"] == {"id": 2, "username": "my02", "avatar": bob["avatar"], "nickname": ""}

    # 七: alice agrees, with a remark for bob
    assert await egg.post("/api/chat/handleapply/1", alice_token, data={"status": "agree", "nickname": "阿二"}) == (
        200, {"msg": "ok", "data": "ok"})
    status, body = await egg.get("/api/chat/listapplyfriend/1", alice_token)
    assert body["data"]["alldata"][0]["status"] == "agree"
    assert body["data"]["pendingCount"] == 0

    # 八: both friend lists, grouped by the first letter of the shown name
    status, body = await egg.get("/api/chat/goodfriendlist/1", alice_token)
    assert status == 200
    assert body["data"] == {"count": 1, "rows": {
        "newList": [{"title": "A", "list": [{"id": 1, "beizhu": "阿二", "username": "my02", "avatar": bob["avatar"],
                                             "friend_nickname": "", "friend_id": 2, "name": "阿二"}]}],
        "indexList": ["A"], "total": 1}}
    status, body = await egg.get("/api/chat/goodfriendlist/1", bob_token)
    [group] = body["data"]["rows"]["newList"]
    assert group["title"] == "M"  # no remark, no nickname: the username my01
    assert group["list"][0]["name"] == "my01"

    # 九: friend info, by the friend's user id
    status, body = await egg.get("/api/chat/getgoodfriendinfo/2", alice_token)
    assert status == 200
    assert body["data"] == {"id": 1, "user_id": 1, "friend_id": 2, "nickname": "阿二", "friendinfo": {
        "id": 2, "username": "my02", "avatar": bob["avatar"], "nickname": "", "role": "user", "status": 1,
        "userinfo": {"id": 2, "gender": "unknown", "birthday": None, "bio": None, "location": None,
                     "website": None}}}

    # 十一 then 十: star, black, and star refused while black
    assert (await egg.post("/api/chat/setstargoodfriend/2", alice_token))[0] == 200
    assert (await egg.post("/api/chat/setblackgoodfriend/2", alice_token))[0] == 200
    refused = (400, {"msg": "fail", "data": "好友不存在或者被拉黑，无法操作"})
    assert await egg.post("/api/chat/setstargoodfriend/2", alice_token) == refused
    assert await egg.post("/api/chat/setmeOrfriendCanSee/2", alice_token,
                          data={"friendlookme": "0", "melookfriend": "0"}) == refused
    assert (await egg.post("/api/chat/setblackgoodfriend/2", alice_token))[0] == 200

    # 十二: permissions, on alice's row only
    assert await egg.post("/api/chat/setmeOrfriendCanSee/2", alice_token,
                          data={"friendlookme": "0", "melookfriend": "1"}) == (200, {"msg": "ok", "data": "ok"})
    rows = {(r["user_id"], r["friend_id"]): r for r in (await egg.state())["goodfriend"]}
    assert {k: rows[(1, 2)][k] for k in ("friendlookme", "melookfriend", "ismystarfriend", "isblack")} == {
        "friendlookme": 0, "melookfriend": 1, "ismystarfriend": 1, "isblack": 0}
    assert {k: rows[(2, 1)][k] for k in ("friendlookme", "melookfriend", "ismystarfriend", "isblack")} == {
        "friendlookme": 1, "melookfriend": 1, "ismystarfriend": 0, "isblack": 0}

    # 三: logout, and the token is dead everywhere, a second logout included
    assert await egg.post("/api/chat/logout", alice_token) == (200, {"msg": "ok", "data": True})
    assert await egg.get("/api/chat/goodfriendlist/1", alice_token) == DEAD
    assert await egg.post("/api/chat/logout", alice_token) == DEAD
    assert (await egg.get("/api/chat/goodfriendlist/1", bob_token))[0] == 200
