"""``chatsim serve --state-dir DIR``: tenants survive a restart.

Each tenant is one file, ``DIR/<tenant>.tenant``, written whole to a temporary file and renamed
over the old one, so a crash (even ``kill -9``) leaves the previous snapshot intact. A file holds a
header (chatsim's version and this format's) and then the tenant: the scenarios it was built from,
its clock, where its id stream is, its worlds and the callbacks it still owes. Worlds are plain
model objects and are pickled as they are, with the tenant's shared machinery (clock, ids, outbox,
sender) left out and handed back on load, so no vendor needs code of its own to be saved.

Snapshots are written every ``interval`` seconds for the tenants that changed (a request reached
them, or their outbox moved on), and on shutdown; a tenant that is gone loses its file. The
directory is the operator's: it is read at start-up only, and nothing a request sends names a
file in it (tenant names cannot hold a path separator). A snapshot of another chatsim version is
refused as a whole, since its worlds may not fit this version's models.
"""

import asyncio
import contextlib
import dataclasses
import io
import os
import pickle
from pathlib import Path
from typing import Any

from chatsim import __version__
from chatsim.context import TenantContext
from chatsim.tenants import Tenant, TenantRegistry

# The pickled worlds' layout: raised whenever a world's attributes change (5: egg.js keeps the scenario's
# user lists, not a dict of their passwords, and its last second; 6: a callback keeps its payload as
# its body's bytes alone).
FORMAT = 6
SUFFIX = ".tenant"


class StateError(Exception):
    """A state directory chatsim cannot start from (another version's, or unreadable)."""


def _shared(ctx: TenantContext) -> dict[int, str]:
    """The tenant's machinery a world refers to, by the name it is saved under."""
    shared = {id(ctx): "ctx", id(ctx.clock): "clock", id(ctx.ids): "ids", id(ctx.outbox): "outbox"}
    if ctx.send is not None:
        shared[id(ctx.send)] = "send"
    return shared


class _WorldPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, ctx: TenantContext) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._shared = _shared(ctx)

    def persistent_id(self, obj: Any) -> str | None:
        return self._shared.get(id(obj))


class _WorldUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, ctx: TenantContext) -> None:
        super().__init__(file)
        self._shared: dict[str, Any] = {"ctx": ctx, "clock": ctx.clock, "ids": ctx.ids, "outbox": ctx.outbox,
                                        "send": ctx.send}

    def persistent_load(self, pid: Any) -> Any:
        return self._shared[pid]


def snapshot(tenant: Tenant) -> bytes:
    """One tenant as the bytes of its file."""
    next_id, owed = tenant.outbox.owed()
    worlds = io.BytesIO()
    _WorldPickler(worlds, tenant.ctx).dump(tenant.worlds)
    body = {"name": tenant.name, "scenarios": tenant.scenarios, "clock": tenant.clock.state(),
            "ids": tenant.ids.state(), "worlds": worlds.getvalue(), "next_delivery": next_id,
            "owed": [dataclasses.replace(d, trace=None) for d in owed]}
    out = io.BytesIO()
    pickle.dump({"chatsim": __version__, "format": FORMAT}, out, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump(body, out, protocol=pickle.HIGHEST_PROTOCOL)
    return out.getvalue()


def load(data: bytes, source: str, registry: TenantRegistry) -> Tenant:
    """A tenant from the bytes of its file, built around fresh machinery and installed."""
    stream = io.BytesIO(data)
    try:
        header = pickle.load(stream)
    except (pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise StateError(f"{source}: not a chatsim snapshot ({exc})") from None
    if not isinstance(header, dict) or header.get("chatsim") != __version__ or header.get("format") != FORMAT:
        written = header.get("chatsim", "an unknown version") if isinstance(header, dict) else "an unknown version"
        raise StateError(f"{source} was written by chatsim {written}; this is chatsim {__version__}, which cannot "
                         "read it: start with an empty --state-dir (or remove the file)")
    body = pickle.load(stream)
    tenant = registry.build(body["name"], body["scenarios"])
    tenant.clock.restore(body["clock"])
    tenant.ids.restore(body["ids"])
    tenant.worlds = _WorldUnpickler(io.BytesIO(body["worlds"]), tenant.ctx).load()
    tenant.outbox.restore(body["next_delivery"], body["owed"])
    registry.adopt(tenant)
    tenant.scenario_bytes = registry.documents_bytes(tenant.scenarios)
    return tenant


class StateDir:
    """Where a server's tenants are kept between runs."""

    def __init__(self, path: Path, registry: TenantRegistry, interval: float = 2.0) -> None:
        self.path = path
        self.registry = registry
        self.interval = interval
        self._saved: dict[str, tuple[int, int, int]] = {}  # tenant -> (generation, uses, outbox changes)

    def restore(self) -> list[str]:
        """Every tenant the directory holds, installed; their callbacks wait for ``resume``."""
        self.path.mkdir(parents=True, exist_ok=True)
        names = []
        for file in sorted(self.path.glob("*" + SUFFIX)):
            tenant = load(file.read_bytes(), str(file), self.registry)
            self._saved[tenant.name] = self._mark(tenant)
            names.append(tenant.name)
        return names

    def resume(self) -> None:
        for tenant in self.registry.tenants():
            tenant.outbox.resume()

    def save(self) -> int:
        """Write the tenants that changed since they were last written; drop the files of tenants
        that are gone. Returns how many files were written."""
        written = 0
        present = {}
        for tenant in self.registry.tenants():
            mark = present[tenant.name] = self._mark(tenant)
            if self._saved.get(tenant.name) != mark:
                self._write(tenant.name, snapshot(tenant))
                written += 1
        for name in set(self._saved) - set(present):
            with contextlib.suppress(FileNotFoundError):
                (self.path / (name + SUFFIX)).unlink()
        self._saved = present
        return written

    async def run(self) -> None:
        """Save every ``interval`` seconds until cancelled."""
        while True:
            await asyncio.sleep(self.interval)
            self.save()

    @staticmethod
    def _mark(tenant: Tenant) -> tuple[int, int, int]:
        """What tells that a tenant changed: another object (reset, load), a request, a delivery."""
        return tenant.generation, tenant.uses, tenant.outbox.changes

    def _write(self, name: str, data: bytes) -> None:
        final = self.path / (name + SUFFIX)
        temporary = final.with_name(final.name + ".tmp")
        with open(temporary, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, final)
