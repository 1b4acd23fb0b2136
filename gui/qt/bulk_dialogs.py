"""The bulk actions' dialogs and the status bar's bulk-progress label.

`scope_confirmation` asks before a cancel, pause or resume by scope and `KillSwitchDialog`
before the kill switch; both name how many orders on which venues and let the trader
include pinned orders. `BulkProgressLabel` shows a running bulk action's progress
("Cancelling: 120 done / 2 failed / 290 remaining") and then its outcome.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.domain.orders import Order
from gui.oms.bulk import BulkOutcome, BulkProgress

__all__ = [
    "KILL_SWITCH_STYLE",
    "OUTCOME_SHOWN_MS",
    "BulkProgressLabel",
    "KillSwitchDialog",
    "orders_noun",
    "scope_confirmation",
    "venue_counts_text",
]

OUTCOME_SHOWN_MS = 20_000
"""How long a finished bulk action's summary stays in the status bar, in milliseconds."""
KILL_SWITCH_STYLE = """
QToolButton, QPushButton {
    background: #b62324; color: #ffffff; font-weight: 700; border: 1px solid #f85149;
    border-radius: 3px; padding: 4px 12px;
}
QToolButton:hover, QPushButton:hover { background: #d0302f; }
QToolButton:pressed, QPushButton:pressed { background: #8e1519; }
QToolButton:disabled, QPushButton:disabled { background: #3a2224; color: #8b6b6d; }
"""
"""Style sheet of the kill switch's toolbar button and its dialog's confirm button (red)."""
_PRESENT_PARTICIPLE = {"cancel": "Cancelling", "pause": "Pausing", "resume": "Resuming"}


def orders_noun(count: int) -> str:
    """`"1 order"`, `"412 orders"`."""
    return f"{count} order" if count == 1 else f"{count} orders"


def venue_counts_text(orders: Iterable[Order]) -> str:
    """How many orders on each venue, most first: `"kucoin_futures 200, dfx 12"`.

    Returns:
        "" for no orders.
    """
    counts = Counter(order.venue for order in orders)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{venue} {count}" for venue, count in ranked)


def scope_confirmation(
    parent: QWidget,
    verb: str,
    scope_text: str,
    orders_for: Callable[[bool], list[Order]],
    note: Callable[[list[Order]], str],
    on_yes: Callable[[bool], object],
) -> QMessageBox:
    """The confirmation before a bulk cancel, pause or resume (`dialog.confirm`), not open yet.

    Its text names how many orders on which venues ("Cancel 412 orders: kucoin_futures
    200, dfx 12"); when pinned orders are in scope, `dialog.confirm.include_pinned` offers
    them and the counts follow the box. "Keep" is the default button.

    Args:
        parent: The window.
        verb: "cancel", "pause" or "resume".
        scope_text: The scope in words (`Scope.describe()`), e.g. "everything on dfx".
        orders_for: Include-pinned -> the orders the action would be sent for.
        note: Orders -> a sentence to add (the synthetic pause note), or "".
        on_yes: Called with include-pinned when the trader confirms.
    """
    title = verb.capitalize()
    box = QMessageBox(parent)
    box.setObjectName("dialog.confirm")
    box.setIcon(QMessageBox.Icon.Warning if verb == "cancel" else QMessageBox.Icon.Question)
    yes = box.addButton(title, QMessageBox.ButtonRole.AcceptRole)
    yes.setObjectName("dialog.confirm.yes")
    no = box.addButton("Keep", QMessageBox.ButtonRole.RejectRole)
    no.setObjectName("dialog.confirm.no")
    box.setDefaultButton(no)
    pinned = len(orders_for(True)) - len(orders_for(False))
    include = QCheckBox(f"Include {pinned} pinned order{'s' if pinned != 1 else ''}", box)
    include.setObjectName("dialog.confirm.include_pinned")
    if pinned:
        box.setCheckBox(include)
    else:
        include.hide()

    def redraw() -> None:
        orders = orders_for(include.isChecked())
        count = orders_noun(len(orders))
        box.setWindowTitle(f"{title} {count}")
        box.setText(f"{title} {count}: {venue_counts_text(orders) or 'none'}")
        pairs = ", ".join(sorted({order.pair for order in orders}))
        kept = f" {pinned} pinned kept." if pinned and not include.isChecked() else ""
        extra = note(orders)
        extra = f"\n\n{extra[0].upper()}{extra[1:]}." if extra else ""
        box.setInformativeText(
            f"{scope_text[:1].upper()}{scope_text[1:]}: {pairs}.{kept}{extra}\n\nThe venue's "
            "answer for each order lands in the blotter; failures in the error pane."
        )
        yes.setText(f"{title} {count}")
        yes.setEnabled(bool(orders))

    redraw()
    include.toggled.connect(lambda _checked: redraw())

    def on_click(button: object) -> None:
        if button is yes:
            on_yes(include.isChecked())

    box.buttonClicked.connect(on_click)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box


class KillSwitchDialog(QDialog):
    """Confirm cancelling every working order on every venue at once.

    Window-modal and opened with `open()` (no nested event loop). The counts are taken
    again whenever "Include pinned orders" is toggled; Enter confirms (the shortcut that
    opened it was already deliberate, and speed is the point), Escape keeps the orders.

    Signals:
        confirmed(bool): The trader confirmed; the argument is "include pinned orders".

    Attributes:
        include_pinned: The "Include pinned orders" box (`dialog.kill_switch.include_pinned`).
        summary: The headline naming the count (`dialog.kill_switch.summary`).
        venues: The per-venue counts (`dialog.kill_switch.venues`).
        yes: The confirm button (`dialog.kill_switch.yes`).
        no: The keep button (`dialog.kill_switch.no`).

    Args:
        orders_for: Include-pinned -> the orders the kill switch would cancel
            (`OrderService.orders_in_scope`).
        parent: The window it belongs to.
    """

    confirmed = Signal(bool)

    def __init__(self, orders_for: Callable[[bool], list[Order]], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.kill_switch")
        self.setWindowTitle("Kill switch")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._orders_for = orders_for
        self.summary = QLabel()
        self.summary.setObjectName("dialog.kill_switch.summary")
        self.summary.setProperty("role", "heading")
        self.venues = QLabel()
        self.venues.setObjectName("dialog.kill_switch.venues")
        self.venues.setWordWrap(True)
        self.include_pinned = QCheckBox()
        self.include_pinned.setObjectName("dialog.kill_switch.include_pinned")
        note = QLabel(
            "Every venue at once. Each order's outcome lands in the blotter; failures in the "
            "error pane."
        )
        note.setProperty("role", "caption")
        note.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.yes = QPushButton()
        self.yes.setObjectName("dialog.kill_switch.yes")
        self.yes.setStyleSheet(KILL_SWITCH_STYLE)
        self.no = QPushButton("Keep")
        self.no.setObjectName("dialog.kill_switch.no")
        buttons.addButton(self.yes, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.no, QDialogButtonBox.ButtonRole.RejectRole)
        self.yes.setDefault(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        for widget in (self.summary, self.venues, self.include_pinned, note, buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(420)

        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.accepted.connect(lambda: self.confirmed.emit(self.include_pinned.isChecked()))
        self.include_pinned.toggled.connect(self.refresh)
        self.refresh()

    def count(self) -> int:
        """How many orders a confirm would cancel now (with or without pinned, as ticked)."""
        return len(self._orders_for(self.include_pinned.isChecked()))

    def refresh(self) -> None:
        """Take the counts again and redraw the headline, venues and buttons."""
        unpinned = self._orders_for(False)
        everything = self._orders_for(True)
        pinned = len(everything) - len(unpinned)
        self.include_pinned.setEnabled(pinned > 0)
        self.include_pinned.setText(
            f"Include pinned orders ({pinned} pinned)" if pinned else "Include pinned orders"
        )
        self.include_pinned.setToolTip(
            "Pinned orders are skipped unless this is ticked."
            if pinned
            else "No working order is pinned."
        )
        orders = everything if self.include_pinned.isChecked() else unpinned
        venue_count = len({order.venue for order in orders})
        where = f" on {venue_count} venue{'s' if venue_count != 1 else ''}" if orders else ""
        self.summary.setText(f"Cancel {orders_noun(len(orders))}{where}")
        kept = "" if self.include_pinned.isChecked() or not pinned else f"\n{pinned} pinned kept"
        self.venues.setText((venue_counts_text(orders) or "Nothing to cancel") + kept)
        self.yes.setText(f"Cancel {orders_noun(len(orders))}")
        self.yes.setEnabled(bool(orders))


class BulkProgressLabel(QLabel):
    """The status bar's report of the bulk action running now, then of its outcome.

    ObjectName `status.bulk_progress`; empty while no bulk action ran recently.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status.bulk_progress")
        self._clear = QTimer(self)
        self._clear.setSingleShot(True)
        self._clear.setInterval(OUTCOME_SHOWN_MS)
        self._clear.timeout.connect(lambda: self._set("", failed=False))

    def show_started(self, action: str) -> None:
        """Show that `action` ("cancel", "pause", "resume") was sent and no answer is in."""
        self._clear.stop()
        self._set(f"{_PRESENT_PARTICIPLE.get(action, action.capitalize())}…", failed=False)

    def show_progress(self, progress: BulkProgress) -> None:
        """Show "Cancelling: 120 done / 2 failed / 290 remaining" for a running action."""
        self._clear.stop()
        verb = _PRESENT_PARTICIPLE.get(progress.action, progress.action.capitalize())
        self._set(
            f"{verb}: {progress.done} done / {progress.failed} failed / "
            f"{progress.remaining} remaining",
            failed=progress.failed > 0,
        )

    def show_outcome(self, outcome: BulkOutcome) -> None:
        """Show the finished action's summary for `OUTCOME_SHOWN_MS`."""
        failed = sum(1 for result in outcome.results if not result.ok)
        summary = outcome.summary
        self._set(summary[:1].upper() + summary[1:], failed=failed > 0)
        self.setToolTip("Failures are in the error pane, each with its order." if failed else "")
        self._clear.start()

    def show_failure(self, text: str) -> None:
        """Show that the bulk action itself failed (the error pane has the details)."""
        self._set(text, failed=True)
        self._clear.start()

    def _set(self, text: str, *, failed: bool) -> None:
        self.setText(text)
        self.setStyleSheet("color: #ff7b72;" if failed else "")
