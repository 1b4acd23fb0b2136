"""The journal's writer thread: the one owner of the write connection.

Callers hand it work (`submit`) from any thread, typically the GUI thread, and never wait
on the disk: an item is a function that adds rows to the pending `RowBatch`, run on the
writer thread (so encoding costs the GUI thread nothing), and optionally a future resolved
once those rows are committed. The thread waits for the next item, takes everything queued,
and commits it in one transaction.

A commit that fails (disk full, database locked) is logged with its trace, shown in
`failed`, and the batch is kept and retried with the next items or after
`RETRY_INTERVAL_S`; the futures waiting on it get `JournalError` at once (an intent that
is not durable must not be sent). `failed` goes back to None once a commit succeeds.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass
from pathlib import Path

from gui.domain.errors import OrderDeskError
from gui.oms import journal_codec as codec

log = logging.getLogger(__name__)

RETRY_INTERVAL_S = 1.0
"""Seconds between retries of a batch whose commit failed, while nothing new is queued."""

BUSY_TIMEOUT_MS = 5000
"""How long (ms) a connection waits for a lock held by another before failing."""


class JournalError(OrderDeskError):
    """The journal could not open or commit; what was asked is not durable."""


AddRows = Callable[[codec.RowBatch], None]
"""Adds rows to the pending batch; runs on the writer thread."""


@dataclass(frozen=True, slots=True)
class _Item:
    add: AddRows | None = None
    done: Future[None] | None = None
    stop: bool = False


class JournalWriter:
    """The thread that commits the journal's writes (see the module docstring).

    Attributes:
        path: The SQLite file.
        failed: Text of the last write error while writes are failing, None otherwise.
    """

    def __init__(self, path: Path) -> None:
        """Open `path` for writing (WAL, `synchronous=NORMAL`, schema created or checked)
        on a new writer thread; returns once it is open.

        Raises:
            JournalError: The file cannot be opened as a journal of this schema version.
        """
        self.path = path
        self.failed: str | None = None
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closed = False
        self._ready = threading.Event()
        self._open_errors: list[str] = []  # set by the writer thread before _ready
        self._thread = threading.Thread(
            target=self._run, name=f"journal writer ({path.name})", daemon=True
        )
        self._thread.start()
        self._ready.wait()
        if self._open_errors:
            self._closed = True
            self._thread.join()
            raise JournalError(f"cannot open the journal {path}: {self._open_errors[0]}")

    def submit(self, add: AddRows | None, done: Future[None] | None = None) -> bool:
        """Queue rows to add and/or a future to resolve once they are committed (None, or
        `JournalError` if the commit failed). Never blocks on the disk.

        Returns:
            False (nothing queued) once the writer is closed.
        """
        with self._lock:
            if self._closed:
                return False
            self._queue.put(_Item(add=add, done=done))
            return True

    def close(self) -> None:
        """Commit everything queued, stop the thread, close the connection; blocks until
        done. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_Item(stop=True))
        self._thread.join()

    # -- on the writer thread --------------------------------------------------------------

    def _run(self) -> None:
        try:
            conn = self._open()
        except Exception as exc:
            log.exception("journal: cannot open %s", self.path)
            self._open_errors.append(f"{type(exc).__name__}: {exc}")
            self._ready.set()
            return
        self._ready.set()
        try:
            self._loop(conn)
        finally:
            conn.close()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise JournalError(f"SQLite refused WAL mode (got {mode!r})")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("BEGIN IMMEDIATE")
            for statement in codec.SCHEMA:
                conn.execute(statement)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(codec.SCHEMA_VERSION),),
                )
            elif row[0] != str(codec.SCHEMA_VERSION):
                raise JournalError(
                    f"schema version {row[0]}, this desk reads {codec.SCHEMA_VERSION}"
                )
            conn.commit()
        except BaseException:
            conn.close()
            raise
        return conn

    def _loop(self, conn: sqlite3.Connection) -> None:
        batch = codec.RowBatch()
        waiters: list[Future[None]] = []
        stopping = False
        while not stopping:
            for item in self._take(RETRY_INTERVAL_S if len(batch) else None):
                stopping = stopping or item.stop
                if item.add is not None:
                    try:
                        item.add(batch)
                    except Exception as exc:  # cannot be encoded: lose it, keep the rest
                        log.exception("journal: a write could not be encoded and is lost")
                        self.failed = f"{type(exc).__name__}: {exc}"
                        _resolve(item.done, exc)
                        continue
                if item.done is not None:
                    waiters.append(item.done)
            if not len(batch) and not waiters:
                continue
            error = self._commit(conn, batch)
            for waiter in waiters:
                _resolve(waiter, error)
            waiters.clear()
            if error is None:
                batch = codec.RowBatch()
        if len(batch):
            log.error("journal: closed, %d uncommitted write(s) lost: %s", len(batch), self.failed)

    def _take(self, timeout_s: float | None) -> list[_Item]:
        """Wait for the next item (at most `timeout_s`), then take everything queued."""
        try:
            items = [self._queue.get(timeout=timeout_s)]
        except queue.Empty:
            return []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return items

    def _commit(self, conn: sqlite3.Connection, batch: codec.RowBatch) -> Exception | None:
        try:
            conn.execute("BEGIN IMMEDIATE")
            batch.write(conn)
            conn.commit()
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            if message != self.failed:
                log.exception("journal: commit of %d write(s) failed, will retry", len(batch))
            else:
                log.debug("journal: commit failed again: %s", message)
            self.failed = message
            try:
                if conn.in_transaction:
                    conn.rollback()
            except sqlite3.Error:
                log.exception("journal: rollback failed")
            return exc
        if self.failed is not None:
            log.warning("journal: writes succeed again after: %s", self.failed)
            self.failed = None
        return None


def _resolve(done: Future[None] | None, error: Exception | None) -> None:
    if done is None:
        return
    try:
        if error is None:
            done.set_result(None)
        else:
            failure = JournalError(f"journal write failed: {type(error).__name__}: {error}")
            failure.__cause__ = error
            done.set_exception(failure)
    except InvalidStateError:  # the waiter was cancelled; the write stands regardless
        pass
