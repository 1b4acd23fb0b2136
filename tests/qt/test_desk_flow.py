"""The trader's keyboard flow on the desk window: load an order into the ticket, F2/F3 for a
buy/sell ticket, Ctrl+Enter to send, shortcuts shown in menus and tooltips; against the
venue emulators (`desk_rig`)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
)

from gui.domain.orders import OrderStatus, Side, Strategy
from gui.qt.blotter import BlotterColumn
from gui.qt.main_window import MainWindow
from tests.helpers import until
from tests.qt.desk_rig import Rig, open_rig

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def rig(qasync_loop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path) -> Iterator[Rig]:
    yield from open_rig(qasync_loop, qtbot, tmp_path)


SHORTCUTS = {
    "action.kill_switch": "Ctrl+Shift+K",
    "action.buy_ticket": "F2",
    "action.sell_ticket": "F3",
    "action.submit_ticket": "Ctrl+Return",
    "action.load_into_ticket": "Ctrl+L",
    "action.pin_selected": "Ctrl+Shift+P",
    "action.pause_selected": "Ctrl+P",
    "action.resume_selected": "Ctrl+R",
    "action.amend_selected": "Ctrl+E",
}


def text(window: MainWindow, name: str) -> str:
    widget = window.findChild(QWidget, name)
    assert isinstance(widget, (QLineEdit, QComboBox)), name
    return widget.text() if isinstance(widget, QLineEdit) else widget.currentText()


def test_shortcuts_exist_and_are_shown_in_menus_and_tooltips(rig: Rig) -> None:
    window = rig.window
    orders_menu = window.findChild(QMenu, "menu.orders")
    ticket_menu = window.findChild(QMenu, "menu.ticket")
    in_menus = set(orders_menu.actions()) | set(ticket_menu.actions())
    for name, keys in SHORTCUTS.items():
        action = window.findChild(QAction, name)
        assert action is not None, name
        shown = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
        assert action.shortcut() == QKeySequence(keys), name
        assert f"({shown})" in action.toolTip(), name
        assert action in in_menus, name  # a menu shows the action's shortcut beside it
    cancel = window.findChild(QAction, "action.cancel_selected")
    assert cancel.shortcut() == QKeySequence(QKeySequence.StandardKey.Delete)
    assert cancel.shortcut().toString(QKeySequence.SequenceFormat.NativeText) in cancel.toolTip()
    # The kill switch works from any window of the desk; its red button leads the toolbar.
    kill = window.findChild(QAction, "action.kill_switch")
    assert kill.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut
    button = window.findChild(QToolButton, "button.action.kill_switch")
    assert button is not None and button.isVisible() and "Ctrl+Shift+K" in button.toolTip()
    assert "#b62324" in button.styleSheet()
    # Ctrl+Enter only sends while focus is in the ticket.
    submit = window.findChild(QAction, "action.submit_ticket")
    assert submit.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
    assert window.ticket in submit.associatedObjects()
    # The scope menus hang off the Orders menu.
    titles = [a.text() for a in orders_menu.actions() if a.menu() is not None]
    assert titles == ["Cancel…", "Pause…", "Resume…"]


def test_load_into_ticket_fills_it_and_ctrl_enter_sends_the_same_order_again(
    rig: Rig, qtbot: Any
) -> None:
    desk, window = rig.desk, rig.window

    async def scenario() -> None:
        # A resting KuCoin Futures limit sell of 0.01 BTC (10 contracts of 0.001 BTC).
        first = await desk.place("kucoin_futures", Side.SELL)
        await desk.settle()
        rig.bridge.flush()
        window.blotter.select_client_order_ids([first.client_order_id])

        window.findChild(QAction, "action.load_into_ticket").trigger()

        assert text(window, "ticket.venue") == "kucoin_futures"
        assert text(window, "ticket.account") == first.account
        assert text(window, "ticket.pair") == "BTC-USDT"
        assert text(window, "ticket.strategy") == Strategy.LIMIT.value
        assert text(window, "ticket.quantity") == "10"  # contracts
        assert text(window, "ticket.limit_price") == format(first.limit_price, "f")
        assert window.ticket_dock.windowTitle() == "Order ticket · Sell"
        assert window.flow.side == Side.SELL

        qtbot.keyClick(
            window.ticket.quantity, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
        await until(lambda: len(desk.store.orders()) == 2)
        [second] = [o for o in desk.store.orders() if o.client_order_id != first.client_order_id]
        assert (second.side, second.quantity, second.limit_price, second.pair) == (
            Side.SELL,
            Decimal("0.01"),
            first.limit_price,
            "BTC-USDT",
        )

        # Ctrl+Enter with focus outside the ticket sends nothing.
        window.blotter.table.setFocus()
        qtbot.keyClick(window.blotter.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        await desk.settle()
        assert len(desk.store.orders()) == 2

    rig.run(scenario())


def test_f2_and_f3_bring_up_the_ticket_for_a_side(rig: Rig, qtbot: Any) -> None:
    window = rig.window
    window.blotter.table.setFocus()

    qtbot.keyClick(window.blotter.table, Qt.Key.Key_F3)
    assert window.ticket_dock.windowTitle() == "Order ticket · Sell"
    assert window.flow.side == Side.SELL
    assert QApplication.focusWidget() is window.ticket.quantity

    qtbot.keyClick(window.ticket.quantity, Qt.Key.Key_F2)
    assert window.ticket_dock.windowTitle() == "Order ticket · Buy"
    assert window.flow.side == Side.BUY

    # Ctrl+Shift+K reaches the kill switch from the ticket too (nothing works yet).
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.ticket.quantity, Qt.Key.Key_K, modifiers)
    assert "kill switch has nothing to cancel" in window.statusBar().currentMessage()


def test_ctrl_enter_without_a_side_sends_nothing_and_says_why(rig: Rig, qtbot: Any) -> None:
    window = rig.window
    window.ticket.quantity.setFocus()
    with qtbot.assertNotEmitted(window.ticket.submit_requested):
        qtbot.keyClick(
            window.ticket.quantity, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert "F2" in window.statusBar().currentMessage()


def test_double_click_amends_a_working_order_and_loads_a_finished_one(rig: Rig, qtbot: Any) -> None:
    desk, window = rig.desk, rig.window

    async def scenario() -> None:
        working = await desk.place("dfx", Side.BUY)
        done = await desk.place("treadfi", Side.SELL)
        await desk.settle()
        await desk.service.cancel([done.client_order_id])
        await desk.settle()
        assert desk.order(done.client_order_id).status == OrderStatus.CANCELED
        rig.bridge.flush()

        def double_click(client_order_id: str) -> None:
            row = window.blotter.model.row_of(client_order_id)
            assert row is not None
            index = window.blotter.proxy.mapFromSource(
                window.blotter.model.index(row, BlotterColumn.PAIR)
            )
            rect = window.blotter.table.visualRect(index)
            viewport = window.blotter.table.viewport()
            qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
            qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())

        double_click(working.client_order_id)
        amend = window.findChild(QDialog, "dialog.amend")
        assert amend is not None and amend.isVisible()
        amend.reject()

        double_click(done.client_order_id)
        assert text(window, "ticket.venue") == "treadfi"
        assert text(window, "ticket.strategy") == Strategy.TWAP.value
        assert text(window, "ticket.duration") == "60"
        assert window.ticket_dock.windowTitle() == "Order ticket · Sell"

    rig.run(scenario())
