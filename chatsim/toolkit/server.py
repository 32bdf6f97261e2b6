"""chatsim in a background thread with its own event loop, moto ``ThreadedMotoServer`` style.

A thread (not a subprocess) starts in well under a second and lets synchronous SDKs and async test
code alike talk to it over a real loopback socket; its own loop means a test's loop can block (a
requests-based SDK, ``callbacks.wait``) without stalling the server.
"""

import asyncio
import socket
import threading
import time
from pathlib import Path
from typing import Any

from chatsim.toolkit.http import ChatsimError, request


class ThreadedChatsim:
    """``with ThreadedChatsim() as server: requests.get(server.url + "/_chatsim/health")``"""

    def __init__(self, scenarios: list[Path] | None = None, seed: int = 0, check_responses: bool = True,
                 host: str = "127.0.0.1", port: int = 0, admin_token: str | None = None,
                 **settings: Any) -> None:
        """``settings``: any other ``chatsim.app.Settings`` field (``cors_origins=...``)."""
        self.settings = settings
        self.scenarios = scenarios
        self.admin_token = admin_token
        self.seed = seed
        self.check_responses = check_responses
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "ThreadedChatsim":
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, args=(sock,), name="chatsim", daemon=True)
        self._thread.start()
        self._ready.wait(60)
        if self._error is not None:
            raise ChatsimError(f"chatsim did not start: {self._error}") from self._error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = self._thread = None

    def __enter__(self) -> "ThreadedChatsim":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self, sock: socket.socket) -> None:
        from aiohttp import web

        from chatsim.app import Settings, build_app
        from chatsim.dispatch import Runner
        from chatsim.paths import DEMO_SCENARIO

        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            app = build_app(Settings(host=self.host, port=self.port, scenarios=self.scenarios or [DEMO_SCENARIO],
                                     seed=self.seed, quiet=True, check_responses=self.check_responses,
                                     admin_token=self.admin_token, **self.settings))
            # A long poll still parked at stop (a closed browser tab's) is cut after a second
            # instead of holding the stop for the whole of its wait.
            runner = Runner(app, access_log=None, shutdown_timeout=1.0)
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.SockSite(runner, sock).start())
        except BaseException as exc:  # reported to the starting thread, which raises it
            self._error = exc
            sock.close()
            self._ready.set()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(runner.cleanup())
            left = asyncio.all_tasks(loop)  # handlers the shutdown cancelled, finished before the loop closes
            for task in left:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            loop.close()


def wait_healthy(url: str, timeout: float = 10.0) -> Any:
    """Block until ``/_chatsim/health`` answers (an external server may still be starting)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            resp = request("GET", url.rstrip("/") + "/_chatsim/health", timeout=2)
            if resp.status == 200:
                return resp.json()
            problem = f"HTTP {resp.status}"
        except ChatsimError as exc:
            problem = str(exc)
        if time.monotonic() > deadline:
            raise ChatsimError(f"no chatsim at {url} ({problem}); start one with `chatsim serve`")
        time.sleep(0.1)
