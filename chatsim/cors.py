"""Browser calls from other origins, as the vendor's own server answers them (CORS).

Only a vendor whose real server takes browser calls has a policy: the egg.js course backend, for
the Vue and uni-app H5 frontends built against it, runs egg-cors (koa's @koa/cors underneath).
What that does, and what this reproduces: a request without ``Origin`` gets no CORS headers; an
allowed origin gets ``Access-Control-Allow-Origin`` (``*`` when every origin is allowed, else the
origin itself, with ``Vary: Origin``); a preflight (``OPTIONS`` with
``Access-Control-Request-Method``) from an allowed origin is answered 204 at once, before any
other middleware (so before the token check), allowing the methods egg-cors allows by default
and echoing the headers the browser asked for; from any other origin it goes on down the
middleware chain as an ordinary request (the token check then answers it). GeWe and DingTalk
are server-to-server APIs whose gateways send no CORS headers: they have no policy.
"""

from collections.abc import Mapping

from chatsim.dataclass import dataclass

# Looked up in the request's case-insensitive headers.
ORIGIN = "Origin"
REQUEST_METHOD = "Access-Control-Request-Method"
REQUEST_HEADERS = "Access-Control-Request-Headers"


@dataclass(frozen=True, slots=True)
class CorsPolicy:
    """Which browser origins may call a vendor, answered as the real backend's CORS middleware answers."""

    origins: tuple[str, ...]  # allowed origins, exactly as browsers send them; "*": any
    allow_methods: str = "GET,HEAD,PUT,POST,DELETE,PATCH"  # @koa/cors's default

    def allowed(self, origin: str) -> str | None:
        """The ``Access-Control-Allow-Origin`` value for this origin, or None when it is not allowed."""
        if "*" in self.origins:
            return "*"
        return origin if origin in self.origins else None

    def answer(self, headers: Mapping[str, str]) -> dict[str, str] | None:
        """The headers of an actual response to a request with these headers (None: add none)."""
        origin = headers.get(ORIGIN)
        value = self.allowed(origin) if origin else None
        if value is None:
            return None
        return {"Access-Control-Allow-Origin": value, "Vary": "Origin"}

    def preflight(self, headers: Mapping[str, str]) -> dict[str, str] | None:
        """The headers of the 204 a preflight from an allowed origin gets (None: not a preflight
        this policy answers)."""
        if REQUEST_METHOD not in headers:
            return None
        answer = self.answer(headers)
        if answer is None:
            return None
        answer["Access-Control-Allow-Methods"] = self.allow_methods
        requested = headers.get(REQUEST_HEADERS)
        if requested:
            answer["Access-Control-Allow-Headers"] = requested
        return answer
