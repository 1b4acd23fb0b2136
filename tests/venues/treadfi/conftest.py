"""Fixtures of the Tread.fi tests (helpers live in `treadfi_fakes`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest_asyncio

from gui.venues.treadfi import TreadfiClient, TreadfiConfig
from tests.helpers import closing_all
from tests.venues.treadfi.treadfi_fakes import API_KEY, FAST_CONFIG, FakeVenue

ClientFactory = Callable[..., TreadfiClient]


@pytest_asyncio.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Builds `TreadfiClient`s wired to a `FakeVenue`; closes them after the test."""

    def build(fake: FakeVenue, config: TreadfiConfig = FAST_CONFIG) -> TreadfiClient:
        return TreadfiClient(config, API_KEY, transport=httpx.ASGITransport(app=fake))

    async with closing_all(build) as factory:
        yield factory
