"""How the desk looks: status, side and error colours, fonts, number and time display, and the QSS.

Colours are derived once from the domain's status sets (`TERMINAL`, `PENDING`, ...), so the
blotter, the chart and any badge agree on what "pending" looks like. Numbers are shown from
`Decimal` without float conversion, in a font with tabular (fixed-width) digits.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from gui.domain.orders import PENDING, TERMINAL, WORKING, Order, OrderStatus, Side
from gui.oms.events import ErrorKind, VenueState

# Base palette: a dark, low-glare trading look.
WINDOW = QColor("#14171c")
BASE = QColor("#181c22")
ALTERNATE_BASE = QColor("#1d2229")
RAISED = QColor("#232932")
BORDER = QColor("#2e3540")
TEXT = QColor("#d8dde4")
DIM_TEXT = QColor("#8b94a1")
ACCENT = QColor("#3d8bfd")
SELECTION = QColor("#264a75")

BUY = QColor("#35c27a")
"""Buy text colour (green)."""
SELL = QColor("#f0565e")
"""Sell text colour (red)."""
SIDE_COLOURS: dict[Side, QColor] = {Side.BUY: BUY, Side.SELL: SELL}
"""Text colour of a side, wherever a side is shown."""

_BLUE = QColor("#5aa9ff")
_TEAL = QColor("#2ec4b6")
_AMBER = QColor("#f0b429")
_PURPLE = QColor("#a892d6")
_GREEN = QColor("#3fb950")
_GREY = QColor("#7d8590")
_RED = QColor("#f85149")
_ORANGE = QColor("#ff8c42")

# First matching group wins, most specific first; every status must land in one group.
_STATUS_GROUPS: tuple[tuple[frozenset[OrderStatus], QColor], ...] = (
    (frozenset({OrderStatus.UNKNOWN, OrderStatus.OUTCOME_UNKNOWN}), _ORANGE),
    (PENDING, _AMBER),
    (frozenset({OrderStatus.PAUSED}), _PURPLE),
    (frozenset({OrderStatus.PARTIALLY_FILLED}), _TEAL),
    (WORKING, _BLUE),
    (frozenset({OrderStatus.FILLED}), _GREEN),
    (frozenset({OrderStatus.REJECTED}), _RED),
    (TERMINAL, _GREY),
)

STATUS_COLOURS: dict[OrderStatus, QColor] = {
    status: next(colour for group, colour in _STATUS_GROUPS if status in group)
    for status in OrderStatus
}
"""Text colour of each status: working blue, partially filled teal, pending amber, paused purple,
filled green, canceled/expired grey, rejected red, unknown and outcome unknown orange."""

STATUS_TINT_ALPHA = 40
"""Alpha (0-255) of the status colour used as the status cell's background tint."""

ERROR_KIND_COLOURS: dict[ErrorKind, QColor] = {
    ErrorKind.VALIDATION: _AMBER,
    ErrorKind.REJECTED: _RED,
    ErrorKind.NETWORK: _ORANGE,
    ErrorKind.INTERNAL: QColor("#e06cdf"),
    ErrorKind.WARNING: QColor("#79c0ff"),
}
"""Text colour of each error kind in the error pane."""

VENUE_STATE_COLOURS: dict[VenueState, QColor] = {
    VenueState.CONNECTING: _GREY,
    VenueState.OK: _GREEN,
    VenueState.DEGRADED: _AMBER,
    VenueState.DISCONNECTED: _RED,
    VenueState.STOPPED: QColor("#545b66"),
}
"""Colour of a venue account's status-bar dot: ok green, degraded amber, disconnected red,
connecting grey, stopped dark grey."""

STALE_TEXT = QColor("#737b87")
"""Text colour of a blotter row whose venue account is disconnected (shown italic too)."""


def with_alpha(colour: QColor, alpha: int) -> QColor:
    """A copy of `colour` with opacity `alpha` (0 transparent .. 255 opaque)."""
    tinted = QColor(colour)
    tinted.setAlpha(alpha)
    return tinted


def status_tint(status: OrderStatus) -> QColor:
    """A faint background for a status cell: the status colour at `STATUS_TINT_ALPHA`."""
    return with_alpha(STATUS_COLOURS[status], STATUS_TINT_ALPHA)


def number_font(base: QFont | None = None) -> QFont:
    """`base` (default: the application font) with tabular digits, so columns of numbers align."""
    font = QFont(base if base is not None else QApplication.font())
    font.setFeature(QFont.Tag("tnum"), 1)
    return font


def format_decimal(value: Decimal | None) -> str:
    """A Decimal for display: exact, trailing zeros trimmed, thousands separated, never exponent.

    Args:
        value: The number, or None.

    Returns:
        `"65,000.5"` for `Decimal("65000.50")`, `"0.000123"` for `Decimal("1.23E-4")`,
        `""` for None.
    """
    if value is None:
        return ""
    if value.is_zero():
        return "0"
    return format(value.normalize(), ",f")


PRICE_SIGNIFICANT_DIGITS = 7
"""Significant digits shown for computed prices (average fill price); the exact value is
in the tooltip and used for sorting."""


def format_price(value: Decimal | None) -> str:
    """A computed price for display: 7 significant digits, at least 2 decimals, separated.

    Returns:
        `"59,980.38"` for `Decimal("59980.378512")`, `"149.9611"` for `Decimal("149.96108872")`,
        `"9,000.50"` for `Decimal("9000.5")`, `""` for None.
    """
    if value is None:
        return ""
    if value.is_zero():
        return "0"
    decimals = max(PRICE_SIGNIFICANT_DIGITS - (value.adjusted() + 1), 2)
    text = format(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN), ",f")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(2, "0")  # trailing zeros trimmed, two decimals kept
    return f"{whole}.{fraction}"


def fill_percent(order: Order) -> Decimal:
    """The order's filled share in percent (0..100), rounded down to 0.1.

    Rounded down so that an order is never shown as 100.0% before it is fully filled.
    """
    return (order.fill_fraction * 100).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def format_time(ts: datetime, *, millis: bool = False) -> str:
    """An aware datetime as local wall-clock time, `HH:MM:SS` or `HH:MM:SS.mmm`."""
    local = ts.astimezone()
    text = local.strftime("%H:%M:%S")
    return f"{text}.{local.microsecond // 1000:03d}" if millis else text


def format_age(seconds: float | None) -> str:
    """A short age for the status bar and tooltips.

    Args:
        seconds: How long ago, in seconds (negative, from clock skew, counts as 0), or None
            when it never happened.

    Returns:
        `"0.8 s"` under 10 s, `"42 s"` under a minute, `"3 min"` under an hour, `"2 h"`
        under a day, then `"3 d"`; `"—"` for None. Each unit is rounded down (`"59 s"`
        until a full minute has passed).
    """
    if seconds is None:
        return "—"
    seconds = max(seconds, 0.0)
    if seconds < 10:
        return f"{int(seconds * 10) / 10:.1f} s"
    if seconds < 60:
        return f"{int(seconds)} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


_QSS = """
QToolTip { color: #d8dde4; background: #232932; border: 1px solid #3a4350; padding: 3px; }
QLineEdit, QComboBox, QSpinBox, QDateTimeEdit {
    background: #0f1216; color: #d8dde4; border: 1px solid #333b47; border-radius: 3px;
    padding: 2px 6px; min-height: 18px; selection-background-color: #264a75;
}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDateTimeEdit:focus { border-color: #3d8bfd; }
QLineEdit:disabled, QComboBox:disabled, QSpinBox:disabled, QDateTimeEdit:disabled {
    color: #59616c; background: #171a1f; border-color: #252b33;
}
QLineEdit[invalid="true"], QComboBox[invalid="true"] { border-color: #f85149; }
QComboBox QAbstractItemView {
    background: #1d2229; border: 1px solid #3a4350; selection-background-color: #264a75;
}
QLabel[role="caption"] { color: #8b94a1; }
QLabel[role="field-error"] { color: #ff7b72; }
QLabel[role="heading"] { color: #d8dde4; font-weight: 600; }
QLabel[role="empty"] { color: #6b7480; font-size: 11pt; }
QPushButton {
    background: #2a313c; color: #d8dde4; border: 1px solid #3a4350; border-radius: 3px;
    padding: 4px 12px;
}
QPushButton:hover { background: #323a47; }
QPushButton:pressed { background: #222831; }
QPushButton:disabled { color: #5c6470; background: #1f242b; border-color: #2a303a; }
QPushButton[side="buy"] {
    background: #1c7a48; border-color: #27a05f; color: #ffffff; font-weight: 600; padding: 6px 12px;
}
QPushButton[side="buy"]:hover { background: #219157; }
QPushButton[side="buy"]:pressed { background: #17653c; }
QPushButton[side="sell"] {
    background: #ad3139; border-color: #d4444d; color: #ffffff; font-weight: 600; padding: 6px 12px;
}
QPushButton[side="sell"]:hover { background: #c53a43; }
QPushButton[side="sell"]:pressed { background: #8f2830; }
QPushButton[side="buy"]:disabled, QPushButton[side="sell"]:disabled {
    background: #2a2f36; border-color: #343a43; color: #6b7480;
}
QTableView {
    background: #181c22; alternate-background-color: #1d2229; gridline-color: #242a32;
    border: 1px solid #2e3540; selection-background-color: #264a75; selection-color: #ffffff;
}
QHeaderView::section {
    background: #20252d; color: #aab2bd; padding: 3px 6px; border: none;
    border-right: 1px solid #2e3540; border-bottom: 1px solid #2e3540;
}
QScrollBar:vertical, QScrollBar:horizontal { background: #14171c; border: none; }
QScrollBar:vertical { width: 10px; }
QScrollBar:horizontal { height: 10px; }
QScrollBar::handle { background: #39414d; border-radius: 4px; min-height: 24px; min-width: 24px; }
QScrollBar::handle:hover { background: #4a5462; }
QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; }
QScrollBar::add-page, QScrollBar::sub-page { background: none; }
QDockWidget::title { background: #1d2229; padding: 4px 6px; }
QFrame[venueState="disconnected"] { background: rgba(248, 81, 73, 46); border-radius: 3px; }
QLabel[venueState="disconnected"] { color: #ff7b72; font-weight: 600; background: transparent; }
"""


def _palette() -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: WINDOW,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: BASE,
        QPalette.ColorRole.AlternateBase: ALTERNATE_BASE,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: RAISED,
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.ToolTipBase: RAISED,
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.PlaceholderText: QColor("#5c6470"),
        QPalette.ColorRole.Highlight: SELECTION,
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: ACCENT,
        QPalette.ColorRole.Mid: BORDER,
        QPalette.ColorRole.Dark: QColor("#0f1216"),
        QPalette.ColorRole.Light: QColor("#3a4350"),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    disabled = QColor("#59616c")
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_theme(app: QApplication) -> None:
    """Give the whole application the desk's dark, dense look.

    Sets the Fusion style (the same on every platform), the dark palette, a 9 pt UI font and
    the style sheet. Call once, before the main window is shown.

    Args:
        app: The running application.
    """
    app.setStyle("Fusion")
    app.setPalette(_palette())
    font = QFont(app.font())
    font.setPointSizeF(9.0)
    app.setFont(font)
    app.setStyleSheet(_QSS)
