"""Fixtures of the Anboto tests (helpers live in `anboto_fakes`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest_asyncio

from gui.venues.anboto import AnbotoAdapter, AnbotoClient, AnbotoConfig
from tests.helpers import closing_all
from tests.venues.anboto.anboto_fakes import CREDENTIALS, FAST_CONFIG, FakeAnboto

ClientFactory = Callable[..., AnbotoClient]
AdapterFactory = Callable[..., AnbotoAdapter]
NOW = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)


@pytest_asyncio.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Builds `AnbotoClient`s over a `FakeAnboto`; closes them after the test."""

    def build(fake: FakeAnboto, config: AnbotoConfig = FAST_CONFIG, **kwargs: Any) -> AnbotoClient:
        return AnbotoClient(config, CREDENTIALS, transport=fake.transport(), **kwargs)

    async with closing_all(build) as factory:
        yield factory


@pytest_asyncio.fixture
async def make_adapter() -> AsyncIterator[AdapterFactory]:
    """Builds `AnbotoAdapter`s (account "algo", clock at `NOW`) over a `FakeAnboto`."""

    def build(fake: FakeAnboto, config: AnbotoConfig = FAST_CONFIG) -> AnbotoAdapter:
        return AnbotoAdapter(
            config, CREDENTIALS, "algo", transport=fake.transport(), now=lambda: NOW
        )

    async with closing_all(build) as factory:
        yield factory
