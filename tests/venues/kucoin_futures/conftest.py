"""Fixtures of the KuCoin Futures tests (helpers live in `kucoin_fakes`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest_asyncio

from gui.venues.kucoin_futures import (
    KucoinAuth,
    KucoinFuturesAdapter,
    KucoinFuturesClient,
    KucoinFuturesConfig,
)
from gui.venues.kucoin_futures.transport import PUBLIC_PATHS
from tests.helpers import closing_all
from tests.venues.kucoin_futures.kucoin_fakes import (
    API_KEY,
    API_PASSPHRASE,
    API_SECRET,
    CREDENTIALS,
    FAST_CONFIG,
    NOW_MS,
    FakeKucoin,
    Sleeps,
)

ClientFactory = Callable[..., KucoinFuturesClient]
AdapterFactory = Callable[..., KucoinFuturesAdapter]


def fixed_auth(now_ms: int = NOW_MS) -> KucoinAuth:
    """The test key's signer on a clock stopped at `now_ms`."""
    return KucoinAuth(
        API_KEY, API_SECRET, API_PASSPHRASE, "2", clock_ms=lambda: now_ms, public_paths=PUBLIC_PATHS
    )


@pytest_asyncio.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Builds clients on a `FakeKucoin` with a fixed clock; closes them after the test."""

    def build(
        fake: FakeKucoin,
        *,
        config: KucoinFuturesConfig = FAST_CONFIG,
        sleeps: Sleeps | None = None,
        auth: KucoinAuth | None = None,
    ) -> KucoinFuturesClient:
        return KucoinFuturesClient(
            config,
            auth if auth is not None else fixed_auth(),
            transport=fake.transport,
            sleep=sleeps if sleeps is not None else Sleeps(),
        )

    async with closing_all(build) as factory:
        yield factory


@pytest_asyncio.fixture
async def make_adapter() -> AsyncIterator[AdapterFactory]:
    """Builds adapters on a transport; closes them after the test."""

    def build(
        transport: httpx.AsyncBaseTransport, *, config: KucoinFuturesConfig = FAST_CONFIG
    ) -> KucoinFuturesAdapter:
        return KucoinFuturesAdapter(config, CREDENTIALS, "main", transport=transport)

    async with closing_all(build) as factory:
        yield factory
