"""The ZenOTC adapter and client against the sandbox emulator, in process (ASGITransport).

The emulator (gui/sandbox/zenotc.py) is written from the same document by someone else and
shares no code with the client: it verifies our signatures with its own HMAC on the raw
bytes received, so these tests catch misreadings on either side. A `ManualClock` makes the
simulated market move only when a test says so. The emulator's rate limit runs on real
time, so it is switched off except in the test about it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.types import Receive, Scope, Send

from gui.domain.errors import VenueAuthError, VenueNotFound, VenueRateLimited, VenueRejected
from gui.domain.orders import Amendment, OrderStatus, OrderTicket, Side, Strategy, TimeInForce
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.zenotc import DEMO_ACCOUNTS, DEMO_CREDENTIALS, create_app
from gui.venues.base import OrderReport, VenueClient
from gui.venues.zenotc import ZenotcAdapter, ZenotcConfig, ZenotcCredentials, wire
from tests.venues.zenotc.zenotc_fakes import FAST_CONFIG

D = Decimal
ACCOUNT = DEMO_ACCOUNTS[0]
CREDENTIALS = ZenotcCredentials(**DEMO_CREDENTIALS)
START = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)


@dataclass
class Counting:
    """Wraps the emulator and records `METHOD path` of every request."""

    app: Any
    seen: list[str] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append(f"{scope['method']} {scope['path']}")
        await self.app(scope, receive, send)

    def since(self, mark: int) -> list[str]:
        return self.seen[mark:]


@dataclass
class Desk:
    """An adapter wired to a fresh emulator, the engine and the clock that drives it."""

    adapter: ZenotcAdapter
    engine: SandboxEngine
    clock: ManualClock
    traffic: Counting

    def bid_ask(self, asset: str = "BTC") -> tuple[Decimal, Decimal]:
        return self.engine.best_bid_ask(f"{asset}-USD")


@pytest_asyncio.fixture
async def desk() -> AsyncIterator[Desk]:
    clock = ManualClock(START)
    engine = SandboxEngine(seed=7, clock=clock)
    traffic = Counting(create_app(engine, requests_per_second=None))
    transport = httpx.ASGITransport(app=traffic)
    async with ZenotcAdapter(FAST_CONFIG, CREDENTIALS, ACCOUNT, transport=transport) as adapter:
        yield Desk(adapter, engine, clock, traffic)


def ticket(
    strategy: Strategy, quantity: str = "1", side: Side = Side.BUY, **fields: Any
) -> OrderTicket:
    base: dict[str, Any] = {"pair": "BTC-USD"} | fields
    return OrderTicket("zenotc", ACCOUNT, base.pop("pair"), side, D(quantity), strategy, **base)


def assert_fills_add_up(report: OrderReport) -> None:
    fills = report.fills or ()
    assert len({fill.fill_id for fill in fills}) == len(fills)
    assert sum((fill.quantity for fill in fills), D(0)) == report.filled_qty
    for fill in fills:
        assert fill.fee_asset == "USD" and fill.liquidity == ""
        assert fill.fee == fill.quantity * fill.price * D("0.0005")  # the doc's 0.05 %


@pytest.mark.asyncio
async def test_adapter_fulfils_the_protocol_and_lists_the_sandbox_assets(desk: Desk) -> None:
    adapter: VenueClient = desk.adapter
    assert isinstance(adapter, VenueClient)
    pairs = [instrument.pair for instrument in await adapter.instruments()]
    for pair in pairs:  # every configured asset trades in the sandbox
        assert desk.engine.mid_price(pair) > 0
    assert pairs[0] == "BTC-USD"


@pytest.mark.asyncio
async def test_market_order_fills_at_once_with_its_fills(desk: Desk) -> None:
    report = await desk.adapter.submit(ticket(Strategy.MARKET), "mkt-1")
    assert report.status is OrderStatus.FILLED and report.filled_qty == D(1)
    assert report.strategy is Strategy.MARKET and report.limit_price is None
    assert report.fills and report.avg_fill_px is not None
    assert_fills_add_up(report)
    assert desk.traffic.seen == [
        "POST /api/sdk/orders",
        f"GET /api/sdk/orders/{report.venue_order_id}/fills",
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("strategy", "tif", "aggressive", "status"),
    [
        (Strategy.IOC, TimeInForce.GTC, True, OrderStatus.FILLED),
        (Strategy.IOC, TimeInForce.GTC, False, OrderStatus.EXPIRED),
        (Strategy.LIMIT, TimeInForce.IOC, False, OrderStatus.EXPIRED),
        (Strategy.LIMIT, TimeInForce.FOK, True, OrderStatus.FILLED),
        (Strategy.LIMIT, TimeInForce.FOK, False, OrderStatus.EXPIRED),
    ],
    ids=["ioc-crossing", "ioc-away", "limit-ioc-away", "fok-crossing", "fok-away"],
)
async def test_immediate_orders(
    desk: Desk, strategy: Strategy, tif: TimeInForce, aggressive: bool, status: OrderStatus
) -> None:
    _, ask = desk.bid_ask()
    price = ask * D("1.01") if aggressive else ask * D("0.9")
    sent = ticket(strategy, limit_price=price, time_in_force=tif)
    report = await desk.adapter.submit(sent, f"imm-{strategy}-{tif}")
    assert report.status is status
    assert report.strategy is strategy  # what we sent, not what the venue's fields imply
    assert_fills_add_up(report)
    if status is OrderStatus.EXPIRED:
        assert report.fills == () and report.filled_qty == 0
    full = await desk.adapter.order(report.venue_order_id)
    assert (full.status, full.filled_qty, full.fills) == (status, report.filled_qty, report.fills)


@pytest.mark.asyncio
async def test_resting_limit_is_found_by_id_and_client_order_id(desk: Desk) -> None:
    bid, _ = desk.bid_ask()
    report = await desk.adapter.submit(
        ticket(Strategy.LIMIT, "0.25", limit_price=bid * D("0.9")), "rest-1"
    )
    assert report.status is OrderStatus.WORKING and report.fills == ()
    assert report.client_order_id == "rest-1" and report.account == ACCOUNT
    found = await desk.adapter.find_by_client_order_id("rest-1")
    assert found is not None and found.venue_order_id == report.venue_order_id
    by_id = await desk.adapter.order(report.venue_order_id)
    assert (by_id.quantity, by_id.limit_price) == (D("0.25"), report.limit_price)
    assert by_id.strategy is Strategy.LIMIT and by_id.pair == "BTC-USD"
    assert await desk.adapter.find_by_client_order_id("never-sent") is None
    with pytest.raises(VenueNotFound):
        await desk.adapter.order("ord_doesnotexist")


@pytest.mark.asyncio
async def test_rejections_keep_the_venue_words(desk: Desk) -> None:
    bid, _ = desk.bid_ask()
    with pytest.raises(VenueRejected, match="Risk check failed") as risk:
        await desk.adapter.submit(ticket(Strategy.LIMIT, "1000", limit_price=bid), "big-1")
    assert risk.value.status_code == 422
    with pytest.raises(VenueRejected, match="ZZZ") as unknown:
        await desk.adapter.submit(ticket(Strategy.MARKET, pair="ZZZ-USD"), "zzz-1")
    assert unknown.value.status_code == 400
    # A client order id already on an open order (decision 11).
    await desk.adapter.submit(ticket(Strategy.LIMIT, limit_price=bid * D("0.9")), "dup-1")
    with pytest.raises(VenueRejected) as duplicate:
        await desk.adapter.submit(ticket(Strategy.LIMIT, limit_price=bid * D("0.9")), "dup-1")
    assert duplicate.value.status_code == 409


@pytest.mark.asyncio
async def test_amend_changes_total_quantity_and_price_in_place(desk: Desk) -> None:
    bid, _ = desk.bid_ask()
    report = await desk.adapter.submit(ticket(Strategy.LIMIT, limit_price=bid * D("0.9")), "am-1")
    new_price = (bid * D("0.8")).quantize(D("0.01"))
    await desk.adapter.amend(
        report.venue_order_id, Amendment(quantity=D("2.5"), limit_price=new_price)
    )
    amended = await desk.adapter.order(report.venue_order_id)
    assert (amended.quantity, amended.limit_price) == (D("2.5"), new_price)
    assert amended.venue_order_id == report.venue_order_id and amended.status is OrderStatus.WORKING
    await desk.adapter.cancel(report.venue_order_id)
    with pytest.raises(VenueRejected) as conflict:
        await desk.adapter.amend(report.venue_order_id, Amendment(quantity=D(3)))
    assert conflict.value.status_code == 409


@pytest.mark.asyncio
async def test_amend_below_the_filled_quantity_is_refused(desk: Desk) -> None:
    bid, _ = desk.bid_ask()
    report = await desk.adapter.submit(ticket(Strategy.LIMIT, "40", limit_price=bid), "am-2")
    desk.clock.advance(15)
    partly = await desk.adapter.order(report.venue_order_id)
    assert partly.status is OrderStatus.PARTIALLY_FILLED and 0 < partly.filled_qty < 40
    with pytest.raises(VenueRejected) as below:
        await desk.adapter.amend(report.venue_order_id, Amendment(quantity=partly.filled_qty / 2))
    assert below.value.status_code == 400


@pytest.mark.asyncio
async def test_cancel_then_cancel_again(desk: Desk) -> None:
    bid, _ = desk.bid_ask()
    report = await desk.adapter.submit(ticket(Strategy.LIMIT, limit_price=bid * D("0.9")), "cx-1")
    await desk.adapter.cancel(report.venue_order_id)
    assert (await desk.adapter.order(report.venue_order_id)).status is OrderStatus.CANCELED
    with pytest.raises(VenueRejected) as again:
        await desk.adapter.cancel(report.venue_order_id)
    assert again.value.status_code == 409
    assert await desk.adapter.open_orders() == []


@pytest.mark.asyncio
async def test_cancel_all_cancels_every_open_order(desk: Desk) -> None:
    bid, _ = desk.bid_ask()
    eth_bid, _ = desk.bid_ask("ETH")
    sent = [
        await desk.adapter.submit(ticket(Strategy.LIMIT, limit_price=bid * D("0.9")), "all-1"),
        await desk.adapter.submit(
            ticket(Strategy.LIMIT, pair="ETH-USD", limit_price=eth_bid * D("0.9")), "all-2"
        ),
    ]
    assert len(await desk.adapter.open_orders()) == 2
    await desk.adapter.cancel_all()
    assert await desk.adapter.open_orders() == []
    for report in sent:
        assert (await desk.adapter.order(report.venue_order_id)).status is OrderStatus.CANCELED


@pytest.mark.asyncio
async def test_open_orders_reads_fills_only_for_orders_that_filled_more(desk: Desk) -> None:
    # Arrange: one order at the bid (fills as the market trades), one far away (never).
    bid, _ = desk.bid_ask()
    filling = await desk.adapter.submit(ticket(Strategy.LIMIT, "40", limit_price=bid), "oo-1")
    await desk.adapter.submit(ticket(Strategy.LIMIT, limit_price=bid * D("0.8")), "oo-2")
    mark = len(desk.traffic.seen)
    # Act / Assert: nothing filled yet: one list request per poll, no fills requests.
    first = await desk.adapter.open_orders()
    assert len(first) == 2 and all(r.fills == () for r in first)
    assert desk.traffic.since(mark) == ["GET /api/sdk/orders"]
    fills_path = f"GET /api/sdk/orders/{filling.venue_order_id}/fills"
    seen_fill_ids: set[str] = set()
    for _ in range(30):
        desk.clock.advance(5)
        mark = len(desk.traffic.seen)
        reports = {r.client_order_id: r for r in await desk.adapter.open_orders()}
        if "oo-1" not in reports:
            break
        report = reports["oo-1"]
        assert_fills_add_up(report)
        seen_fill_ids |= {fill.fill_id for fill in report.fills or ()}
        expected = ["GET /api/sdk/orders"] + ([fills_path] if report.filled_qty > 0 else [])
        # A poll right after costs one request: the filled quantity has not moved.
        assert desk.traffic.since(mark) == expected
        mark = len(desk.traffic.seen)
        await desk.adapter.open_orders()
        assert desk.traffic.since(mark) == ["GET /api/sdk/orders"]
        assert reports["oo-2"].status is OrderStatus.WORKING and reports["oo-2"].fills == ()
    # The filled order left the open list; the poller would now read it by id.
    done = await desk.adapter.order(filling.venue_order_id)
    assert done.status is OrderStatus.FILLED and done.filled_qty == D(40)
    assert_fills_add_up(done)
    assert seen_fill_ids <= {fill.fill_id for fill in done.fills or ()}
    assert done.avg_fill_px is not None


@pytest.mark.asyncio
async def test_batch_create_reports_each_item(desk: Desk) -> None:
    bid, _ = desk.bid_ask()
    price = (bid * D("0.9")).quantize(D("0.01"))
    good = wire.CreateOrderRequest(side="buy", asset="BTC", quantity=D("0.1"), price=price)
    bad = wire.CreateOrderRequest(side="buy", asset="ZZZ", quantity=D("0.1"), price=price)
    result = await desk.adapter.client.create_orders([good, bad, good])
    assert [item.success for item in result.results] == [True, False, True]
    assert result.results[1].index == 1 and "ZZZ" in (result.results[1].error or "")
    assert result.summary is not None and result.summary.failed == 1
    assert len(await desk.adapter.open_orders()) == 2


@pytest.mark.asyncio
async def test_cancel_all_filters_by_asset_and_side(desk: Desk) -> None:
    bid, ask = desk.bid_ask()
    await desk.adapter.submit(ticket(Strategy.LIMIT, limit_price=bid * D("0.9")), "f-1")
    await desk.adapter.submit(
        ticket(Strategy.LIMIT, side=Side.SELL, limit_price=ask * D("1.1")), "f-2"
    )
    result = await desk.adapter.client.cancel_all_orders(asset="BTC", side="sell")
    assert result.cancelled_count == 1
    (left,) = await desk.adapter.open_orders()
    assert left.client_order_id == "f-1"


@pytest.mark.asyncio
async def test_wrong_secret_is_an_auth_error() -> None:
    app = create_app(SandboxEngine(seed=7, clock=ManualClock(START)), requests_per_second=None)
    wrong = ZenotcCredentials(CREDENTIALS.api_key, "not-the-secret")
    transport = httpx.ASGITransport(app=app)
    async with ZenotcAdapter(FAST_CONFIG, wrong, ACCOUNT, transport=transport) as adapter:
        with pytest.raises(VenueAuthError, match="Invalid signature") as caught:
            await adapter.open_orders()
    assert caught.value.status_code == 401


@pytest.mark.asyncio
async def test_the_venue_429_is_a_rate_limit_error() -> None:
    # The emulator counts 10 requests per real second; with its clock held still, the 11th
    # is refused. A short retry limit surfaces the 429 instead of waiting a real second.
    frozen_s = time.time()
    app = create_app(
        SandboxEngine(seed=7, clock=ManualClock(START)),
        requests_per_second=10,
        wall_clock_s=lambda: frozen_s,
    )
    config = ZenotcConfig(
        base_url="http://zenotc.test",
        max_requests_per_s=10_000,
        burst=10_000,
        retry_max_delay_s=0.5,
    )
    transport = httpx.ASGITransport(app=app)
    async with ZenotcAdapter(config, CREDENTIALS, ACCOUNT, transport=transport) as adapter:
        for _ in range(10):
            await adapter.open_orders()
        with pytest.raises(VenueRateLimited) as caught:
            await adapter.open_orders()
    assert caught.value.status_code == 429 and caught.value.retry_after_s == 1.0
