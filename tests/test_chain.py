"""The chain as data, and the seams the speed work left, each pinned by a test.

- The steps are one ordered tuple per phase, and ``chatsim chain`` prints them from the code.
- Each app binds its own operations: nothing one app chooses leaks into the process-wide cache.
- ``bodybuffer.buffered_body`` gives exactly what ``request.read()`` gives, and notices when the
  aiohttp internals it reads are gone.
"""

import subprocess
import sys

from aiohttp import web

from chatsim import chain
from chatsim.app import HOST, Settings, build_app
from chatsim.bodybuffer import buffered_body
from chatsim.contract import Vendor
from chatsim.spec.load import extract_operations
from chatsim.spec.operations import no_fast_path
from chatsim.vendors.registry import discover


def test_the_steps_are_listed_in_order_and_printed_from_the_code():
    names = [step.__name__ for step in chain.REQUEST_STEPS]
    assert names == ["route", "loop_guard", "tenant", "limits", "preflight", "settle", "authenticate",
                     "validate", "faults", "handle"]
    assert [step.__name__ for step in chain.RESPONSE_STEPS] == ["check_response", "journal"]
    out = subprocess.run([sys.executable, "-m", "chatsim", "chain"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    printed = [line.split()[1] for line in out.stdout.splitlines() if line.startswith("  ")]
    assert printed == [*names, "check_response", "journal"]


def test_every_app_binds_its_own_operations_and_leaves_the_cached_ones_alone():
    gewe = discover()["gewe"]
    cached = extract_operations("gewe", gewe.spec)
    assert all(op.fast_path is no_fast_path and op.sources == frozenset() for op in cached)
    first, second = build_app(Settings(quiet=True)), build_app(Settings(quiet=True))
    bound = first[HOST].operations["gewe"]
    assert bound is not second[HOST].operations["gewe"]
    assert all(op.fast_path is not no_fast_path and op.world == "gewe" for op in bound)
    assert all(op.fast_path is no_fast_path for op in extract_operations("gewe", gewe.spec))
    # A vendor with another policy binds the same spec its own way, without touching the others.
    strict = Vendor(**{**{f: getattr(gewe, f) for f in gewe.__dataclass_fields__}, "policy": chain.Policy(True)})
    rebound = chain.bind_all({"gewe": strict})["gewe"]
    assert [op.fast_path for op in rebound] != [op.fast_path for op in bound]
    assert [op.fast_path for op in first[HOST].operations["gewe"]] == [op.fast_path for op in bound]


async def test_the_buffered_body_is_what_read_gives(aiohttp_client):
    seen: dict[str, list[bytes | None]] = {"quick": [], "read": []}

    async def quick(request: web.Request) -> web.Response:
        seen["quick"].append(buffered_body(request))
        return web.Response(text="ok")

    async def read(request: web.Request) -> web.Response:
        seen["read"].append(await request.read())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/quick", quick)
    app.router.add_post("/read", read)
    client = await aiohttp_client(app)

    async def trickle():
        yield b'{"a":'
        yield b"1}"

    small = b'{"appId":"wx_1","wxid":"wxid_a","onlyChat":true}'
    for path in ("/quick", "/read"):
        await client.post(path, data=small)
        await client.post(path, data=b"")
        await client.post(path, data=trickle())
    assert seen["read"] == [small, b"", b'{"a":1}']
    assert seen["quick"][:2] == [small, b""]  # whole with the headers: taken from the buffer
    assert seen["quick"][2] in (None, b'{"a":1}')  # still arriving: None, left to request.read()


def test_the_aiohttp_internals_it_reads_still_exist():
    """If aiohttp renames these, buffered_body would break silently on every request: fail here first."""
    from aiohttp.streams import StreamReader

    for name in ("is_eof", "total_bytes", "read_nowait"):
        assert hasattr(StreamReader, name), f"aiohttp.StreamReader.{name} is gone; see chatsim/bodybuffer.py"
    assert hasattr(web.Request, "client_max_size")


def test_each_vendor_walks_the_steps_that_can_apply_to_it():
    host = build_app(Settings(quiet=True))[HOST]
    names = {vendor: [step.__name__ for step in steps] for vendor, steps in
             ((vendor.name, host.steps[vendor]) for vendor in host.vendors.values())}
    every = [step.__name__ for step in chain.REQUEST_STEPS[1:]]
    assert names["gewe"] == [n for n in every if n != "preflight"]  # no CORS policy; GeWe settles
    assert names["dingtalk"] == [n for n in every if n not in ("preflight", "settle")]
    assert names["eggjs_im"] == [n for n in every if n != "settle"]  # egg-cors answers preflights
    assert names["chatsim"] == [n for n in every if n not in ("preflight", "faults")]  # world actions settle
