"""DFX Labs spot from the desk, as a trader drives it: a market order sized by the amount
to spend, its fills from the venue's trades, then a resting limit cancelled from the
blotter, against the emulator over loopback HTTP with Ed25519-signed requests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit

from gui.app import Desk
from gui.domain import FillKind, OrderStatus
from gui.qt.amend import AmendDialog
from gui.qt.fills import FillsColumn
from tests.e2e.desk_helpers import confirm, fill_ticket, find, orders_on, send
from tests.helpers import drive, until

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

VENUE = "dfx"


def test_a_market_order_spends_its_amount_and_a_resting_limit_is_cancelled(
    qasync_loop: Any, qtbot: Any, desk: Desk
) -> None:
    fills = desk.window.fills.model
    blotter = desk.window.blotter

    async def scenario() -> None:
        fill_ticket(qtbot, desk, VENUE, "BTC-USDT", "Market", {})
        amount = find(desk, QLineEdit, "ticket.quote_quantity")
        assert amount.isVisible(), "a DFX market order is sized by the amount of USDT"
        assert not find(desk, QLineEdit, "ticket.quantity").isVisible()
        qtbot.keyClicks(amount, "2500")
        await send(qtbot, desk)
        await until(lambda: len(orders_on(desk, VENUE)) == 1)
        [order] = orders_on(desk, VENUE)
        assert order.quote_quantity == Decimal(2500)
        cid = order.client_order_id
        await until(lambda: desk.store.get(cid).status == OrderStatus.FILLED)
        await until(
            lambda: sum(f.quantity for f in desk.store.fills(cid)) == desk.store.get(cid).filled_qty
        )
        done = desk.store.get(cid)
        spent = sum(f.notional for f in desk.store.fills(cid))
        assert done.filled_qty > 0 and spent <= Decimal(2500)
        assert {f.kind for f in desk.store.fills(cid)} == {FillKind.TRADE}
        await until(lambda: fills.rowCount() >= 1)
        assert fills.index(0, FillsColumn.SOURCE).data() == "Trade"

        # A limit far below the market rests until cancelled from the blotter.
        fill_ticket(
            qtbot, desk, VENUE, "BTC-USDT", "Limit", {"quantity": "0.01", "limit_price": "40000"}
        )
        await send(qtbot, desk)
        await until(lambda: len(orders_on(desk, VENUE)) == 2)
        resting = next(o for o in orders_on(desk, VENUE) if o.client_order_id != cid)
        await until(lambda: desk.store.get(resting.client_order_id).status == OrderStatus.WORKING)
        desk.bridge.flush()
        rid = resting.client_order_id
        blotter.select_client_order_ids([rid])

        # DFX cannot amend: the dialog says it will cancel and send the remainder again.
        row = blotter.table.selectionModel().selectedRows()[0]
        blotter.table.activated.emit(row)  # what a double-click or Enter does
        dialog = desk.window.findChild(AmendDialog, "dialog.amend")
        assert dialog is not None and dialog.isVisible()
        assert "Cancel/replace" in dialog.windowTitle()
        dialog.findChild(QLineEdit, "dialog.amend.limit_price").setText("41000")
        dialog.ok.click()
        await until(lambda: len(desk.store.legs(rid)) == 2)
        await until(lambda: desk.store.get(rid).status == OrderStatus.WORKING)
        replaced = desk.store.get(rid)
        assert (replaced.limit_price, replaced.quantity) == (Decimal(41000), Decimal("0.01"))
        assert [o.client_order_id for o in orders_on(desk, VENUE)] == [cid, rid]  # still one row

        await confirm(desk, "action.cancel_selected")
        await until(lambda: desk.store.get(resting.client_order_id).status == OrderStatus.CANCELED)

    drive(qasync_loop, desk, scenario)
    assert desk.window.errors.model.rowCount() == 0
