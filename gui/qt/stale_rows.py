"""Stale blotter rows: the working orders of a disconnected venue account.

Issue 5, item 4: a blotter must never look live when its venue cannot be read. While a
venue account is DISCONNECTED (see `gui.oms.polling.DISCONNECT_AFTER_FAILURES`), each of
its working (non-terminal) orders is drawn grey and italic, its status reads
`"working · stale"`, and every cell's tooltip says why. Finished orders are not marked:
nothing more happens to them. All of it is computed from item data roles when the view
asks; no per-cell widgets, and no model reset.

`StaleMarks` holds the disconnected accounts and which rows belong to which account;
`BlotterModel` owns one and consults it in `data()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from gui.domain.orders import WORKING, Order, utc_now
from gui.qt import theme
from gui.qt.tables import STALE_ROLE, Column
from gui.qt.venue_status import stale_note

__all__ = ["STALE_MARK", "STALE_ROLES", "AccountKey", "StaleMarks"]

AccountKey = tuple[str, str]
"""(venue, account)."""

STALE_MARK = "stale"
"""Appended to a stale row's status text: `"working · stale"`."""

STALE_ROLES: tuple[int, ...] = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ToolTipRole,
    STALE_ROLE,
)
"""The roles whose values change when a row turns stale or live again (sort keys do not)."""

_STALE_TINT = theme.with_alpha(theme.STALE_TEXT, 34)


class StaleMarks:
    """Which venue accounts are disconnected, and which model rows are theirs.

    Attributes:
        clock: Returns the current aware UTC time, for the tooltip's age.

    Args:
        status_column: The model column whose text gets the stale mark.
        clock: The time source; `utc_now` by default.
    """

    def __init__(self, status_column: int, clock: Callable[[], datetime] = utc_now) -> None:
        self.clock = clock
        self._status_column = status_column
        self._stale: dict[AccountKey, datetime | None] = {}
        self._rows: dict[AccountKey, list[int]] = {}
        self._italic: QFont | None = None
        self._italic_number: QFont | None = None

    @property
    def accounts(self) -> dict[AccountKey, datetime | None]:
        """The disconnected accounts and the end of each one's last good poll (a copy)."""
        return dict(self._stale)

    def add_rows(self, orders: Sequence[Order], first_row: int) -> None:
        """Record that `orders` (new orders) are shown from model row `first_row` on."""
        rows = self._rows
        for row, order in enumerate(orders, first_row):
            key = (order.venue, order.account)
            account_rows = rows.get(key)
            if account_rows is None:
                rows[key] = [row]
            else:
                account_rows.append(row)

    def set_accounts(
        self, accounts: Mapping[AccountKey, datetime | None], records: list[Order]
    ) -> list[int]:
        """Replace the disconnected accounts.

        Args:
            accounts: (venue, account) -> end of its last good poll (aware UTC, None if
                none), for every account that is disconnected now.
            records: The model's rows, to pick the working orders.

        Returns:
            The rows whose look changed (working orders of accounts that turned stale or
            live again, or whose last good poll moved), sorted; empty if nothing changed.
        """
        new = dict(accounts)
        old, self._stale = self._stale, new
        touched = {
            key
            for key in old.keys() | new.keys()
            if key not in old or key not in new or old[key] != new[key]
        }
        return sorted(
            row
            for key in touched
            for row in self._rows.get(key, ())
            if records[row].status in WORKING
        )

    def last_good_poll(self, order: Order) -> tuple[bool, datetime | None]:
        """(True, last good poll) if `order`'s row is stale now, else (False, None)."""
        if not self._stale or order.status not in WORKING:
            return False, None
        key = (order.venue, order.account)
        if key not in self._stale:
            return False, None
        return True, self._stale[key]

    def data(
        self,
        order: Order,
        column_index: int,
        column: Column[Order],
        role: int,
        last_success_ts: datetime | None,
        live: Callable[[int], Any],
    ) -> Any:
        """A stale row's cell value for `role`.

        Args:
            order: The row's order (known to be stale).
            column_index: The cell's column.
            column: The cell's column spec.
            role: The item data role asked for.
            last_success_ts: The account's last good poll, for the tooltip.
            live: Returns the cell's value for a role as a live row would have it.
        """
        if role == STALE_ROLE:
            return True
        if role == Qt.ItemDataRole.DisplayRole and column_index == self._status_column:
            return f"{column.text(order)} · {STALE_MARK}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return theme.STALE_TEXT
        if role == Qt.ItemDataRole.BackgroundRole and column_index == self._status_column:
            return _STALE_TINT
        if role == Qt.ItemDataRole.FontRole:
            return self._font(column.numeric)
        if role == Qt.ItemDataRole.ToolTipRole:
            note = stale_note(order.venue, last_success_ts, self.clock())
            own = live(role)
            return f"{note}\n{own}" if own else note
        return live(role)

    def _font(self, numeric: bool) -> QFont:
        # Built on first use: the application font is final by then.
        if self._italic is None or self._italic_number is None:
            self._italic = QFont()
            self._italic.setItalic(True)
            self._italic_number = theme.number_font()
            self._italic_number.setItalic(True)
        return self._italic_number if numeric else self._italic
