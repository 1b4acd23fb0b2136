"""RecordSortProxy: the order, filter, signals and selection a view relies on, under churn."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from decimal import Decimal

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt
from pytestqt.qtbot import QtBot

from gui.qt.record_proxy import RecordSortProxy
from gui.qt.tables import SORT_ROLE, Column, RecordTableModel, decimal_column, text_column
from tests.qt.conftest import ModelTester

STALE_LOOK = (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole)


@dataclasses.dataclass(frozen=True)
class Item:
    name: str
    value: Decimal | None
    live: bool = True


COLUMNS: tuple[Column[Item], ...] = (
    text_column("name", "Name", lambda item: item.name, 80),
    decimal_column("value", "Value", lambda item: item.value, 80),
)
NAME, VALUE = 0, 1


class Items(RecordTableModel[Item]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)

    def insert(self, at: int, items: list[Item]) -> None:
        self.beginInsertRows(QModelIndex(), at, at + len(items) - 1)
        self._records[at:at] = items
        self.endInsertRows()

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._records[row]
        self.endRemoveRows()

    def change(self, changes: dict[int, Item]) -> None:
        for row, item in changes.items():
            self._records[row] = item
        self.announce_changed(sorted(changes))


class LiveOnly(RecordSortProxy):
    def __init__(self) -> None:
        super().__init__()
        self.live_only = False

    def row_filter(self) -> Callable[[Item], bool] | None:
        return _is_live if self.live_only else None


def _is_live(item: Item) -> bool:
    return item.live


@pytest.fixture
def model(qapp: object) -> Items:
    return Items()


@pytest.fixture
def proxy(model: Items, model_tester: ModelTester) -> LiveOnly:
    proxy = LiveOnly()
    proxy.setSourceModel(model)
    model_tester(model)
    model_tester(proxy)
    return proxy


def _shown(proxy: LiveOnly) -> list[Item]:
    return [proxy.source_record(proxy.source_row(row)) for row in range(proxy.rowCount())]


def _values(proxy: LiveOnly) -> list[Decimal | None]:
    return [proxy.index(row, VALUE).data(SORT_ROLE) for row in range(proxy.rowCount())]


def _check(model: Items, proxy: LiveOnly) -> None:
    """The proxy shows exactly the accepted rows, sorted, and maps both ways."""
    records = list(model.records)
    expected = {i for i, item in enumerate(records) if item.live or not proxy.live_only}
    shown = [proxy.source_row(row) for row in range(proxy.rowCount())]
    assert sorted(shown) == sorted(expected)
    for row, source_row in enumerate(shown):
        assert proxy.mapFromSource(model.index(source_row, NAME)).row() == row
        assert proxy.mapToSource(proxy.index(row, VALUE)).row() == source_row
    for source_row in set(range(len(records))) - expected:
        assert not proxy.mapFromSource(model.index(source_row, 0)).isValid()
    if proxy.sort_column() == VALUE:
        keys = [(value is not None, value or 0) for value in _values(proxy)]
        descending = proxy.sort_order() == Qt.SortOrder.DescendingOrder
        assert keys == sorted(keys, reverse=descending)
    elif proxy.sort_column() == NAME:
        names = [records[row].name for row in shown]
        descending = proxy.sort_order() == Qt.SortOrder.DescendingOrder
        assert names == sorted(names, reverse=descending)
    else:
        assert shown == sorted(shown)


def test_values_sort_as_numbers_with_empty_cells_first(model: Items, proxy: LiveOnly) -> None:
    model.insert(0, [Item("a", Decimal(10)), Item("b", None), Item("c", Decimal("9.5"))])

    proxy.sort(VALUE, Qt.SortOrder.AscendingOrder)
    assert [item.name for item in _shown(proxy)] == ["b", "c", "a"]

    proxy.sort(VALUE, Qt.SortOrder.DescendingOrder)
    assert [item.name for item in _shown(proxy)] == ["a", "c", "b"]

    proxy.sort(-1)
    assert [item.name for item in _shown(proxy)] == ["a", "b", "c"]


def test_ties_keep_arrival_order_both_ways(model: Items, proxy: LiveOnly) -> None:
    model.insert(0, [Item(name, Decimal(1)) for name in "abc"])

    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        proxy.sort(VALUE, order)
        assert [item.name for item in _shown(proxy)] == ["a", "b", "c"]


def test_a_batch_that_moves_no_row_is_one_data_changed(
    model: Items, proxy: LiveOnly, qtbot: QtBot
) -> None:
    model.insert(0, [Item(str(n), Decimal(n)) for n in range(10)])
    proxy.sort(VALUE, Qt.SortOrder.DescendingOrder)
    spans: list[tuple[int, int]] = []
    proxy.dataChanged.connect(
        lambda top, bottom, _roles=(): spans.append((top.row(), bottom.row()))
    )

    with qtbot.assertNotEmitted(proxy.layoutChanged), qtbot.assertNotEmitted(proxy.modelReset):
        model.change({2: Item("2", Decimal(2), live=False), 7: Item("7-renamed", Decimal(7))})

    assert spans == [(2, 7)]  # descending: source 7 shows in row 2, source 2 in row 7


def test_moved_rows_keep_their_selection(model: Items, proxy: LiveOnly, qtbot: QtBot) -> None:
    model.insert(0, [Item(str(n), Decimal(n)) for n in range(6)])
    proxy.sort(VALUE, Qt.SortOrder.AscendingOrder)
    selection = QItemSelectionModel(proxy)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(proxy.index(1, 0), flags)

    with qtbot.waitSignal(proxy.layoutChanged), qtbot.assertNotEmitted(proxy.modelReset):
        model.change({1: Item("1", Decimal(99))})

    assert [index.row() for index in selection.selectedRows()] == [5]
    assert _shown(proxy)[5].name == "1"


def test_the_filter_removes_and_inserts_rows_without_a_reset(
    model: Items, proxy: LiveOnly, qtbot: QtBot
) -> None:
    model.insert(0, [Item(str(n), Decimal(n % 3), live=n % 2 == 0) for n in range(8)])
    proxy.sort(VALUE, Qt.SortOrder.AscendingOrder)

    with qtbot.assertNotEmitted(proxy.modelReset), qtbot.waitSignal(proxy.rowsRemoved):
        proxy.live_only = True
        proxy.invalidate_filter()
    assert proxy.rowCount() == 4
    _check(model, proxy)

    with qtbot.assertNotEmitted(proxy.modelReset), qtbot.waitSignal(proxy.rowsInserted):
        model.change({1: Item("1", Decimal(1), live=True)})
    assert proxy.rowCount() == 5
    _check(model, proxy)


def test_a_look_only_change_is_forwarded_with_its_roles(model: Items, proxy: LiveOnly) -> None:
    model.insert(0, [Item(str(n), Decimal(n)) for n in range(4)])
    proxy.sort(VALUE, Qt.SortOrder.DescendingOrder)
    seen: list[tuple[int, int, list[int]]] = []
    proxy.dataChanged.connect(
        lambda top, bottom, roles: seen.append((top.row(), bottom.row(), roles))
    )

    model.dataChanged.emit(model.index(1, 0), model.index(2, 1), list(STALE_LOOK))

    assert seen == [(1, 2, [int(role) for role in STALE_LOOK])]


def test_a_removed_source_row_rebuilds_the_proxy(
    model: Items, proxy: LiveOnly, qtbot: QtBot
) -> None:
    model.insert(0, [Item(str(n), Decimal(n)) for n in range(5)])
    proxy.sort(VALUE, Qt.SortOrder.DescendingOrder)

    with qtbot.waitSignal(proxy.modelReset):
        model.remove(1)

    assert [item.name for item in _shown(proxy)] == ["4", "3", "2", "0"]
    _check(model, proxy)


@pytest.mark.parametrize("seed", range(3))
def test_the_order_stays_right_under_random_churn(model: Items, proxy: LiveOnly, seed: int) -> None:
    rng = random.Random(seed)

    def item(number: int) -> Item:
        value = None if rng.random() < 0.15 else Decimal(rng.randint(0, 30)) / 4
        return Item(f"n{number}", value, live=rng.random() < 0.7)

    made = 0
    selection = QItemSelectionModel(proxy)
    for _ in range(120):
        action = rng.random()
        count = len(model.records)
        if action < 0.25 or count == 0:
            fresh = [item(made + k) for k in range(rng.randint(1, 8))]
            made += len(fresh)
            model.insert(count if rng.random() < 0.8 else rng.randint(0, count), fresh)
        elif action < 0.75:
            rows = rng.sample(range(count), min(count, rng.randint(1, 12)))
            model.change({row: item(made + row) for row in rows})
        elif action < 0.85:
            proxy.live_only = not proxy.live_only
            proxy.invalidate_filter()
        elif action < 0.95:
            column = rng.choice([-1, NAME, VALUE, VALUE])
            proxy.sort(column, rng.choice(list(Qt.SortOrder)))
        elif proxy.rowCount():
            # Select one row, change another (or the same): the selection follows its row.
            row = rng.randrange(proxy.rowCount())
            chosen = proxy.source_row(row)
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            selection.select(proxy.index(row, 0), flags)
            model.change({proxy.source_row(rng.randrange(proxy.rowCount())): item(made)})
            made += 1
            selected = [proxy.source_row(index.row()) for index in selection.selectedRows()]
            assert selected == ([chosen] if proxy.proxy_row(chosen) >= 0 else [])
        _check(model, proxy)
