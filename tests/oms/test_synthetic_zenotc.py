"""Synthetic pause/resume on ZenOTC (no native pause; native amend of quantity and limit),
through OrderService and VenuePoller against the real adapter and its emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import pytest_asyncio

from gui.domain.orders import Amendment, LegPurpose, Order, OrderStatus, OrderTicket, Side, Strategy
from tests.oms.synthetic_rigs import Rig, zenotc_rig

D = Decimal
PAIR = "BTC-USD"
TICK = D("0.01")

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def rig() -> AsyncIterator[Rig]:
    async with zenotc_rig() as built:
        yield built


def current(rig: Rig, order: Order) -> Order:
    found = rig.store.get(order.client_order_id)
    assert found is not None
    return found


async def paused_and_resumed(rig: Rig) -> tuple[Order, Decimal]:
    """A 5 BTC limit buy at the ask, part filled, paused, then resumed: (order, filled
    by the first leg)."""
    _, ask = rig.engine.best_bid_ask(PAIR)
    ticket = OrderTicket(
        rig.venue, rig.account, PAIR, Side.BUY, D(5), Strategy.LIMIT, limit_price=ask
    )
    order = await rig.service.submit(ticket)
    assert await rig.poller.poll_once()
    first = current(rig, order).filled_qty
    assert D(0) < first < D(5)
    [paused] = await rig.service.pause([order.client_order_id])
    assert paused.ok
    held = current(rig, order)
    assert held.status == OrderStatus.PAUSED and held.filled_qty == first
    rig.clock.advance(60)
    assert await rig.poller.poll_once()
    assert current(rig, order).filled_qty == first  # nothing works at the venue
    [resumed] = await rig.service.resume([order.client_order_id])
    assert resumed.ok
    return current(rig, order), first


async def test_pause_and_resume_on_zenotc_keep_one_order_with_every_legs_fills(rig: Rig) -> None:
    assert rig.service.pause_is_synthetic("zenotc")
    order, first = await paused_and_resumed(rig)
    assert order.status == OrderStatus.PARTIALLY_FILLED
    legs = rig.store.legs(order.client_order_id)
    assert len(legs) == 2 and legs[1].purpose == LegPurpose.RESUME
    assert legs[1].quantity == D(5) - first
    found = await rig.adapter.find_by_client_order_id(legs[1].client_order_id)
    assert found is not None and found.venue_order_id == order.venue_order_id

    while current(rig, order).status != OrderStatus.FILLED:
        rig.clock.advance(5)
        assert await rig.poller.poll_once()
    done = current(rig, order)
    assert (done.quantity, done.filled_qty, len(rig.store)) == (D(5), D(5), 1)
    fills = rig.store.fills(order.client_order_id)
    assert sum(fill.quantity for fill in fills) == D(5)
    assert len({fill.fill_id for fill in fills}) == len(fills)
    # Fills came from both legs and belong to the one order.
    legs = rig.store.legs(order.client_order_id)
    assert legs[0].filled_qty == first and legs[1].filled_qty == D(5) - first
    assert all(fill.client_order_id == order.client_order_id for fill in fills)
    assert not rig.errors


async def test_after_a_resume_amend_is_native_on_the_leg_or_cancel_replace(rig: Rig) -> None:
    order, first = await paused_and_resumed(rig)
    filled = order.filled_qty
    below = rig.price("0.9", PAIR, TICK)

    # The limit price is amended natively on the working leg: no new leg.
    assert not rig.service.amend_is_cancel_replace("zenotc", Amendment(limit_price=below))
    result = await rig.service.amend(order.client_order_id, Amendment(limit_price=below))
    assert result.ok
    amended = current(rig, order)
    assert amended.limit_price == below and amended.leg_count == 2
    assert amended.quantity == D(5) and amended.filled_qty == filled

    # The order's total quantity no longer matches the leg's: cancel/replace, remainder only.
    result = await rig.service.amend(order.client_order_id, Amendment(quantity=D(6)))
    assert result.ok
    replaced = current(rig, order)
    assert replaced.quantity == D(6) and replaced.leg_count == 3
    assert replaced.status == OrderStatus.PARTIALLY_FILLED
    leg = await rig.adapter.order(replaced.venue_order_id)  # type: ignore[arg-type]
    assert leg.quantity == D(6) - replaced.filled_qty and leg.limit_price == below
    assert sum(item.filled_qty for item in rig.store.legs(order.client_order_id)) == (
        replaced.filled_qty
    )
    assert first <= replaced.filled_qty
    assert not rig.errors
