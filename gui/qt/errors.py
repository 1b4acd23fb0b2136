"""The error pane: what went wrong, newest first, in the venue's own words."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.oms.events import ErrorEvent
from gui.qt import theme
from gui.qt.record_proxy import RecordSortProxy
from gui.qt.tables import (
    Column,
    ColumnId,
    RecordTableModel,
    configure_table,
    text_column,
    time_column,
)

__all__ = ["ErrorsColumn", "ErrorsModel", "ErrorsView"]

MAX_ERROR_ROWS = 5000
"""Rows kept by default; the oldest are dropped beyond this, so a flood cannot eat memory."""


class ErrorsColumn(ColumnId):
    """Error pane columns in model order; `key` is the stable, untranslated identifier."""

    TIME = 0
    KIND = 1
    VENUE = 2
    ORDER = 3
    MESSAGE = 4


def _one_line(event: ErrorEvent) -> str:
    return " ".join(event.message.splitlines())


_COLUMNS: tuple[Column[ErrorEvent], ...] = (
    time_column("time", "Time", lambda e: e.ts, millis=True),
    Column(
        "kind",
        "Kind",
        lambda e: e.kind.value,
        lambda e: e.kind.value,
        width_px=76,
        foreground=lambda e: theme.ERROR_KIND_COLOURS[e.kind],
    ),
    text_column("venue", "Venue", lambda e: e.venue, 104),
    text_column("order", "Order", lambda e: e.client_order_id, 150),
    Column(
        "message",
        "Message",
        _one_line,
        lambda e: e.message,
        width_px=400,
        foreground=lambda e: theme.ERROR_KIND_COLOURS[e.kind],
        tooltip=lambda e: e.message,
    ),
)
assert [c.key for c in _COLUMNS] == [c.key for c in ErrorsColumn]


class ErrorsModel(RecordTableModel[ErrorEvent]):
    """Error events as rows, newest on top, at most `max_rows` of them.

    Args:
        parent: Qt parent.
        max_rows: Rows kept; the oldest are removed beyond this.
    """

    def __init__(self, parent: QObject | None = None, *, max_rows: int = MAX_ERROR_ROWS) -> None:
        super().__init__(_COLUMNS, parent)
        assert max_rows > 0
        self._max_rows = max_rows

    def add(self, event: ErrorEvent) -> None:
        """Show `event` on top, dropping the oldest row if the pane is full."""
        if len(self._records) >= self._max_rows:
            last = len(self._records) - 1
            self.beginRemoveRows(QModelIndex(), last, last)
            del self._records[last]
            self.endRemoveRows()
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._records.insert(0, event)
        self.endInsertRows()

    def clear(self) -> None:
        """Remove every row."""
        if not self._records:
            return
        self.beginRemoveRows(QModelIndex(), 0, len(self._records) - 1)
        self._records.clear()
        self.endRemoveRows()


class ErrorsView(QWidget):
    """The error pane: a table of error events and a Clear button.

    Signals:
        count_changed(int): The number of rows shown changed (for a badge on the dock title).

    Attributes:
        model: The source model; feed it with `model.add(event)`.
        proxy: The typed-sorting proxy (`RecordSortProxy`).
        table: The table view (objectName `errors.table`).
        clear_button: Removes every row (objectName `errors.clear`).

    Args:
        parent: Qt parent.
        model: The model to show; a new empty one if None.
    """

    count_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, model: ErrorsModel | None = None) -> None:
        super().__init__(parent)
        self.model = model if model is not None else ErrorsModel(self)
        self.proxy = RecordSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(objectName="errors.table")
        self.table.setModel(self.proxy)
        configure_table(self.table, self.model.columns)
        self.table.horizontalHeader().setSectionResizeMode(
            ErrorsColumn.MESSAGE, QHeaderView.ResizeMode.Stretch
        )
        self.table.sortByColumn(ErrorsColumn.TIME, Qt.SortOrder.DescendingOrder)

        self.clear_button = QPushButton("Clear", objectName="errors.clear")
        self.clear_button.setToolTip("Remove every message from the pane.")
        self._count = QLabel(objectName="errors.count")
        self._count.setProperty("role", "caption")
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self._count)
        bar.addStretch(1)
        bar.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.table)

        self._last_count = 0
        self.clear_button.clicked.connect(self._on_clear_clicked)
        self.model.rowsInserted.connect(self._on_rows_changed)
        self.model.rowsRemoved.connect(self._on_rows_changed)
        self._on_rows_changed()

    def _on_clear_clicked(self, _checked: bool = False) -> None:
        self.model.clear()

    def _on_rows_changed(self) -> None:
        count = self.model.rowCount()
        self._count.setText(
            "No errors" if count == 0 else f"{count} message{'' if count == 1 else 's'}"
        )
        self.clear_button.setEnabled(count > 0)
        if count != self._last_count:
            self._last_count = count
            self.count_changed.emit(count)
