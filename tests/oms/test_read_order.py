"""An order whose action failed is read until the venue answers (issue 6, item 3): its
outcome is the venue's word, never a guess."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gui.domain import Order, OrderStatus, OrderTicket, Side, Strategy
from gui.domain.errors import VenueNotFound, VenueTransportError
from gui.oms.confirm import read_order
from gui.oms.store import OrderStore
from gui.venues.base import OrderReport

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


class LossyVenue:
    """Answers a read of V1 with the order cancelled after `lost` reads lose their answer."""

    venue = "zenotc"
    account = "desk-a"

    def __init__(self, lost: int, *, known: bool = True) -> None:
        self.lost = lost
        self.known = known
        self.reads = 0

    async def order(self, venue_order_id: str) -> OrderReport:
        self.reads += 1
        if not self.known:
            raise VenueNotFound(self.venue, "order not found", 404)
        if self.reads <= self.lost:
            raise VenueTransportError(self.venue, "Server disconnected without a response")
        return OrderReport(
            venue="zenotc",
            venue_order_id=venue_order_id,
            client_order_id="OD1",
            status=OrderStatus.CANCELED,
            venue_status="cancelled",
            pair="BTC-USD",
            side=Side.BUY,
            quantity=Decimal("1"),
            filled_qty=Decimal("0"),
            avg_fill_px=None,
            account="desk-a",
            updated_ts=T0,
        )


def working_order_store() -> OrderStore:
    store = OrderStore()
    ticket = OrderTicket(
        "zenotc", "desk-a", "BTC-USD", Side.BUY, Decimal("1"), Strategy.LIMIT, Decimal("30000")
    )
    order = Order.from_ticket(ticket, "OD1", now=T0)
    store.add(dataclasses.replace(order, venue_order_id="V1", status=OrderStatus.WORKING))
    return store


async def test_reads_that_lose_their_answer_are_tried_again_until_the_venue_answers() -> None:
    store = working_order_store()
    venue = LossyVenue(lost=2)

    answered = await read_order(store, venue, "OD1", [0.0, 0.0, 0.0])  # type: ignore[arg-type]

    assert answered and venue.reads == 3
    assert store.get("OD1").status == OrderStatus.CANCELED  # type: ignore[union-attr]


async def test_after_the_last_wait_the_read_gives_up_and_the_order_is_left_as_it_was() -> None:
    store = working_order_store()
    store.set_status("OD1", OrderStatus.PENDING_CANCEL)
    venue = LossyVenue(lost=10)

    answered = await read_order(store, venue, "OD1", [0.0, 0.0])  # type: ignore[arg-type]

    assert not answered and venue.reads == 3
    assert store.get("OD1").status == OrderStatus.PENDING_CANCEL  # type: ignore[union-attr]


async def test_a_venue_that_does_not_know_the_order_is_not_asked_again() -> None:
    store = working_order_store()
    venue = LossyVenue(lost=0, known=False)

    answered = await read_order(store, venue, "OD1", [0.0, 0.0])  # type: ignore[arg-type]

    assert not answered and venue.reads == 1
