"""The KuCoin Futures adapter and client against the sandbox emulator, in process.

The emulator (gui/sandbox/kucoin_futures*.py) is written from the same document by someone
else, verifies signatures with its own code and shares nothing with the client, so these
tests catch misreadings on either side. A `ManualClock` moves the simulated market only when
a test says so; signatures are checked against the wall clock, as on the real venue.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio

from gui.domain.errors import (
    TicketInvalid,
    VenueAuthError,
    VenueNotFound,
    VenueRateLimited,
    VenueRejected,
)
from gui.domain.options import OrderOptions, StopDirection, StopTrigger
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy, TimeInForce
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.kucoin_futures import DEMO_ACCOUNTS, DEMO_CREDENTIALS, create_app
from gui.venues.base import OrderReport, VenueClient
from gui.venues.kucoin_futures import (
    KucoinAuth,
    KucoinCredentials,
    KucoinFuturesAdapter,
    KucoinFuturesClient,
)
from gui.venues.kucoin_futures.transport import PUBLIC_PATHS
from gui.venues.kucoin_futures.wire_requests import OrderRequest
from tests.venues.kucoin_futures.kucoin_fakes import FAST_CONFIG

D = Decimal
START = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)
ACCOUNT = DEMO_ACCOUNTS[0]
CREDENTIALS = KucoinCredentials(**DEMO_CREDENTIALS)
BTC_TICK = D("0.1")

pytestmark = pytest.mark.asyncio


@dataclass
class Desk:
    """An adapter on a fresh emulator, the engine and the clock that drives its market."""

    adapter: KucoinFuturesAdapter
    engine: SandboxEngine
    clock: ManualClock
    app: Any

    def price(self, factor: str, pair: str = "BTC-USDT", tick: Decimal = BTC_TICK) -> Decimal:
        """`factor` x mid, on the tick."""
        raw = self.engine.mid_price(pair) * D(factor)
        return (raw / tick).to_integral_value(rounding=ROUND_FLOOR) * tick

    def client(self, auth: KucoinAuth) -> KucoinFuturesClient:
        return KucoinFuturesClient(FAST_CONFIG, auth, transport=httpx.ASGITransport(app=self.app))


@pytest_asyncio.fixture
async def desk() -> AsyncIterator[Desk]:
    clock = ManualClock(START)
    engine = SandboxEngine(seed=7, clock=clock)
    app = create_app(engine)
    transport = httpx.ASGITransport(app=app)
    async with KucoinFuturesAdapter(
        FAST_CONFIG, CREDENTIALS, ACCOUNT, transport=transport
    ) as adapter:
        await adapter.instruments()
        yield Desk(adapter, engine, clock, app)


def ticket(
    strategy: Strategy,
    quantity: str = "0.005",
    price: Decimal | None = None,
    side: Side = Side.BUY,
    pair: str = "BTC-USDT",
    tif: TimeInForce = TimeInForce.GTC,
    **options: Any,
) -> OrderTicket:
    return OrderTicket(
        "kucoin_futures",
        ACCOUNT,
        pair,
        side,
        D(quantity),
        strategy,
        limit_price=price,
        time_in_force=tif,
        options=OrderOptions(**options),
    )


def assert_fills_add_up(report: OrderReport) -> None:
    fills = report.fills or ()
    assert len({fill.fill_id for fill in fills}) == len(fills)
    assert sum((fill.quantity for fill in fills), D(0)) == report.filled_qty


async def test_adapter_fulfils_the_protocol_and_lists_the_emulated_contracts(desk: Desk) -> None:
    adapter: VenueClient = desk.adapter
    assert isinstance(adapter, VenueClient)
    instruments = {item.pair: item for item in await adapter.instruments()}
    btc = instruments["BTC-USDT"]
    assert (btc.symbol, btc.multiplier, btc.tick_size, btc.lot_size) == (
        "XBTUSDTM",
        D("0.001"),
        D("0.1"),
        D(1),
    )
    assert instruments["XRP-USDT"].multiplier == D(10)
    assert btc.max_leverage == D(125)


async def test_resting_limit_order_lifecycle(desk: Desk) -> None:
    # Arrange/Act: a buy 10% under the market rests.
    price = desk.price("0.9")
    ack = await desk.adapter.submit(ticket(Strategy.LIMIT, "0.005", price), "OD-limit-1")

    # Assert: the venue's own view, in base units, by id, by clientOid and in the open list.
    assert ack.status == OrderStatus.WORKING
    report = await desk.adapter.order(ack.venue_order_id)
    assert (report.status, report.quantity, report.filled_qty) == (
        OrderStatus.WORKING,
        D("0.005"),
        D(0),
    )
    assert (report.limit_price, report.strategy, report.pair) == (price, Strategy.LIMIT, "BTC-USDT")
    assert report.fills == ()
    found = await desk.adapter.find_by_client_order_id("OD-limit-1")
    assert found is not None and found.venue_order_id == ack.venue_order_id
    open_ids = {r.venue_order_id for r in await desk.adapter.open_orders()}
    assert ack.venue_order_id in open_ids

    await desk.adapter.cancel(ack.venue_order_id)

    cancelled = await desk.adapter.order(ack.venue_order_id)
    assert cancelled.status == OrderStatus.CANCELED
    assert ack.venue_order_id not in {r.venue_order_id for r in await desk.adapter.open_orders()}
    with pytest.raises(VenueNotFound):
        await desk.adapter.cancel(ack.venue_order_id)  # 100004: no longer cancelable


async def test_market_order_fills_with_fees_and_liquidity(desk: Desk) -> None:
    ack = await desk.adapter.submit(ticket(Strategy.MARKET, "0.25"), "OD-market-1")

    report = await desk.adapter.order(ack.venue_order_id)

    assert report.status == OrderStatus.FILLED
    assert report.filled_qty == report.quantity == D("0.25")
    assert report.avg_fill_px is not None and report.limit_price is None
    assert report.fills
    assert_fills_add_up(report)
    for fill in report.fills:
        assert fill.liquidity == "taker" and fill.fee_asset == "USDT"
        assert fill.fee is not None and fill.fee > 0
        assert fill.quantity % D("0.001") == 0  # whole lots, converted to base


async def test_marketable_limit_partially_fills_and_polls_with_its_fills(desk: Desk) -> None:
    # A big buy one tick over the ask takes the touch and rests the rest.
    _, ask = desk.engine.best_bid_ask("BTC-USDT")
    ack = await desk.adapter.submit(ticket(Strategy.LIMIT, "20", ask), "OD-big-1")

    reports = {r.venue_order_id: r for r in await desk.adapter.open_orders()}

    report = reports[ack.venue_order_id]
    assert report.status == OrderStatus.PARTIALLY_FILLED
    assert D(0) < report.filled_qty < D(20)
    assert_fills_add_up(report)  # recentFills attached by orderId
    full = await desk.adapter.order(ack.venue_order_id)
    assert {f.fill_id for f in full.fills or ()} == {f.fill_id for f in report.fills or ()}


@pytest.mark.parametrize("as_time_in_force", [False, True])
async def test_ioc_cancels_what_does_not_cross(desk: Desk, as_time_in_force: bool) -> None:
    price = desk.price("0.9")
    the_ticket = (
        ticket(Strategy.LIMIT, "0.005", price, tif=TimeInForce.IOC)
        if as_time_in_force
        else ticket(Strategy.IOC, "0.005", price)
    )
    ack = await desk.adapter.submit(the_ticket, f"OD-ioc-{as_time_in_force}")

    report = await desk.adapter.order(ack.venue_order_id)

    assert (report.status, report.filled_qty, report.strategy) == (
        OrderStatus.CANCELED,
        D(0),
        Strategy.IOC,
    )


async def test_stop_order_is_scheduled_until_cancelled(desk: Desk) -> None:
    trigger = StopTrigger(StopDirection.DOWN, desk.price("0.5"))
    ack = await desk.adapter.submit(
        ticket(Strategy.MARKET, "0.003", side=Side.SELL, stop=trigger), "OD-stop-1"
    )

    listed = {r.venue_order_id: r for r in await desk.adapter.open_orders()}
    single = await desk.adapter.order(ack.venue_order_id)

    assert ack.status == listed[ack.venue_order_id].status == OrderStatus.SCHEDULED
    assert single.status == OrderStatus.SCHEDULED
    await desk.adapter.cancel(ack.venue_order_id)
    assert (await desk.adapter.order(ack.venue_order_id)).status == OrderStatus.CANCELED


async def test_stop_order_triggers_when_the_market_crosses(desk: Desk) -> None:
    # A buy stop just above the market: "up" fires once the mid reaches it.
    trigger = StopTrigger(StopDirection.UP, desk.price("1"))
    ack = await desk.adapter.submit(ticket(Strategy.MARKET, "0.003", stop=trigger), "OD-stop-up")
    for _ in range(200):
        desk.clock.advance(30)
        report = await desk.adapter.order(ack.venue_order_id)
        if report.status != OrderStatus.SCHEDULED:
            break
    assert report.status == OrderStatus.FILLED
    assert_fills_add_up(report)


async def test_iceberg_and_hidden_rest_in_lots(desk: Desk) -> None:
    price = desk.price("0.9")
    iceberg = await desk.adapter.submit(
        ticket(Strategy.LIMIT, "0.010", price, visible_quantity=D("0.002")), "OD-ice-1"
    )
    hidden = await desk.adapter.submit(
        ticket(Strategy.LIMIT, "0.010", price, hidden=True), "OD-hid-1"
    )

    raw_iceberg = await desk.adapter.client.order(iceberg.venue_order_id)
    raw_hidden = await desk.adapter.client.order(hidden.venue_order_id)

    assert (raw_iceberg.iceberg, raw_iceberg.visible_size, raw_iceberg.size) == (True, 2, 10)
    assert raw_hidden.hidden is True
    assert (await desk.adapter.order(iceberg.venue_order_id)).status == OrderStatus.WORKING


async def test_post_only_that_would_cross_is_cancelled_by_the_venue(desk: Desk) -> None:
    _, ask = desk.engine.best_bid_ask("BTC-USDT")
    ack = await desk.adapter.submit(
        ticket(Strategy.LIMIT, "0.005", ask + BTC_TICK, post_only=True), "OD-po-1"
    )
    report = await desk.adapter.order(ack.venue_order_id)
    assert (report.status, report.filled_qty) == (OrderStatus.CANCELED, D(0))


async def test_rejections(desk: Desk) -> None:
    price = desk.price("0.9")
    # The adapter refuses what it knows the venue would (nothing sent)...
    with pytest.raises(TicketInvalid):
        await desk.adapter.submit(ticket(Strategy.LIMIT, "0.0005", price), "OD-rej-1")
    # ...and the venue's own refusals come back with its code.
    await desk.adapter.submit(ticket(Strategy.LIMIT, "0.005", price), "OD-dup")
    with pytest.raises(VenueRejected) as duplicate:
        await desk.adapter.submit(ticket(Strategy.LIMIT, "0.005", price), "OD-dup")
    assert duplicate.value.venue_code == "100001"
    both = OrderRequest(
        client_oid="OD-rej-2",
        side="buy",
        symbol="XBTUSDTM",
        leverage=1,
        type="limit",
        price=price,
        size=1,
        post_only=True,
        hidden=True,
    )
    with pytest.raises(VenueRejected) as clash:
        await desk.adapter.client.add_order(both)
    assert clash.value.venue_code in ("100001", "400100")
    with pytest.raises(VenueNotFound):
        await desk.adapter.order("123456789012345678")
    assert await desk.adapter.find_by_client_order_id("never-sent") is None


async def test_wrong_secret_is_an_auth_error(desk: Desk) -> None:
    bad = KucoinAuth(
        CREDENTIALS.api_key, "wrong-secret", CREDENTIALS.api_passphrase, public_paths=PUBLIC_PATHS
    )
    client = desk.client(bad)
    try:
        with pytest.raises(VenueAuthError):
            await client.recent_fills()
    finally:
        await client.aclose()


async def test_skewed_clock_is_resynced_once(desk: Desk) -> None:
    behind = KucoinAuth(
        CREDENTIALS.api_key,
        CREDENTIALS.api_secret,
        CREDENTIALS.api_passphrase,
        clock_ms=lambda: time.time_ns() // 1_000_000 - 60_000,
        public_paths=PUBLIC_PATHS,
    )
    client = desk.client(behind)
    try:
        assert await client.recent_fills() == []
    finally:
        await client.aclose()
    assert 55_000 < behind.clock_offset_ms < 65_000


async def test_cancel_all_cancels_orders_on_every_contract_and_stops(desk: Desk) -> None:
    btc = await desk.adapter.submit(ticket(Strategy.LIMIT, "0.005", desk.price("0.9")), "OD-ca-1")
    eth_price = desk.price("0.9", "ETH-USDT", D("0.01"))
    eth = await desk.adapter.submit(
        ticket(Strategy.LIMIT, "0.05", eth_price, pair="ETH-USDT"), "OD-ca-2"
    )
    stop = await desk.adapter.submit(
        ticket(
            Strategy.MARKET,
            "0.003",
            side=Side.SELL,
            stop=StopTrigger(StopDirection.DOWN, desk.price("0.5")),
        ),
        "OD-ca-3",
    )
    assert len(await desk.adapter.open_orders()) == 3

    await desk.adapter.cancel_all()

    assert await desk.adapter.open_orders() == []
    for ack in (btc, eth, stop):
        assert (await desk.adapter.order(ack.venue_order_id)).status == OrderStatus.CANCELED


async def test_exhausted_pool_is_answered_with_429000_and_its_reset() -> None:
    # A pool of 3 weight units per 30 s; Get Open Order Value weighs 10 (notes §2.0), so the
    # venue answers 429000 with the window's reset, longer than our retry limit: surfaced.
    app = create_app(SandboxEngine(seed=7, clock=ManualClock(START)), requests_per_second=0.1)
    transport = httpx.ASGITransport(app=app)
    async with KucoinFuturesAdapter(
        FAST_CONFIG, CREDENTIALS, ACCOUNT, transport=transport
    ) as adapter:
        with pytest.raises(VenueRateLimited) as caught:
            for _ in range(5):
                await adapter.client.open_order_statistics("XBTUSDTM")  # weight 10 > 3

    assert caught.value.retry_after_s is not None and 0 < caught.value.retry_after_s <= 30
    assert "429000" in caught.value.venue_message
