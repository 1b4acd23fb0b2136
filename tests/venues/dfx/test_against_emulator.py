"""The DFX adapter and client against the sandbox emulator, in process (ASGITransport).

The emulator (gui/sandbox/dfx*.py) is written from the same document by someone else and
shares no code with the client: it verifies our Ed25519 signatures with the public key only,
on the raw bytes received, so these tests catch misreadings on either side. A `ManualClock`
moves the simulated market only when a test says so. The emulator's rate limits run on real
time, so they are raised except in the test about them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.types import ASGIApp, Receive, Scope, Send

from gui.domain.errors import VenueAuthError, VenueNotFound, VenueRateLimited, VenueRejected
from gui.domain.orders import FillKind, OrderStatus, OrderTicket, Side, Strategy
from gui.oms.store import OrderStore
from gui.sandbox.dfx import DEMO_ACCOUNTS, DEMO_CREDENTIALS, create_app
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.venues.base import VenueClient
from gui.venues.dfx import DfxAdapter, DfxClient, DfxConfig, DfxCredentials, DfxRateLimits
from gui.venues.dfx.auth import epoch_ms
from tests.venues.dfx.dfx_fakes import PRIVATE_KEY_DER_B64

D = Decimal
ACCOUNT = DEMO_ACCOUNTS[0]
CREDENTIALS = DfxCredentials(DEMO_CREDENTIALS["api_key"], DEMO_CREDENTIALS["private_key"])
START = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)
CONFIG = DfxConfig(
    base_url="http://dfx.sandbox",
    account_id=DEMO_CREDENTIALS["account_id"],
    rate_limits=DfxRateLimits.uniform(10_000),
    burst=10_000,
    retry_base_delay_s=0.0,
)
TRADES = "GET /api/v1/account/trades"


@dataclass
class Counting:
    """Wraps the emulator and records `METHOD path` of every request."""

    app: ASGIApp
    seen: list[str] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append(f"{scope['method']} {scope['path']}")
        await self.app(scope, receive, send)


@dataclass
class Desk:
    """An adapter wired to a fresh emulator, the engine and the clock that drives it."""

    adapter: DfxAdapter
    engine: SandboxEngine
    clock: ManualClock
    traffic: Counting

    def bid_ask(self, pair: str = "BTC-USDT") -> tuple[Decimal, Decimal]:
        return self.engine.best_bid_ask(pair)


async def _desk(config: DfxConfig = CONFIG, **app_options: Any) -> AsyncIterator[Desk]:
    clock = ManualClock(START)
    engine = SandboxEngine(seed=7, clock=clock)
    options: dict[str, Any] = {"rate_limit_scale": None} | app_options
    traffic = Counting(create_app(engine, **options))
    transport = httpx.ASGITransport(app=traffic)
    async with DfxAdapter(config, CREDENTIALS, ACCOUNT, transport=transport) as adapter:
        yield Desk(adapter, engine, clock, traffic)


@pytest_asyncio.fixture
async def desk() -> AsyncIterator[Desk]:
    async for built in _desk():
        yield built


@pytest_asyncio.fixture
async def desk_without_trades() -> AsyncIterator[Desk]:
    async for built in _desk(trades_endpoint=False):
        yield built


def on_tick(price: Decimal) -> Decimal:
    return price.quantize(D("0.01"))


def limit(quantity: str, price: Decimal, side: Side = Side.BUY) -> OrderTicket:
    return OrderTicket(
        "dfx", ACCOUNT, "BTC-USDT", side, D(quantity), Strategy.LIMIT, limit_price=on_tick(price)
    )


def market(amount: str, side: Side = Side.BUY) -> OrderTicket:
    return OrderTicket(
        "dfx", ACCOUNT, "BTC-USDT", side, D(0), Strategy.MARKET, quote_quantity=D(amount)
    )


@pytest.mark.asyncio
async def test_adapter_fulfils_the_protocol_and_lists_the_sandbox_symbols(desk: Desk) -> None:
    adapter: VenueClient = desk.adapter
    assert isinstance(adapter, VenueClient)
    instruments = {i.pair: i for i in await adapter.instruments()}
    assert "BTC-USDT" in instruments
    assert instruments["BTC-USDT"].tick_size is not None
    assert adapter.ticket_errors(limit("0.001", desk.bid_ask()[0])) == {}
    assert "quantity" in adapter.ticket_errors(limit("0.0000001", desk.bid_ask()[0]))


@pytest.mark.asyncio
async def test_a_resting_limit_is_found_by_id_client_order_id_and_in_the_open_list(
    desk: Desk,
) -> None:
    bid, _ = desk.bid_ask()
    sent = await desk.adapter.submit(limit("0.002", bid * D("0.95")), "rest-1")
    assert sent.status is OrderStatus.WORKING and sent.venue_order_id.isdigit()
    by_id = await desk.adapter.order(sent.venue_order_id)
    assert by_id.status is OrderStatus.WORKING and by_id.client_order_id == "rest-1"
    assert (by_id.quantity, by_id.limit_price) == (D("0.002"), sent.limit_price)
    assert by_id.fills == () and by_id.aggregate is None
    found = await desk.adapter.find_by_client_order_id("rest-1")
    assert found is not None and found.venue_order_id == sent.venue_order_id
    assert await desk.adapter.find_by_client_order_id("never-sent") is None
    listed = await desk.adapter.open_orders()
    assert [r.venue_order_id for r in listed] == [sent.venue_order_id]
    with pytest.raises(VenueNotFound):
        await desk.adapter.order("1")


@pytest.mark.asyncio
async def test_a_market_order_by_amount_fills_with_trades(desk: Desk) -> None:
    sent = await desk.adapter.submit(market("100"), "mkt-1")
    assert sent.quantity == 0
    done = await desk.adapter.order(sent.venue_order_id)
    assert done.status is OrderStatus.FILLED and done.strategy is Strategy.MARKET
    assert done.quantity == done.filled_qty > 0
    assert done.fills, "the trades endpoint gives the market order's fills"
    assert sum(f.quantity for f in done.fills) == done.filled_qty
    assert all(f.liquidity == "taker" and f.fee is not None for f in done.fills)
    notional = sum(f.quantity * f.price for f in done.fills)
    assert done.avg_fill_px == notional / done.filled_qty
    assert desk.traffic.seen.count(TRADES) == 1


@pytest.mark.asyncio
async def test_a_crossing_limit_fills_and_the_store_shows_trade_fills(desk: Desk) -> None:
    _, ask = desk.bid_ask()
    sent = await desk.adapter.submit(limit("0.01", ask * D("1.01")), "cross-1")
    store = OrderStore()
    order = store.apply_report(sent)
    desk.clock.advance(30)
    reports = await desk.adapter.open_orders()
    if not any(r.venue_order_id == sent.venue_order_id for r in reports):
        reports = [await desk.adapter.order(sent.venue_order_id)]
    for report in reports:
        order = store.apply_report(report)
    assert order.filled_qty > 0
    fills = store.fills(order.client_order_id)
    assert fills and all(fill.kind is FillKind.TRADE for fill in fills)
    assert sum(fill.quantity for fill in fills) == order.filled_qty


@pytest.mark.asyncio
async def test_without_the_trades_endpoint_fills_are_derived_exactly(
    desk_without_trades: Desk,
) -> None:
    desk = desk_without_trades
    sent = await desk.adapter.submit(market("250"), "mkt-2")
    store = OrderStore()
    store.apply_report(sent)
    report = await desk.adapter.order(sent.venue_order_id)
    assert report.fills is None and report.aggregate is not None
    assert not desk.adapter.uses_trades and not desk.adapter.capabilities.fills_reported
    assert desk.traffic.seen.count(TRADES) == 1  # asked once, 403, never again
    order = store.apply_report(report)
    fills = store.fills(order.client_order_id)
    assert [fill.kind for fill in fills] == [FillKind.DERIVED]
    assert fills[0].quantity == report.filled_qty
    assert fills[0].quantity * fills[0].price == report.aggregate.notional
    await desk.adapter.order(sent.venue_order_id)
    assert desk.traffic.seen.count(TRADES) == 1


@pytest.mark.asyncio
async def test_use_trades_off_never_asks_for_trades() -> None:
    async for desk in _desk(dataclasses.replace(CONFIG, use_trades=False)):
        sent = await desk.adapter.submit(market("50"), "mkt-3")
        report = await desk.adapter.order(sent.venue_order_id)
        assert report.aggregate is not None and report.filled_qty > 0
        assert TRADES not in desk.traffic.seen


@pytest.mark.asyncio
async def test_cancel_one_and_many_and_by_symbol(desk: Desk) -> None:
    bid, _ = desk.bid_ask()
    ids = [
        (await desk.adapter.submit(limit("0.001", bid * D("0.9")), f"c-{n}")).venue_order_id
        for n in range(8)
    ]
    await desk.adapter.cancel(ids[0])
    assert (await desk.adapter.order(ids[0])).status is OrderStatus.CANCELED
    results = await desk.adapter.cancel_many(ids[:7])  # 5 + 2; the first is already done
    assert results[ids[0]] != "" and all(results[i] == "" for i in ids[1:7])
    assert desk.traffic.seen.count("DELETE /api/v1/spot/batch/order") == 2
    assert await desk.adapter.cancel_symbol("BTC-USDT") == [ids[7]]
    assert await desk.adapter.open_orders() == []
    with pytest.raises(VenueRejected):
        await desk.adapter.cancel(ids[0])


@pytest.mark.asyncio
async def test_refusals_keep_the_venue_words(desk: Desk) -> None:
    bid, _ = desk.bid_ask()
    with pytest.raises(VenueRejected) as off_tick:
        await desk.adapter.submit(limit("0.0000001", bid * D("0.9")), "bad-1")
    assert off_tick.value.status_code == 400 and off_tick.value.venue_message
    # A fixed key that is not the sandbox's (RFC 8032 TEST 1), never a real one.
    wrong_key = DfxCredentials(CREDENTIALS.api_key, PRIVATE_KEY_DER_B64)
    transport = httpx.ASGITransport(app=desk.traffic)
    async with DfxAdapter(CONFIG, wrong_key, ACCOUNT, transport=transport) as stranger:
        with pytest.raises(VenueAuthError, match="Signature"):
            await stranger.open_orders()
    other_account = dataclasses.replace(CONFIG, account_id="999")
    async with DfxAdapter(other_account, CREDENTIALS, ACCOUNT, transport=transport) as other:
        with pytest.raises(VenueAuthError) as forbidden:
            await other.open_orders()
    assert forbidden.value.status_code == 403


@pytest.mark.asyncio
async def test_json_bodies_are_signed_and_accepted_too() -> None:
    async for desk in _desk(dataclasses.replace(CONFIG, body_encoding="json")):
        bid, _ = desk.bid_ask()
        sent = await desk.adapter.submit(limit("0.001", bid * D("0.9")), "json-1")
        assert (await desk.adapter.order(sent.venue_order_id)).quantity == D("0.001")


@pytest.mark.asyncio
async def test_the_venue_rate_limit_surfaces_as_rate_limited() -> None:
    # Our own throttle raised, the emulator's documented 1/s for reads kept.
    config = dataclasses.replace(CONFIG, read_attempts=1)
    async for desk in _desk(config, rate_limit_scale=1.0):
        await desk.adapter.open_orders()
        with pytest.raises(VenueRateLimited):
            await desk.adapter.open_orders()


@pytest.mark.parametrize(("skew_ms", "accepted"), [(4_000, True), (-4_000, True), (6_000, False)])
@pytest.mark.asyncio
async def test_the_clock_must_be_within_five_seconds(skew_ms: int, accepted: bool) -> None:
    app = create_app(SandboxEngine(seed=7, clock=ManualClock(START)), rate_limit_scale=None)
    client = DfxClient(
        CONFIG,
        CREDENTIALS,
        transport=httpx.ASGITransport(app=app),
        clock_ms=lambda: epoch_ms() + skew_ms,
    )
    try:
        if accepted:
            assert await client.open_orders() == []
        else:
            with pytest.raises(VenueAuthError, match="timestamp"):
                await client.open_orders()
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_finished_orders_are_listed_with_their_averages_within_limit_and_window(
    desk: Desk,
) -> None:
    bid, _ = desk.bid_ask()
    filled = [
        (await desk.adapter.submit(market("100"), f"fin-{n}")).venue_order_id for n in range(3)
    ]
    resting = await desk.adapter.submit(limit("0.001", bid * D("0.9")), "fin-c")
    await desk.adapter.cancel(resting.venue_order_id)
    client = desk.adapter.client
    everything = await client.finish_orders(symbol="BTC-USDT", limit=500)
    assert {o.order_id for o in everything} == {*filled, resting.venue_order_id}
    done = {o.order_id: o for o in everything}
    assert all(done[i].status == "FILLED" and done[i].average_price for i in filled)
    assert done[resting.venue_order_id].status == "CANCELED"
    assert len(await client.finish_orders(limit=2)) == 2
    later = datetime(2030, 1, 1, tzinfo=UTC)
    assert await client.finish_orders(start=later) == []
