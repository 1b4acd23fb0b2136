"""The blotter benchmark's baseline: the same orders in a `QTableWidget`, cell item by cell item.

Issue 8, item 2: "a baseline that keeps the same data in a `QTableWidget` and updates cell
items one by one (the approach common in open-source trading UIs)". Each order is a row of
`QTableWidgetItem`s whose text comes from the blotter's own column specs (so both sides pay
the same formatting); an update finds the order's items by client order id and calls
`item.setText` on every cell whose text changed. Sorting is enabled, as a trader has it, so
Qt moves a row each time the text of its sort column changes.

The baseline does less than the blotter (no colours, tooltips, fonts or typed sort keys:
numbers sort as text), so the speed-up measured against it is, if anything, understated.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem, QWidget

from gui.domain.orders import Order
from gui.qt.tables import Column


class TableWidgetBlotter:
    """Orders in a sortable `QTableWidget`, one item per cell, updated item by item.

    Attributes:
        table: The widget (add it to a layout or show it).

    Args:
        columns: The blotter's column specs, in model order.
        parent: Qt parent of the widget.
    """

    def __init__(self, columns: Sequence[Column[Order]], parent: QWidget | None = None) -> None:
        self._columns = tuple(columns)
        self.table = QTableWidget(0, len(self._columns), parent)
        self.table.setHorizontalHeaderLabels([column.title for column in self._columns])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self._items: dict[str, list[QTableWidgetItem]] = {}

    def load(self, orders: Sequence[Order]) -> None:
        """Fill the table with `orders` (sorting off while filling, as such UIs do)."""
        sorting = self.table.isSortingEnabled()
        self.table.setSortingEnabled(False)
        start = self.table.rowCount()
        self.table.setRowCount(start + len(orders))
        for row, order in enumerate(orders, start):
            items = [QTableWidgetItem(column.text(order)) for column in self._columns]
            for number, item in enumerate(items):
                self.table.setItem(row, number, item)
            self._items[order.client_order_id] = items
        self.table.setSortingEnabled(sorting)

    def sort(self, column: int, order: Qt.SortOrder) -> None:
        """Turn sorting on, by `column` (by text, the widget's only way)."""
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(column, order)

    def apply(self, orders: Sequence[Order]) -> None:
        """Update known orders cell by cell (`setText` where the text changed); add new ones."""
        new: list[Order] = []
        for order in orders:
            items = self._items.get(order.client_order_id)
            if items is None:
                new.append(order)
                continue
            # The items move with their row when a re-sort moves it, so hold the items,
            # not the row number.
            for item, column in zip(items, self._columns, strict=True):
                text = column.text(order)
                if item.text() != text:
                    item.setText(text)
        if new:
            self.load(new)

    def column_texts(self, column: int) -> list[str]:
        """The texts of `column`, top to bottom (for checking the result)."""
        items = (self.table.item(row, column) for row in range(self.table.rowCount()))
        return [item.text() if item is not None else "" for item in items]
