"""The selected order's chart beyond the fills curve: POV band, fill prices, limit line, legend,
and updates that redraw the same plot items instead of making new ones."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pyqtgraph as pg  # type: ignore[import-untyped]
import pytest
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from gui.domain.orders import OrderStatus, Side, Strategy
from gui.qt import theme
from gui.qt.chart_schedule import POV_TOLERANCE, expected_fraction, order_window
from gui.qt.charts import FillProgressChart
from gui.qt.price_chart import running_average
from tests.qt.factories import T0, make_fill, make_order

HOUR = timedelta(hours=1)
TWAP = make_order(
    1,
    strategy=Strategy.TWAP,
    quantity=Decimal("2"),
    status=OrderStatus.PARTIALLY_FILLED,
    filled_qty=Decimal("0.5"),
    created_ts=T0,
    start_ts=T0,
    end_ts=T0 + HOUR,
    updated_ts=T0 + timedelta(minutes=20),
    limit_price=Decimal("65100"),
    pauses=((T0 + timedelta(minutes=5), T0 + timedelta(minutes=8)),),
)
POV = make_order(
    2,
    strategy=Strategy.POV,
    side=Side.SELL,
    pov_target=Decimal("0.1"),
    limit_price=None,
    created_ts=T0,
    duration_s=3600,  # no venue times: the window comes from the duration asked for
)


@pytest.fixture
def chart(qtbot: QtBot) -> FillProgressChart:
    widget = FillProgressChart()
    qtbot.addWidget(widget)
    return widget


def _xy(item: pg.PlotDataItem | pg.ScatterPlotItem) -> tuple[list[float], list[float]]:
    if isinstance(item, pg.PlotDataItem):
        x, y = item.xData, item.yData
    else:
        x, y = item.getData()
    return ([] if x is None else list(x)), ([] if y is None else list(y))


def _ts(seconds: float) -> float:
    return (T0 + timedelta(seconds=seconds)).timestamp()


def _legend(chart: FillProgressChart) -> list[str]:
    names = [label.text for _sample, label in chart.legend.items]
    return names + [label.text for _sample, label in chart.prices.legend.items]


def test_pov_band_spans_the_window_around_the_even_pace(chart: FillProgressChart) -> None:
    chart.show_order(POV, [make_fill(1, POV, "0.2", "3500", 600)])

    x, lower = _xy(chart.pov_lower)
    _, upper = _xy(chart.pov_upper)
    assert (x[0], x[-1]) == (_ts(0), _ts(3600))
    tolerance = float(POV_TOLERANCE)
    assert lower[0] == upper[0] == 0.0
    assert lower[-1] == pytest.approx(100 * (1 - tolerance))
    assert upper[-1] == 100.0  # capped: an order never fills past its quantity
    assert all(low <= high for low, high in zip(lower, upper, strict=True))
    assert _xy(chart.schedule_curve) == ([], [])  # POV has a band, not a schedule line
    assert "POV 10% ± 2 pp" in _legend(chart)


def test_timed_orders_have_no_pov_band(chart: FillProgressChart) -> None:
    chart.show_order(TWAP, [])

    assert _xy(chart.pov_upper) == ([], [])
    assert "TWAP schedule" in _legend(chart)
    assert not any(name.startswith("POV") for name in _legend(chart))


def test_a_pov_order_without_a_window_has_no_band(chart: FillProgressChart) -> None:
    chart.show_order(dataclasses.replace(POV, duration_s=None), [])

    assert _xy(chart.pov_upper) == ([], [])
    assert _legend(chart)[0] == "filled"


def test_fill_prices_are_dots_at_each_fill_against_the_limit(chart: FillProgressChart) -> None:
    fills = [make_fill(2, TWAP, "0.3", "65010.5", 900), make_fill(1, TWAP, "0.2", "64990", 300)]

    chart.show_order(TWAP, fills)

    assert _xy(chart.prices.fill_prices) == ([_ts(300), _ts(900)], [64990.0, 65010.5])
    assert chart.prices.limit_line.isVisible()
    assert chart.prices.limit_line.value() == 65100.0
    assert "limit 65,100" in _legend(chart)
    low, high = chart.prices.viewRange()[1]
    assert low < 64990.0 and high > 65100.0  # the limit is in view with the fills


def test_average_price_steps_through_the_running_average(chart: FillProgressChart) -> None:
    fills = [make_fill(1, TWAP, "0.1", "65000", 300), make_fill(2, TWAP, "0.3", "65040", 900)]

    chart.show_order(dataclasses.replace(TWAP, status=OrderStatus.CANCELED), fills)

    x, y = _xy(chart.prices.average_price)
    assert x == [_ts(300), _ts(900), _ts(1200)]  # held to the order's last update
    assert y == [65000.0, 65030.0, 65030.0]
    assert chart.prices.average_price.opts["stepMode"] == "right"
    assert running_average(fills) == [Decimal("65000"), Decimal("65030")]


def test_an_order_without_a_limit_hides_the_line(chart: FillProgressChart) -> None:
    chart.show_order(POV, [])

    assert not chart.prices.limit_line.isVisible()
    assert not any(name.startswith("limit") for name in _legend(chart))


def test_paused_span_is_in_the_legend_only_when_the_order_paused(chart: FillProgressChart) -> None:
    chart.show_order(TWAP, [])
    assert "paused" in _legend(chart)

    chart.show_order(dataclasses.replace(TWAP, pauses=()), [])
    assert "paused" not in _legend(chart)
    assert _xy(chart.pause_shading) == ([], [])


def _items(chart: FillProgressChart) -> list[object]:
    return [
        chart.filled_curve,
        chart.fill_markers,
        chart.schedule_curve,
        chart.pov_lower,
        chart.pov_upper,
        chart.pov_band,
        chart.pause_shading,
        chart.now_line,
        chart.prices.fill_prices,
        chart.prices.average_price,
        chart.prices.limit_line,
        *chart.plot.items,
        *chart.prices.items,
    ]


def test_polls_update_the_same_items_with_the_new_fills(chart: FillProgressChart) -> None:
    first = [make_fill(1, TWAP, "0.5", "65000", 300)]
    chart.show_order(TWAP, first)
    before = _items(chart)

    # Arrange: the next poll brings a fill and a new limit.
    later = dataclasses.replace(TWAP, filled_qty=Decimal("1"), limit_price=Decimal("65200"))
    fills = [*first, make_fill(2, later, "0.5", "65080", 1100)]
    for _poll in range(3):
        chart.update_order(later, fills)

    after = _items(chart)
    assert len(after) == len(before)
    assert all(new is old for new, old in zip(after, before, strict=True))
    assert _xy(chart.fill_markers)[1] == [25.0, 50.0]
    assert _xy(chart.prices.fill_prices)[1] == [65000.0, 65080.0]
    assert chart.prices.limit_line.value() == 65200.0
    assert "limit 65,200" in _legend(chart)


def test_a_theme_change_repaints_without_new_items(
    chart: FillProgressChart, monkeypatch: pytest.MonkeyPatch
) -> None:
    chart.show_order(TWAP, [])
    before = _items(chart)
    monkeypatch.setattr(theme, "BASE", QColor("#ffffff"))

    chart.refresh_colours()

    assert chart.progress_view.backgroundBrush().color() == QColor("#ffffff")
    assert chart.prices_view.backgroundBrush().color() == QColor("#ffffff")
    assert all(new is old for new, old in zip(_items(chart), before, strict=True))


def test_window_and_expected_share_follow_the_schedule() -> None:
    assert order_window(POV) == (T0, T0 + HOUR)
    assert order_window(make_order(3, strategy=Strategy.LIMIT)) is None
    assert expected_fraction(TWAP, T0 + timedelta(minutes=15)) == Decimal("0.25")
    assert expected_fraction(TWAP, T0 - HOUR) == 0
    assert expected_fraction(TWAP, T0 + 2 * HOUR) == 1
    assert expected_fraction(POV, T0 + timedelta(minutes=15)) is None
