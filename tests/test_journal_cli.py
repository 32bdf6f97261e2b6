"""``chatsim journal``: one readable line per request from a running server, filtered by tenant and
vendor, and ``--follow`` printing a request as it happens (the admin API's long poll)."""

import re
import selectors
import subprocess
import time

from chatsim.toolkit.http import request
from tests.served import chatsim_argv, clean_env, served

TOKEN, APP_ID = "6c3a2b5f8e9d4c1a9b7e0f2d3c4b5a69", "wx_wR_U4zPj2M_OTS3BCyoE4"
LINE = re.compile(r"^(?P<wall>\S+)  (?P<virtual>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)  (?P<tenant>\S+)  (?P<vendor>\S+)  "
                  r"(?P<operation>\S+)  (?P<status>\d{3})  code=(?P<code>\S+)  (?P<ms>\d+\.\d)ms"
                  r"(?:  violations: (?P<violations>.+))?$")


def journal(url: str, *args: str) -> list[dict[str, str]]:
    out = subprocess.run(chatsim_argv("journal", "--url", url, *args), capture_output=True, text=True, timeout=60,
                         env=clean_env())
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    parsed = [LINE.match(text) for text in lines]
    assert all(parsed), lines
    return [match.groupdict() for match in parsed if match]


def bad_gewe_call(url: str, tenant: str = "default") -> None:
    request("POST", f"{url}/_t/{tenant}/gewe/v2/api/contacts/setFriendPermissions", headers={"X-GEWE-TOKEN": TOKEN},
            json_body={"onlyChat": "yes"})


def test_journal_prints_one_line_per_request_with_filters(tmp_path):
    with served(chatsim_argv("serve", "--port", "0", "--quiet"), tmp_path) as server:
        bad_gewe_call(server.url)
        request("GET", server.url + "/_t/ci-7/gettoken", params={"appkey": "dingdemoappkey",
                                                                  "appsecret": "dingdemoappsecret"})
        first, second = journal(server.url)
        assert (first["tenant"], first["vendor"], first["operation"], first["status"], first["code"]) == (
            "default", "gewe", "setFriendPermissions", "200", "500")
        assert first["violations"] == "appId required, wxid required, onlyChat type"
        assert (second["tenant"], second["vendor"], second["operation"], second["code"]) == (
            "ci-7", "dingtalk", "gettoken", "0")
        assert second["violations"] is None
        assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d{3}", first["wall"]), "the server says when it journaled it"
        assert [r["tenant"] for r in journal(server.url, "--tenant", "ci-7")] == ["ci-7"]
        assert [r["vendor"] for r in journal(server.url, "--vendor", "gewe")] == ["gewe"]
        assert len(journal(server.url, "--limit", "1")) == 1


def test_journal_follow_prints_a_request_as_it_happens(tmp_path):
    with served(chatsim_argv("serve", "--port", "0", "--quiet"), tmp_path) as server:
        follower = subprocess.Popen(chatsim_argv("journal", "--url", server.url, "--follow", "--limit", "0",
                                                 "--tenant", "live"),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env())
        try:
            bad_gewe_call(server.url, "elsewhere")
            deadline = time.monotonic() + 20
            received: list[str] = []
            with selectors.DefaultSelector() as selector:
                selector.register(follower.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]
                while not received and time.monotonic() < deadline:
                    bad_gewe_call(server.url, "live")  # the follower may still be starting: until it sees one
                    if selector.select(timeout=1.0):
                        received.append(follower.stdout.readline())  # type: ignore[union-attr]
            assert received, "no line within 20 s"
            match = LINE.match(received[0].rstrip("\n"))
            assert match and match["tenant"] == "live" and re.fullmatch(r"\d\d:\d\d:\d\d\.\d{3}", match["wall"])
        finally:
            follower.terminate()
            follower.wait(10)
