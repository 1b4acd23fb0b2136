"""The working-orders overview: one bar per working order, newest first, updated in place."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gui.domain.orders import Order, OrderStatus, Side, Strategy
from gui.qt.overview_chart import WorkingOverviewChart
from tests.qt.factories import T0, make_order

NOW = T0 + timedelta(minutes=30)


def _chart(qtbot: QtBot, max_rows: int = 50) -> WorkingOverviewChart:
    widget = WorkingOverviewChart(max_rows=max_rows, clock=lambda: NOW)
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def chart(qtbot: QtBot) -> WorkingOverviewChart:
    return _chart(qtbot)


def _twap(number: int, filled: str = "0") -> Order:
    return make_order(
        number,
        strategy=Strategy.TWAP,
        filled_qty=Decimal(filled),
        status=OrderStatus.PARTIALLY_FILLED if Decimal(filled) else OrderStatus.WORKING,
        start_ts=T0,
        end_ts=T0 + timedelta(hours=1),
    )


def _bars(chart: WorkingOverviewChart) -> list[float]:
    return [float(width) for width in chart.bars.opts["width"]]


def test_no_working_orders_shows_the_empty_state(chart: WorkingOverviewChart) -> None:
    empty = chart.findChild(QLabel, "overview.empty")

    chart.update_orders([make_order(1, status=OrderStatus.FILLED, filled_qty=Decimal("1"))])

    assert empty is not None and not empty.isHidden()
    assert chart.working_ids() == []


def test_shows_exactly_the_working_orders_newest_first(chart: WorkingOverviewChart) -> None:
    orders = [
        _twap(1, "0.25"),
        make_order(3, side=Side.SELL, venue="kucoin"),
        make_order(2, status=OrderStatus.CANCELED),
    ]

    chart.update_orders(orders)

    assert chart.working_ids() == ["od-0003", "od-0001"]
    assert chart.row_labels() == ["BTC-USDT SELL Limit · kucoin", "BTC-USDT BUY TWAP · treadfi"]
    assert _bars(chart) == [0.0, 25.0]
    empty = chart.findChild(QLabel, "overview.empty")
    assert empty is not None and not empty.isVisible()


def test_a_finished_order_is_dropped_and_the_rest_keep_their_rows(
    chart: WorkingOverviewChart,
) -> None:
    chart.update_orders([_twap(1), _twap(2), _twap(3)])

    chart.update_orders([dataclasses.replace(_twap(2), status=OrderStatus.FILLED)])

    assert chart.working_ids() == ["od-0003", "od-0001"]


def test_updates_change_the_same_items_in_place(chart: WorkingOverviewChart) -> None:
    chart.update_orders([_twap(1), _twap(2, "0.1")])
    items = [chart.tracks, chart.bars, chart.expected_ticks, *chart.plot.items]

    chart.update_orders([_twap(2, "0.6")])  # a poll batch carries only what changed

    assert [chart.tracks, chart.bars, chart.expected_ticks, *chart.plot.items] == items
    assert all(a is b for a, b in zip(chart.plot.items, items[3:], strict=True))
    assert _bars(chart) == [60.0, 0.0]


def test_timed_orders_tick_where_their_schedule_is_now(chart: WorkingOverviewChart) -> None:
    chart.update_orders([_twap(1, "0.2"), make_order(2)])

    x, y = chart.expected_ticks.getData()
    assert list(x) == [50.0] and list(y) == [1.0]  # half an hour into the hour; row 1
    values = chart.plot.getAxis("right")._tickLevels[0]
    assert [text for _row, text in values] == ["0.0%", "20.0% / 50%"]


def test_bars_take_the_side_colour(chart: WorkingOverviewChart) -> None:
    chart.update_orders([make_order(1), make_order(2, side=Side.SELL)])

    buy, sell = (brush.color().name() for brush in chart.bars.opts["brushes"][::-1])
    assert (buy, sell) == ("#35c27a", "#f0565e")


def test_hundreds_of_orders_show_the_newest_and_count_the_rest(qtbot: QtBot) -> None:
    chart = _chart(qtbot, max_rows=30)

    chart.update_orders([make_order(n) for n in range(1, 301)])

    assert len(chart.working_ids()) == 30
    assert chart.working_ids()[0] == "od-0300"
    assert chart.more.text() == "+270 more working orders (oldest)"
    assert len(_bars(chart)) == 30


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_clicking_a_row_names_its_order(qtbot: QtBot, chart: WorkingOverviewChart) -> None:
    chart.resize(500, 300)
    chart.show()
    chart.update_orders([_twap(1), _twap(2), _twap(3)])
    qtbot.waitExposed(chart)
    view = chart.plot.vb
    centre = view.mapViewToScene(QPointF(50, 1))  # the middle row: od-0002
    widget_pos = chart.canvas.mapFromScene(centre)

    with qtbot.waitSignal(chart.order_clicked) as clicked:
        qtbot.mouseClick(chart.canvas.viewport(), Qt.MouseButton.LeftButton, pos=widget_pos)

    assert clicked.args == ["od-0002"]
