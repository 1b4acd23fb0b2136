"""The desk's two colour schemes, dark and light, and the style sheet both share.

A `Palette` names every colour the desk draws with, by role. `gui.qt.theme` turns the chosen
one into the application palette, the style sheet (`style_sheet`) and its live colour
constants (`theme.BUY`, `theme.STATUS_COLOURS`, ...).

Text colours (sides, statuses, error kinds, dim text) keep a contrast ratio of at least
4.5:1 (WCAG AA) against both table backgrounds (`base` and `alternate_base`) in each scheme;
the stale-row grey is deliberately faded but keeps 3:1. `tests/qt/test_themes.py` checks it
with `contrast_ratio`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from string import Template

__all__ = ["DARK", "LIGHT", "PALETTES", "Palette", "contrast_ratio", "style_sheet"]


@dataclass(frozen=True, slots=True)
class Palette:
    """Every colour of one scheme, as `#rrggbb` strings.

    Attributes:
        window: Window and dock background.
        base: Table and input background.
        alternate_base: Every other table row.
        raised: Buttons, tooltips, the chart legend.
        border: Frames and axis lines.
        frame: Frames of buttons, tooltips and pop-ups.
        text: Normal text.
        dim_text: Secondary text (captions, schedule line, derived fills).
        accent: Focus frames and links.
        selection: Selected rows and text.
        selected_text: Text on `selection`.
        placeholder: Placeholder text in empty inputs.
        disabled_text: Text of disabled widgets.
        shadow: The darkest bevel (Qt's `Dark` role).
        bevel: The lightest bevel (Qt's `Light` role).
        input_background: Line edits, combo boxes, spin boxes.
        input_border: Their frame.
        input_disabled_background: Disabled inputs.
        input_disabled_border: Their frame.
        button: Push buttons.
        button_hover: Push buttons under the mouse.
        button_pressed: Push buttons held down.
        button_disabled: Disabled push buttons.
        button_disabled_text: Their text.
        header: Table header sections.
        header_text: Their text.
        gridline: Table grid.
        scroll_handle: Scroll bar handles.
        scroll_handle_hover: Scroll bar handles under the mouse.
        dock_title: Dock title bars.
        field_error: An input's error text and a disconnected account's label.
        empty_text: "Select an order" and other empty states.
        buy: Buy side text.
        sell: Sell side text.
        blue: Working orders.
        teal: Partially filled orders.
        amber: Pending orders and validation errors.
        purple: Paused orders.
        green: Filled orders, a connected venue.
        grey: Canceled and expired orders, a connecting venue.
        red: Rejected orders, venue rejections, a disconnected venue.
        orange: Unknown outcome, network errors.
        magenta: Internal errors.
        light_blue: Warnings.
        stopped: A venue whose polling is stopped.
        stale_text: Rows of a disconnected venue account.
        progress_track: The empty part of a filled % bar.
        progress_alpha: Opacity (0-255) of a filled % bar over the track.
    """

    window: str
    base: str
    alternate_base: str
    raised: str
    border: str
    frame: str
    text: str
    dim_text: str
    accent: str
    selection: str
    selected_text: str
    placeholder: str
    disabled_text: str
    shadow: str
    bevel: str
    input_background: str
    input_border: str
    input_disabled_background: str
    input_disabled_border: str
    button: str
    button_hover: str
    button_pressed: str
    button_disabled: str
    button_disabled_text: str
    header: str
    header_text: str
    gridline: str
    scroll_handle: str
    scroll_handle_hover: str
    dock_title: str
    field_error: str
    empty_text: str
    buy: str
    sell: str
    blue: str
    teal: str
    amber: str
    purple: str
    green: str
    grey: str
    red: str
    orange: str
    magenta: str
    light_blue: str
    stopped: str
    stale_text: str
    progress_track: str
    progress_alpha: int


DARK = Palette(
    window="#14171c",
    base="#181c22",
    alternate_base="#1d2229",
    raised="#232932",
    border="#2e3540",
    frame="#3a4350",
    text="#d8dde4",
    dim_text="#8b94a1",
    accent="#3d8bfd",
    selection="#264a75",
    selected_text="#ffffff",
    placeholder="#5c6470",
    disabled_text="#59616c",
    shadow="#0f1216",
    bevel="#3a4350",
    input_background="#0f1216",
    input_border="#333b47",
    input_disabled_background="#171a1f",
    input_disabled_border="#252b33",
    button="#2a313c",
    button_hover="#323a47",
    button_pressed="#222831",
    button_disabled="#1f242b",
    button_disabled_text="#5c6470",
    header="#20252d",
    header_text="#aab2bd",
    gridline="#242a32",
    scroll_handle="#39414d",
    scroll_handle_hover="#4a5462",
    dock_title="#1d2229",
    field_error="#ff7b72",
    empty_text="#6b7480",
    buy="#35c27a",
    sell="#f0565e",
    blue="#5aa9ff",
    teal="#2ec4b6",
    amber="#f0b429",
    purple="#a892d6",
    green="#3fb950",
    grey="#868e99",
    red="#f85149",
    orange="#ff8c42",
    magenta="#e06cdf",
    light_blue="#79c0ff",
    stopped="#545b66",
    stale_text="#737b87",
    progress_track="#2a313b",
    progress_alpha=150,
)
"""The default: dark and low-glare, for long sessions."""

LIGHT = Palette(
    window="#eef1f4",
    base="#ffffff",
    alternate_base="#f5f7f9",
    raised="#ffffff",
    border="#c9d1da",
    frame="#b8c1cb",
    text="#1f2328",
    dim_text="#59636e",
    accent="#0969da",
    selection="#cce0ff",
    selected_text="#0b1f3a",
    placeholder="#8c959f",
    disabled_text="#9aa3ad",
    shadow="#a4adb7",
    bevel="#ffffff",
    input_background="#ffffff",
    input_border="#b8c1cb",
    input_disabled_background="#eef1f4",
    input_disabled_border="#d5dbe1",
    button="#f6f8fa",
    button_hover="#eaeef2",
    button_pressed="#dde3e9",
    button_disabled="#eef1f4",
    button_disabled_text="#9aa3ad",
    header="#e9edf1",
    header_text="#424a53",
    gridline="#e3e7eb",
    scroll_handle="#c3cbd3",
    scroll_handle_hover="#a9b3bd",
    dock_title="#e4e8ec",
    field_error="#b3261e",
    empty_text="#6e7781",
    buy="#1a7f37",
    sell="#cf222e",
    blue="#0969da",
    teal="#0a7a70",
    amber="#8a5c00",
    purple="#8250df",
    green="#2e7d32",
    grey="#656d76",
    red="#b3261e",
    orange="#bc4c00",
    magenta="#a1259f",
    light_blue="#0550ae",
    stopped="#8c959f",
    stale_text="#7d858f",
    progress_track="#e3e8ee",
    progress_alpha=90,
)
"""For bright rooms and projectors: the same roles, dark text on white."""

PALETTES: dict[str, Palette] = {"dark": DARK, "light": LIGHT}
"""Scheme name (as saved in the settings) -> palette."""


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two `#rrggbb` colours.

    Returns:
        1.0 (identical) to 21.0 (black on white); 4.5 is the AA minimum for body text.
    """
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


_QSS = Template(
    """
QToolTip { color: $text; background: $raised; border: 1px solid $frame; padding: 3px; }
QLineEdit, QComboBox, QSpinBox, QDateTimeEdit {
    background: $input_background; color: $text; border: 1px solid $input_border;
    border-radius: 3px; padding: 2px 6px; min-height: 18px; selection-background-color: $selection;
    selection-color: $selected_text;
}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDateTimeEdit:focus { border-color: $accent; }
QLineEdit:disabled, QComboBox:disabled, QSpinBox:disabled, QDateTimeEdit:disabled {
    color: $disabled_text; background: $input_disabled_background;
    border-color: $input_disabled_border;
}
QLineEdit[invalid="true"], QComboBox[invalid="true"] { border-color: $red; }
QComboBox QAbstractItemView {
    background: $alternate_base; border: 1px solid $frame;
    selection-background-color: $selection; selection-color: $selected_text;
}
QLabel[role="caption"] { color: $dim_text; }
QLabel[role="field-error"] { color: $field_error; }
QLabel[role="heading"] { color: $text; font-weight: 600; }
QLabel[role="empty"] { color: $empty_text; font-size: 11pt; }
QPushButton {
    background: $button; color: $text; border: 1px solid $frame; border-radius: 3px;
    padding: 4px 12px;
}
QPushButton:hover { background: $button_hover; }
QPushButton:pressed { background: $button_pressed; }
QPushButton:disabled {
    color: $button_disabled_text; background: $button_disabled;
    border-color: $input_disabled_border;
}
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
    background: $button_disabled; border-color: $input_disabled_border;
    color: $button_disabled_text;
}
QTableView {
    background: $base; alternate-background-color: $alternate_base; gridline-color: $gridline;
    border: 1px solid $border; selection-background-color: $selection;
    selection-color: $selected_text;
}
QHeaderView::section {
    background: $header; color: $header_text; padding: 3px 6px; border: none;
    border-right: 1px solid $border; border-bottom: 1px solid $border;
}
QScrollBar:vertical, QScrollBar:horizontal { background: $window; border: none; }
QScrollBar:vertical { width: 10px; }
QScrollBar:horizontal { height: 10px; }
QScrollBar::handle {
    background: $scroll_handle; border-radius: 4px; min-height: 24px; min-width: 24px;
}
QScrollBar::handle:hover { background: $scroll_handle_hover; }
QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; }
QScrollBar::add-page, QScrollBar::sub-page { background: none; }
QDockWidget::title { background: $dock_title; padding: 4px 6px; }
QFrame[venueState="disconnected"] { background: $disconnected_background; border-radius: 3px; }
QLabel[venueState="disconnected"] {
    color: $field_error; font-weight: 600; background: transparent;
}
"""
)


def style_sheet(palette: Palette) -> str:
    """The application style sheet in `palette`'s colours.

    Args:
        palette: `DARK`, `LIGHT` or another complete palette.

    Returns:
        QSS text for `QApplication.setStyleSheet`.
    """
    red = palette.red
    values: dict[str, object] = {
        **asdict(palette),
        # A disconnected account's status-bar cell: the red at 18% over the window.
        "disconnected_background": (
            f"rgba({int(red[1:3], 16)}, {int(red[3:5], 16)}, {int(red[5:7], 16)}, 46)"
        ),
    }
    return _QSS.substitute(values)
