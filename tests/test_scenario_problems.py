"""Every cross-reference problem of a scenario is reported at once, each with its YAML path, across
rows and across vendors, and nothing of the bad scenario is kept."""

import json

BAD = """chatsim: 1
gewe:
  people: [{wxid: wxid_a, nickname: A}]
  tokens:
    - token: 'ffffffffffffffffffffffffffffffff'
      devices: [{appId: wx_one, wxid: wxid_nobody}, {appId: wx_two, online: true}]
dingtalk:
  orgs:
    - corpId: corp1
      users: [{userid: u1}]
      chats: [{name: g, owner: u9, useridlist: [u1]}]
eggjs_im:
  users: [{username: a1, password: '123456'}, {username: a1, password: '123456'}]
  goodfriend: [{user: a1, friend: ghost}, {user: ghost2, friend: a1}]
"""


async def test_a_scenario_load_lists_every_cross_reference_problem(sim):
    before = (await (await sim.get("/_chatsim/tenants/default/state")).json())["vendors"]
    resp = await sim.put("/_chatsim/tenants/default/scenario", data=BAD.encode(),
                         headers={"Content-Type": "application/yaml"})
    assert resp.status == 400
    text = json.dumps(await resp.json(), ensure_ascii=False)
    for where in ("gewe.tokens[ffffffffffffffffffffffffffffffff].devices[wx_one].wxid",
                  "gewe.tokens[ffffffffffffffffffffffffffffffff].devices[wx_two]",
                  "dingtalk.orgs[0].chats[0]", "eggjs_im.users[1].username",
                  "eggjs_im.goodfriend[0].friend", "eggjs_im.goodfriend[1].user"):
        assert where in text, where
    assert (await (await sim.get("/_chatsim/tenants/default/state")).json())["vendors"] == before


def test_check_scenario_lists_them_too(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "chatsim", "check-scenario", str(path)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() + done.stdout.splitlines() if "bad.yaml" in line]
    assert len(lines) >= 6, done.stderr + done.stdout
