"""Bulk actions at scale, end to end through the desk against the sandbox (issue 6 §8).

Hundreds of orders over all five venues; each bulk action is driven as a trader drives it
(the Orders menu, the blotter's right-click menu, the toolbar, the shortcuts, and the
confirmation dialogs, found by objectName) and checked against the store, the status bar,
the error pane, the audit trail (journal) and the emulators' own books
(`GET /_sandbox/book`): each scope touches exactly its orders; the kill switch leaves
nothing working but pinned orders, then nothing at all; a synthetic pause and resume keeps
quantities exact; failures the sandbox injects are reported order by order.

Orders are sent with `OrderService.submit` (the ticket is tested in the per-venue desk
tests; 300 tickets typed would take minutes). The venues' rate limits bound these tests'
time: the desk keeps to the documented ones, which the emulators enforce (DFX reads one
order a second, ZenOTC takes 10 requests a second, KuCoin a weighted pool), so the orders
are spread by how fast each venue may be asked, DFX getting the fewest (`SCALE`,
`FAST_BROKERS`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolButton

from gui.app import Desk, build_desk
from gui.domain import OrderStatus
from gui.domain.orders import Order, OrderTicket, Side, Strategy
from gui.oms.journal import Journal
from gui.qt.blotter import PIN_MARK, BlotterColumn
from gui.sandbox.faults import FaultSpec
from gui.sandbox.server import running_sandbox
from tests.e2e.bulk_scale_helpers import (
    Books,
    BulkCheck,
    ProgressWatch,
    check_progress,
    counts_text,
    error_rows,
    fault_counts,
    from_context_menu,
    from_orders_menu,
    noun,
    open_confirmation,
    open_kill_switch,
    press_yes,
    read_books,
    resting_tickets,
    submit_all,
    wait_for,
)
from tests.e2e.desk_helpers import find
from tests.helpers import drive, until

# Showing windows and popup menus on the offscreen platform logs these harmless warnings.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    "This plugin does not support raise",
    "This plugin does not support grabbing the keyboard",
)

D = Decimal
Endpoints = dict[str, dict[str, Any]]
"""Venue -> `{"base_url", "credentials", "accounts"}`, as `running_sandbox` serves them."""
SCALE = {"treadfi": 110, "kucoin_futures": 52, "anboto": 100, "zenotc": 30, "dfx": 8}
"""300 orders, spread by how fast each venue may be asked (see `FAST_BROKERS`); DFX reads
one order per second, ZenOTC takes 10 requests a second, KuCoin a weighted pool."""
FAST_BROKERS = {
    "treadfi": {"max_requests_per_s": 50.0, "burst": 20},
    "anboto": {"max_requests_per_s": 40.0, "burst": 10},
}
"""The request rates these tests let the desk use on the venues whose rate is the desk's own
figure, none being documented (Tread.fi notes §5.5, Anboto notes §1.6): as far as their
emulators allow (Tread.fi: no limit; Anboto: 50/s). The documented limits of KuCoin,
ZenOTC and DFX, which their emulators enforce, are kept."""
SYNTHETIC = ("anboto", "dfx", "kucoin_futures", "zenotc")
"""Venues without a native pause: the desk pauses by cancelling and resumes by a new leg."""
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def served(**options: Any) -> Iterator[Endpoints]:
    with running_sandbox(**options) as endpoints:
        yield {name: dataclasses.asdict(endpoint) for name, endpoint in endpoints.items()}


@pytest.fixture
def sandbox() -> Iterator[Endpoints]:
    """The sandbox at 10 simulated seconds per real one: nothing in these tests fills, and
    a slower clock steps hundreds of resting orders less often on a 2-core machine."""
    yield from served(seed=11, speed=10.0)


def open_desk(qtbot: Any, endpoints: Endpoints, tmp_path: Path) -> Desk:
    """A desk on `endpoints` with a journal in `tmp_path`, shown, polling fast."""
    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    journal = Journal(tmp_path / "data" / "journal.sqlite3")
    tuned = {
        venue: {**endpoint, "settings": FAST_BROKERS.get(venue, {})}
        for venue, endpoint in endpoints.items()
    }
    desk = build_desk(tuned, settings, fast_interval_s=0.2, slow_interval_s=0.5, journal=journal)
    qtbot.addWidget(desk.window)
    desk.window.show()
    return desk


def watch_progress(desk: Desk) -> ProgressWatch:
    return ProgressWatch(find(desk, type(desk.window.bulk.progress), "status.bulk_progress"))


def anchor(desk: Desk, order: Order) -> None:
    """Make `order` the blotter's current row (the scope menus act around it)."""
    desk.window.blotter.select_client_order_ids([order.client_order_id])
    current = desk.window.blotter.current_order()
    assert current is not None and current.client_order_id == order.client_order_id


def working(desk: Desk) -> list[Order]:
    return [order for order in desk.store.orders() if order.status == OrderStatus.WORKING]


async def shortcut(qtbot: Any, desk: Desk, action: QAction, key: Qt.Key, modifiers: Any) -> None:
    """Press `action`'s shortcut in the blotter once the action is enabled (it follows the
    blotter's rows, which the bridge refreshes once per frame) and the window is active
    again (a closed dialog does not give activation back on the offscreen platform)."""
    desk.bridge.flush()
    await until(action.isEnabled)
    desk.window.activateWindow()
    await until(desk.window.isActiveWindow)
    qtbot.keyClick(desk.window.blotter.table, key, modifiers)


def test_each_scope_touches_exactly_its_orders_across_300_orders_on_five_venues(
    qasync_loop: Any, qtbot: Any, sandbox: Endpoints, tmp_path: Path
) -> None:
    desk = open_desk(qtbot, sandbox, tmp_path)
    check = BulkCheck(desk, sandbox, watch_progress(desk))

    async def scenario() -> None:
        await submit_all(desk, resting_tickets(desk.service.accounts, SCALE))
        books = await check.baseline()
        assert len(desk.store) == 300 and len(working(desk)) == 300
        for venue, count in SCALE.items():
            assert len(books.live_ids(venue)) == count, venue

        # Cancel by pair, from the Orders menu: ETH-USDT on four venues (ZenOTC's is USD).
        eth = [order for order in working(desk) if order.pair == "ETH-USDT"]
        assert len(eth) == 135
        anchor(desk, eth[-1])
        await check.run(
            "cancel",
            eth,
            lambda: from_orders_menu(desk, "menu.cancel_scope", "action.cancel_pair"),
            "Cancel ETH-USDT: 135 done, 0 failed",
            lambda order: "ended",
        )

        # Pause by side: every buy left, natively on Tread.fi, synthetically elsewhere.
        buys = [order for order in working(desk) if order.side is Side.BUY]
        assert len(buys) == 84
        anchor(desk, buys[0])
        await check.run(
            "pause",
            buys,
            lambda: from_orders_menu(desk, "menu.pause_scope", "action.pause_side"),
            "Pause all buys: 84 done, 0 failed",
            lambda order: "paused" if order.venue == "treadfi" else "ended",
            informative="Synthetic pause on anboto, dfx, kucoin_futures, zenotc: the working "
            "remainder is cancelled and sent again on resume.",
        )
        for order in buys:  # one row each; the synthetic ones wait with nothing at the venue
            paused = desk.store.get(order.client_order_id)
            assert paused is not None and paused.quantity == order.quantity
            assert paused.is_between_legs == (order.venue != "treadfi")

        # Resume everything paused (the buys), from the blotter's right-click menu.
        anchor(desk, buys[-1])
        await check.run(
            "resume",
            buys,
            lambda: from_context_menu(desk, "menu.resume_scope", "action.resume_all"),
            "Resume everything: 84 done, 0 failed",
            lambda order: "working",
        )
        for order in buys:
            resumed = desk.store.get(order.client_order_id)
            assert resumed is not None and resumed.quantity == order.quantity
            legs = resumed.legs
            assert len(legs) == (0 if order.venue == "treadfi" else 2)
            if legs:  # the new leg is the whole remainder, under its own client order id
                assert legs[1].quantity == order.quantity
                assert legs[1].client_order_id != order.client_order_id

        # Cancel a selection from the toolbar: resumed buys and untouched sells, every venue.
        chosen = [
            order
            for venue in SCALE
            for side in Side
            for order in [o for o in working(desk) if (o.venue, o.side) == (venue, side)][
                : 1 if venue == "dfx" else 2
            ]
        ]
        assert len(chosen) == 18
        desk.window.blotter.select_client_order_ids(o.client_order_id for o in chosen)
        button = find(desk, QToolButton, "button.action.cancel_selected")
        await until(button.isEnabled)
        await check.run(
            "cancel",
            chosen,
            lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton),
            "Cancel the selection: 18 done, 0 failed",
            lambda order: "ended",
        )

        # Cancel by venue, from the right-click menu: Tread.fi's native cancel-all.
        tread = [order for order in working(desk) if order.venue == "treadfi"]
        assert len(tread) == 110 - 55 - 4
        anchor(desk, tread[0])
        await check.run(
            "cancel",
            tread,
            lambda: from_context_menu(desk, "menu.cancel_scope", "action.cancel_venue"),
            "Cancel everything on treadfi: 51 done, 0 failed",
            lambda order: "ended",
        )
        assert len(working(desk)) == 300 - 135 - 18 - 51

    drive(qasync_loop, desk, scenario)
    assert error_rows(desk) == []


def fills_add_up(desk: Desk, client_order_id: str) -> bool:
    """The order's fills (from every leg) add up to its filled quantity."""
    order = desk.store.get(client_order_id)
    fills = desk.store.fills(client_order_id)
    return order is not None and sum(fill.quantity for fill in fills) == order.filled_qty


@pytest.fixture
def slow_sandbox() -> Iterator[Endpoints]:
    """The sandbox at 2 simulated seconds per real one, so that a large order resting at
    a marketable limit fills slowly: partly filled when paused, not done when resumed."""
    yield from served(seed=7, speed=2.0)


def test_a_synthetic_pause_and_resume_of_partly_filled_orders_keeps_quantities_exact(
    qasync_loop: Any, qtbot: Any, slow_sandbox: Endpoints, tmp_path: Path
) -> None:
    desk = open_desk(qtbot, slow_sandbox, tmp_path)
    watch = watch_progress(desk)
    quantity = D(100)
    pairs = dict.fromkeys(SYNTHETIC, "BTC-USDT") | {"zenotc": "BTC-USD"}

    def ticket(venue: str) -> OrderTicket:
        # 0.3% above the market (BTC starts at 60,000): the book's first levels fill at
        # once, the rest rests at the limit and fills with the market's volume.
        account = desk.service.accounts[venue][0]
        limit = D(60180)
        return OrderTicket(venue, account, pairs[venue], Side.BUY, quantity, Strategy.LIMIT, limit)

    async def scenario() -> None:
        orders = await submit_all(desk, [ticket(venue) for venue in SYNTHETIC])
        ids = [order.client_order_id for order in orders]
        await until(lambda: all(desk.store.get(cid).filled_qty > 0 for cid in ids))  # type: ignore[union-attr]
        desk.bridge.flush()
        desk.window.blotter.select_client_order_ids(ids)

        # Pause from the toolbar: the confirmation says the pause is synthetic.
        pause = find(desk, QToolButton, "button.action.pause_selected")
        await until(pause.isEnabled)
        qtbot.mouseClick(pause, Qt.MouseButton.LeftButton)
        box = open_confirmation(desk)
        assert box.text() == "Pause 4 orders: anboto 1, dfx 1, kucoin_futures 1, zenotc 1"
        assert "Synthetic pause on anboto, dfx, kucoin_futures, zenotc" in box.informativeText()
        press_yes(box)
        _, line = await watch.next_outcome(0)
        assert line == "Pause the selection: 4 done, 0 failed"
        await until(lambda: all(desk.store.get(c).status == OrderStatus.PAUSED for c in ids))  # type: ignore[union-attr]

        # Paused: nothing works at the venue, and the desk's figures are the venue's.
        books = await read_books(slow_sandbox)
        paused: dict[str, Order] = {}
        for cid in ids:
            order = desk.store.get(cid)
            assert order is not None and books.state(order) == "ended"
            [leg_one] = books.legs(order)
            assert leg_one["client_order_id"] == cid
            assert D(leg_one["quantity"]) == quantity
            assert order.quantity == quantity
            assert order.filled_qty == D(leg_one["filled_qty"]) > 0
            assert order.leaves_qty == quantity - order.filled_qty
            paused[cid] = order

        # Resume (Ctrl+R): each order goes on as one row, its new leg for the remainder.
        resume = desk.window.action_resume
        await shortcut(qtbot, desk, resume, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        box = open_confirmation(desk)
        assert box.text() == "Resume 4 orders: anboto 1, dfx 1, kucoin_futures 1, zenotc 1"
        press_yes(box)
        _, line = await watch.next_outcome(1)
        assert line == "Resume the selection: 4 done, 0 failed"
        resumed_statuses = {OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED}
        await until(lambda: all(desk.store.get(c).status in resumed_statuses for c in ids))  # type: ignore[union-attr]
        books = await read_books(slow_sandbox)
        for cid in ids:
            order = desk.store.get(cid)
            assert order is not None and books.state(order) == "working"
            _, leg_two = books.legs(order)  # the first ended (`Books.state`)
            assert leg_two["client_order_id"] == order.legs[1].client_order_id != cid
            remainder = quantity - paused[cid].filled_qty
            assert D(leg_two["quantity"]) == remainder == order.legs[1].quantity
            assert order.quantity == quantity
            assert order.leaves_qty == quantity - order.filled_qty
            assert order.filled_qty >= paused[cid].filled_qty

        # Cancelled (Del) to stop the fills: every figure is the sum of the venue's legs.
        cancel = desk.window.action_cancel
        await shortcut(qtbot, desk, cancel, Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier)
        press_yes(open_confirmation(desk))
        await until(lambda: all(desk.store.get(c).status == OrderStatus.CANCELED for c in ids))  # type: ignore[union-attr]
        books = await read_books(slow_sandbox)
        for cid in ids:
            done = desk.store.get(cid)
            assert done is not None and books.state(done) == "ended"
            at_venue = [D(leg["filled_qty"]) for leg in books.legs(done)]
            assert done.quantity == quantity
            assert done.filled_qty == sum(at_venue) == sum(leg.filled_qty for leg in done.legs)
            assert at_venue[0] == paused[cid].filled_qty
            assert done.leaves_qty == 0 < quantity - done.filled_qty
            await until(lambda cid=cid: fills_add_up(desk, cid))  # type: ignore[misc]

    drive(qasync_loop, desk, scenario)
    assert error_rows(desk) == []


KILL = {"treadfi": 6, "kucoin_futures": 10, "anboto": 6, "zenotc": 6, "dfx": 4}


def unpinned_now(desk: Desk) -> list[Order]:
    return [order for order in desk.store.orders() if not order.pinned]


def test_the_kill_switch_leaves_only_pinned_orders_then_with_them_nothing(
    qasync_loop: Any, qtbot: Any, sandbox: Endpoints, tmp_path: Path
) -> None:
    desk = open_desk(qtbot, sandbox, tmp_path)
    check = BulkCheck(desk, sandbox, watch_progress(desk))

    async def scenario() -> None:
        await submit_all(desk, resting_tickets(desk.service.accounts, KILL))
        await check.baseline()
        everything = working(desk)
        assert len(everything) == 32
        # Pin one order per venue (Ctrl+Shift+P): the blotter marks them.
        pinned = [next(o for o in everything if o.venue == venue) for venue in KILL]
        pinned_ids = {order.client_order_id for order in pinned}
        desk.window.blotter.select_client_order_ids(pinned_ids)
        await shortcut(qtbot, desk, desk.window.action_pin, Qt.Key.Key_P, CTRL_SHIFT)
        assert {o.client_order_id for o in desk.store.orders() if o.pinned} == pinned_ids
        model = desk.window.blotter.model
        marks = {
            model.order_at(row).client_order_id
            for row in range(model.rowCount())
            if model.index(row, BlotterColumn.PINNED).data() == PIN_MARK
        }
        assert marks == pinned_ids

        # Ctrl+Shift+K: the confirmation counts per venue and keeps the pinned ones.
        await shortcut(qtbot, desk, desk.window.action_kill_switch, Qt.Key.Key_K, CTRL_SHIFT)
        dialog = open_kill_switch(desk)
        unpinned = [order for order in everything if order.client_order_id not in pinned_ids]
        assert dialog.summary.text() == "Cancel 27 orders on 5 venues"
        assert dialog.venues.text() == f"{counts_text(unpinned)}\n5 pinned kept"
        assert dialog.include_pinned.isEnabled() and not dialog.include_pinned.isChecked()
        lines = len(check.watch.lines)
        dialog.yes.click()
        _, line = await check.watch.next_outcome(0)
        assert line == "Cancel everything: 27 done, 0 failed, 5 pinned skipped"
        check_progress(check.watch.lines[lines:], "cancel", 27)
        await until(lambda: all(o.status == OrderStatus.CANCELED for o in unpinned_now(desk)))
        assert {o.client_order_id for o in working(desk)} == pinned_ids
        books = await read_books(sandbox)
        for venue in KILL:  # nothing works on any venue but the pinned order
            assert books.live_ids(venue) == {o.client_order_id for o in pinned if o.venue == venue}
        await check.audited(
            "kill switch",
            "Cancel everything: 27 done, 0 failed, 5 pinned skipped",
            {order.client_order_id for order in unpinned},
        )

        # Again, with "include pinned" ticked: nothing is left anywhere.
        await shortcut(qtbot, desk, desk.window.action_kill_switch, Qt.Key.Key_K, CTRL_SHIFT)
        dialog = open_kill_switch(desk)
        assert dialog.summary.text() == "Cancel 0 orders" and not dialog.yes.isEnabled()
        dialog.include_pinned.setChecked(True)
        assert dialog.summary.text() == "Cancel 5 orders on 5 venues"
        assert dialog.venues.text() == counts_text(pinned)
        dialog.yes.click()
        _, line = await check.watch.next_outcome(1)
        assert line == "Cancel everything: 5 done, 0 failed"
        await until(lambda: all(o.status == OrderStatus.CANCELED for o in desk.store.orders()))
        books = await read_books(sandbox)
        for venue in KILL:
            assert books.live_ids(venue) == set(), venue
        await check.audited("kill switch", "Cancel everything: 5 done, 0 failed", pinned_ids)

    drive(qasync_loop, desk, scenario)
    assert error_rows(desk) == []


def faulty(spec: str) -> Iterator[Endpoints]:
    yield from served(seed=3, speed=10.0, faults=FaultSpec.parse(spec))


@pytest.fixture
def zenotc_5xx() -> Iterator[Endpoints]:
    """ZenOTC answers 5xx to 30% of requests (half of them after processing them)."""
    yield from faulty("zenotc:5xx=0.3,seed=4")


ANSWERED = frozenset({OrderStatus.WORKING, OrderStatus.CANCELED})
"""Where a cancelled (or refused) order stands once the venue's word is in."""


@dataclasses.dataclass
class FaultyCancel:
    """What a cancel under injected faults came to.

    Attributes:
        chosen: The orders selected and cancelled.
        failed: Client order ids the outcome counts failed (the error pane names each).
        books: The venues' books once the store agrees with them.
        faults: ZenOTC's injected faults (by kind) while the cancel ran.
        shown: (done, failed) as the last progress line showed them.
    """

    chosen: list[Order]
    failed: set[str]
    books: Books
    faults: dict[str, int]
    shown: tuple[int, int]


async def cancel_selection_under_faults(
    qtbot: Any,
    desk: Desk,
    endpoints: Endpoints,
    counts: dict[str, int],
    *,
    resolved: bool = False,
    agree: bool = True,
) -> FaultyCancel:
    """Submit; select every working ZenOTC order and two KuCoin ones; cancel them (Del,
    confirmed); check the progress, the outcome and the error pane; wait until the store
    agrees with the books (the poller looks up an order whose cancel answer was lost).

    Args:
        resolved: Wait until every submit whose answer was lost is resolved (looked up by
            its client order id) before selecting; else those orders are left out.
        agree: Wait until the store agrees with the books; else take the books at once.
    """
    await submit_all(desk, resting_tickets(desk.service.accounts, counts))
    pending = {OrderStatus.PENDING_NEW} | ({OrderStatus.OUTCOME_UNKNOWN} if resolved else set())
    await until(lambda: not any(o.status in pending for o in desk.store.orders()))
    desk.bridge.flush()
    kucoin = [o for o in working(desk) if o.venue == "kucoin_futures"]
    chosen = [o for o in working(desk) if o.venue == "zenotc"] + kucoin[:2]
    desk.window.blotter.select_client_order_ids(o.client_order_id for o in chosen)
    watch = watch_progress(desk)
    no_keys = Qt.KeyboardModifier.NoModifier
    await shortcut(qtbot, desk, desk.window.action_cancel, Qt.Key.Key_Delete, no_keys)
    box = open_confirmation(desk)
    assert box.text() == f"Cancel {noun(len(chosen))}: {counts_text(chosen)}"
    faults_before = await fault_counts(endpoints["zenotc"])
    press_yes(box)
    outcome, line = await watch.next_outcome(0)
    faults_after = await fault_counts(endpoints["zenotc"])
    failed = {result.client_order_id for result in outcome.failed}
    assert line == f"Cancel the selection: {len(chosen) - len(failed)} done, {len(failed)} failed"
    shown = check_progress(watch.lines, "cancel", len(chosen), failed=None)
    rows = [(cid, message) for cid, message in error_rows(desk) if "cancel" in message]
    assert {cid for cid, _ in rows} == failed  # each failure in the error pane, by its order
    assert all(message.startswith("cancel failed: ") for _, message in rows), rows

    books: Books | None = None

    watched = [o.client_order_id for o in chosen + kucoin[2:]]

    async def store_agrees() -> bool:
        nonlocal books
        orders = [o for cid in watched if (o := desk.store.get(cid)) is not None]
        if any(o.status not in ANSWERED for o in orders):
            return False  # a pending cancel the venue has not confirmed yet
        books = await read_books(endpoints)
        return all(
            (books.state(o) == "ended") == (o.status == OrderStatus.CANCELED) for o in orders
        )

    if agree:
        await wait_for(store_agrees)
    else:
        books = await read_books(endpoints)
    assert books is not None
    for order in kucoin[2:]:  # outside the selection: untouched
        assert books.state(order) == "working"
        assert desk.store.get(order.client_order_id).status == OrderStatus.WORKING  # type: ignore[union-attr]
    for order in chosen:  # a selected order the venue still works is named in the pane
        assert books.state(order) == "ended" or order.client_order_id in failed
    faults = {kind: faults_after[kind] - faults_before[kind] for kind in faults_before}
    return FaultyCancel(chosen, failed, books, faults, shown)


def test_failures_injected_by_the_sandbox_are_reported_order_by_order(
    qasync_loop: Any, qtbot: Any, zenotc_5xx: Endpoints, tmp_path: Path
) -> None:
    desk = open_desk(qtbot, zenotc_5xx, tmp_path)

    async def scenario() -> None:
        counts = {"zenotc": 16, "kucoin_futures": 4}
        cancel = await cancel_selection_under_faults(qtbot, desk, zenotc_5xx, counts)
        assert cancel.faults["5xx"] > 0, "ZenOTC failed no request while the cancel ran"
        assert cancel.failed <= {o.client_order_id for o in cancel.chosen if o.venue == "zenotc"}
        # What the trader sees: every selected order ends cancelled or is named in the
        # error pane, and an order the venue still works is always one of those named.
        # (Cancels are retried, so a cancel seldom fails for good; one whose answer was
        # lost may be named though the venue cancelled it: see the next test.)
        for order in cancel.chosen:
            current = desk.store.get(order.client_order_id)
            assert current is not None
            named = order.client_order_id in cancel.failed
            assert current.status == OrderStatus.CANCELED or named
            assert cancel.books.state(current) == "ended" or named

    drive(qasync_loop, desk, scenario)


@pytest.fixture
def zenotc_drops() -> Iterator[Endpoints]:
    """ZenOTC processes every request but drops the answer of half of them."""
    yield from faulty("zenotc:drop=0.5,seed=4")


def test_what_a_cancel_reports_under_lost_answers_is_the_venues_word(
    qasync_loop: Any, qtbot: Any, zenotc_drops: Endpoints, tmp_path: Path
) -> None:
    desk = open_desk(qtbot, zenotc_drops, tmp_path)

    async def scenario() -> None:
        counts = {"zenotc": 6, "kucoin_futures": 3}
        cancel = await cancel_selection_under_faults(
            qtbot, desk, zenotc_drops, counts, resolved=True, agree=False
        )
        assert len(cancel.chosen) == 8  # every submit was processed: each was found
        assert cancel.faults["drop"] > 0
        done = len(cancel.chosen) - len(cancel.failed)
        assert cancel.shown == (done, len(cancel.failed)), "progress and outcome differ"
        cancelled_anyway = {
            cid
            for cid in cancel.failed
            if cancel.books.state(desk.store.get(cid)) == "ended"  # type: ignore[arg-type]
        }
        assert cancelled_anyway == set(), [
            message for cid, message in error_rows(desk) if cid in cancelled_anyway
        ]

    drive(qasync_loop, desk, scenario)
