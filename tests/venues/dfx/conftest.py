"""Fixtures of the DFX tests (helpers live in `dfx_fakes`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest_asyncio

from gui.venues.dfx import DfxAdapter, DfxClient, DfxConfig
from tests.helpers import closing_all
from tests.venues.dfx.dfx_fakes import CREDENTIALS, FAST_CONFIG, FakeVenue

ClientFactory = Callable[..., DfxClient]
AdapterFactory = Callable[..., DfxAdapter]


@pytest_asyncio.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Builds `DfxClient`s over a `FakeVenue`; closes them after the test."""

    def build(fake: FakeVenue, config: DfxConfig = FAST_CONFIG, **kwargs: Any) -> DfxClient:
        return DfxClient(config, CREDENTIALS, transport=fake.transport(), **kwargs)

    async with closing_all(build) as factory:
        yield factory


@pytest_asyncio.fixture
async def make_adapter() -> AsyncIterator[AdapterFactory]:
    """Builds `DfxAdapter`s (account "spot") over a `FakeVenue`; closes them after."""

    def build(fake: FakeVenue, config: DfxConfig = FAST_CONFIG) -> DfxAdapter:
        return DfxAdapter(config, CREDENTIALS, "spot", transport=fake.transport())

    async with closing_all(build) as factory:
        yield factory
