"""``chatsim serve --watch``: an edited scenario file is reloaded into the tenants built from it.

Every file read as a scenario (``--scenario``, ``?file=``) is followed by its modification stamp,
polled twice a second (no platform file-event API, nothing to install). On a change the file is
parsed and every tenant that uses it is built anew from it *before* any tenant is touched: a bad
edit (YAML, schema, a cross-reference) is reported in one line and every world stays as it was; a
good one replaces the document in place, so the startup scenarios of tenants made later carry it
too, and the tenants are rebuilt (reset) in one step of the event loop, which no request can
interleave with.
"""

import asyncio
import sys
from pathlib import Path
from typing import Any, TextIO

from chatsim.scenarios import ScenarioError, on_read, parse, read_text
from chatsim.tenants import Tenant, TenantRegistry

Stamp = tuple[int, int] | None


def _stamp(path: Path) -> Stamp:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


class ScenarioWatch:
    def __init__(self, out: TextIO = sys.stderr, interval: float = 0.5) -> None:
        self.out = out
        self.interval = interval
        self.registry: TenantRegistry | None = None
        self._docs: dict[Path, list[dict[str, Any]]] = {}
        self._stamps: dict[Path, Stamp] = {}
        self._settling: dict[Path, Stamp] = {}  # changed since the last look: reloaded if still so at the next
        on_read(self.track)

    def track(self, path: Path, doc: dict[str, Any]) -> None:
        key = path.resolve()
        if self.registry is not None:
            self._in_use(key)  # what earlier loads of the file left that no tenant holds goes first
        self._docs.setdefault(key, []).append(doc)
        self._stamps.setdefault(key, _stamp(key))

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self.scan()

    def scan(self) -> None:
        """Reload a file once it changed and then stayed the same for a whole interval: a save that
        truncates the file and writes it again is read once it is whole, not half-way (as empty)."""
        for path, seen in list(self._stamps.items()):
            now = _stamp(path)
            if now == seen or now is None:
                self._settling.pop(path, None)
            elif self._settling.get(path) != now:
                self._settling[path] = now
            else:
                del self._settling[path]
                self._stamps[path] = now
                self.reload(path)

    def reload(self, path: Path) -> None:
        assert self.registry is not None, "attach the registry before watching"
        registry = self.registry
        docs = self._in_use(path)
        try:
            fresh = parse(read_text(path, str(path)), str(path), registry.vendors)
            users = [registry.get(name) for name in registry.names()
                     if any(doc is old for doc in registry.get(name).scenarios for old in docs)]
            for tenant in users:  # every world must build before any is replaced
                trial = [fresh if any(doc is old for old in docs) else doc for doc in tenant.scenarios]
                Tenant(tenant.name, trial, registry.vendors, registry.seed, None).close()
        except ScenarioError as exc:
            self._say(f"not reloaded, the old world stays: {exc if exc.source == str(path) else exc.named(str(path))}")
            return
        for doc in docs:
            doc.clear()
            doc.update(fresh)
        for tenant in users:
            registry.reset(tenant.name)
        self._say(f"reloaded {path} into {len(users)} tenant(s): {', '.join(t.name for t in users) or '-'}")

    def _in_use(self, path: Path) -> list[dict[str, Any]]:
        """The documents of this file that a tenant or the startup scenarios still hold (the rest,
        from loads since replaced, are forgotten here)."""
        assert self.registry is not None
        held = [*self.registry.startup_scenarios,
                *(doc for name in self.registry.names() for doc in self.registry.get(name).scenarios)]
        kept = [doc for doc in self._docs.get(path, []) if any(doc is other for other in held)]
        self._docs[path] = kept
        return kept

    def _say(self, line: str) -> None:
        print(f"chatsim: watch: {line}", file=self.out, flush=True)
