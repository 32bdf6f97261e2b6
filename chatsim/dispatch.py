"""A speed trick: chatsim's routes found with one dict lookup, without aiohttp's router.

aiohttp's Application finds every request's route through its router (a coroutine per candidate
resource, a match-info object frozen with the app stack) before it calls the handler: 14,000
instructions a request under callgrind, 5% of chatsim's cheapest operation. chatsim registers
only two kinds of route, its exact paths and one catch-all that leaves the rest to the chain's
router, and its handlers take the request as it comes. So the server this runner makes looks
``(method, path)`` up in the table ``build_app`` made of the exact routes and calls that handler or
the catch-all itself; a templated path whose parameter is its last segment is found the same way by
the path before it. A request that expects ``100 Continue`` still goes through aiohttp's own
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
ChildHandler = Callable[[web.BaseRequest, dict[str, str]], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Routes:
    """Every route ``build_app`` registers: the exact ones by (method, path), the templated ones whose
    parameter is the last segment by (method, the path before it) with that parameter's name
    (``Router.children``; their handler takes the path parameters too), and the catch-all."""

    exact: Mapping[tuple[str, str], Handler]
    other: Handler
    children: Mapping[tuple[str, str], tuple[str, ChildHandler]]


ROUTES = web.AppKey("routes", Routes)


def in_front(routes: Routes, aiohttp_handling: Handler) -> Handler:
    """The handler aiohttp's server calls: the route's handler, found in the tables. A templated path
    found there skips the chain's router (the catch-all's tenant split and template match: a sixth
    of an egg.js friend read's own cost); a tenant prefix, a trailing slash or anything else is
    the catch-all's."""
    find, other, children = routes.exact.get, routes.other, routes.children.get

    async def dispatch(request: web.BaseRequest) -> web.StreamResponse:
        if hdrs.EXPECT in request.headers:
            return await aiohttp_handling(request)
        method, path = request.method, request.path
        handler = find((method, path))
        if handler is not None:
            return await handler(request)
        parent, _, value = path.rpartition("/")
        child = children((method, parent))
        if child is None or not value:
            return await other(request)
        return await child[1](request, {child[0]: value})

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
