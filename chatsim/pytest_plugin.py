"""pytest plugin ``chatsim`` (entry point ``pytest11``): a chatsim tenant per test.

    def test_friend_request(chatsim):
        client = GewechatClient(chatsim.gewe.base_url, token)
        ...
        chatsim.assert_called("gewe.addContacts", times=1, where={"v3": v3})

Nothing starts until a test asks for ``chatsim`` or ``chatsim_server``: the plugin loads into every
pytest run on a machine with chatsim installed (chatsim's own suite included), so importing it
costs only the standard library.

An ``async def`` test that uses ``chatsim`` (directly or through its fixtures) is marked
``asyncio`` for pytest-asyncio, so it runs without ``asyncio_mode = auto``; only those tests are
marked, and the project's own mode and its other tests are left as they are.
"""

import inspect
import os
import re
import secrets
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatsim.dataclass import dataclass
from chatsim.paths import scenario_search_path
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


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Before pytest-asyncio's (tryfirst): its notice that ``asyncio_default_fixture_loop_scope`` is
    unset is hidden, since a project that only uses chatsim's fixture has no async fixture for it
    to be about. The filter lives only while plugins configure (pytest scopes warnings there); a
    project that sets the option never sees the notice anyway, and nothing else changes."""
    warnings.filterwarnings("ignore", message='The configuration option "asyncio_default_fixture_loop_scope" is unset',
                            category=pytest.PytestDeprecationWarning)
    config.addinivalue_line(
        "markers", "chatsim(scenario=None, merge=False): the scenario the test's chatsim tenant starts from "
                   "(a file next to the test, a name under chatsim's scenarios/, or YAML text)")


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object) -> Iterator[None]:
    """Inside pytest-asyncio's own wrapper of this hook (trylast), so the mark is there when it
    decides which coroutine tests it runs."""
    outcome = yield
    if not inspect.iscoroutinefunction(obj) or not collector.config.pluginmanager.hasplugin("asyncio"):
        return
    found = outcome.get_result()  # type: ignore[attr-defined]
    for item in found if isinstance(found, list) else [found]:
        if (isinstance(item, pytest.Function) and "chatsim" in item.fixturenames
                and item.get_closest_marker("asyncio") is None):
            item.add_marker(pytest.mark.asyncio)


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
        sim.load(_scenario(scenario, request.path.parent, chatsim_server.external),
                 merge=bool(marker.kwargs.get("merge")))
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


def _scenario(value: str | Path, test_dir: Path, external: bool) -> str | Path:
    """YAML text stays text; a file name is looked for next to the test, from the working
    directory, then in the scenarios directories (``./scenarios``, chatsim's shipped ones). A name
    found nowhere goes to an external server, whose scenarios directory may have it; with the
    in-process server it is an error that says where it looked."""
    if isinstance(value, str) and "\n" in value:
        return value
    places = [test_dir / value, Path(value), *(folder / value for folder in scenario_search_path())]
    for candidate in places:
        if candidate.is_file():
            return candidate
    if isinstance(value, str) and external:
        return value
    raise ChatsimError(f"no scenario {str(value)!r}: looked for " + ", ".join(str(p.absolute()) for p in places))
