"""GeWe fixtures: chatsim on the GeWe test world, and a callback receiver on 127.0.0.1."""

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from tests.conftest import ClientFactory
from tests.gewe.support import WORLD, Receiver


@pytest.fixture
async def gw(sim_factory: ClientFactory) -> TestClient:
    return await sim_factory([WORLD])


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    await found.server.start_server()
    yield found
    await found.server.close()
