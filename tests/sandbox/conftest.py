"""Fixtures for the sandbox: a manual clock, an engine on it, the Tread.fi emulator in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from gui.sandbox import kucoin_futures, zenotc
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.treadfi import DEMO_API_KEY, create_app
from tests.sandbox.kucoin_helpers import KucoinClient, kucoin_client
from tests.sandbox.zenotc_helpers import ZenClient, zen_client

START = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)
"""Simulated time at which every test starts."""


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def engine(clock: ManualClock) -> SandboxEngine:
    return SandboxEngine(seed=7, clock=clock)


@pytest.fixture
def treadfi_app(engine: SandboxEngine) -> Starlette:
    return create_app(engine)


@pytest_asyncio.fixture
async def client(treadfi_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An authenticated client talking to the emulator through ASGI (no port)."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=treadfi_app),
        base_url="http://treadfi.test",
        headers={"Authorization": f"Token {DEMO_API_KEY}"},
    ) as http_client:
        yield http_client


@pytest.fixture
def kucoin_app(engine: SandboxEngine) -> Starlette:
    """The KuCoin Futures emulator on the test engine (rate limit at its default)."""
    return kucoin_futures.create_app(engine)


@pytest_asyncio.fixture
async def kc(kucoin_app: Starlette) -> AsyncIterator[KucoinClient]:
    """A signing KuCoin client talking to the emulator through ASGI."""
    async with kucoin_client(kucoin_app) as client:
        yield client


@pytest_asyncio.fixture
async def zen(engine: SandboxEngine) -> AsyncIterator[ZenClient]:
    """A signing ZenOTC client on the emulator through ASGI, with no rate limit."""
    async with zen_client(zenotc.create_app(engine, requests_per_second=None)) as client:
        yield client
