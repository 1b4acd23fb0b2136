"""Incremental polling against every venue's emulator (issue 8 §3): an unchanged order comes
back as the very same `OrderReport` object, a fill brings a new report with the new values,
a cancelled order leaves the caches.

Each venue's adapter talks to its sandbox emulator in process (`httpx.ASGITransport`), the
engine on a `ManualClock` so fills happen only when the test moves time.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import pytest
import pytest_asyncio

from gui.domain.orders import OrderTicket, Side, Strategy
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.venues.base import OrderReport, VenueClient
from tests.benchmarks.seeded_sandbox import _APPS, _adapter

D = Decimal
VENUES = ("treadfi", "zenotc", "kucoin_futures", "anboto", "dfx")


@dataclass
class Desk:
    """One venue's adapter on its emulator, and the clock that drives the engine."""

    adapter: Any
    engine: SandboxEngine
    clock: ManualClock


@pytest_asyncio.fixture(params=VENUES)
async def desk(request: pytest.FixtureRequest) -> AsyncIterator[Desk]:
    clock = ManualClock()
    engine = SandboxEngine(seed=7, clock=clock)
    app = _APPS[request.param](engine, time.time)
    adapter = _adapter(request.param, app)
    try:
        yield Desk(adapter, engine, clock)
    finally:
        await adapter.aclose()


async def place(desk: Desk, *, at_bid: bool, lots: int = 1) -> OrderReport:
    """A limit buy on the venue's first pair: at half the bid (rests untouched) or at the mid
    (fills as time moves), `lots` times the smallest sensible size."""
    adapter: VenueClient = desk.adapter
    instruments = await adapter.instruments()
    instrument = instruments[0] if instruments else None
    pair = instrument.pair if instrument is not None else "BTC-USDT"
    bid, ask = desk.engine.best_bid_ask(pair)
    tick = instrument.tick_size if instrument and instrument.tick_size else D("0.01")
    wanted = (bid + ask) / 2 if at_bid else bid / 2
    price = (wanted / tick).to_integral_value(rounding=ROUND_FLOOR) * tick
    if instrument is not None and instrument.multiplier is not None:
        quantity = instrument.multiplier * lots
    else:
        lot = instrument.lot_size if instrument and instrument.lot_size else D("0.01")
        quantity = max(lot, (D(20) / price / lot).to_integral_value(ROUND_CEILING) * lot) * lots
    ticket = OrderTicket(
        adapter.venue, adapter.account, pair, Side.BUY, quantity, Strategy.LIMIT, limit_price=price
    )
    return await adapter.submit(ticket, f"rc-{at_bid}-{lots}-{len(desk.engine.orders())}")


def by_id(reports: list[OrderReport]) -> dict[str, OrderReport]:
    return {report.venue_order_id: report for report in reports}


@pytest.mark.asyncio
async def test_an_unchanged_poll_returns_the_same_report_objects(desk: Desk) -> None:
    for _ in range(3):
        await place(desk, at_bid=False)
    first = by_id(await desk.adapter.open_orders())
    second = by_id(await desk.adapter.open_orders())

    assert len(first) == 3 and first.keys() == second.keys()
    assert all(second[key] is first[key] for key in first)


@pytest.mark.asyncio
async def test_a_fill_brings_a_new_report_and_the_others_stay_the_same_objects(
    desk: Desk,
) -> None:
    resting = await place(desk, at_bid=False)
    desk.clock.advance(1.5)  # accepted (Anboto holds a new order in PENDING_NEW)
    # Big enough to fill over several steps (KuCoin's contracts are small; the others
    # refuse more than 10,000,000 of notional).
    lots = 200_000 if desk.adapter.venue == "kucoin_futures" else 5_000
    filling = await place(desk, at_bid=True, lots=lots)
    before = by_id(await desk.adapter.open_orders())
    filled_before = before[filling.venue_order_id].filled_qty

    for _ in range(100):  # until the venue reports more filled
        desk.clock.advance(0.2)
        after = by_id(await desk.adapter.open_orders())
        report = after.get(filling.venue_order_id)
        if report is None or report.filled_qty > filled_before:
            break

    assert report is not None, "filled completely at once: no partial fill to see"
    assert report.filled_qty > filled_before, (filled_before, report)
    assert report is not before[filling.venue_order_id]
    assert report.filled_qty > filled_before
    assert after[resting.venue_order_id] is before[resting.venue_order_id]


@pytest.mark.asyncio
async def test_a_cancelled_order_leaves_the_caches(desk: Desk) -> None:
    kept = await place(desk, at_bid=False)
    gone = await place(desk, at_bid=False)
    await desk.adapter.open_orders()
    assert len(desk.adapter._reports) == 2

    await desk.adapter.cancel(gone.venue_order_id)
    desk.clock.advance(1.5)  # done (Anboto cancels a moment later)
    listed = by_id(await desk.adapter.open_orders())
    again = by_id(await desk.adapter.open_orders())

    assert gone.venue_order_id not in listed and kept.venue_order_id in listed
    assert len(desk.adapter._reports) == 1
    assert again[kept.venue_order_id] is listed[kept.venue_order_id]
