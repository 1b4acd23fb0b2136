"""The blotter's columns: one `Column` spec per order field, in model order.

`BlotterColumn` numbers them (the value is the model column, `key` the stable identifier
saved layouts use); `BLOTTER_COLUMNS` says how each renders an `Order`: display text,
typed sort key, colours by side and status, tooltips, and the CSV export text where it is
not the generic one (see `gui.qt.table_export.export_text`).
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from gui.domain.orders import Order, OrderStatus
from gui.qt import theme
from gui.qt.tables import (
    Column,
    ColumnId,
    decimal_column,
    price_column,
    text_column,
    time_column,
)

__all__ = ["BLOTTER_COLUMNS", "PIN_COLOUR", "PIN_MARK", "BlotterColumn"]


class BlotterColumn(ColumnId):
    """Blotter columns in model order; `key` is the stable, untranslated identifier."""

    TIME = 0
    VENUE = 1
    ACCOUNT = 2
    PAIR = 3
    SIDE = 4
    STRATEGY = 5
    QUANTITY = 6
    FILLED = 7
    FILLED_PCT = 8
    AVG_PRICE = 9
    LIMIT_PRICE = 10
    STATUS = 11
    CLIENT_ORDER_ID = 12
    VENUE_ORDER_ID = 13
    PINNED = 14
    """Shown first (see `BlotterView`); appended here so saved layouts keep their columns."""


PIN_MARK = "⚑"
"""What the `pinned` column shows for a pinned order (DejaVu has it; no emoji font needed)."""
PIN_COLOUR = QColor("#d29922")
"""Colour of the pin mark."""
_STATUS_TINTS = {status: theme.status_tint(status) for status in OrderStatus}
"""One tint per status, made once (a new QColor per paint of every status cell adds up)."""


def _pin_tooltip(order: Order) -> str:
    if not order.pinned:
        return ""
    return "Pinned: bulk cancel and the kill switch skip it unless Include pinned is ticked"


def _status_tooltip(order: Order) -> str:
    return f"{order.status.value}: {order.reason}" if order.reason else order.status.value


def _quote_sized(order: Order) -> bool:
    return order.quote_quantity is not None


def _quantity_text(order: Order) -> str:
    # A Market order sized in the quote asset (DFX) has no base quantity until it fills:
    # show the amount asked for ("100 USDT") until the venue reports the base quantity.
    if order.quote_quantity is not None and order.quantity <= 0:
        quote = order.pair.partition("-")[2]
        return f"{theme.format_decimal(order.quote_quantity)} {quote}".rstrip()
    return theme.format_decimal(order.quantity)


def _quantity_export(order: Order) -> str:
    # Exact base quantity; the quote amount ("100 USDT") while the base is not known yet.
    if order.quote_quantity is not None and order.quantity <= 0:
        quote = order.pair.partition("-")[2]
        return f"{order.quote_quantity:f} {quote}".rstrip()
    return f"{order.quantity:f}"


def _quantity_tooltip(order: Order) -> str:
    if order.quote_quantity is None:
        return ""
    base, _, quote = order.pair.partition("-")
    amount = f"{theme.format_decimal(order.quote_quantity)} {quote}".rstrip()
    spent = order.filled_notional
    if spent is None and order.avg_fill_px is not None:
        spent = order.filled_qty * order.avg_fill_px
    filled = (
        f"; filled {theme.format_decimal(order.filled_qty)} {base} for "
        f"{theme.format_decimal(spent)} {quote}"
        if spent is not None and order.filled_qty > 0
        else ""
    )
    return f"Sized in the quote asset: {amount}{filled}".rstrip()


_SPECS: dict[BlotterColumn, Column[Order]] = {
    BlotterColumn.TIME: time_column("time", "Time", lambda o: o.created_ts),
    BlotterColumn.VENUE: text_column("venue", "Venue", lambda o: o.venue, 104),
    BlotterColumn.ACCOUNT: text_column("account", "Account", lambda o: o.account, 84),
    BlotterColumn.PAIR: text_column("pair", "Pair", lambda o: o.pair, 84),
    BlotterColumn.SIDE: Column(
        "side",
        "Side",
        lambda o: o.side.value.capitalize(),
        lambda o: o.side.value,
        width_px=44,
        foreground=lambda o: theme.SIDE_COLOURS[o.side],
    ),
    BlotterColumn.STRATEGY: text_column("strategy", "Strategy", lambda o: o.strategy.value, 70),
    BlotterColumn.QUANTITY: Column(
        "quantity",
        "Quantity",
        _quantity_text,
        lambda o: o.quantity,
        numeric=True,
        width_px=86,
        foreground=lambda o: theme.DIM_TEXT if _quote_sized(o) and o.quantity <= 0 else None,
        tooltip=_quantity_tooltip,
        export=_quantity_export,
    ),
    BlotterColumn.FILLED: decimal_column("filled", "Filled", lambda o: o.filled_qty, 86),
    BlotterColumn.FILLED_PCT: Column(
        "filled_pct",
        "% Filled",
        lambda o: f"{theme.fill_percent(o)}%",
        theme.fill_percent,
        width_px=86,
    ),
    BlotterColumn.AVG_PRICE: price_column("avg_price", "Avg price", lambda o: o.avg_fill_px, 96),
    BlotterColumn.LIMIT_PRICE: decimal_column("limit_price", "Limit", lambda o: o.limit_price, 90),
    BlotterColumn.STATUS: Column(
        "status",
        "Status",
        lambda o: o.status.value,
        lambda o: o.status.value,
        width_px=148,  # room for "partially filled · stale"
        foreground=lambda o: theme.STATUS_COLOURS[o.status],
        background=lambda o: _STATUS_TINTS[o.status],
        tooltip=_status_tooltip,
    ),
    BlotterColumn.CLIENT_ORDER_ID: text_column(
        "client_order_id", "Client order id", lambda o: o.client_order_id, 150
    ),
    BlotterColumn.VENUE_ORDER_ID: text_column(
        "venue_order_id", "Venue order id", lambda o: o.venue_order_id or "", 150
    ),
    BlotterColumn.PINNED: Column(
        "pinned",
        "Pin",
        lambda o: PIN_MARK if o.pinned else "",
        lambda o: "pinned" if o.pinned else "",
        width_px=36,
        foreground=lambda o: PIN_COLOUR,
        tooltip=_pin_tooltip,
        export=lambda o: "pinned" if o.pinned else "",
    ),
}
assert [c.key for c in _SPECS.values()] == [c.key for c in BlotterColumn]

BLOTTER_COLUMNS: tuple[Column[Order], ...] = tuple(_SPECS.values())
"""The blotter's column specs, indexed by `BlotterColumn`."""
