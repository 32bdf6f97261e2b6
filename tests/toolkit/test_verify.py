"""``chatsim verify``: shipped flows pass against chatsim, a wrong server fails readably."""

import asyncio
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from aiohttp import web

from chatsim.cli import main
from chatsim.verify import StepResult, verify
from chatsim.verify.report import Progress

FLOWS = sorted((Path(__file__).resolve().parents[2] / "flows").glob("*.yaml"))
DINGTALK_FLOW = next(path for path in FLOWS if "dingtalk" in path.name)


@pytest.mark.parametrize("flow", FLOWS, ids=lambda path: path.stem)
def test_every_shipped_flow_passes_against_chatsim(chatsim, flow, capsys):
    status = main(["verify", "--base-url", chatsim.base_url, str(flow)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert " 0 failed, 0 skipped" in out
    assert chatsim.drift() == []


def wrong_dingtalk() -> web.Application:
    """Answers like DingTalk at a glance, but with a numeric token and no success flag."""
    async def gettoken(request: web.Request) -> web.Response:
        return web.json_response({"errcode": 0, "errmsg": "ok", "access_token": 12345, "expires_in": 7200})

    async def anything(request: web.Request) -> web.Response:
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    app = web.Application()
    app.router.add_get("/gettoken", gettoken)
    app.router.add_route("*", "/{tail:.*}", anything)
    return app


async def test_a_wrong_server_fails_with_the_first_difference(aiohttp_server, tmp_path, capsys):
    server = await aiohttp_server(wrong_dingtalk())
    report = tmp_path / "junit.xml"
    status = await asyncio.to_thread(verify, str(server.make_url("")), [DINGTALK_FLOW], "dingtalk", [], report)
    out = capsys.readouterr().out
    assert status == 1
    token_row = next(line for line in out.splitlines() if " token " in line)
    assert "FAIL" in token_row
    assert "body.access_token: expected a value of type string, got 12345  (+1 more)" in token_row
    assert "skip" in next(line for line in out.splitlines() if " prohibit " in line)
    assert "0 passed, 1 failed, 8 skipped" in out
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("9", "1", "8")
    failure = suite.find("testcase/failure")
    assert failure is not None and "spec: " in (failure.text or "")


async def test_a_spec_violation_alone_fails_the_step(aiohttp_server, tmp_path, capsys):
    server = await aiohttp_server(wrong_dingtalk())
    flow = tmp_path / "flow.yaml"
    flow.write_text("flow: spec only\nvendor: dingtalk\nsteps:\n"
                    "  - name: token\n    request: {method: GET, path: /gettoken}\n    expect: {code: 0}\n")
    status = await asyncio.to_thread(verify, str(server.make_url("")), [flow])
    out = capsys.readouterr().out
    assert status == 1
    assert "spec: " in out and "access_token" in out


@pytest.mark.parametrize(("text", "problem"), [
    ("flow: x\nvendor: dingtalk\nsteps:\n  - name: a\n    request: {method: GET, path: /gettoken}\n"
     "    expect: {status: '200'}\n", "steps[0].expect.status: '200' is not of type 'integer'"),
    ("flow: x\nvendor: dingtalk\nsteps:\n  - name: a\n    request: {method: GET, path: /x, query: {t: '${b.token}'}}\n",
     "steps[0].request.query.t: ${b.token}: no earlier step named 'b' (earlier steps: none yet)"),
    ("flow: x\nvendor: dingtalk\nsteps:\n  - name: a\n    request: {method: GET, path: /x}\n"
     "    expect: {body: {x: {type: strin}}}\n", "steps[0].expect.body.x"),
    ("flow: x\nvendor: dingtalk\nsteps:\n  - name: a\n    request: {method: GET, path: '/x/${vars.p}'}\n",
     "steps[0].request.path: ${vars.p}: no variable 'p' in vars"),
    ("flow: x\nsteps: [\n", "line 3, column 1: not valid YAML"),
    ("flow: x\nsteps:\n  - name: a\n    request: {method: GET, path: /x}\n",
     "vendor: name the vendor in the flow or with --vendor"),
])
def test_invalid_flows_name_file_path_and_problem(tmp_path, capsys, text, problem):
    flow = tmp_path / "bad.yaml"
    flow.write_text(text, encoding="utf-8")
    assert verify("http://127.0.0.1:9", [flow]) == 2
    assert f"{flow}: {problem}" in capsys.readouterr().err


def test_references_vars_and_env(chatsim, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DEMO_SECRET", "dingdemoappsecret")
    flow = tmp_path / "refs.yaml"
    flow.write_text("""
flow: refs
vendor: dingtalk
vars: {appkey: wrong}
steps:
  - name: token
    request: {method: GET, path: /gettoken, query: {appkey: '${vars.appkey}', appsecret: '${env.DEMO_SECRET}'}}
    expect: {code: 0}
  - name: chat
    request: {method: GET, path: /chat/get, query: {access_token: '${token.access_token}', chatid: chatdafe234sdf3sdf}}
    expect:
      code: 0
      body:
        chat_info.useridlist: {contains: user123, length: 3}
        chat_info.name: {one_of: [全员群]}
  - name: echo
    request: {method: GET, path: /chat/get, query: {access_token: '${token.access_token}',
              chatid: '${chat.chat_info.chatid}', note: 'status $${kept} ${chat.status}'}}
    expect: {code: 0, body: {chat_info.owner: '${chat.chat_info.useridlist.0}'}}
""", encoding="utf-8")
    assert verify(chatsim.base_url, [flow], variables=["appkey=dingdemoappkey"]) == 0, capsys.readouterr().out
    echo = chatsim.journal.records("chatGet")[-1]
    assert echo["request"]["params"]["note"] == "status ${kept} 200"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_only():
    shown, logged = Terminal(), io.StringIO()
    for stream in (shown, logged):
        progress = Progress(4, stream, width=8)
        progress.step(StepResult("flow", "first", "", "passed"))
        progress.step(StepResult("flow", "second", "", "passed"))
        progress.close()
    assert "\rverify [####----] 2/4 flow > second" in shown.getvalue()
    assert logged.getvalue() == ""
