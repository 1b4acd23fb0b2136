"""Fixtures of the DFX tests (helpers live in `dfx_fakes`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest_asyncio

from gui.venues.dfx import DfxAdapter, DfxClient, DfxConfig
from tests.venues.dfx.dfx_fakes import CREDENTIALS, FAST_CONFIG, FakeVenue

ClientFactory = Callable[..., DfxClient]
AdapterFactory = Callable[..., DfxAdapter]


@pytest_asyncio.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Builds `DfxClient`s over a `FakeVenue`; closes them after the test."""
    clients: list[DfxClient] = []

    def build(fake: FakeVenue, config: DfxConfig = FAST_CONFIG, **kwargs: Any) -> DfxClient:
        client = DfxClient(config, CREDENTIALS, transport=fake.transport(), **kwargs)
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()


@pytest_asyncio.fixture
async def make_adapter() -> AsyncIterator[AdapterFactory]:
    """Builds `DfxAdapter`s (account "spot") over a `FakeVenue`; closes them after."""
    adapters: list[DfxAdapter] = []

    def build(fake: FakeVenue, config: DfxConfig = FAST_CONFIG) -> DfxAdapter:
        adapter = DfxAdapter(config, CREDENTIALS, "spot", transport=fake.transport())
        adapters.append(adapter)
        return adapter

    yield build
    for adapter in adapters:
        await adapter.aclose()
