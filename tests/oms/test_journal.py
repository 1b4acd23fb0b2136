"""The journal keeps every order, fill, ticket and trader action across a restart, even a
SIGKILL, and restores the store exactly as it was."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gui.domain.orders import OrderStatus
from gui.oms import journal as journal_module
from gui.oms.events import StoreChange
from gui.oms.journal import DEFAULT_FILE_NAME, AuditEntry, Journal
from gui.oms.store import OrderStore
from tests.oms.journal_rigs import (
    T0,
    D,
    desk_history,
    order_in,
    order_with_everything,
    quote_sized_order,
    report,
    spelled,
    ticket,
    trade,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / DEFAULT_FILE_NAME


@pytest.fixture
def journal(path: Path) -> Iterator[Journal]:
    journal = Journal(path)
    yield journal
    journal.close()


def reopened(path: Path) -> Journal:
    """The journal as the next desk start opens it (the caller closes it)."""
    return Journal(path)


def load_again(path: Path) -> journal_module.JournalState:
    again = reopened(path)
    try:
        return again.load()
    finally:
        again.close()


# -- round trips ---------------------------------------------------------------------------


def test_orders_of_every_status_with_legs_options_and_quote_size_come_back_exactly(
    path: Path, journal: Journal
) -> None:
    # Arrange: one order per status, one worked by two legs with every option, one sized in
    # the quote asset.
    orders = [order_in(status, number) for number, status in enumerate(OrderStatus)]
    orders += [order_with_everything(), quote_sized_order()]
    store = OrderStore()
    journal.attach(store)
    # Act
    for order in orders:
        store.changed.publish(StoreChange(orders=(order,)))
    journal.close()
    state = load_again(path)
    # Assert: same orders in the same order, every Decimal spelt as it was.
    assert state.orders == orders
    assert spelled(state.orders) == spelled(orders)
    assert str(state.orders[-2].legs[1].filled_qty) == "0.000"
    assert state.orders[-1].quote_quantity == D("100.00") and state.orders[-1].quantity == 0


def test_the_latest_snapshot_wins_and_keeps_its_first_place(path: Path, journal: Journal) -> None:
    store = OrderStore()
    journal.attach(store)
    first, second = order_in(OrderStatus.PENDING_NEW, 1), order_in(OrderStatus.PENDING_NEW, 2)
    store.add(first)
    store.add(second)
    store.apply_report(report("V-1", first.client_order_id, OrderStatus.WORKING, "0"))
    store.set_pinned(first.client_order_id, True)
    journal.close()
    state = load_again(path)
    assert [order.client_order_id for order in state.orders] == ["OD-001", "OD-002"]
    assert state.orders[0] == store.get("OD-001")
    assert state.orders[0].pinned and state.orders[0].status == OrderStatus.WORKING


def test_a_fill_reported_twice_is_journaled_once(path: Path, journal: Journal) -> None:
    store = OrderStore()
    journal.attach(store)
    store.add(order_in(OrderStatus.PENDING_NEW, 1))
    twice = report("V-1", "OD-001", OrderStatus.WORKING, "0.004", (trade("t1", "0.004", 1),))
    store.apply_reports([twice])
    store.apply_reports([twice])
    (fill,) = store.fills("OD-001")
    # The same fill published again (a second desk, a replay) within a batch and across
    # batches: the journal's own key drops it too.
    store.changed.publish(StoreChange(fills=(fill, fill)))
    journal.close()
    again = reopened(path)
    again.attach(store)
    store.changed.publish(StoreChange(fills=(fill,)))
    again.close()
    assert load_again(path).fills == {"OD-001": [fill]}


def test_fills_come_back_oldest_first_per_order(path: Path, journal: Journal) -> None:
    store = OrderStore()
    journal.attach(store)
    store.add(order_in(OrderStatus.PENDING_NEW, 1))
    store.add(order_in(OrderStatus.PENDING_NEW, 2))
    # Reported newest first, and another order's fill in between.
    store.apply_reports(
        [report("V-1", "OD-001", OrderStatus.WORKING, "0.002", (trade("b", "0.001", 9),))]
    )
    store.apply_reports(
        [report("V-2", "OD-002", OrderStatus.WORKING, "0.001", (trade("c", "0.001", 5),))]
    )
    store.apply_reports(
        [report("V-1", "OD-001", OrderStatus.WORKING, "0.002", (trade("a", "0.001", 2),))]
    )
    journal.close()
    fills = load_again(path).fills
    assert (
        [fill.fill_id for fill in fills["OD-001"]]
        == ["a", "b"]
        == [fill.fill_id for fill in store.fills("OD-001")]
    )
    assert [fill.fill_id for fill in fills["OD-002"]] == ["c"]


def test_audit_entries_round_trip_oldest_first(path: Path, journal: Journal) -> None:
    entries = [
        AuditEntry(
            T0,
            "trader",
            "kill switch",
            "everything",
            "12 done, 1 failed, 2 pinned skipped",
            ("OD-1", "OD-2"),
        ),
        AuditEntry(T0 + timedelta(seconds=1), "trader", "pin", "selection (1)", "done", ("OD-1",)),
        AuditEntry(datetime.now(UTC), "Zoë", "cancel", "venue kucoin_futures", "0 done"),
    ]
    for entry in entries:
        journal.record_audit(entry)
    journal.close()
    assert load_again(path).audit == entries


# -- durability ----------------------------------------------------------------------------

KILLED_AFTER_INTENT = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from pathlib import Path
    from gui.domain.orders import Order
    from gui.oms.journal import Journal
    from tests.oms.journal_rigs import ticket

    journal = Journal(Path(sys.argv[1]))
    sent = ticket()
    leg = ticket(quantity=sent.quantity / 2)
    order = Order.from_ticket(sent, "OD-KILLED")
    async def main():
        await journal.record_intent(order, sent)
        await journal.record_leg_intent("OD-KILLED-2", leg)
    asyncio.run(main())
    print("recorded", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_an_intent_survives_the_desk_being_killed_right_after_it_returns(path: Path) -> None:
    # Act: a desk records an intent and is SIGKILLed the moment record_intent returns.
    done = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_INTENT, str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert done.stdout == "recorded\n"
    # Assert: the next start finds the order and both tickets.
    state = load_again(path)
    assert [order.client_order_id for order in state.orders] == ["OD-KILLED"]
    assert state.orders[0].status == OrderStatus.PENDING_NEW
    assert state.tickets == {"OD-KILLED": ticket(), "OD-KILLED-2": ticket(quantity=D("0.005"))}


@pytest.mark.asyncio
async def test_store_changes_land_after_flush(journal: Journal) -> None:
    store = OrderStore()
    journal.attach(store)
    store.add(order_in(OrderStatus.PENDING_NEW, 1))
    store.apply_reports(
        [report("V-1", "OD-001", OrderStatus.WORKING, "0.004", (trade("t1", "0.004", 1),))]
    )
    await journal.flush()
    state = journal.load()
    assert state.orders == store.orders()
    assert state.fills == {"OD-001": store.fills("OD-001")}


@pytest.mark.asyncio
async def test_record_intent_stores_the_order_and_its_ticket(journal: Journal) -> None:
    sent = ticket()
    order = order_in(OrderStatus.PENDING_NEW, 7)
    await journal.record_intent(order, sent)
    await journal.record_leg_intent("OD-007-2", ticket(quantity=D("0.006")))
    state = journal.load()  # no flush: both were committed before they returned
    assert state.orders == [order]
    assert state.tickets == {"OD-007": sent, "OD-007-2": ticket(quantity=D("0.006"))}


# -- restore -------------------------------------------------------------------------------


def test_restore_gives_back_the_store_as_it_was(path: Path, journal: Journal) -> None:
    # Arrange: a session journaled as it happened.
    original = OrderStore()
    journal.attach(original)
    desk_history(original)
    journal.close()
    # Act: the next start.
    state = load_again(path)
    store = OrderStore()
    changes: list[StoreChange] = []
    store.changed.subscribe(changes.append)
    store.restore(state.orders, state.fills)
    # Assert: one change with everything; the same orders, fills and look-ups.
    assert len(changes) == 1 and changes[0].orders == tuple(original.orders())
    assert store.orders() == original.orders()
    assert spelled(store.orders()) == spelled(original.orders())
    for order in original.orders():
        assert store.fills(order.client_order_id) == original.fills(order.client_order_id)
        assert store.legs(order.client_order_id) == original.legs(order.client_order_id)
    assert len(changes[0].fills) == 4  # t1, t2, and a derived fill per Anboto leg
    for venue, venue_order_id in [("kucoin_futures", "V-1"), ("anboto", "A-1"), ("anboto", "A-2")]:
        found = store.find_by_venue_order_id(venue, venue_order_id)
        assert found is not None and found == original.find_by_venue_order_id(venue, venue_order_id)
    assert store.is_known_id("OD-002-2")


def test_a_fill_reported_again_after_restore_is_still_dropped(path: Path, journal: Journal) -> None:
    original = OrderStore()
    journal.attach(original)
    desk_history(original)
    journal.close()
    state = load_again(path)
    store = OrderStore()
    store.restore(state.orders, state.fills)
    changes: list[StoreChange] = []
    store.changed.subscribe(changes.append)
    # The first poll after the restart repeats what the venues already said.
    store.apply_report(
        report("V-1", "OD-001", OrderStatus.FILLED, "0.010", (trade("t2", "0.006", 2),))
    )
    store.apply_report(
        report("A-2", "OD-002-2", OrderStatus.WORKING, "0.001", venue="anboto", quantity="0.006")
    )
    assert all(not change.fills for change in changes)
    assert store.fills("OD-001") == original.fills("OD-001")
    assert store.fills("OD-002") == original.fills("OD-002")


def test_restore_refuses_a_store_that_is_not_empty() -> None:
    store = OrderStore()
    store.add(order_in(OrderStatus.PENDING_NEW, 1))
    with pytest.raises(ValueError, match="empty"):
        store.restore([order_in(OrderStatus.WORKING, 2)], {})
    assert [order.client_order_id for order in store.orders()] == ["OD-001"]
