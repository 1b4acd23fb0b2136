"""The selected order's chart: filled % against its schedule above, fill prices below.

The upper panel steps through the fills to the order's current filled share, over its plan: the
TWAP line, the VWAP curve or the POV band (see `gui.qt.chart_schedule` for what the band means
without a market-volume series), with paused spans shaded and a "now" line while it works. The
lower panel (`gui.qt.price_chart`) shares the time axis. Decimal quantities become floats here
and only here, as plot coordinates. Every plot item is created once; updates call `setData`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from itertools import accumulate

import numpy as np
import pyqtgraph as pg  # type: ignore[import-untyped]  # no stubs, no py.typed
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from gui.domain.orders import TERMINAL, Fill, Order, Strategy, utc_now
from gui.qt import theme
from gui.qt.chart_schedule import POV_TOLERANCE, pov_band, schedule_curve, vwap_schedule
from gui.qt.chart_style import PercentAxis, chart_colours, compact_legend, style_plot
from gui.qt.price_chart import FillPricePlot

__all__ = ["FillProgressChart", "vwap_schedule"]


class FillProgressChart(QWidget):
    """Filled % of the selected order over time with its schedule, and its fill prices below.

    The fills are a step curve from the order's creation through each fill to its current
    filled share (now, or its last update once terminal). TWAP and VWAP orders with a window
    show the plan as a dashed line, POV orders the band their target implies; paused spans are
    shaded. Legends sit in a row above each panel, never over the data.

    Attributes:
        canvas: Splitter holding both panels, progress above prices (objectName `chart.panels`).
        progress_view: The progress panel's widget (objectName `chart.progress`).
        plot: The progress panel, x in UTC epoch seconds (shown as local time), y in % 0..100.
        prices_view: The fill-price panel's widget (objectName `chart.prices`).
        prices: The fill-price panel (`FillPricePlot`), its x axis linked to `plot`.
        filled_curve: Step curve of filled % over time.
        fill_markers: One marker per fill at (fill time, filled % after it).
        schedule_curve: TWAP line or VWAP curve in % (empty for other orders).
        pov_lower: Lower edge of the POV band in % (empty for other orders).
        pov_upper: Upper edge of the POV band in %.
        pov_band: The shading between `pov_lower` and `pov_upper`.
        pause_shading: Filled rectangles over the paused spans (empty when never paused).
        now_line: Vertical line at the current time, hidden once the order is terminal.

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._order: Order | None = None
        self._legend_names: tuple[str, ...] = ()
        self._title = QLabel()
        self._title.setObjectName("chart.title")
        self._title.setTextFormat(Qt.TextFormat.RichText)
        self._title.setProperty("role", "heading")
        self._empty = QLabel("Select an order")
        self._empty.setObjectName("chart.empty")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setProperty("role", "empty")

        # Two PlotWidgets, not one GraphicsLayoutWidget: the latter crashes the interpreter at
        # exit now and then (PySide6 6.11, pyqtgraph 0.14), a PlotWidget owns its plot safely.
        self.progress_view = pg.PlotWidget(
            plotItem=pg.PlotItem(axisItems={"left": PercentAxis("left")})
        )
        self.progress_view.setObjectName("chart.progress")
        self.plot = self.progress_view.getPlotItem()
        self.prices = FillPricePlot(chart_colours())
        self.prices_view = pg.PlotWidget(plotItem=self.prices)
        self.prices_view.setObjectName("chart.prices")
        self.canvas = QSplitter(Qt.Orientation.Vertical)
        self.canvas.setObjectName("chart.panels")
        self.canvas.setChildrenCollapsible(False)
        self.canvas.addWidget(self.progress_view)
        self.canvas.addWidget(self.prices_view)
        self.canvas.setStretchFactor(0, 3)
        self.canvas.setStretchFactor(1, 2)
        self.prices.setXLink(self.plot)
        self.plot.setMouseEnabled(x=True, y=False)
        # Room under 0% and over 100% for their tick labels, which the axis drops if clipped.
        self.plot.setYRange(0, 100, padding=0.08)
        self.plot.setLimits(yMin=-10, yMax=110)
        self.plot.getAxis("bottom").setStyle(showValues=False)
        self.legend = compact_legend()
        self.plot.layout.removeItem(self.plot.titleLabel)
        self.plot.layout.addItem(self.legend, 0, 1, alignment=Qt.AlignmentFlag.AlignLeft)

        self.pause_shading = self.plot.plot(pen=None, fillLevel=0)
        self.pov_lower = self.plot.plot()
        self.pov_upper = self.plot.plot()
        self.pov_band = pg.FillBetweenItem(self.pov_lower, self.pov_upper)
        # Its curves give the bounds; an empty band's path would pull the range to x = 0.
        self.plot.addItem(self.pov_band, ignoreBounds=True)
        self.schedule_curve = self.plot.plot()
        # Thousands of child fills stay cheap: draw only what is in view, peaks kept.
        self.filled_curve = self.plot.plot(
            stepMode="right", clipToView=True, autoDownsample=True, downsampleMethod="peak"
        )
        self.fill_markers = pg.ScatterPlotItem(size=6)
        self.plot.addItem(self.fill_markers)
        self.now_line = pg.InfiniteLine(angle=90, movable=False)
        self.plot.addItem(self.now_line, ignoreBounds=True)
        self.refresh_colours()

        self._stack = QStackedWidget()
        self._stack.addWidget(self._empty)
        self._stack.addWidget(self.canvas)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self._title)
        layout.addWidget(self._stack)
        self.show_order(None, ())

    def refresh_colours(self) -> None:
        """Repaint every item from the current theme (call after a theme change)."""
        colours = chart_colours()
        self._colours = colours
        for view in (self.progress_view, self.prices_view):
            view.setBackground(colours.background)
        style_plot(self.plot, colours)
        self.prices.refresh_colours(colours)
        self.legend.setLabelTextColor(colours.text)
        self.pause_shading.setFillBrush(theme.with_alpha(colours.paused, 60))
        self.pov_lower.setPen(pg.mkPen(theme.with_alpha(colours.dim_text, 150), width=1))
        self.pov_upper.setPen(pg.mkPen(theme.with_alpha(colours.dim_text, 150), width=1))
        self.pov_band.setBrush(theme.with_alpha(colours.dim_text, 45))
        self.schedule_curve.setPen(
            pg.mkPen(colours.dim_text, width=1.5, style=Qt.PenStyle.DashLine)
        )
        self.filled_curve.setPen(pg.mkPen(colours.filled, width=2))
        self.fill_markers.setPen(pg.mkPen(colours.background))
        self.fill_markers.setBrush(pg.mkBrush(colours.filled))
        self.now_line.setPen(pg.mkPen(colours.dim_text, width=1, style=Qt.PenStyle.DotLine))
        if self._order is not None:
            self._title.setText(self._title_html(self._order))

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
            for item in (self.pov_lower, self.pov_upper):
                item.setData([], [])
            self.fill_markers.setData([], [])
            self.prices.show_fills(None, (), utc_now())
            self._title.setText("")
            self._stack.setCurrentWidget(self._empty)
            return
        self._stack.setCurrentWidget(self.canvas)
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

    def _redraw(self, order: Order, fills: Sequence[Fill]) -> None:
        working = order.status not in TERMINAL
        now = max(utc_now(), order.updated_ts) if working else order.updated_ts
        own = sorted(
            (fill for fill in fills if fill.client_order_id == order.client_order_id),
            key=lambda fill: fill.ts,
        )
        self._draw_fills(order, own, now)
        self.prices.show_fills(order, own, now)
        plan_x, plan_y = schedule_curve(order)
        self.schedule_curve.setData(plan_x, plan_y)
        band_x, lower, upper = pov_band(order)
        self.pov_lower.setData(band_x, lower)
        self.pov_upper.setData(band_x, upper)
        self._draw_pauses(order, now)
        self.now_line.setVisible(working)
        self.now_line.setValue(now.timestamp())
        self._sync_legend(order, has_schedule=plan_x.size > 0, has_band=band_x.size > 0)
        self._title.setText(self._title_html(order))

    def _draw_fills(self, order: Order, own: list[Fill], now: datetime) -> None:
        # A venue clock ahead of ours can date a fill before the order: start at the earlier.
        start = min(order.created_ts, own[0].ts) if own else order.created_ts
        times = np.empty(len(own) + 2)
        percents = np.empty(len(own) + 2)
        times[0], percents[0] = start.timestamp(), 0.0
        if own and order.quantity > 0:
            # Shares summed in Decimal, one float each for drawing.
            cumulative = np.array([float(q) for q in accumulate(f.quantity for f in own)])
            percents[1:-1] = np.minimum(cumulative / float(order.quantity) * 100, 100.0)
        else:
            percents[1:-1] = 0.0
        times[1:-1] = [fill.ts.timestamp() for fill in own]
        self.fill_markers.setData(times[1:-1], percents[1:-1])
        times[-1] = (max(now, own[-1].ts) if own else now).timestamp()
        percents[-1] = float(order.fill_fraction * 100)
        self.filled_curve.setData(times, percents)

    def _draw_pauses(self, order: Order, now: datetime) -> None:
        xs: list[float] = []
        ys: list[float] = []
        for start, end in order.pauses:
            left, right = start.timestamp(), (end if end is not None else now).timestamp()
            xs += [left, left, right, right]
            ys += [0.0, 100.0, 100.0, 0.0]
        self.pause_shading.setData(xs, ys)

    def _sync_legend(self, order: Order, *, has_schedule: bool, has_band: bool) -> None:
        entries: list[tuple[pg.GraphicsObject, str]] = [(self.filled_curve, "filled")]
        if has_schedule:
            entries.append((self.schedule_curve, f"{order.strategy.value} schedule"))
        if has_band and order.pov_target is not None:
            target = theme.format_decimal(order.pov_target * 100)
            band = theme.format_decimal(order.pov_target * POV_TOLERANCE * 100)
            entries.append((self.pov_band, f"POV {target}% ± {band} pp"))
        if order.pauses:
            entries.append((self.pause_shading, "paused"))
        names = tuple(name for _item, name in entries)
        if names == self._legend_names:
            return  # the usual poll: same entries, nothing to relabel
        self._legend_names = names
        self.legend.clear()
        for item, name in entries:
            self.legend.addItem(item, name)

    @staticmethod
    def _title_html(order: Order) -> str:
        side = theme.SIDE_COLOURS[order.side].name()
        status = theme.STATUS_COLOURS[order.status].name()
        dim = theme.DIM_TEXT.name()
        strategy = order.strategy.value
        if order.strategy == Strategy.POV and order.pov_target is not None:
            strategy += f" {theme.format_decimal(order.pov_target * 100)}%"
        average = (
            ""
            if order.avg_fill_px is None
            else f" · <span style='color:{dim}'>avg</span> {theme.format_price(order.avg_fill_px)}"
        )
        return (
            f"{html.escape(order.pair)} "
            f"<span style='color:{side}'>{order.side.value.upper()}</span> "
            f"{html.escape(strategy)} · {theme.format_decimal(order.quantity)} · "
            f"<span style='color:{status}'>{theme.fill_percent(order)}% filled</span>"
            f"{average} <span style='color:{dim}'>({order.status.value})</span>"
        )
