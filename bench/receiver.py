"""A fast local callback receiver: answers 200 to every POST and counts what it got.

Used by ``make bench`` as the target of GeWe's setCallback probes and for the callbacks/s figure.
``GET /count`` answers how many POSTs arrived and when the last one did (``time.monotonic``, which
is one clock for every process of the machine), so the harness times deliveries from outside;
``GET /bodies`` answers every body received, in arrival order, one a line (compact JSON has no raw
newline); ``POST /_hold`` makes callbacks wait unanswered until ``POST /_release``, so the harness
can queue thousands in chatsim before timing how fast they are delivered.
"""

import argparse
import asyncio
import time

from aiohttp import web

STATE = web.AppKey("state", dict)


async def receive(request: web.Request) -> web.Response:
    body = await request.read()
    state = request.app[STATE]
    await state["open"].wait()
    state["bodies"].append(body)
    state["last"] = time.monotonic()
    return web.Response(body=b'{"ok":true}', content_type="application/json")


async def count(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return web.json_response({"count": len(state["bodies"]), "last": state["last"]})


async def bodies(request: web.Request) -> web.Response:
    return web.Response(body=b"\n".join(request.app[STATE]["bodies"]))


async def hold(request: web.Request) -> web.Response:
    request.app[STATE]["open"].clear()
    return web.json_response({"held": True})


async def release(request: web.Request) -> web.Response:
    request.app[STATE]["open"].set()
    return web.json_response({"held": False})


async def forget(request: web.Request) -> web.Response:
    request.app[STATE]["bodies"].clear()
    return web.json_response({"count": 0})


async def _state(app: web.Application):  # type: ignore[no-untyped-def]
    app[STATE] = {"bodies": [], "last": 0.0, "open": asyncio.Event()}
    app[STATE]["open"].set()
    yield


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app.cleanup_ctx.append(_state)
    app.router.add_get("/count", count)
    app.router.add_get("/bodies", bodies)
    app.router.add_post("/_hold", hold)
    app.router.add_post("/_release", release)
    app.router.add_post("/_forget", forget)
    app.router.add_post("/{tail:.*}", receive)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
