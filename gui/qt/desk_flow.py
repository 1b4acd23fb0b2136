"""The trader's keyboard flow between blotter and ticket.

F2 / F3 bring up the ticket for a buy / a sell (focus on the size); Ctrl+Enter inside the
ticket sends it on that side; "Load into ticket" copies the blotter's current order into
the ticket (and picks its side). The ticket dock's title says which side Ctrl+Enter sends.
Nothing here sends an order by itself: Ctrl+Enter clicks the ticket's own Buy or Sell
button, which validates first, and only while focus is in the ticket.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow

from gui.domain.orders import Order, Side
from gui.qt.blotter import BlotterView
from gui.qt.bulk_actions import make_action
from gui.qt.ticket import TicketWidget

__all__ = [
    "BUY_TICKET_SHORTCUT",
    "LOAD_SHORTCUT",
    "SELL_TICKET_SHORTCUT",
    "SUBMIT_SHORTCUTS",
    "TicketFlow",
]

BUY_TICKET_SHORTCUT = QKeySequence("F2")
"""Bring up the ticket for a buy."""
SELL_TICKET_SHORTCUT = QKeySequence("F3")
"""Bring up the ticket for a sell."""
SUBMIT_SHORTCUTS = (QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter"))
"""Send the ticket on its chosen side (main and keypad Enter); only while focus is in it."""
LOAD_SHORTCUT = QKeySequence("Ctrl+L")
"""Load the blotter's current order into the ticket."""
TICKET_TITLE = "Order ticket"


class TicketFlow(QObject):
    """The ticket's keyboard actions and "Load into ticket".

    Attributes:
        buy_ticket: `action.buy_ticket` (F2).
        sell_ticket: `action.sell_ticket` (F3).
        submit: `action.submit_ticket` (Ctrl+Enter, while focus is in the ticket).
        load: `action.load_into_ticket` (Ctrl+L): the blotter's current order into the ticket.
        side: The side Ctrl+Enter sends, None until F2, F3 or a load chose one.

    Args:
        window: The main window (owns the actions; its status bar explains refusals).
        ticket: The ticket widget.
        dock: The ticket's dock (shown and titled with the chosen side).
        blotter: Where "Load into ticket" takes the current order from.
    """

    def __init__(
        self, window: QMainWindow, ticket: TicketWidget, dock: QDockWidget, blotter: BlotterView
    ) -> None:
        super().__init__(window)
        self._window = window
        self._ticket = ticket
        self._dock = dock
        self._blotter = blotter
        self.side: Side | None = None
        self.buy_ticket = make_action(
            window,
            "action.buy_ticket",
            "Buy ticket",
            "Bring up the ticket for a buy; Ctrl+Enter sends it",
            BUY_TICKET_SHORTCUT,
        )
        self.sell_ticket = make_action(
            window,
            "action.sell_ticket",
            "Sell ticket",
            "Bring up the ticket for a sell; Ctrl+Enter sends it",
            SELL_TICKET_SHORTCUT,
        )
        # Added to the ticket, not the window: the keystroke sends only while focus is there.
        self.submit = QAction("Send ticket", ticket)
        self.submit.setObjectName("action.submit_ticket")
        self.submit.setShortcuts(list(SUBMIT_SHORTCUTS))
        self.submit.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        ticket.addAction(self.submit)
        keys = SUBMIT_SHORTCUTS[0].toString(QKeySequence.SequenceFormat.NativeText)
        self.submit.setToolTip(f"Validate and send the ticket on its chosen side ({keys})")
        self.submit.setStatusTip("Validate and send the ticket on its chosen side")
        self.load = make_action(
            window,
            "action.load_into_ticket",
            "Load into ticket",
            "Copy the current order's venue, pair, side, size, strategy, limit and duration "
            "into the ticket",
            LOAD_SHORTCUT,
        )
        self.buy_ticket.triggered.connect(lambda _=False: self.arm(Side.BUY))
        self.sell_ticket.triggered.connect(lambda _=False: self.arm(Side.SELL))
        self.submit.triggered.connect(lambda _=False: self.send())
        self.load.triggered.connect(lambda _=False: self.load_current())
        blotter.current_order_changed.connect(lambda order: self.load.setEnabled(order is not None))
        self.load.setEnabled(blotter.current_order() is not None)

    def arm(self, side: Side) -> None:
        """Show the ticket, choose the side Ctrl+Enter sends, and put focus on the size."""
        self.side = side
        self._dock.show()
        self._dock.raise_()
        self._dock.setWindowTitle(f"{TICKET_TITLE} · {side.value.capitalize()}")
        size = self._ticket.quote_quantity
        if not size.isVisibleTo(self._ticket):
            size = self._ticket.quantity
        size.setFocus(Qt.FocusReason.ShortcutFocusReason)
        size.selectAll()

    def send(self) -> None:
        """Click the chosen side's button (which validates, then sends)."""
        if self.side is None:
            self._window.statusBar().showMessage(
                "Choose a side first: Buy ticket (F2) or Sell ticket (F3).", 5000
            )
            return
        button = self._ticket.buy if self.side == Side.BUY else self._ticket.sell
        if not button.isEnabled():
            self._window.statusBar().showMessage(
                f"{self.side.value.capitalize()} is not available now.", 5000
            )
            return
        button.click()

    def load_order(self, order: Order) -> None:
        """Copy `order` into the ticket and choose its side (nothing is sent)."""
        self._ticket.load_order(order)
        self.arm(order.side)
        self._window.statusBar().showMessage(
            f"Loaded {order.side.value} {order.pair} on {order.venue} into the ticket; "
            "Ctrl+Enter sends it.",
            6000,
        )

    def load_current(self) -> Order | None:
        """Copy the blotter's current order into the ticket; returns it (None if no row)."""
        order = self._blotter.current_order()
        if order is not None:
            self.load_order(order)
        return order
