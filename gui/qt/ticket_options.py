"""The ticket's venue-dependent part: time in force and order options.

Only what the chosen venue takes is shown (`VenueCapabilities.time_in_force` and
`.options`), so an option a venue lacks cannot be entered; combinations the venue refuses
(post-only with hidden, say) are explained inline by the ticket from the venue's rules.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from gui.domain.options import (
    MarginMode,
    OrderOption,
    OrderOptions,
    StopDirection,
    StopTrigger,
    TriggerPrice,
)
from gui.domain.orders import Strategy, TimeInForce, parse_decimal
from gui.qt.ticket_section import AddErrorLabel, TicketSection, number_edit
from gui.venues.base import VenueCapabilities

__all__ = ["TicketOptionsWidget"]

_TIF_TIPS = {
    TimeInForce.GTC: "Good till cancelled: rests until filled or cancelled.",
    TimeInForce.IOC: "Immediate or cancel: fills what it can now, cancels the rest.",
    TimeInForce.FOK: "Fill or kill: fills completely at once or not at all.",
}
_NOT_A_NUMBER = {
    "visible_quantity": "Visible quantity must be a number.",
    "leverage": "Leverage must be a number.",
    "stop_price": "Stop trigger price must be a number.",
}


class TicketOptionsWidget(TicketSection):
    """Time in force, post-only, reduce-only, hidden, iceberg, leverage, margin and stop.

    Signals:
        edited(str): The trader changed the field with this ticket field name (the ticket
            clears that field's message).

    Attributes:
        inputs: Ticket field name -> its input widget (for inline messages and focus).
    """

    edited = Signal(str)

    def __init__(self, add_error_label: AddErrorLabel, parent: QWidget | None = None) -> None:
        super().__init__(add_error_label, parent)
        self.time_in_force = QComboBox()
        self.time_in_force.setObjectName("ticket.time_in_force")
        for tif in TimeInForce:
            self.time_in_force.addItem(tif.value, tif)
            self.time_in_force.setItemData(
                self.time_in_force.count() - 1, _TIF_TIPS[tif], Qt.ItemDataRole.ToolTipRole
            )
        self.post_only = self._check("ticket.post_only", "Post-only", "Rest only; never take.")
        self.reduce_only = self._check(
            "ticket.reduce_only", "Reduce-only", "Only reduce an open position."
        )
        self.hidden = self._check("ticket.hidden", "Hidden", "Rest invisibly in the book.")
        self.iceberg = self._check(
            "ticket.iceberg", "Show", "Iceberg: show only the visible quantity at a time."
        )
        self.visible_quantity = number_edit("ticket.visible_quantity", "shown at a time")
        self.leverage = number_edit("ticket.leverage", "e.g. 5")
        self.margin_mode = QComboBox()
        self.margin_mode.setObjectName("ticket.margin_mode")
        self.margin_mode.addItem("Account default", None)
        for mode in MarginMode:
            self.margin_mode.addItem(mode.value.capitalize(), mode)
        self.stop = QComboBox()
        self.stop.setObjectName("ticket.stop")
        self.stop.addItem("Off", None)
        self.stop.addItem("Rise to", StopDirection.UP)
        self.stop.addItem("Fall to", StopDirection.DOWN)
        self.stop.setToolTip("Hold the order until the watched price crosses the trigger.")
        self.stop_price = number_edit("ticket.stop_price", "trigger price")
        self.stop_price_type = QComboBox()
        self.stop_price_type.setObjectName("ticket.stop_price_type")
        for kind in TriggerPrice:
            self.stop_price_type.addItem(kind.value, kind)
        self.stop_price_type.setToolTip("Which price the stop watches: last, mark or index.")
        self.inputs: dict[str, QWidget] = {
            "time_in_force": self.time_in_force,
            "post_only": self.post_only,
            "reduce_only": self.reduce_only,
            "hidden": self.hidden,
            "iceberg": self.iceberg,
            "visible_quantity": self.visible_quantity,
            "leverage": self.leverage,
            "margin_mode": self.margin_mode,
            "stop_price": self.stop_price,
        }
        self._build()
        self._capabilities: VenueCapabilities | None = None
        self._strategy = Strategy.LIMIT
        self.iceberg.toggled.connect(self._sync_enabled)
        self.stop.currentIndexChanged.connect(self._sync_enabled)
        for name, edit in (
            ("visible_quantity", self.visible_quantity),
            ("leverage", self.leverage),
            ("stop_price", self.stop_price),
        ):
            edit.textEdited.connect(lambda _text, name=name: self.edited.emit(name))
        for name in ("post_only", "reduce_only", "hidden", "iceberg"):
            box = self.inputs[name]
            assert isinstance(box, QCheckBox)
            box.toggled.connect(lambda _on, name=name: self.edited.emit(name))
        self.time_in_force.currentIndexChanged.connect(
            lambda _index: self.edited.emit("time_in_force")
        )

    def _check(self, name: str, text: str, tip: str) -> QCheckBox:
        box = QCheckBox(text)
        box.setObjectName(name)
        box.setToolTip(tip)
        return box

    def _build(self) -> None:
        flags = QWidget()
        flags_row = QHBoxLayout(flags)
        flags_row.setContentsMargins(0, 0, 0, 0)
        for box in (self.post_only, self.reduce_only, self.hidden):
            flags_row.addWidget(box)
        flags_row.addStretch(1)
        iceberg = QWidget()
        iceberg_row = QHBoxLayout(iceberg)
        iceberg_row.setContentsMargins(0, 0, 0, 0)
        iceberg_row.addWidget(self.iceberg)
        iceberg_row.addWidget(self.visible_quantity, 1)
        stop = QWidget()
        stop_row = QHBoxLayout(stop)
        stop_row.setContentsMargins(0, 0, 0, 0)
        stop_row.addWidget(self.stop)
        stop_row.addWidget(self.stop_price, 1)
        stop_row.addWidget(self.stop_price_type)
        self.add_row("time_in_force", "Time in force", self.time_in_force, ("time_in_force",))
        self.add_row("flags", "Options", flags, ("post_only", "reduce_only", "hidden"))
        self.add_row("iceberg", "Iceberg", iceberg, ("visible_quantity",))
        self.add_row("leverage", "Leverage (x)", self.leverage, ("leverage",))
        self.add_row("margin_mode", "Margin", self.margin_mode)
        self.add_row("stop", "Stop", stop, ("stop_price",))

    def configure(self, capabilities: VenueCapabilities) -> None:
        """Show only what the venue takes; values typed in hidden rows are kept."""
        self._capabilities = capabilities
        offered = capabilities.time_in_force
        chosen = self.time_in_force.currentData()
        self.time_in_force.blockSignals(True)
        self.time_in_force.clear()
        for tif in TimeInForce:
            if tif in offered:
                self.time_in_force.addItem(tif.value, tif)
                self.time_in_force.setItemData(
                    self.time_in_force.count() - 1, _TIF_TIPS[tif], Qt.ItemDataRole.ToolTipRole
                )
        index = self.time_in_force.findData(chosen)
        self.time_in_force.setCurrentIndex(max(index, 0))
        self.time_in_force.blockSignals(False)
        options = capabilities.options
        self.show_row("time_in_force", len(offered) > 1)
        self.post_only.setVisible(OrderOption.POST_ONLY in options)
        self.reduce_only.setVisible(OrderOption.REDUCE_ONLY in options)
        self.hidden.setVisible(OrderOption.HIDDEN in options)
        self.show_row(
            "flags",
            bool({OrderOption.POST_ONLY, OrderOption.REDUCE_ONLY, OrderOption.HIDDEN} & options),
        )
        self.show_row("iceberg", OrderOption.ICEBERG in options)
        self.show_row("leverage", OrderOption.LEVERAGE in options)
        self.show_row("margin_mode", OrderOption.MARGIN_MODE in options)
        self.show_row("stop", OrderOption.STOP in options)
        self.setVisible(self.has_visible_rows())
        self._sync_enabled()

    def set_strategy(self, strategy: Strategy) -> None:
        """Enable what the strategy uses: time in force and post-only for Market/Limit only."""
        self._strategy = strategy
        self._sync_enabled()

    def set_quantity_unit(self, unit: str) -> None:
        """Say in the visible-quantity placeholder which unit it takes (e.g. "contracts")."""
        self.visible_quantity.setPlaceholderText(f"{unit} at a time" if unit else "at a time")

    def _sync_enabled(self, *_args: object) -> None:
        simple = self._strategy in (Strategy.MARKET, Strategy.LIMIT)
        self.time_in_force.setEnabled(simple)
        self.time_in_force.setToolTip(
            "" if simple else "An IOC order is always immediate-or-cancel; algos run their window."
        )
        self.post_only.setEnabled(self._strategy == Strategy.LIMIT)
        self.visible_quantity.setEnabled(self.iceberg.isChecked())
        stop_on = self.stop.currentData() is not None
        self.stop_price.setEnabled(stop_on)
        self.stop_price_type.setEnabled(stop_on)

    def _offers(self, option: OrderOption) -> bool:
        return self._capabilities is not None and option in self._capabilities.options

    def read(
        self, parse_errors: dict[str, str], to_base: Callable[[Decimal], Decimal]
    ) -> tuple[TimeInForce, OrderOptions]:
        """What the trader chose, as a time in force and options; only offered rows count.

        Args:
            parse_errors: Filled with field name -> message for text that is not a number.
            to_base: Converts a typed quantity to base asset (identity unless the venue
                sizes in contracts).
        """

        def number(name: str, edit: QLineEdit, offered: bool) -> Decimal | None:
            text = edit.text().strip()
            if not offered or not edit.isEnabled() or not text:
                return None
            value = parse_decimal(text)
            if value is None:
                parse_errors[name] = _NOT_A_NUMBER[name]
            return value

        tif = TimeInForce(self.time_in_force.currentData() or TimeInForce.GTC)
        if self._strategy == Strategy.IOC:
            tif = TimeInForce.IOC
        elif self._strategy not in (Strategy.MARKET, Strategy.LIMIT):
            tif = TimeInForce.GTC
        visible = number(
            "visible_quantity",
            self.visible_quantity,
            self._offers(OrderOption.ICEBERG) and self.iceberg.isChecked(),
        )
        if self._offers(OrderOption.ICEBERG) and self.iceberg.isChecked() and visible is None:
            parse_errors.setdefault("visible_quantity", "An iceberg needs a visible quantity.")
        direction = self.stop.currentData() if self._offers(OrderOption.STOP) else None
        stop_price = number("stop_price", self.stop_price, direction is not None)
        if direction is not None and stop_price is None:
            parse_errors.setdefault("stop_price", "A stop needs a trigger price.")
        margin = self.margin_mode.currentData() if self._offers(OrderOption.MARGIN_MODE) else None
        options = OrderOptions(
            post_only=self._offers(OrderOption.POST_ONLY)
            and self.post_only.isEnabled()
            and self.post_only.isChecked(),
            reduce_only=self._offers(OrderOption.REDUCE_ONLY) and self.reduce_only.isChecked(),
            hidden=self._offers(OrderOption.HIDDEN) and self.hidden.isChecked(),
            visible_quantity=None if visible is None else to_base(visible),
            leverage=number("leverage", self.leverage, self._offers(OrderOption.LEVERAGE)),
            margin_mode=None if margin is None else MarginMode(margin),
            stop=None
            if direction is None or stop_price is None
            else StopTrigger(
                StopDirection(direction),
                stop_price,
                TriggerPrice(self.stop_price_type.currentData()),
            ),
        )
        return tif, options
