"""The amend dialog: change a working order's quantity, limit price, duration or POV target.

Opened from the blotter (double-click, context menu, Orders menu). For a venue that amends
natively it offers only the fields the venue's amend changes (`VenueCapabilities
.amend_fields`); for one that does not, the desk amends by cancel/replace (the order is
cancelled and its remainder sent again with the new values) and the dialog says so in its
title, a note and its button, offering quantity and limit price. Fields are pre-filled with
the order's current values, and only what changed is sent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gui.domain.orders import Amendment, Order, parse_decimal
from gui.qt import theme

__all__ = ["CANCEL_REPLACE_FIELDS", "CANCEL_REPLACE_NOTE", "AmendDialog"]

CANCEL_REPLACE_FIELDS: frozenset[str] = frozenset({"quantity", "limit_price"})
"""What a cancel/replace may change (venues without a native amend)."""
CANCEL_REPLACE_NOTE = "The order is cancelled and its remainder sent again with the new values."
"""What the dialog tells the trader before a cancel/replace."""

_SECONDS_PER_MINUTE = Decimal(60)
_PERCENT = Decimal(100)


def _text(value: Decimal | None) -> str:
    return "" if value is None else theme.format_decimal(value)


class AmendDialog(QDialog):
    """Non-modal dialog (objectName `dialog.amend`) that asks for an order's new values.

    Signals:
        amend_requested(str, Amendment): Client order id and the changes (never empty).

    Attributes:
        note: The cancel/replace explanation (objectName `dialog.amend.note`), hidden for
            a native amend.
        ok: The send button (objectName `dialog.amend.ok`): "Amend" or "Cancel/replace".

    Args:
        order: The order as the store has it now.
        fields: Amendment field names offered (the venue's native amend fields, or
            `CANCEL_REPLACE_FIELDS`).
        parent: Qt parent.
        cancel_replace: The venue has no native amend: the change is a cancel/replace.
    """

    amend_requested = Signal(str, object)

    def __init__(
        self,
        order: Order,
        fields: frozenset[str],
        parent: QWidget | None = None,
        *,
        cancel_replace: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.amend")
        verb = "Cancel/replace" if cancel_replace else "Amend"
        self.setWindowTitle(f"{verb} {order.side} {order.pair} on {order.venue}")
        self.cancel_replace = cancel_replace
        self._order = order
        base, _, quote = order.pair.partition("-")
        self.quantity = self._edit("dialog.amend.quantity", _text(order.quantity))
        self.limit_price = self._edit("dialog.amend.limit_price", _text(order.limit_price))
        minutes = None if order.duration_s is None else Decimal(order.duration_s) / 60
        self.duration = self._edit("dialog.amend.duration", _text(minutes))
        pov = None if order.pov_target is None else order.pov_target * _PERCENT
        self.pov_target = self._edit("dialog.amend.pov_target", _text(pov))
        self.note = QLabel(CANCEL_REPLACE_NOTE if cancel_replace else "")
        self.note.setObjectName("dialog.amend.note")
        self.note.setWordWrap(True)
        self.note.setVisible(cancel_replace)
        self.message = QLabel()
        self.message.setObjectName("dialog.amend.message")
        self.message.setProperty("role", "field-error")
        self.message.setWordWrap(True)
        self.message.hide()
        form = QFormLayout()
        rows = (
            ("quantity", f"Total quantity ({base})", self.quantity),
            ("limit_price", f"Limit price ({quote})", self.limit_price),
            ("duration_s", "Duration (min)", self.duration),
            ("pov_target", "POV target (%)", self.pov_target),
        )
        for name, label, edit in rows:
            if name in fields:
                form.addRow(label, edit)
            else:  # kept (hidden) so the dialog's shape is the same for every venue
                edit.setParent(self)
                edit.hide()
        filled = QLabel(
            f"Filled {theme.format_decimal(order.filled_qty)} {base}; the new total cannot "
            "be below it."
        )
        filled.setProperty("role", "caption")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(verb)
        self.ok.setObjectName("dialog.amend.ok")
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{verb} order {order.client_order_id} · {order.status}"))
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(filled)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _edit(self, name: str, text: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        edit.setFont(theme.number_font(edit.font()))
        edit.textEdited.connect(lambda _text: self.message.hide())
        return edit

    def amendment(self) -> tuple[Amendment, str]:
        """The changes typed so far and a message ("" when they may be sent)."""
        order = self._order

        def number(edit: QLineEdit, label: str) -> tuple[Decimal | None, str]:
            if edit.isHidden() or not edit.text().strip():
                return None, ""
            value = parse_decimal(edit.text())
            if value is None or not value.is_finite() or value <= 0:
                return None, f"{label} must be a number greater than zero."
            return value, ""

        quantity, bad_quantity = number(self.quantity, "Quantity")
        price, bad_price = number(self.limit_price, "Limit price")
        minutes, bad_minutes = number(self.duration, "Duration")
        percent, bad_percent = number(self.pov_target, "POV target")
        problem = bad_quantity or bad_price or bad_minutes or bad_percent
        if not problem and quantity is not None and quantity < order.filled_qty:
            problem = "The new total quantity cannot be below what is already filled."
        if not problem and percent is not None and percent > _PERCENT:
            problem = "POV target must be at most 100%."
        duration_s = (
            None
            if minutes is None
            else int((minutes * _SECONDS_PER_MINUTE).to_integral_value(ROUND_HALF_UP))
        )
        amendment = Amendment(
            quantity=None if quantity == order.quantity else quantity,
            limit_price=None if price == order.limit_price else price,
            duration_s=None if duration_s == order.duration_s else duration_s,
            pov_target=(
                None
                if percent is None or percent / _PERCENT == order.pov_target
                else percent / _PERCENT
            ),
        )
        if not problem and amendment.is_empty():
            problem = "Nothing changed."
        return amendment, problem

    def _on_ok(self) -> None:
        amendment, problem = self.amendment()
        if problem:
            self.message.setText(problem)
            self.message.show()
            return
        self.amend_requested.emit(self._order.client_order_id, amendment)
        self.accept()
