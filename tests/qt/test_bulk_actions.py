"""Bulk actions from the desk window, against five venue emulators: the kill switch names
its counts per venue and skips pinned orders unless ticked; each scope action confirms its
count and runs exactly its scope; pinning shows in the blotter."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QMessageBox, QPushButton

from gui.domain.orders import CANCELLABLE, PAUSABLE, Order, OrderStatus, Side
from gui.oms.bulk import EVERYTHING, BulkOutcome, BulkProgress, Scope
from gui.qt.blotter import PIN_MARK, BlotterColumn
from gui.qt.bulk_dialogs import KillSwitchDialog, venue_counts_text
from tests.helpers import until
from tests.oms.bulk_rigs import at_venue, populated
from tests.qt.desk_rig import Rig, open_rig, save_screenshot

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def rig(qasync_loop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path) -> Iterator[Rig]:
    yield from open_rig(qasync_loop, qtbot, tmp_path)


def action(rig: Rig, name: str) -> QAction:
    found = rig.window.findChild(QAction, name)
    assert found is not None, name
    return found


def pin_mark(rig: Rig, order: Order) -> str:
    blotter = rig.window.blotter
    row = blotter.model.row_of(order.client_order_id)
    assert row is not None
    return str(blotter.model.index(row, BlotterColumn.PINNED).data())


def test_the_kill_switch_names_counts_per_venue_and_skips_pinned_unless_ticked(
    rig: Rig, qtbot: Any
) -> None:
    desk, window = rig.desk, rig.window

    async def scenario() -> None:
        orders = await populated(desk)  # 30 working orders on 6 accounts of 5 venues
        rig.bridge.flush()
        # The trader pins one DFX and one ZenOTC order from the blotter.
        pinned = [next(o for o in orders if o.venue == venue) for venue in ("dfx", "zenotc")]
        window.blotter.select_client_order_ids([o.client_order_id for o in pinned])
        window.action_pin.trigger()
        rig.bridge.flush()
        assert all(desk.order(o.client_order_id).pinned for o in pinned)
        assert [pin_mark(rig, o) for o in pinned] == [PIN_MARK, PIN_MARK]
        assert pin_mark(rig, orders[0]) == ""
        assert window.action_pin.text() == "Unpin"
        # The pin column sorts pinned orders together.
        window.blotter.table.sortByColumn(BlotterColumn.PINNED, Qt.SortOrder.DescendingOrder)
        assert {
            window.blotter.model.order_at(
                window.blotter.proxy.mapToSource(window.blotter.proxy.index(row, 0)).row()
            ).client_order_id
            for row in range(2)
        } == {o.client_order_id for o in pinned}

        action(rig, "action.kill_switch").trigger()
        dialog = window.findChild(KillSwitchDialog, "dialog.kill_switch")
        assert dialog is not None and dialog.isVisible()
        unpinned = [o for o in orders if o not in pinned]
        assert dialog.summary.text() == "Cancel 28 orders on 5 venues"
        assert dialog.venues.text() == (
            "treadfi 10, anboto 5, kucoin_futures 5, dfx 4, zenotc 4\n2 pinned kept"
        )
        assert venue_counts_text(unpinned) in dialog.venues.text()
        include = dialog.findChild(QCheckBox, "dialog.kill_switch.include_pinned")
        assert include.text() == "Include pinned orders (2 pinned)"
        include.setChecked(True)
        assert dialog.yes.text() == "Cancel 30 orders"
        assert "2 pinned kept" not in dialog.venues.text()
        include.setChecked(False)
        assert dialog.yes.text() == "Cancel 28 orders"
        save_screenshot(window, "kill_switch_window.png")
        save_screenshot(dialog, "kill_switch_dialog.png")

        shown: list[str] = []
        label = window.bulk.progress
        original = label.show_progress

        def record(progress: BulkProgress) -> None:
            original(progress)
            shown.append(label.text())

        label.show_progress = record  # type: ignore[method-assign]
        dialog.findChild(QPushButton, "dialog.kill_switch.yes").click()
        await until(lambda: "pinned skipped" in label.text())
        assert label.text() == "Cancel everything: 28 done, 0 failed, 2 pinned skipped"
        assert shown[0] == "Cancelling: 0 done / 0 failed / 28 remaining"
        assert shown[-1] == "Cancelling: 28 done / 0 failed / 0 remaining"
        await desk.settle()
        assert await desk.open_at_venues() == at_venue(pinned)

        # Again, with "Include pinned orders" ticked: nothing is left working.
        again = window.bulk.open_kill_switch()
        assert again is not None and again.summary.text() == "Cancel 0 orders"
        assert not again.yes.isEnabled()
        again.include_pinned.setChecked(True)
        assert again.yes.text() == "Cancel 2 orders" and again.yes.isEnabled()
        again.yes.click()
        await until(lambda: label.text() == "Cancel everything: 2 done, 0 failed")
        await desk.settle()
        assert await desk.open_at_venues() == set()
        assert desk.store.working_orders() == []
        assert window.errors.model.rowCount() == 0

    rig.run(scenario())


def test_the_kill_switch_with_nothing_working_says_so_and_opens_nothing(rig: Rig) -> None:
    assert rig.window.bulk.open_kill_switch() is None
    assert "nothing to cancel" in rig.window.statusBar().currentMessage()


class Recorder:
    """Stands in for `OrderService.run_bulk`: records (action, scope), sends nothing."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Scope]] = []

    async def __call__(self, action: str, scope: Scope, progress: Any = None) -> BulkOutcome:
        self.calls.append((action, scope))
        if progress is not None:
            progress(BulkProgress(action, 1, 1, 0))
        return BulkOutcome(action, scope, (), 0, f"{action} {scope.describe()}: 0 done, 0 failed")


def test_scope_actions_confirm_their_count_and_pass_the_right_scope(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk, window = rig.desk, rig.window
    recorder = Recorder()

    async def scenario() -> None:
        orders = await populated(desk)
        rig.bridge.flush()
        current = next(o for o in orders if o.venue == "kucoin_futures" and o.side == Side.SELL)
        window.blotter.select_client_order_ids([current.client_order_id])
        assert action(rig, "action.cancel_venue").text() == "All on kucoin_futures…"
        assert action(rig, "action.pause_pair").text() == f"All {current.pair}…"
        assert action(rig, "action.resume_side").text() == "All sells…"
        monkeypatch.setattr(desk.service, "run_bulk", recorder)

        def in_scope(scope: Scope, statuses: frozenset[OrderStatus]) -> list[Order]:
            return [o for o in desk.store.orders() if o.status in statuses and scope.matches(o)]

        cases = [
            ("action.cancel_venue", "cancel", Scope(venue="kucoin_futures"), CANCELLABLE),
            ("action.pause_pair", "pause", Scope(pair=current.pair), PAUSABLE),
            ("action.cancel_side", "cancel", Scope(side=Side.SELL), CANCELLABLE),
            ("action.pause_all", "pause", EVERYTHING, PAUSABLE),
        ]
        for number, (name, verb, scope, statuses) in enumerate(cases, start=1):
            action(rig, name).trigger()
            box = rig.confirmation()
            expected = in_scope(scope, statuses)
            assert box.text() == (
                f"{verb.capitalize()} {len(expected)} orders: {venue_counts_text(expected)}"
            ), name
            box.findChild(QPushButton, "dialog.confirm.yes").click()
            await until(lambda: len(recorder.calls) == number)  # noqa: B023 - awaited here
            assert recorder.calls[-1] == (verb, scope), name
            await until(lambda: "0 done" in window.bulk.progress.text())

        # Nothing is paused: "resume all sells" says so and asks nothing.
        assert window.bulk.confirm("resume", "side") is None
        assert "can be resumed" in window.statusBar().currentMessage()
        # "Cancel everything" is the kill switch.
        action(rig, "action.cancel_all").trigger()
        dialog = window.findChild(KillSwitchDialog, "dialog.kill_switch")
        assert dialog is not None and dialog.isVisible()
        dialog.reject()

        # With a pinned order in scope, the confirmation offers to include it.
        desk.store.set_pinned(current.client_order_id, True)
        rig.bridge.flush()
        action(rig, "action.cancel_venue").trigger()
        box = rig.confirmation()
        assert box.text().startswith("Cancel 4 orders: kucoin_futures 4")
        include = box.findChild(QCheckBox, "dialog.confirm.include_pinned")
        assert include is not None and include.text() == "Include 1 pinned order"
        include.setChecked(True)
        assert box.text().startswith("Cancel 5 orders")
        box.findChild(QPushButton, "dialog.confirm.yes").click()
        await until(lambda: len(recorder.calls) == len(cases) + 1)
        assert recorder.calls[-1] == (
            "cancel",
            Scope(venue="kucoin_futures", include_pinned=True),
        )

        # The selection: exactly the selected orders.
        chosen = [o for o in orders if o.venue == "dfx"][:2]
        window.blotter.select_client_order_ids([o.client_order_id for o in chosen])
        action(rig, "action.pause_selected").trigger()
        box = rig.confirmation()
        assert box.text() == "Pause 2 orders: dfx 2"
        box.findChild(QPushButton, "dialog.confirm.yes").click()
        await until(lambda: len(recorder.calls) == len(cases) + 2)
        assert recorder.calls[-1] == (
            "pause",
            Scope(client_order_ids=frozenset(o.client_order_id for o in chosen)),
        )

    rig.run(scenario())


def test_a_venue_scope_cancels_exactly_that_venue_at_the_venues(rig: Rig) -> None:
    desk, window = rig.desk, rig.window

    async def scenario() -> None:
        orders = await populated(desk)
        rig.bridge.flush()
        anboto = [o for o in orders if o.venue == "anboto"]
        window.blotter.select_client_order_ids([anboto[0].client_order_id])
        box = window.bulk.confirm("cancel", "venue")
        assert box is not None and box.text() == "Cancel 5 orders: anboto 5"
        box.findChild(QPushButton, "dialog.confirm.yes").click()
        await until(lambda: window.bulk.progress.text().startswith("Cancel everything on anboto"))
        await desk.settle()
        others = [o for o in orders if o.venue != "anboto"]
        assert await desk.open_at_venues() == at_venue(others)
        assert all(desk.order(o.client_order_id).status == OrderStatus.CANCELED for o in anboto)

    rig.run(scenario())


def test_the_confirmation_dialog_is_a_message_box(rig: Rig) -> None:
    # The end-to-end helpers find it by type and name: keep it a QMessageBox.
    async def scenario() -> None:
        orders = await populated(rig.desk)
        rig.bridge.flush()
        rig.window.blotter.select_client_order_ids([orders[0].client_order_id])
        box = rig.window.confirm_and_run("cancel")
        assert isinstance(box, QMessageBox) and "1 order" in box.text()
        box.findChild(QPushButton, "dialog.confirm.no").click()

    rig.run(scenario())
