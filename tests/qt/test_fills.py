"""The fills pane: newest execution on top, exact numbers, typed sorting."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gui.domain.orders import FillKind
from gui.qt.fills import FillsColumn, FillsView
from gui.qt.tables import SORT_ROLE
from tests.qt.conftest import ModelTester
from tests.qt.factories import T0, make_fill, make_order

C = FillsColumn
ORDER = make_order(1)


@pytest.fixture
def view(qtbot: QtBot, model_tester: ModelTester) -> FillsView:
    fills = FillsView()
    qtbot.addWidget(fills)
    model_tester(fills.model)
    model_tester(fills.proxy)
    return fills


def _ids(view: FillsView, *, source: bool = False) -> list[str]:
    model = view.model if source else view.proxy
    return [model.index(row, C.FILL_ID).data() for row in range(model.rowCount())]


def test_newest_fill_is_on_top_within_and_across_batches(view: FillsView) -> None:
    inserts: list[tuple[int, int]] = []
    view.model.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))

    view.model.add([make_fill(1, ORDER, "0.1", "65000", 1), make_fill(2, ORDER, "0.1", "65001", 2)])
    view.model.add([make_fill(3, ORDER, "0.2", "65002", 3)])

    assert _ids(view, source=True) == ["f-3", "f-2", "f-1"]
    assert _ids(view) == ["f-3", "f-2", "f-1"]
    assert inserts == [(0, 1), (0, 0)]


def test_a_fill_row_shows_what_the_venue_reported(view: FillsView) -> None:
    view.model.add([make_fill(7, ORDER, "0.0500", "65000.50", 1.234)])

    row = [view.model.index(0, column).data() for column in C]

    local = (T0 + timedelta(seconds=1.234)).astimezone()
    assert row[0] == local.strftime("%H:%M:%S") + ".234"  # HH:MM:SS.mmm, local time
    assert row[1:] == [
        "treadfi",
        "BTC-USDT",
        "Buy",
        "0.05",
        "65,000.5",
        "0.0125 USDT",
        "Maker",
        "Trade",
        "od-0001",
        "f-7",
    ]
    tooltip = view.model.index(0, C.PRICE).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "Notional 3,250.025, maker"


def test_prices_sort_as_numbers(view: FillsView) -> None:
    view.model.add(
        [
            make_fill(1, ORDER, "1", "9.5", 1),
            make_fill(2, ORDER, "1", "10", 2),
            make_fill(3, ORDER, "1", "100", 3),
        ]
    )

    view.table.sortByColumn(C.PRICE, Qt.SortOrder.AscendingOrder)

    assert _ids(view) == ["f-1", "f-2", "f-3"]
    assert view.proxy.index(0, C.PRICE).data(SORT_ROLE) == Decimal("9.5")


def test_table_is_named_and_sortable(view: FillsView) -> None:
    assert view.table.objectName() == "fills.table"
    assert view.table.isSortingEnabled()
    view.model.add([])
    assert view.model.rowCount() == 0


def test_a_derived_fill_says_where_it_comes_from(view: FillsView) -> None:
    # Arrange: one fill the venue reported, one the desk derived from the order's totals.
    reported = make_fill(1, ORDER, "0.1", "65000", 1)
    derived = dataclasses.replace(
        make_fill(2, ORDER, "0.2", "65010", 2),
        kind=FillKind.DERIVED,
        fee=None,
        fee_asset="",
        liquidity="",
    )

    view.model.add([reported, derived])

    # Assert: newest (derived) on top; the Source column and its tooltip explain it.
    source = [view.proxy.index(row, C.SOURCE).data() for row in range(2)]
    assert source == ["Derived", "Trade"]
    tooltip = view.proxy.index(0, C.SOURCE).data(Qt.ItemDataRole.ToolTipRole)
    assert "Derived from the order's filled total and average price" in tooltip
    assert "no per-fill records" in tooltip
    assert "Reported by the venue" in view.proxy.index(1, C.SOURCE).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert "derived" in view.proxy.index(0, C.PRICE).data(Qt.ItemDataRole.ToolTipRole)
    assert view.model.headerData(C.SOURCE, Qt.Orientation.Horizontal) == "Source"
    view.table.sortByColumn(C.SOURCE, Qt.SortOrder.AscendingOrder)
    assert [view.proxy.index(row, C.SOURCE).data() for row in range(2)] == ["Derived", "Trade"]
