"""Synthetic pause/resume and cancel/replace amend on KuCoin Futures (no native pause or
amend), through OrderService and VenuePoller against the real adapter and its emulator.

The trader sees one order: paused and resumed (or amended), with the fills of every venue
order (leg) that worked it, and quantities that add up exactly.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest
import pytest_asyncio

from gui.domain.options import OrderOptions
from gui.domain.orders import (
    Amendment,
    LegEnd,
    LegPurpose,
    Order,
    OrderStatus,
    OrderTicket,
    Side,
    Strategy,
)
from gui.oms.events import ErrorKind
from tests.oms.synthetic_rigs import Outage, Rig, kucoin_rig

D = Decimal
PAIR = "BTC-USDT"
TICK = D("0.1")

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def rig() -> AsyncIterator[Rig]:
    async with kucoin_rig() as built:
        yield built


async def until(condition: Callable[[], bool], attempts: int = 200) -> None:
    """Let background tasks run until `condition` holds (fails after `attempts` turns)."""
    for _ in range(attempts):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met")


def limit(
    rig: Rig, quantity: str, price: Decimal, side: Side = Side.BUY, **options: object
) -> OrderTicket:
    return OrderTicket(
        rig.venue,
        rig.account,
        PAIR,
        side,
        D(quantity),
        Strategy.LIMIT,
        limit_price=price,
        options=OrderOptions(**options),  # type: ignore[arg-type]
    )


def market(rig: Rig, quantity: str, side: Side) -> OrderTicket:
    return OrderTicket(rig.venue, rig.account, PAIR, side, D(quantity), Strategy.MARKET)


def current(rig: Rig, order: Order) -> Order:
    found = rig.store.get(order.client_order_id)
    assert found is not None
    return found


async def venue_status(rig: Rig, venue_order_id: str | None) -> OrderStatus:
    """What the venue itself says of one of its orders."""
    assert venue_order_id is not None
    return (await rig.adapter.order(venue_order_id)).status


async def partly_filled_buy(rig: Rig) -> Order:
    """A 0.5 BTC limit buy at the ask: part fills against the book at once, the rest rests."""
    _, ask = rig.engine.best_bid_ask(PAIR)
    order = await rig.service.submit(limit(rig, "0.5", ask))
    assert await rig.poller.poll_once()
    order = current(rig, order)
    assert order.status == OrderStatus.PARTIALLY_FILLED
    assert D(0) < order.filled_qty < D("0.5")
    return order


async def test_pause_and_resume_are_synthetic_and_the_trader_sees_one_order(rig: Rig) -> None:
    assert rig.service.pause_is_synthetic("kucoin_futures")
    order = await partly_filled_buy(rig)
    first_fill = order.filled_qty
    first_venue_id = order.venue_order_id

    [paused] = await rig.service.pause([order.client_order_id])
    assert paused.ok
    held = current(rig, order)
    assert held.status == OrderStatus.PAUSED and held.is_between_legs
    assert held.filled_qty == first_fill and held.quantity == D("0.5")
    assert (await venue_status(rig, first_venue_id)) == OrderStatus.CANCELED

    # While paused nothing works at the venue: time passes, nothing fills, one row.
    rig.clock.advance(60)
    assert await rig.poller.poll_once()
    assert current(rig, order).filled_qty == first_fill
    assert len(rig.store) == 1

    [resumed] = await rig.service.resume([order.client_order_id])
    assert resumed.ok
    working = current(rig, order)
    assert working.status == OrderStatus.PARTIALLY_FILLED
    assert working.venue_order_id not in (None, first_venue_id)
    legs = rig.store.legs(order.client_order_id)
    assert [(leg.number, leg.purpose) for leg in legs] == [
        (1, LegPurpose.NEW),
        (2, LegPurpose.RESUME),
    ]
    assert legs[0].client_order_id == order.client_order_id and legs[0].ending == LegEnd.PAUSE
    # The new leg: its own client order id linked to the order, the remainder only.
    assert legs[1].client_order_id.startswith(order.client_order_id)
    assert legs[1].client_order_id != order.client_order_id
    assert legs[1].quantity == D("0.5") - first_fill
    second = await rig.adapter.order(working.venue_order_id)
    assert second.client_order_id == legs[1].client_order_id
    assert second.quantity == D("0.5") - first_fill

    while current(rig, order).status != OrderStatus.FILLED:
        rig.clock.advance(5)
        assert await rig.poller.poll_once()
    done = current(rig, order)
    assert len(rig.store) == 1
    assert done.quantity == D("0.5") and done.filled_qty == D("0.5")
    assert len(done.pauses) == 1 and done.pauses[0][1] is not None
    fills = rig.store.fills(order.client_order_id)
    assert sum(fill.quantity for fill in fills) == D("0.5")
    legs = rig.store.legs(order.client_order_id)
    assert sum(leg.filled_qty for leg in legs) == D("0.5")
    assert legs[0].filled_qty == first_fill and legs[1].filled_qty == D("0.5") - first_fill
    # The average is notional-weighted over the legs (each leg's average as the venue
    # rounds it), so it matches the fills to well under a tick.
    assert done.avg_fill_px is not None
    fills_avg = sum(fill.notional for fill in fills) / done.filled_qty
    assert abs(done.avg_fill_px - fills_avg) < D("0.000001")
    assert not rig.errors


async def test_pausing_an_order_that_filled_meanwhile_shows_it_filled(rig: Rig) -> None:
    order = await partly_filled_buy(rig)
    rig.clock.advance(120)  # the market crosses the limit; the desk has not polled yet
    assert (await venue_status(rig, order.venue_order_id)) == OrderStatus.FILLED
    [paused] = await rig.service.pause([order.client_order_id])
    assert not paused.ok and "not cancelable" in paused.message
    done = current(rig, order)
    assert done.status == OrderStatus.FILLED and done.filled_qty == D("0.5")
    assert rig.errors[-1].kind == ErrorKind.REJECTED


async def test_cancelling_a_synthetically_paused_order_ends_it_on_the_desk(rig: Rig) -> None:
    order = await partly_filled_buy(rig)
    await rig.service.pause([order.client_order_id])
    submitted = len(rig.engine.orders())
    [cancelled] = await rig.service.cancel([order.client_order_id])
    assert cancelled.ok and "nothing was working at the venue" in cancelled.message
    final = current(rig, order)
    assert final.status == OrderStatus.CANCELED and final.filled_qty == order.filled_qty
    assert len(rig.engine.orders()) == submitted
    [again] = await rig.service.resume([order.client_order_id])
    assert not again.ok


async def test_amend_cancels_and_replaces_the_remainder_with_the_new_terms(rig: Rig) -> None:
    assert rig.service.amend_is_cancel_replace("kucoin_futures")
    order = await partly_filled_buy(rig)
    filled = order.filled_qty
    new_price = rig.price("0.95", PAIR, TICK)  # rests below the market

    result = await rig.service.amend(
        order.client_order_id, Amendment(quantity=D("0.8"), limit_price=new_price)
    )
    assert result.ok
    amended = current(rig, order)
    assert amended.status == OrderStatus.PARTIALLY_FILLED
    assert (amended.quantity, amended.limit_price) == (D("0.8"), new_price)
    assert amended.filled_qty == filled and amended.leaves_qty == D("0.8") - filled
    legs = rig.store.legs(order.client_order_id)
    assert [leg.purpose for leg in legs] == [LegPurpose.NEW, LegPurpose.REPLACE]
    assert legs[0].status == OrderStatus.CANCELED and legs[0].ending == LegEnd.REPLACE
    replacement = await rig.adapter.order(amended.venue_order_id)  # type: ignore[arg-type]
    assert replacement.quantity == D("0.8") - filled  # the remainder only
    assert replacement.limit_price == new_price
    assert replacement.client_order_id == legs[1].client_order_id

    # The next poll keeps the order's total and working status.
    assert await rig.poller.poll_once()
    polled = current(rig, order)
    assert polled.quantity == D("0.8") and polled.status == OrderStatus.PARTIALLY_FILLED
    assert not rig.errors


async def test_amend_to_no_more_than_the_filled_quantity_is_refused_before_sending(
    rig: Rig,
) -> None:
    order = await partly_filled_buy(rig)
    sent = len(rig.engine.orders())
    result = await rig.service.amend(order.client_order_id, Amendment(quantity=order.filled_qty))
    assert not result.ok and "above" in result.message
    unchanged = current(rig, order)
    assert unchanged.status == OrderStatus.PARTIALLY_FILLED and unchanged.legs == ()
    assert (await venue_status(rig, order.venue_order_id)) == OrderStatus.PARTIALLY_FILLED
    assert len(rig.engine.orders()) == sent
    assert rig.errors[-1].client_order_id == order.client_order_id


async def test_a_resume_the_venue_refuses_leaves_the_order_paused_and_says_why(
    rig: Rig,
) -> None:
    # A long position, and a reduce-only sell resting above the market to close it.
    bought = await rig.service.submit(market(rig, "0.01", Side.BUY))
    assert current(rig, bought).venue_order_id
    above = rig.price("1.05", PAIR, TICK)
    order = await rig.service.submit(limit(rig, "0.01", above, Side.SELL, reduce_only=True))
    assert order.status == OrderStatus.WORKING
    [paused] = await rig.service.pause([order.client_order_id])
    assert paused.ok and current(rig, order).status == OrderStatus.PAUSED

    # Meanwhile the position is closed from another ticket: nothing left to reduce.
    await rig.service.submit(market(rig, "0.01", Side.SELL))
    [resumed] = await rig.service.resume([order.client_order_id])

    assert not resumed.ok and resumed.message
    refused = current(rig, order)
    assert refused.status == OrderStatus.PAUSED
    assert refused.reason == resumed.message
    assert refused.quantity == D("0.01") and refused.filled_qty == 0
    legs = rig.store.legs(order.client_order_id)
    assert [leg.status for leg in legs] == [OrderStatus.CANCELED, OrderStatus.REJECTED]
    assert rig.errors[-1].kind == ErrorKind.REJECTED
    assert resumed.message in rig.errors[-1].message
    assert rig.errors[-1].client_order_id == order.client_order_id
    # Still one row, and the trader can cancel what is left.
    [cancelled] = await rig.service.cancel([order.client_order_id])
    assert cancelled.ok and current(rig, order).status == OrderStatus.CANCELED


async def test_a_replace_whose_cancel_is_confirmed_by_the_poll_then_sends_the_remainder() -> None:
    outage = Outage()
    async with kucoin_rig(outage) as rig:
        order = await partly_filled_buy(rig)
        filled = order.filled_qty
        # The cancel goes through but the look-up after it is lost: still pending.
        outage.failing_lookups = 3  # every read attempt of the refresh
        result = await rig.service.amend(order.client_order_id, Amendment(quantity=D("0.7")))
        assert result.ok and "once the venue confirms" in result.message
        assert current(rig, order).status == OrderStatus.PENDING_REPLACE
        assert current(rig, order).leg_count == 1
        # The next poll finds the leg cancelled; the remainder of the new total goes out.
        assert await rig.poller.poll_once()
        await until(lambda: current(rig, order).status == OrderStatus.PARTIALLY_FILLED)
        replaced = current(rig, order)
        assert (replaced.quantity, replaced.filled_qty, replaced.leg_count) == (
            D("0.7"),
            filled,
            2,
        )
        leg = await rig.adapter.order(replaced.venue_order_id)  # type: ignore[arg-type]
        assert leg.quantity == D("0.7") - filled
