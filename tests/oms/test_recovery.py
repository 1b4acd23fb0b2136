"""Restart from the journal: restore, then reconcile with the venue (issue 5 §1, §2).

Each test runs a desk (store, service, journal) against the Tread.fi emulator on a manual
clock, stops it the way a crash would (no shutdown of the service), and starts a second
desk on the same journal file against the same emulator.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from gui.domain import Order, OrderStatus, OrderTicket, Side, Strategy
from gui.oms import synthetic
from gui.oms.events import ErrorEvent
from gui.oms.journal import Journal
from gui.oms.recovery import GONE_REASON, reconcile, restore
from gui.oms.service import OrderService, new_client_order_id
from gui.oms.store import OrderStore
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.treadfi import DEMO_ACCOUNTS, DEMO_API_KEY, create_app
from gui.venues.treadfi import TreadfiAdapter, TreadfiConfig

ACCOUNT = DEMO_ACCOUNTS[0]
CONFIG = TreadfiConfig(base_url="http://treadfi.test", max_requests_per_s=10_000, burst=10_000)


@dataclasses.dataclass
class Desk:
    journal: Journal
    store: OrderStore
    service: OrderService
    adapter: TreadfiAdapter
    errors: list[ErrorEvent]


@dataclasses.dataclass
class Venue:
    clock: ManualClock
    engine: SandboxEngine
    transport: httpx.ASGITransport
    desks: list[Desk]

    def desk(self, path: Path, *, restored: bool = False) -> Desk:
        adapter = TreadfiAdapter(CONFIG, DEMO_API_KEY, ACCOUNT, transport=self.transport)
        journal = Journal(path)
        store = OrderStore()
        service = OrderService(store, {("treadfi", ACCOUNT): adapter}, journal=journal, user="ana")
        if restored:
            restore(journal, store, service)
        else:
            journal.attach(store)
        errors: list[ErrorEvent] = []
        service.errors.subscribe(errors.append)
        desk = Desk(journal, store, service, adapter, errors)
        self.desks.append(desk)
        return desk


@pytest_asyncio.fixture
async def venue(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Venue]:
    monkeypatch.setattr(synthetic, "RESOLVE_DELAYS_S", (0.0, 0.0))
    clock = ManualClock()
    engine = SandboxEngine(seed=5, clock=clock)
    result = Venue(clock, engine, httpx.ASGITransport(app=create_app(engine)), [])
    yield result
    for desk in result.desks:
        await desk.service.aclose()
        await desk.adapter.aclose()
        desk.journal.close()


def twap(quantity: str = "1", minutes: int = 10) -> OrderTicket:
    return OrderTicket(
        "treadfi",
        ACCOUNT,
        "BTC-USDT",
        Side.BUY,
        Decimal(quantity),
        Strategy.TWAP,
        duration_s=minutes * 60,
    )


async def crash(desk: Desk) -> None:
    """What survives a SIGKILL: whatever the journal committed (nothing is closed)."""
    await desk.journal.flush()


async def wait_for(condition: Callable[[], bool]) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met")


@pytest.mark.asyncio
async def test_restart_restores_orders_and_fills_and_picks_up_what_happened_meanwhile(
    venue: Venue, tmp_path: Path
) -> None:
    first = venue.desk(tmp_path / "journal.sqlite3")
    order = await first.service.submit(twap())
    venue.clock.advance(120)
    report = await first.adapter.order(order.venue_order_id or "")
    first.store.apply_report(report, client_order_id=order.client_order_id)
    fills_before = first.store.fills(order.client_order_id)
    assert fills_before, "the TWAP should have filled a little in two minutes"
    await crash(first)

    venue.clock.advance(60 * 60)  # the desk is down while the TWAP finishes

    second = venue.desk(tmp_path / "journal.sqlite3", restored=True)
    restored = second.store.get(order.client_order_id)
    assert restored is not None
    assert restored.status == OrderStatus.PARTIALLY_FILLED
    assert second.store.fills(order.client_order_id) == fills_before

    outcome = await reconcile(second.service)

    assert (outcome.checked, outcome.changed, outcome.gone) == (1, 1, 0)
    done = second.store.get(order.client_order_id)
    assert done is not None and done.status == OrderStatus.FILLED
    fills = second.store.fills(order.client_order_id)
    assert sum(fill.quantity for fill in fills) == Decimal(1)
    assert len({fill.fill_id for fill in fills}) == len(fills)
    assert fills[: len(fills_before)] == fills_before


@pytest.mark.asyncio
async def test_an_intent_never_sent_is_looked_up_and_rejected_never_sent_again(
    venue: Venue, tmp_path: Path
) -> None:
    first = venue.desk(tmp_path / "journal.sqlite3")
    ticket = twap()
    order = Order.from_ticket(ticket, new_client_order_id())
    first.store.add(order)
    await first.journal.record_intent(order, ticket)  # the desk died right after this
    await crash(first)

    second = venue.desk(tmp_path / "journal.sqlite3", restored=True)
    outcome = await reconcile(second.service)

    assert outcome.resolving == 1
    await wait_for(lambda: second.store.get(order.client_order_id).status == OrderStatus.REJECTED)  # type: ignore[union-attr]
    assert venue_order_count(venue) == 0


@pytest.mark.asyncio
async def test_an_order_sent_whose_answer_was_lost_is_found_by_client_order_id(
    venue: Venue, tmp_path: Path
) -> None:
    first = venue.desk(tmp_path / "journal.sqlite3")
    ticket = twap()
    order = Order.from_ticket(ticket, new_client_order_id())
    first.store.add(order)
    await first.journal.record_intent(order, ticket)
    sent = await first.adapter.submit(ticket, order.client_order_id)  # answer never applied
    await crash(first)

    second = venue.desk(tmp_path / "journal.sqlite3", restored=True)
    assert second.store.get(order.client_order_id).status == OrderStatus.PENDING_NEW  # type: ignore[union-attr]
    await reconcile(second.service)

    await wait_for(
        lambda: second.store.get(order.client_order_id).venue_order_id == sent.venue_order_id  # type: ignore[union-attr]
    )
    assert venue_order_count(venue) == 1


@pytest.mark.asyncio
async def test_an_order_the_venue_no_longer_knows_is_declared_gone_after_one_lookup(
    venue: Venue, tmp_path: Path
) -> None:
    first = venue.desk(tmp_path / "journal.sqlite3")
    ticket = twap()
    order = dataclasses.replace(
        Order.from_ticket(ticket, new_client_order_id()),
        status=OrderStatus.WORKING,
        venue_order_id="0b6f0f4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",  # never issued
    )
    first.store.add(order)
    await crash(first)

    second = venue.desk(tmp_path / "journal.sqlite3", restored=True)
    outcome = await reconcile(second.service)

    assert outcome.gone == 1
    gone = second.store.get(order.client_order_id)
    assert gone is not None and gone.status == OrderStatus.CANCELED
    assert gone.reason == GONE_REASON
    assert any(event.client_order_id == order.client_order_id for event in second.errors)


@pytest.mark.asyncio
async def test_trader_actions_land_in_the_audit_trail(venue: Venue, tmp_path: Path) -> None:
    first = venue.desk(tmp_path / "journal.sqlite3")
    order = await first.service.submit(twap())
    first.service.set_pinned([order.client_order_id], True)
    outcome = await first.service.kill_switch(include_pinned=True)
    await crash(first)

    audit = Journal(tmp_path / "journal.sqlite3").load().audit

    assert [entry.action for entry in audit] == ["submit", "pin", "kill switch"]
    assert all(entry.user == "ana" for entry in audit)
    kill = audit[-1]
    assert kill.scope == "everything (pinned included)"
    assert kill.result == outcome.summary
    assert kill.client_order_ids == (order.client_order_id,)


def venue_order_count(venue: Venue) -> int:
    """Orders the emulator's market has ever been sent (its own book, not the desk's)."""
    return len(venue.engine.orders())


@pytest.mark.asyncio
async def test_a_finished_order_whose_fills_were_not_in_yet_gets_them_on_restart(
    venue: Venue, tmp_path: Path
) -> None:
    first = venue.desk(tmp_path / "journal.sqlite3")
    order = await first.service.submit(twap())
    venue.clock.advance(60 * 60)
    report = await first.adapter.order(order.venue_order_id or "")
    # The desk learnt the order was filled, and died before it read the fills.
    first.store.apply_report(
        dataclasses.replace(report, fills=None), client_order_id=order.client_order_id
    )
    assert first.store.get(order.client_order_id).status == OrderStatus.FILLED  # type: ignore[union-attr]
    assert first.store.fills(order.client_order_id) == []
    await crash(first)

    second = venue.desk(tmp_path / "journal.sqlite3", restored=True)
    outcome = await reconcile(second.service)

    assert outcome.checked == 1 and outcome.gone == 0
    fills = second.store.fills(order.client_order_id)
    assert sum(fill.quantity for fill in fills) == Decimal(1)
