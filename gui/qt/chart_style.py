"""What the desk's charts share: colours read from the theme, axes, legend swatches, plot styling.

Colours are read from `gui.qt.theme` each time `chart_colours()` is called, never frozen at
import, so a chart that calls it again in its `refresh_colours()` follows a theme change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg  # type: ignore[import-untyped]  # no stubs, no py.typed
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy

from gui.domain.orders import OrderStatus, Side
from gui.qt import theme

__all__ = [
    "AXIS_WIDTH_PX",
    "ChartColours",
    "LegendSample",
    "PercentAxis",
    "PriceAxis",
    "chart_colours",
    "compact_legend",
    "style_plot",
]

AXIS_WIDTH_PX = 64
"""Width of every chart's left axis, so stacked panels line their time axes up."""


@dataclass(frozen=True, slots=True)
class ChartColours:
    """The colours a chart draws with, read from the current theme.

    Attributes:
        background: Plot background.
        text: Legend and label text.
        dim_text: Axis tick labels, the schedule line.
        border: Axis lines.
        raised: Legend background, the overview's empty bar track.
        filled: The fills' curve (the partially-filled status colour).
        paused: Paused-span shading (the paused status colour).
        buy: Buy side.
        sell: Sell side.
        limit: The limit-price line.
    """

    background: QColor
    text: QColor
    dim_text: QColor
    border: QColor
    raised: QColor
    filled: QColor
    paused: QColor
    buy: QColor
    sell: QColor
    limit: QColor

    def side(self, side: Side) -> QColor:
        """The colour of `side`."""
        return self.buy if side == Side.BUY else self.sell


def chart_colours() -> ChartColours:
    """The chart colours of the theme in force now (see the module doc)."""
    return ChartColours(
        background=theme.BASE,
        text=theme.TEXT,
        dim_text=theme.DIM_TEXT,
        border=theme.BORDER,
        raised=theme.RAISED,
        filled=theme.STATUS_COLOURS[OrderStatus.PARTIALLY_FILLED],
        paused=theme.STATUS_COLOURS[OrderStatus.PAUSED],
        buy=theme.SIDE_COLOURS[Side.BUY],
        sell=theme.SIDE_COLOURS[Side.SELL],
        limit=theme.STATUS_COLOURS[OrderStatus.PENDING_NEW],
    )


class LegendSample(pg.ItemSample):  # type: ignore[misc]
    """Legend swatch: a short line for a curve or line, a filled square for a shaded area or
    band, a dot for a scatter."""

    def paint(self, painter: QPainter, *args: object) -> None:
        item = self.item
        if isinstance(item, pg.ScatterPlotItem):
            painter.setPen(pg.mkPen(item.opts["pen"]))
            painter.setBrush(pg.mkBrush(item.opts["brush"]))
            painter.drawEllipse(QRectF(6, 7, 8, 8))
            return
        if isinstance(item, pg.InfiniteLine):
            painter.setPen(item.pen)
            painter.drawLine(QPointF(0, 11), QPointF(20, 11))
            return
        if isinstance(item, pg.FillBetweenItem):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(item.brush())
            painter.drawRect(QRectF(3, 4, 14, 14))
            return
        opts = item.opts
        if opts.get("pen") is None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(pg.mkBrush(opts["fillBrush"]))
            painter.drawRect(QRectF(3, 4, 14, 14))
        else:
            painter.setPen(pg.mkPen(opts["pen"]))
            painter.drawLine(QPointF(0, 11), QPointF(20, 11))


class PercentAxis(pg.AxisItem):  # type: ignore[misc]
    """A 0..100% axis with ticks every 25%, labelled `"50%"`; nothing outside 0..100."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:  # noqa: N802
        major = [value for value in (0.0, 25.0, 50.0, 75.0, 100.0) if minVal <= value <= maxVal]
        return [(25.0, major)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [f"{value:.0f}%" for value in values]


class PriceAxis(pg.AxisItem):  # type: ignore[misc]
    """A price axis: thousands separated, as many decimals as the tick spacing needs."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        decimals = max(0, -math.floor(math.log10(spacing * scale))) if spacing > 0 else 2
        return [f"{value * scale:,.{min(decimals, 10)}f}" for value in values]


def style_plot(plot: pg.PlotItem, colours: ChartColours) -> None:
    """Give `plot` the desk's look: faint grid, themed axes, no buttons, fixed left axis width.

    Call again after a theme change (pens are replaced, items are kept).

    Args:
        plot: The plot to style.
        colours: From `chart_colours()`.
    """
    plot.showGrid(x=True, y=True, alpha=0.12)
    plot.hideButtons()
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(colours.border))
        axis.setTextPen(pg.mkPen(colours.dim_text))
    plot.getAxis("left").setWidth(AXIS_WIDTH_PX)


def compact_legend() -> pg.LegendItem:
    """A one-row legend for a plot's title row: entries side by side, sized to its text.

    Put it where the title goes (`plot.layout` row 0, column 1) so it sits above the data,
    never over it.
    """
    legend = pg.LegendItem(
        colCount=6, sampleType=LegendSample, labelTextSize="8pt", horSpacing=6, verSpacing=0
    )
    legend.layout.setContentsMargins(0, 0, 0, 0)
    legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return legend
