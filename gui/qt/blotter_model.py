"""The blotter's model: every order, one row each, updated in batches, never reset.

`BlotterModel` maps orders to rows by client order id, in arrival order (the proxy,
`gui.qt.blotter.BlotterProxy`, sorts and filters). While a venue account is disconnected its
working orders are drawn stale (`gui.qt.stale_rows`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Signal

from gui.domain.orders import Order
from gui.qt.blotter_columns import BLOTTER_COLUMNS, BlotterColumn
from gui.qt.stale_rows import STALE_ROLES, AccountKey, StaleMarks
from gui.qt.tables import RecordTableModel

__all__ = ["BlotterModel"]


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
        super().__init__(BLOTTER_COLUMNS, parent)
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
