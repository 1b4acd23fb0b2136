"""Benchmark: start-up (issue 8, item 5): the window shown in under 1.5 s, a journal of
100,000 orders restored in under 2 s.

Window: `tests.benchmarks.startup_probe` runs the real `orderdesk` (`gui.launch.main`) in a child
process and prints a line the moment the main window is first exposed; the time is taken
from spawning the child to that line, so interpreter start and every import count. Two
modes: live accounts (`--accounts FILE`, secrets from a keyring, venues already up: a trader's
morning) and the default sandbox mode (which starts its own sandbox child). Baseline, same
run: the same probe with only `PySide6.QtWidgets` imported and a bare `QMainWindow` shown.

Restore: a journal of N orders (a day's history: most finished, a fifth working, a fill per
filled order, the ticket of each) written with `Journal`, then restored as `gui.app.build_desk`
does (`gui.oms.recovery.restore`: read, decode, into the store) and handed to the blotter
(the bridge's batch, applied by the blotter's model). Baseline, same run: the same rows read
with plain `sqlite3`, not decoded.

Run: `QT_QPA_PLATFORM=offscreen python -m pytest -m benchmark -s tests/benchmarks/test_startup.py`
(`ORDERDESK_BENCH=full` for the issue's sizes and five runs per window figure).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from gui.app import build_desk
from gui.domain.orders import Fill, Order, OrderStatus
from gui.oms.journal import Journal
from gui.oms.recovery import restore
from gui.oms.store import OrderStore
from gui.sandbox.server import VenueEndpoint
from tests.benchmarks.harness import FULL, record, size
from tests.benchmarks.seeded_sandbox import REPO, seeded_sandbox
from tests.e2e.test_secrets import planted_secrets, write_accounts
from tests.oms.journal_rigs import T0, order_in, ticket

RUNS = size(1, 5)
"""Start-ups timed per mode (the median is recorded)."""
JOURNAL_ORDERS = size(5_000, 100_000)
"""Orders in the restored journal."""
WINDOW_BUDGET_S = 1.5
RESTORE_BUDGET_S = 2.0
PROBE_TIMEOUT_S = 60.0
# A day's statuses: most finished, a fifth still working.
STATUSES = (
    [OrderStatus.FILLED] * 4
    + [OrderStatus.CANCELED] * 3
    + [OrderStatus.REJECTED]
    + [OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED]
)


def time_window_shown(args: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning the probe with `args` to its main window's first expose.

    Raises:
        AssertionError: The probe printed no line or did not exit 0.
    """
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "tests.benchmarks.startup_probe", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    shown_s = time.perf_counter() - started
    assert line, "the probe exited before its window was shown"
    json.loads(line)
    code = process.wait(timeout=PROBE_TIMEOUT_S)
    process.stdout.close()
    assert code == 0, f"the probe exited with {code}"
    return shown_s


def _environment(home: Path) -> dict[str, str]:
    home.mkdir(parents=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON_KEYRING", "ORDERDESK_", "XDG_"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(REPO),
    )
    return env


@pytest.mark.benchmark
def test_window_is_shown_quickly(tmp_path: Path) -> None:
    env = _environment(tmp_path / "home")
    desk = ["--data-dir", str(tmp_path / "data"), "--settings", str(tmp_path / "layout.ini")]
    bare = [time_window_shown(["--bare"], env) for _ in range(RUNS)]
    sandbox_mode = [time_window_shown(desk, env) for _ in range(RUNS)]
    with seeded_sandbox(0) as endpoints:
        served = {venue: VenueEndpoint(**endpoint) for venue, endpoint in endpoints.items()}
        accounts = tmp_path / "accounts.toml"
        write_accounts(accounts, served)
        live_env = {
            **env,
            "PYTHON_KEYRING_BACKEND": "tests.keyring_backend.EnvKeyring",
            "ORDERDESK_TEST_KEYRING": json.dumps({"OrderDesk": planted_secrets(served)}),
        }
        live = [
            time_window_shown([*desk, "--accounts", str(accounts)], live_env) for _ in range(RUNS)
        ]
    figures = {
        "runs": RUNS,
        "bare_window_s": round(statistics.median(bare), 3),
        "live_accounts_s": round(statistics.median(live), 3),
        "sandbox_mode_s": round(statistics.median(sandbox_mode), 3),
    }
    record("startup_window", figures)
    if FULL:
        assert figures["live_accounts_s"] < WINDOW_BUDGET_S
        assert figures["sandbox_mode_s"] < WINDOW_BUDGET_S


def day_of_orders(count: int) -> tuple[list[Order], dict[str, list[Fill]]]:
    """`count` orders in `STATUSES` proportions (journal_rigs' KuCoin limit order), with
    one fill for each filled or partly filled one."""
    orders: list[Order] = []
    fills: dict[str, list[Fill]] = {}
    for number in range(count):
        status = STATUSES[number % len(STATUSES)]
        order = order_in(status, number)
        order = dataclasses.replace(order, client_order_id=f"OD-{number:06d}")
        orders.append(order)
        if order.filled_qty > 0:
            fills[order.client_order_id] = [
                Fill(
                    f"T-{number}",
                    order.client_order_id,
                    order.venue,
                    order.pair,
                    order.side,
                    order.filled_qty,
                    order.avg_fill_px or Decimal(1),
                    T0 + timedelta(seconds=number),
                    Decimal("0.01"),
                    "USDT",
                    "maker",
                )
            ]
    return orders, fills


async def write_journal(path: Path, count: int) -> None:
    """A journal at `path` holding `day_of_orders(count)` and each order's ticket."""
    journal = Journal(path)
    try:
        orders, fills = day_of_orders(count)
        store = OrderStore()
        journal.attach(store)
        store.restore(orders, fills)  # one change: every order and fill, journaled
        intents = [
            journal.record_intent(order, ticket(notes=order.notes)) for order in orders
        ]  # the writer commits what is queued together
        await asyncio.gather(*intents)
        await journal.flush()
    finally:
        journal.close()


def read_rows_plainly(path: Path) -> int:
    """Every row the restore reads, with plain sqlite3 and no decoding; returns the count."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT json FROM orders ORDER BY seq").fetchall()
        rows += conn.execute("SELECT json FROM fills ORDER BY seq").fetchall()
        rows += conn.execute("SELECT client_order_id, json FROM tickets").fetchall()
        rows += conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()
    return len(rows)


@pytest.mark.benchmark
def test_journal_restore_into_store_and_blotter(
    qapp: QApplication, qasync_loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    path = tmp_path / "journal.sqlite3"
    qasync_loop.run_until_complete(write_journal(path, JOURNAL_ORDERS))
    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)

    started = time.perf_counter()
    rows = read_rows_plainly(path)
    plain_s = time.perf_counter() - started

    desk = build_desk({}, settings)  # the window and wiring, no venues (not timed)
    journal = Journal(path)
    try:
        started = time.perf_counter()
        state = restore(journal, desk.store, desk.service)
        in_store_s = time.perf_counter() - started
        desk.bridge.flush()  # the blotter's batch, as its timer would send it
        qapp.processEvents()
        restored_s = time.perf_counter() - started
        assert desk.window.blotter.model.rowCount() == JOURNAL_ORDERS
    finally:
        journal.close()
        gc.unfreeze()  # `restore` froze the restored objects for the desk's life
        desk.window.close()
        desk.window.deleteLater()
    figures: dict[str, Any] = {
        "orders": len(state.orders),
        "fills": sum(len(each) for each in state.fills.values()),
        "tickets": len(state.tickets),
        "plain_sqlite_read_s": round(plain_s, 3),
        "rows": rows,
        "into_store_s": round(in_store_s, 3),
        "into_store_and_blotter_s": round(restored_s, 3),
    }
    record("startup_journal_restore", figures)
    assert len(state.orders) == JOURNAL_ORDERS and len(state.tickets) == JOURNAL_ORDERS
    if FULL:
        assert restored_s < RESTORE_BUDGET_S
