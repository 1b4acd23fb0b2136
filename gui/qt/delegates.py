"""Item delegates for the desk's tables."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from gui.qt import theme
from gui.qt.tables import STALE_ROLE

_BAR_MARGIN_PX = 3


class ProgressBarDelegate(QStyledItemDelegate):
    """Draws a filled-percentage cell as a slim bar with the figure on top.

    The cell's value comes from `value_role` as a `Decimal` percentage in 0..100 (the bar is
    clamped to that range); the text is the cell's DisplayRole. A full bar is green, a partial
    one teal, matching the filled and partially filled status colours. A stale row
    (`STALE_ROLE`) gets a grey bar and keeps its ForegroundRole/FontRole (grey italic) text.

    Args:
        value_role: The item data role holding the Decimal percentage.
        parent: Qt parent.
    """

    def __init__(self, value_role: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._value_role = value_role

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Draw the item background (selection), the bar, then the centred text."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else None
        text = opt.text
        opt.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        value = index.data(self._value_role)
        percent = value if isinstance(value, Decimal) else Decimal(0)
        percent = min(max(percent, Decimal(0)), Decimal(100))
        track = opt.rect.adjusted(_BAR_MARGIN_PX, _BAR_MARGIN_PX, -_BAR_MARGIN_PX, -_BAR_MARGIN_PX)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        # Colours are read per paint, so a theme switch repaints in the new scheme.
        painter.fillRect(track, theme.PROGRESS_TRACK)
        # Pixel width is the only place the Decimal becomes an int; no float arithmetic.
        filled_px = int(track.width() * percent / 100)
        if filled_px > 0:
            bar = theme.progress_bar_colour(
                full=percent >= 100, stale=index.data(STALE_ROLE) is True
            )
            painter.fillRect(QRect(track.left(), track.top(), filled_px, track.height()), bar)
        painter.setFont(opt.font)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        # initStyleOption put the ForegroundRole colour (if any) in the palette's Text.
        painter.setPen(
            opt.palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
        )
        painter.drawText(track, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
