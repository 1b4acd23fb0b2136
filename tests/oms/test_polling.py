"""The poll loop shows failures instead of hiding them, and recovers by itself."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from gui.domain import Order, OrderStatus, OrderTicket, Side, Strategy
from gui.domain.errors import VenueTransportError, VenueUnavailable
from gui.oms.events import ErrorEvent, ErrorKind, VenueHealth, VenueState
from gui.oms.polling import DISCONNECT_AFTER_FAILURES, MAX_BACKOFF_S, MAX_FILL_READS, VenuePoller
from gui.oms.store import OrderStore
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.treadfi import DEMO_ACCOUNTS, DEMO_API_KEY, create_app
from gui.venues.base import FillReport, OrderReport
from gui.venues.treadfi import TreadfiAdapter, TreadfiConfig

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


class Switchable(httpx.AsyncBaseTransport):
    """The emulator behind a cable the test can pull: refused connections while down."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


@pytest.mark.asyncio
async def test_an_unreachable_venue_is_reported_once_then_recovers() -> None:
    engine = SandboxEngine(seed=1, clock=ManualClock())
    cable = Switchable(httpx.ASGITransport(app=create_app(engine)))
    config = TreadfiConfig(
        base_url="http://treadfi.test", max_requests_per_s=10_000, burst=10_000, read_attempts=1
    )
    adapter = TreadfiAdapter(config, DEMO_API_KEY, DEMO_ACCOUNTS[0], transport=cable)
    poller = VenuePoller(adapter, OrderStore(), fast_interval_s=1.0, slow_interval_s=5.0)
    errors: list[ErrorEvent] = []
    health: list[VenueHealth] = []
    poller.errors.subscribe(errors.append)
    poller.health.subscribe(health.append)
    try:
        assert await poller.poll_once()
        assert health[-1].state == VenueState.OK
        good_poll = poller.last_success_ts

        cable.down = True
        for _ in range(3):
            assert not await poller.poll_once()
        # Shown: one error line for the streak, the venue marked disconnected (three in a
        # row) with the reason, the last good poll time kept, and the loop backing off.
        assert [e.kind for e in errors] == [ErrorKind.NETWORK]
        assert "connection refused" in errors[0].message
        assert [h.state for h in health[-3:]] == [
            VenueState.DEGRADED,
            VenueState.DEGRADED,
            VenueState.DISCONNECTED,
        ]
        assert "connection refused" in health[-1].last_error
        assert health[-1].last_success_ts == good_poll
        assert poller.next_interval_s() == min(8.0, MAX_BACKOFF_S)

        cable.down = False
        assert await poller.poll_once()
        assert health[-1].state == VenueState.OK
        assert "recovered after 3" in errors[-1].message
        assert poller.next_interval_s() == 5.0  # idle again: no working orders
    finally:
        await adapter.aclose()


class FlakyVenue:
    """A venue client whose open-orders read times out while `down` (the poller's view of a
    dead venue: `VenueTransportError`), and lists nothing while up."""

    venue = "treadfi"
    account = "desk-a"

    def __init__(self) -> None:
        self.down = False
        self.reads = 0

    async def open_orders(self) -> list[OrderReport]:
        self.reads += 1
        if self.down:
            raise VenueTransportError(self.venue, "read timed out after 10 s")
        return []

    async def order(self, venue_order_id: str) -> Any:
        raise AssertionError(f"nothing to reconcile, asked for {venue_order_id}")


@pytest.mark.asyncio
async def test_three_failed_polls_in_a_row_disconnect_the_account_and_one_good_poll_heals_it() -> (
    None
):
    # Arrange: a venue that answered once, then stops answering.
    venue = FlakyVenue()
    poller = VenuePoller(venue, OrderStore())  # type: ignore[arg-type]  # a fake client
    health: list[VenueHealth] = []
    poller.health.subscribe(health.append)
    assert await poller.poll_once()
    good_poll = health[-1].last_success_ts
    assert (health[-1].state, health[-1].consecutive_failures) == (VenueState.OK, 0)
    assert good_poll is not None and not health[-1].stale

    # Act: the venue times out, poll after poll.
    venue.down = True
    for _ in range(DISCONNECT_AFTER_FAILURES + 1):
        assert not await poller.poll_once()

    # Assert: degraded for the first two failures, disconnected from the third on, the count
    # carried along, the error text and the last good poll kept.
    assert DISCONNECT_AFTER_FAILURES == 3
    assert [(h.state, h.consecutive_failures) for h in health[1:]] == [
        (VenueState.DEGRADED, 1),
        (VenueState.DEGRADED, 2),
        (VenueState.DISCONNECTED, 3),
        (VenueState.DISCONNECTED, 4),
    ]
    assert health[-1].stale and poller.state == VenueState.DISCONNECTED
    assert health[-1].last_error == "treadfi: read timed out after 10 s"
    assert all(h.last_success_ts == good_poll for h in health[1:])

    # One good poll: OK again, the streak and the error cleared, a newer last good poll.
    venue.down = False
    assert await poller.poll_once()
    latest = health[-1]
    assert (latest.state, latest.consecutive_failures, latest.last_error) == (
        VenueState.OK,
        0,
        "",
    )
    assert not latest.stale
    assert latest.last_success_ts is not None and latest.last_success_ts > good_poll


@pytest.mark.asyncio
async def test_a_single_failure_between_good_polls_never_disconnects() -> None:
    venue = FlakyVenue()
    poller = VenuePoller(venue, OrderStore())  # type: ignore[arg-type]  # a fake client
    health: list[VenueHealth] = []
    poller.health.subscribe(health.append)
    # good, bad, bad, good, bad, bad, good: never three in a row.
    for down in (False, True, True, False, True, True, False):
        venue.down = down
        await poller.poll_once()
    assert VenueState.DISCONNECTED not in {h.state for h in health}
    assert max(h.consecutive_failures for h in health) == 2
    assert health[-1].state == VenueState.OK


class GoneOrdersVenue:
    """A venue that lists no open orders and answers look-ups of the orders it was asked
    to fail with a 5xx (`failing`), recording the order in which look-ups came."""

    venue = "treadfi"
    account = "desk-a"

    def __init__(self, reports: dict[str, OrderReport]) -> None:
        self.reports = reports
        self.failing: set[str] = set()
        self.asked: list[str] = []

    async def open_orders(self) -> list[OrderReport]:
        return []

    async def order(self, venue_order_id: str) -> OrderReport:
        self.asked.append(venue_order_id)
        if venue_order_id in self.failing:
            raise VenueUnavailable(self.venue, "Bad Gateway", 502)
        return self.reports[venue_order_id]


def _working_order(store: OrderStore, number: int) -> OrderReport:
    """Put a working order in `store`; return the venue's report of it cancelled."""
    ticket = OrderTicket("treadfi", "desk-a", "BTC-USDT", Side.BUY, Decimal("1"), Strategy.TWAP)
    client_order_id = f"OD{number}"
    store.add(Order.from_ticket(ticket, client_order_id, now=T0))
    working = OrderReport(
        venue="treadfi",
        venue_order_id=f"V{number}",
        client_order_id=client_order_id,
        status=OrderStatus.WORKING,
        venue_status="ACTIVE",
        pair="BTC-USDT",
        side=Side.BUY,
        quantity=Decimal("1"),
        filled_qty=Decimal("0"),
        avg_fill_px=None,
        account="desk-a",
        updated_ts=T0,
    )
    store.apply_reports([working], observed_at=store.stamp())
    return dataclasses.replace(working, status=OrderStatus.CANCELED, venue_status="CANCELLED")


@pytest.mark.asyncio
async def test_a_failed_look_up_is_read_again_first_next_tick_without_failing_the_poll() -> None:
    # Arrange: three working orders the venue no longer lists; the look-up of V1 fails once.
    store = OrderStore()
    venue = GoneOrdersVenue({f"V{n}": _working_order(store, n) for n in (1, 2, 3)})
    venue.failing = {"V1"}
    poller = VenuePoller(venue, store)  # type: ignore[arg-type]  # a fake client
    health: list[VenueHealth] = []
    poller.health.subscribe(health.append)

    # Act: the first tick reads all three; V1's read fails.
    assert await poller.poll_once()

    # Assert: the venue did answer, so the account stays OK; V2 and V3 are done, V1 still
    # shows working until its read succeeds at the next tick.
    assert health[-1].state == VenueState.OK
    assert [store.get(f"OD{n}").status for n in (1, 2, 3)] == [  # type: ignore[union-attr]
        OrderStatus.WORKING,
        OrderStatus.CANCELED,
        OrderStatus.CANCELED,
    ]
    venue.failing.clear()
    venue.asked.clear()
    assert await poller.poll_once()
    assert venue.asked == ["V1"]
    assert store.get("OD1").status == OrderStatus.CANCELED  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_gone_orders_are_read_least_recently_tried_first() -> None:
    # Arrange: four gone orders whose reads all fail (a venue answering errors only).
    store = OrderStore()
    venue = GoneOrdersVenue({f"V{n}": _working_order(store, n) for n in (1, 2, 3, 4)})
    venue.failing = {"V1", "V2", "V3", "V4"}
    poller = VenuePoller(venue, store)  # type: ignore[arg-type]  # a fake client
    assert await poller.poll_once()
    first = list(venue.asked)

    # Act: V3 and V4 were tried last; a tick where only the first two reads get through
    # must start with the ones tried longest ago, so no order starves behind failing ones.
    venue.asked.clear()
    assert await poller.poll_once()

    # Assert: the second tick's order is the first tick's order (each was tried once,
    # earliest first), not a fixed store order that would always put V1 first.
    assert sorted(first) == ["V1", "V2", "V3", "V4"]
    assert venue.asked == first


def _filled_without_fills(store: OrderStore, fills: tuple[FillReport, ...] | None) -> OrderReport:
    """Put order OD1 in `store`, filled by a report whose fills are `fills` (None: unread;
    (): an empty list), so its fills fall short; return that report."""
    filled = dataclasses.replace(
        _working_order(store, 1),
        status=OrderStatus.FILLED,
        venue_status="FILLED",
        filled_qty=Decimal("1"),
        avg_fill_px=Decimal("100"),
        fills=fills,
    )
    store.apply_reports([filled], observed_at=store.stamp())
    return filled


@pytest.mark.asyncio
async def test_a_finished_order_whose_fills_were_not_read_is_read_until_they_are_in() -> None:
    # Arrange: the venue reports a market order filled but its trades unread (DFX: the
    # trades read was refused by a rate limit), so the desk has no fill for it.
    store = OrderStore()
    filled = _filled_without_fills(store, fills=None)
    assert store.get("OD1").status == OrderStatus.FILLED  # type: ignore[union-attr]
    assert store.fills("OD1") == [] and store.has_fills_short("treadfi", "desk-a")
    fill = FillReport("T1", Decimal("1"), Decimal("100"), T0)
    venue = GoneOrdersVenue({"V1": dataclasses.replace(filled, fills=(fill,))})
    venue.failing = {"V1"}
    poller = VenuePoller(venue, store)  # type: ignore[arg-type]  # a fake client

    # Act: the first read fails, the second brings the trades.
    assert await poller.poll_once()
    assert store.fills("OD1") == []
    venue.failing.clear()
    assert await poller.poll_once()

    # Assert: the fill is in, and the order is not read again.
    assert [f.fill_id for f in store.fills("OD1")] == ["T1"]
    assert not store.has_fills_short("treadfi", "desk-a")
    venue.asked.clear()
    assert await poller.poll_once()
    assert venue.asked == []


@pytest.mark.asyncio
async def test_fills_that_never_add_up_stop_costing_reads() -> None:
    store = OrderStore()
    filled = _filled_without_fills(store, fills=())
    venue = GoneOrdersVenue({"V1": filled})  # a venue whose trades never show
    poller = VenuePoller(venue, store)  # type: ignore[arg-type]  # a fake client

    for _ in range(MAX_FILL_READS + 3):
        assert await poller.poll_once()

    assert venue.asked == ["V1"] * MAX_FILL_READS
