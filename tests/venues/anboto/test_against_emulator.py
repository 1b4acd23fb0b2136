"""The Anboto adapter and client against the sandbox emulator, in process (ASGITransport).

The emulator (gui/sandbox/anboto*.py) is written from the same document by someone else
and shares no code with the client: it verifies our HMAC and RSA signatures with its own
code on the raw bytes received, so these tests catch misreadings on either side. A
`ManualClock` moves the simulated market only when a test says so, and the adapter reads
the same clock (algo starts, SCHEDULED vs WORKING). The emulator's rate limit runs on real
time, so it is off except in the test about it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.types import Receive, Scope, Send

from gui.domain.errors import VenueAuthError, VenueNotFound, VenueRateLimited, VenueRejected
from gui.domain.options import (
    AssetClass,
    ClipSize,
    ClipSizeKind,
    OrderOptions,
    StopDirection,
    StopTrigger,
)
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy
from gui.sandbox.anboto import (
    DEMO_ACCOUNTS,
    DEMO_CREDENTIALS,
    DEMO_RSA_API_KEY,
    create_app,
)
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.venues.anboto import AnbotoAdapter, AnbotoConfig, AnbotoCredentials, ArrayEncoding, wire
from gui.venues.base import OrderReport, VenueClient
from tests.sandbox.anboto_rsa_key import DEMO_RSA_PRIVATE_KEY_PEM
from tests.venues.anboto.anboto_fakes import FAST_CONFIG

D = Decimal
ACCOUNT = DEMO_ACCOUNTS[0]
CREDENTIALS = AnbotoCredentials(**DEMO_CREDENTIALS)
START = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)


@dataclass
class Counting:
    """Wraps the emulator and records `METHOD path` of every request."""

    app: Any
    seen: list[str] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append(f"{scope['method']} {scope['path'].rsplit('/', 1)[-1]}")
        await self.app(scope, receive, send)


@dataclass
class Desk:
    """An adapter wired to a fresh emulator, the engine and the clock that drives it."""

    adapter: AnbotoAdapter
    engine: SandboxEngine
    clock: ManualClock
    traffic: Counting

    def bid_ask(self, pair: str = "BTC-USDT") -> tuple[Decimal, Decimal]:
        return self.engine.best_bid_ask(pair)


def _desk_parts(
    credentials: AnbotoCredentials = CREDENTIALS, config: AnbotoConfig = FAST_CONFIG
) -> Desk:
    clock = ManualClock(START)
    engine = SandboxEngine(seed=7, clock=clock)
    traffic = Counting(create_app(engine, requests_per_second=None))
    adapter = AnbotoAdapter(
        config, credentials, ACCOUNT, transport=httpx.ASGITransport(app=traffic), now=clock.now
    )
    return Desk(adapter, engine, clock, traffic)


@pytest_asyncio.fixture
async def desk() -> AsyncIterator[Desk]:
    parts = _desk_parts()
    async with parts.adapter:
        yield parts


def ticket(
    strategy: Strategy, quantity: str = "1", side: Side = Side.BUY, **fields: Any
) -> OrderTicket:
    pair = fields.pop("pair", "BTC-USDT")
    return OrderTicket("anboto", ACCOUNT, pair, side, D(quantity), strategy, **fields)


async def until(desk: Desk, venue_order_id: str, wanted: set[OrderStatus]) -> OrderReport:
    """Step the simulated clock a second at a time until the order shows a wanted status."""
    for _ in range(600):
        report = await desk.adapter.order(venue_order_id)
        if report.status in wanted:
            return report
        desk.clock.advance(1)
    raise AssertionError(f"order {venue_order_id} never reached {wanted}: {report.status}")


@pytest.mark.asyncio
async def test_adapter_fulfils_the_protocol(desk: Desk) -> None:
    adapter: VenueClient = desk.adapter
    assert isinstance(adapter, VenueClient)
    assert await adapter.instruments() == [] and await adapter.open_orders() == []


@pytest.mark.asyncio
async def test_market_order_is_accepted_then_filled_with_totals(desk: Desk) -> None:
    report = await desk.adapter.submit(ticket(Strategy.MARKET, "0.5"), "mkt-1")
    assert report.client_order_id == "mkt-1"
    if report.status is OrderStatus.FILLED:
        # The emulator fills a market order at once and says so in the create answer;
        # the adapter then reads the totals once.
        assert desk.traffic.seen == ["POST create", "GET id"]
        assert report.filled_qty == D("0.5")
    else:
        assert report.status is OrderStatus.PENDING_NEW and desk.traffic.seen == ["POST create"]
    done = await until(desk, report.venue_order_id, {OrderStatus.FILLED})
    assert done.filled_qty == D("0.5") and done.quantity == D("0.5")
    assert done.strategy is Strategy.MARKET and done.pair == "BTC-USDT" and done.fills is None
    _, ask = desk.bid_ask()
    assert done.avg_fill_px is not None and abs(done.avg_fill_px - ask) < ask * D("0.01")
    assert done.aggregate is not None and done.aggregate.last_qty is not None
    assert done.aggregate.last_qty > 0 and done.aggregate.last_price is not None


@pytest.mark.asyncio
async def test_resting_limit_is_found_by_both_ids_and_cancel_is_two_step(desk: Desk) -> None:
    bid, _ = desk.bid_ask()
    sent = ticket(Strategy.LIMIT, "0.25", limit_price=(bid * D("0.9")).quantize(D("0.1")))
    report = await desk.adapter.submit(sent, "rest-1")
    working = await until(desk, report.venue_order_id, {OrderStatus.WORKING})
    assert (working.quantity, working.limit_price) == (D("0.25"), sent.limit_price)
    found = await desk.adapter.find_by_client_order_id("rest-1")
    assert found is not None and found.venue_order_id == report.venue_order_id
    assert await desk.adapter.find_by_client_order_id("never-sent") is None
    with pytest.raises(VenueNotFound):
        await desk.adapter.order("987654321")
    (listed,) = await desk.adapter.open_orders()
    assert listed.client_order_id == "rest-1" and listed.status is OrderStatus.WORKING
    # Cancel: the blotter sees PENDING_CANCEL, then CANCELED.
    await desk.adapter.cancel(report.venue_order_id)
    pending = await desk.adapter.order(report.venue_order_id)
    assert pending.status is OrderStatus.PENDING_CANCEL
    done = await until(desk, report.venue_order_id, {OrderStatus.CANCELED})
    assert done.quantity == D("0.25") and done.filled_qty == 0
    with pytest.raises(VenueRejected) as again:
        await desk.adapter.cancel(report.venue_order_id)
    assert again.value.status_code == 400
    assert await desk.adapter.open_orders() == []


@pytest.mark.asyncio
async def test_scheduled_twap_waits_then_fills_over_its_window(desk: Desk) -> None:
    start = START + timedelta(minutes=2)
    options = OrderOptions(start_ts=start, clip_size=ClipSize(ClipSizeKind.FRACTION, D("0.1")))
    report = await desk.adapter.submit(
        ticket(Strategy.TWAP, "2", duration_s=600, options=options), "twap-1"
    )
    assert (report.start_ts, report.end_ts) == (start, start + timedelta(minutes=10))
    desk.clock.advance(5)
    waiting = await desk.adapter.order(report.venue_order_id)
    assert waiting.status is OrderStatus.SCHEDULED and waiting.filled_qty == 0
    desk.clock.advance(300)
    partly = await until(desk, report.venue_order_id, {OrderStatus.PARTIALLY_FILLED})
    assert 0 < partly.filled_qty < 2 and partly.quantity == D(2)
    assert partly.strategy is Strategy.TWAP
    done = await until(desk, report.venue_order_id, {OrderStatus.FILLED})
    assert done.filled_qty == D(2) and done.avg_fill_px is not None


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("strategy", "options", "side"),
    [
        (Strategy.LIMIT, OrderOptions(visible_quantity=D("0.1")), Side.BUY),
        (Strategy.MARKET, OrderOptions(stop=StopTrigger(StopDirection.DOWN, D("100"))), Side.SELL),
        (Strategy.LIMIT, OrderOptions(stop=StopTrigger(StopDirection.UP, D("1e9"))), Side.BUY),
        (
            Strategy.VWAP,
            OrderOptions(
                short_sale=True,
                destination="Bybit",
                asset_class=AssetClass.FUTURE,
                clip_size=ClipSize(ClipSizeKind.AUTO),
            ),
            Side.SELL,
        ),
    ],
    ids=["iceberg", "stop-market", "stop-limit", "short-vwap-bybit-future"],
)
async def test_every_order_shape_is_accepted(
    desk: Desk, strategy: Strategy, options: OrderOptions, side: Side
) -> None:
    bid, _ = desk.bid_ask()
    fields: dict[str, Any] = {"options": options, "side": side}
    if strategy is Strategy.LIMIT:
        fields["limit_price"] = (bid * D("0.9")).quantize(D("0.1"))
    if strategy is Strategy.VWAP:
        fields["duration_s"] = 3600
    report = await desk.adapter.submit(ticket(strategy, "0.5", **fields), f"shape-{strategy}")
    assert report.status is OrderStatus.PENDING_NEW
    live = await until(
        desk, report.venue_order_id, {OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED}
    )
    assert live.side is side and live.strategy is strategy and live.quantity == D("0.5")


@pytest.mark.asyncio
async def test_refusals_keep_the_venue_code_and_words(desk: Desk) -> None:
    with pytest.raises(VenueRejected, match="ZZZ") as unknown:
        await desk.adapter.submit(ticket(Strategy.MARKET, pair="ZZZ-USDT"), "zzz-1")
    assert (unknown.value.status_code, unknown.value.venue_code) == (400, "INVALID_ORDER")
    with pytest.raises(VenueRejected) as huge:
        await desk.adapter.submit(ticket(Strategy.MARKET, "100000"), "huge-1")
    assert huge.value.venue_code == "QUANTITY_EXCEED"
    await desk.adapter.submit(ticket(Strategy.MARKET, "0.1"), "dup-1")
    with pytest.raises(VenueRejected):
        await desk.adapter.submit(ticket(Strategy.MARKET, "0.1"), "dup-1")


@pytest.mark.asyncio
async def test_create_many_all_or_none(desk: Desk) -> None:
    bid, _ = desk.bid_ask()
    price = (bid * D("0.9")).quantize(D(1))
    good = wire.CreateParentOrderRequest(
        client_order_id="b-1", exchange="BINANCE", symbol="BTC/USDT", asset_class="SPOT",
        side="BUY", quantity=D("0.1"), strategy="LIMIT", limit_price=price,
    )  # fmt: skip
    bad = good.model_copy(update={"client_order_id": "b-2", "symbol": "ZZZ/USDT"})
    third = good.model_copy(update={"client_order_id": "b-3"})
    refused = await desk.adapter.client.create_many([good, bad, third], all_or_none=True)
    assert [s.status for s in refused.responses] == ["REJECTED"] * 3
    assert refused.responses[1].error_code == "INVALID_ORDER"
    assert await desk.adapter.open_orders() == []
    partial = await desk.adapter.client.create_many([good, bad, third], all_or_none=False)
    assert [s.status for s in partial.responses] == ["PENDING_NEW", "REJECTED", "PENDING_NEW"]
    assert {r.client_order_id for r in await desk.adapter.open_orders()} == {"b-1", "b-3"}


@pytest.mark.asyncio
async def test_cancel_many_and_find_by_id_lists(desk: Desk) -> None:
    bid, _ = desk.bid_ask()
    price = (bid * D("0.9")).quantize(D("0.1"))
    sent = [
        await desk.adapter.submit(ticket(Strategy.LIMIT, limit_price=price), f"cm-{i}")
        for i in range(3)
    ]
    ids = [report.venue_order_id for report in sent]
    found = await desk.adapter.client.find(order_ids=ids[:2], client_order_ids=["cm-2", "zz"])
    assert sorted(d.client_order_id or "" for d in found.responses) == ["cm-0", "cm-1", "cm-2"]
    results = await desk.adapter.cancel_many(ids[:2])
    assert results == {ids[0]: "", ids[1]: ""}
    statuses = [(await desk.adapter.order(i)).status for i in ids]
    assert statuses[:2] == [OrderStatus.PENDING_CANCEL] * 2
    assert statuses[2] is OrderStatus.PENDING_NEW  # the clock has not moved: not yet accepted
    # A batch nothing of which can be cancelled is refused per order, not raised.
    again = await desk.adapter.cancel_many(["987654321"])
    assert "987654321" in again["987654321"]


@pytest.mark.asyncio
async def test_comma_joined_id_lists_are_read_too() -> None:
    config = AnbotoConfig(
        base_url="http://anboto.test", array_encoding=ArrayEncoding.COMMA, max_requests_per_s=1e4
    )
    parts = _desk_parts(config=config)
    async with parts.adapter as adapter:
        a = await adapter.submit(ticket(Strategy.MARKET, "0.1"), "c-1")
        b = await adapter.submit(ticket(Strategy.MARKET, "0.1"), "c-2")
        found = await adapter.client.find(order_ids=[a.venue_order_id, b.venue_order_id])
    assert len(found.responses) == 2


@pytest.mark.asyncio
async def test_the_rsa_demo_key_signs_and_a_wrong_secret_is_refused() -> None:
    rsa = AnbotoCredentials(DEMO_RSA_API_KEY, rsa_private_key_pem=DEMO_RSA_PRIVATE_KEY_PEM)
    parts = _desk_parts(rsa)
    async with parts.adapter as adapter:
        sent = await adapter.submit(ticket(Strategy.MARKET, "0.1"), "rsa-1")
        # The create answer says PENDING_NEW (doc example); a market order reads filled after.
        report = await adapter.order(sent.venue_order_id)
        assert report.status is OrderStatus.FILLED and report.filled_qty == D("0.1")
    wrong = AnbotoCredentials(CREDENTIALS.api_key, api_secret="not-the-secret")
    parts = _desk_parts(wrong)
    async with parts.adapter as adapter:
        with pytest.raises(VenueAuthError) as caught:
            await adapter.open_orders()
    assert caught.value.status_code == 401 and caught.value.venue_code == "AUTHENTICATION_ERROR"


@pytest.mark.asyncio
async def test_the_recv_window_header_is_signed_when_configured() -> None:
    config = AnbotoConfig(base_url="http://anboto.test", recv_window_ms=3000)
    parts = _desk_parts(config=config)
    async with parts.adapter as adapter:
        assert await adapter.open_orders() == []


@pytest.mark.asyncio
async def test_the_venue_429_is_a_rate_limit_error() -> None:
    frozen_s = time.time()
    engine = SandboxEngine(seed=7, clock=ManualClock(START))
    app = create_app(engine, requests_per_second=2, wall_clock_s=lambda: frozen_s)
    config = AnbotoConfig(base_url="http://anboto.test", read_attempts=1, max_requests_per_s=1e4)
    adapter = AnbotoAdapter(
        config, CREDENTIALS, ACCOUNT, transport=httpx.ASGITransport(app=app),
        clock_ms=lambda: int(frozen_s * 1000),
    )  # fmt: skip
    async with adapter:
        await adapter.open_orders()
        await adapter.open_orders()
        with pytest.raises(VenueRateLimited):
            await adapter.open_orders()
