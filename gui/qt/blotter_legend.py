"""The blotter's colour legend: what each status colour and side colour means.

`LegendButton` is the small "Legend" tool button of the blotter toolbar; its popup is a
`LegendPanel`, built from `theme.STATUS_COLOURS` and `theme.SIDE_COLOURS` each time it opens,
so it always matches the colours the table paints (the status cell: text in the status
colour on a faint tint of it).
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from gui.domain.orders import TERMINAL, WORKING, OrderStatus, Side
from gui.qt import theme
from gui.qt.blotter_columns import PIN_COLOUR, PIN_MARK
from gui.qt.table_tools import attach_popup

__all__ = ["LegendButton", "LegendPanel"]


def _rgba(colour: QColor) -> str:
    return f"rgba({colour.red()}, {colour.green()}, {colour.blue()}, {colour.alpha()})"


def _chip(text: str, colour: QColor, tint: QColor | None, *, italic: bool = False) -> QLabel:
    chip = QLabel(text)
    background = "transparent" if tint is None else _rgba(tint)
    style = "italic" if italic else "normal"
    chip.setStyleSheet(
        f"color: {colour.name()}; background: {background}; border-radius: 2px;"
        f" padding: 1px 6px; font-style: {style};"
    )
    return chip


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "caption")
    return label


class LegendPanel(QWidget):
    """Every status as the blotter draws it, grouped Working / Done, then Buy and Sell.

    Attributes:
        chips: Shown text -> its label (e.g. `"partially filled"`, `"Buy"`), for tests and
            tooltips.

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("blotter.legend_panel")
        self.chips: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(3)
        working = [status for status in OrderStatus if status in WORKING]
        done = [status for status in OrderStatus if status in TERMINAL]
        others = [s for s in OrderStatus if s not in WORKING and s not in TERMINAL]
        grid.addWidget(_heading("Working"), 0, 0)
        for row, status in enumerate(working + others, start=1):
            grid.addWidget(self._status_chip(status), row, 0)
        right = QVBoxLayout()
        right.setSpacing(3)
        right.addWidget(_heading("Done"))
        for status in done:
            right.addWidget(self._status_chip(status))
        right.addSpacing(8)
        right.addWidget(_heading("Side"))
        for side in Side:
            right.addWidget(self._add(side.value.capitalize(), theme.SIDE_COLOURS[side], None))
        right.addSpacing(8)
        right.addWidget(_heading("Marks"))
        stale = self._add("working · stale", theme.STALE_TEXT, None, italic=True)
        stale.setToolTip("The venue account is disconnected: the row may be out of date")
        right.addWidget(stale)
        pinned = self._add(f"{PIN_MARK} pinned", PIN_COLOUR, None)
        pinned.setToolTip("Bulk cancel and the kill switch skip it unless told otherwise")
        right.addWidget(pinned)
        right.addStretch(1)
        grid.addLayout(right, 0, 1, len(working + others) + 1, 1)

    def _status_chip(self, status: OrderStatus) -> QLabel:
        return self._add(status.value, theme.STATUS_COLOURS[status], theme.status_tint(status))

    def _add(
        self, text: str, colour: QColor, tint: QColor | None, *, italic: bool = False
    ) -> QLabel:
        chip = _chip(text, colour, tint, italic=italic)
        self.chips[text] = chip
        return chip


class LegendButton(QToolButton):
    """A "Legend" tool button; a click shows a fresh `LegendPanel` below it.

    Attributes:
        popup: The menu holding the panel (objectName `blotter.legend_menu`).
        panel: The panel last shown, None before the first click.

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("blotter.legend")
        self.setText("Legend")
        self.setToolTip("What the status and side colours mean")
        self.panel: LegendPanel | None = None
        self.popup = QMenu(self)
        self.popup.setObjectName("blotter.legend_menu")
        self.popup.aboutToShow.connect(self._refresh)
        attach_popup(self, self.popup)

    def _refresh(self) -> None:
        # Built on each show: the colours follow the theme in use now.
        self.popup.clear()
        action = QWidgetAction(self.popup)
        self.panel = LegendPanel()
        action.setDefaultWidget(self.panel)
        self.popup.addAction(action)
