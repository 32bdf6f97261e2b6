"""The yardstick: a bare aiohttp app that reads the body and returns the bytes chatsim answered.

``--answers FILE`` (written by bench/run.py from chatsim's own first answer to every case) gives
each benchmarked request its status, headers and body; without it the app serves GeWe's
setFriendPermissions success, the one request the benchmark was first tuned on. Requests on the
same method and path (an operation's success and its failures) are told apart by the tenant header
every case sends: one multidict lookup, which chatsim does too.
"""

import argparse
import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web
from multidict import CIMultiDict, istr

BODY = '{"ret":200,"msg":"设置好友权限成功"}'.encode()
HEADERS = {"Content-Type": "application/json;charset=UTF-8"}
TENANT = istr("X-Chatsim-Tenant")
Answer = tuple[bytes, int, CIMultiDict[str]]


def handler(answers: dict[str, Answer]) -> Callable[[web.Request], Awaitable[web.Response]]:
    only = next(iter(answers.values())) if len(answers) == 1 else None

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        body, status, headers = only or answers[request.headers.get(TENANT, "")]
        return web.Response(body=body, status=status, headers=headers)

    return handle


def routes(path: Path | None) -> dict[tuple[str, str], dict[str, Answer]]:
    if path is None:
        return {("POST", "/gewe/v2/api/contacts/setFriendPermissions"): {"": (BODY, 200, CIMultiDict(HEADERS))}}
    table: dict[tuple[str, str], dict[str, Answer]] = {}
    for item in json.loads(path.read_text(encoding="utf-8")):
        answer = (base64.b64decode(item["body"]), item["status"], CIMultiDict(item["headers"]))
        table.setdefault((item["method"], item["path"]), {})[item["tenant"]] = answer
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--answers", type=Path)
    args = parser.parse_args()
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    app = web.Application(client_max_size=4 * 1024**2)
    for (method, path), answers in routes(args.answers).items():
        app.router.add_route(method, path, handler(answers))
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
