"""The store is the one truth: reports go through the state machine, fills count once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

from gui.domain import FillKind, Order, OrderStatus, OrderTicket, Side, Strategy
from gui.oms.events import ErrorEvent, StoreChange
from gui.oms.store import OrderStore
from gui.venues.base import FillAggregate, FillReport, OrderReport

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def new_order(store: OrderStore, client_order_id: str = "OD1") -> Order:
    ticket = OrderTicket(
        "treadfi", "acct", "BTC-USDT", Side.BUY, Decimal("1"), Strategy.TWAP, duration_s=600
    )
    order = Order.from_ticket(ticket, client_order_id, now=T0)
    store.add(order)
    return order


def report(
    status: OrderStatus,
    filled: str = "0",
    fills: tuple[FillReport, ...] | None = None,
    venue_status: str = "ACTIVE",
) -> OrderReport:
    return OrderReport(
        venue="treadfi",
        venue_order_id="V1",
        client_order_id="OD1",
        status=status,
        venue_status=venue_status,
        pair="BTC-USDT",
        side=Side.BUY,
        quantity=Decimal("1"),
        filled_qty=Decimal(filled),
        avg_fill_px=Decimal("100") if filled != "0" else None,
        fills=fills,
    )


def fill(fill_id: str, qty: str) -> FillReport:
    return FillReport(fill_id, Decimal(qty), Decimal("100"), T0)


def test_a_fill_reported_twice_counts_once() -> None:
    store = OrderStore()
    changes: list[StoreChange] = []
    store.changed.subscribe(changes.append)
    new_order(store)
    store.apply_reports([report(OrderStatus.WORKING, "0.25", (fill("f1", "0.25"),))])
    store.apply_reports([report(OrderStatus.WORKING, "0.25", (fill("f1", "0.25"),))])
    assert [f.fill_id for f in store.fills("OD1")] == ["f1"]
    assert sum(len(change.fills) for change in changes) == 1
    order = store.get("OD1")
    assert order is not None
    assert order.status == OrderStatus.PARTIALLY_FILLED  # working + fills = partially filled
    assert order.venue_order_id == "V1"


def test_filled_quantity_never_goes_down_on_an_older_report() -> None:
    store = OrderStore()
    new_order(store)
    store.apply_reports([report(OrderStatus.WORKING, "0.5")])
    store.apply_reports([report(OrderStatus.WORKING, "0.25")])
    order = store.get("OD1")
    assert order is not None and order.filled_qty == Decimal("0.5")


def test_a_poll_sent_before_pause_was_clicked_cannot_unpause_the_row() -> None:
    store = OrderStore()
    new_order(store)
    store.apply_reports([report(OrderStatus.WORKING)])
    poll_sent_at = store.stamp()
    store.set_status("OD1", OrderStatus.PENDING_PAUSE)  # the trader clicks Pause
    store.apply_reports([report(OrderStatus.WORKING)], observed_at=poll_sent_at)
    assert store.get("OD1").status == OrderStatus.PENDING_PAUSE  # type: ignore[union-attr]
    store.apply_reports(
        [report(OrderStatus.PAUSED, venue_status="PAUSED")], observed_at=store.stamp()
    )
    paused = store.get("OD1")
    assert paused is not None and paused.status == OrderStatus.PAUSED
    assert len(paused.pauses) == 1


def test_a_late_fill_after_cancel_is_applied_and_the_order_stays_canceled() -> None:
    store = OrderStore()
    new_order(store)
    store.apply_reports([report(OrderStatus.CANCELED, "0.1", (fill("f1", "0.1"),))])
    store.apply_reports(
        [report(OrderStatus.WORKING, "0.3", (fill("f1", "0.1"), fill("f2", "0.2")))]
    )
    order = store.get("OD1")
    assert order is not None
    assert order.status == OrderStatus.CANCELED
    assert order.filled_qty == Decimal("0.3")
    assert [f.fill_id for f in store.fills("OD1")] == ["f1", "f2"]


def test_an_unknown_venue_status_is_reported_and_does_not_change_the_order() -> None:
    store = OrderStore()
    problems: list[ErrorEvent] = []
    store.problems.subscribe(problems.append)
    new_order(store)
    store.apply_reports([report(OrderStatus.WORKING)])
    store.apply_reports([report(OrderStatus.UNKNOWN, venue_status="TRADING_HALT")])
    assert store.get("OD1").status == OrderStatus.WORKING  # type: ignore[union-attr]
    assert "TRADING_HALT" in problems[-1].message


def test_orders_placed_elsewhere_are_adopted_under_the_venue_id() -> None:
    store = OrderStore()
    foreign = OrderReport(
        venue="treadfi",
        venue_order_id="V9",
        client_order_id="",
        status=OrderStatus.WORKING,
        venue_status="ACTIVE",
        pair="ETH-USDT",
        side=Side.SELL,
        quantity=Decimal("3"),
        filled_qty=Decimal(0),
        account="acct",
    )
    store.apply_reports([foreign])
    adopted = store.find_by_venue_order_id("treadfi", "V9")
    assert adopted is not None
    assert adopted.client_order_id == "treadfi:V9"
    assert adopted.status == OrderStatus.WORKING
    assert store.working_orders("treadfi", "acct") == [adopted]


def test_one_failing_subscriber_does_not_starve_the_others() -> None:
    store = OrderStore()
    seen: list[StoreChange] = []

    def broken(_: StoreChange) -> None:
        raise RuntimeError("a pane crashed")

    store.changed.subscribe(broken)
    store.changed.subscribe(seen.append)
    new_order(store)
    assert len(seen) == 1


def test_an_older_report_does_not_overwrite_the_newer_average_price() -> None:
    store = OrderStore()
    new_order(store)
    newer = dataclasses.replace(report(OrderStatus.WORKING, "0.5"), avg_fill_px=Decimal("101"))
    older = dataclasses.replace(report(OrderStatus.WORKING, "0.25"), avg_fill_px=Decimal("99"))
    store.apply_reports([newer])
    store.apply_reports([older])
    order = store.get("OD1")
    assert order is not None
    assert (order.filled_qty, order.avg_fill_px) == (Decimal("0.5"), Decimal("101"))


def aggregate_report(filled: str, avg: str | None, notional: str | None = None) -> OrderReport:
    return dataclasses.replace(
        report(OrderStatus.PARTIALLY_FILLED, filled),
        avg_fill_px=None if avg is None else Decimal(avg),
        aggregate=FillAggregate(notional=None if notional is None else Decimal(notional)),
    )


def test_rises_in_filled_quantity_become_derived_fills_once() -> None:
    store = OrderStore()
    new_order(store)
    store.apply_reports([aggregate_report("0.25", "100")])
    store.apply_reports([aggregate_report("0.25", "100")])  # the same poll again
    store.apply_reports([aggregate_report("0.75", "102")])
    store.apply_reports([aggregate_report("0.25", "100")])  # an older answer arriving late
    fills = store.fills("OD1")
    assert [(f.quantity, f.price, f.kind) for f in fills] == [
        (Decimal("0.25"), Decimal(100), FillKind.DERIVED),
        (Decimal("0.50"), Decimal(103), FillKind.DERIVED),
    ]
    assert sum(f.notional for f in fills) == Decimal("0.75") * Decimal(102)


def test_derived_fills_survive_a_restart_without_being_counted_twice() -> None:
    store = OrderStore()
    new_order(store)
    store.apply_reports([aggregate_report("0.4", None, notional="40.4")])
    restored = store.get("OD1")
    assert restored is not None and restored.filled_notional == Decimal("40.4")
    # A new desk restores the order as the journal holds it, then polls the same totals
    # and a further rise: only the rise is new, priced from the exact quote amounts.
    again = OrderStore()
    again.add(restored)
    again.apply_reports([aggregate_report("0.4", None, notional="40.4")])
    again.apply_reports([aggregate_report("1", None, notional="101.6")])
    assert [(f.fill_id, f.quantity, f.price) for f in again.fills("OD1")] == [
        ("V1~1", Decimal("0.6"), Decimal(102))
    ]


def test_a_venue_still_saying_pending_new_does_not_move_a_live_order_back() -> None:
    store = OrderStore()
    problems: list[ErrorEvent] = []
    store.problems.subscribe(problems.append)
    new_order(store)
    store.apply_reports([report(OrderStatus.WORKING, "0.25", (fill("f1", "0.25"),))])
    # A new leg acknowledged but not yet accepted at the venue (Anboto's PENDING_NEW).
    store.apply_reports([report(OrderStatus.PENDING_NEW, "0.25", venue_status="PENDING_NEW")])
    order = store.get("OD1")
    assert order is not None and order.status == OrderStatus.PARTIALLY_FILLED
    assert problems == []
