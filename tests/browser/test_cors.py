"""A frontend on its own dev server (another loopback port, so another origin) logs in to the egg.js
backend and reads the friend list, as a Vue or uni-app H5 app would: the browser sends the CORS
preflight for the ``token`` header and lets the page read the answers only if chatsim answers as
egg-cors does."""

from collections.abc import Iterator

import pytest

from chatsim.toolkit.http import request
from chatsim.toolkit.server import ThreadedChatsim

# The page a frontend would be: a form login, then the friend list with the token header (which
# makes the browser ask first: a preflight), each result written into the page.
APP_PAGE = """<!doctype html><meta charset="utf-8"><title>frontend</title><pre id="out"></pre>
<script>
async function run(api) {
  const out = document.getElementById("out");
  try {
    const login = await fetch(api + "/api/loginChat", {method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "username=my01&password=123456"});
    const token = (await login.json()).data.token;
    const list = await fetch(api + "/api/chat/goodfriendlist/1", {headers: {token}});
    out.textContent = JSON.stringify({login: login.status, list: list.status, body: await list.json()});
  } catch (error) {
    out.textContent = "blocked: " + error;
  }
}
</script>"""


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedChatsim]:
    with ThreadedChatsim() as running:
        yield running


@pytest.fixture(scope="module")
def strict() -> Iterator[ThreadedChatsim]:
    with ThreadedChatsim(cors_origins=("http://frontend.invalid",)) as running:
        yield running


def run_frontend(page, static_site, api: str) -> str:
    site = static_site({"index.html": APP_PAGE})
    page.goto(site + "/index.html")
    page.evaluate("(api) => run(api)", api)
    out = page.locator("#out")
    out.filter(has_text="{").or_(out.filter(has_text="blocked")).wait_for()
    return str(out.text_content())


def test_a_frontend_on_another_port_logs_in_and_reads_the_friend_list(page, server, static_site):
    text = run_frontend(page, static_site, server.url)
    assert '"login":200' in text and '"list":200' in text, text
    assert "好友小明" in text, text
    records = request("GET", server.url + "/_chatsim/journal", params={"vendor": "eggjs_im"}).json()["records"]
    assert any(r["request"]["method"] == "OPTIONS" and r["response"]["status"] == 204 for r in records), \
        "the browser asked first, and chatsim answered before the token check"


def test_an_origin_the_backend_does_not_allow_is_blocked_by_the_browser(page, strict, static_site):
    text = run_frontend(page, static_site, strict.url)
    assert text.startswith("blocked"), text
