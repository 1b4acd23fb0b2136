"""Rigs for the synthetic pause/amend tests: OrderService and VenuePoller on the real
KuCoin Futures and ZenOTC adapters against their emulators, in process (ASGI transport).

The emulators run on a `ManualClock`: the simulated market moves only when a test says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal

import httpx

from gui.oms.events import ErrorEvent
from gui.oms.polling import VenuePoller
from gui.oms.service import OrderService
from gui.oms.store import OrderStore
from gui.sandbox import kucoin_futures as kucoin_emulator
from gui.sandbox import zenotc as zenotc_emulator
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.venues.base import VenueClient
from gui.venues.kucoin_futures import (
    KucoinCredentials,
    KucoinFuturesAdapter,
    KucoinFuturesConfig,
)
from gui.venues.zenotc import ZenotcAdapter, ZenotcConfig, ZenotcCredentials

START = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)
KUCOIN_ACCOUNT = kucoin_emulator.DEMO_ACCOUNTS[0]
ZENOTC_ACCOUNT = zenotc_emulator.DEMO_ACCOUNTS[0]
KUCOIN_CONFIG = KucoinFuturesConfig(
    base_url="http://kucoin.test",
    rate_limit_quota=10_000_000,
    read_attempts=3,
    retry_base_delay_s=0.0,
)
ZENOTC_CONFIG = ZenotcConfig(
    base_url="http://zenotc.test",
    max_requests_per_s=10_000,
    burst=10_000,
    read_attempts=2,
    retry_base_delay_s=0.0,
)


@dataclasses.dataclass
class Rig:
    """A service and a poller on one venue account, and the market behind it."""

    venue: str
    account: str
    clock: ManualClock
    engine: SandboxEngine
    adapter: VenueClient
    store: OrderStore
    service: OrderService
    poller: VenuePoller
    errors: list[ErrorEvent]

    def price(self, factor: str, pair: str, tick: Decimal) -> Decimal:
        """`factor` x the current mid of `pair`, on the tick."""
        raw = self.engine.mid_price(pair) * Decimal(factor)
        return (raw / tick).to_integral_value(rounding=ROUND_FLOOR) * tick


@asynccontextmanager
async def _rig(
    venue: str, account: str, adapter: VenueClient, engine: SandboxEngine, clock: ManualClock
) -> AsyncIterator[Rig]:
    store = OrderStore()
    service = OrderService(store, {(venue, account): adapter})
    poller = VenuePoller(adapter, store)
    errors: list[ErrorEvent] = []
    service.errors.subscribe(errors.append)
    poller.errors.subscribe(errors.append)
    try:
        await adapter.instruments()
        yield Rig(venue, account, clock, engine, adapter, store, service, poller, errors)
    finally:
        await service.aclose()
        await adapter.aclose()


class Outage(httpx.AsyncBaseTransport):
    """The emulator behind a link that can fail the next look-ups of single orders
    (`GET /api/v1/orders/<id>`) with a refused connection, as a flaky network would."""

    def __init__(self) -> None:
        self.inner: httpx.AsyncBaseTransport | None = None  # set by `kucoin_rig`
        self.failing_lookups = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if self.failing_lookups and request.method == "GET" and path.startswith("/api/v1/orders/"):
            self.failing_lookups -= 1
            raise httpx.ConnectError("connection refused", request=request)
        assert self.inner is not None
        return await self.inner.handle_async_request(request)


@asynccontextmanager
async def kucoin_rig(outage: Outage | None = None) -> AsyncIterator[Rig]:
    """The KuCoin Futures adapter (no native pause or amend) on its emulator, behind
    `outage` when given."""
    clock = ManualClock(START)
    engine = SandboxEngine(seed=7, clock=clock)
    transport: httpx.AsyncBaseTransport = httpx.ASGITransport(
        app=kucoin_emulator.create_app(engine)
    )
    if outage is not None:
        outage.inner = transport
        transport = outage
    adapter = KucoinFuturesAdapter(
        KUCOIN_CONFIG,
        KucoinCredentials(**kucoin_emulator.DEMO_CREDENTIALS),
        KUCOIN_ACCOUNT,
        transport=transport,
    )
    async with _rig("kucoin_futures", KUCOIN_ACCOUNT, adapter, engine, clock) as rig:
        yield rig


@asynccontextmanager
async def zenotc_rig() -> AsyncIterator[Rig]:
    """The ZenOTC adapter (native amend of quantity and limit, no pause) on its emulator."""
    clock = ManualClock(START)
    engine = SandboxEngine(seed=7, clock=clock)
    app = zenotc_emulator.create_app(engine, requests_per_second=None)
    adapter = ZenotcAdapter(
        ZENOTC_CONFIG,
        ZenotcCredentials(**zenotc_emulator.DEMO_CREDENTIALS),
        ZENOTC_ACCOUNT,
        transport=httpx.ASGITransport(app=app),
    )
    async with _rig("zenotc", ZENOTC_ACCOUNT, adapter, engine, clock) as rig:
        yield rig
