"""The store keeps an order worked by several venue orders (legs) as one order: each
leg's fills count once, totals add up over the legs, only the current leg moves it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from gui.domain.orders import (
    Amendment,
    FillKind,
    LegEnd,
    LegPurpose,
    Order,
    OrderStatus,
    OrderTicket,
    Side,
    Strategy,
)
from gui.oms.store import OrderStore
from gui.venues.base import FillAggregate, FillReport, OrderReport

D = Decimal
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def new_order(store: OrderStore) -> Order:
    ticket = OrderTicket(
        "anboto", "acct", "BTC-USDT", Side.BUY, D(1), Strategy.TWAP, duration_s=600
    )
    order = Order.from_ticket(ticket, "OD1", now=T0)
    store.add(order)
    return order


def leg_report(
    venue_order_id: str,
    client_order_id: str,
    status: OrderStatus,
    filled: str,
    avg: str | None,
    quantity: str = "1",
    fills: tuple[FillReport, ...] | None = None,
) -> OrderReport:
    return OrderReport(
        venue="anboto",
        venue_order_id=venue_order_id,
        client_order_id=client_order_id,
        status=status,
        venue_status=str(status),
        pair="BTC-USDT",
        side=Side.BUY,
        quantity=D(quantity),
        filled_qty=D(filled),
        avg_fill_px=None if avg is None else D(avg),
        fills=fills,
        aggregate=None if fills is not None else FillAggregate(),
    )


def get(store: OrderStore) -> Order:
    order = store.get("OD1")
    assert order is not None
    return order


def paused_after_first_leg(store: OrderStore) -> None:
    """Leg 1 (V1) fills 0.4 at 100, then the desk pauses it synthetically."""
    new_order(store)
    store.apply_reports([leg_report("V1", "OD1", OrderStatus.WORKING, "0.4", "100")])
    store.end_leg("OD1", LegEnd.PAUSE, OrderStatus.PENDING_PAUSE)
    store.apply_reports([leg_report("V1", "OD1", OrderStatus.CANCELED, "0.4", "100")])


def test_two_legs_with_derived_fills_are_one_order_without_double_counting() -> None:
    store = OrderStore()
    paused_after_first_leg(store)
    paused = get(store)
    assert paused.status == OrderStatus.PAUSED and paused.is_between_legs
    assert (paused.quantity, paused.filled_qty) == (D(1), D("0.4"))

    store.add_leg("OD1", "OD1-L2", D("0.6"), LegPurpose.RESUME, OrderStatus.PENDING_RESUME)
    assert get(store).venue_order_id is None  # until the venue acknowledges leg 2
    # Leg 2's reports, found by its own client order id, repeated as polls repeat them.
    leg2 = leg_report("V2", "OD1-L2", OrderStatus.WORKING, "0.3", "110", quantity="0.6")
    store.apply_reports([leg2])
    store.apply_reports([leg2])
    # A late report of leg 1 with the same totals: nothing new.
    store.apply_reports([leg_report("V1", "OD1", OrderStatus.CANCELED, "0.4", "100")])
    working = get(store)
    assert working.status == OrderStatus.PARTIALLY_FILLED
    assert working.venue_order_id == "V2" and working.quantity == D(1)
    assert working.filled_qty == D("0.7")

    store.apply_reports(
        [leg_report("V2", "OD1-L2", OrderStatus.FILLED, "0.6", "105", quantity="0.6")]
    )
    done = get(store)
    fills = store.fills("OD1")
    assert [(f.fill_id, f.quantity, f.price, f.kind) for f in fills] == [
        ("V1~0.4", D("0.4"), D(100), FillKind.DERIVED),
        ("V2~0.3", D("0.3"), D(110), FillKind.DERIVED),
        ("V2~0.6", D("0.3"), D(100), FillKind.DERIVED),
    ]
    assert done.status == OrderStatus.FILLED
    assert (done.quantity, done.filled_qty) == (D(1), D(1))
    assert sum(f.quantity for f in fills) == done.filled_qty
    # 0.4 at 100 and 0.6 at 105: the notional-weighted average over the legs.
    assert done.avg_fill_px == D(103)
    assert sum(f.notional for f in fills) == D(103)
    assert [leg.filled_qty for leg in store.legs("OD1")] == [D("0.4"), D("0.6")]
    assert store.find_by_venue_order_id("anboto", "V1") == done
    assert store.find_by_venue_order_id("anboto", "V2") == done


def test_until_the_venue_confirms_the_cancel_the_order_stays_pending_pause() -> None:
    store = OrderStore()
    new_order(store)
    store.apply_reports([leg_report("V1", "OD1", OrderStatus.WORKING, "0.4", "100")])
    poll_sent_at = store.stamp()
    store.end_leg("OD1", LegEnd.PAUSE, OrderStatus.PENDING_PAUSE)
    # A poll sent before the click, and one answered before the venue cancelled.
    store.apply_reports(
        [leg_report("V1", "OD1", OrderStatus.WORKING, "0.5", "100")], observed_at=poll_sent_at
    )
    store.apply_reports([leg_report("V1", "OD1", OrderStatus.WORKING, "0.5", "100")])
    pending = get(store)
    assert pending.status == OrderStatus.PENDING_PAUSE and pending.filled_qty == D("0.5")
    store.apply_reports([leg_report("V1", "OD1", OrderStatus.CANCELED, "0.5", "100")])
    paused = get(store)
    assert paused.status == OrderStatus.PAUSED and len(paused.pauses) == 1
    assert paused.leaves_qty == D("0.5")


def test_a_leg_that_filled_instead_of_cancelling_fills_the_order() -> None:
    store = OrderStore()
    new_order(store)
    store.apply_reports([leg_report("V1", "OD1", OrderStatus.WORKING, "0.9", "100")])
    store.end_leg("OD1", LegEnd.PAUSE, OrderStatus.PENDING_PAUSE)
    store.apply_reports([leg_report("V1", "OD1", OrderStatus.FILLED, "1", "100")])
    assert get(store).status == OrderStatus.FILLED


def test_an_old_legs_report_never_moves_the_order_and_late_fills_still_count() -> None:
    store = OrderStore()
    new_order(store)
    fill1 = FillReport("f1", D("0.2"), D(100), T0)
    store.apply_reports(
        [leg_report("V1", "OD1", OrderStatus.WORKING, "0.2", "100", fills=(fill1,))]
    )
    store.end_leg("OD1", LegEnd.PAUSE, OrderStatus.PENDING_PAUSE)
    store.apply_reports(
        [leg_report("V1", "OD1", OrderStatus.CANCELED, "0.2", "100", fills=(fill1,))]
    )
    store.add_leg("OD1", "OD1-L2", D("0.8"), LegPurpose.RESUME, OrderStatus.PENDING_RESUME)
    store.apply_report(
        leg_report("V2", "OD1-L2", OrderStatus.WORKING, "0", None, quantity="0.8", fills=()),
        client_order_id="OD1",
    )
    # Leg 1 reports a late fill and, again, that it is cancelled: the order works on.
    fill2 = FillReport("f2", D("0.1"), D(90), T0)
    store.apply_reports(
        [leg_report("V1", "OD1", OrderStatus.CANCELED, "0.3", "96.666", fills=(fill1, fill2))]
    )
    order = get(store)
    assert order.status == OrderStatus.PARTIALLY_FILLED
    assert (order.quantity, order.filled_qty) == (D(1), D("0.3"))
    assert [f.fill_id for f in store.fills("OD1")] == ["f1", "f2"]


def test_a_refused_leg_leaves_the_order_paused_with_the_reason() -> None:
    store = OrderStore()
    paused_after_first_leg(store)
    store.add_leg("OD1", "OD1-L2", D("0.6"), LegPurpose.RESUME, OrderStatus.PENDING_RESUME)
    store.refuse_leg("OD1", "Insufficient balance")
    order = get(store)
    assert order.status == OrderStatus.PAUSED and order.reason == "Insufficient balance"
    assert [leg.status for leg in store.legs("OD1")] == [
        OrderStatus.CANCELED,
        OrderStatus.REJECTED,
    ]
    assert order.is_between_legs and order.leg_count == 2
    assert store.is_known_id("OD1-L2")


def test_a_replacement_leg_takes_the_new_terms_and_the_order_keeps_its_total() -> None:
    store = OrderStore()
    new_order(store)
    store.apply_reports([leg_report("V1", "OD1", OrderStatus.WORKING, "0.4", "100")])
    store.end_leg("OD1", LegEnd.REPLACE, OrderStatus.PENDING_REPLACE)
    store.apply_reports([leg_report("V1", "OD1", OrderStatus.CANCELED, "0.4", "100")])
    waiting = get(store)
    assert waiting.status == OrderStatus.PENDING_REPLACE and waiting.is_between_legs
    terms = Amendment(quantity=D(2), limit_price=D(99))
    store.add_leg("OD1", "OD1-L2", D("1.6"), LegPurpose.REPLACE, OrderStatus.PENDING_REPLACE, terms)
    store.apply_report(
        leg_report("V2", "OD1-L2", OrderStatus.WORKING, "0", None, quantity="1.6"),
        client_order_id="OD1",
    )
    order = get(store)
    assert order.status == OrderStatus.PARTIALLY_FILLED
    assert (order.quantity, order.limit_price, order.filled_qty) == (D(2), D(99), D("0.4"))
