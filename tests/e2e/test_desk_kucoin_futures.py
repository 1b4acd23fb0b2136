"""KuCoin Futures from the desk, as a trader drives it: a contracts ticket -> blotter ->
fills with fee and liquidity -> cancel, against the emulator over loopback HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton

from gui.app import Desk
from gui.domain import OrderStatus
from gui.qt.fills import FillsColumn
from tests.e2e.desk_helpers import confirm, fill_ticket, find, orders_on, send
from tests.helpers import drive, until

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

VENUE = "kucoin_futures"


async def kucoin_ticket(qtbot: Any, desk: Desk, strategy: str, contracts: str, price: str) -> None:
    """Choose KuCoin Futures, wait for its contracts, and fill the ticket."""
    find(desk, QComboBox, "ticket.venue").setCurrentText(VENUE)
    ticket = desk.window.ticket
    await until(lambda: (profile := ticket.profile()) is not None and bool(profile.instruments))
    fields = {"quantity": contracts, "limit_price": price}
    fill_ticket(qtbot, desk, VENUE, "BTC-USDT", strategy, fields)


def test_contracts_from_the_ticket_fill_with_fee_and_liquidity_and_a_resting_order_cancels(
    qasync_loop: Any, qtbot: Any, desk: Desk
) -> None:
    fills = desk.window.fills.model
    blotter = desk.window.blotter

    async def scenario() -> None:
        # A market buy of 5 contracts: 5 x 0.001 BTC.
        await kucoin_ticket(qtbot, desk, "Market", "5", "")
        base = find(desk, QLabel, "ticket.base_quantity")
        assert "= 0.005 BTC" in base.text()
        await send(qtbot, desk)
        await until(lambda: len(orders_on(desk, VENUE)) == 1)
        await until(lambda: orders_on(desk, VENUE)[0].status == OrderStatus.FILLED)
        await until(lambda: fills.rowCount() >= 1)
        assert sum(
            fill.quantity for fill in desk.store.fills(orders_on(desk, VENUE)[0].client_order_id)
        )
        liquidity = fills.index(0, FillsColumn.LIQUIDITY).data()
        fee = fills.index(0, FillsColumn.FEE).data()
        assert liquidity == "Taker" and "USDT" in fee

        # A limit buy far below the market rests. KuCoin has no native pause or amend: Pause
        # is offered as a synthetic pause and Amend as a cancel/replace, each saying so.
        await kucoin_ticket(qtbot, desk, "Limit", "3", "30000")
        await send(qtbot, desk)
        await until(lambda: len(orders_on(desk, VENUE)) == 2)
        resting = next(o for o in orders_on(desk, VENUE) if o.limit_price == Decimal(30000))
        await until(lambda: desk.store.get(resting.client_order_id).status == OrderStatus.WORKING)
        desk.bridge.flush()
        blotter.select_client_order_ids([resting.client_order_id])
        await until(lambda: desk.window.action_cancel.isEnabled())
        assert desk.window.action_pause.isEnabled()
        tip = desk.window.action_pause.toolTip()
        assert "synthetic pause on kucoin_futures" in tip and "sent again on resume" in tip
        box = desk.window.confirm_and_run("pause")
        assert box is not None
        assert "Synthetic pause on kucoin_futures: the working remainder is cancelled" in (
            box.informativeText()
        )
        box.findChild(QPushButton, "dialog.confirm.no").click()
        dialog = desk.window.open_amend()
        assert dialog is not None and dialog.windowTitle().startswith("Cancel/replace")
        assert dialog.note.isVisible() and dialog.ok.text() == "Cancel/replace"
        dialog.reject()
        await confirm(desk, "action.cancel_selected")
        await until(lambda: desk.store.get(resting.client_order_id).status == OrderStatus.CANCELED)

    drive(qasync_loop, desk, scenario)
    market = min(orders_on(desk, VENUE), key=lambda order: order.created_ts)
    assert market.quantity == Decimal("0.005") and market.filled_qty == Decimal("0.005")
    assert desk.window.errors.model.rowCount() == 0


def test_a_fraction_of_a_contract_is_refused_inline_and_nothing_sent(
    qasync_loop: Any, qtbot: Any, desk: Desk
) -> None:
    async def scenario() -> None:
        await kucoin_ticket(qtbot, desk, "Limit", "1.5", "30000")
        await send(qtbot, desk)
        message = find(desk, QLabel, "ticket.error.quantity")
        await until(lambda: message.isVisible() and "contract" in message.text())
        client = desk.clients[(VENUE, desk.service.accounts[VENUE][0])]
        assert await client.open_orders() == []

    drive(qasync_loop, desk, scenario)
    assert orders_on(desk, VENUE) == []
