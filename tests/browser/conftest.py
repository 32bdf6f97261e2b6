"""Headless Chromium for the suite's browser tests: Playwright for Python driving Debian's
chromium (``make test`` installs it with apt; Playwright's own browser download cannot work here).

Fixtures, for any browser test (the dashboard's, the CORS ones):
- ``browser``: a Chromium per test, started with the flags this machine's closed network needs;
  Playwright gives each launch a new empty profile directory. Per test, not per session: while
  Playwright's sync API is open it leaves its event loop marked running in the main thread, and
  the suite's async tests (pytest-asyncio, interleaved with these by xdist) could not start theirs.
- ``page``: a fresh context and page per test (no cookies or storage carried over); an uncaught
  JavaScript error on the page fails the test.
- ``shoot(page, name)``: a full-page PNG in the artefacts directory, ``CHATSIM_ARTEFACTS`` or a
  temporary one, printed at the end of the run.
- ``static_site(files)``: serves ``{name: text}`` on another loopback port (another origin), for
  pages that call chatsim from outside; stopped after the test.

Without chromium (a machine where apt cannot install it) the tests skip and say so; under CI
(``CI`` set) they fail instead, since ``.ci/run`` must have installed it.
"""

import os
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("CHATSIM_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# machine's network refuses; QUIC, sync and component updates are more of the same.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="session")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("CHATSIM_ARTEFACTS")
    folder = Path(chosen).resolve() if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM}: `apt-get install chromium` (make test does it where it can)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture
def shoot(artefacts: Path) -> Callable[[Any, str], Path]:
    def take(target: Any, name: str) -> Path:
        path = artefacts / f"{name}.png"
        target.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    return take


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def static_site(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], str]]:
    servers: list[ThreadingHTTPServer] = []

    def serve(files: dict[str, str]) -> str:
        root = tmp_path / f"site{len(servers)}"
        root.mkdir()
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8")
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()
