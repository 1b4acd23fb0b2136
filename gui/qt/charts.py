"""Fill progress of one order over time: actual fills against the planned schedule.

Decimal quantities become floats here and only here, as plot coordinates. Every plot item is
created once; updates call `setData`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from gui.domain.orders import (
    TERMINAL,
    TIMED_STRATEGIES,
    Fill,
    Order,
    OrderStatus,
    Strategy,
    utc_now,
)
from gui.qt import theme

__all__ = ["FillProgressChart", "vwap_schedule"]

_SCHEDULE_POINTS = 64
_PAUSE_COLOUR = theme.STATUS_COLOURS[OrderStatus.PAUSED]
_FILLED_COLOUR = theme.STATUS_COLOURS[OrderStatus.PARTIALLY_FILLED]


def vwap_schedule(progress: np.ndarray) -> np.ndarray:
    """Cumulative share (0..1) of a U-shaped intraday volume curve at `progress` (0..1).

    The volume density is proportional to `1 + 3 * (2u - 1) ** 2`: four times as heavy at the
    start and end of the window as in its middle, the usual shape of exchange volume.

    Args:
        progress: Elapsed fraction of the window, values in 0..1.

    Returns:
        Cumulative planned fraction at each point, 0 at the start and 1 at the end.
    """
    return (progress + ((2 * progress - 1) ** 3 + 1) / 2) / 2


class _LegendSample(pg.ItemSample):
    """Legend swatch: a short line for a curve, a filled square for a shaded area."""

    def paint(self, painter: QPainter, *args: object) -> None:
        opts = self.item.opts
        if opts.get("pen") is None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(pg.mkBrush(opts["fillBrush"]))
            painter.drawRect(QRectF(3, 4, 14, 14))
        else:
            painter.setPen(pg.mkPen(opts["pen"]))
            painter.drawLine(QPointF(0, 11), QPointF(20, 11))


class FillProgressChart(QWidget):
    """Filled % of the selected order over time, with its schedule and paused spans.

    The fills are a step curve from the order's creation through each fill to its current
    filled share (now, or its last update once terminal). TWAP and VWAP orders with a known
    window also show the planned schedule as a dashed line; paused spans are shaded.

    Attributes:
        plot: The pyqtgraph plot (objectName `chart.progress`), x in UTC epoch seconds.
        filled_curve: Step curve of filled % over time.
        fill_markers: One marker per fill.
        schedule_curve: Planned filled % over time (empty when there is no schedule).
        pause_shading: Filled rectangles over the paused spans (empty when never paused).

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._order: Order | None = None
        self._title = QLabel(objectName="chart.title")
        self._title.setTextFormat(Qt.TextFormat.RichText)
        self._title.setProperty("role", "heading")
        self._empty = QLabel("Select an order", objectName="chart.empty")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setProperty("role", "empty")

        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot.setObjectName("chart.progress")
        self._style_plot()
        legend = self.plot.addLegend(
            offset=(8, 8), labelTextColor=theme.TEXT, sampleType=_LegendSample
        )
        legend.setBrush(theme.with_alpha(theme.RAISED, 200))
        self.pause_shading = self.plot.plot(
            name="paused", pen=None, fillLevel=0, fillBrush=theme.with_alpha(_PAUSE_COLOUR, 60)
        )
        self.schedule_curve = self.plot.plot(
            name="schedule",
            pen=pg.mkPen(theme.DIM_TEXT, width=1.5, style=Qt.PenStyle.DashLine),
        )
        # Thousands of child fills stay cheap: draw only what is in view, peaks kept.
        self.filled_curve = self.plot.plot(
            name="filled",
            stepMode="right",
            pen=pg.mkPen(_FILLED_COLOUR, width=2),
            clipToView=True,
            autoDownsample=True,
            downsampleMethod="peak",
        )
        self.fill_markers = pg.ScatterPlotItem(
            size=6, pen=pg.mkPen(theme.BASE), brush=pg.mkBrush(_FILLED_COLOUR)
        )
        self.plot.addItem(self.fill_markers)

        self._stack = QStackedWidget()
        self._stack.addWidget(self._empty)
        self._stack.addWidget(self.plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self._title)
        layout.addWidget(self._stack)
        self.show_order(None, ())

    def show_order(self, order: Order | None, fills: Sequence[Fill]) -> None:
        """Chart `order` (None: the empty state) and rescale to it.

        Args:
            order: The order to show, or None when nothing is selected.
            fills: Its fills, any order; fills of other orders are ignored.
        """
        self._order = order
        if order is None:
            for item in (self.pause_shading, self.schedule_curve, self.filled_curve):
                item.setData([], [])
            self.fill_markers.setData([], [])
            self._title.setText("")
            self._stack.setCurrentWidget(self._empty)
            return
        self._stack.setCurrentWidget(self.plot)
        self._redraw(order, fills)
        self.plot.enableAutoRange(axis="x")

    def update_order(self, order: Order, fills: Sequence[Fill]) -> None:
        """Redraw with a newer snapshot of the shown order; other orders are ignored.

        Args:
            order: The latest state of an order.
            fills: Its fills so far, any order.
        """
        if self._order is None or order.client_order_id != self._order.client_order_id:
            return
        self._order = order
        self._redraw(order, fills)

    def filled_points(self) -> int:
        """How many fills of the shown order are plotted (0 in the empty state)."""
        return len(self.fill_markers.data)

    def _style_plot(self) -> None:
        self.plot.setBackground(theme.BASE)
        self.plot.showGrid(x=True, y=True, alpha=0.12)
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.setYRange(0, 100, padding=0.03)
        self.plot.setLimits(yMin=-5, yMax=105)
        self.plot.hideButtons()
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(theme.BORDER))
            axis.setTextPen(pg.mkPen(theme.DIM_TEXT))
        self.plot.setLabel("left", "% filled", color=theme.DIM_TEXT.name())

    def _redraw(self, order: Order, fills: Sequence[Fill]) -> None:
        now = order.updated_ts if order.status in TERMINAL else max(utc_now(), order.updated_ts)
        own = sorted(
            (fill for fill in fills if fill.client_order_id == order.client_order_id),
            key=lambda fill: fill.ts,
        )
        # A venue clock ahead of ours can date a fill before the order: start at the earlier.
        start = min(order.created_ts, own[0].ts) if own else order.created_ts
        times = [start.timestamp()]
        percents = [0.0]
        cumulative = Decimal(0)
        for fill in own:
            cumulative += fill.quantity
            times.append(fill.ts.timestamp())
            share = cumulative / order.quantity if order.quantity > 0 else Decimal(0)
            percents.append(float(min(share * 100, Decimal(100))))
        self.fill_markers.setData(times[1:], percents[1:])
        last_ts = max(now, own[-1].ts) if own else now
        times.append(last_ts.timestamp())
        percents.append(float(order.fill_fraction * 100))
        self.filled_curve.setData(times, percents)
        self._draw_schedule(order)
        self._draw_pauses(order, now)
        self._title.setText(self._title_html(order))

    def _draw_schedule(self, order: Order) -> None:
        if order.strategy not in TIMED_STRATEGIES or order.start_ts is None or order.end_ts is None:
            self.schedule_curve.setData([], [])
            return
        start, end = order.start_ts.timestamp(), order.end_ts.timestamp()
        if order.strategy == Strategy.TWAP:
            self.schedule_curve.setData([start, end], [0.0, 100.0])
            return
        progress = np.linspace(0.0, 1.0, _SCHEDULE_POINTS)
        self.schedule_curve.setData(start + progress * (end - start), 100 * vwap_schedule(progress))

    def _draw_pauses(self, order: Order, now: datetime) -> None:
        xs: list[float] = []
        ys: list[float] = []
        for start, end in order.pauses:
            left, right = start.timestamp(), (end if end is not None else now).timestamp()
            xs += [left, left, right, right]
            ys += [0.0, 100.0, 100.0, 0.0]
        self.pause_shading.setData(xs, ys)

    @staticmethod
    def _title_html(order: Order) -> str:
        side = theme.SIDE_COLOURS[order.side].name()
        status = theme.STATUS_COLOURS[order.status].name()
        return (
            f"{html.escape(order.pair)} "
            f"<span style='color:{side}'>{order.side.value.upper()}</span> "
            f"{order.strategy.value} · {theme.format_decimal(order.quantity)} · "
            f"<span style='color:{status}'>{theme.fill_percent(order)}% filled</span>"
            f" <span style='color:{theme.DIM_TEXT.name()}'>({order.status.value})</span>"
        )
