"""``chatsim verify``'s messages steps: expectations on chatsim's conversation log, read in the
tenant the flow runs in, readable when they fail, skipped against a server that keeps no log."""

import asyncio
from pathlib import Path

from aiohttp import web

from chatsim.verify import verify

FLOW = Path(__file__).resolve().parents[2] / "flows" / "005_gewe_messages.yaml"
HEAD = """flow: log
vendor: gewe
headers: {X-GEWE-TOKEN: 6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69}
steps:
  - name: sent
    request:
      method: POST
      path: /gewe/v2/api/message/postText
      json: {appId: wx_wR_U4zPj2M_OTS3BCyoE4, toWxid: wxid_phyyedw9xap22, content: 早}
    expect: {code: 200}
"""


def flow_file(tmp_path: Path, steps: str) -> Path:
    path = tmp_path / "log.yaml"
    path.write_text(HEAD + steps, encoding="utf-8")
    return path


def test_the_shipped_flow_passes_in_a_fresh_tenant(chatsim, capsys):
    """--fresh sends X-Chatsim-Tenant: the messages steps read that tenant's log, not the default's."""
    assert verify(chatsim.base_url, [FLOW], fresh=True) == 0, capsys.readouterr().out
    assert "4 passed, 0 failed, 0 skipped" in capsys.readouterr().out


def test_count_latest_and_references(chatsim, tmp_path, capsys):
    flow = flow_file(tmp_path, """
  - name: logged
    messages:
      peer: wxid_phyyedw9xap22
      kind: text
      since: 0
      count: {ge: 1}
      latest: {content: 早, msgType: 1, newMsgId: '${sent.data.newMsgId}', from: wxid_0xsqb3o0tsvz22}
  - name: by_reference
    messages: {appId: wx_wR_U4zPj2M_OTS3BCyoE4, latest: {msgId: '${logged.messages.-1.msgId}'}}
""")
    assert verify(chatsim.base_url, [flow], fresh=True) == 0, capsys.readouterr().out


def test_a_failed_expectation_says_what_the_log_holds(chatsim, tmp_path, capsys):
    flow = flow_file(tmp_path, """
  - name: wrong_text
    messages: {peer: wxid_phyyedw9xap22, latest: {content: 晚}}
  - name: nobody
    messages: {peer: wxid_nobody}
""")
    assert verify(chatsim.base_url, [flow], fresh=True) == 1
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if " wrong_text " in line)
    assert "FAIL" in row and "latest.content" in row and "早" in row
    assert "skip" in next(line for line in out.splitlines() if " nobody " in line)


def test_no_message_fails_the_count(chatsim, tmp_path, capsys):
    flow = flow_file(tmp_path, "  - name: nobody\n    messages: {peer: wxid_nobody, kind: text}\n")
    assert verify(chatsim.base_url, [flow], fresh=True) == 1
    row = next(line for line in capsys.readouterr().out.splitlines() if " nobody " in line)
    assert "FAIL" in row and "count" in row and "got 0" in row


async def test_a_server_without_a_log_skips_the_step(aiohttp_server, tmp_path, capsys):
    async def anything(request: web.Request) -> web.Response:
        return web.json_response({"ret": 200, "msg": "操作成功", "data": {"toWxid": "x", "createTime": 1,
                                  "msgId": 1, "newMsgId": 2, "type": 1}})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", anything)
    server = await aiohttp_server(app)
    flow = flow_file(tmp_path, "  - name: logged\n    messages: {peer: wxid_phyyedw9xap22}\n")
    assert await asyncio.to_thread(verify, str(server.make_url("")), [flow]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if " logged " in line)
    assert "skip" in row and "not a chatsim" in row


def test_a_step_is_a_request_or_a_messages_expectation(tmp_path, capsys):
    flow = flow_file(tmp_path, "  - name: both\n    request: {method: GET, path: /x}\n    messages: {peer: a}\n")
    assert verify("http://127.0.0.1:9", [flow]) == 2
    assert f"{flow}: steps[1]" in capsys.readouterr().err
