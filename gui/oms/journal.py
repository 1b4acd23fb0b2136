"""The journal: every order, fill, ticket sent and trader action, in SQLite, so that a desk
that stops (even killed outright) restores its blotter on the next start (issue 5 §1).

One SQLite file (`journal.sqlite3`) in the platform's data directory (`platformdirs`) or
the one given with `--data-dir`. WAL mode with `synchronous=NORMAL`: a committed
transaction is in the WAL file, written to the OS, before the commit returns, so killing
the desk (SIGKILL included) loses nothing committed; only an OS crash or power loss may
lose the last transactions, which NORMAL trades for not waiting on an fsync per commit.

What is written, and when:

- `record_intent(order, ticket)` before a submit leaves: the order (PENDING_NEW) and the
  ticket, committed before it returns; `record_leg_intent` likewise before a new leg of a
  synthetic pause or cancel/replace is sent. A desk killed right after finds them on restart
  and resolves them by client order id, never by sending again.
- `attach(store)`: every order snapshot and every new fill the store publishes, queued.
- `record_audit(entry)`: who did what to which orders, with what result, queued.

Writes never run on the caller's thread (the GUI thread): one writer thread
(`gui.oms.journal_writer`) owns the write connection, takes whatever is queued, and commits
it in one transaction (1,000 changes of one poll cost one commit; snapshots of one order in
a batch are written once). A write that fails (disk full, database locked) is logged,
kept, retried, and shown in `Journal.failed` until a commit succeeds again; waiters of that
batch (`record_intent`, `flush`) get `JournalError`, so an intent that is not durable is
never sent. On-disk spelling: `gui.oms.journal_codec`.

Start-up: `load()` (its own connection) reads everything, `OrderStore.restore` puts it in
the store, then `attach(store)`.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import logging
import sqlite3
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from gui.domain.orders import Fill, Order, OrderTicket
from gui.oms import journal_codec as codec
from gui.oms.app_dirs import default_data_dir
from gui.oms.events import StoreChange
from gui.oms.journal_writer import BUSY_TIMEOUT_MS, AddRows, JournalError, JournalWriter
from gui.oms.store import OrderStore

__all__ = [
    "DEFAULT_FILE_NAME",
    "AuditEntry",
    "Journal",
    "JournalError",
    "JournalState",
    "default_data_dir",
]

log = logging.getLogger(__name__)

DEFAULT_FILE_NAME = "journal.sqlite3"
"""The journal's file name inside the data directory."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One trader action in the audit trail.

    Attributes:
        ts: When it was done (aware UTC).
        user: OS login name of the trader (`getpass.getuser()`, else `"unknown"`).
        action: What was done: `"submit"`, `"cancel"`, `"pause"`, `"resume"`, `"amend"`,
            `"kill switch"`, `"pin"`...
        scope: Which orders, in the trader's words: `"selection (3)"`,
            `"venue kucoin_futures"`, `"everything"`...
        result: Summary line, e.g. `"12 done, 1 failed, 2 pinned skipped"`.
        client_order_ids: The orders concerned.
    """

    ts: datetime
    user: str
    action: str
    scope: str
    result: str
    client_order_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class JournalState:
    """Everything the journal holds, as `Journal.load` read it.

    Attributes:
        orders: The latest snapshot of each order, in the order they were first journaled.
        fills: Order's client order id -> its fills, oldest first, no duplicates.
        tickets: Client order id of an order or of a leg -> the ticket it was sent with,
            each decoded on first look-up.
        audit: Trader actions, oldest first.
    """

    orders: list[Order]
    fills: dict[str, list[Fill]]
    tickets: codec.TicketBook
    audit: list[AuditEntry]


class Journal:
    """The desk's SQLite journal (see the module docstring for what, when and how durable).

    Attributes:
        path: The SQLite file.
    """

    def __init__(self, path: Path) -> None:
        """Open (or create) the journal at `path`, creating its parent directories, and
        start the writer thread.

        Raises:
            JournalError: The file cannot be created or opened as a journal (permissions,
                not a database, a newer schema version).
        """
        self.path = path
        self._stores: list[OrderStore] = []
        # client order id -> the snapshot the intent queued last holds, until the store's
        # next change (`OrderService.submit` adds the order right after queuing its intent)
        self._intended: dict[str, Order] = {}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise JournalError(f"cannot create the journal's directory: {exc}") from exc
        self._writer = JournalWriter(path)
        # A desk that exits without close() still commits what is queued: the daemon
        # writer thread is still alive while atexit handlers run.
        atexit.register(self.close)

    @classmethod
    def in_data_dir(cls, data_dir: Path | None = None) -> Journal:
        """The journal `DEFAULT_FILE_NAME` in `data_dir` (`--data-dir`), or in
        `default_data_dir()` when None.

        Raises:
            JournalError: As `Journal(path)`.
        """
        directory = data_dir if data_dir is not None else default_data_dir()
        return cls(directory / DEFAULT_FILE_NAME)

    @property
    def failed(self) -> str | None:
        """The last write error (`"OperationalError: database or disk is full"`) while
        writes are failing, for the desk to show; None while they succeed."""
        return self._writer.failed

    # -- reading ---------------------------------------------------------------------------

    def load(self) -> JournalState:
        """Read everything committed so far, on the caller's thread with its own connection
        and one read snapshot.

        Call it at start-up, before `attach`: the desk has nothing to show until it returns
        (100,000 orders with a fill each: about a second). A row that does not decode is
        logged and left out.

        Raises:
            sqlite3.Error: The file cannot be read.
        """
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        # Hundreds of thousands of new objects, none of them garbage, would trigger
        # collection after collection, each walking all of them. Resumed when done.
        collecting = gc.isenabled()
        gc.disable()
        try:
            conn.execute("BEGIN")  # one snapshot: no fill without its order
            order_rows = conn.execute("SELECT json FROM orders ORDER BY seq").fetchall()
            orders = codec.decode_orders([text for (text,) in order_rows])
            fill_rows = conn.execute("SELECT json FROM fills ORDER BY seq").fetchall()
            fills: dict[str, list[Fill]] = {}
            for fill in codec.decode_fills([text for (text,) in fill_rows]):
                fills.setdefault(fill.client_order_id, []).append(fill)
            for order_fills in fills.values():
                if len(order_fills) > 1:
                    order_fills.sort(key=_fill_ts)  # stable: equal times keep journal order
            tickets = codec.decode_tickets(
                conn.execute("SELECT client_order_id, json FROM tickets").fetchall()
            )
            audit = [
                AuditEntry(
                    datetime.fromisoformat(ts), user, action, scope, result, codec.decode_ids(ids)
                )
                for ts, user, action, scope, result, ids in conn.execute(
                    "SELECT ts, user, action, scope, result, ids_json FROM audit ORDER BY seq"
                )
            ]
        finally:
            conn.close()
            if collecting:
                gc.enable()
        return JournalState(orders=orders, fills=fills, tickets=tickets, audit=audit)

    # -- writing ---------------------------------------------------------------------------

    def attach(self, store: OrderStore) -> None:
        """Journal every change `store` publishes from now on: each changed order's snapshot
        (upserted) and each new fill (inserted once). Queued; never blocks the publisher.

        Attach after `OrderStore.restore`, or the restored orders are written again.
        """
        store.changed.subscribe(self._on_change)
        self._stores.append(store)

    def _on_change(self, change: StoreChange) -> None:
        if self._intended:
            # The store taking the order whose intent was just queued, as this very
            # snapshot: already on its way (a second commit would hold up the submit).
            intended, self._intended = self._intended, {}
            if not change.fills and all(
                intended.get(order.client_order_id) is order for order in change.orders
            ):
                return
        if not self._writer.submit(lambda batch: _add_change(batch, change)):
            log.warning("journal closed: %d order change(s) not journaled", len(change.orders))

    def start_intent(self, order: Order, ticket: OrderTicket) -> asyncio.Future[None]:
        """Queue an order's intent now: its snapshot (upserted, in queue order with the
        store's changes) and the ticket (under `order.client_order_id`). If the store's next
        change is adding this same `order` object, it is not written twice.

        Queued before the caller goes on, so the commit (on the writer thread) runs while
        the caller prepares the request; send nothing before the returned future is done.

        Returns:
            Done when committed; its exception is `JournalError` when the commit failed or
            the journal is closed: do not send the order.
        """
        done: Future[None] = Future()
        if not self._writer.submit(lambda batch: _add_intent(batch, order, ticket), done):
            done.set_exception(JournalError(f"the journal {self.path} is closed"))
        else:
            self._intended[order.client_order_id] = order
        return asyncio.wrap_future(done)

    async def record_intent(self, order: Order, ticket: OrderTicket) -> None:
        """`start_intent`, committed when this returns.

        Raises:
            JournalError: The commit failed or the journal is closed: do not send the order.
        """
        await self.start_intent(order, ticket)

    async def record_leg_intent(self, leg_client_order_id: str, ticket: OrderTicket) -> None:
        """Make a new leg's ticket durable (under the leg's client order id) before the leg
        is sent; committed when this returns.

        Raises:
            JournalError: The commit failed or the journal is closed: do not send the leg.
        """
        await self._durable(lambda batch: batch.add_ticket(leg_client_order_id, ticket))

    def record_audit(self, entry: AuditEntry) -> None:
        """Queue a trader action for the audit trail (never blocks)."""
        if not self._writer.submit(lambda batch: _add_audit(batch, entry)):
            log.warning("journal closed: audit entry %r not journaled", entry)

    async def flush(self) -> None:
        """Return once every write queued so far is committed.

        Raises:
            JournalError: The commit failed or the journal is closed.
        """
        await self._durable(None)

    async def _durable(self, add: AddRows | None) -> None:
        done: Future[None] = Future()
        if not self._writer.submit(add, done):
            raise JournalError(f"the journal {self.path} is closed")
        await asyncio.wrap_future(done)

    def close(self) -> None:
        """Stop journaling the attached stores, commit everything queued, stop the writer
        thread and close the file. Blocks until done; calling it again does nothing."""
        for store in self._stores:
            store.changed.unsubscribe(self._on_change)
        self._stores.clear()
        self._writer.close()
        atexit.unregister(self.close)


# These run on the writer thread: encoding costs the caller nothing.


def _add_change(batch: codec.RowBatch, change: StoreChange) -> None:
    for order in change.orders:
        batch.add_order(order)
    for fill in change.fills:
        batch.add_fill(fill)


def _add_intent(batch: codec.RowBatch, order: Order, ticket: OrderTicket) -> None:
    batch.add_order(order)
    batch.add_ticket(order.client_order_id, ticket)


def _add_audit(batch: codec.RowBatch, entry: AuditEntry) -> None:
    row = codec.audit_row(
        entry.ts, entry.user, entry.action, entry.scope, entry.result, entry.client_order_ids
    )
    batch.audit.append(row)


def _fill_ts(fill: Fill) -> datetime:
    return fill.ts
