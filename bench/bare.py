"""The yardstick: a bare aiohttp app that reads the body and returns the same bytes chatsim does."""

import argparse
import asyncio

from aiohttp import web

BODY = '{"ret":200,"msg":"设置好友权限成功"}'.encode()
HEADERS = {"Content-Type": "application/json;charset=UTF-8"}


async def handle(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(body=BODY, headers=HEADERS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    app = web.Application()
    app.router.add_post("/gewe/v2/api/contacts/setFriendPermissions", handle)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
