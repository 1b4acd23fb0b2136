"""Clicking the ticket's Buy/Sell as a trader does, and what comes out of it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gui.domain.orders import OrderTicket, Side
from gui.qt.ticket import TicketWidget


def click_side(qtbot: QtBot, ticket: TicketWidget, side: Side = Side.BUY) -> None:
    """Click Buy or Sell."""
    button = ticket.buy if side == Side.BUY else ticket.sell
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def send(qtbot: QtBot, ticket: TicketWidget, side: Side = Side.BUY) -> OrderTicket:
    """Click a side and return the ticket it submits; fails if it is refused instead."""
    with (
        qtbot.assertNotEmitted(ticket.validation_failed),
        qtbot.waitSignal(ticket.submit_requested, timeout=1000) as sent,
    ):
        click_side(qtbot, ticket, side)
    return sent.args[0]


def refuse(qtbot: QtBot, ticket: TicketWidget, side: Side = Side.BUY) -> dict[str, str]:
    """Click a side and return the field -> message refusal; fails if it is submitted."""
    with (
        qtbot.assertNotEmitted(ticket.submit_requested),
        qtbot.waitSignal(ticket.validation_failed, timeout=1000) as failed,
    ):
        click_side(qtbot, ticket, side)
    return failed.args[0]
