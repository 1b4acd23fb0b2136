"""What the end-to-end tests do with the desk's widgets, by objectName, as a trader would."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox, QPushButton

from gui.app import Desk
from tests.helpers import until


def find(desk: Desk, kind: type, name: str) -> Any:
    """The desk's widget of this type and objectName; fails the test if there is none."""
    widget = desk.window.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name}"
    return widget


async def confirm(desk: Desk, action_name: str) -> None:
    """Click a bulk action once it is enabled, and confirm its dialog."""
    action = desk.window.findChild(type(desk.window.action_cancel), action_name)
    await until(action.isEnabled)
    action.trigger()
    [dialog] = [
        box for box in desk.window.findChildren(QMessageBox, "dialog.confirm") if box.isVisible()
    ]
    assert "1 order" in dialog.text()
    dialog.findChild(QPushButton, "dialog.confirm.yes").click()


def fill_ticket(
    qtbot: Any, desk: Desk, venue: str, pair: str, strategy: str, fields: dict[str, str]
) -> None:
    """Choose venue, pair and strategy, then type each field (objectName suffix -> text)."""
    venue_box = find(desk, QComboBox, "ticket.venue")
    venue_box.setCurrentIndex(venue_box.findText(venue))
    pair_box = find(desk, QComboBox, "ticket.pair")
    index = pair_box.findText(pair)
    if index >= 0:
        pair_box.setCurrentIndex(index)
    else:
        pair_box.setEditText(pair)
    strategy_box = find(desk, QComboBox, "ticket.strategy")
    strategy_box.setCurrentIndex(strategy_box.findText(strategy))
    for name, text in fields.items():
        field = find(desk, QLineEdit, f"ticket.{name}")
        field.clear()
        if text:
            qtbot.keyClicks(field, text)


def orders_on(desk: Desk, venue: str) -> list[Any]:
    """The store's orders on one venue."""
    return [order for order in desk.store.orders() if order.venue == venue]


async def send(qtbot: Any, desk: Desk, side: str = "buy") -> None:
    """Click Buy or Sell once the ticket is free (it is busy while a submit is in flight)."""
    button = find(desk, QPushButton, f"ticket.{side}")
    await until(button.isEnabled)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
