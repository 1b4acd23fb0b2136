"""The order ticket: typed fields in, a validated `OrderTicket` out.

The widget parses what the trader typed (Decimal, minutes, percent, local time) and asks
the domain (`OrderTicket.validation_errors`) and the venue (`check`) whether the ticket may
be sent; it never sends anything itself. Nothing typed is cleared by a submit or a
rejection. Its parts live beside it: `ticket_routing` (exchange, asset class, short sale),
`ticket_schedule` (start, end, clip size), `ticket_options` (time in force and book
options), `ticket_size` (contracts and quote-asset amounts).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.domain.options import OrderOption
from gui.domain.orders import (
    ALGO_STRATEGIES,
    LIMIT_STRATEGIES,
    TIMED_STRATEGIES,
    Order,
    OrderTicket,
    Side,
    Strategy,
    parse_decimal,
)
from gui.oms.profiles import VenueProfile
from gui.qt import ticket_size
from gui.qt.ticket_messages import GENERAL, FieldMessages
from gui.qt.ticket_options import TicketOptionsWidget
from gui.qt.ticket_routing import TicketRoutingWidget, short_sale_box
from gui.qt.ticket_schedule import TicketScheduleWidget
from gui.qt.ticket_section import TicketSection, number_edit

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
    "quote_quantity": "Amount must be a number.",
    "limit_price": "Limit price must be a number.",
    "duration_s": "Duration must be a number of minutes.",
    "pov_target": "POV target must be a number (percent).",
}


def _minutes_to_s(minutes: Decimal) -> int:
    return int((minutes * _SECONDS_PER_MINUTE).to_integral_value(ROUND_HALF_UP))


class TicketWidget(QWidget):
    """Order entry: venue, account, pair, size, strategy and its parameters; Buy and Sell.

    The ticket adapts to the venue (its `VenueProfile`): only the strategies, times in force
    and options it takes are offered; its listed pairs fill the pair box; a venue that sizes
    orders in contracts is asked for contracts, with the base quantity shown beside them; a
    venue that sizes Market orders in the quote asset is asked for an amount
    (`ticket.quote_quantity`) and gets quantity 0; a broker that routes is asked for the
    exchange and asset class, and its algos for a start time and clip size. Fields the
    chosen strategy does not use are disabled (their text is kept). Buy/Sell parse and
    validate (the domain's rules, then `check`, the venue's); an invalid ticket shows a
    message under each bad field and emits only `validation_failed`. While Short sale is
    ticked only Sell sends. Shortcuts (`BUY_SHORTCUT`, `SELL_SHORTCUT`) work while focus is
    in the ticket, so a keystroke in another pane can never send an order.

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

        self.venue = QComboBox()

        self.venue.setObjectName("ticket.venue")
        self.venue.addItems(list(self._profiles))
        self.account = QComboBox()
        self.account.setObjectName("ticket.account")
        self.pair = QComboBox()
        self.pair.setObjectName("ticket.pair")
        self.pair.setEditable(True)
        self.pair.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.strategy = QComboBox()
        self.strategy.setObjectName("ticket.strategy")
        self.quantity = number_edit("ticket.quantity", "0.00")
        self.quote_quantity = number_edit("ticket.quote_quantity", "amount to trade")
        self.quote_quantity.setToolTip(
            "This venue sizes Market orders in the quote asset: the amount to spend on a "
            "buy, or to receive for a sell."
        )
        self.limit_price = number_edit("ticket.limit_price", "")
        self.duration = number_edit("ticket.duration", "minutes")
        self.pov_target = number_edit("ticket.pov_target", "e.g. 10")
        self.notes = QLineEdit()
        self.notes.setObjectName("ticket.notes")
        self.notes.setPlaceholderText("optional")
        self.notes.setToolTip("Free text kept with the order.")
        self.short_sale = short_sale_box()
        self.buy = self._side_button("Buy", Side.BUY, BUY_SHORTCUT)
        self.sell = self._side_button("Sell", Side.SELL, SELL_SHORTCUT)
        self._quantity_label = QLabel()
        self._amount_label = QLabel()
        self._limit_label = QLabel()
        self._summary = QLabel()
        self._summary.setObjectName("ticket.summary")
        self._summary.setProperty("role", "caption")
        self._summary.setWordWrap(True)
        self._base_quantity = QLabel()
        self._base_quantity.setObjectName("ticket.base_quantity")
        self._base_quantity.setProperty("role", "caption")

        self._messages = FieldMessages()
        self._error_label = self._messages.add_label
        self.routing = TicketRoutingWidget(self._error_label)
        self.routing.setObjectName("ticket.routing")
        self.schedule = TicketScheduleWidget(self._error_label)
        self.schedule.setObjectName("ticket.schedule")
        self.options = TicketOptionsWidget(self._error_label)
        self.options.setObjectName("ticket.options")
        self._inputs: dict[str, QWidget] = {
            "venue": self.venue,
            "account": self.account,
            "pair": self.pair,
            "quantity": self.quantity,
            "quote_quantity": self.quote_quantity,
            "limit_price": self.limit_price,
            "duration_s": self.duration,
            "pov_target": self.pov_target,
            "short_sale": self.short_sale,
            **self.routing.inputs,
            **self.schedule.inputs,
            **self.options.inputs,
        }
        self._messages.inputs = self._inputs
        self._build_layout()
        self._connect()
        self._on_venue_changed()

    def set_busy(self, busy: bool) -> None:
        """Disable Buy and Sell (and their shortcuts) while a submit is in flight."""
        self._busy = busy
        self._sync_side_buttons()

    def show_field_errors(self, errors: Mapping[str, str]) -> None:
        """Show messages under fields, replacing any shown; unknown fields go under the buttons.

        A message for a field hidden now (the quantity of an order sized in the quote
        asset, say) goes to the field the trader sees, or under the buttons.

        Args:
            errors: OrderTicket field name -> message (e.g. a venue rejection mapped to a field).
        """
        self._messages.show(errors, self._shown_field)

    def clear_errors(self) -> None:
        """Remove every inline message."""
        self._messages.clear()

    def profile(self) -> VenueProfile | None:
        """The profile of the venue chosen now."""
        return self._profiles.get(self.venue.currentText())

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

    def load_order(self, order: Order) -> None:
        """Fill the ticket with an order's values, to send it again or a variant of it.

        Venue, account, pair, strategy, quantity (in the venue's unit: contracts where it
        sizes in contracts), quote amount, limit price, duration (minutes), POV target and
        notes are set; the side is not a field (Buy and Sell are the buttons). A venue or
        account this desk does not trade, or a strategy the venue lacks, leaves that box as
        it was. Nothing is sent.

        Args:
            order: The order to copy, e.g. the blotter's current row.
        """
        venue = self.venue.findText(order.venue)
        if venue >= 0:
            self.venue.setCurrentIndex(venue)
        account = self.account.findText(order.account)
        if account >= 0:
            self.account.setCurrentIndex(account)
        pair = self.pair.findText(order.pair)
        if pair >= 0:
            self.pair.setCurrentIndex(pair)
        else:
            self.pair.setEditText(order.pair)
        strategy = self.strategy.findData(order.strategy)
        if strategy >= 0:
            self.strategy.setCurrentIndex(strategy)
        quantity: Decimal | None = order.quantity if order.quantity > 0 else None
        profile = self.profile()
        instrument = None if profile is None else profile.instrument(order.pair)
        if quantity is not None and instrument is not None and instrument.in_contracts:
            quantity = instrument.to_contracts(quantity)
        minutes = (
            None
            if order.duration_s is None
            else (order.duration_s / _SECONDS_PER_MINUTE).quantize(Decimal("0.01"))
        )
        percent = None if order.pov_target is None else order.pov_target * _PERCENT
        for edit, value in (
            (self.quantity, quantity),
            (self.quote_quantity, order.quote_quantity),
            (self.limit_price, order.limit_price),
            (self.duration, minutes),
            (self.pov_target, percent),
        ):
            edit.setText("" if value is None else format(value.normalize(), "f"))
        self.notes.setText(order.notes)
        self.clear_errors()

    # -- construction ------------------------------------------------------------------------

    def _side_button(self, text: str, side: Side, shortcut: QKeySequence) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"ticket.{side.value}")
        button.setProperty("side", side.value)
        keys = shortcut.toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{text}: validate and send this ticket ({keys})")
        button.setMinimumHeight(30)
        QShortcut(shortcut, self, button.click, Qt.ShortcutContext.WidgetWithChildrenShortcut)
        return button

    def _build_layout(self) -> None:
        head = TicketSection(self._error_label)
        head.add_row("venue", "Venue", self.venue, ("venue",))
        head.add_row("account", "Account", self.account, ("account",))
        order = TicketSection(self._error_label)
        order.add_row("pair", "Pair", self.pair, ("pair",))
        order.add_row("strategy", "Strategy", self.strategy, ("strategy",))
        order.add_row("quantity", self._quantity_label, self.quantity, ("quantity",))
        order.add_row(
            "quote_quantity", self._amount_label, self.quote_quantity, ("quote_quantity",)
        )
        order.add_row("base_quantity", None, self._base_quantity)
        order.add_row("limit_price", self._limit_label, self.limit_price, ("limit_price",))
        order.add_row("duration", "Duration (min)", self.duration, ("duration_s",))
        order.add_row("pov_target", "POV target (%)", self.pov_target, ("pov_target",))
        tail = TicketSection(self._error_label)
        tail.add_row("notes", "Notes", self.notes)
        tail.add_row("short_sale", "Short sale", self.short_sale, ("short_sale",))
        self._order_section = order
        self._tail_section = tail
        self._sections = (head, self.routing, order, self.schedule, self.options, tail)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.buy)
        buttons.addWidget(self.sell)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        for section in self._sections:
            layout.addWidget(section)
        layout.addLayout(buttons)
        layout.addWidget(self._error_label(GENERAL))
        layout.addWidget(self._summary)
        layout.addStretch(1)

    def _connect(self) -> None:
        self.venue.currentIndexChanged.connect(self._on_venue_changed)
        self.pair.currentTextChanged.connect(self._on_pair_changed)
        self.strategy.currentIndexChanged.connect(self._on_strategy_changed)
        self.buy.clicked.connect(self._on_buy_clicked)
        self.sell.clicked.connect(self._on_sell_clicked)
        for name, edit in (
            ("quantity", self.quantity),
            ("quote_quantity", self.quote_quantity),
            ("limit_price", self.limit_price),
            ("duration_s", self.duration),
            ("pov_target", self.pov_target),
        ):
            edit.textEdited.connect(lambda _text, name=name: self._set_error(name, ""))
        for edit in (self.quantity, self.quote_quantity, self.limit_price):
            edit.textChanged.connect(self._update_summary)
        self.duration.textChanged.connect(self._on_duration_changed)
        self.short_sale.toggled.connect(self._on_short_sale_toggled)
        for part in (self.options, self.routing, self.schedule):
            part.edited.connect(lambda name: self._set_error(name, ""))

    # -- reacting to the trader ----------------------------------------------------------------

    def _shown_field(self, name: str) -> str | None:
        # The message line a field's message goes to now, or None for "under the buttons".
        if name == "quantity" and self._quote_sized():
            name = "quote_quantity"
        field = self._inputs.get(name)
        if field is not None and not field.isVisibleTo(self):
            return None
        return name

    def _set_error(self, name: str, message: str) -> None:
        self._messages.set(name, message)

    def _quote_sized(self) -> bool:
        return ticket_size.quote_sized(self.profile(), self._strategy())

    def _offers(self, option: OrderOption) -> bool:
        profile = self.profile()
        return profile is not None and option in profile.capabilities.options

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
        self.strategy.setCurrentIndex(max(self.strategy.findData(chosen), 0))
        self.strategy.blockSignals(False)
        if profile is not None:
            self.options.configure(profile.capabilities)
            self.routing.configure(profile.capabilities)
            self.schedule.configure(profile.capabilities)
        strategies = profile.capabilities.strategies if profile is not None else frozenset()
        self._order_section.show_row("duration", bool(strategies & ALGO_STRATEGIES))
        self._order_section.show_row("pov_target", Strategy.POV in strategies)
        self._tail_section.show_row("short_sale", self._offers(OrderOption.SHORT_SALE))
        self._sync_side_buttons()
        self.clear_errors()
        self._on_pair_changed(self.pair.currentText())
        self._on_strategy_changed()

    def _on_pair_changed(self, text: str) -> None:
        base, _, quote = text.strip().upper().partition("-")
        unit = "contracts" if ticket_size.in_contracts(self.profile()) else base
        self._quantity_label.setText(f"Quantity ({unit})" if unit else "Quantity")
        self._amount_label.setText(f"Amount ({quote})" if quote else "Amount")
        self.options.set_quantity_unit(unit)
        self.schedule.set_quantity_unit(unit)
        self._limit_label.setText(f"Limit price ({quote})" if quote else "Limit price")
        self._set_error("pair", "")
        self._align_captions()
        self._update_summary()

    def _align_captions(self) -> None:
        # Each part has its own grid: every caption column takes the widest one's width.
        width = max(section.caption_width() for section in self._sections)
        for section in self._sections:
            section.set_caption_width(width)

    def _on_strategy_changed(self, _index: int = 0) -> None:
        strategy = self._strategy()
        quote_sized = self._quote_sized()
        self._order_section.show_row("quantity", not quote_sized)
        self._order_section.show_row("quote_quantity", quote_sized)
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
        for name in ("quantity", "quote_quantity", "limit_price", "duration_s", "pov_target"):
            if not self._inputs[name].isEnabled() or not self._inputs[name].isVisibleTo(self):
                self._set_error(name, "")
        self.options.set_strategy(strategy)
        self.schedule.set_strategy(strategy)
        self._on_duration_changed()
        self._update_summary()

    def _on_duration_changed(self, _text: str = "") -> None:
        minutes = parse_decimal(self.duration.text()) if self.duration.isEnabled() else None
        valid = minutes is not None and minutes > 0
        self.schedule.set_duration_s(_minutes_to_s(minutes) if valid and minutes else None)

    def _on_short_sale_toggled(self, _checked: bool) -> None:
        self._set_error("short_sale", "")
        self._sync_side_buttons()

    def _short_sale(self) -> bool:
        return self._offers(OrderOption.SHORT_SALE) and self.short_sale.isChecked()

    def _sync_side_buttons(self) -> None:
        short = self._short_sale()
        self.buy.setEnabled(not self._busy and not short)
        self.sell.setEnabled(not self._busy)
        self.sell.setText("Sell short" if short else "Sell")

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
            bad = {self._shown_field(name) for name in errors}
            first_bad = next((w for n, w in self._inputs.items() if n in bad), None)
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
        quote_sized = self._quote_sized()
        quantity = None if quote_sized else number("quantity", self.quantity)
        amount = number("quote_quantity", self.quote_quantity) if quote_sized else None
        if quote_sized and amount is None and "quote_quantity" not in parse_errors:
            quote = self.pair.currentText().strip().upper().partition("-")[2] or "quote asset"
            parse_errors["quote_quantity"] = (
                f"A Market order on {self.venue.currentText()} is sized in {quote}: give an amount."
            )
        limit_price = number("limit_price", self.limit_price)
        minutes = number("duration_s", self.duration)
        percent = number("pov_target", self.pov_target)
        to_base = ticket_size.to_base_converter(
            self.profile(), self.pair.currentText(), parse_errors
        )
        time_in_force, options = self.options.read(parse_errors, to_base)
        destination, asset_class = self.routing.read()
        start_ts, clip_size = self.schedule.read(parse_errors, to_base)
        ticket = OrderTicket(
            venue=self.venue.currentText(),
            account=self.account.currentText(),
            pair=self.pair.currentText().strip().upper(),
            side=side,
            quantity=to_base(quantity) if quantity is not None else Decimal(0),
            strategy=strategy,
            limit_price=limit_price,
            duration_s=None if minutes is None else _minutes_to_s(minutes),
            pov_target=None if percent is None else percent / _PERCENT,
            time_in_force=time_in_force,
            notes=self.notes.text().strip(),
            options=dataclasses.replace(
                options,
                short_sale=self._short_sale(),
                destination=destination,
                asset_class=asset_class,
                start_ts=start_ts,
                clip_size=clip_size,
            ),
            quote_quantity=amount,
        )
        errors = ticket.validation_errors()
        if not errors and not parse_errors and self._check is not None:
            errors = self._check(ticket)
        return ticket, {**errors, **parse_errors}

    def _update_summary(self) -> None:
        pair = self.pair.currentText()
        profile = self.profile()
        typed = parse_decimal(self.quantity.text())
        base_line = ticket_size.base_quantity_text(profile, pair, typed)
        self._base_quantity.setText(base_line)
        self._base_quantity.setVisible(bool(base_line) and not self._quote_sized())
        if self._quote_sized():
            amount = parse_decimal(self.quote_quantity.text())
            self._summary.setText(ticket_size.summary_text(pair, None, None, amount))
            return
        quantity = typed
        instrument = None if profile is None else profile.instrument(pair)
        if ticket_size.in_contracts(profile) and typed is not None:
            known = instrument is not None and instrument.multiplier is not None
            quantity = instrument.to_base(typed) if known and instrument is not None else None
        price = parse_decimal(self.limit_price.text()) if self.limit_price.isEnabled() else None
        self._summary.setText(ticket_size.summary_text(pair, quantity, price, None))
