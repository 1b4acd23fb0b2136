"""Fill prices of one order over time, against its limit price and its running average price.

The lower panel of `FillProgressChart`, sharing its time axis. Decimal prices become floats
here and only here, as plot coordinates; the running average is summed in Decimal first.
Every plot item is created once; updates call `setData`/`setValue`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import pyqtgraph as pg  # type: ignore[import-untyped]  # no stubs, no py.typed
from PySide6.QtCore import Qt

from gui.domain.orders import Fill, Order
from gui.qt import theme
from gui.qt.chart_style import ChartColours, PriceAxis, compact_legend, style_plot

__all__ = ["FillPricePlot", "running_average"]

_PRICE_PADDING = 0.12


def running_average(fills: Sequence[Fill]) -> list[Decimal]:
    """The volume-weighted average price after each fill, in quote per base unit.

    Args:
        fills: One order's fills, in time order.

    Returns:
        One average per fill: `sum(quantity * price) / sum(quantity)` over the fills so far
        (the fill's own price while the quantity so far is zero).
    """
    averages: list[Decimal] = []
    quantity = Decimal(0)
    notional = Decimal(0)
    for fill in fills:
        quantity += fill.quantity
        notional += fill.quantity * fill.price
        averages.append(notional / quantity if quantity > 0 else fill.price)
    return averages


class FillPricePlot(pg.PlotItem):  # type: ignore[misc]
    """Each fill's price as a dot, the running average as a step line, the limit as a line.

    x is UTC epoch seconds shown as local time of day; y is quote per base unit. The y range
    always takes in the limit price, so a trader sees how far inside the limit the fills came.

    Attributes:
        fill_prices: One dot per fill at (fill time, fill price), in the order's side colour.
        average_price: Step line of the running average fill price, held to the last update.
        limit_line: Horizontal line at the limit price, hidden when the order has none.
        legend: The legend row above the plot area (never over the data).

    Args:
        colours: From `chart_colours()`.
    """

    def __init__(self, colours: ChartColours) -> None:
        super().__init__(axisItems={"bottom": pg.DateAxisItem(), "left": PriceAxis("left")})
        self.setMouseEnabled(x=True, y=False)
        self.legend = compact_legend()
        self.layout.removeItem(self.titleLabel)
        self.layout.addItem(self.legend, 0, 1, alignment=Qt.AlignmentFlag.AlignLeft)
        self.average_price = self.plot(stepMode="right")
        self.fill_prices = pg.ScatterPlotItem(size=7)
        self.addItem(self.fill_prices)
        self.limit_line = pg.InfiniteLine(angle=0, movable=False)
        self.limit_line.setVisible(False)
        self.addItem(self.limit_line, ignoreBounds=True)
        self.legend.addItem(self.fill_prices, "fill price")
        self.legend.addItem(self.average_price, "average")
        self.legend.addItem(self.limit_line, "limit")
        self._has_limit = True
        self.refresh_colours(colours)

    def refresh_colours(self, colours: ChartColours) -> None:
        """Repaint with `colours` (after a theme change); items are kept."""
        style_plot(self, colours)
        self.legend.setLabelTextColor(colours.text)
        self.average_price.setPen(pg.mkPen(colours.text, width=1.5))
        self.limit_line.setPen(pg.mkPen(colours.limit, width=1.5, style=Qt.PenStyle.DashLine))
        self._colours = colours
        self.fill_prices.setPen(pg.mkPen(colours.background))

    def show_fills(self, order: Order | None, fills: Sequence[Fill], until: datetime) -> None:
        """Draw `fills` of `order` (None: clear the panel).

        Args:
            order: The charted order, or None.
            fills: Its own fills, in time order.
            until: Where the average line ends (now, or the last update once terminal).
        """
        if order is None:
            self.fill_prices.setData([], [])
            self.average_price.setData([], [])
            self.limit_line.setVisible(False)
            return
        times = [fill.ts.timestamp() for fill in fills]
        prices = [float(fill.price) for fill in fills]
        self.fill_prices.setData(times, prices, brush=pg.mkBrush(self._colours.side(order.side)))
        averages = [float(average) for average in running_average(fills)]
        if fills:
            end = max(until, fills[-1].ts).timestamp()
            self.average_price.setData([*times, end], [*averages, averages[-1]])
        else:
            self.average_price.setData([], [])
        self._show_limit(order.limit_price)
        self._fit_prices(prices, order.limit_price)

    def _show_limit(self, limit_price: Decimal | None) -> None:
        has_limit = limit_price is not None
        if has_limit != self._has_limit:
            # Relabel the legend only when the line comes or goes, not on every poll.
            if has_limit:
                self.legend.addItem(self.limit_line, "limit")
            else:
                self.legend.removeItem(self.limit_line)
            self._has_limit = has_limit
        self.limit_line.setVisible(has_limit)
        if limit_price is not None:
            self.limit_line.setValue(float(limit_price))
            label = self.legend.getLabel(self.limit_line)
            text = f"limit {theme.format_decimal(limit_price)}"
            if label is not None and label.text != text:
                label.setText(text)

    def _fit_prices(self, prices: list[float], limit_price: Decimal | None) -> None:
        values = [*prices, *([] if limit_price is None else [float(limit_price)])]
        if not values:
            return
        low, high = min(values), max(values)
        span = high - low if high > low else max(abs(high) * 0.002, 1e-9)
        pad = span * _PRICE_PADDING
        self.setYRange(low - pad, high + pad, padding=0)
