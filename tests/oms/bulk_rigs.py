"""A desk on five venues for the bulk action tests: one OrderService over the real KuCoin
Futures, ZenOTC, Tread.fi (two accounts of one token), DFX and Anboto adapters, each on
its own emulator in process (ASGI transport), every emulator on one `ManualClock`.

Each emulator sits behind `Traffic`, which records `METHOD path` of every request (to see
which endpoints a bulk action used) and can answer chosen requests 503 (a venue outage).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import httpx
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from gui.domain.orders import TERMINAL, Order, OrderStatus, OrderTicket, Side, Strategy
from gui.oms.events import ErrorEvent
from gui.oms.polling import VenuePoller
from gui.oms.service import OrderService
from gui.oms.store import OrderStore
from gui.sandbox import anboto as anboto_emulator
from gui.sandbox import dfx as dfx_emulator
from gui.sandbox import kucoin_futures as kucoin_emulator
from gui.sandbox import treadfi as treadfi_emulator
from gui.sandbox import zenotc as zenotc_emulator
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.venues.anboto import AnbotoAdapter, AnbotoConfig, AnbotoCredentials
from gui.venues.base import VenueClient
from gui.venues.dfx import DfxAdapter, DfxConfig, DfxCredentials, DfxRateLimits
from gui.venues.kucoin_futures import KucoinCredentials, KucoinFuturesAdapter
from gui.venues.treadfi import TreadfiAdapter, TreadfiConfig
from gui.venues.zenotc import ZenotcAdapter, ZenotcCredentials
from tests.oms.synthetic_rigs import KUCOIN_CONFIG, ZENOTC_CONFIG

D = Decimal
START = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)
ALL_VENUES = ("kucoin_futures", "zenotc", "treadfi", "dfx", "anboto")
# ZenOTC quotes in USD; the others here in USDT.
PAIRS = {"zenotc": ("BTC-USD", "ETH-USD")}
DEFAULT_PAIRS = ("BTC-USDT", "ETH-USDT")

TREADFI_CONFIG = TreadfiConfig(
    base_url="http://treadfi.test", max_requests_per_s=10_000, burst=10_000
)
DFX_CONFIG = DfxConfig(
    base_url="http://dfx.test",
    account_id=dfx_emulator.DEMO_CREDENTIALS["account_id"],
    rate_limits=DfxRateLimits.uniform(10_000),
    burst=10_000,
    retry_base_delay_s=0.0,
)
ANBOTO_CONFIG = AnbotoConfig(
    base_url="http://anboto.test",
    max_requests_per_s=10_000,
    burst=10_000,
    read_attempts=2,
    retry_base_delay_s=0.0,
)


@dataclass
class Traffic:
    """Wraps an emulator: records `METHOD path` of every request; answers 503 to those
    `refuse` picks (and does not pass them on)."""

    app: ASGIApp
    seen: list[str] = field(default_factory=list)
    refuse: Callable[[str], bool] | None = None
    lose: Callable[[str], bool] | None = None
    """Requests `lose` picks are processed, then answered 502 (the answer lost)."""

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            line = f"{scope['method']} {scope['path']}"
            self.seen.append(line)
            if self.refuse is not None and self.refuse(line):
                await PlainTextResponse("Service Unavailable", 503)(scope, receive, send)
                return
            if self.lose is not None and self.lose(line):

                async def swallow(message: Any) -> None:
                    pass

                await self.app(scope, receive, swallow)
                await PlainTextResponse("Bad Gateway", 502)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def count(self, method: str, path_start: str) -> int:
        """Requests seen with this method whose path starts with `path_start`."""
        return sum(1 for line in self.seen if line.startswith(f"{method} {path_start}"))


@dataclass
class Account:
    """One venue account of the desk."""

    venue: str
    account: str
    adapter: VenueClient
    engine: SandboxEngine
    traffic: Traffic
    poller: VenuePoller


@dataclass
class Desk:
    """The service, its store and the accounts behind it."""

    clock: ManualClock
    store: OrderStore
    service: OrderService
    accounts: list[Account]
    errors: list[ErrorEvent]

    def account(self, venue: str, index: int = 0) -> Account:
        return [acc for acc in self.accounts if acc.venue == venue][index]

    def traffic(self, venue: str) -> Traffic:
        return self.account(venue).traffic

    def order(self, client_order_id: str) -> Order:
        found = self.store.get(client_order_id)
        assert found is not None
        return found

    async def place(self, venue: str, side: Side, pair_index: int = 0, index: int = 0) -> Order:
        """A resting order: a limit far from the market (a one-hour TWAP on Tread.fi)."""
        acc = self.account(venue, index)
        pair = PAIRS.get(venue, DEFAULT_PAIRS)[pair_index]
        quantity = D("0.01")
        if venue == "treadfi":
            ticket = OrderTicket(
                venue, acc.account, pair, side, D("1"), Strategy.TWAP, duration_s=3600
            )
        else:
            bid, ask = acc.engine.best_bid_ask(pair)
            raw = bid * D("0.8") if side == Side.BUY else ask * D("1.2")
            price = raw.to_integral_value(rounding=ROUND_FLOOR)
            ticket = OrderTicket(
                venue, acc.account, pair, side, quantity, Strategy.LIMIT, limit_price=price
            )
        order = await self.service.submit(ticket)
        assert order.status not in TERMINAL, (venue, order.reason)
        return order

    async def settle(self, seconds: int = 3) -> None:
        """Move the market on (Anboto accepts orders and finishes cancels after a delay)
        and poll every account once."""
        self.clock.advance(seconds)
        results = await asyncio.gather(*(acc.poller.poll_once() for acc in self.accounts))
        assert all(results), self.errors

    async def open_at_venues(self) -> set[tuple[str, str]]:
        """(venue, venue order id) of every order some venue still works (one read per
        emulator: the Tread.fi accounts share one)."""
        seen: set[tuple[str, str]] = set()
        for acc in self.accounts:
            for report in await acc.adapter.open_orders():
                if report.status != OrderStatus.PENDING_CANCEL:
                    seen.add((report.venue, report.venue_order_id))
        return seen


def at_venue(orders: Sequence[Order]) -> set[tuple[str, str]]:
    """(venue, venue order id) of orders."""
    return {(order.venue, order.venue_order_id or "") for order in orders}


def _accounts(
    clock: ManualClock, venues: Sequence[str], refuse: Callable[[str], bool] | None
) -> list[tuple[str, str, VenueClient, SandboxEngine, Traffic]]:
    built: list[tuple[str, str, VenueClient, SandboxEngine, Traffic]] = []
    for venue in venues:
        engine = SandboxEngine(seed=7, clock=clock)
        adapter: VenueClient
        if venue == "kucoin_futures":
            traffic = Traffic(kucoin_emulator.create_app(engine), refuse=refuse)
            account = kucoin_emulator.DEMO_ACCOUNTS[0]
            adapter = KucoinFuturesAdapter(
                KUCOIN_CONFIG,
                KucoinCredentials(**kucoin_emulator.DEMO_CREDENTIALS),
                account,
                transport=httpx.ASGITransport(app=traffic),
            )
        elif venue == "zenotc":
            app = zenotc_emulator.create_app(engine, requests_per_second=None)
            traffic = Traffic(app, refuse=refuse)
            account = zenotc_emulator.DEMO_ACCOUNTS[0]
            adapter = ZenotcAdapter(
                ZENOTC_CONFIG,
                ZenotcCredentials(**zenotc_emulator.DEMO_CREDENTIALS),
                account,
                transport=httpx.ASGITransport(app=traffic),
            )
        elif venue == "treadfi":
            traffic = Traffic(treadfi_emulator.create_app(engine), refuse=refuse)
            for account in treadfi_emulator.DEMO_ACCOUNTS:
                tread = TreadfiAdapter(
                    TREADFI_CONFIG,
                    treadfi_emulator.DEMO_API_KEY,
                    account,
                    transport=httpx.ASGITransport(app=traffic),
                )
                built.append((venue, account, tread, engine, traffic))
            continue
        elif venue == "dfx":
            traffic = Traffic(dfx_emulator.create_app(engine, rate_limit_scale=None), refuse=refuse)
            account = dfx_emulator.DEMO_ACCOUNTS[0]
            credentials = dfx_emulator.DEMO_CREDENTIALS
            adapter = DfxAdapter(
                DFX_CONFIG,
                DfxCredentials(credentials["api_key"], credentials["private_key"]),
                account,
                transport=httpx.ASGITransport(app=traffic),
            )
        else:
            app = anboto_emulator.create_app(engine, requests_per_second=None)
            traffic = Traffic(app, refuse=refuse)
            account = anboto_emulator.DEMO_ACCOUNTS[0]
            adapter = AnbotoAdapter(
                ANBOTO_CONFIG,
                AnbotoCredentials(**anboto_emulator.DEMO_CREDENTIALS),
                account,
                transport=httpx.ASGITransport(app=traffic),
                now=clock.now,
            )
        built.append((venue, account, adapter, engine, traffic))
    return built


@asynccontextmanager
async def bulk_desk(
    venues: Sequence[str] = ALL_VENUES, refuse: Callable[[str], bool] | None = None
) -> AsyncIterator[Desk]:
    """A desk on `venues` (Tread.fi with both its demo accounts)."""
    clock = ManualClock(START)
    parts = _accounts(clock, venues, refuse)
    store = OrderStore()
    service = OrderService(
        store, {(venue, account): adapter for venue, account, adapter, *_ in parts}
    )
    errors: list[ErrorEvent] = []
    service.errors.subscribe(errors.append)
    accounts = []
    for venue, account, adapter, engine, traffic in parts:
        poller = VenuePoller(adapter, store)
        poller.errors.subscribe(errors.append)
        accounts.append(Account(venue, account, adapter, engine, traffic, poller))
    async with AsyncExitStack() as stack:
        for acc in accounts:
            stack.push_async_callback(acc.adapter.aclose)
        stack.push_async_callback(service.aclose)
        for acc in accounts:
            await acc.adapter.instruments()
        yield Desk(clock, store, service, accounts, errors)


async def populated(desk: Desk) -> list[Order]:
    """Per venue account: two BTC buys, one BTC sell, one ETH buy, one ETH sell (30 orders
    on six accounts of five venues), all working once settled."""
    orders: list[Order] = []
    for acc in desk.accounts:
        index = (
            0
            if acc.venue != "treadfi"
            else [a.account for a in desk.accounts if a.venue == "treadfi"].index(acc.account)
        )
        for side, pair_index in (
            (Side.BUY, 0),
            (Side.BUY, 0),
            (Side.SELL, 0),
            (Side.BUY, 1),
            (Side.SELL, 1),
        ):
            orders.append(await desk.place(acc.venue, side, pair_index, index))
    await desk.settle()
    current = [desk.order(order.client_order_id) for order in orders]
    assert all(
        order.status in (OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED) for order in current
    ), [(o.venue, o.status, o.reason) for o in current]
    return current


__all__ = [
    "ALL_VENUES",
    "Account",
    "Desk",
    "Traffic",
    "at_venue",
    "bulk_desk",
    "populated",
]
