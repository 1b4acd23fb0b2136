"""The blotter: every order, one row each, updated in batches without ever resetting the model.

`BlotterModel` maps orders to rows by client order id; `BlotterProxy` (a `RecordSortProxy`)
sorts on typed keys and filters to working orders, once per batch rather than per comparison;
`BlotterView` is the table with its filter box. While a venue account is disconnected its
working orders are drawn stale (`gui.qt.stale_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from gui.domain.orders import WORKING, Order, OrderStatus
from gui.qt import theme
from gui.qt.delegates import ProgressBarDelegate
from gui.qt.record_proxy import RecordSortProxy
from gui.qt.stale_rows import STALE_ROLES, AccountKey, StaleMarks
from gui.qt.tables import (
    SORT_ROLE,
    Column,
    ColumnId,
    RecordTableModel,
    configure_table,
    decimal_column,
    price_column,
    text_column,
    time_column,
)

__all__ = ["PIN_MARK", "SORT_ROLE", "BlotterColumn", "BlotterModel", "BlotterProxy", "BlotterView"]


class BlotterColumn(ColumnId):
    """Blotter columns in model order; `key` is the stable, untranslated identifier."""

    TIME = 0
    VENUE = 1
    ACCOUNT = 2
    PAIR = 3
    SIDE = 4
    STRATEGY = 5
    QUANTITY = 6
    FILLED = 7
    FILLED_PCT = 8
    AVG_PRICE = 9
    LIMIT_PRICE = 10
    STATUS = 11
    CLIENT_ORDER_ID = 12
    VENUE_ORDER_ID = 13
    PINNED = 14
    """Shown first (see `BlotterView`); appended here so saved layouts keep their columns."""


PIN_MARK = "⚑"
"""What the `pinned` column shows for a pinned order (DejaVu has it; no emoji font needed)."""
_PIN_COLOUR = QColor("#d29922")
_STATUS_TINTS = {status: theme.status_tint(status) for status in OrderStatus}
"""One tint per status, made once (a new QColor per paint of every status cell adds up)."""


def _pin_tooltip(order: Order) -> str:
    if not order.pinned:
        return ""
    return "Pinned: bulk cancel and the kill switch skip it unless Include pinned is ticked"


def _status_tooltip(order: Order) -> str:
    return f"{order.status.value}: {order.reason}" if order.reason else order.status.value


def _quote_sized(order: Order) -> bool:
    return order.quote_quantity is not None


def _quantity_text(order: Order) -> str:
    # A Market order sized in the quote asset (DFX) has no base quantity until it fills:
    # show the amount asked for ("100 USDT") until the venue reports the base quantity.
    if order.quote_quantity is not None and order.quantity <= 0:
        quote = order.pair.partition("-")[2]
        return f"{theme.format_decimal(order.quote_quantity)} {quote}".rstrip()
    return theme.format_decimal(order.quantity)


def _quantity_tooltip(order: Order) -> str:
    if order.quote_quantity is None:
        return ""
    base, _, quote = order.pair.partition("-")
    amount = f"{theme.format_decimal(order.quote_quantity)} {quote}".rstrip()
    spent = order.filled_notional
    if spent is None and order.avg_fill_px is not None:
        spent = order.filled_qty * order.avg_fill_px
    filled = (
        f"; filled {theme.format_decimal(order.filled_qty)} {base} for "
        f"{theme.format_decimal(spent)} {quote}"
        if spent is not None and order.filled_qty > 0
        else ""
    )
    return f"Sized in the quote asset: {amount}{filled}".rstrip()


_SPECS: dict[BlotterColumn, Column[Order]] = {
    BlotterColumn.TIME: time_column("time", "Time", lambda o: o.created_ts),
    BlotterColumn.VENUE: text_column("venue", "Venue", lambda o: o.venue, 104),
    BlotterColumn.ACCOUNT: text_column("account", "Account", lambda o: o.account, 84),
    BlotterColumn.PAIR: text_column("pair", "Pair", lambda o: o.pair, 84),
    BlotterColumn.SIDE: Column(
        "side",
        "Side",
        lambda o: o.side.value.capitalize(),
        lambda o: o.side.value,
        width_px=44,
        foreground=lambda o: theme.SIDE_COLOURS[o.side],
    ),
    BlotterColumn.STRATEGY: text_column("strategy", "Strategy", lambda o: o.strategy.value, 70),
    BlotterColumn.QUANTITY: Column(
        "quantity",
        "Quantity",
        _quantity_text,
        lambda o: o.quantity,
        numeric=True,
        width_px=86,
        foreground=lambda o: theme.DIM_TEXT if _quote_sized(o) and o.quantity <= 0 else None,
        tooltip=_quantity_tooltip,
    ),
    BlotterColumn.FILLED: decimal_column("filled", "Filled", lambda o: o.filled_qty, 86),
    BlotterColumn.FILLED_PCT: Column(
        "filled_pct",
        "% Filled",
        lambda o: f"{theme.fill_percent(o)}%",
        theme.fill_percent,
        width_px=86,
    ),
    BlotterColumn.AVG_PRICE: price_column("avg_price", "Avg price", lambda o: o.avg_fill_px, 96),
    BlotterColumn.LIMIT_PRICE: decimal_column("limit_price", "Limit", lambda o: o.limit_price, 90),
    BlotterColumn.STATUS: Column(
        "status",
        "Status",
        lambda o: o.status.value,
        lambda o: o.status.value,
        width_px=148,  # room for "partially filled · stale"
        foreground=lambda o: theme.STATUS_COLOURS[o.status],
        background=lambda o: _STATUS_TINTS[o.status],
        tooltip=_status_tooltip,
    ),
    BlotterColumn.CLIENT_ORDER_ID: text_column(
        "client_order_id", "Client order id", lambda o: o.client_order_id, 150
    ),
    BlotterColumn.VENUE_ORDER_ID: text_column(
        "venue_order_id", "Venue order id", lambda o: o.venue_order_id or "", 150
    ),
    BlotterColumn.PINNED: Column(
        "pinned",
        "Pin",
        lambda o: PIN_MARK if o.pinned else "",
        lambda o: "pinned" if o.pinned else "",
        width_px=36,
        foreground=lambda o: _PIN_COLOUR,
        tooltip=_pin_tooltip,
    ),
}
assert [c.key for c in _SPECS.values()] == [c.key for c in BlotterColumn]


class BlotterModel(RecordTableModel[Order]):
    """Orders as rows, keyed by client order id, in arrival order (the proxy sorts).

    Signals:
        orders_changed(frozenset[str]): After `apply`, the client order ids of existing rows
            whose order changed (new rows are announced by `rowsInserted`).

    Attributes:
        stale: The disconnected accounts and their rows; `stale.clock` is the time source
            of the stale tooltip's age.

    Args:
        parent: Qt parent.
    """

    orders_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(tuple(_SPECS.values()), parent)
        self._row_by_id: dict[str, int] = {}
        self.stale = StaleMarks(BlotterColumn.STATUS)
        self._any_stale = False  # the fast path of data() while every venue is connected

    def set_stale_accounts(self, accounts: Mapping[AccountKey, datetime | None]) -> None:
        """Mark the working orders of these venue accounts stale, and only theirs.

        A stale row's status reads `"working · stale"`, its text is grey and italic, and
        its tooltip says since when the account has not been read. Rows of accounts no
        longer listed turn live again. Finished orders are never marked. One `dataChanged`
        covers the rows whose look changed (from the first to the last); no reset.

        Args:
            accounts: (venue, account) -> end of its last good poll (aware UTC, None if it
                never had one), for every venue account that is disconnected now; empty
                when all are connected.
        """
        rows = self.stale.set_accounts(accounts, self._records)
        self._any_stale = bool(accounts)
        if rows:
            self.dataChanged.emit(
                self.index(rows[0], 0), self.index(rows[-1], len(self.columns) - 1), STALE_ROLES
            )

    def cell_data(self, row: int, column: int, role: int) -> Any:
        """One cell's value for `role`; a stale row's differ (see `set_stale_accounts`)."""
        if self._any_stale:
            order = self._records[row]
            stale, last_success_ts = self.stale.last_good_poll(order)
            if stale:
                return self.stale.data(
                    order,
                    column,
                    self.columns[column],
                    role,
                    last_success_ts,
                    lambda live_role: RecordTableModel.cell_data(self, row, column, live_role),
                )
        return RecordTableModel.cell_data(self, row, column, role)

    def apply(self, orders: Sequence[Order]) -> None:
        """Take one batch of new or changed orders.

        Changed rows are announced with `announce_changed`: one `rows_changed` for the proxy,
        after one `dataChanged` per contiguous block of rows for any other listener. New
        orders are appended in one `beginInsertRows`/`endInsertRows`. The model is never
        reset. Within the batch, the last snapshot of an order wins; an order equal to the
        one shown changes nothing.

        Args:
            orders: Orders in their latest state, any mix of new and known.
        """
        latest = {order.client_order_id: order for order in orders}
        records = self._records
        row_by_id = self._row_by_id
        changed: dict[str, int] = {}
        new: list[Order] = []
        for client_order_id, order in latest.items():
            row = row_by_id.get(client_order_id)
            if row is None:
                new.append(order)
            else:
                shown = records[row]
                # Cheap fields first: a poll's change is nearly always a fill or a status;
                # the full (26-field) comparison only settles the rest.
                if shown is not order and (
                    shown.filled_qty != order.filled_qty
                    or shown.status is not order.status
                    or shown != order
                ):
                    records[row] = order
                    changed[client_order_id] = row
        self.announce_changed(sorted(changed.values()))
        if new:
            start = len(records)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            row_by_id.update(
                zip(
                    (order.client_order_id for order in new),
                    range(start, start + len(new)),
                    strict=True,
                )
            )
            self.stale.add_rows(new, start)
            records.extend(new)
            self.endInsertRows()
        if changed:
            self.orders_changed.emit(frozenset(changed))

    def order_at(self, row: int) -> Order:
        """The order shown in source `row`.

        Raises:
            IndexError: No such row.
        """
        return self.record_at(row)

    def row_of(self, client_order_id: str) -> int | None:
        """The source row of an order, or None if the blotter does not have it."""
        return self._row_by_id.get(client_order_id)


def _is_working(order: Order) -> bool:
    return order.status in WORKING


class BlotterProxy(RecordSortProxy):
    """Sorts the blotter on typed keys and optionally hides finished orders.

    A `RecordSortProxy`: sorting 100,000 orders is one Python sort over precomputed keys,
    and a batch of changed orders is merged back in by binary search (issue 8, item 2).

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._working_only = False

    def set_working_only(self, working_only: bool) -> None:
        """Show only working orders (True) or every order (False)."""
        if working_only == self._working_only:
            return
        self._working_only = working_only
        self.invalidate_filter()

    def row_filter(self) -> Callable[[Order], bool] | None:
        """With `working_only`, keep the orders whose status is in `WORKING`; else None."""
        return _is_working if self._working_only else None

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Accept every row, or with `working_only` the orders whose status is in `WORKING`."""
        order: Order = self.source_record(source_row)
        return not self._working_only or _is_working(order)


class BlotterView(QWidget):
    """The blotter pane: a Working/All filter over a sortable, multi-select order table.

    The table's context menu policy is `CustomContextMenu`: connect
    `table.customContextMenuRequested` to show actions for `selected_orders()`.

    Signals:
        selection_changed(list[Order]): The selected orders changed, or one of them was updated;
            in display order.
        current_order_changed(Order | None): The current (focused) order changed or was updated.
        order_activated(Order): The trader double-clicked (or pressed Enter on) an order.

    Attributes:
        model: The source model; feed it with `model.apply(orders)`.
        proxy: The sorting/filtering proxy between model and table.
        table: The table view (objectName `blotter.table`).
        filter: The Working/All box (objectName `blotter.filter`).

    Args:
        parent: Qt parent.
        model: The model to show; a new empty one if None.
    """

    selection_changed = Signal(object)
    current_order_changed = Signal(object)
    order_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, model: BlotterModel | None = None) -> None:
        super().__init__(parent)
        self.model = model if model is not None else BlotterModel(self)
        self.proxy = BlotterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.filter = QComboBox()

        self.filter.setObjectName("blotter.filter")
        self.filter.addItem("Working", True)
        self.filter.addItem("All", False)
        self.filter.setCurrentIndex(1)
        self.filter.setToolTip("Working hides filled, canceled, rejected and expired orders.")
        self._count = QLabel()
        self._count.setObjectName("blotter.count")
        self._count.setProperty("role", "caption")

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

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.filter)
        bar.addStretch(1)
        bar.addWidget(self._count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.table)

        self.filter.currentIndexChanged.connect(self._on_filter_changed)
        self.table.activated.connect(
            lambda index: self.order_activated.emit(self._order_at_proxy_row(index.row()))
        )
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(self._on_selection_changed)
        selection.currentRowChanged.connect(self._on_current_row_changed)
        self.model.orders_changed.connect(self._on_orders_changed)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.layoutChanged):
            signal.connect(self._update_count)
        self._update_count()

    def selected_orders(self) -> list[Order]:
        """The selected orders, in display order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self._order_at_proxy_row(row) for row in rows]

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

    def header_state(self) -> QByteArray:
        """The column order, widths and sort column, for saving in settings."""
        return self.table.horizontalHeader().saveState()

    def restore_header_state(self, state: QByteArray) -> bool:
        """Restore what `header_state` saved; returns False if `state` was not usable."""
        return self.table.horizontalHeader().restoreState(state)

    def _order_at_proxy_row(self, row: int) -> Order:
        return self.model.order_at(self.proxy.source_row(row))

    def _on_filter_changed(self, _index: int) -> None:
        self.proxy.set_working_only(bool(self.filter.currentData()))

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
        self._count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} orders")
