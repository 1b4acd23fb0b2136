"""Shared table plumbing: column specs, a read-only record model, typed sorting, view defaults.

Each pane (blotter, fills, errors) describes its columns once as `Column` specs; the
`RecordTableModel` answers every role from them, and `TypedSortProxy` sorts on `SORT_ROLE`,
whose values are typed (`Decimal`, `datetime`, `str`), so numbers never sort as text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import IntEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor
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


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """A read-only flat table of records, one per row, rendered by `Column` specs.

    Subclasses own how rows are added and changed; they keep `_records` and emit the
    matching row signals.

    Args:
        columns: The columns, in display order.
        parent: Qt parent.
    """

    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns: tuple[Column[R], ...] = tuple(columns)
        self._records: list[R] = []
        self._number_font = number_font()

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
        """One cell's value for `role`, from its column spec."""
        if not index.isValid():
            return None
        record = self._records[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == SORT_ROLE:
            return column.sort_key(record)
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            return column.foreground(record)
        if role == Qt.ItemDataRole.BackgroundRole and column.background is not None:
            return column.background(record)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(record) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        if role == Qt.ItemDataRole.FontRole and column.numeric:
            return self._number_font
        return None

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


def sort_less_than(left: SortKey, right: SortKey) -> bool:
    """Typed comparison for sorting: None first, same types natively, mixed types as text."""
    if left is None or right is None:
        return left is None and right is not None
    if type(left) is type(right):
        return left < right  # type: ignore[operator]
    return str(left) < str(right)


class TypedSortProxy(QSortFilterProxyModel):
    """Sorts a `RecordTableModel` on its typed `SORT_ROLE` keys (10 after 9, times in order).

    The keys are read straight from the source model's column specs rather than through
    `data()`: the same values, without two QVariant round trips per comparison, which halves
    the cost of sorting large tables.

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._source: RecordTableModel[Any] | None = None

    def setSourceModel(self, source_model: QAbstractItemModel) -> None:
        """Set the source, which must be a `RecordTableModel`."""
        assert isinstance(source_model, RecordTableModel)
        self._source = source_model
        super().setSourceModel(source_model)

    def source_record(self, source_row: int) -> Any:
        """The source model's record in `source_row`."""
        assert self._source is not None
        return self._source.record_at(source_row)

    def lessThan(self, source_left: AnyIndex, source_right: AnyIndex) -> bool:
        """Compare the two cells' typed sort keys."""
        assert self._source is not None
        key = self._source.sort_key
        column = source_left.column()
        return sort_less_than(key(source_left.row(), column), key(source_right.row(), column))


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
