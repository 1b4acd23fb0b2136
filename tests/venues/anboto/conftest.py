"""Fixtures of the Anboto tests (helpers live in `anboto_fakes`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest_asyncio

from gui.venues.anboto import AnbotoAdapter, AnbotoClient, AnbotoConfig
from tests.venues.anboto.anboto_fakes import CREDENTIALS, FAST_CONFIG, FakeAnboto

ClientFactory = Callable[..., AnbotoClient]
AdapterFactory = Callable[..., AnbotoAdapter]
NOW = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)


@pytest_asyncio.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Builds `AnbotoClient`s over a `FakeAnboto`; closes them after the test."""
    clients: list[AnbotoClient] = []

    def build(fake: FakeAnboto, config: AnbotoConfig = FAST_CONFIG, **kwargs: Any) -> AnbotoClient:
        client = AnbotoClient(config, CREDENTIALS, transport=fake.transport(), **kwargs)
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()


@pytest_asyncio.fixture
async def make_adapter() -> AsyncIterator[AdapterFactory]:
    """Builds `AnbotoAdapter`s (account "algo", clock at `NOW`) over a `FakeAnboto`."""
    adapters: list[AnbotoAdapter] = []

    def build(fake: FakeAnboto, config: AnbotoConfig = FAST_CONFIG) -> AnbotoAdapter:
        adapter = AnbotoAdapter(
            config, CREDENTIALS, "algo", transport=fake.transport(), now=lambda: NOW
        )
        adapters.append(adapter)
        return adapter

    yield build
    for adapter in adapters:
        await adapter.aclose()
