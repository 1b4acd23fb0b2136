"""The journal's writer: a new file loads empty, close is idempotent, a failing disk is
shown and retried, and no write ever runs on (or stalls) the caller's thread."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.domain.orders import OrderStatus
from gui.oms import journal_writer
from gui.oms.journal import DEFAULT_FILE_NAME, AuditEntry, Journal, JournalError, default_data_dir
from gui.oms.store import OrderStore
from tests.helpers import until
from tests.oms.journal_rigs import T0, desk_history, order_in, ticket


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / DEFAULT_FILE_NAME


@pytest.fixture
def journal(path: Path) -> Iterator[Journal]:
    journal = Journal(path)
    yield journal
    journal.close()


def load_again(path: Path) -> list[str]:
    """Client order ids the next start finds."""
    again = Journal(path)
    try:
        return [order.client_order_id for order in again.load().orders]
    finally:
        again.close()


def test_a_new_journal_loads_empty_and_creates_its_directories(tmp_path: Path) -> None:
    journal = Journal.in_data_dir(tmp_path / "fresh" / "dir")
    try:
        state = journal.load()
    finally:
        journal.close()
    assert journal.path == tmp_path / "fresh" / "dir" / DEFAULT_FILE_NAME
    assert (state.orders, state.fills, state.tickets, state.audit) == ([], {}, {}, [])


def test_the_default_data_directory_is_the_platforms() -> None:
    assert default_data_dir().name == "OrderDesk"


@pytest.mark.asyncio
async def test_close_is_idempotent_and_refuses_later_intents(journal: Journal) -> None:
    journal.close()
    journal.close()
    journal.record_audit(AuditEntry(T0, "trader", "cancel", "everything", "0 done"))
    with pytest.raises(JournalError, match="closed"):
        await journal.record_intent(order_in(OrderStatus.PENDING_NEW, 1), ticket())


@pytest.mark.asyncio
async def test_a_locked_database_fails_the_intent_visibly_and_the_write_is_retried(
    path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(journal_writer, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(journal_writer, "RETRY_INTERVAL_S", 0.05)
    journal = Journal(path)
    try:
        # Arrange: another process holds the write lock.
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        order = order_in(OrderStatus.PENDING_NEW, 1)
        # Act / Assert: the intent is refused, the error shown and logged with its trace.
        with pytest.raises(JournalError, match="locked"):
            await journal.record_intent(order, ticket())
        assert journal.failed is not None and "locked" in journal.failed
        assert any(record.levelno == logging.ERROR and record.exc_info for record in caplog.records)
        # The lock goes away: the kept write is retried on its own, the error clears.
        other.rollback()
        other.close()
        await until(lambda: journal.failed is None, timeout_s=10)
        await journal.flush()
        assert journal.load().orders == [order]
    finally:
        journal.close()


def traced_connect(monkeypatch: pytest.MonkeyPatch, on_statement: Callable[[str], None]) -> None:
    """Every SQLite connection opened from now on calls `on_statement(sql)` as each
    statement starts, on the thread that runs it."""
    connect = sqlite3.connect

    def connect_traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn: sqlite3.Connection = connect(*args, **kwargs)
        conn.set_trace_callback(on_statement)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect_traced)


@pytest.mark.asyncio
async def test_no_write_runs_on_the_callers_thread(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[tuple[int, str]] = []
    traced_connect(monkeypatch, lambda sql: statements.append((threading.get_ident(), sql)))
    journal = Journal(path)
    store = OrderStore()
    journal.attach(store)
    desk_history(store)
    await journal.record_intent(order_in(OrderStatus.PENDING_NEW, 9), ticket())
    await journal.record_leg_intent("OD-009-2", ticket())
    journal.record_audit(AuditEntry(T0, "trader", "pause", "selection (1)", "1 done"))
    await journal.flush()
    journal.load()
    journal.close()
    caller = threading.get_ident()
    writes = [
        (thread, sql)
        for thread, sql in statements
        if not sql.lstrip().upper().startswith(("SELECT", "BEGIN"))
    ]
    assert any("INSERT INTO orders" in sql for _, sql in writes)
    assert any("INTO fills" in sql for _, sql in writes)
    assert [sql for thread, sql in writes if thread == caller] == []
    # The caller only read: load()'s snapshot on its own connection.
    assert {sql.split()[0] for thread, sql in statements if thread == caller} == {
        "BEGIN",
        "SELECT",
    }


@pytest.mark.asyncio
async def test_a_slow_disk_never_stalls_the_callers_loop(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Arrange: once armed, every commit waits until the test lets the disk finish.
    armed, committing, disk_done = threading.Event(), threading.Event(), threading.Event()

    def slow_commit(sql: str) -> None:
        if sql == "COMMIT" and armed.is_set():
            committing.set()
            disk_done.wait(timeout=30)

    traced_connect(monkeypatch, slow_commit)
    journal = Journal(path)
    armed.set()
    try:
        # Act: an intent while the disk hangs.
        intent = asyncio.create_task(
            journal.record_intent(order_in(OrderStatus.PENDING_NEW, 1), ticket())
        )
        await until(committing.is_set)  # this loop keeps running while the commit hangs
        ticks = 0
        for _ in range(5):
            await asyncio.sleep(0)
            ticks += 1
        # Assert: the caller's loop ran; the intent is not done until the disk is.
        assert ticks == 5 and not intent.done()
        disk_done.set()
        await asyncio.wait_for(intent, timeout=30)
    finally:
        disk_done.set()
        journal.close()
    assert load_again(path) == ["OD-001"]


def test_a_journal_of_another_schema_version_is_refused(path: Path) -> None:
    Journal(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(JournalError, match="schema version 2"):
        Journal(path)
