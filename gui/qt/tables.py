"""Shared table plumbing: column specs, a read-only record model, typed sorting, view defaults.

Each pane (blotter, fills, errors) describes its columns once as `Column` specs; the
`RecordTableModel` answers every role from them, and a proxy sorts on `SORT_ROLE`, whose
values are typed (`Decimal`, `datetime`, `str`), so numbers never sort as text. Every pane
sorts with `gui.qt.record_proxy.RecordSortProxy`: one Python sort per change batch, not one
Python call per comparison (a `QSortFilterProxyModel` took 6 s to take a restored day of
80,000 fills; issue 8, item 5).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import IntEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    SIGNAL,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from gui.qt.theme import format_decimal, format_price, format_time, number_font


class ColumnId(IntEnum):
    """Base of each table's column enum: the value is the column index, `key` its id."""

    @property
    def key(self) -> str:
        """Stable, untranslated identifier for saved layouts, e.g. `"avg_price"`."""
        return self.name.lower()


R = TypeVar("R")

SORT_ROLE: int = Qt.ItemDataRole.UserRole + 1
"""Item data role returning a cell's typed sort key: `Decimal`, `datetime`, `str` or None."""

STALE_ROLE: int = Qt.ItemDataRole.UserRole + 2
"""Item data role: True when the row's data may be out of date (its venue account is
disconnected), None otherwise. Delegates read it to grey out what they paint."""

SortKey = Decimal | datetime | str | None
"""What `SORT_ROLE` returns; None (an empty cell) sorts before any value."""

ROW_HEIGHT_PX = 22
"""Dense default row height of the desk's tables, in pixels."""

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

AnyIndex = QModelIndex | QPersistentModelIndex

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TEXT_CACHE_ROWS = 4096
"""Records whose display texts are kept; a screenful needs about fifty."""
_DATA_CHANGED = SIGNAL("dataChanged(QModelIndex,QModelIndex,QList<int>)")


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    """How one column renders a record of type R.

    Attributes:
        key: Stable identifier (never translated); what settings and tests refer to.
        title: Header text.
        text: The cell's display text.
        sort_key: The cell's typed sort key.
        numeric: Right-aligned with tabular digits.
        width_px: Initial width, in pixels.
        foreground: Text colour, or None for the default.
        background: Background colour, or None for the default.
        tooltip: Tooltip text, or None for no tooltip.
        export: The cell's text in a CSV export or a copy, or None for the generic rule
            (`gui.qt.table_export.export_text`: exact Decimals, ISO-8601 UTC times, else
            the display text).
    """

    key: str
    title: str
    text: Callable[[R], str]
    sort_key: Callable[[R], SortKey]
    numeric: bool = False
    width_px: int = 90
    foreground: Callable[[R], QColor | None] | None = None
    background: Callable[[R], QColor | None] | None = None
    tooltip: Callable[[R], str] | None = None
    export: Callable[[R], str] | None = None


def text_column(key: str, title: str, value: Callable[[R], str], width_px: int) -> Column[R]:
    """A plain text column that sorts on its text."""
    return Column(key, title, value, value, width_px=width_px)


def decimal_column(
    key: str, title: str, value: Callable[[R], Decimal | None], width_px: int
) -> Column[R]:
    """A right-aligned number column: exact Decimal text, numeric sort, empty for None."""
    return Column(
        key,
        title,
        lambda record: format_decimal(value(record)),
        value,
        numeric=True,
        width_px=width_px,
    )


def price_column(
    key: str, title: str, value: Callable[[R], Decimal | None], width_px: int
) -> Column[R]:
    """A computed-price column: 7 significant digits shown, exact value in the tooltip."""
    return Column(
        key,
        title,
        lambda record: format_price(value(record)),
        value,
        numeric=True,
        width_px=width_px,
        tooltip=lambda record: format_decimal(value(record)),
    )


def time_column(
    key: str, title: str, value: Callable[[R], datetime], *, millis: bool = False
) -> Column[R]:
    """Local wall-clock time (`HH:MM:SS[.mmm]`), sorted by instant, full timestamp as tooltip."""

    def full(record: R) -> str:
        return value(record).astimezone().isoformat(sep=" ", timespec="milliseconds")

    return Column(
        key,
        title,
        lambda record: format_time(value(record), millis=millis),
        value,
        width_px=92 if millis else 70,
        tooltip=full,
    )


def _role_getters(column: Column[R], number_font: QFont) -> dict[int, Callable[[R], Any]]:
    """Role -> how `column` answers it for a record; roles not listed answer None."""
    # A plain int: PySide converts it to a QVariant faster than an AlignmentFlag (per cell).
    alignment = (_RIGHT if column.numeric else _LEFT).value
    getters: dict[int, Callable[[R], Any]] = {
        int(Qt.ItemDataRole.DisplayRole): column.text,
        SORT_ROLE: column.sort_key,
        int(Qt.ItemDataRole.TextAlignmentRole): lambda _record: alignment,
    }
    if column.foreground is not None:
        getters[int(Qt.ItemDataRole.ForegroundRole)] = column.foreground
    if column.background is not None:
        getters[int(Qt.ItemDataRole.BackgroundRole)] = column.background
    tooltip = column.tooltip
    if tooltip is not None:
        getters[int(Qt.ItemDataRole.ToolTipRole)] = lambda record: tooltip(record) or None
    if column.numeric:
        getters[int(Qt.ItemDataRole.FontRole)] = lambda _record: number_font
    return getters


def contiguous_blocks(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Rows as sorted contiguous (first, last) blocks: [7, 1, 2, 3] -> [(1, 3), (7, 7)]."""
    blocks: list[tuple[int, int]] = []
    for row in sorted(rows):
        if blocks and blocks[-1][1] == row - 1:
            blocks[-1] = (blocks[-1][0], row)
        else:
            blocks.append((row, row))
    return blocks


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """A read-only flat table of records, one per row, rendered by `Column` specs.

    Subclasses own how rows are added and changed; they keep `_records`, emit the matching
    row signals, and announce changed records with `announce_changed`.

    Signals:
        rows_changed(list[int]): After a batch of changed records, their source rows
            (sorted), once per batch. `RecordSortProxy` re-sorts and re-filters from it.

    Attributes:
        columns: The column specs, in model order.

    Args:
        columns: The columns, in display order.
        parent: Qt parent.
    """

    rows_changed = Signal(object)

    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns: tuple[Column[R], ...] = tuple(columns)
        self._records: list[R] = []
        self._number_font = number_font()
        # Per column, role -> getter: one dict look-up per data() call (the paint hot path).
        self._getters = [_role_getters(column, self._number_font) for column in self.columns]
        self._announcing = False
        self._batch_listeners = 0
        # id(record) -> (record, its display texts by column, None until first asked for).
        self._texts: dict[int, tuple[R, list[str | None]]] = {}

    @property
    def records(self) -> Sequence[R]:
        """The records in source-row order (the model's own list: read it, never change it)."""
        return self._records

    @property
    def announcing(self) -> bool:
        """True while `announce_changed` emits its per-block `dataChanged` signals.

        A batch listener (see `add_batch_listener`) ignores `dataChanged` then: the
        `rows_changed` that follows tells it the same rows at once.
        """
        return self._announcing

    def add_batch_listener(self) -> None:
        """Count one `dataChanged` receiver that also takes `rows_changed` (a proxy).

        While every `dataChanged` receiver is such a listener, `announce_changed` skips the
        per-block `dataChanged` signals: nobody would use them, and at 1,000 scattered rows
        they cost more than the rest of a batch.
        """
        self._batch_listeners += 1

    def remove_batch_listener(self) -> None:
        """Undo one `add_batch_listener`."""
        self._batch_listeners = max(0, self._batch_listeners - 1)

    def announce_changed(self, rows: Sequence[int]) -> None:
        """Announce that the records in `rows` changed: `dataChanged` per block, `rows_changed`.

        One `dataChanged` per contiguous block of rows (every column), for any receiver
        other than batch listeners, then one `rows_changed(rows)`. Nothing for no rows.

        Args:
            rows: Source rows whose record was replaced, sorted ascending.
        """
        if not rows:
            return
        if self.receivers(_DATA_CHANGED) > self._batch_listeners:
            last_column = len(self.columns) - 1
            self._announcing = True
            try:
                for first, last in contiguous_blocks(rows):
                    self.dataChanged.emit(
                        self.createIndex(first, 0), self.createIndex(last, last_column)
                    )
            finally:
                self._announcing = False
        self.rows_changed.emit(list(rows))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        """Number of records; 0 under any valid parent (a flat table)."""
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        """Number of columns; 0 under any valid parent (a flat table)."""
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles, right-aligned over numeric columns; nothing for rows."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """One cell's value for `role`, from its column spec (see `cell_data`)."""
        if not index.isValid():
            return None
        return self.cell_data(index.row(), index.column(), role)

    def cell_data(self, row: int, column: int, role: int) -> Any:
        """The value of cell (`row`, `column`) for `role`, without a QModelIndex.

        Display text, typed `SORT_ROLE` key, colours, tooltip, alignment and the tabular
        number font come from the column spec; other roles are None. Proxies call this
        directly (one Python call per cell and role, no index round trip). A record's
        display texts are formatted once and kept while it is the row's record (records
        are immutable and replaced on change, so a change is a new record).

        Raises:
            IndexError: No such row or column.
        """
        record = self._records[row]
        if role == _DISPLAY:
            entry = self._texts.get(id(record))
            if entry is None or entry[0] is not record:  # `is`: an id can be reused
                if len(self._texts) >= _TEXT_CACHE_ROWS:
                    self._texts.clear()
                entry = (record, [None] * len(self.columns))
                self._texts[id(record)] = entry
            texts = entry[1]
            text = texts[column]
            if text is None:
                text = texts[column] = self.columns[column].text(record)
            return text
        getter = self._getters[column].get(role)
        return None if getter is None else getter(record)

    def record_at(self, row: int) -> R:
        """The record shown in `row`.

        Raises:
            IndexError: No such row.
        """
        return self._records[row]

    def sort_key(self, row: int, column: int) -> SortKey:
        """The typed sort key of a cell, as `SORT_ROLE` gives it, without going through QVariant."""
        return self.columns[column].sort_key(self._records[row])

    def column_of(self, key: str) -> int:
        """The index of the column with `key`.

        Raises:
            KeyError: No such column.
        """
        for number, column in enumerate(self.columns):
            if column.key == key:
                return number
        raise KeyError(key)


def configure_table(table: QTableView, columns: Sequence[Column[Any]]) -> None:
    """Give a table the desk's dense, sortable, row-selecting defaults and column widths.

    Args:
        table: A view whose model is already set.
        columns: The model's column specs, for the initial widths.
    """
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT_PX)
    header = table.horizontalHeader()
    header.setSectionsMovable(True)
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setMinimumSectionSize(36)
    for number, column in enumerate(columns):
        table.setColumnWidth(number, column.width_px)
