"""The desk reopened on its journal shows the same blotter, then the venues' word
(issue 5 §1): orders and fills restored before any venue answers, reconciled after.
(A restart after SIGKILL is the soak test's, tests/soak.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from gui.app import build_desk, submit_demo_orders
from gui.domain.orders import OrderStatus
from gui.oms.journal import Journal
from tests.helpers import drive, until

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_the_desk_reopens_on_its_journal_with_its_blotter_then_reconciles(
    qtbot: Any, qasync_loop: Any, endpoints: dict, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    journal_path = tmp_path / "data" / "journal.sqlite3"
    first = build_desk(endpoints, settings, fast_interval_s=0.2, journal=Journal(journal_path))
    qtbot.addWidget(first.window)
    sent: list[str] = []

    async def trade() -> None:
        sent.extend(await submit_demo_orders(first, 10))
        await until(lambda: all(first.store.fills(cid) for cid in sent), 60)

    drive(qasync_loop, first, trade)
    before = {cid: first.store.get(cid) for cid in sent}
    fills_before = {cid: first.store.fills(cid) for cid in sent}

    second = build_desk(endpoints, settings, fast_interval_s=0.2, journal=Journal(journal_path))
    qtbot.addWidget(second.window)
    second.window.show()
    second.bridge.flush()  # the next frame's batch, which the bridge's timer would emit
    model = second.window.blotter.model

    # Restored before any venue was asked: the same rows, the same fills.
    assert model.rowCount() == len(sent)
    assert {model.order_at(row).client_order_id for row in range(model.rowCount())} == set(sent)
    for cid in sent:
        assert second.store.fills(cid) == fills_before[cid]

    async def reconciled() -> None:
        await until(
            lambda: all(
                (order := second.store.get(cid)) is not None
                and (order.is_terminal or order.filled_qty > before[cid].filled_qty)  # type: ignore[union-attr]
                for cid in sent
            ),
            60,
        )
        for cid in sent:
            fills = second.store.fills(cid)
            assert fills[: len(fills_before[cid])] == fills_before[cid]
            assert len({fill.fill_id for fill in fills}) == len(fills)
            assert second.store.get(cid).status != OrderStatus.OUTCOME_UNKNOWN  # type: ignore[union-attr]

    drive(qasync_loop, second, reconciled)
