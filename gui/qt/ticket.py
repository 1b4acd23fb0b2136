"""The order ticket: typed fields in, a validated `OrderTicket` out.

The widget parses what the trader typed (Decimal, minutes, percent) and asks the domain
(`OrderTicket.validation_errors`) whether the ticket may be sent; it never sends anything
itself. Nothing typed is cleared by a submit or a rejection.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.domain.instruments import Instrument
from gui.domain.orders import (
    ALGO_STRATEGIES,
    LIMIT_STRATEGIES,
    TIMED_STRATEGIES,
    OrderTicket,
    Side,
    Strategy,
    parse_decimal,
)
from gui.oms.profiles import VenueProfile
from gui.qt import theme
from gui.qt.ticket_options import TicketOptionsWidget

__all__ = ["BUY_SHORTCUT", "DEFAULT_PAIRS", "SELL_SHORTCUT", "TicketWidget"]

DEFAULT_PAIRS: tuple[str, ...] = ("BTC-USDT", "ETH-USDT", "SOL-USDT", "XRP-USDT", "ETH-BTC")
"""Pairs offered in the pair box when the caller gives none; any BASE-QUOTE may be typed."""
BUY_SHORTCUT = QKeySequence("Ctrl+Shift+B")
"""Sends a buy while focus is inside the ticket."""
SELL_SHORTCUT = QKeySequence("Ctrl+Shift+S")
"""Sends a sell while focus is inside the ticket."""

_SECONDS_PER_MINUTE = Decimal(60)
_PERCENT = Decimal(100)
# Field name (as in OrderTicket) -> message when the text is not a number.
_NOT_A_NUMBER = {
    "quantity": "Quantity must be a number.",
    "limit_price": "Limit price must be a number.",
    "duration_s": "Duration must be a number of minutes.",
    "pov_target": "POV target must be a number (percent).",
}
_GENERAL = "general"


class TicketWidget(QWidget):
    """Order entry: venue, account, pair, quantity, strategy and its parameters; Buy and Sell.

    The ticket adapts to the venue (its `VenueProfile`): only the strategies, times in force
    and options it takes are offered; its listed pairs fill the pair box; a venue that sizes
    orders in contracts is asked for contracts, with the base quantity shown beside them.
    Fields that the chosen strategy does not use are disabled (their text is kept). Buy/Sell
    parse and validate (the domain's rules, then `check`, the venue's); an invalid ticket
    shows a message under each bad field and emits only `validation_failed`. Shortcuts
    (`BUY_SHORTCUT`, `SELL_SHORTCUT`) work while focus is in the ticket, so a keystroke in
    another pane can never send an order.

    Signals:
        submit_requested(OrderTicket): A valid ticket, built from exactly what was typed.
        validation_failed(dict[str, str]): OrderTicket field name -> message; nothing was sent.

    Args:
        profiles: Venue name -> what the ticket offers for it, in display order.
        pairs: Pairs offered for venues that list none (brokers take any pair).
        parent: Qt parent.
        check: The venue's rules for a ticket (`OrderService.check_ticket`): field name ->
            message; None checks the domain's rules only.
    """

    submit_requested = Signal(object)
    validation_failed = Signal(object)

    def __init__(
        self,
        profiles: Mapping[str, VenueProfile],
        pairs: Sequence[str] = DEFAULT_PAIRS,
        parent: QWidget | None = None,
        *,
        check: Callable[[OrderTicket], dict[str, str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._profiles = dict(profiles)
        self._default_pairs = tuple(pairs)
        self._check = check
        self._busy = False

        self.venue = QComboBox(objectName="ticket.venue")
        self.venue.addItems(list(self._profiles))
        self.account = QComboBox(objectName="ticket.account")
        self.pair = QComboBox(objectName="ticket.pair")
        self.pair.setEditable(True)
        self.pair.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.strategy = QComboBox(objectName="ticket.strategy")
        self.quantity = self._line_edit("ticket.quantity", "0.00")
        self.limit_price = self._line_edit("ticket.limit_price", "")
        self.duration = self._line_edit("ticket.duration", "minutes")
        self.pov_target = self._line_edit("ticket.pov_target", "e.g. 10")
        self.notes = QLineEdit(objectName="ticket.notes")
        self.notes.setPlaceholderText("optional")
        self.notes.setToolTip("Free text kept with the order.")
        self.buy = self._side_button("Buy", Side.BUY, BUY_SHORTCUT)
        self.sell = self._side_button("Sell", Side.SELL, SELL_SHORTCUT)
        self._quantity_label = QLabel()
        self._limit_label = QLabel()
        self._summary = QLabel(objectName="ticket.summary")
        self._summary.setProperty("role", "caption")

        self._errors: dict[str, QLabel] = {}
        self.options = TicketOptionsWidget(self._error_label)
        self.options.setObjectName("ticket.options")
        self._captions: list[QLabel] = []
        self._base_quantity = QLabel(objectName="ticket.base_quantity")
        self._base_quantity.setProperty("role", "caption")
        self._inputs: dict[str, QWidget] = {
            "venue": self.venue,
            "account": self.account,
            "pair": self.pair,
            "quantity": self.quantity,
            "limit_price": self.limit_price,
            "duration_s": self.duration,
            "pov_target": self.pov_target,
            **self.options.inputs,
        }
        self._build_layout()
        self._connect()
        self._on_venue_changed()
        self._on_pair_changed(self.pair.currentText())
        self._on_strategy_changed()

    def set_busy(self, busy: bool) -> None:
        """Disable Buy and Sell (and their shortcuts) while a submit is in flight."""
        self._busy = busy
        self.buy.setEnabled(not busy)
        self.sell.setEnabled(not busy)

    def show_field_errors(self, errors: Mapping[str, str]) -> None:
        """Show messages under fields, replacing any shown; unknown fields go under the buttons.

        Args:
            errors: OrderTicket field name -> message (e.g. a venue rejection mapped to a field).
        """
        self.clear_errors()
        general = [message for name, message in errors.items() if name not in self._errors]
        for name, message in errors.items():
            if name in self._errors:
                self._set_error(name, message)
        if general:
            self._set_error(_GENERAL, "\n".join(general))

    def clear_errors(self) -> None:
        """Remove every inline message."""
        for name in self._errors:
            self._set_error(name, "")

    def _line_edit(self, object_name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(objectName=object_name)
        edit.setPlaceholderText(placeholder)
        edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        edit.setFont(theme.number_font(edit.font()))
        return edit

    def _side_button(self, text: str, side: Side, shortcut: QKeySequence) -> QPushButton:
        button = QPushButton(text, objectName=f"ticket.{side.value}")
        button.setProperty("side", side.value)
        keys = shortcut.toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{text}: validate and send this ticket ({keys})")
        button.setMinimumHeight(30)
        QShortcut(
            shortcut,
            self,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            activated=button.click,
        )
        return button

    def _build_layout(self) -> None:
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(1, 1)
        self._grid = grid
        rows: tuple[tuple[QLabel | str | None, QWidget, str | None], ...] = (
            ("Venue", self.venue, "venue"),
            ("Account", self.account, "account"),
            ("Pair", self.pair, "pair"),
            ("Strategy", self.strategy, None),
            (self._quantity_label, self.quantity, "quantity"),
            (None, self._base_quantity, None),
            (self._limit_label, self.limit_price, "limit_price"),
            ("Duration (min)", self.duration, "duration_s"),
            ("POV target (%)", self.pov_target, "pov_target"),
            ("Notes", self.notes, None),
        )
        row = 0
        for label, field, error_name in rows:
            if label is not None:  # a caption-less row (the base quantity) takes no height hidden
                caption = QLabel(label) if isinstance(label, str) else label
                caption.setBuddy(field)
                grid.addWidget(caption, row, 0)
                self._captions.append(caption)
            grid.addWidget(field, row, 1)
            row += 1
            if error_name is not None:
                grid.addWidget(self._error_label(error_name), row, 1)
                row += 1
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.buy)
        buttons.addWidget(self.sell)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(grid)
        layout.addWidget(self.options)
        layout.addLayout(buttons)
        layout.addWidget(self._error_label(_GENERAL))
        layout.addWidget(self._summary)
        layout.addStretch(1)

    def _error_label(self, name: str) -> QLabel:
        label = QLabel(objectName=f"ticket.error.{name}")
        label.setProperty("role", "field-error")
        label.setWordWrap(True)
        label.hide()
        self._errors[name] = label
        return label

    def _connect(self) -> None:
        self.venue.currentIndexChanged.connect(self._on_venue_changed)
        self.pair.currentTextChanged.connect(self._on_pair_changed)
        self.strategy.currentIndexChanged.connect(self._on_strategy_changed)
        self.buy.clicked.connect(self._on_buy_clicked)
        self.sell.clicked.connect(self._on_sell_clicked)
        for name, edit in (
            ("quantity", self.quantity),
            ("limit_price", self.limit_price),
            ("duration_s", self.duration),
            ("pov_target", self.pov_target),
        ):
            edit.textEdited.connect(lambda _text, name=name: self._set_error(name, ""))
        for edit in (self.quantity, self.limit_price):
            edit.textChanged.connect(self._update_summary)
        self.options.edited.connect(lambda name: self._set_error(name, ""))

    def _set_error(self, name: str, message: str) -> None:
        label = self._errors.get(name)
        if label is None:  # a field without its own message line (e.g. the iceberg box)
            return
        label.setText(message)
        label.setVisible(bool(message))
        field = self._inputs.get(name)
        if field is not None and field.property("invalid") != bool(message):
            field.setProperty("invalid", bool(message))
            field.style().unpolish(field)
            field.style().polish(field)

    def set_profiles(self, profiles: Mapping[str, VenueProfile]) -> None:
        """Replace the venue profiles (e.g. once instruments have loaded); what the trader
        chose and typed stays where the new profiles allow it."""
        venue = self.venue.currentText()
        account = self.account.currentText()
        pair = self.pair.currentText()
        self._profiles = dict(profiles)
        self.venue.blockSignals(True)
        self.venue.clear()
        self.venue.addItems(list(self._profiles))
        self.venue.setCurrentIndex(max(self.venue.findText(venue), 0))
        self.venue.blockSignals(False)
        self._on_venue_changed()
        self.account.setCurrentIndex(max(self.account.findText(account), 0))
        if self.venue.currentText() == venue:  # what the trader typed survives the reload
            self.pair.setEditText(pair)

    def profile(self) -> VenueProfile | None:
        """The profile of the venue chosen now."""
        return self._profiles.get(self.venue.currentText())

    def _instrument(self) -> Instrument | None:
        profile = self.profile()
        return None if profile is None else profile.instrument(self.pair.currentText())

    def _in_contracts(self) -> bool:
        profile = self.profile()
        return profile is not None and profile.capabilities.quantity_in_contracts

    def _on_venue_changed(self, _index: int = 0) -> None:
        profile = self.profile()
        self.account.clear()
        self.account.addItems(list(profile.accounts if profile is not None else ()))
        listed = tuple(item.pair for item in profile.instruments) if profile else ()
        typed = self.pair.currentText()
        self.pair.blockSignals(True)
        self.pair.clear()
        self.pair.addItems(list(listed or self._default_pairs))
        keep = self.pair.findText(typed)
        if keep >= 0:
            self.pair.setCurrentIndex(keep)
        elif listed or not typed:
            self.pair.setCurrentIndex(0)  # a venue that lists its pairs starts on one of them
        else:
            self.pair.setEditText(typed)  # a broker takes any pair: keep what was typed
        self.pair.blockSignals(False)
        chosen = self.strategy.currentData()
        self.strategy.blockSignals(True)
        self.strategy.clear()
        for strategy in Strategy:
            if profile is None or strategy in profile.capabilities.strategies:
                self.strategy.addItem(strategy.value, strategy)
        index = self.strategy.findData(chosen)
        self.strategy.setCurrentIndex(max(index, 0))
        self.strategy.blockSignals(False)
        if profile is not None:
            self.options.configure(profile.capabilities)
        for name in self._errors:
            self._set_error(name, "")
        self._on_pair_changed(self.pair.currentText())
        self._on_strategy_changed()

    def _on_pair_changed(self, text: str) -> None:
        base, _, quote = text.strip().upper().partition("-")
        if self._in_contracts():
            self._quantity_label.setText("Quantity (contracts)")
            self.options.set_quantity_unit("contracts")
        else:
            self._quantity_label.setText(f"Quantity ({base})" if base else "Quantity")
            self.options.set_quantity_unit(base)
        self._limit_label.setText(f"Limit price ({quote})" if quote else "Limit price")
        self._set_error("pair", "")
        self._align_captions()
        self._update_summary()

    def _align_captions(self) -> None:
        # The options have their own grid: both caption columns take the wider one's width.
        width = max([self.options.caption_width(), *(c.sizeHint().width() for c in self._captions)])
        self._grid.setColumnMinimumWidth(0, width)
        self.options.set_caption_width(width)

    def _on_strategy_changed(self, _index: int = 0) -> None:
        strategy = self._strategy()
        self.limit_price.setEnabled(strategy != Strategy.MARKET)
        self.limit_price.setPlaceholderText(
            "required"
            if strategy in LIMIT_STRATEGIES
            else "optional cap/floor"
            if strategy in ALGO_STRATEGIES
            else "not used"
        )
        self.duration.setEnabled(strategy in ALGO_STRATEGIES)
        self.duration.setPlaceholderText(
            "minutes"
            if strategy in TIMED_STRATEGIES
            else "optional, minutes"
            if strategy == Strategy.POV
            else "not used"
        )
        self.pov_target.setEnabled(strategy == Strategy.POV)
        self.pov_target.setPlaceholderText(
            "% of volume" if strategy == Strategy.POV else "not used"
        )
        for name in ("limit_price", "duration_s", "pov_target"):
            if not self._inputs[name].isEnabled():
                self._set_error(name, "")
        self.options.set_strategy(strategy)
        self._update_summary()

    def _on_buy_clicked(self, _checked: bool = False) -> None:
        self._submit(Side.BUY)

    def _on_sell_clicked(self, _checked: bool = False) -> None:
        self._submit(Side.SELL)

    def _strategy(self) -> Strategy:
        data = self.strategy.currentData()
        return Strategy(data) if data is not None else Strategy.LIMIT

    def _submit(self, side: Side) -> None:
        if self._busy:
            return
        ticket, errors = self._read_ticket(side)
        if errors:
            self.show_field_errors(errors)
            first_bad = next((w for n, w in self._inputs.items() if n in errors), None)
            if first_bad is not None:
                first_bad.setFocus()
            self.validation_failed.emit(errors)
            return
        self.clear_errors()
        self.submit_requested.emit(ticket)

    def _read_ticket(self, side: Side) -> tuple[OrderTicket, dict[str, str]]:
        """Parse the fields into a ticket; errors merge parse and domain validation messages."""
        parse_errors: dict[str, str] = {}

        def number(name: str, edit: QLineEdit) -> Decimal | None:
            text = edit.text().strip()
            if not edit.isEnabled() or not text:
                return None
            value = parse_decimal(text)
            if value is None:
                parse_errors[name] = _NOT_A_NUMBER[name]
            return value

        strategy = self._strategy()
        quantity = number("quantity", self.quantity)
        limit_price = number("limit_price", self.limit_price)
        minutes = number("duration_s", self.duration)
        percent = number("pov_target", self.pov_target)
        to_base = self._to_base(parse_errors)
        time_in_force, options = self.options.read(parse_errors, to_base)
        ticket = OrderTicket(
            venue=self.venue.currentText(),
            account=self.account.currentText(),
            pair=self.pair.currentText().strip().upper(),
            side=side,
            quantity=to_base(quantity) if quantity is not None else Decimal(0),
            strategy=strategy,
            limit_price=limit_price,
            duration_s=(
                None
                if minutes is None
                else int((minutes * _SECONDS_PER_MINUTE).to_integral_value(ROUND_HALF_UP))
            ),
            pov_target=None if percent is None else percent / _PERCENT,
            time_in_force=time_in_force,
            notes=self.notes.text().strip(),
            options=options,
        )
        errors = ticket.validation_errors()
        if not errors and not parse_errors and self._check is not None:
            errors = self._check(ticket)
        return ticket, {**errors, **parse_errors}

    def _to_base(self, parse_errors: dict[str, str]) -> Callable[[Decimal], Decimal]:
        """Typed quantity -> base asset: contracts times the multiplier on contract venues."""
        if not self._in_contracts():
            return lambda typed: typed
        instrument = self._instrument()
        if instrument is None or not instrument.in_contracts:
            parse_errors.setdefault(
                "pair", f"{self.pair.currentText()} is not listed on {self.venue.currentText()}."
            )
            return lambda typed: typed
        return instrument.to_base

    def _update_summary(self) -> None:
        quantity = parse_decimal(self.quantity.text())
        price = parse_decimal(self.limit_price.text()) if self.limit_price.isEnabled() else None
        base, _, quote = self.pair.currentText().strip().upper().partition("-")
        instrument = self._instrument()
        if self._in_contracts() and instrument is not None and instrument.multiplier is not None:
            size = theme.format_decimal(instrument.multiplier)
            if quantity is not None and quantity > 0:
                quantity = instrument.to_base(quantity)
                self._base_quantity.setText(
                    f"= {theme.format_decimal(quantity)} {base}  (1 contract = {size} {base})"
                )
            else:
                self._base_quantity.setText(f"1 contract = {size} {base}")
            self._base_quantity.show()
        elif self._in_contracts():
            self._base_quantity.setText(f"Contract size of {self.pair.currentText()} not known yet")
            self._base_quantity.show()
        else:
            self._base_quantity.hide()
        if quantity is None or price is None or quantity <= 0 or price <= 0:
            self._summary.setText("")
            return
        notional = theme.format_decimal(quantity * price)
        self._summary.setText(f"Notional at limit ≈ {notional} {quote}".rstrip())
