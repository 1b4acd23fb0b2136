"""The walking skeleton, as a trader drives it: ticket -> blotter -> fills -> chart ->
pause -> resume -> cancel, against the Tread.fi emulator over real loopback HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton

from gui.app import Desk
from gui.domain import OrderStatus
from tests.e2e.desk_helpers import confirm, find
from tests.e2e.desk_helpers import fill_ticket as fill_desk_ticket
from tests.helpers import drive, until

# Showing a window on the offscreen platform logs this harmless warning.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def fill_ticket(qtbot: Any, desk: Desk, quantity: str, strategy: str, minutes: str) -> None:
    fields = {"quantity": quantity, "duration": minutes}
    fill_desk_ticket(qtbot, desk, "treadfi", "BTC-USDT", strategy, fields)


def only_order(desk: Desk) -> Any:
    [order] = desk.store.orders()
    return order


def test_an_order_goes_from_ticket_to_fills_and_is_paused_resumed_and_cancelled(
    qasync_loop: Any, qtbot: Any, desk: Desk, tmp_path: Path
) -> None:
    blotter = desk.window.blotter
    fills_model = desk.window.fills.model

    async def scenario() -> None:
        # Arrange: a 20-minute TWAP for 0.5 BTC on the ticket.
        fill_ticket(qtbot, desk, "0.5", "TWAP", "20")
        # Act: click Buy.
        qtbot.mouseClick(find(desk, QPushButton, "ticket.buy"), Qt.MouseButton.LeftButton)
        # The order shows in the blotter, is acknowledged, and fills arrive.
        await until(lambda: blotter.model.rowCount() == 1)
        await until(lambda: only_order(desk).venue_order_id is not None)
        await until(lambda: fills_model.rowCount() >= 2)
        assert only_order(desk).status == OrderStatus.PARTIALLY_FILLED
        # The chart of the selected order moves with the fills.
        blotter.select_client_order_ids([only_order(desk).client_order_id])
        await until(lambda: desk.window.chart.filled_points() >= 2)

        await confirm(desk, "action.pause_selected")
        await until(lambda: only_order(desk).status == OrderStatus.PAUSED)
        paused_fills = fills_model.rowCount()

        await confirm(desk, "action.resume_selected")
        await until(lambda: only_order(desk).status == OrderStatus.PARTIALLY_FILLED)
        await until(lambda: fills_model.rowCount() > paused_fills)

        await confirm(desk, "action.cancel_selected")
        await until(lambda: only_order(desk).status == OrderStatus.CANCELED)
        assert desk.window.errors.model.rowCount() == 0
        desk.window.grab().save(str(tmp_path / "desk.png"))

    drive(qasync_loop, desk, scenario)
    order = only_order(desk)
    assert 0 < order.filled_qty < order.quantity
    assert len(order.pauses) == 1 and order.pauses[0][1] is not None


def test_a_bad_ticket_shows_why_and_sends_nothing(qasync_loop: Any, qtbot: Any, desk: Desk) -> None:
    async def scenario() -> None:
        fill_ticket(qtbot, desk, "abc", "TWAP", "20")
        qtbot.mouseClick(find(desk, QPushButton, "ticket.buy"), Qt.MouseButton.LeftButton)
        message = find(desk, QLabel, "ticket.error.quantity")
        await until(lambda: message.isVisible() and "number" in message.text())
        fill_ticket(qtbot, desk, "1", "Limit", "")
        qtbot.mouseClick(find(desk, QPushButton, "ticket.sell"), Qt.MouseButton.LeftButton)
        price_message = find(desk, QLabel, "ticket.error.limit_price")
        await until(lambda: "limit price" in price_message.text())
        await until(lambda: desk.window.errors.model.rowCount() >= 2)  # shown in the pane too
        # Nothing was sent: the venue itself has no order.
        client = next(iter(desk.clients.values()))
        assert await client.open_orders() == []

    drive(qasync_loop, desk, scenario)
    assert desk.store.orders() == []
    assert desk.window.blotter.model.rowCount() == 0


def test_a_venue_rejection_reaches_the_error_pane_in_the_venues_words(
    qasync_loop: Any, qtbot: Any, desk: Desk
) -> None:
    async def scenario() -> None:
        fill_ticket(qtbot, desk, "0.1", "Market", "")
        # A pair the venue does not list: the emulator refuses the order.
        find(desk, QComboBox, "ticket.pair").setCurrentText("NOPE-USDT")
        qtbot.mouseClick(find(desk, QPushButton, "ticket.buy"), Qt.MouseButton.LeftButton)
        await until(lambda: len(desk.store.orders()) == 1)
        await until(lambda: only_order(desk).status == OrderStatus.REJECTED)
        await until(lambda: desk.window.errors.model.rowCount() >= 1)

    drive(qasync_loop, desk, scenario)
    errors = desk.window.errors.model
    texts = [
        errors.index(row, col).data()
        for row in range(errors.rowCount())
        for col in range(errors.columnCount())
    ]
    assert any("NOPE" in str(text) for text in texts)
