"""The fill-progress chart: the curve is the fills, the schedule is the plan, pauses are shaded."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gui.domain.orders import OrderStatus, Side, Strategy
from gui.qt.charts import FillProgressChart, vwap_schedule
from tests.qt.factories import T0, make_fill, make_order

HOUR = timedelta(hours=1)
TWAP = make_order(
    1,
    strategy=Strategy.TWAP,
    side=Side.SELL,
    quantity=Decimal("2"),
    status=OrderStatus.FILLED,
    filled_qty=Decimal("2"),
    created_ts=T0,
    start_ts=T0,
    end_ts=T0 + HOUR,
    updated_ts=T0 + HOUR,
    pauses=((T0 + timedelta(minutes=10), T0 + timedelta(minutes=15)),),
)
FILLS = [
    make_fill(2, TWAP, "1.5", "65000", 1800),  # given out of order on purpose
    make_fill(1, TWAP, "0.5", "65000", 600),
]


@pytest.fixture
def chart(qtbot: QtBot) -> FillProgressChart:
    widget = FillProgressChart()
    qtbot.addWidget(widget)
    return widget


def _xy(item: object) -> tuple[list[float], list[float]]:
    """The data last given to a plot item (before clipping to the view or downsampling)."""
    if isinstance(item, pg.PlotDataItem):
        x, y = item.xData, item.yData
    else:
        x, y = item.getData()  # type: ignore[attr-defined]
    return ([] if x is None else list(x)), ([] if y is None else list(y))


def _ts(seconds: float) -> float:
    return (T0 + timedelta(seconds=seconds)).timestamp()


def test_nothing_selected_shows_the_empty_state(chart: FillProgressChart) -> None:
    empty = chart.findChild(QLabel, "chart.empty")
    assert empty is not None and empty.text() == "Select an order"
    assert not empty.isHidden()
    assert chart.progress_view.objectName() == "chart.progress"
    assert chart.canvas.isHidden()
    assert _xy(chart.filled_curve) == ([], [])


def test_the_curve_steps_through_the_fills_to_the_current_fill(chart: FillProgressChart) -> None:
    chart.show_order(TWAP, FILLS)

    x, y = _xy(chart.filled_curve)
    assert x == [_ts(0), _ts(600), _ts(1800), _ts(3600)]
    assert y == [0.0, 25.0, 100.0, 100.0]
    assert _xy(chart.fill_markers) == ([_ts(600), _ts(1800)], [25.0, 100.0])
    assert chart.filled_points() == 2
    assert chart.filled_curve.opts["stepMode"] == "right"  # holds each level until the next fill


def test_a_fill_dated_before_the_order_starts_the_curve(chart: FillProgressChart) -> None:
    early = make_fill(3, TWAP, "0.5", "65000", -2)  # the venue's clock runs ahead of ours

    chart.show_order(TWAP, [early])

    x, _ = _xy(chart.filled_curve)
    assert x[0] == _ts(-2) and x == sorted(x)


def test_fills_of_other_orders_are_ignored(chart: FillProgressChart) -> None:
    other = make_fill(9, make_order(2), "1", "65000", 900)

    chart.show_order(TWAP, [*FILLS, other])

    assert len(_xy(chart.fill_markers)[0]) == 2


def test_pause_spans_are_shaded(chart: FillProgressChart) -> None:
    chart.show_order(TWAP, FILLS)

    x, y = _xy(chart.pause_shading)
    assert x == [_ts(600), _ts(600), _ts(900), _ts(900)]
    assert y == [0.0, 100.0, 100.0, 0.0]
    assert chart.pause_shading.opts["fillLevel"] == 0


def test_a_pause_still_open_is_shaded_up_to_the_last_update(chart: FillProgressChart) -> None:
    paused = dataclasses.replace(
        TWAP, status=OrderStatus.CANCELED, pauses=((T0 + timedelta(minutes=10), None),)
    )

    chart.show_order(paused, FILLS)

    assert _xy(chart.pause_shading)[0][-1] == _ts(3600)


def test_twap_schedule_is_a_straight_line_over_the_window(chart: FillProgressChart) -> None:
    chart.show_order(TWAP, FILLS)

    assert _xy(chart.schedule_curve) == ([_ts(0), _ts(3600)], [0.0, 100.0])


def test_vwap_schedule_is_front_and_back_loaded(chart: FillProgressChart) -> None:
    chart.show_order(dataclasses.replace(TWAP, strategy=Strategy.VWAP), FILLS)

    x, y = _xy(chart.schedule_curve)
    assert (x[0], x[-1], y[0], y[-1]) == (_ts(0), _ts(3600), 0.0, 100.0)
    assert np.all(np.diff(y) > 0)
    # Volume is heavier at the open and close than at midday.
    u = np.array([0.0, 0.1, 0.45, 0.55, 0.9, 1.0])
    share = vwap_schedule(u)
    assert share[1] - share[0] > share[3] - share[2]
    assert share[5] - share[4] > share[3] - share[2]


def test_orders_without_a_window_have_no_schedule(chart: FillProgressChart) -> None:
    chart.show_order(make_order(3, status=OrderStatus.FILLED, filled_qty=Decimal("1")), [])

    assert _xy(chart.schedule_curve) == ([], [])
    assert _xy(chart.pause_shading) == ([], [])


def test_title_names_the_order_and_its_progress(chart: FillProgressChart) -> None:
    partial = dataclasses.replace(
        TWAP, status=OrderStatus.PARTIALLY_FILLED, filled_qty=Decimal("0.5")
    )

    chart.show_order(partial, FILLS[1:])

    title = chart.findChild(QLabel, "chart.title")
    assert title is not None
    for part in ("BTC-USDT", "SELL", "TWAP", "25.0% filled"):
        assert part in title.text()


def test_updates_redraw_the_same_items_and_ignore_other_orders(chart: FillProgressChart) -> None:
    first = dataclasses.replace(
        TWAP, status=OrderStatus.PARTIALLY_FILLED, filled_qty=Decimal("0.5")
    )
    chart.show_order(first, FILLS[1:])
    items_before = list(chart.plot.items)

    chart.update_order(make_order(2, filled_qty=Decimal("1")), [])
    assert _xy(chart.filled_curve)[1][-1] == 25.0

    chart.update_order(TWAP, FILLS)
    assert _xy(chart.filled_curve)[1] == [0.0, 25.0, 100.0, 100.0]
    assert list(chart.plot.items) == items_before

    chart.show_order(None, [])
    assert _xy(chart.filled_curve) == ([], [])
    assert chart.filled_points() == 0
    assert not chart.findChild(QLabel, "chart.empty").isHidden()
