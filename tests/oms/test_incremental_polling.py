"""Polling at desk scale: unchanged orders cost nothing downstream, the store's shortcut for a
repeated report changes no outcome, and big polls never hold the event loop in one piece."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from gui.domain import Order, OrderStatus, OrderTicket, Side, Strategy
from gui.domain.errors import InvalidTransition
from gui.oms import polling
from gui.oms import store as store_module
from gui.oms.events import ErrorEvent, StoreChange
from gui.oms.polling import VenuePoller
from gui.oms.store import OrderStore
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.treadfi import DEMO_ACCOUNTS, DEMO_API_KEY, create_app
from gui.venues.base import FillReport, OrderReport
from gui.venues.treadfi import TreadfiAdapter, TreadfiConfig

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
D = Decimal


def report(
    number: int,
    status: OrderStatus,
    filled: str = "0",
    fills: tuple[FillReport, ...] | None = None,
    venue_status: str = "ACTIVE",
) -> OrderReport:
    return OrderReport(
        venue="treadfi",
        venue_order_id=f"V{number}",
        client_order_id=f"OD{number}",
        status=status,
        venue_status=venue_status,
        pair="BTC-USDT",
        side=Side.BUY,
        quantity=D("1"),
        filled_qty=D(filled),
        avg_fill_px=D("100") if filled != "0" else None,
        account="acct",
        updated_ts=T0,
        fills=fills,
    )


def place(store: OrderStore, number: int) -> Order:
    ticket = OrderTicket(
        "treadfi", "acct", "BTC-USDT", Side.BUY, D("1"), Strategy.TWAP, duration_s=600
    )
    order = Order.from_ticket(ticket, f"OD{number}", now=T0)
    store.add(order)
    return order


def test_a_repeated_report_publishes_nothing_and_keeps_the_order_object() -> None:
    store = OrderStore()
    changes: list[StoreChange] = []
    store.changed.subscribe(changes.append)
    place(store, 1)
    store.apply_reports([report(1, OrderStatus.WORKING)])
    working = store.get("OD1")
    changes.clear()

    for _ in range(3):  # a poll a second of an order resting untouched at the venue
        assert store.apply_reports([report(1, OrderStatus.WORKING)]) == []

    assert changes == []  # no StoreChange: no model work, no journal write
    assert store.get("OD1") is working


def test_a_report_that_moved_is_applied_after_repeated_ones() -> None:
    store = OrderStore()
    place(store, 1)
    for _ in range(2):
        store.apply_reports([report(1, OrderStatus.WORKING)])
    fill = FillReport("f1", D("0.25"), D("100"), T0 + timedelta(seconds=1))

    [changed] = store.apply_reports([report(1, OrderStatus.WORKING, "0.25", (fill,))])

    assert changed.status == OrderStatus.PARTIALLY_FILLED
    assert changed.filled_qty == D("0.25")
    assert [f.fill_id for f in store.fills("OD1")] == ["f1"]


def test_a_command_between_two_equal_reports_is_not_skipped_over() -> None:
    # The same WORKING report, polled before and after the trader's Cancel: the second one,
    # sent before the click, must not undo PENDING_CANCEL; the cancel's answer lands.
    store = OrderStore()
    place(store, 1)
    store.apply_reports([report(1, OrderStatus.WORKING)])
    poll_sent_at = store.stamp()
    store.set_status("OD1", OrderStatus.PENDING_CANCEL)

    store.apply_reports([report(1, OrderStatus.WORKING)], observed_at=poll_sent_at)
    assert store.get("OD1").status == OrderStatus.PENDING_CANCEL  # type: ignore[union-attr]
    store.apply_reports([report(1, OrderStatus.CANCELED)], observed_at=store.stamp())
    assert store.get("OD1").status == OrderStatus.CANCELED  # type: ignore[union-attr]


def test_an_unknown_status_still_warns_on_every_poll() -> None:
    store = OrderStore()
    problems: list[ErrorEvent] = []
    store.problems.subscribe(problems.append)
    place(store, 1)
    store.apply_reports([report(1, OrderStatus.WORKING)])
    for _ in range(2):
        store.apply_reports([report(1, OrderStatus.UNKNOWN, venue_status="TRADING_HALT")])
    assert len(problems) == 2 and "TRADING_HALT" in problems[-1].message


def test_working_orders_of_an_account_follow_every_change() -> None:
    store = OrderStore()
    for number in range(4):
        place(store, number)
    store.apply_reports([report(number, OrderStatus.WORKING) for number in range(4)])
    store.apply_reports([report(1, OrderStatus.CANCELED)])
    store.set_status("OD2", OrderStatus.PENDING_CANCEL)

    expected = [o for o in store.orders() if o.status not in (OrderStatus.CANCELED,)]
    assert store.working_orders("treadfi", "acct") == expected
    assert store.working_orders() == expected
    assert store.has_working("treadfi", "acct")
    assert not store.has_working("treadfi", "other")

    restored = OrderStore()
    restored.restore(store.orders(), {})
    assert restored.working_orders("treadfi", "acct") == expected
    assert restored.find_by_venue_order_id("treadfi", "V3") == store.get("OD3")


STATUSES = (
    OrderStatus.PENDING_NEW,
    OrderStatus.WORKING,
    OrderStatus.WORKING,
    OrderStatus.PAUSED,
    OrderStatus.CANCELED,
    OrderStatus.FILLED,
    OrderStatus.UNKNOWN,
)


def _session(seed: int) -> list[Any]:
    """A random desk session over three orders (reports, repeats, stale polls, commands);
    returns what a trader could see after each step."""
    rng = random.Random(seed)
    store = OrderStore()
    seen: list[Any] = []
    store.changed.subscribe(
        lambda change: seen.append(("change", [o.client_order_id for o in change.orders]))
    )
    store.problems.subscribe(lambda problem: seen.append(("problem", problem.message)))
    last: dict[int, OrderReport] = {}
    filled = {number: 0 for number in range(3)}
    for number in range(3):
        place(store, number)
    stamp = store.stamp()
    for _ in range(400):
        number = rng.randrange(3)
        roll = rng.random()
        if roll < 0.1:
            command = rng.choice((OrderStatus.PENDING_CANCEL, OrderStatus.PENDING_PAUSE))
            try:
                store.set_status(f"OD{number}", command)
            except InvalidTransition:
                pass
        elif roll < 0.5 and number in last:
            store.apply_reports([last[number]], observed_at=rng.choice((stamp, None)))
        else:
            if rng.random() < 0.3:
                filled[number] += 1
            status = rng.choice(STATUSES)
            fills = tuple(
                FillReport(f"f{number}-{i}", D("0.01"), D("100"), T0 + timedelta(seconds=i))
                for i in range(filled[number])
            )
            last[number] = report(number, status, str(D("0.01") * filled[number]), fills)
            store.apply_reports([last[number]], observed_at=rng.choice((stamp, None)))
        if rng.random() < 0.2:
            stamp = store.stamp()
        for order in store.orders():
            seen.append(
                (
                    order.client_order_id,
                    order.status,
                    order.filled_qty,
                    order.avg_fill_px,
                    [f.fill_id for f in store.fills(order.client_order_id)],
                )
            )
    return seen


@pytest.mark.parametrize("seed", range(8))
def test_the_shortcut_for_repeated_reports_changes_no_outcome(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_shortcut = _session(seed)
    monkeypatch.setattr(store_module, "_merges_to_itself", lambda order, report: False)
    without_shortcut = _session(seed)
    assert with_shortcut == without_shortcut


@pytest.mark.asyncio
async def test_a_big_poll_is_applied_in_slices_that_let_the_loop_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(polling, "APPLY_SLICE", 20)
    engine = SandboxEngine(seed=1, clock=ManualClock())
    config = TreadfiConfig(base_url="http://treadfi.test", max_requests_per_s=1e6, burst=10**6)
    transport = httpx.ASGITransport(app=create_app(engine))
    adapter = TreadfiAdapter(config, DEMO_API_KEY, DEMO_ACCOUNTS[0], transport=transport)
    store = OrderStore()
    poller = VenuePoller(adapter, store)
    try:
        for number in range(70):  # placed from another screen: the poll adopts them
            ticket = OrderTicket(
                "treadfi",
                DEMO_ACCOUNTS[0],
                "BTC-USDT",
                Side.BUY,
                D("1"),
                Strategy.TWAP,
                duration_s=3600,
            )
            await adapter.submit(ticket, f"ELSEWHERE-{number}")
        sizes: list[int] = []
        store.changed.subscribe(lambda change: sizes.append(len(change.orders)))
        ran_between: list[int] = []

        async def other_work() -> None:  # e.g. the bridge's timer, a repaint
            while True:
                ran_between.append(len(store))
                await asyncio.sleep(0)

        other = asyncio.ensure_future(other_work())
        assert await poller.poll_once()
        other.cancel()

        assert len(store.working_orders(adapter.venue, adapter.account)) == 70
        assert sizes == [20, 20, 20, 10]
        assert {20, 40, 60} <= set(ran_between)  # the loop ran between the slices
        sizes.clear()
        assert await poller.poll_once()
        assert sizes == []  # nothing moved: nothing published
    finally:
        await adapter.aclose()
