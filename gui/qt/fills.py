"""The fills pane: every execution, newest first.

A fill is either reported by the venue (Source "Trade") or derived by the desk from the
order's filled total and average price, for venues that report no per-fill records (Source
"Derived", `FillKind.DERIVED`; see `gui.domain.aggregates`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView, QVBoxLayout, QWidget

from gui.domain.orders import Fill, FillKind
from gui.qt import theme
from gui.qt.tables import (
    Column,
    ColumnId,
    RecordTableModel,
    TypedSortProxy,
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
    Column("fee", "Fee", _fee_text, lambda f: f.fee, numeric=True, width_px=104),
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

    Attributes:
        model: The source model; feed it with `model.add(fills)`.
        proxy: The typed-sorting proxy.
        table: The table view (objectName `fills.table`).

    Args:
        parent: Qt parent.
        model: The model to show; a new empty one if None.
    """

    def __init__(self, parent: QWidget | None = None, *, model: FillsModel | None = None) -> None:
        super().__init__(parent)
        self.model = model if model is not None else FillsModel(self)
        self.proxy = TypedSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("fills.table")
        self.table.setModel(self.proxy)
        configure_table(self.table, self.model.columns)
        self.table.sortByColumn(FillsColumn.TIME, Qt.SortOrder.DescendingOrder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
