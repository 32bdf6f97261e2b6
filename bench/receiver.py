"""A fast local callback receiver: answers 200 to every POST and counts what it got.

Used by ``make bench`` as the target of GeWe's setCallback probes and for the callbacks/s figure;
``GET /count`` answers how many POSTs arrived, so the harness can time deliveries from outside.
"""

import argparse

from aiohttp import web

COUNT = web.AppKey("count", list)


async def receive(request: web.Request) -> web.Response:
    await request.read()
    request.app[COUNT][0] += 1
    return web.Response(body=b'{"ok":true}', content_type="application/json")


async def count(request: web.Request) -> web.Response:
    return web.json_response({"count": request.app[COUNT][0]})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app[COUNT] = [0]
    app.router.add_get("/count", count)
    app.router.add_post("/{tail:.*}", receive)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
