"""The Tread.fi adapter and client against the sandbox emulator, in process (ASGITransport).

The emulator (gui/sandbox/treadfi.py) is written from the same document by someone else and
shares no code with the client, so these tests catch misreadings on either side. A
`ManualClock` makes the simulated market move only when a test says so.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio

from gui.domain.errors import VenueAuthError, VenueNotFound, VenueRateLimited, VenueRejected
from gui.domain.orders import Amendment, OrderStatus, OrderTicket, Side, Strategy, TimeInForce
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.treadfi import DEMO_ACCOUNTS, DEMO_API_KEY, create_app
from gui.venues.base import OrderReport, VenueClient
from gui.venues.treadfi import TreadfiAdapter, parsing
from tests.venues.treadfi.treadfi_fakes import FAST_CONFIG

D = Decimal
ACCOUNT = DEMO_ACCOUNTS[0]
PAIR = "BTC-USDT"


@dataclass
class Desk:
    """An adapter wired to a fresh emulator, and the clock that drives its market."""

    adapter: TreadfiAdapter
    clock: ManualClock
    app: Any

    def connect(self, api_key: str = DEMO_API_KEY, account: str = ACCOUNT) -> TreadfiAdapter:
        return TreadfiAdapter(
            FAST_CONFIG, api_key, account, transport=httpx.ASGITransport(app=self.app)
        )


@pytest_asyncio.fixture
async def desk() -> AsyncIterator[Desk]:
    clock = ManualClock()
    app = create_app(SandboxEngine(seed=7, clock=clock))
    transport = httpx.ASGITransport(app=app)
    async with TreadfiAdapter(FAST_CONFIG, DEMO_API_KEY, ACCOUNT, transport=transport) as adapter:
        yield Desk(adapter, clock, app)


def ticket(strategy: Strategy, quantity: str = "0.5", **fields: Any) -> OrderTicket:
    return OrderTicket("treadfi", ACCOUNT, PAIR, Side.BUY, D(quantity), strategy, **fields)


def algo(strategy: Strategy = Strategy.TWAP, **fields: Any) -> OrderTicket:
    if strategy is Strategy.POV:
        return ticket(strategy, pov_target=D("0.05"), **fields)
    return ticket(strategy, duration_s=600, **fields)


def assert_fills_add_up(report: OrderReport) -> None:
    fills = report.fills or ()
    assert len({fill.fill_id for fill in fills}) == len(fills)
    assert sum((fill.quantity for fill in fills), D(0)) == report.filled_qty


@pytest.mark.asyncio
async def test_adapter_fulfils_the_venue_client_protocol(desk: Desk) -> None:
    adapter: VenueClient = desk.adapter
    assert isinstance(adapter, VenueClient)
    assert (adapter.venue, adapter.account) == ("treadfi", ACCOUNT)
    capabilities = adapter.capabilities
    assert capabilities.strategies == frozenset(Strategy)
    assert capabilities.pause_resume and capabilities.pause_all
    assert capabilities.amend and capabilities.cancel_all
    assert capabilities.max_client_order_id_len == 64


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("sent", "status"),
    [
        (ticket(Strategy.MARKET), OrderStatus.FILLED),
        (ticket(Strategy.LIMIT, limit_price=D(1000)), OrderStatus.WORKING),
        (ticket(Strategy.IOC, limit_price=D(1000)), OrderStatus.CANCELED),
        (ticket(Strategy.IOC, limit_price=D(1_000_000)), OrderStatus.FILLED),
        (algo(Strategy.TWAP), OrderStatus.WORKING),
        (algo(Strategy.VWAP), OrderStatus.WORKING),
        (algo(Strategy.POV), OrderStatus.WORKING),
    ],
    ids=["market", "limit-resting", "ioc-missed", "ioc-crossing", "twap", "vwap", "pov"],
)
async def test_submit_each_strategy(desk: Desk, sent: OrderTicket, status: OrderStatus) -> None:
    report = await desk.adapter.submit(sent, f"od-{sent.strategy}-1")
    assert report.status is status
    assert report.strategy is sent.strategy
    assert report.client_order_id == f"od-{sent.strategy}-1"
    assert (report.pair, report.side) == (PAIR, Side.BUY)
    assert report.quantity == D("0.5")
    assert report.limit_price == sent.limit_price
    again = await desk.adapter.order(report.venue_order_id)
    assert again.strategy is sent.strategy and again.account == ACCOUNT
    assert_fills_add_up(again)


@pytest.mark.asyncio
async def test_limit_with_ioc_time_in_force_goes_out_as_ioc(desk: Desk) -> None:
    sent = ticket(Strategy.LIMIT, limit_price=D(1000), time_in_force=TimeInForce.IOC)
    report = await desk.adapter.submit(sent, "od-limit-ioc")
    assert (report.strategy, report.status) == (Strategy.IOC, OrderStatus.CANCELED)


@pytest.mark.asyncio
async def test_twap_fills_over_time_with_venue_fill_ids(desk: Desk) -> None:
    report = await desk.adapter.submit(algo(), "od-twap")
    desk.clock.advance(120)
    working = await desk.adapter.order(report.venue_order_id)
    assert working.status is OrderStatus.PARTIALLY_FILLED
    assert D(0) < working.filled_qty < D("0.5")
    assert working.fills and all(fill.liquidity in ("maker", "taker") for fill in working.fills)
    assert_fills_add_up(working)
    (listed,) = await desk.adapter.open_orders()
    assert {f.fill_id for f in listed.fills or ()} == {f.fill_id for f in working.fills}
    desk.clock.advance(600)
    done = await desk.adapter.order(report.venue_order_id)
    assert (done.status, done.filled_qty) == (OrderStatus.FILLED, D("0.5"))
    assert done.avg_fill_px is not None and done.avg_fill_px > 0
    assert_fills_add_up(done)
    assert await desk.adapter.open_orders() == []


@pytest.mark.asyncio
async def test_open_orders_include_paused_and_only_this_account(desk: Desk) -> None:
    mine = await desk.adapter.submit(algo(), "od-mine")
    paused = await desk.adapter.submit(algo(Strategy.VWAP), "od-paused")
    await desk.adapter.pause(paused.venue_order_id)
    other = desk.connect(account=DEMO_ACCOUNTS[1])
    async with other:
        await other.submit(
            OrderTicket(
                "treadfi", DEMO_ACCOUNTS[1], PAIR, Side.SELL, D(1), Strategy.TWAP, duration_s=600
            ),
            "od-other",
        )
        reports = {r.client_order_id: r for r in await desk.adapter.open_orders()}
    assert set(reports) == {"od-mine", "od-paused"}
    assert reports["od-paused"].status is OrderStatus.PAUSED
    assert reports["od-mine"].venue_order_id == mine.venue_order_id


@pytest.mark.asyncio
async def test_find_by_client_order_id(desk: Desk) -> None:
    report = await desk.adapter.submit(ticket(Strategy.LIMIT, limit_price=D(1000)), "od-find-me")
    found = await desk.adapter.find_by_client_order_id("od-find-me")
    assert found is not None and found.venue_order_id == report.venue_order_id
    assert found.status is OrderStatus.WORKING
    assert await desk.adapter.find_by_client_order_id("od-never-sent") is None


@pytest.mark.asyncio
async def test_cancel_is_idempotent_and_final(desk: Desk) -> None:
    report = await desk.adapter.submit(algo(), "od-cancel")
    desk.clock.advance(60)
    await desk.adapter.cancel(report.venue_order_id)
    await desk.adapter.cancel(report.venue_order_id)  # "Order already canceled!"
    canceled = await desk.adapter.order(report.venue_order_id)
    assert canceled.status is OrderStatus.CANCELED and canceled.filled_qty > 0
    desk.clock.advance(600)
    assert (await desk.adapter.order(report.venue_order_id)).filled_qty == canceled.filled_qty


@pytest.mark.asyncio
async def test_pause_and_resume(desk: Desk) -> None:
    report = await desk.adapter.submit(algo(), "od-pause")
    desk.clock.advance(60)
    await desk.adapter.pause(report.venue_order_id)
    paused = await desk.adapter.order(report.venue_order_id)
    assert paused.status is OrderStatus.PAUSED and paused.paused_ts is not None
    desk.clock.advance(120)  # a paused order does not trade
    assert (await desk.adapter.order(report.venue_order_id)).filled_qty == paused.filled_qty
    with pytest.raises(VenueRejected) as twice:
        await desk.adapter.pause(report.venue_order_id)
    assert (twice.value.status_code, twice.value.venue_message) == (422, "Order is not running.")
    await desk.adapter.resume(report.venue_order_id)
    resumed = await desk.adapter.order(report.venue_order_id)
    assert resumed.status is OrderStatus.PARTIALLY_FILLED and resumed.resumed_ts is not None
    with pytest.raises(VenueRejected, match="Order is not paused."):
        await desk.adapter.resume(report.venue_order_id)


@pytest.mark.asyncio
async def test_pause_of_a_finished_order_is_refused(desk: Desk) -> None:
    report = await desk.adapter.submit(ticket(Strategy.MARKET), "od-done")
    with pytest.raises(VenueRejected) as caught:
        await desk.adapter.pause(report.venue_order_id)
    assert type(caught.value) is VenueRejected
    assert caught.value.venue_message == "Order is not running."


@pytest.mark.asyncio
async def test_amend_changes_quantity_limit_and_duration(desk: Desk) -> None:
    report = await desk.adapter.submit(algo(limit_price=D(1_000_000)), "od-amend")
    await desk.adapter.amend(
        report.venue_order_id, Amendment(quantity=D("0.8"), limit_price=D(999_000), duration_s=1200)
    )
    amended = await desk.adapter.order(report.venue_order_id)
    assert (amended.quantity, amended.limit_price) == (D("0.8"), D(999_000))
    assert amended.start_ts is not None and amended.end_ts is not None
    assert (amended.end_ts - amended.start_ts).total_seconds() == 1200
    with pytest.raises(ValueError, match="empty amendment"):
        await desk.adapter.amend(report.venue_order_id, Amendment())


@pytest.mark.asyncio
async def test_bulk_pause_resume_and_cancel_all(desk: Desk) -> None:
    first = await desk.adapter.submit(algo(), "od-bulk-1")
    second = await desk.adapter.submit(algo(Strategy.VWAP), "od-bulk-2")
    ids = (first.venue_order_id, second.venue_order_id)
    await desk.adapter.pause_all()
    assert [(await desk.adapter.order(i)).status for i in ids] == [OrderStatus.PAUSED] * 2
    await desk.adapter.resume_all()
    assert [(await desk.adapter.order(i)).status for i in ids] == [OrderStatus.WORKING] * 2
    with pytest.raises(VenueRejected, match="No paused orders to resume."):
        await desk.adapter.resume_all()
    await desk.adapter.pause(first.venue_order_id)
    await desk.adapter.cancel_all()  # paused ones included (exclude_paused=false)
    assert [(await desk.adapter.order(i)).status for i in ids] == [OrderStatus.CANCELED] * 2
    assert await desk.adapter.open_orders() == []


@pytest.mark.asyncio
async def test_bad_token_is_an_auth_error(desk: Desk) -> None:
    async with desk.connect(api_key="0" * 40) as intruder:
        with pytest.raises(VenueAuthError) as caught:
            await intruder.open_orders()
    assert (caught.value.status_code, caught.value.venue_message) == (401, "Invalid token.")


@pytest.mark.asyncio
async def test_unknown_order_is_not_found(desk: Desk) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(VenueNotFound, match="No order found with given ID!"):
        await desk.adapter.order(unknown)
    with pytest.raises(VenueNotFound):
        await desk.adapter.cancel(unknown)
    with pytest.raises(VenueNotFound):
        await desk.adapter.pause(unknown)


@pytest.mark.asyncio
async def test_unknown_account_is_refused_with_the_venue_words(desk: Desk) -> None:
    async with desk.connect(account="nobody") as stranger:
        with pytest.raises(VenueRejected, match="Account display name 'nobody' not found"):
            await stranger.submit(
                OrderTicket("treadfi", "nobody", PAIR, Side.BUY, D(1), Strategy.MARKET), "od-x"
            )


@pytest.mark.asyncio
async def test_raw_reads_list_summary_stats_and_messages(desk: Desk) -> None:
    client = desk.adapter.client
    done = await desk.adapter.submit(ticket(Strategy.MARKET), "od-raw-1")
    working = await desk.adapter.submit(algo(), "od-raw-2")
    desk.clock.advance(30)

    page = await client.list_orders(statuses=["COMPLETE"], account_names=[ACCOUNT], page_size=1)
    assert [order.id for order in page.orders] == [done.venue_order_id]
    assert (page.page_number, page.order_count) == (1, 1)
    two_pages = await client.list_orders(page=2, page_size=1)
    assert (two_pages.num_pages, two_pages.order_count, len(two_pages.orders)) == (2, 2, 1)

    by_id = await client.orders_by_custom_order_ids(["od-raw-2"])
    assert [order.id for order in by_id.orders] == [working.venue_order_id]

    only_active = await client.active_orders(only_active=True)
    assert [order.id for order in only_active.orders] == [working.venue_order_id]

    summary = parsing.summary_report(await client.order_summary(done.venue_order_id))
    assert (summary.status, summary.quantity, summary.filled_qty) == (
        OrderStatus.FILLED,
        D("0.5"),
        D("0.5"),
    )

    stats = await client.orders_with_stats(page_size=10)
    reports = {order.id: parsing.summary_report(order) for order in stats.orders}
    assert set(reports) == {done.venue_order_id, working.venue_order_id}
    assert reports[working.venue_order_id].status is OrderStatus.PARTIALLY_FILLED
    assert_fills_add_up(reports[done.venue_order_id])

    without_fills = await client.order_detail(working.venue_order_id)
    assert without_fills.fills is None

    messages = await client.order_errors([done.venue_order_id])
    assert messages.root[done.venue_order_id]  # at least the engine's INFO lines


@pytest.mark.asyncio
async def test_venue_throttle_is_rate_limited_and_writes_are_not_retried() -> None:
    # The emulator's optional DRF throttle (notes §5.5): one request per second here.
    app = create_app(SandboxEngine(seed=7, clock=ManualClock()), requests_per_second=1)
    transport = httpx.ASGITransport(app=app)
    async with TreadfiAdapter(FAST_CONFIG, DEMO_API_KEY, ACCOUNT, transport=transport) as adapter:
        await adapter.cancel_all()
        with pytest.raises(VenueRateLimited) as caught:
            await adapter.pause_all()
    assert caught.value.retry_after_s == 1.0
    assert caught.value.venue_message == "Request was throttled. Expected available in 1 second."
