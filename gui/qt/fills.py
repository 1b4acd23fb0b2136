"""The fills pane: every execution, newest first; export to CSV, copy rows, choose columns.

A fill is either reported by the venue (Source "Trade") or derived by the desk from the
order's filled total and average price, for venues that report no per-fill records (Source
"Derived", `FillKind.DERIVED`; see `gui.domain.aggregates`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QByteArray, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QColor, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMenu, QTableView, QVBoxLayout, QWidget

from gui.domain.orders import Fill, FillKind
from gui.qt import theme
from gui.qt.record_proxy import RecordSortProxy
from gui.qt.table_export import (
    CsvExporter,
    open_export_dialog,
    tsv_text,
    visible_columns,
    write_csv,
)
from gui.qt.table_tools import add_copy_action, install_column_chooser
from gui.qt.tables import (
    Column,
    ColumnId,
    RecordTableModel,
    configure_table,
    decimal_column,
    text_column,
    time_column,
)

__all__ = ["SOURCE_TEXT", "SOURCE_TOOLTIPS", "FillsColumn", "FillsModel", "FillsView"]


class FillsColumn(ColumnId):
    """Fills columns in model order; `key` is the stable, untranslated identifier."""

    TIME = 0
    VENUE = 1
    PAIR = 2
    SIDE = 3
    QUANTITY = 4
    PRICE = 5
    FEE = 6
    LIQUIDITY = 7
    SOURCE = 8
    ORDER = 9
    FILL_ID = 10


def _fee_text(fill: Fill) -> str:
    if fill.fee is None:
        return ""
    return f"{theme.format_decimal(fill.fee)} {fill.fee_asset}".rstrip()


def _fee_export(fill: Fill) -> str:
    if fill.fee is None:
        return ""
    return f"{fill.fee:f} {fill.fee_asset}".rstrip()


def _fill_tooltip(fill: Fill) -> str:
    notional = theme.format_decimal(fill.notional)
    liquidity = f", {fill.liquidity}" if fill.liquidity else ""
    derived = "; derived from the order's totals" if fill.kind == FillKind.DERIVED else ""
    return f"Notional {notional}{liquidity}{derived}"


SOURCE_TEXT: dict[FillKind, str] = {FillKind.TRADE: "Trade", FillKind.DERIVED: "Derived"}
"""What the Source column shows for each kind of fill."""
SOURCE_TOOLTIPS: dict[FillKind, str] = {
    FillKind.TRADE: "Reported by the venue as an execution.",
    FillKind.DERIVED: (
        "Derived from the order's filled total and average price; the venue reports no "
        "per-fill records."
    ),
}
"""The Source column's tooltip for each kind of fill."""


def _source_colour(fill: Fill) -> QColor | None:
    return theme.DIM_TEXT if fill.kind == FillKind.DERIVED else None


_COLUMNS: tuple[Column[Fill], ...] = (
    time_column("time", "Time", lambda f: f.ts, millis=True),
    text_column("venue", "Venue", lambda f: f.venue, 104),
    text_column("pair", "Pair", lambda f: f.pair, 84),
    Column(
        "side",
        "Side",
        lambda f: f.side.value.capitalize(),
        lambda f: f.side.value,
        width_px=44,
        foreground=lambda f: theme.SIDE_COLOURS[f.side],
    ),
    dataclasses.replace(
        decimal_column("quantity", "Quantity", lambda f: f.quantity, 86), tooltip=_fill_tooltip
    ),
    dataclasses.replace(
        decimal_column("price", "Price", lambda f: f.price, 96), tooltip=_fill_tooltip
    ),
    Column(
        "fee", "Fee", _fee_text, lambda f: f.fee, numeric=True, width_px=104, export=_fee_export
    ),
    text_column("liquidity", "Liq.", lambda f: f.liquidity.capitalize(), 52),
    Column(
        "source",
        "Source",
        lambda f: SOURCE_TEXT[f.kind],
        lambda f: SOURCE_TEXT[f.kind],
        width_px=64,
        foreground=_source_colour,
        tooltip=lambda f: SOURCE_TOOLTIPS[f.kind],
    ),
    text_column("order", "Order", lambda f: f.client_order_id, 150),
    text_column("fill_id", "Fill id", lambda f: f.fill_id, 120),
)
assert [c.key for c in _COLUMNS] == [c.key for c in FillsColumn]


class FillsModel(RecordTableModel[Fill]):
    """Fills as rows, newest on top.

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_COLUMNS, parent)

    def add(self, fills: Sequence[Fill]) -> None:
        """Insert a batch of new fills at the top, newest first, in one `beginInsertRows`.

        Args:
            fills: New fills (the store has already dropped duplicates).
        """
        if not fills:
            return
        newest_first = sorted(fills, key=lambda fill: fill.ts, reverse=True)
        self.beginInsertRows(QModelIndex(), 0, len(newest_first) - 1)
        self._records[0:0] = newest_first
        self.endInsertRows()


class FillsView(QWidget):
    """The fills pane: a sortable table of fills, newest first by default.

    Right-click on a row offers Copy rows and Export fills to CSV…; right-click on the
    header chooses the columns; Ctrl+C copies the selected fills.

    Signals:
        exported(Path, int): The Export dialog wrote this file with this many fills.
        export_failed(str): The Export dialog could not write its file; the reason (also
            shown to the trader in a message box).

    Attributes:
        model: The source model; feed it with `model.add(fills)`.
        proxy: The typed-sorting proxy (`RecordSortProxy`).
        table: The table view (objectName `fills.table`).
        copy_action: "Copy rows" (Ctrl+C while the table has focus).
        export_action: "Export fills to CSV…": opens the non-modal save dialog.

    Args:
        parent: Qt parent.
        model: The model to show; a new empty one if None.
    """

    exported = Signal(object, int)
    export_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, model: FillsModel | None = None) -> None:
        super().__init__(parent)
        self.model = model if model is not None else FillsModel(self)
        self.proxy = RecordSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("fills.table")
        self.table.setModel(self.proxy)
        configure_table(self.table, self.model.columns)
        self.table.sortByColumn(FillsColumn.TIME, Qt.SortOrder.DescendingOrder)
        install_column_chooser(self.table, "fills.column_menu")
        self.copy_action = add_copy_action(self.table, self.copy_selected_rows)
        self.export_action = QAction("Export fills to CSV…", self)
        self.export_action.setObjectName("fills.export_csv")
        self.export_action.triggered.connect(lambda _checked=False: self.open_export_dialog())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self._export_directory: str | None = None
        self._exporter = CsvExporter(self, "Export fills")
        self._exporter.exported.connect(self.exported)
        self._exporter.failed.connect(
            lambda path, reason: self.export_failed.emit(f"Could not write {path}: {reason}")
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)

    def shown_fills(self) -> list[Fill]:
        """The fills shown, in display order."""
        return [self._fill_at_proxy_row(row) for row in range(self.proxy.rowCount())]

    def selected_fills(self) -> list[Fill]:
        """The selected fills, in display order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self._fill_at_proxy_row(row) for row in rows]

    def visible_columns(self) -> list[Column[Fill]]:
        """The columns shown, in on-screen order (hidden ones left out)."""
        return [self.model.columns[column] for column in visible_columns(self.table)]

    def export_csv(self, path: Path) -> int:
        """Write the fills shown, in display order and visible columns, to a CSV file.

        Quantities, prices and fees are exact Decimal strings (a fee followed by its
        asset), times ISO-8601 UTC with microseconds, other cells as displayed (see
        `gui.qt.table_export.export_text`). UTF-8 with a byte-order mark.

        Args:
            path: The file to create or overwrite.

        Returns:
            The number of fills written.

        Raises:
            OSError: The file could not be written.
        """
        return write_csv(path, self.visible_columns(), self.shown_fills())

    def copy_selected_rows(self) -> int:
        """Put the selected fills on the clipboard as tab-separated text with a header line.

        Returns:
            The number of fills copied (nothing is copied with no selection).
        """
        fills = self.selected_fills()
        if fills:
            QGuiApplication.clipboard().setText(tsv_text(self.visible_columns(), fills))
        return len(fills)

    def open_export_dialog(self) -> QFileDialog:
        """Ask for a file (non-modal dialog), then write `export_csv`'s content to it.

        The rows are taken when the file is chosen and written on a worker thread (no GUI
        stall at 100,000 rows); `exported` or `export_failed` follows.
        """
        stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        return open_export_dialog(
            self, "Export fills", f"fills-{stamp}.csv", self._export_to, self._export_directory
        )

    def header_state(self) -> QByteArray:
        """The column order, widths, hidden columns and sort column, for saving in settings."""
        return self.table.horizontalHeader().saveState()

    def restore_header_state(self, state: QByteArray) -> bool:
        """Restore what `header_state` saved; returns False if `state` was not usable."""
        return self.table.horizontalHeader().restoreState(state)

    def _fill_at_proxy_row(self, row: int) -> Fill:
        source = self.proxy.mapToSource(self.proxy.index(row, 0))
        fill: Fill = self.model.record_at(source.row())
        return fill

    def _export_to(self, path: Path) -> None:
        self._export_directory = str(path.parent)
        self._exporter.start(path, self.visible_columns(), self.shown_fills())

    def _context_menu(self, position: QPoint) -> None:
        menu = QMenu(self.table)
        menu.setObjectName("fills.context_menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(self.copy_action)
        menu.addAction(self.export_action)
        menu.popup(self.table.viewport().mapToGlobal(position))
