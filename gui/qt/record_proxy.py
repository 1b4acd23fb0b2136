"""A sort/filter proxy for `RecordTableModel`s that works once per batch, not per comparison.

Issue 8, items 2 and 6. `QSortFilterProxyModel` over a Python model calls Python for every
comparison (`lessThan`, or `data()` twice) and for every row it re-filters: 100,000 orders
took 4.5 s to sort, and a batch of 1,000 changed orders re-sorted in ~250 ms. This proxy
keeps the display order in two numpy index arrays (proxy row -> source row, and source row
-> proxy row) and one typed sort key per source row. A sort is one Python `sorted` over the
keys; a batch of changed rows is taken out and merged back in by binary search, so a batch
costs O(k log n) Python work plus O(n) numpy work, whatever the number of rows.

What views see, per batch (never a model reset):

- rows that changed but stay where they are: one `dataChanged` over their span;
- rows that move: one layout change (`VerticalSortHint`) that carries the persistent indexes
  (selection, current row) to their rows' new places;
- rows that enter (new, or accepted by the filter now): one `rowsInserted` at the end, then
  the layout change that puts them in place;
- rows that leave the filter: moved to the end by that layout change, then one
  `rowsRemoved`.

Sorting is by the column's typed `SORT_ROLE` key (`Column.sort_key`): numbers as numbers,
times as instants, None before any value; ties keep the source (arrival) order. Values of
different types in one column (which no column has) group by type name.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QModelIndex,
    QObject,
    Qt,
)

from gui.qt.tables import SORT_ROLE, AnyIndex, RecordTableModel

__all__ = ["RecordSortProxy"]

Rows = npt.NDArray[np.intp]

_EMPTY: Rows = np.empty(0, dtype=np.intp)
_LAYOUT = "QList<QPersistentModelIndex>,QAbstractItemModel::LayoutChangeHint"
_SORT_HINT = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
_KEY_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), SORT_ROLE})
_NONE_KEY = (0,)
_MERGE_FRACTION = 8
"""Above 1/8 of the rows entering at once, one stable sort beats a binary search each."""


def _tupled(value: Any) -> tuple[Any, ...]:
    """A key that puts None first and never compares values of different types."""
    return _NONE_KEY if value is None else (1, type(value).__name__, value)


class RecordSortProxy(QAbstractProxyModel):
    """Sorts and filters a `RecordTableModel` on typed keys, in Python, once per change.

    Subclasses filter by overriding `row_filter` and calling `invalidate_filter` when it
    changes. The source may append, insert and change rows (`rows_changed` or
    `dataChanged`); removing, moving or resetting rows rebuilds the proxy with a reset.

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: RecordTableModel[Any] | None = None
        self._connections: list[tuple[Any, Callable[..., None]]] = []
        self._column_count = 0
        self._column = -1
        self._descending = False
        self._rows: Rows = _EMPTY  # proxy row -> source row
        self._pos: Rows = _EMPTY  # source row -> proxy row, -1 while filtered out
        self._keys: list[Any] = []  # source row -> sort key, while sorting
        self._key_type: type | None = None  # plain keys of this type; None: not known yet
        self._tupled = False  # keys are `_tupled` (None or mixed types seen)

    # -- public API ------------------------------------------------------------------

    def setSourceModel(self, source_model: QAbstractItemModel) -> None:
        """Show `source_model`, which must be a `RecordTableModel` (a reset of this proxy)."""
        assert isinstance(source_model, RecordTableModel)
        self.beginResetModel()
        if self._source is not None:
            for signal, slot in self._connections:
                signal.disconnect(slot)
            self._source.remove_batch_listener()
        self._connections = [
            (source_model.rows_changed, self._on_rows_changed),
            (source_model.dataChanged, self._on_source_data_changed),
            (source_model.rowsInserted, self._on_rows_inserted),
            (source_model.rowsAboutToBeRemoved, self._on_structure_about_to_change),
            (source_model.rowsRemoved, self._on_structure_changed),
            (source_model.rowsAboutToBeMoved, self._on_structure_about_to_change),
            (source_model.rowsMoved, self._on_structure_changed),
            (source_model.layoutAboutToBeChanged, self._on_structure_about_to_change),
            (source_model.layoutChanged, self._on_structure_changed),
            (source_model.modelAboutToBeReset, self._on_structure_about_to_change),
            (source_model.modelReset, self._on_structure_changed),
        ]
        super().setSourceModel(source_model)
        self._source = source_model
        self._column_count = len(source_model.columns)
        for signal, slot in self._connections:
            signal.connect(slot)
        source_model.add_batch_listener()
        self._rebuild()
        self.endResetModel()

    def row_filter(self) -> Callable[[Any], bool] | None:
        """The record filter: True keeps a record's row; None (the default) keeps every row."""
        return None

    def invalidate_filter(self, *, narrowing: bool = False) -> None:
        """Apply `row_filter` again; call it after the filter changed.

        Args:
            narrowing: The new filter keeps no row the old one hid (a longer search text,
                one status less): only the rows shown now are checked.
        """
        if self._source is None:
            return
        records = self._source.records
        accept = self.row_filter()
        shown = self._pos >= 0
        if accept is None:
            wanted = np.ones(len(records), dtype=bool)
        elif narrowing:
            wanted = np.zeros(len(records), dtype=bool)
            candidates = np.flatnonzero(shown)
            get = records.__getitem__
            wanted[candidates] = np.fromiter(
                map(accept, map(get, candidates.tolist())), bool, len(candidates)
            )
        else:
            wanted = np.fromiter(map(accept, records), bool, len(records))
        leaving: list[int] = np.flatnonzero(shown & ~wanted).tolist()
        entering: list[int] = np.flatnonzero(wanted & ~shown).tolist()
        if leaving or entering:
            self._change_to(self._merged(leaving, entering), entering, leaving)

    def sort_column(self) -> int:
        """The column sorted on, -1 for source order."""
        return self._column

    def sort_order(self) -> Qt.SortOrder:
        """The sort direction."""
        return Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder

    def source_row(self, proxy_row: int) -> int:
        """The source row shown in `proxy_row`.

        Raises:
            IndexError: No such proxy row.
        """
        if not 0 <= proxy_row < len(self._rows):
            raise IndexError(proxy_row)
        return int(self._rows[proxy_row])

    def source_rows(self) -> list[int]:
        """The source rows shown, in display order (proxy row 0 first)."""
        return self._rows.tolist()  # type: ignore[no-any-return]

    def proxy_row(self, source_row: int) -> int:
        """Where `source_row` is shown, -1 if it is filtered out or unknown."""
        return int(self._pos[source_row]) if 0 <= source_row < len(self._pos) else -1

    def source_record(self, source_row: int) -> Any:
        """The source model's record in `source_row`."""
        assert self._source is not None
        return self._source.record_at(source_row)

    # -- QAbstractItemModel / QAbstractProxyModel ---------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by `column`'s typed keys (-1: source order); selection and current row follow."""
        valid = self._source is not None and 0 <= column < self._column_count
        self._column = column if valid else -1
        self._descending = valid and order == Qt.SortOrder.DescendingOrder
        if self._source is None:
            return
        self._rekey()
        if len(self._rows):
            base = np.sort(self._rows)  # from arrival order, so ties keep it
            if self._column < 0:
                self._change_to(base, [], [])
            else:
                ordered = sorted(
                    base.tolist(), key=self._keys.__getitem__, reverse=self._descending
                )
                self._change_to(np.asarray(ordered, dtype=np.intp), [], [])

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:
        """The index of a cell; invalid outside the table or under a valid parent."""
        if parent.isValid() or not 0 <= row < len(self._rows):
            return QModelIndex()
        if not 0 <= column < self._column_count:
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: AnyIndex | None = None) -> Any:
        """The QObject parent without an argument; the (invalid) parent of an index with one."""
        if child is None:
            return super().parent()
        return QModelIndex()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        """Rows shown; 0 under any valid parent (a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        """The source's columns; 0 under any valid parent."""
        return 0 if parent.isValid() else self._column_count

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:
        """Only the root has children (the rows)."""
        return not parent.isValid() and len(self._rows) > 0

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Selectable and enabled, as the read-only source's cells are."""
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The source cell's value for `role` (see `RecordTableModel.cell_data`)."""
        if self._source is None or not index.isValid():
            return None
        return self._source.cell_data(int(self._rows[index.row()]), index.column(), role)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """The source's column titles; nothing for rows."""
        if self._source is None or orientation != Qt.Orientation.Horizontal:
            return None
        return self._source.headerData(section, orientation, role)

    def mapToSource(self, proxy_index: AnyIndex) -> QModelIndex:
        """The source index of a proxy cell; invalid for an invalid or unknown index."""
        if self._source is None or not proxy_index.isValid():
            return QModelIndex()
        row = proxy_index.row()
        if not 0 <= row < len(self._rows):
            return QModelIndex()
        return self._source.index(int(self._rows[row]), proxy_index.column())

    def mapFromSource(self, source_index: AnyIndex) -> QModelIndex:
        """The proxy index of a source cell; invalid if its row is filtered out."""
        if not source_index.isValid():
            return QModelIndex()
        row = source_index.row()
        if not 0 <= row < len(self._pos) or self._pos[row] < 0:
            return QModelIndex()
        return self.createIndex(int(self._pos[row]), source_index.column())

    # -- keys and orders -------------------------------------------------------------

    def _sort_keys_of(self, rows: Sequence[int]) -> list[Any]:
        """Fresh sort keys of source `rows`, switching every key to `_tupled` if need be."""
        assert self._source is not None
        records = self._source.records
        get = self._source.columns[self._column].sort_key
        if isinstance(rows, range) and rows.step == 1:
            values = list(map(get, records[rows.start : rows.stop]))
        else:
            values = [get(records[row]) for row in rows]
        if self._tupled:
            return [_tupled(value) for value in values]
        if self._key_type is None and values:
            types = set(map(type, values))
            if len(types) == 1 and type(None) not in types:
                self._key_type = types.pop()
                return values
        elif all(type(value) is self._key_type for value in values):
            return values
        if values:  # None or a second type: every key, old and new, becomes a tuple
            self._tupled = True
            self._keys = [_tupled(value) for value in self._keys]
        return [_tupled(value) for value in values]

    def _rekey(self) -> None:
        """Every source row's key for the current sort column (none when unsorted)."""
        self._keys = []
        self._key_type = None
        self._tupled = False
        if self._column >= 0 and self._source is not None:
            self._keys = self._sort_keys_of(range(len(self._source.records)))

    def _rebuild(self) -> None:
        """Keys, filter and order from scratch, emitting nothing (the caller resets)."""
        assert self._source is not None
        records = self._source.records
        self._rekey()
        accept = self.row_filter()
        rows = (
            list(range(len(records)))
            if accept is None
            else [row for row, record in enumerate(records) if accept(record)]
        )
        if self._column >= 0:
            rows.sort(key=self._keys.__getitem__, reverse=self._descending)
        self._pos = np.full(len(records), -1, dtype=np.intp)
        self._place(np.asarray(rows, dtype=np.intp))

    def _merged(self, remove: Sequence[int], insert: Sequence[int]) -> Rows:
        """The display order without the shown rows `remove`, with `insert` in place.

        Keys of `insert` rows must be current; the other shown rows' keys are unchanged.
        """
        ascending = self._rows[::-1] if self._descending else self._rows
        kept = ascending
        if len(remove):
            keep = np.ones(len(ascending), dtype=bool)
            at = self._pos[np.asarray(remove, dtype=np.intp)]
            keep[len(ascending) - 1 - at if self._descending else at] = False
            kept = ascending[keep]
        if len(insert):
            if self._column < 0:
                added = np.sort(np.asarray(insert, dtype=np.intp))
                kept = np.insert(kept, np.searchsorted(kept, added), added)
            elif len(insert) * _MERGE_FRACTION > len(kept):
                keys = self._keys
                ordered = kept.tolist() + sorted(insert, key=keys.__getitem__)
                ordered.sort(key=keys.__getitem__)  # two sorted runs: one merge
                kept = np.asarray(ordered, dtype=np.intp)
            else:
                keys = self._keys
                get = keys.__getitem__
                kept = np.ascontiguousarray(kept)
                # Python ints straight from the buffer: no 100,000-element list per batch.
                view = kept.data
                # Ascending storage: a later arrival goes after its equals in display order.
                find = bisect.bisect_left if self._descending else bisect.bisect_right
                added_list = sorted(insert, key=get)
                at_list: list[int] = []
                low = 0
                for row in added_list:  # sorted keys: each lands at or after the last
                    low = find(view, keys[row], low, key=get)
                    at_list.append(low)
                kept = np.insert(kept, at_list, np.asarray(added_list, dtype=np.intp))
        if kept is ascending:
            return self._rows
        return kept[::-1].copy() if self._descending else kept

    # -- applying an order -----------------------------------------------------------

    def _place(self, rows: Rows) -> None:
        self._rows = rows
        self._pos[rows] = np.arange(len(rows), dtype=np.intp)

    def _change_to(self, new_rows: Rows, entering: Sequence[int], leaving: Sequence[int]) -> None:
        """Go from the current order to `new_rows`, with the fewest signals (module doc)."""
        old = self._rows
        if len(old) == 0 or len(new_rows) == 0:
            if len(old):
                self.beginRemoveRows(QModelIndex(), 0, len(old) - 1)
                self._pos[old] = -1
                self._rows = _EMPTY
                self.endRemoveRows()
            if len(new_rows):
                self.beginInsertRows(QModelIndex(), 0, len(new_rows) - 1)
                self._place(new_rows)
                self.endInsertRows()
            return
        current = old
        if len(entering):
            added = np.asarray(entering, dtype=np.intp)
            start = len(current)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            current = np.concatenate((current, added))
            self._rows = current
            self._pos[added] = np.arange(start, len(current), dtype=np.intp)
            self.endInsertRows()
        target = new_rows
        gone = _EMPTY
        if len(leaving):
            gone = np.asarray(leaving, dtype=np.intp)
            gone = gone[np.argsort(self._pos[gone], kind="stable")]
            target = np.concatenate((new_rows, gone))
        if not np.array_equal(target, current):
            self._relayout(target)
        if len(gone):
            self.beginRemoveRows(QModelIndex(), len(new_rows), len(target) - 1)
            self._rows = new_rows
            self._pos[gone] = -1
            self.endRemoveRows()

    def _relayout(self, target: Rows) -> None:
        """One layout change to `target`, moving every persistent index with its row."""
        self.layoutAboutToBeChanged[_LAYOUT].emit([], _SORT_HINT)  # type: ignore[index]
        persistent = self.persistentIndexList()
        rows = np.fromiter((index.row() for index in persistent), np.intp, len(persistent))
        sources = self._rows[rows]
        self._place(target)
        if persistent:
            moved = [
                self.createIndex(row, index.column())
                for row, index in zip(self._pos[sources].tolist(), persistent, strict=True)
            ]
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged[_LAYOUT].emit([], _SORT_HINT)  # type: ignore[index]

    def _emit_changed(self, rows: Sequence[int], roles: Sequence[int] = ()) -> None:
        """One `dataChanged` over the span of the shown rows among source `rows`."""
        if not len(rows) or not len(self._rows):
            return
        at = self._pos[np.asarray(rows, dtype=np.intp)]
        at = at[at >= 0]
        if at.size:
            self.dataChanged.emit(
                self.createIndex(int(at.min()), 0),
                self.createIndex(int(at.max()), self._column_count - 1),
                list(roles),
            )

    # -- source signals --------------------------------------------------------------

    def _on_rows_changed(self, rows: Sequence[int]) -> None:
        """Re-sort and re-filter the source `rows` whose records changed, then repaint."""
        if self._source is None or not len(rows):
            return
        accept = self.row_filter()
        sorting = self._column >= 0
        moved: list[int] = []
        entering: list[int] = []
        leaving: list[int] = []
        fresh = self._sort_keys_of(rows) if sorting else []
        keys = self._keys
        if accept is None:  # every row is shown: only a new key moves one
            for row, key in zip(rows, fresh, strict=False):  # no keys when unsorted
                if key != keys[row]:
                    keys[row] = key
                    moved.append(row)
        else:
            records = self._source.records
            shown: list[bool] = (self._pos[np.asarray(rows, dtype=np.intp)] >= 0).tolist()
            for i, row in enumerate(rows):
                now = accept(records[row])
                if sorting and fresh[i] != keys[row]:
                    keys[row] = fresh[i]
                    if now and shown[i]:
                        moved.append(row)
                if shown[i] and not now:
                    leaving.append(row)
                elif now and not shown[i]:
                    entering.append(row)
        if moved or entering or leaving:
            self._change_to(self._merged(moved + leaving, moved + entering), entering, leaving)
        self._emit_changed(rows)

    def _on_source_data_changed(
        self, top: QModelIndex, bottom: QModelIndex, roles: Sequence[int] = ()
    ) -> None:
        if self._source is None or self._source.announcing or not top.isValid():
            return  # announce_changed's blocks: its rows_changed follows
        rows = range(top.row(), bottom.row() + 1)
        if roles and not _KEY_ROLES.intersection(int(role) for role in roles):
            self._emit_changed(rows, roles)  # only looks changed (e.g. stale marks)
        else:
            self._on_rows_changed(rows)

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if self._source is None or parent.isValid():
            return
        count = last - first + 1
        if first < len(self._pos):  # rows from `first` on moved down by `count`
            self._rows = np.where(self._rows >= first, self._rows + count, self._rows)
            self._pos = np.insert(self._pos, first, np.full(count, -1, dtype=np.intp))
            if self._column >= 0:
                self._keys[first:first] = [None] * count
        else:
            self._pos = np.concatenate((self._pos, np.full(count, -1, dtype=np.intp)))
        new = range(first, last + 1)
        if self._column >= 0:
            self._keys[first : last + 1] = self._sort_keys_of(new)
        accept = self.row_filter()
        records = self._source.records
        entering = list(new) if accept is None else [r for r in new if accept(records[r])]
        if entering:
            self._change_to(self._merged((), entering), entering, ())

    def _on_structure_about_to_change(self, *_args: Any) -> None:
        self.beginResetModel()

    def _on_structure_changed(self, *_args: Any) -> None:
        self._rebuild()
        self.endResetModel()
