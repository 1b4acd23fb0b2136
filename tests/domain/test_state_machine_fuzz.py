"""The order state machine under arbitrary venue reports, through `OrderStore` (issue 5 §5).

A small simulated venue keeps the truth of a few orders (their fills, in order); hypothesis
then drives the store with any sequence of: new fills at the venue, reports built from the
latest or an older snapshot (late), with or without their fill list, with any status
(UNKNOWN included), repeated reports, reports of orders the store never saw (adopted),
reports observed before the trader's last command (stale), and trader commands. After
every step the store must keep its promises:

* `apply_reports` raises nothing (it documents no exception);
* an order's filled quantity never goes down;
* a terminal order stays in the same terminal status;
* a fill counts once: fill ids are unique, and an order's fills add up to exactly the
  distinct venue fills it was shown (fill-list venues) or to its filled quantity (venues
  that report only totals, whose fills the store derives);
* a report the store cannot follow as given (unknown status, forbidden transition from a
  settled state) goes to `store.problems`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gui.domain.errors import InvalidTransition
from gui.domain.orders import (
    PENDING,
    TERMINAL,
    Order,
    OrderStatus,
    OrderTicket,
    Side,
    Strategy,
    can_transition,
)
from gui.oms.events import ErrorEvent
from gui.oms.store import OrderStore
from gui.venues.base import FillAggregate, FillReport, OrderReport

D = Decimal
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)

FUZZ = settings(
    max_examples=400,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
"""Repeatable and quick (well under a second per test)."""

QUANTITIES = [D("0.1"), D("0.25"), D("1"), D("2.5")]
PRICES = [D("100"), D("101.5"), D("99.25")]
STATUSES = list(OrderStatus)


@dataclass
class VenueOrder:
    """The venue's truth about one order: its fills so far, oldest first."""

    venue: str
    venue_order_id: str
    client_order_id: str  # what the venue echoes ("" for an order placed elsewhere)
    lists_fills: bool  # False: the venue reports totals only (the store derives fills)
    fills: list[FillReport] = field(default_factory=list)

    def snapshot(self, back: int) -> tuple[FillReport, ...]:
        """The fills as the venue knew them `back` fills ago (a late report)."""
        return tuple(self.fills[: max(len(self.fills) - back, 0)])


def _venue_orders() -> list[VenueOrder]:
    return [
        VenueOrder("treadfi", "T1", "OD1", lists_fills=True),
        VenueOrder("treadfi", "T2", "OD2", lists_fills=True),
        VenueOrder("anboto", "A1", "OD3", lists_fills=False),
        VenueOrder("treadfi", "T9", "", lists_fills=True),  # placed elsewhere: adopted
        VenueOrder("anboto", "A9", "EXT-9", lists_fills=False),  # adopted, with its own id
    ]


KNOWN = ("OD1", "OD2", "OD3")
"""Client order ids the desk sent (in the store before any report)."""


def _add_known(store: OrderStore) -> None:
    for client_order_id, venue in zip(KNOWN, ("treadfi", "treadfi", "anboto"), strict=True):
        ticket = OrderTicket(
            venue, "acct", "BTC-USDT", Side.BUY, D("10"), Strategy.TWAP, duration_s=600
        )
        store.add(Order.from_ticket(ticket, client_order_id, now=T0))


def _report(
    order: VenueOrder, status: OrderStatus, back: int, with_fills: bool, venue_status: str
) -> OrderReport:
    fills = order.snapshot(back)
    filled = sum((fill.quantity for fill in fills), D(0))
    notional = sum((fill.quantity * fill.price for fill in fills), D(0))
    return OrderReport(
        venue=order.venue,
        venue_order_id=order.venue_order_id,
        client_order_id=order.client_order_id,
        status=status,
        venue_status=venue_status,
        pair="BTC-USDT",
        side=Side.BUY,
        quantity=D("10"),
        filled_qty=filled,
        avg_fill_px=notional / filled if filled > 0 else None,
        updated_ts=T0 + timedelta(seconds=len(fills)),
        fills=fills if order.lists_fills and with_fills else None,
        aggregate=None if order.lists_fills else FillAggregate(notional=notional),
    )


class Checker:
    """The store's promises, checked after every step."""

    def __init__(self, store: OrderStore, venue_orders: list[VenueOrder]) -> None:
        self.store = store
        self.venue_orders = venue_orders
        self.filled: dict[str, Decimal] = {}
        self.terminal: dict[str, OrderStatus] = {}
        self.shown: dict[str, set[str]] = {}  # venue order id -> fill ids shown in reports
        self.problems: list[ErrorEvent] = []
        store.problems.subscribe(self.problems.append)

    def key_of(self, venue_order: VenueOrder) -> str | None:
        found = self.store.find_by_venue_order_id(venue_order.venue, venue_order.venue_order_id)
        if found is None and venue_order.client_order_id:
            found = self.store.get(venue_order.client_order_id)  # not acknowledged yet
        return None if found is None else found.client_order_id

    def check(self) -> None:
        for venue_order in self.venue_orders:
            key = self.key_of(venue_order)
            if key is None:
                continue
            order = self.store.get(key)
            assert order is not None
            # Filled quantity never goes down.
            assert order.filled_qty >= self.filled.get(key, D(0)), (key, order.filled_qty)
            self.filled[key] = order.filled_qty
            # Terminal stays terminal, in the same status.
            if key in self.terminal:
                assert order.status == self.terminal[key], (key, order.status)
            elif order.status in TERMINAL:
                self.terminal[key] = order.status
            # Fills count once.
            fills = self.store.fills(key)
            ids = [fill.fill_id for fill in fills]
            assert len(ids) == len(set(ids)), ids
            total = sum((fill.quantity for fill in fills), D(0))
            if venue_order.lists_fills:
                assert set(ids) == self.shown.get(venue_order.venue_order_id, set())
                assert total <= order.filled_qty, (key, total, order.filled_qty)
            else:
                assert total == order.filled_qty, (key, total, order.filled_qty)


def _expected_problem(before: Order | None, after: Order, report: OrderReport) -> bool:
    """Whether the store must have published a problem for this report (an oracle for the
    two documented cases: an unknown status, and a forbidden move from a settled state)."""
    old = before.status if before is not None else OrderStatus.UNKNOWN
    target = report.status
    if target == OrderStatus.UNKNOWN:
        return old != OrderStatus.UNKNOWN
    if target == OrderStatus.WORKING and after.filled_qty > 0:
        target = OrderStatus.PARTIALLY_FILLED
    settled = old not in PENDING and old not in TERMINAL
    return (
        settled
        and target != old
        and target != OrderStatus.PENDING_NEW
        and not can_transition(old, target)
    )


# -- the events --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewFill:
    """The venue fills part of order `index` (no report yet)."""

    index: int
    quantity: Decimal
    price: Decimal


@dataclass(frozen=True)
class Report:
    """A report of order `index` with `status`, `back` fills behind the venue's truth."""

    index: int
    status: OrderStatus
    back: int
    with_fills: bool
    stale: bool  # observed before the trader's last command


@dataclass(frozen=True)
class Repeat:
    """The last report again (a duplicate poll answer)."""


@dataclass(frozen=True)
class Command:
    """The trader's command on one of the desk's own orders."""

    client_order_id: str
    status: OrderStatus


Event = NewFill | Report | Repeat | Command

# Most events hit one fill-list order and one totals-only order, so that histories are long
# enough for late reports, repeats and terminal states to meet; the others keep adoption
# and mixing in play.
ORDER_INDEX = st.sampled_from([0, 0, 0, 2, 2, 1, 3, 4])
FILLS = st.builds(NewFill, ORDER_INDEX, st.sampled_from(QUANTITIES), st.sampled_from(PRICES))
REPORTS = st.builds(
    Report,
    ORDER_INDEX,
    st.sampled_from(STATUSES),
    st.sampled_from([0, 0, 1, 2]),
    st.booleans(),
    st.booleans(),
)
COMMANDS = st.builds(
    Command,
    st.sampled_from(KNOWN),
    st.sampled_from([OrderStatus.PENDING_CANCEL, OrderStatus.PENDING_PAUSE, OrderStatus.WORKING]),
)
EVENTS = st.lists(
    st.one_of(FILLS, FILLS, REPORTS, REPORTS, REPORTS, st.just(Repeat()), COMMANDS),
    min_size=1,
    max_size=40,
)


def _run(events: list[Event]) -> tuple[OrderStore, Checker, list[VenueOrder]]:
    store = OrderStore()
    _add_known(store)
    venue_orders = _venue_orders()
    checker = Checker(store, venue_orders)
    last: tuple[OrderReport, int | None] | None = None
    for event in events:
        if isinstance(event, NewFill):
            venue_order = venue_orders[event.index]
            number = len(venue_order.fills) + 1
            venue_order.fills.append(
                FillReport(
                    f"{venue_order.venue_order_id}-f{number}",
                    event.quantity,
                    event.price,
                    T0 + timedelta(seconds=number),
                )
            )
        elif isinstance(event, Command):  # documented to raise InvalidTransition if forbidden
            order = store.get(event.client_order_id)
            assert order is not None
            try:
                store.set_status(event.client_order_id, event.status)
            except InvalidTransition:
                assert not can_transition(order.status, event.status)
        else:
            if isinstance(event, Report):
                venue_order = venue_orders[event.index]
                word = "HIBERNATING" if event.status == OrderStatus.UNKNOWN else str(event.status)
                report = _report(venue_order, event.status, event.back, event.with_fills, word)
                last = (report, 0 if event.stale else None)
            if last is not None:
                _apply(store, checker, *last)
        checker.check()
    return store, checker, venue_orders


def _apply(store: OrderStore, checker: Checker, report: OrderReport, observed: int | None) -> None:
    venue_order = next(
        order for order in checker.venue_orders if order.venue_order_id == report.venue_order_id
    )
    key = checker.key_of(venue_order)
    before = store.get(key) if key is not None else None
    seen = len(checker.problems)

    store.apply_reports([report], observed_at=observed)  # must not raise

    if report.fills is not None:
        shown = checker.shown.setdefault(report.venue_order_id, set())
        shown.update(fill.fill_id for fill in report.fills)
    after = store.get(checker.key_of(venue_order) or "")
    assert after is not None, "every report of an order the store did not know is adopted"
    if observed is None and _expected_problem(before, after, report):
        assert any(p.client_order_id == after.client_order_id for p in checker.problems[seen:]), (
            before.status if before else None,
            report.status,
        )


@FUZZ
@given(EVENTS)
def test_any_sequence_of_reports_keeps_the_stores_promises(events: list[Event]) -> None:
    _run(events)


@FUZZ
@given(EVENTS)
def test_after_a_full_report_the_fills_add_up_to_the_filled_quantity(events: list[Event]) -> None:
    store, checker, venue_orders = _run(events)

    # The venue's latest word, with every fill, for each order: nothing may be missing or
    # counted twice any more.
    for venue_order in venue_orders:
        report = _report(venue_order, OrderStatus.WORKING, 0, True, "working")
        store.apply_reports([report])
        if venue_order.lists_fills:
            checker.shown.setdefault(venue_order.venue_order_id, set()).update(
                fill.fill_id for fill in report.fills or ()
            )
    checker.check()
    for venue_order in venue_orders:
        key = checker.key_of(venue_order)
        assert key is not None
        order = store.get(key)
        assert order is not None
        truth = sum((fill.quantity for fill in venue_order.fills), D(0))
        assert order.filled_qty == truth
        assert sum((fill.quantity for fill in store.fills(key)), D(0)) == truth


def test_a_late_fill_after_a_cancel_counts_and_the_order_stays_canceled() -> None:
    events: list[Event] = [
        NewFill(0, D("1"), D("100")),
        Report(0, OrderStatus.CANCELED, 1, True, False),  # the cancel, seen before the fill
        Report(0, OrderStatus.WORKING, 0, True, False),  # the fill, late
    ]
    store, _, _ = _run(events)

    order = store.get("OD1")
    assert order is not None
    assert (order.status, order.filled_qty) == (OrderStatus.CANCELED, D("1"))
    assert [fill.fill_id for fill in store.fills("OD1")] == ["T1-f1"]


@pytest.mark.parametrize(
    "status", [OrderStatus.PENDING_NEW, OrderStatus.UNKNOWN, OrderStatus.OUTCOME_UNKNOWN]
)
def test_a_report_of_an_order_the_store_does_not_know_is_always_adopted(
    status: OrderStatus,
) -> None:
    # Anboto holds a new parent order in PENDING_NEW for a moment: an order placed from
    # another screen, first seen then, must still appear in the blotter.
    store = OrderStore()
    foreign = VenueOrder("anboto", "A9", "", lists_fills=False)

    changed = store.apply_reports([_report(foreign, status, 0, False, "PENDING_NEW")])

    assert [order.venue_order_id for order in changed] == ["A9"]
    assert store.find_by_venue_order_id("anboto", "A9") is not None


def test_an_order_adopted_with_an_unknown_status_is_reported_as_a_problem() -> None:
    store = OrderStore()
    problems: list[ErrorEvent] = []
    store.problems.subscribe(problems.append)
    foreign = VenueOrder("treadfi", "T9", "", lists_fills=True)
    foreign.fills.append(FillReport("T9-f1", D("1"), D("100"), T0))  # adopted: it filled

    store.apply_reports([_report(foreign, OrderStatus.UNKNOWN, 0, True, "HIBERNATING")])

    assert store.find_by_venue_order_id("treadfi", "T9") is not None
    assert [p.venue for p in problems] == ["treadfi"]
    assert "HIBERNATING" in problems[0].message
