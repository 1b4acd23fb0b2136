"""The blotter: every order, one row each, updated in batches without ever resetting the model.

`BlotterModel` (`gui.qt.blotter_model`) maps orders to rows by client order id;
`BlotterProxy` (a `RecordSortProxy`) sorts on typed keys and filters with one compiled
predicate, once per batch rather than per comparison; `BlotterView` is the table under its
toolbar (`gui.qt.blotter_toolbar`): search, Working / Done / All, venue, status and side
filters, column chooser, legend, CSV export and Ctrl+C.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLineEdit, QTableView, QVBoxLayout, QWidget

from gui.domain.orders import Order
from gui.qt.blotter_columns import PIN_MARK, BlotterColumn
from gui.qt.blotter_filters import BlotterFilter
from gui.qt.blotter_model import BlotterModel
from gui.qt.blotter_toolbar import BlotterToolbar
from gui.qt.delegates import ProgressBarDelegate
from gui.qt.record_proxy import RecordSortProxy
from gui.qt.table_export import (
    CsvExporter,
    open_export_dialog,
    tsv_text,
    visible_columns,
    write_csv,
)
from gui.qt.table_tools import add_copy_action, install_column_chooser
from gui.qt.tables import SORT_ROLE, Column, configure_table

__all__ = ["PIN_MARK", "SORT_ROLE", "BlotterColumn", "BlotterModel", "BlotterProxy", "BlotterView"]


class BlotterProxy(RecordSortProxy):
    """Sorts the blotter on typed keys and shows the orders one predicate accepts.

    A `RecordSortProxy`: sorting 100,000 orders is one Python sort over precomputed keys,
    and a batch of changed orders is merged back in by binary search (issue 8, item 2).
    The predicate (from `BlotterFilter.predicate`) is set once per filter change and called
    once per row then, and once per changed order in each batch.

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._accept: Callable[[Order], bool] | None = None

    def set_row_filter(
        self, accept: Callable[[Order], bool] | None, *, narrowing: bool = False
    ) -> None:
        """Show the orders `accept` returns True for (every order for None), and re-filter.

        Args:
            accept: The predicate, or None to show every order.
            narrowing: `accept` keeps no order the previous predicate hid (see
                `BlotterFilter.narrows`): only the orders shown now are checked.
        """
        if accept is self._accept:
            return
        self._accept = accept
        self.invalidate_filter(narrowing=narrowing and accept is not None)

    def row_filter(self) -> Callable[[Order], bool] | None:
        """The predicate set by `set_row_filter`; None shows every order."""
        return self._accept


class BlotterView(QWidget):
    """The blotter pane: a toolbar over a sortable, filterable, multi-select order table.

    The table's context menu policy is `CustomContextMenu`: connect
    `table.customContextMenuRequested` to show actions for `selected_orders()` (and add
    `copy_action` and `export_action` to that menu). Right-click on the header chooses the
    columns; hidden columns are saved with `header_state()`.

    Signals:
        selection_changed(list[Order]): The selected orders changed, or one of them was updated;
            in display order.
        current_order_changed(Order | None): The current (focused) order changed or was updated.
        order_activated(Order): The trader double-clicked (or pressed Enter on) an order.
        exported(Path, int): The Export dialog wrote this file with this many orders.
        export_failed(str): The Export dialog could not write its file; the reason (also
            shown to the trader in a message box).

    Attributes:
        model: The source model; feed it with `model.apply(orders)`.
        proxy: The sorting/filtering proxy between model and table.
        table: The table view (objectName `blotter.table`).
        toolbar: Search, presets, filters, count, legend, export (`gui.qt.blotter_toolbar`).
        copy_action: "Copy rows" (Ctrl+C while the table has focus).
        export_action: "Export blotter to CSV…": opens the non-modal save dialog.
        find_action: "Find in blotter" (Ctrl+F anywhere in the window): focuses the search.

    Args:
        parent: Qt parent.
        model: The model to show; a new empty one if None.
    """

    selection_changed = Signal(object)
    current_order_changed = Signal(object)
    order_activated = Signal(object)
    exported = Signal(object, int)
    export_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, model: BlotterModel | None = None) -> None:
        super().__init__(parent)
        self.model = model if model is not None else BlotterModel(self)
        self.proxy = BlotterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.toolbar = BlotterToolbar()
        self._venues: set[str] = set()
        self._export_directory: str | None = None
        self._exporter = CsvExporter(self, "Export blotter")
        self._exporter.exported.connect(self.exported)
        self._exporter.failed.connect(
            lambda path, reason: self.export_failed.emit(f"Could not write {path}: {reason}")
        )
        self._applied = BlotterFilter()  # what the proxy filters by now

        self.table = QTableView()
        self.table.setObjectName("blotter.table")
        self.table.setModel(self.proxy)
        configure_table(self.table, self.model.columns)
        self.table.setItemDelegateForColumn(
            BlotterColumn.FILLED_PCT, ProgressBarDelegate(SORT_ROLE, self.table)
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.horizontalHeader()
        header.moveSection(header.visualIndex(BlotterColumn.PINNED), 0)  # the mark leads the row
        self.table.sortByColumn(BlotterColumn.TIME, Qt.SortOrder.DescendingOrder)
        install_column_chooser(self.table, "blotter.column_menu")

        self.copy_action = add_copy_action(self.table, self.copy_selected_rows)
        self.export_action = QAction("Export blotter to CSV…", self)
        self.export_action.setObjectName("blotter.export_csv")
        self.export_action.triggered.connect(lambda _checked=False: self.open_export_dialog())
        self.toolbar.export.clicked.connect(self.export_action.trigger)
        self.find_action = QAction("Find in blotter", self)
        self.find_action.setObjectName("blotter.find")
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.find_action.triggered.connect(lambda _checked=False: self.focus_search())
        self.addAction(self.find_action)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.table)

        self.toolbar.filter_changed.connect(self._on_filter_changed)
        self.toolbar.search.escaped.connect(self.table.setFocus)
        self.table.activated.connect(
            lambda index: self.order_activated.emit(self._order_at_proxy_row(index.row()))
        )
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(self._on_selection_changed)
        selection.currentRowChanged.connect(self._on_current_row_changed)
        self.model.orders_changed.connect(self._on_orders_changed)
        self.model.rowsInserted.connect(self._on_rows_inserted)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.layoutChanged):
            signal.connect(self._update_count)
        self._update_count()

    @property
    def search(self) -> QLineEdit:
        """The search box (`toolbar.search`, objectName `blotter.search`)."""
        return self.toolbar.search

    @property
    def filter(self) -> BlotterFilter:
        """The search and filters in force."""
        return self.toolbar.filter

    def set_filter(self, new: BlotterFilter) -> None:
        """Show the orders `new` accepts, and show `new` in the toolbar."""
        self.toolbar.set_filter(new, emit=True)

    def focus_search(self) -> None:
        """Put the keyboard focus in the search box, its text selected (what Ctrl+F does)."""
        self.toolbar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.toolbar.search.selectAll()

    def selected_orders(self) -> list[Order]:
        """The selected orders, in display order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self._order_at_proxy_row(row) for row in rows]

    def shown_orders(self) -> Iterator[Order]:
        """Every order the blotter shows (after search and filters), in display order."""
        records = self.model.records
        return (records[row] for row in self.proxy.source_rows())

    def current_order(self) -> Order | None:
        """The current (focused) order, or None."""
        index = self.table.selectionModel().currentIndex()
        return self._order_at_proxy_row(index.row()) if index.isValid() else None

    def select_client_order_ids(self, ids: Iterable[str]) -> None:
        """Select exactly these orders (those shown by the filter) and make the first current.

        Args:
            ids: Client order ids; unknown or filtered-out ids are ignored.
        """
        selection = QItemSelection()
        first: QModelIndex | None = None
        for client_order_id in ids:
            row = self.model.row_of(client_order_id)
            if row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                selection.select(index, index)
                first = index if first is None else first
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().select(selection, flags)
        if first is not None:
            self.table.selectionModel().setCurrentIndex(
                first, QItemSelectionModel.SelectionFlag.NoUpdate
            )
            self.table.scrollTo(first)

    def visible_columns(self) -> list[Column[Order]]:
        """The columns shown, in on-screen order (hidden ones left out)."""
        return [self.model.columns[column] for column in visible_columns(self.table)]

    def export_csv(self, path: Path) -> int:
        """Write exactly what the blotter shows to a CSV file.

        The orders shown (after search and filters) in display order, the visible columns
        in on-screen order, under a header line of column titles. Quantities and prices
        are exact Decimal strings, times ISO-8601 UTC, other cells as displayed (see
        `gui.qt.table_export.export_text`). UTF-8 with a byte-order mark.

        Args:
            path: The file to create or overwrite.

        Returns:
            The number of orders written.

        Raises:
            OSError: The file could not be written.
        """
        return write_csv(path, self.visible_columns(), self.shown_orders())

    def copy_selected_rows(self) -> int:
        """Put the selected orders on the clipboard as tab-separated text (what Ctrl+C does).

        A header line of the visible columns' titles, then one line per selected order in
        display order, values as in `export_csv`. Nothing is copied with no selection.

        Returns:
            The number of orders copied.
        """
        orders = self.selected_orders()
        if orders:
            QGuiApplication.clipboard().setText(tsv_text(self.visible_columns(), orders))
        return len(orders)

    def open_export_dialog(self) -> QFileDialog:
        """Ask for a file (non-modal dialog), then write `export_csv`'s content to it.

        The rows are taken when the file is chosen and written on a worker thread (no GUI
        stall at 100,000 rows); `exported` or `export_failed` follows.
        """
        stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        return open_export_dialog(
            self, "Export blotter", f"blotter-{stamp}.csv", self._export_to, self._export_directory
        )

    def header_state(self) -> QByteArray:
        """The column order, widths, hidden columns and sort column, for saving in settings."""
        return self.table.horizontalHeader().saveState()

    def restore_header_state(self, state: QByteArray) -> bool:
        """Restore what `header_state` saved; returns False if `state` was not usable."""
        return self.table.horizontalHeader().restoreState(state)

    def view_state(self) -> dict[str, Any]:
        """The preset and filters (not the search text), JSON-serialisable, for the settings.

        Returns:
            `{"preset": "working" | "done" | "all" | None, "statuses": [...],
            "hidden_venues": [...], "sides": [...]}` (see `BlotterFilter.to_state`).
        """
        return self.filter.to_state()

    def restore_view_state(self, state: Mapping[str, Any]) -> None:
        """Apply what `view_state` returned; unknown or malformed entries are ignored.

        The search text is kept as it is.
        """
        self.set_filter(BlotterFilter.from_state(state, search=self.filter.search))

    def _export_to(self, path: Path) -> None:
        self._export_directory = str(path.parent)
        self._exporter.start(path, self.visible_columns(), list(self.shown_orders()))

    def _order_at_proxy_row(self, row: int) -> Order:
        return self.model.order_at(self.proxy.source_row(row))

    def _on_filter_changed(self, new: BlotterFilter) -> None:
        self.proxy.set_row_filter(new.predicate(), narrowing=new.narrows(self._applied))
        self._applied = new

    def _on_rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        venues = {order.venue for order in self.model.records[first : last + 1]}
        new = venues - self._venues
        if new:
            self._venues |= new
            self.toolbar.add_venues(sorted(new))

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.selection_changed.emit(self.selected_orders())

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_order_changed.emit(
            self._order_at_proxy_row(current.row()) if current.isValid() else None
        )

    def _on_orders_changed(self, client_order_ids: frozenset[str]) -> None:
        selected = self.selected_orders()
        if any(order.client_order_id in client_order_ids for order in selected):
            self.selection_changed.emit(selected)
        current = self.current_order()
        if current is not None and current.client_order_id in client_order_ids:
            self.current_order_changed.emit(current)

    def _update_count(self) -> None:
        self.toolbar.count.setText(f"{self.proxy.rowCount():,} of {self.model.rowCount():,} orders")
