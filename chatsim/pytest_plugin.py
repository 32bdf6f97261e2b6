"""pytest plugin ``chatsim`` (entry point ``pytest11``): a chatsim tenant per test.

    def test_friend_request(chatsim):
        client = GewechatClient(chatsim.gewe.base_url, token)
        ...
        chatsim.assert_called("gewe.addContacts", times=1, where={"v3": v3})

Nothing starts until a test asks for ``chatsim`` or ``chatsim_server``: the plugin loads into every
pytest run on a machine with chatsim installed (chatsim's own suite included), so importing it
costs only the standard library.
"""

import os
import re
import secrets
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chatsim.toolkit.client import Chatsim
from chatsim.toolkit.http import ChatsimError

__all__ = ["Chatsim", "ChatsimDriftWarning", "ChatsimError", "ChatsimServer"]


class ChatsimDriftWarning(UserWarning):
    """chatsim answered or called back with something its own spec does not allow (a chatsim bug)."""


@dataclass(frozen=True)
class ChatsimServer:
    url: str
    external: bool


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("chatsim", "chatsim simulator")
    group.addoption("--chatsim-url", default=None,
                    help="use the chatsim server at this URL instead of one in-process (env: CHATSIM_URL)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "chatsim(scenario=None, merge=False): the scenario the test's chatsim tenant starts from "
                   "(a file next to the test, a name under chatsim's scenarios/, or YAML text)")


@pytest.fixture(scope="session")
def chatsim_server(request: pytest.FixtureRequest) -> Iterator[ChatsimServer]:
    """One chatsim for the session (per xdist worker): ``--chatsim-url``/``CHATSIM_URL``, else a
    server on a free 127.0.0.1 port in a background thread, responses checked against the specs."""
    from chatsim.toolkit.server import ThreadedChatsim, wait_healthy

    url = request.config.getoption("chatsim_url") or os.environ.get("CHATSIM_URL")
    if url:
        wait_healthy(url)
        yield ChatsimServer(url.rstrip("/"), external=True)
        return
    with ThreadedChatsim() as server:
        yield ChatsimServer(server.url, external=False)


@pytest.fixture
def chatsim(chatsim_server: ChatsimServer, request: pytest.FixtureRequest) -> Iterator[Chatsim]:
    """A tenant of this test's own, dropped afterwards, so tests never see each other's world."""
    sim = Chatsim(chatsim_server.url, _tenant_name(request.node.name))
    marker = request.node.get_closest_marker("chatsim")
    scenario = (marker.kwargs.get("scenario") or (marker.args[0] if marker.args else None)) if marker else None
    if scenario is not None:
        sim.load(_scenario(scenario, request.path.parent), merge=bool(marker.kwargs.get("merge")))
    elif chatsim_server.external:
        sim.load("demo.yaml")
    yield sim
    try:
        drift = sim.drift()
    finally:
        sim.drop()
    if drift:
        warnings.warn(ChatsimDriftWarning("chatsim broke its own spec:\n" + "\n".join(drift)), stacklevel=1)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed test's report shows what its tenant received (the journal), WireMock style."""
    report = yield
    sim = getattr(item, "funcargs", {}).get("chatsim")
    if report.when == "call" and report.failed and isinstance(sim, Chatsim):
        try:
            report.sections.append(("chatsim journal", sim.journal.summary()))
        except ChatsimError as exc:
            report.sections.append(("chatsim journal", f"unavailable: {exc}"))
    return report


def _tenant_name(test_name: str) -> str:
    """Unique across xdist workers sharing one server, and readable in the journal."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    slug = re.sub(r"[^A-Za-z0-9_.-]", "_", test_name)[:40]
    return f"{worker}-{slug}-{secrets.token_hex(4)}"


def _scenario(value: Any, test_dir: Path) -> str | Path:
    """YAML text stays text; an existing file (next to the test, or from the working directory) is
    read here; anything else is a name the server resolves under its scenarios/."""
    if isinstance(value, Path) or (isinstance(value, str) and "\n" not in value):
        for candidate in (test_dir / value, Path(value)):
            if candidate.is_file():
                return candidate
    if isinstance(value, Path):
        raise ChatsimError(f"no scenario file {value}")
    return str(value)
