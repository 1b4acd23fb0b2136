"""Every working order's progress at a glance: one bar per order, its plan as a tick.

Fed the orders that changed in each poll batch (`update_orders`); keeps its own map of working
orders and drops one as soon as it is terminal. Bars, ticks and labels are plot items created
once and updated in place (`setOpts`, `setData`, `setTicks`), so a busy desk with hundreds of
working orders costs one sort and a few array updates per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import pyqtgraph as pg  # type: ignore[import-untyped]  # no stubs, no py.typed
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QPainterPath
from PySide6.QtWidgets import QLabel, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from gui.domain.orders import Order, OrderStatus, Side, utc_now
from gui.qt import theme
from gui.qt.chart_schedule import expected_fraction
from gui.qt.chart_style import chart_colours, style_plot

__all__ = ["WorkingOverviewChart"]

ROW_HEIGHT_PX = 20
"""Height of one order's row, in pixels."""
_BAR_HEIGHT = 0.62  # of a row
_LABEL_AXIS_PX = 190
_VALUE_AXIS_PX = 78
_TOP_AXIS_PX = 22
# A vertical stroke with no area: drawn by its pen only, crisp at any size.
_TICK = QPainterPath(QPointF(0, -0.5))
_TICK.lineTo(QPointF(0, 0.5))


class WorkingOverviewChart(QWidget):
    """One horizontal bar per working order: filled %, with the planned % now as a tick.

    Rows are the most recent working orders first (by creation time, then client order id, so
    a row never moves while its order works), at most `max_rows` of them; a line under the
    chart says how many more there are. Each row is labelled `pair SIDE strategy · venue`;
    its bar is in the side's colour (faded while paused) and the text right of it gives the
    filled % and, for TWAP and VWAP orders, the % their schedule plans by now. The rows scroll
    when they do not fit; clicking a row emits `order_clicked`.

    Attributes:
        plot: The pyqtgraph plot (objectName `overview.plot`): x is % filled 0..100, row i
            is centred on y = i, counted from the top.
        tracks: The empty 0..100% track behind each bar.
        bars: The filled part of each bar, one per row.
        expected_ticks: The schedule's planned % now, one tick per timed row.
        more: The "+N more working orders" line (hidden when every order has a row).

    Signals:
        order_clicked(str): The client order id of the row the trader clicked.

    Args:
        parent: Qt parent.
        max_rows: Most rows drawn; older working orders are counted in `more`.
        clock: Current time (aware UTC) for the planned %; `utc_now` unless testing.
    """

    order_clicked = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        max_rows: int = 50,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(parent)
        self._max_rows = max_rows
        self._clock = clock
        self._working: dict[str, Order] = {}
        self._rows: list[str] = []
        self._labels: list[tuple[float, str]] = []
        self._brushes: dict[tuple[Side, bool], QBrush] = {}
        self._elided: dict[str, str] = {}  # full row label -> as drawn

        self.canvas = pg.PlotWidget()
        self.canvas.setObjectName("overview.plot")
        self.canvas.setToolTip(
            "Bar: % filled, in the side's colour (faded while paused).\n"
            "Tick and second number: the % a TWAP or VWAP schedule plans by now.\n"
            "Click a row to select its order."
        )
        self.plot = self.canvas.getPlotItem()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.invertY(True)
        self.plot.setXRange(0, 100, padding=0.01)
        for name in ("top", "right"):
            self.plot.showAxis(name)
        self.plot.hideAxis("bottom")
        self.plot.getAxis("left").setWidth(_LABEL_AXIS_PX)
        self.plot.getAxis("right").setWidth(_VALUE_AXIS_PX)
        self.plot.getAxis("top").setTicks([[(v, f"{v}%") for v in (0, 25, 50, 75, 100)]])
        self.plot.getAxis("top").setHeight(_TOP_AXIS_PX)
        font = QFont(self.font())
        font.setPointSizeF(8.0)
        # The axis leaves out a label wider than itself: elide instead.
        self._metrics = QFontMetrics(font)
        for name in ("left", "right", "top"):
            axis = self.plot.getAxis(name)
            axis.setStyle(tickFont=font, textFillLimits=[(0, 1.0)], tickLength=0)
        self.tracks = pg.BarGraphItem(x0=[], y=[], width=[], height=_BAR_HEIGHT, pen=None)
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=_BAR_HEIGHT, pen=None)
        self.expected_ticks = pg.ScatterPlotItem(symbol=_TICK, size=ROW_HEIGHT_PX - 4)
        for item in (self.tracks, self.bars, self.expected_ticks):
            self.plot.addItem(item)
        self.plot.scene().sigMouseClicked.connect(self._on_click)

        self._scroll = QScrollArea()
        self._scroll.setObjectName("overview.scroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self._scroll.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._scroll.setWidget(self.canvas)
        self._empty = QLabel("No working orders")
        self._empty.setObjectName("overview.empty")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setProperty("role", "empty")
        self._stack = QStackedWidget()
        self._stack.addWidget(self._empty)
        self._stack.addWidget(self._scroll)
        self.more = QLabel()
        self.more.setObjectName("overview.more")
        self.more.setProperty("role", "caption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self._stack)
        layout.addWidget(self.more)
        self.refresh_colours()
        self._redraw()

    def update_orders(self, orders: Sequence[Order]) -> None:
        """Take newer snapshots of orders: working ones are (re)drawn, terminal ones dropped.

        Call with the orders that changed (a poll batch) or with every order at start-up.

        Args:
            orders: Orders in any status, any order; ids not seen before add rows.
        """
        for order in orders:
            if order.is_terminal:
                self._working.pop(order.client_order_id, None)
            else:
                self._working[order.client_order_id] = order
        self._redraw()

    def working_ids(self) -> list[str]:
        """Client order ids of the rows drawn, top to bottom."""
        return list(self._rows)

    def row_labels(self) -> list[str]:
        """The label of each row drawn, top to bottom."""
        return [text for _y, text in self._labels]

    def refresh_colours(self) -> None:
        """Repaint from the current theme (call after a theme change); items are kept."""
        colours = chart_colours()
        self._colours = colours
        self._brushes.clear()
        self.canvas.setBackground(colours.background)
        style_plot(self.plot, colours)
        self.plot.showGrid(x=True, y=False, alpha=0.10)
        self.plot.getAxis("left").setWidth(_LABEL_AXIS_PX)
        for name in ("top", "right"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(colours.border))
            axis.setTextPen(pg.mkPen(colours.dim_text))
        self.plot.getAxis("left").setTextPen(pg.mkPen(colours.text))
        self.tracks.setOpts(brush=theme.with_alpha(colours.raised, 255))
        self.expected_ticks.setPen(pg.mkPen(colours.text, width=2))
        self.expected_ticks.setBrush(pg.mkBrush(None))
        self._redraw()

    def _visible_orders(self) -> list[Order]:
        newest_first = sorted(
            self._working.values(),
            key=lambda order: (order.created_ts, order.client_order_id),
            reverse=True,
        )
        return newest_first[: self._max_rows]

    def _redraw(self) -> None:
        orders = self._visible_orders()
        self._rows = [order.client_order_id for order in orders]
        now = self._clock()
        rows = list(range(len(orders)))
        filled = [float(order.fill_fraction * 100) for order in orders]
        self.tracks.setOpts(x0=[0.0] * len(rows), y=rows, width=[100.0] * len(rows))
        self.bars.setOpts(
            x0=[0.0] * len(rows),
            y=rows,
            width=filled,
            brushes=[self._bar_brush(order) for order in orders],
        )
        ticks_x: list[float] = []
        ticks_y: list[int] = []
        values: list[tuple[float, str]] = []
        for row, order in enumerate(orders):
            # A venue clock ahead of ours (the sandbox runs fast) dates its reports later:
            # the later of the two, as the progress chart does.
            planned = expected_fraction(order, max(now, order.updated_ts))
            text = f"{theme.fill_percent(order)}%"
            if planned is not None:
                ticks_x.append(float(planned * 100))
                ticks_y.append(row)
                text += f" / {planned * 100:.0f}%"
            values.append((row, text))
        self.expected_ticks.setData(ticks_x, ticks_y)
        labels = [(float(row), self._row_label(order)) for row, order in enumerate(orders)]
        if labels != self._labels:
            self._labels = labels
            self.plot.getAxis("left").setTicks([labels, []])
        self.plot.getAxis("right").setTicks([values, []])
        self._fit_rows(len(orders))
        hidden = len(self._working) - len(orders)
        self.more.setText(f"+{hidden} more working orders (oldest)" if hidden > 0 else "")
        self.more.setVisible(hidden > 0)
        self._stack.setCurrentWidget(self._scroll if orders else self._empty)

    def _bar_brush(self, order: Order) -> QBrush:
        key = (order.side, order.status == OrderStatus.PAUSED)
        brush = self._brushes.get(key)
        if brush is None:
            colour = self._colours.side(order.side)
            brush = QBrush(theme.with_alpha(colour, 90 if key[1] else 220))
            self._brushes[key] = brush
        return brush

    def _fit_rows(self, count: int) -> None:
        self.plot.setYRange(-0.5, max(count, 1) - 0.5, padding=0)
        height = _TOP_AXIS_PX + max(count, 1) * ROW_HEIGHT_PX + 6
        if self.canvas.maximumHeight() != height:
            self.canvas.setFixedHeight(height)

    def _on_click(self, event: object) -> None:
        position: QPointF = event.scenePos()  # type: ignore[attr-defined]
        if not self.plot.sceneBoundingRect().contains(position):
            return
        row = round(self.plot.vb.mapSceneToView(position).y())
        if 0 <= row < len(self._rows):
            self.order_clicked.emit(self._rows[row])

    def _row_label(self, order: Order) -> str:
        text = f"{order.pair} {order.side.value.upper()} {order.strategy.value} · {order.venue}"
        label = self._elided.get(text)
        if label is None:
            label = self._metrics.elidedText(text, Qt.TextElideMode.ElideRight, _LABEL_AXIS_PX - 14)
            self._elided[text] = label
        return label
