"""KuCoin Futures from the desk, as a trader drives it: a contracts ticket -> blotter ->
fills with fee and liquidity -> cancel, against the emulator over loopback HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton

from gui.app import Desk
from gui.domain import OrderStatus
from gui.qt.fills import FillsColumn
from tests.e2e.test_desk_treadfi import confirm, find
from tests.helpers import drive, until

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

VENUE = "kucoin_futures"


async def kucoin_ticket(qtbot: Any, desk: Desk, strategy: str, contracts: str, price: str) -> None:
    """Choose KuCoin Futures, wait for its contracts, and fill the ticket."""
    venue = find(desk, QComboBox, "ticket.venue")
    venue.setCurrentIndex(venue.findText(VENUE))
    pair = find(desk, QComboBox, "ticket.pair")
    ticket = desk.window.ticket
    await until(lambda: (profile := ticket.profile()) is not None and bool(profile.instruments))
    pair.setCurrentIndex(pair.findText("BTC-USDT"))
    strategy_box = find(desk, QComboBox, "ticket.strategy")
    strategy_box.setCurrentIndex(strategy_box.findText(strategy))
    for name, text in (("ticket.quantity", contracts), ("ticket.limit_price", price)):
        field = find(desk, QLineEdit, name)
        field.clear()
        if text:
            qtbot.keyClicks(field, text)


def orders_on(desk: Desk) -> list[Any]:
    return [order for order in desk.store.orders() if order.venue == VENUE]


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
        qtbot.mouseClick(find(desk, QPushButton, "ticket.buy"), Qt.MouseButton.LeftButton)
        await until(lambda: len(orders_on(desk)) == 1)
        await until(lambda: orders_on(desk)[0].status == OrderStatus.FILLED)
        await until(lambda: fills.rowCount() >= 1)
        assert sum(fill.quantity for fill in desk.store.fills(orders_on(desk)[0].client_order_id))
        liquidity = fills.index(0, FillsColumn.LIQUIDITY).data()
        fee = fills.index(0, FillsColumn.FEE).data()
        assert liquidity == "Taker" and "USDT" in fee

        # A limit buy far below the market rests; Pause stays off (no native pause), Cancel works.
        await kucoin_ticket(qtbot, desk, "Limit", "3", "30000")
        qtbot.mouseClick(find(desk, QPushButton, "ticket.buy"), Qt.MouseButton.LeftButton)
        await until(lambda: len(orders_on(desk)) == 2)
        resting = next(o for o in orders_on(desk) if o.limit_price == Decimal(30000))
        await until(lambda: desk.store.get(resting.client_order_id).status == OrderStatus.WORKING)
        desk.bridge.flush()
        blotter.select_client_order_ids([resting.client_order_id])
        await until(lambda: desk.window.action_cancel.isEnabled())
        assert not desk.window.action_pause.isEnabled()
        assert "cannot pause" in desk.window.action_pause.toolTip()
        await confirm(desk, "action.cancel_selected")
        await until(lambda: desk.store.get(resting.client_order_id).status == OrderStatus.CANCELED)

    drive(qasync_loop, desk, scenario)
    market = min(orders_on(desk), key=lambda order: order.created_ts)
    assert market.quantity == Decimal("0.005") and market.filled_qty == Decimal("0.005")
    assert desk.window.errors.model.rowCount() == 0


def test_a_fraction_of_a_contract_is_refused_inline_and_nothing_sent(
    qasync_loop: Any, qtbot: Any, desk: Desk
) -> None:
    async def scenario() -> None:
        await kucoin_ticket(qtbot, desk, "Limit", "1.5", "30000")
        qtbot.mouseClick(find(desk, QPushButton, "ticket.buy"), Qt.MouseButton.LeftButton)
        message = find(desk, QLabel, "ticket.error.quantity")
        await until(lambda: message.isVisible() and "contract" in message.text())
        client = desk.clients[(VENUE, desk.service.accounts[VENUE][0])]
        assert await client.open_orders() == []

    drive(qasync_loop, desk, scenario)
    assert orders_on(desk) == []
