"""A bulk cancel does not wait on rate-limited reads, and uses every cancel endpoint the
venue's limits allow (issue 8), against the DFX emulator in process: its reads are limited
to one order per second in the docs (notes §2.5), its batch cancel takes 5 ids at 1 per
second, its single cancel 10 per second, and it cancels a whole pair in one request.

The client's limits are set per test (the emulator's own are off): what is measured is
what the desk waits for, not what the venue refuses.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from gui.domain.orders import Order, OrderStatus, OrderTicket, Side, Strategy
from gui.oms.bulk import Scope
from gui.oms.service import OrderService
from gui.oms.store import OrderStore
from gui.sandbox import dfx as dfx_emulator
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.venues.dfx import DfxAdapter, DfxConfig, DfxCredentials, DfxRateLimits

pytestmark = pytest.mark.asyncio

START = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)
ACCOUNT = dfx_emulator.DEMO_ACCOUNTS[0]
FAST = 10_000.0
SINGLE = "DELETE /api/v1/spot/order"
BATCH = "DELETE /api/v1/spot/batch/order"
READ_ONE = "GET /api/v1/spot/order"


@dataclass
class Lines:
    """Wraps the emulator; records `METHOD path?query` of every request."""

    app: ASGIApp
    seen: list[str] = field(default_factory=list)

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = scope["query_string"].decode()
            self.seen.append(f"{scope['method']} {scope['path']}" + (f"?{query}" if query else ""))
        await self.app(scope, receive, send)

    def count(self, request: str, query: str = "") -> int:
        """Requests to exactly `request` ("METHOD /path") whose query contains `query`."""
        return sum(1 for line in self.seen if line.split("?")[0] == request and query in line)


@dataclass
class Desk:
    service: OrderService
    store: OrderStore
    adapter: DfxAdapter
    lines: Lines

    async def place(self, count: int, pair: str = "BTC-USDT") -> list[Order]:
        price = Decimal(30000) if pair.startswith("BTC") else Decimal(1500)
        orders = []
        for _ in range(count):
            ticket = OrderTicket(
                "dfx", ACCOUNT, pair, Side.BUY, Decimal("0.01"), Strategy.LIMIT, limit_price=price
            )
            order = await self.service.submit(ticket)
            assert order.status == OrderStatus.WORKING, order.reason
            orders.append(order)
        return orders

    def statuses(self, orders: list[Order]) -> list[OrderStatus]:
        return [self.store.get(o.client_order_id).status for o in orders]  # type: ignore[union-attr]


@asynccontextmanager
async def dfx_desk(**rates: float) -> AsyncIterator[Desk]:
    """One DFX account whose client allows `rates` (requests per second per endpoint, see
    `DfxRateLimits`; the others 10,000), one request deep."""
    engine = SandboxEngine(seed=7, clock=ManualClock(START))
    lines = Lines(dfx_emulator.create_app(engine, rate_limit_scale=None))
    limits = {name: FAST for name in DfxRateLimits.__dataclass_fields__} | rates
    config = DfxConfig(
        base_url="http://dfx.test",
        account_id=dfx_emulator.DEMO_CREDENTIALS["account_id"],
        rate_limits=DfxRateLimits(**limits),
        burst=1,
        retry_base_delay_s=0.0,
    )
    credentials = dfx_emulator.DEMO_CREDENTIALS
    adapter = DfxAdapter(
        config,
        DfxCredentials(credentials["api_key"], credentials["private_key"]),
        ACCOUNT,
        transport=httpx.ASGITransport(app=lines),
    )
    store = OrderStore()
    service = OrderService(store, {("dfx", ACCOUNT): adapter}, user="test")
    try:
        await adapter.instruments()
        yield Desk(service, store, adapter, lines)
    finally:
        await service.aclose()
        await adapter.aclose()


async def until(condition: object, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_the_action_returns_before_the_reads_the_limit_holds_back() -> None:
    async with dfx_desk(get_order=5.0, batch_cancel=2.0) as desk:
        orders = await desk.place(12)
        desk.lines.seen.clear()

        start = time.monotonic()
        outcome = await desk.service.run_bulk("cancel", Scope(venue="dfx"))
        took_s = time.monotonic() - start

        # 12 reads at 5 per second would take over 2 s; the action did not wait for them.
        assert took_s < 1.2
        assert outcome.done == 12 and not outcome.failed
        # One batch went at once; the next would have waited, so the 7 orders left of the
        # pair went in one request instead of two more batches.
        assert desk.lines.count(BATCH, "orderIds=") == 1
        assert desk.lines.count(BATCH, "symbol=BTC-USDT") == 1
        assert desk.lines.count(SINGLE) == 0
        shown = desk.statuses(orders)
        assert OrderStatus.CANCELED in shown  # the read that could go at once
        assert set(shown) == {OrderStatus.CANCELED, OrderStatus.PENDING_CANCEL}
        assert await desk.adapter.open_orders() == []
        # The rest follow in the background, one read each, as the limit allows.
        await until(lambda: set(desk.statuses(orders)) == {OrderStatus.CANCELED}, 5.0)
        assert desk.lines.count(READ_ONE) == 12


async def test_one_order_shows_the_venues_word_when_its_cancel_returns() -> None:
    async with dfx_desk(get_order=5.0) as desk:
        first, second = await desk.place(2)
        assert second.venue_order_id is not None
        await desk.adapter.order(second.venue_order_id)  # the read bucket is now empty

        [result] = await desk.service.cancel([first.client_order_id])

        assert result.ok
        assert desk.statuses([first, second]) == [OrderStatus.CANCELED, OrderStatus.WORKING]


async def test_single_cancels_run_beside_the_batches_that_wait_for_their_limit() -> None:
    async with dfx_desk(batch_cancel=1.0) as desk:
        chosen = await desk.place(8, "BTC-USDT") + await desk.place(7, "ETH-USDT")
        others = await desk.place(3, "ETH-USDT")
        desk.lines.seen.clear()

        start = time.monotonic()
        scope = Scope(client_order_ids=frozenset(o.client_order_id for o in chosen))
        outcome = await desk.service.run_bulk("cancel", scope)
        took_s = time.monotonic() - start

        assert outcome.done == 15 and not outcome.failed
        # Three batches at one per second would take 2 s; singles took what they could.
        assert took_s < 1.5
        assert 1 <= desk.lines.count(BATCH, "orderIds=") <= 2
        assert desk.lines.count(BATCH, "symbol=") == 0  # a selection never covers a pair
        assert desk.lines.count(SINGLE) >= 5
        assert set(desk.statuses(chosen)) == {OrderStatus.CANCELED}
        assert set(desk.statuses(others)) == {OrderStatus.WORKING}
