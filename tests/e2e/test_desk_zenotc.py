"""ZenOTC from the desk, as a trader drives it: ticket -> blotter -> fills -> amend from
the blotter (native PATCH) -> cancel, against the emulator over loopback HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit

from gui.app import Desk
from gui.domain import OrderStatus
from gui.qt.amend import AmendDialog
from gui.qt.fills import FillsColumn
from tests.e2e.desk_helpers import confirm, fill_ticket, orders_on, send
from tests.helpers import drive, until

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

VENUE = "zenotc"


def zen_ticket(qtbot: Any, desk: Desk, strategy: str, quantity: str, price: str) -> None:
    fields = {"quantity": quantity, "limit_price": price}
    fill_ticket(qtbot, desk, VENUE, "BTC-USD", strategy, fields)


def test_an_otc_order_fills_is_amended_from_the_blotter_and_cancelled(
    qasync_loop: Any, qtbot: Any, desk: Desk
) -> None:
    fills = desk.window.fills.model
    blotter = desk.window.blotter

    async def scenario() -> None:
        zen_ticket(qtbot, desk, "Market", "0.2", "")
        await send(qtbot, desk)
        await until(lambda: len(orders_on(desk, VENUE)) == 1)
        await until(lambda: orders_on(desk, VENUE)[0].status == OrderStatus.FILLED)
        await until(lambda: fills.rowCount() >= 1)
        assert "USD" in fills.index(0, FillsColumn.FEE).data()

        # A resting limit, amended through the dialog a double-click opens.
        zen_ticket(qtbot, desk, "Limit", "1", "30000")
        await send(qtbot, desk)
        await until(lambda: len(orders_on(desk, VENUE)) == 2)
        resting = next(o for o in orders_on(desk, VENUE) if o.limit_price == Decimal(30000))
        cid = resting.client_order_id
        await until(lambda: desk.store.get(cid).status == OrderStatus.WORKING)
        desk.bridge.flush()
        blotter.select_client_order_ids([cid])
        # No native pause: offered as a synthetic pause, and the tooltip says what that does.
        await until(lambda: desk.window.action_pause.isEnabled())
        assert "synthetic pause on zenotc" in desk.window.action_pause.toolTip()
        row = blotter.table.selectionModel().selectedRows()[0]
        blotter.table.activated.emit(row)  # what a double-click or Enter does
        dialog = desk.window.findChild(AmendDialog, "dialog.amend")
        assert dialog is not None and dialog.isVisible()
        assert dialog.windowTitle().startswith("Amend") and not dialog.note.isVisible()
        dialog.findChild(QLineEdit, "dialog.amend.quantity").setText("2")
        dialog.findChild(QLineEdit, "dialog.amend.limit_price").setText("31000")
        dialog.ok.click()
        await until(
            lambda: (
                desk.store.get(cid).quantity == Decimal(2)
                and desk.store.get(cid).limit_price == Decimal(31000)
            )
        )
        await until(lambda: desk.store.get(cid).status == OrderStatus.WORKING)

        await confirm(desk, "action.cancel_selected")
        await until(lambda: desk.store.get(cid).status == OrderStatus.CANCELED)

    drive(qasync_loop, desk, scenario)
    assert desk.window.errors.model.rowCount() == 0
