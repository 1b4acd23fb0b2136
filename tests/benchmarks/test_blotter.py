"""Benchmark: the blotter at desk scale (DESIGN.md: 100,000 orders; a batch of 1,000 changed
orders reaches the view in well under a frame).

Measures, with the model behind its sort/filter proxy and a shown table view: the first
load of N orders, one batch of 1,000 changed orders, and a click-to-sort on quantity.
Run with `QT_QPA_PLATFORM=offscreen python -m pytest -m benchmark -s`; figures are
recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import dataclasses
import time
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from gui.domain.orders import OrderStatus
from gui.qt.blotter import BlotterColumn, BlotterView
from tests.qt.factories import make_order


@pytest.mark.benchmark
@pytest.mark.parametrize("rows", [5_000, 100_000])
def test_blotter_load_update_and_sort(qtbot: Any, rows: int) -> None:
    view = BlotterView()
    qtbot.addWidget(view)
    view.resize(1200, 600)
    orders = [make_order(number) for number in range(rows)]

    start = time.perf_counter()
    view.model.apply(orders)
    load_ms = (time.perf_counter() - start) * 1000

    changed = [
        dataclasses.replace(order, filled_qty=Decimal("0.5"), status=OrderStatus.PARTIALLY_FILLED)
        for order in orders[:: max(rows // 1000, 1)][:1000]
    ]
    start = time.perf_counter()
    view.model.apply(changed)
    update_ms = (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    view.table.sortByColumn(BlotterColumn.QUANTITY, Qt.SortOrder.DescendingOrder)
    sort_ms = (time.perf_counter() - start) * 1000

    print(
        f"\nblotter {rows:,} orders: load {load_ms:.0f} ms, 1,000 changed {update_ms:.1f} ms, "
        f"sort {sort_ms:.0f} ms"
    )
    assert view.model.rowCount() == rows
