"""OrderService and VenuePoller against the real Tread.fi adapter and emulator (in-process).

The emulator runs on a manual clock: time moves only when a test says so, so fills are
repeatable and no test sleeps.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from gui.domain import Amendment, OrderStatus, OrderTicket, Side, Strategy, TicketInvalid
from gui.oms import journal_writer
from gui.oms.events import ErrorEvent, ErrorKind, VenueHealth, VenueState
from gui.oms.journal import Journal
from gui.oms.polling import VenuePoller
from gui.oms.service import OrderService, new_client_order_id
from gui.oms.store import OrderStore
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.treadfi import DEMO_ACCOUNTS, DEMO_API_KEY, create_app
from gui.venues.treadfi import TreadfiAdapter, TreadfiConfig

ACCOUNT = DEMO_ACCOUNTS[0]
CONFIG = TreadfiConfig(base_url="http://treadfi.test", max_requests_per_s=10_000, burst=10_000)


@dataclasses.dataclass
class Rig:
    clock: ManualClock
    engine: SandboxEngine
    store: OrderStore
    service: OrderService
    poller: VenuePoller
    errors: list[ErrorEvent]
    health: list[VenueHealth]


@pytest_asyncio.fixture
async def rig() -> AsyncIterator[Rig]:
    clock = ManualClock()
    engine = SandboxEngine(seed=5, clock=clock)
    transport = httpx.ASGITransport(app=create_app(engine))
    adapter = TreadfiAdapter(CONFIG, DEMO_API_KEY, ACCOUNT, transport=transport)
    store = OrderStore()
    service = OrderService(store, {("treadfi", ACCOUNT): adapter})
    poller = VenuePoller(adapter, store)
    errors: list[ErrorEvent] = []
    health: list[VenueHealth] = []
    service.errors.subscribe(errors.append)
    poller.errors.subscribe(errors.append)
    poller.health.subscribe(health.append)
    yield Rig(clock, engine, store, service, poller, errors, health)
    await service.aclose()
    await adapter.aclose()


def twap(quantity: str = "1", minutes: int = 10, **changes: object) -> OrderTicket:
    ticket = OrderTicket(
        "treadfi",
        ACCOUNT,
        "BTC-USDT",
        Side.BUY,
        Decimal(quantity),
        Strategy.TWAP,
        duration_s=minutes * 60,
    )
    return dataclasses.replace(ticket, **changes)  # type: ignore[arg-type]


def test_client_order_ids_are_unique_and_valid_everywhere() -> None:
    ids = {new_client_order_id() for _ in range(2000)}
    assert len(ids) == 2000
    for value in ids:
        assert len(value) <= 40 and value.isalnum()
    assert len({value[:9] for value in ids}) > 1990  # Tread.fi's exchange id uses the first 9


@pytest.mark.asyncio
async def test_submit_acknowledges_and_polling_brings_fills(rig: Rig) -> None:
    order = await rig.service.submit(twap())
    assert order.status == OrderStatus.WORKING
    assert order.venue_order_id
    rig.clock.advance(120)  # two minutes of a ten-minute TWAP
    assert await rig.poller.poll_once()
    polled = rig.store.get(order.client_order_id)
    assert polled is not None
    assert polled.status == OrderStatus.PARTIALLY_FILLED
    fills = rig.store.fills(order.client_order_id)
    assert fills and sum(f.quantity for f in fills) == polled.filled_qty
    assert Decimal("0.1") < polled.filled_qty < Decimal("0.35")  # about 2/10 of 1 BTC
    assert rig.health[-1].state == VenueState.OK


@pytest.mark.asyncio
async def test_an_order_that_finishes_between_polls_is_reconciled_to_filled(rig: Rig) -> None:
    order = await rig.service.submit(twap(minutes=2))
    rig.clock.advance(600)  # long past its window: gone from the venue's active list
    await rig.poller.poll_once()
    done = rig.store.get(order.client_order_id)
    assert done is not None and done.status == OrderStatus.FILLED
    assert done.filled_qty == Decimal("1")
    assert sum(f.quantity for f in rig.store.fills(order.client_order_id)) == Decimal("1")


@pytest.mark.asyncio
async def test_an_invalid_ticket_is_refused_before_anything_is_stored_or_sent(rig: Rig) -> None:
    with pytest.raises(TicketInvalid) as raised:
        await rig.service.submit(twap(quantity="0"))
    assert "quantity" in raised.value.field_errors
    assert len(rig.store) == 0
    assert rig.engine.orders() == []
    assert rig.errors[-1].kind == ErrorKind.VALIDATION


@pytest.mark.asyncio
async def test_a_venue_rejection_keeps_the_venues_words(rig: Rig) -> None:
    # An account configured on the desk that the venue no longer knows.
    transport = httpx.ASGITransport(app=create_app(rig.engine))
    ghost = TreadfiAdapter(CONFIG, DEMO_API_KEY, "closed-account", transport=transport)
    store = OrderStore()
    service = OrderService(store, {("treadfi", "closed-account"): ghost})
    errors: list[ErrorEvent] = []
    service.errors.subscribe(errors.append)
    try:
        order = await service.submit(twap(account="closed-account"))
    finally:
        await ghost.aclose()
    assert order.status == OrderStatus.REJECTED
    assert "Account display name 'closed-account' not found for user" in order.reason
    assert errors[-1].kind == ErrorKind.REJECTED
    assert errors[-1].client_order_id == order.client_order_id
    assert "not found for user" in errors[-1].message


@pytest.mark.asyncio
async def test_pause_resume_and_cancel_follow_the_venues_confirmation(rig: Rig) -> None:
    order = await rig.service.submit(twap())
    rig.clock.advance(60)
    [paused] = await rig.service.pause([order.client_order_id])
    assert paused.ok
    assert rig.store.get(order.client_order_id).status == OrderStatus.PAUSED  # type: ignore[union-attr]
    filled_when_paused = rig.store.get(order.client_order_id).filled_qty  # type: ignore[union-attr]
    rig.clock.advance(120)
    await rig.poller.poll_once()
    assert rig.store.get(order.client_order_id).filled_qty == filled_when_paused  # type: ignore[union-attr]

    # Pausing again is refused by us (it is not running) and nothing is sent.
    [again] = await rig.service.pause([order.client_order_id])
    assert not again.ok and "paused" in again.message

    [resumed] = await rig.service.resume([order.client_order_id])
    assert resumed.ok
    assert rig.store.get(order.client_order_id).status in (  # type: ignore[union-attr]
        OrderStatus.WORKING,
        OrderStatus.PARTIALLY_FILLED,
    )
    [cancelled] = await rig.service.cancel([order.client_order_id])
    assert cancelled.ok
    final = rig.store.get(order.client_order_id)
    assert final is not None and final.status == OrderStatus.CANCELED
    assert len(final.pauses) == 1 and final.pauses[0][1] is not None


@pytest.mark.asyncio
async def test_bulk_cancel_reports_each_order(rig: Rig) -> None:
    orders = [await rig.service.submit(twap()) for _ in range(5)]
    rig.clock.advance(30)
    ids = [order.client_order_id for order in orders]
    [first] = await rig.service.cancel(ids[:1])
    results = await rig.service.cancel(ids)
    assert first.ok
    assert [r.ok for r in results] == [False, True, True, True, True]
    assert "canceled" in results[0].message
    assert all(rig.store.get(i).status == OrderStatus.CANCELED for i in ids)  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_amend_changes_the_quantity_at_the_venue(rig: Rig) -> None:
    order = await rig.service.submit(twap())
    result = await rig.service.amend(order.client_order_id, Amendment(quantity=Decimal("2")))
    assert result.ok
    amended = rig.store.get(order.client_order_id)
    assert amended is not None and amended.quantity == Decimal("2")


@pytest.mark.asyncio
async def test_a_refused_pause_returns_the_order_to_working_and_says_why(rig: Rig) -> None:
    order = await rig.service.submit(twap())
    # The venue finishes the order behind our back; our store still thinks it works.
    rig.engine.cancel(order.venue_order_id)  # type: ignore[arg-type]
    [result] = await rig.service.pause([order.client_order_id])
    assert not result.ok
    assert "Order is not running." in result.message
    assert rig.store.get(order.client_order_id).status == OrderStatus.CANCELED  # type: ignore[union-attr]
    assert any("Order is not running." in e.message for e in rig.errors)


@pytest.mark.asyncio
async def test_an_order_the_journal_cannot_record_is_never_sent(
    rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process holds the journal's write lock past its busy timeout.
    monkeypatch.setattr(journal_writer, "BUSY_TIMEOUT_MS", 50)
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.attach(rig.store)
    rig.service.journal = journal
    other = sqlite3.connect(tmp_path / "journal.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        order = await rig.service.submit(twap())
        assert order.status == OrderStatus.REJECTED
        assert order.reason.startswith("not sent: the journal could not record it")
        assert rig.engine.orders() == []  # the venue never heard of it
        assert rig.errors[-1].kind == ErrorKind.INTERNAL
        other.rollback()
        # Journaled, the next order goes out.
        assert (await rig.service.submit(twap())).status == OrderStatus.WORKING
        assert len(rig.engine.orders()) == 1
    finally:
        other.close()
        journal.close()
