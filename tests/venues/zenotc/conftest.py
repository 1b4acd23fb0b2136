"""Fixtures of the ZenOTC tests (helpers live in `zenotc_fakes`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest_asyncio

from gui.venues.zenotc import ZenotcAdapter, ZenotcClient, ZenotcConfig
from tests.venues.zenotc.zenotc_fakes import CREDENTIALS, FAST_CONFIG, FakeVenue

ClientFactory = Callable[..., ZenotcClient]
AdapterFactory = Callable[..., ZenotcAdapter]


@pytest_asyncio.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Builds `ZenotcClient`s over a `FakeVenue`; closes them after the test."""
    clients: list[ZenotcClient] = []

    def build(fake: FakeVenue, config: ZenotcConfig = FAST_CONFIG, **kwargs: Any) -> ZenotcClient:
        client = ZenotcClient(config, CREDENTIALS, transport=fake.transport(), **kwargs)
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()


@pytest_asyncio.fixture
async def make_adapter() -> AsyncIterator[AdapterFactory]:
    """Builds `ZenotcAdapter`s (account "otc") over a `FakeVenue`; closes them after."""
    adapters: list[ZenotcAdapter] = []

    def build(fake: FakeVenue, config: ZenotcConfig = FAST_CONFIG) -> ZenotcAdapter:
        adapter = ZenotcAdapter(config, CREDENTIALS, "otc", transport=fake.transport())
        adapters.append(adapter)
        return adapter

    yield build
    for adapter in adapters:
        await adapter.aclose()
