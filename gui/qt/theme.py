"""How the desk looks: status, side and error colours, fonts, number and time display, the
light and dark themes, and high-DPI setup.

Colours are derived once from the domain's status sets (`TERMINAL`, `PENDING`, ...), so the
blotter, the chart and any badge agree on what "pending" looks like. Numbers are shown from
`Decimal` without float conversion, in a font with tabular (fixed-width) digits.

The colour constants below are *live*: `apply_theme` repaints each `QColor` object in place
with the chosen scheme's colour (`gui.qt.palettes`), so code that reads them when it paints
(model data roles, delegates, a stored reference such as `theme.STATUS_COLOURS[s]`) follows a
theme switch with no further work. A copy made once (`with_alpha(...)` at import, a
pyqtgraph pen) does not: rebuild it on `theme_signals().changed`, or on the widget's
`QEvent.Type.PaletteChange`, which every widget receives on a switch.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from functools import cache

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from gui.domain.orders import PENDING, TERMINAL, WORKING, Order, OrderStatus, Side
from gui.oms.events import ErrorKind, VenueState
from gui.qt.palettes import DARK, PALETTES, Palette, style_sheet

DEFAULT_THEME = "dark"
"""The theme of a new installation."""
THEME_NAMES: tuple[str, ...] = tuple(PALETTES)
"""Every theme name `apply_theme` takes: `("dark", "light")`."""
SETTINGS_THEME = "appearance/theme"
"""QSettings key of the chosen theme name (no version in the key, so upgrades keep it)."""
UI_FONT_PT = 9.0
"""The desk's UI font size in points: dense, as trading screens are."""

# Base palette (live: see the module docstring). Initially the dark scheme.
WINDOW = QColor(DARK.window)
BASE = QColor(DARK.base)
ALTERNATE_BASE = QColor(DARK.alternate_base)
RAISED = QColor(DARK.raised)
BORDER = QColor(DARK.border)
TEXT = QColor(DARK.text)
DIM_TEXT = QColor(DARK.dim_text)
ACCENT = QColor(DARK.accent)
SELECTION = QColor(DARK.selection)

BUY = QColor(DARK.buy)
"""Buy text colour (green)."""
SELL = QColor(DARK.sell)
"""Sell text colour (red)."""
SIDE_COLOURS: dict[Side, QColor] = {Side.BUY: BUY, Side.SELL: SELL}
"""Text colour of a side, wherever a side is shown."""

_BLUE = QColor(DARK.blue)
_TEAL = QColor(DARK.teal)
_AMBER = QColor(DARK.amber)
_PURPLE = QColor(DARK.purple)
_GREEN = QColor(DARK.green)
_GREY = QColor(DARK.grey)
_RED = QColor(DARK.red)
_ORANGE = QColor(DARK.orange)
_MAGENTA = QColor(DARK.magenta)
_LIGHT_BLUE = QColor(DARK.light_blue)
_STOPPED = QColor(DARK.stopped)

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
    ErrorKind.INTERNAL: _MAGENTA,
    ErrorKind.WARNING: _LIGHT_BLUE,
}
"""Text colour of each error kind in the error pane."""

VENUE_STATE_COLOURS: dict[VenueState, QColor] = {
    VenueState.CONNECTING: _GREY,
    VenueState.OK: _GREEN,
    VenueState.DEGRADED: _AMBER,
    VenueState.DISCONNECTED: _RED,
    VenueState.STOPPED: _STOPPED,
}
"""Colour of a venue account's status-bar dot: ok green, degraded amber, disconnected red,
connecting grey, stopped dark grey."""

STALE_TEXT = QColor(DARK.stale_text)
"""Text colour of a blotter row whose venue account is disconnected (shown italic too)."""

PROGRESS_TRACK = QColor(DARK.progress_track)
"""The empty part of a filled % bar (`delegates.ProgressBarDelegate`)."""

_LIVE: dict[str, QColor] = {
    "window": WINDOW,
    "base": BASE,
    "alternate_base": ALTERNATE_BASE,
    "raised": RAISED,
    "border": BORDER,
    "text": TEXT,
    "dim_text": DIM_TEXT,
    "accent": ACCENT,
    "selection": SELECTION,
    "buy": BUY,
    "sell": SELL,
    "blue": _BLUE,
    "teal": _TEAL,
    "amber": _AMBER,
    "purple": _PURPLE,
    "green": _GREEN,
    "grey": _GREY,
    "red": _RED,
    "orange": _ORANGE,
    "magenta": _MAGENTA,
    "light_blue": _LIGHT_BLUE,
    "stopped": _STOPPED,
    "stale_text": STALE_TEXT,
    "progress_track": PROGRESS_TRACK,
}
"""Palette role -> the live colour that follows it."""

_current: str | None = None


class ThemeSignals(QObject):
    """Announces theme switches (one instance: `theme_signals()`).

    Signals:
        changed (str): The theme now applied, a name from `THEME_NAMES`; emitted by
            `apply_theme` when the theme differs from the one applied before.
    """

    changed = Signal(str)


@cache
def theme_signals() -> ThemeSignals:
    """The one `ThemeSignals` of the process (created on first use)."""
    return ThemeSignals()


def current_theme() -> str | None:
    """The name of the theme `apply_theme` applied last, None before the first call."""
    return _current


def theme_from_settings(settings: QSettings) -> str:
    """The theme saved under `SETTINGS_THEME`; `DEFAULT_THEME` when none or not a known name."""
    name = settings.value(SETTINGS_THEME)
    return name if isinstance(name, str) and name in PALETTES else DEFAULT_THEME


def with_alpha(colour: QColor, alpha: int) -> QColor:
    """A copy of `colour` with opacity `alpha` (0 transparent .. 255 opaque)."""
    tinted = QColor(colour)
    tinted.setAlpha(alpha)
    return tinted


def status_tint(status: OrderStatus) -> QColor:
    """A faint background for a status cell: the status colour at `STATUS_TINT_ALPHA`."""
    return with_alpha(STATUS_COLOURS[status], STATUS_TINT_ALPHA)


def progress_bar_colour(*, full: bool, stale: bool) -> QColor:
    """The filled part of a filled % bar in the current theme.

    Args:
        full: The order is fully filled (green; otherwise partially filled teal).
        stale: The row's venue account is disconnected (grey, fainter).
    """
    return _progress_bar_colour(current_theme(), full, stale)


@cache
def _progress_bar_colour(theme_name: str | None, full: bool, stale: bool) -> QColor:
    # Cached per theme: a paint asks for it once per visible cell.
    alpha = PALETTES[theme_name or DEFAULT_THEME].progress_alpha
    if stale:
        return with_alpha(STALE_TEXT, alpha * 3 // 4)
    status = OrderStatus.FILLED if full else OrderStatus.PARTIALLY_FILLED
    return with_alpha(STATUS_COLOURS[status], alpha)


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


def _palette(colours: Palette) -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: colours.window,
        QPalette.ColorRole.WindowText: colours.text,
        QPalette.ColorRole.Base: colours.base,
        QPalette.ColorRole.AlternateBase: colours.alternate_base,
        QPalette.ColorRole.Text: colours.text,
        QPalette.ColorRole.Button: colours.raised,
        QPalette.ColorRole.ButtonText: colours.text,
        QPalette.ColorRole.ToolTipBase: colours.raised,
        QPalette.ColorRole.ToolTipText: colours.text,
        QPalette.ColorRole.PlaceholderText: colours.placeholder,
        QPalette.ColorRole.Highlight: colours.selection,
        QPalette.ColorRole.HighlightedText: colours.selected_text,
        QPalette.ColorRole.Link: colours.accent,
        QPalette.ColorRole.Mid: colours.border,
        QPalette.ColorRole.Dark: colours.shadow,
        QPalette.ColorRole.Light: colours.bevel,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    disabled = QColor(colours.disabled_text)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_theme(app: QApplication, name: str = DEFAULT_THEME) -> None:
    """Give the whole application the desk's dense look in the `name` colour scheme.

    Sets the Fusion style (the same on every platform), the scheme's palette, a 9 pt UI font
    and the style sheet, and repaints the live colour constants in place. Every widget gets a
    `PaletteChange` event and repaints; `theme_signals().changed` is emitted when the theme
    differs from the one applied before. May be called again at any time to switch live.

    Args:
        app: The running application.
        name: A name from `THEME_NAMES` (`"dark"` or `"light"`).

    Raises:
        ValueError: `name` is not a known theme.
    """
    global _current
    colours = PALETTES.get(name)
    if colours is None:
        raise ValueError(f"unknown theme {name!r}; expected one of {', '.join(THEME_NAMES)}")
    for role, live in _LIVE.items():
        live.setRgba(QColor(getattr(colours, role)).rgba())
    # Each of these re-polishes every widget: skip what a switch does not change.
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(_palette(colours))
    if app.font().pointSizeF() != UI_FONT_PT:
        font = QFont(app.font())
        font.setPointSizeF(UI_FONT_PT)
        app.setFont(font)
    app.setStyleSheet(style_sheet(colours))
    changed = name != _current
    _current = name
    if changed:
        theme_signals().changed.emit(name)


def configure_high_dpi() -> bool:
    """Prepare Qt for fractional display scaling (125 %, 150 % ...); call it before the
    `QApplication` exists.

    Qt 6 always scales by the screen's device pixel ratio; this makes it use the exact ratio
    (`PassThrough`) instead of rounding 1.5 to 2, so the desk is neither blurry nor oversized
    on a 150 % screen. Pixmaps the desk draws itself are made at the widget's
    `devicePixelRatioF()` (see `gui.qt.icons`).

    Returns:
        True when the policy was set; False when a `QGuiApplication` already existed (Qt
        would ignore the policy then, so nothing is changed; e.g. a probe that made its own
        application before calling `gui.launch.main`).
    """
    if QGuiApplication.instance() is not None:
        return False
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    return True
