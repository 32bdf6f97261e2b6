"""The ``chatsim`` command: serve, check-scenario, coverage, chain, listen, verify, journal, health."""

import argparse
import asyncio
import contextlib
import gc
import ipaddress
import logging
import os
import sys
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import socket

    from aiohttp import web

    from chatsim.scenarios import ScenarioError

from chatsim import __version__
from chatsim.collector import collector_paused
from chatsim.paths import scenario_search_path, use_scenarios_dir


def _serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    with collector_paused():
        ready = _start(args)
    if isinstance(ready, int):
        return ready
    app, sock = ready
    with contextlib.suppress(web.GracefulExit, KeyboardInterrupt):
        asyncio.run(_serve_until_signalled(app, sock))
    return 0


async def _serve_until_signalled(app: "web.Application", sock: "socket.socket") -> None:
    """What ``aiohttp.web.run_app`` does, with chatsim's runner (``chatsim.dispatch``): serve until
    SIGINT or SIGTERM (the runner's handlers raise GracefulExit), then clean up (the state is saved)."""
    from aiohttp import web

    from chatsim.dispatch import Runner

    runner = Runner(app, access_log=None, handle_signals=True)
    await runner.setup()
    try:
        await web.SockSite(runner, sock).start()
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def _start(args: argparse.Namespace) -> "tuple[web.Application, socket.socket] | int":
    """Everything ``serve`` does before it serves: the app and its bound socket, or an exit code."""
    from chatsim.app import HOST, Settings, build_app
    from chatsim.scenarios import ScenarioError
    from chatsim.sockets import BindError, bind
    from chatsim.state import StateError

    admin_token = args.admin_token or os.environ.get("CHATSIM_ADMIN_TOKEN") or None
    if not _loopback(args.host) and not admin_token:
        print(f"chatsim: binding {args.host} (beyond loopback) needs an admin token: --admin-token or "
              "CHATSIM_ADMIN_TOKEN", file=sys.stderr)
        return 2
    use_scenarios_dir(args.scenarios_dir)
    try:
        names = args.scenario or [name for name in os.environ.get("CHATSIM_SCENARIO", "").split(",") if name]
        scenarios = [scenario_file(name) for name in names or ["demo.yaml"]]
        sock = bind(args.host, args.port)
    except (ScenarioError, BindError) as exc:
        print(f"chatsim: {exc}", file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    settings = Settings(host=args.host, port=port, scenarios=scenarios, seed=args.seed, quiet=args.quiet,
                        journal_size=args.journal_size, journal_mib=args.journal_mib, memory_mib=args.memory_mib,
                        max_tenants=args.max_tenants, tenant_idle_seconds=args.tenant_idle_seconds,
                        check_responses=args.check_responses, vendor_modules=tuple(args.vendor_module),
                        allow_callback_hosts=tuple(args.allow_callback_host), admin_token=admin_token,
                        state_dir=args.state_dir, state_interval=args.state_interval,
                        cors_origins=_cors_origins(args.cors_origin))
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    watch = None
    if args.watch:  # made before the scenarios are read, so that it sees them
        from chatsim.watch import ScenarioWatch

        watch = ScenarioWatch()
    try:
        app = build_app(settings)
        host = app[HOST]
        tenant = host.registry.get("default")
    except ScenarioError as exc:
        sock.close()
        print(f"chatsim: {_blamed(exc, scenarios, args.vendor_module)}", file=sys.stderr)
        return 2
    except StateError as exc:
        sock.close()
        print(f"chatsim: {exc}", file=sys.stderr)
        return 2
    if not _loopback(args.host):
        print(f"chatsim: WARNING: listening on {args.host}, beyond loopback: anyone who can reach this port can "
              "call the simulated vendors; the admin API needs the admin token", file=sys.stderr)
    if watch is not None:
        watch.registry = host.registry
        _run_in_background(app, watch.run)
    print(f"chatsim {__version__} listening on http://{args.host}:{port}  (admin: /_chatsim/health)")
    for name, vendor in host.world_vendors.items():
        for line in vendor.credentials(tenant.worlds[name]):
            print(f"  {name}: {line}")
    sys.stdout.flush()  # a supervisor or a test reads the banner from a pipe or a file
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    # Specs, operations and worlds are ~120,000 long-lived objects; freezing them keeps the garbage
    # collector from walking them again and again under load. Not collected first: that walk cost
    # 20-60 ms of every start for ~1 MiB of garbage (fastjsonschema's code generators, mostly).
    gc.freeze()
    return app, sock


def _run_in_background(app: "web.Application", work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """``work()`` as a task for the app's lifetime, cancelled at shutdown."""

    async def lifetime(app: "web.Application") -> AsyncIterator[None]:
        task = asyncio.create_task(work())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(lifetime)


def _blamed(error: "ScenarioError", paths: list[Path], vendor_modules: list[str]) -> "ScenarioError":
    """A world builder's error, which names its vendor, told as the file's that brings it in."""
    from chatsim.scenarios import blame, read_file
    from chatsim.tenants import Tenant
    from chatsim.vendors.registry import discover

    if error.source in map(str, paths):
        return error
    vendors = discover(vendor_modules)
    docs = [read_file(path, vendors) for path in paths]
    return blame(error, [str(path) for path in paths], lambda count: Tenant("check", docs[:count], vendors, 0, None)
                 .close())


def scenario_file(value: str) -> Path:
    """``--scenario``: a file path as given, else a name in the scenarios directory, then the shipped
    ones; a miss names every place it looked (this is the operator's own machine)."""
    from chatsim.scenarios import ScenarioError, resolve_name

    if Path(value).is_file():
        return Path(value)
    try:
        return resolve_name(value)
    except ScenarioError:
        places = ", ".join(str(folder) for folder in scenario_search_path())
        raise ScenarioError(value, "", f"no such file, nor a scenario of that name in {places}") from None


def _cors_origins(given: list[str] | None) -> tuple[str, ...] | None:
    """None keeps each vendor's own policy; 'none' allows no origin at all."""
    if not given:
        return None
    return tuple(origin for origin in given if origin != "none")


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_scenario(args: argparse.Namespace) -> int:
    from chatsim.scenarios import ScenarioError, read_file
    from chatsim.tenants import Tenant
    from chatsim.vendors.registry import discover

    vendors = discover(args.vendor_module)
    status = 0
    for path in args.files:
        try:
            doc = read_file(path, vendors)
            Tenant("check", [doc], vendors, 0, None).close()
        except ScenarioError as exc:
            print(f"invalid: {exc if exc.source == str(path) else exc.named(str(path))}")
            status = 1
        else:
            print(f"ok: {path}")
    return status


def _coverage(args: argparse.Namespace) -> int:
    from chatsim.admin import coverage_rows
    from chatsim.chain import bind_all
    from chatsim.vendors.registry import discover

    vendors = discover(args.vendor_module)
    rows = coverage_rows(bind_all(vendors), vendors)
    width = max(len(row["path"]) for row in rows) if rows else 4
    print(f"{'vendor':<10} {'method':<7} {'path':<{width}} implemented")
    for row in rows:
        print(f"{row['vendor']:<10} {row['method']:<7} {row['path']:<{width}} {'yes' if row['implemented'] else 'no'}")
    done = sum(row["implemented"] for row in rows)
    print(f"{done}/{len(rows)} operations implemented")
    return 0


def _chain(args: argparse.Namespace) -> int:
    from chatsim.chain import describe

    print("\n".join(describe()))
    return 0


def _listen(args: argparse.Namespace) -> int:
    from chatsim.listen import run

    return run(args.host, args.port, args.forward, args.save, not args.no_check)


def _local_url() -> str:
    """The chatsim on this machine (or container): 127.0.0.1 on CHATSIM_PORT, else 7001."""
    return f"http://127.0.0.1:{os.environ.get('CHATSIM_PORT') or 7001}"


def _health(args: argparse.Namespace) -> int:
    from chatsim.toolkit.http import ChatsimError, request

    url = args.url or _local_url()
    try:
        answer = request("GET", url.rstrip("/") + "/_chatsim/health", timeout=args.timeout)
    except ChatsimError as exc:
        print(f"chatsim health: {exc}", file=sys.stderr)
        return 1
    body = answer.json()
    if answer.status != 200 or not isinstance(body, dict) or body.get("status") != "ok":
        print(f"chatsim health: {url} answered {answer.status}", file=sys.stderr)
        return 1
    print(f"ok: chatsim {body.get('version')} at {url}, {len(body.get('tenants', []))} tenants")
    return 0


def _journal(args: argparse.Namespace) -> int:
    from chatsim.toolkit.http import ChatsimError
    from chatsim.toolkit.journal_tail import line, stream

    records = stream(args.url or _local_url(), tenant=args.tenant, vendor=args.vendor, backlog=max(args.limit, 0),
                     follow=args.follow, token=args.admin_token or os.environ.get("CHATSIM_ADMIN_TOKEN"))
    try:
        for record, seen in records:
            print(line(record, seen), flush=True)
    except ChatsimError as exc:
        print(f"chatsim journal: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


def _verify(args: argparse.Namespace) -> int:
    from chatsim.verify import verify

    return verify(args.base_url, args.flows, args.vendor, args.var, args.junit, args.timeout, fresh=args.fresh)


def _option(parser: argparse.ArgumentParser, flag: str, help: str, env: str | None = None,
            shown: str | None = None, **kw: Any) -> None:
    """One option whose help shows its default (``shown`` where the value is worked out later) and,
    where it has one, its environment variable (``CHATSIM_<NAME>``, read as the default: a container
    or ``make run`` configures by env)."""
    if env is not None:
        variable = f"CHATSIM_{env}"
        if kw.get("action") == "store_true":
            kw["default"] = os.environ.get(variable, "").lower() in ("1", "true", "yes", "on")
        elif kw.get("action") != "append":
            kw["default"] = os.environ.get(variable, kw.get("default"))
        help += f"; env {variable}"
    if shown is not None:
        help += f"; default: {shown}"
    elif kw.get("action") == "store_true":
        help += "; default: " + ("on" if kw.get("default") else "off")
    else:
        help += "; default: " + ("%(default)s" if kw.get("default") not in (None, []) else "none")
    parser.add_argument(flag, help=help, **kw)


def _toolkit_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    listen = sub.add_parser("listen", help="receive GeWe callbacks and print one line per delivery")
    _option(listen, "--host", "address to listen on", default="127.0.0.1")
    _option(listen, "--port", "port to listen on", type=int, default=7002)
    _option(listen, "--forward", "also POST each delivery here and answer with its status", metavar="URL")
    _option(listen, "--save", "append each delivery to FILE as a JSON line", type=Path, metavar="FILE")
    _option(listen, "--no-check", "do not check payloads against the callback schemas", action="store_true")
    listen.set_defaults(func=_listen)
    verify = sub.add_parser("verify", help="run contract flows against a server (chatsim or the real one)")
    _option(verify, "--base-url", "e.g. http://127.0.0.1:7001 or http://127.0.0.1:7001/_t/ci", required=True)
    _option(verify, "--vendor", "whose spec checks the answers: %(choices)s (none: each flow's own vendor)",
            choices=VendorNames(), metavar="VENDOR")  # a metavar: else argparse lists the choices at once
    _option(verify, "--var", "override a flow variable (repeatable)", action="append", default=[],
            metavar="NAME=VALUE")
    _option(verify, "--junit", "also write a JUnit XML report", type=Path, metavar="FILE")
    _option(verify, "--timeout", "seconds per request", type=float, default=15.0)
    verify.add_argument("--fresh", action=argparse.BooleanOptionalAction, default=True,
                        help="run in a tenant of its own, so flows pass again and again (dropped after a pass); "
                             "--no-fresh runs in the tenant the base URL names; default: on")
    verify.add_argument("flows", nargs="+", type=Path, metavar="FLOW.yaml", help="flow files to run, in order")
    verify.set_defaults(func=_verify)
    health = sub.add_parser("health", help="exit 0 when a chatsim answers its health check (a container's HEALTHCHECK)")
    _option(health, "--url", "chatsim to ask (none: http://127.0.0.1 on CHATSIM_PORT, else 7001)", metavar="URL")
    _option(health, "--timeout", "seconds to wait for the answer", type=float, default=3.0)
    health.set_defaults(func=_health)
    journal = sub.add_parser("journal", help="one readable line per request: wall and virtual time, tenant, vendor, "
                             "operation, status, vendor code, ms, violations")
    _option(journal, "--url", "chatsim to read (none: http://127.0.0.1 on CHATSIM_PORT, else 7001)", metavar="URL")
    _option(journal, "--follow", "keep printing requests as they arrive (a long poll; Ctrl-C stops)",
            action="store_true")
    _option(journal, "--tenant", "only this tenant's requests", metavar="T")
    _option(journal, "--vendor", "only this vendor's requests", metavar="V")
    _option(journal, "--limit", "how many past records to print first (0: none, only new ones)", type=int, default=20)
    _option(journal, "--admin-token", "the server's admin token; env CHATSIM_ADMIN_TOKEN (never shown)",
            metavar="TOKEN")
    journal.set_defaults(func=_journal)


class VendorNames:
    """The vendors' names as ``verify --vendor``'s choices, found when argparse first asks: every
    command builds the whole parser, and finding the vendors imports them all and scans every
    installed distribution's entry points (``chatsim serve`` paid that twice at start-up)."""

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    @staticmethod
    def _names() -> list[str]:
        from chatsim.vendors.registry import discover

        return list(discover())


def _serve_command(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    serve = sub.add_parser("serve", help="run the simulator")
    _option(serve, "--host", "address to listen on (beyond loopback needs --admin-token)", env="HOST",
            default="127.0.0.1")
    _option(serve, "--port", "port to listen on (0: any free port, shown in the banner)", env="PORT", type=int,
            default=7001)
    _option(serve, "--scenario", "scenario every tenant starts from: a file, or a name in the scenarios directory "
            "(repeatable; env CHATSIM_SCENARIO, comma-separated)", action="append", metavar="FILE|NAME",
            shown="demo.yaml")
    _option(serve, "--scenarios-dir", "where scenario names (--scenario, ?file=, the pytest marker) are looked up "
            "before the shipped ones", env="SCENARIOS_DIR", type=Path, metavar="DIR",
            shown="./scenarios if it exists")
    _option(serve, "--seed", "seed of generated ids (a scenario's own seed wins)", env="SEED", type=int, default=0)
    _option(serve, "--quiet", "no per-request log line (benchmarks)", env="QUIET", action="store_true")
    _option(serve, "--journal-size", "records the journal keeps", env="JOURNAL_SIZE", type=int, default=10_000)
    _option(serve, "--memory-mib", "the one memory budget of what grows with traffic (journal, tenants, "
            "callbacks); past it failing receivers' callbacks are dead-lettered and idle tenants evicted",
            env="MEMORY_MIB", type=int, default=256)
    _option(serve, "--journal-mib", "MiB of the budget the journal's records and bodies may take; each body is "
            "cut at 64 KiB", env="JOURNAL_MIB", type=int, shown="a quarter of --memory-mib")
    _option(serve, "--max-tenants", "tenants held at once; past it the least recently used idle one makes room",
            env="MAX_TENANTS", type=int, default=1000)
    _option(serve, "--tenant-idle-seconds", "how long a tenant must be unused before the budget may evict it",
            env="TENANT_IDLE_SECONDS", type=float, default=300.0)
    _option(serve, "--allow-callback-host", "also send callbacks to this host name, address or network "
            "(repeatable; env CHATSIM_ALLOW_CALLBACK_HOSTS, comma-separated); loopback is always allowed",
            action="append", metavar="HOST",
            default=[h for h in os.environ.get("CHATSIM_ALLOW_CALLBACK_HOSTS", "").split(",") if h])
    _option(serve, "--admin-token", "every admin call but /_chatsim/health must send it (X-Chatsim-Admin-Token or "
            "Authorization: Bearer); required beyond loopback; env CHATSIM_ADMIN_TOKEN (never shown)",
            metavar="TOKEN")
    _option(serve, "--cors-origin", "a browser origin the egg.js backend answers (egg-cors), e.g. "
            "http://127.0.0.1:5173 (repeatable; env CHATSIM_CORS_ORIGINS, comma-separated; 'none': no origin)",
            action="append", metavar="ORIGIN", shown="* (any origin)",
            default=[o for o in os.environ.get("CHATSIM_CORS_ORIGINS", "").split(",") if o] or None)
    _option(serve, "--state-dir", "keep tenants (worlds, clocks, undelivered callbacks) here across restarts, "
            "snapshotted as they change and on shutdown", env="STATE_DIR", type=Path, metavar="DIR",
            shown="none: every start is fresh")
    _option(serve, "--state-interval", "seconds between snapshots of the tenants that changed (what kill -9 can "
            "lose)", env="STATE_INTERVAL", type=float, default=2.0)
    _option(serve, "--watch", "reload an edited scenario file into the tenants built from it (a bad edit is "
            "reported and the old world stays)", env="WATCH", action="store_true")
    _option(serve, "--check-responses", "validate every response against its spec and record mismatches",
            env="CHECK_RESPONSES", action="store_true")
    serve.set_defaults(func=_serve)
    return serve


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="chatsim", description=__doc__)
    top.add_argument("--version", action="version", version=f"chatsim {__version__}")
    sub = top.add_subparsers(dest="command", required=True)
    serve = _serve_command(sub)
    check = sub.add_parser("check-scenario", help="validate scenario files")
    check.add_argument("files", nargs="+", type=Path, help="scenario files to check")
    check.set_defaults(func=_check_scenario)
    cov = sub.add_parser("coverage", help="which spec operations chatsim implements")
    cov.set_defaults(func=_coverage)
    chain = sub.add_parser("chain", help="print the request chain's steps, in order, from the code")
    chain.set_defaults(func=_chain)
    for command in (serve, check, cov):
        _option(command, "--vendor-module", "also serve the vendor whose manifest is MODULE.VENDOR (repeatable)",
                action="append", default=[], metavar="MODULE")
    _toolkit_commands(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    with collector_paused():  # the parser's help lists the vendors: it imports them all
        args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
