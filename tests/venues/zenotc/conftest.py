"""Fixtures of the ZenOTC tests (helpers live in `zenotc_fakes`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest_asyncio

from gui.venues.zenotc import ZenotcAdapter, ZenotcClient, ZenotcConfig
from tests.helpers import closing_all
from tests.venues.zenotc.zenotc_fakes import CREDENTIALS, FAST_CONFIG, FakeVenue

ClientFactory = Callable[..., ZenotcClient]
AdapterFactory = Callable[..., ZenotcAdapter]


@pytest_asyncio.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Builds `ZenotcClient`s over a `FakeVenue`; closes them after the test."""

    def build(fake: FakeVenue, config: ZenotcConfig = FAST_CONFIG, **kwargs: Any) -> ZenotcClient:
        return ZenotcClient(config, CREDENTIALS, transport=fake.transport(), **kwargs)

    async with closing_all(build) as factory:
        yield factory


@pytest_asyncio.fixture
async def make_adapter() -> AsyncIterator[AdapterFactory]:
    """Builds `ZenotcAdapter`s (account "otc") over a `FakeVenue`; closes them after."""

    def build(fake: FakeVenue, config: ZenotcConfig = FAST_CONFIG) -> ZenotcAdapter:
        return ZenotcAdapter(config, CREDENTIALS, "otc", transport=fake.transport())

    async with closing_all(build) as factory:
        yield factory
