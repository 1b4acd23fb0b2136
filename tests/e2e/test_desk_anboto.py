"""Anboto from the desk, as a trader drives it: a TWAP routed to Bybit whose fills are
derived from the broker's totals, then a resting limit whose asynchronous cancel shows as
pending before it is final, against the emulator over loopback HTTP with signed requests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox

from gui.app import Desk
from gui.domain import FillKind, OrderStatus
from gui.oms.events import StoreChange
from gui.qt.fills import FillsColumn
from tests.e2e.desk_helpers import confirm, fill_ticket, find, orders_on, send
from tests.helpers import drive, until

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

VENUE = "anboto"
D = Decimal


def test_a_twap_routed_to_bybit_fills_and_an_async_cancel_shows_pending(
    qasync_loop: Any, qtbot: Any, desk: Desk
) -> None:
    fills = desk.window.fills.model
    seen: dict[str, list[OrderStatus]] = {}

    def record(change: StoreChange) -> None:
        for order in change.orders:
            statuses = seen.setdefault(order.client_order_id, [])
            if not statuses or statuses[-1] != order.status:
                statuses.append(order.status)

    desk.store.changed.subscribe(record)

    async def scenario() -> None:
        fill_ticket(qtbot, desk, VENUE, "ETH-USDT", "TWAP", {"quantity": "2", "duration": "2"})
        destination = find(desk, QComboBox, "ticket.destination")
        assert destination.isVisible()
        destination.setCurrentIndex(destination.findText("Bybit"))
        await send(qtbot, desk)
        await until(lambda: len(orders_on(desk, VENUE)) == 1)
        [order] = orders_on(desk, VENUE)
        cid = order.client_order_id
        assert order.options.destination == "Bybit"
        await until(lambda: desk.store.get(cid).status == OrderStatus.FILLED, timeout_s=40)
        done = desk.store.get(cid)
        await until(lambda: sum(f.quantity for f in desk.store.fills(cid)) == done.filled_qty)
        derived = desk.store.fills(cid)
        assert done.filled_qty == Decimal(2) and len(derived) >= 1
        assert {f.kind for f in derived} == {FillKind.DERIVED}
        # Derived prices reproduce the broker's average: exactly where the quotient
        # terminates, else to Decimal's 28 significant digits.
        broker_notional = done.avg_fill_px * done.filled_qty
        assert abs(sum(f.notional for f in derived) - broker_notional) <= broker_notional * D(
            "1e-24"
        )
        await until(lambda: fills.rowCount() >= 1)
        assert fills.index(0, FillsColumn.SOURCE).data() == "Derived"

        # A limit far below the market rests; Anboto cancels asynchronously.
        fill_ticket(
            qtbot, desk, VENUE, "BTC-USDT", "Limit", {"quantity": "0.1", "limit_price": "30000"}
        )
        await send(qtbot, desk)
        await until(lambda: len(orders_on(desk, VENUE)) == 2)
        resting = next(o for o in orders_on(desk, VENUE) if o.client_order_id != cid)
        rid = resting.client_order_id
        await until(lambda: desk.store.get(rid).status == OrderStatus.WORKING)
        desk.bridge.flush()
        desk.window.blotter.select_client_order_ids([rid])
        await confirm(desk, "action.cancel_selected")
        await until(lambda: desk.store.get(rid).status == OrderStatus.CANCELED)
        assert OrderStatus.PENDING_CANCEL in seen[rid]

    drive(qasync_loop, desk, scenario)
    assert desk.window.errors.model.rowCount() == 0


def test_a_synthetic_pause_and_resume_keeps_one_order_and_exact_quantities(
    qasync_loop: Any, qtbot: Any, desk: Desk
) -> None:
    async def scenario() -> None:
        fill_ticket(qtbot, desk, VENUE, "ETH-USDT", "TWAP", {"quantity": "4", "duration": "30"})
        await send(qtbot, desk)
        await until(lambda: len(orders_on(desk, VENUE)) == 1)
        cid = orders_on(desk, VENUE)[0].client_order_id
        await until(lambda: desk.store.get(cid).filled_qty > 0, timeout_s=30)
        desk.bridge.flush()
        desk.window.blotter.select_client_order_ids([cid])
        assert "synthetic pause" in desk.window.action_pause.toolTip()
        await confirm(desk, "action.pause_selected")
        await until(lambda: desk.store.get(cid).status == OrderStatus.PAUSED)
        paused = desk.store.get(cid)
        # Nothing is working at the venue while paused: the broker cancelled the first leg.
        leg_one = desk.store.legs(cid)[0]
        assert leg_one.venue_order_id is not None
        client = desk.service.client_for(VENUE, paused.account)
        at_venue = await client.order(leg_one.venue_order_id)
        assert at_venue.status == OrderStatus.CANCELED
        assert at_venue.filled_qty == paused.filled_qty

        await confirm(desk, "action.resume_selected")
        await until(
            lambda: (
                desk.store.get(cid).status in (OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED)
            )
        )
        await until(lambda: desk.store.get(cid).filled_qty > paused.filled_qty, timeout_s=30)
        legs = desk.store.legs(cid)
        assert len(legs) == 2 and legs[1].client_order_id != cid
        # The second leg works exactly what the first left.
        assert legs[1].quantity == Decimal(4) - legs[0].filled_qty
        await confirm(desk, "action.cancel_selected")
        await until(lambda: desk.store.get(cid).status == OrderStatus.CANCELED)
        done = desk.store.get(cid)
        assert [o.client_order_id for o in orders_on(desk, VENUE)] == [cid]  # one row
        assert done.quantity == Decimal(4)
        assert done.filled_qty == sum(leg.filled_qty for leg in desk.store.legs(cid))
        await until(lambda: sum(f.quantity for f in desk.store.fills(cid)) == done.filled_qty)

    drive(qasync_loop, desk, scenario)
    assert desk.window.errors.model.rowCount() == 0
