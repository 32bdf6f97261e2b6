"""Shared fixtures: chatsim in-process on a loopback port, responses checked against the specs."""

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from chatsim.app import HOST, Settings, build_app
from chatsim.paths import DEMO_SCENARIO

ClientFactory = Callable[..., Awaitable[TestClient]]


def settings(scenarios: list[Path] | None = None, **overrides: Any) -> Settings:
    return Settings(scenarios=scenarios or [DEMO_SCENARIO], quiet=True, check_responses=True, **overrides)


def spec_drift(app: web.Application) -> list[str]:
    """Every response and callback that did not match its spec (the --check-responses self-check)."""
    pipeline = app[HOST]
    responses = [f"{r.vendor} {r.operation} -> {r.status}: {problem}"
                 for r in pipeline.journal.query() for problem in r.response_check
                 if not problem.startswith("callback #")]
    return responses + list(pipeline.registry.callback_checker.mismatches)


@pytest.fixture
async def sim_factory(aiohttp_client: Any) -> AsyncIterator[ClientFactory]:
    """Start chatsim with given scenarios/settings; every response is checked against its spec."""
    apps: list[web.Application] = []

    async def make(scenarios: list[Path] | None = None, **overrides: Any) -> TestClient:
        app = build_app(settings(scenarios, **overrides))
        apps.append(app)
        return await aiohttp_client(app)

    yield make
    for app in apps:
        assert spec_drift(app) == []


@pytest.fixture
async def sim(sim_factory: ClientFactory) -> TestClient:
    """chatsim on the demo scenario."""
    return await sim_factory()


async def load_scenario(client: TestClient, tenant: str, yaml_text: str) -> dict[str, Any]:
    """Seed a tenant from YAML text through the admin API."""
    resp = await client.put(f"/_chatsim/tenants/{tenant}/scenario", data=yaml_text.encode(),
                            headers={"Content-Type": "application/yaml"})
    body = await resp.json()
    assert resp.status == 200, body
    return body
