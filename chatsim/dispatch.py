"""A speed trick: chatsim's routes found with one dict lookup, without aiohttp's router.

aiohttp's Application finds every request's route through its router (a coroutine per candidate
resource, a match-info object frozen with the app stack) before it calls the handler: 14,000
instructions a request under callgrind, 5% of chatsim's cheapest operation. chatsim registers
only two kinds of route, its exact paths and one catch-all that leaves the rest to the chain's
router, and its handlers take the request as it comes. So the server this runner makes looks
``(method, path)`` up in the table ``build_app`` made of the exact routes and calls that handler or
the catch-all itself. A request that expects ``100 Continue`` still goes through aiohttp's own
handling, which answers the interim response.

aiohttp's router holds only the catch-all, so an app run by aiohttp's own runner (its test server)
sends every request there, and the chain's router finds the same operations (registering ~620
exact routes with aiohttp cost 4 ms of every start); ``tests/test_dispatch.py`` holds the two ways
to the same answers.
"""

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import hdrs, web

from chatsim.dataclass import dataclass
from chatsim.malformed import SERVER_LOG

Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Routes:
    """Every route ``build_app`` registers: the exact ones by (method, path), and the catch-all."""

    exact: Mapping[tuple[str, str], Handler]
    other: Handler


ROUTES = web.AppKey("routes", Routes)


def in_front(routes: Routes, aiohttp_handling: Handler) -> Handler:
    """The handler aiohttp's server calls: the route's handler, found in the table."""
    find, other = routes.exact.get, routes.other

    async def dispatch(request: web.BaseRequest) -> web.StreamResponse:
        if hdrs.EXPECT in request.headers:
            return await aiohttp_handling(request)
        return await find((request.method, request.path), other)(request)

    return dispatch


class Runner(web.AppRunner):
    """aiohttp's AppRunner (startup, cleanup, sites as usual) whose server finds the routes itself
    and logs malformed HTTP in one line (``chatsim.malformed``)."""

    def __init__(self, app: web.Application, **kwargs: Any) -> None:
        super().__init__(app, logger=SERVER_LOG, **kwargs)

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        routes = self.app.get(ROUTES)
        if routes is not None:
            server.request_handler = in_front(routes, server.request_handler)
        return server
