"""The rules of legs: a new leg's id valid on every venue, the ticket it is sent with."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from gui.domain.options import ClipSize, ClipSizeKind, OrderOptions, StopDirection, StopTrigger
from gui.domain.orders import MIN_DURATION_S, Amendment, Order, OrderTicket, Side, Strategy
from gui.oms.legs import (
    amendment_fields,
    leg_client_order_id,
    leg_ticket,
    remaining_duration_s,
    ticket_from_order,
)
from gui.oms.service import OrderService, new_client_order_id
from gui.oms.store import OrderStore
from gui.venues.treadfi import TreadfiAdapter, TreadfiConfig

D = Decimal
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def never(_: str) -> bool:
    return False


def test_a_leg_id_links_to_its_order_and_fits_the_venue() -> None:
    parent = new_client_order_id()
    assert leg_client_order_id(parent, 2, 40, never, "X") == f"{parent}-L2"
    # Cut to the venue's length, characters KuCoin refuses dropped.
    cut = leg_client_order_id("A" * 40, 3, 40, never, "X")
    assert cut == "A" * 37 + "-L3" and len(cut) == 40
    assert leg_client_order_id("kucoin_futures:1795230", 2, 40, never, "X") == (
        "kucoin_futures1795230-L2"
    )
    # Taken (or nothing usable left): a fresh id instead.
    fresh = new_client_order_id()
    assert leg_client_order_id(parent, 2, 40, lambda _: True, fresh) == fresh
    assert leg_client_order_id(":::", 2, 40, never, fresh) == fresh


def twap_order(**changes: object) -> Order:
    ticket = OrderTicket(
        "anboto",
        "acct",
        "BTC-USDT",
        Side.BUY,
        D(10),
        Strategy.TWAP,
        limit_price=D(100),
        duration_s=3600,
        options=OrderOptions(
            visible_quantity=D(5),
            start_ts=T0,
            clip_size=ClipSize(ClipSizeKind.QUANTITY, D(4)),
            stop=StopTrigger(StopDirection.UP, D(120)),
        ),
    )
    return dataclasses.replace(Order.from_ticket(ticket, "OD1", now=T0), **changes)  # type: ignore[arg-type]


def test_a_resumed_algo_works_what_is_left_of_its_window() -> None:
    order = twap_order(start_ts=T0)
    assert remaining_duration_s(order, 3600, T0 + timedelta(minutes=20)) == 2400
    # Resumed near or after the end: the venue's minimum window.
    assert remaining_duration_s(order, 3600, T0 + timedelta(minutes=59, seconds=30)) == (
        MIN_DURATION_S
    )
    assert remaining_duration_s(order, 3600, T0 + timedelta(hours=5)) == MIN_DURATION_S


def test_a_leg_ticket_sends_the_remainder_with_the_current_terms() -> None:
    order = twap_order(start_ts=T0)
    now = T0 + timedelta(minutes=30)
    ticket = leg_ticket(ticket_from_order(order), order, D(3), now=now)
    assert (ticket.quantity, ticket.limit_price, ticket.duration_s) == (D(3), D(100), 1800)
    assert ticket.options.start_ts is None  # the leg starts now
    assert ticket.options.visible_quantity is None  # an iceberg no smaller than the leg
    assert ticket.options.clip_size == ClipSize(ClipSizeKind.QUANTITY, D(3))
    assert ticket.options.stop is None  # a triggered stop is not armed again
    assert ticket.validation_errors() == {}

    replaced = leg_ticket(
        ticket_from_order(order),
        order,
        D(8),
        now=now,
        amendment=Amendment(limit_price=D(101), duration_s=7200),
        keep_stop=True,
    )
    assert (replaced.limit_price, replaced.duration_s) == (D(101), 5400)
    assert replaced.options.visible_quantity == D(5) and replaced.options.stop is not None


def test_which_amendments_a_native_amend_covers() -> None:
    assert amendment_fields(Amendment(quantity=D(1), duration_s=60)) == {"quantity", "duration_s"}
    store = OrderStore()
    treadfi = TreadfiAdapter(TreadfiConfig(base_url="http://treadfi.test"), "key", "acct")
    service = OrderService(store, {("treadfi", "acct"): treadfi})
    # Tread.fi pauses and amends natively: nothing synthetic there.
    assert not service.pause_is_synthetic("treadfi")
    assert not service.amend_is_cancel_replace("treadfi", Amendment(duration_s=600))
    assert not service.pause_is_synthetic("nowhere")
