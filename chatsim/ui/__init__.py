"""The dashboard's files: plain HTML, CSS and JavaScript shipped inside the package and served by
the admin API at ``/_chatsim/ui/`` (``admin.yaml``'s dashboardPage and dashboardAsset).

The page is static and holds no secret, so it is served without the admin token (a browser cannot
add a header to a navigation); everything it shows it fetches from the documented admin API, with
the token when one is set. It is read from the package once and kept, and sent with a policy that
lets it load nothing but its own files (no CDN, no inline script, no frames).
"""

from functools import cache
from pathlib import Path

from chatsim.contract import Refused, Reply

PAGE = "index.html"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
STATIC = Path(__file__).resolve().parent / "static"  # package files on disk, as chatsim.paths says
UI_PATH = "/_chatsim/ui/"
BROWSER_ENTRIES = frozenset({"/", "/_chatsim", "/_chatsim/", "/_chatsim/ui"})


@cache
def _shipped() -> dict[str, Reply]:
    """Every file the package ships, as a reply, read on the first look: what is kept is named by
    the package, never by a request (a cache of every name asked for grew with each 404)."""
    return {file.name: Reply(file.read_bytes(), headers={"Content-Type": TYPES[file.suffix], **HEADERS})
            for file in STATIC.iterdir() if file.suffix in TYPES and file.is_file()}


def asset(name: str) -> Reply | None:
    """A shipped file as a reply (None when the package has no such file)."""
    return _shipped().get(name)


def page_reply() -> Reply:
    found = asset(PAGE)
    assert found is not None, "the package ships the dashboard's page"
    return found


def asset_reply(name: str) -> Reply:
    found = asset(name)
    if found is None:
        raise Refused(f"the dashboard has no file {name!r}", 404)
    return found


def browser_redirect(method: str, path: str, accept: str) -> Reply | None:
    """A person opening chatsim's root in a browser lands on the dashboard; API clients (which do
    not ask for HTML) keep the JSON answers they had."""
    if method == "GET" and path in BROWSER_ENTRIES and "text/html" in accept:
        return Reply(b"", 302, {"Location": UI_PATH, "Cache-Control": "no-cache"})
    return None
