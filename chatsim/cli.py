"""The ``chatsim`` command: serve, check-scenario, coverage, chain, listen, verify."""

import argparse
import asyncio
import gc
import ipaddress
import logging
import os
import sys
from pathlib import Path

from chatsim.paths import DEMO_SCENARIO


def _serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from chatsim.app import HOST, Settings, build_app
    from chatsim.scenarios import ScenarioError

    settings = Settings(host=args.host, port=args.port, scenarios=args.scenario or [DEMO_SCENARIO],
                        seed=args.seed, quiet=args.quiet, journal_size=args.journal_size,
                        journal_mib=args.journal_mib, memory_mib=args.memory_mib, max_tenants=args.max_tenants,
                        tenant_idle_seconds=args.tenant_idle_seconds,
                        check_responses=args.check_responses, vendor_modules=tuple(args.vendor_module),
                        allow_callback_hosts=tuple(args.allow_callback_host), admin_token=args.admin_token or None)
    if not _loopback(args.host):
        if not settings.admin_token:
            print(f"chatsim: binding {args.host} (beyond loopback) needs an admin token: --admin-token or "
                  "CHATSIM_ADMIN_TOKEN", file=sys.stderr)
            return 2
        print(f"chatsim: WARNING: listening on {args.host}, beyond loopback: anyone who can reach this port can "
              "call the simulated vendors; the admin API needs the admin token", file=sys.stderr)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    try:
        app = build_app(settings)
    except ScenarioError as exc:
        print(f"chatsim: {exc}", file=sys.stderr)
        return 2
    host = app[HOST]
    tenant = host.registry.get("default")
    print(f"chatsim listening on http://{args.host}:{args.port}  (admin: /_chatsim/health)")
    for name, vendor in host.world_vendors.items():
        for line in vendor.credentials(tenant.worlds[name]):
            print(f"  {name}: {line}")
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    # Specs, validators and the pinyin dictionaries are millions of long-lived objects; freezing
    # them keeps the garbage collector from walking them again and again under load.
    gc.collect()
    gc.freeze()
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)
    return 0


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
            Tenant("check", [doc], vendors, 0, None)
        except ScenarioError as exc:
            print(f"invalid: {exc}")
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


def _verify(args: argparse.Namespace) -> int:
    from chatsim.verify import verify

    return verify(args.base_url, args.flows, args.vendor, args.var, args.junit, args.timeout)


def _toolkit_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    listen = sub.add_parser("listen", help="receive GeWe callbacks and print one line per delivery")
    listen.add_argument("--host", default="127.0.0.1")
    listen.add_argument("--port", type=int, default=7002)
    listen.add_argument("--forward", metavar="URL", help="also POST each delivery here and answer with its status")
    listen.add_argument("--save", type=Path, metavar="FILE", help="append each delivery to FILE as a JSON line")
    listen.add_argument("--no-check", action="store_true", help="do not check payloads against the callback schemas")
    listen.set_defaults(func=_listen)
    verify = sub.add_parser("verify", help="run contract flows against a server (chatsim or the real one)")
    verify.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:7001 or http://127.0.0.1:7001/_t/ci")
    verify.add_argument("--vendor", choices=vendor_names(),
                        help="whose spec checks the answers (default: each flow's own vendor)")
    verify.add_argument("--var", action="append", default=[], metavar="NAME=VALUE", help="override a flow variable")
    verify.add_argument("--junit", type=Path, metavar="FILE", help="also write a JUnit XML report")
    verify.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    verify.add_argument("flows", nargs="+", type=Path, metavar="FLOW.yaml")
    verify.set_defaults(func=_verify)


def vendor_names() -> list[str]:
    from chatsim.vendors.registry import discover

    return list(discover())


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="chatsim", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the simulator")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7001)
    serve.add_argument("--scenario", type=Path, action="append", help="scenario file (repeatable); default: demo")
    serve.add_argument("--seed", type=int, default=0)
    serve.add_argument("--quiet", action="store_true", help="no per-request log line (benchmarks)")
    serve.add_argument("--journal-size", type=int, default=10_000, help="records the journal keeps (default 10000)")
    serve.add_argument("--memory-mib", type=int, default=256,
                       help="the one memory budget of what grows with traffic (journal bodies, tenants, callbacks); "
                            "past it idle tenants are evicted and failing receivers' callbacks dead-lettered "
                            "(default 256)")
    serve.add_argument("--journal-mib", type=int, default=None,
                       help="MiB of the budget the journal's request and response bodies may take; each body is "
                            "cut at 64 KiB (default: a quarter of --memory-mib)")
    serve.add_argument("--max-tenants", type=int, default=1000,
                       help="tenants held at once; past it the least recently used idle one goes (default 1000)")
    serve.add_argument("--tenant-idle-seconds", type=float, default=300.0,
                       help="how long a tenant must be unused before the budget may evict it (default 300)")
    serve.add_argument("--allow-callback-host", action="append", metavar="HOST",
                       default=[h for h in os.environ.get("CHATSIM_ALLOW_CALLBACK_HOSTS", "").split(",") if h],
                       help="also send callbacks to this host name, address or network (repeatable; env "
                            "CHATSIM_ALLOW_CALLBACK_HOSTS, comma-separated); default: loopback only")
    serve.add_argument("--admin-token", default=os.environ.get("CHATSIM_ADMIN_TOKEN"), metavar="TOKEN",
                       help="every admin call but /_chatsim/health must send it (X-Chatsim-Admin-Token or "
                            "Authorization: Bearer); required beyond loopback (env CHATSIM_ADMIN_TOKEN)")
    serve.add_argument("--check-responses", action="store_true",
                       help="validate every response against its spec and record mismatches")
    serve.set_defaults(func=_serve)
    check = sub.add_parser("check-scenario", help="validate scenario files")
    check.add_argument("files", nargs="+", type=Path)
    check.set_defaults(func=_check_scenario)
    cov = sub.add_parser("coverage", help="which spec operations chatsim implements")
    cov.set_defaults(func=_coverage)
    chain = sub.add_parser("chain", help="print the request chain's steps, in order, from the code")
    chain.set_defaults(func=_chain)
    for command in (serve, check, cov):
        command.add_argument("--vendor-module", action="append", default=[], metavar="MODULE",
                             help="also serve the vendor whose manifest is MODULE.VENDOR (repeatable)")
    _toolkit_commands(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
