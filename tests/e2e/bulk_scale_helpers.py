"""What the bulk-action tests at scale do and check (tests/e2e/test_desk_bulk_scale.py):
resting tickets over every venue, the desk's bulk actions driven through its menus,
toolbar, shortcuts and confirmations (by objectName), and the emulators' own books
(`GET /_sandbox/book`) to compare with the store.

Quantities are base asset, prices quote per base. The tickets rest far from the market
(limits, or TWAPs capped far from it on windows of hours), so nothing fills: any change an
order shows was made by the action under test.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import httpx
from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton

from gui.app import Desk
from gui.domain import OrderStatus
from gui.domain.orders import Order, OrderTicket, Side, Strategy
from gui.oms.bulk import BulkOutcome
from gui.oms.events import StoreChange
from gui.qt.bulk_dialogs import KillSwitchDialog
from gui.qt.errors import ErrorsColumn
from tests.helpers import until

D = Decimal
VenueState = Literal["working", "paused", "ended"]
"""An order as its venue's book shows it: working, paused (Tread.fi's own pause), ended."""
Verb = Literal["cancel", "pause", "resume"]

PAIRS: dict[str, tuple[str, str]] = {
    "treadfi": ("BTC-USDT", "ETH-USDT"),
    "kucoin_futures": ("BTC-USDT", "ETH-USDT"),
    "anboto": ("BTC-USDT", "ETH-USDT"),
    "dfx": ("BTC-USDT", "ETH-USDT"),
    "zenotc": ("BTC-USD", "ETH-USD"),
}
"""Two pairs per venue; ZenOTC quotes in USD."""
ALGO_VENUES = frozenset({"treadfi", "anboto"})
"""Venues that work algos: every third order there is a TWAP."""
ALGO_WINDOW_S = 6 * 3600
"""A TWAP's window, seconds: hours of simulated time, so it outlives the test."""
# Far from the sandbox's markets (BTC ~60,000, ETH ~3,000): (buy limit, sell limit).
_FAR: dict[str, tuple[Decimal, Decimal]] = {"BTC": (D(30000), D(90000)), "ETH": (D(1500), D(4500))}
# Whole contracts on KuCoin (BTC 0.001, ETH 0.01), above every venue's minimum.
_SIZE: dict[str, Decimal] = {"BTC": D("0.01"), "ETH": D("0.1")}

_WORKING_AT_VENUE: dict[str, frozenset[str]] = {
    "treadfi": frozenset({"SCHEDULED", "ACTIVE", "FINISHER"}),
    "zenotc": frozenset({"open", "partially_filled"}),
    "kucoin_futures": frozenset({"open"}),
    "anboto": frozenset({"PENDING_NEW", "ACCEPTED", "PARTIALLY_FILLED"}),
    "dfx": frozenset({"PENDING_NEW", "NEW", "PARTIAL_FILLED"}),
}
_PAUSED_AT_VENUE: dict[str, frozenset[str]] = {"treadfi": frozenset({"PAUSED"})}
_TITLE = {"cancel": "Cancel", "pause": "Pause", "resume": "Resume"}
_PENDING = {
    "cancel": OrderStatus.PENDING_CANCEL,
    "pause": OrderStatus.PENDING_PAUSE,
    "resume": OrderStatus.PENDING_RESUME,
}
_PARTICIPLE = {"cancel": "Cancelling", "pause": "Pausing", "resume": "Resuming"}
_PROGRESS = re.compile(r"^(\w+): (\d+) done / (\d+) failed / (\d+) remaining$")
SETTLED = frozenset({OrderStatus.WORKING, OrderStatus.PAUSED, OrderStatus.CANCELED})
"""Where every order of these tests stands between actions (nothing fills)."""


def resting_tickets(
    accounts: Mapping[str, Sequence[str]], counts: Mapping[str, int]
) -> list[OrderTicket]:
    """`counts[venue]` tickets per venue that rest without filling: limits far from the
    market and, on `ALGO_VENUES`, every third one a TWAP capped far from it.

    Pairs alternate order by order and sides every two orders (BTC buy, ETH buy, BTC sell,
    ETH sell, ...); accounts round-robin; `notes` is `"<venue>#<n>"`.
    """
    tickets = []
    for venue, count in counts.items():
        names = accounts[venue]
        for nth in range(count):
            pair = PAIRS[venue][nth % 2]
            side = Side.BUY if (nth // 2) % 2 == 0 else Side.SELL
            base = pair.split("-")[0]
            algo = venue in ALGO_VENUES and nth % 3 == 0
            tickets.append(
                OrderTicket(
                    venue=venue,
                    account=names[nth % len(names)],
                    pair=pair,
                    side=side,
                    quantity=_SIZE[base],
                    strategy=Strategy.TWAP if algo else Strategy.LIMIT,
                    limit_price=_FAR[base][0 if side is Side.BUY else 1],
                    duration_s=ALGO_WINDOW_S if algo else None,
                    notes=f"{venue}#{nth}",
                )
            )
    return tickets


async def submit_all(desk: Desk, tickets: Iterable[OrderTicket], lanes: int = 12) -> list[Order]:
    """Send every ticket through `OrderService.submit`, at most `lanes` per venue at once
    (the venue clients pace them within the venues' rate limits), after loading each
    venue's instruments once. Returns the orders as each submit left them."""
    await asyncio.gather(*(client.instruments() for client in desk.clients.values()))
    gates: dict[str, asyncio.Semaphore] = {}

    async def one(ticket: OrderTicket) -> Order:
        async with gates.setdefault(ticket.venue, asyncio.Semaphore(lanes)):
            return await desk.service.submit(ticket)

    orders = await asyncio.gather(*map(one, tickets))
    for poller in desk.pollers:
        poller.poke()
    return list(orders)


# -- the venues' books --------------------------------------------------------------------------


@dataclass(frozen=True)
class Books:
    """Every emulator's book: venue -> venue order id -> entry (`GET /_sandbox/book`)."""

    by_venue: dict[str, dict[str, dict[str, Any]]]

    def entry(self, venue: str, venue_order_id: str | None) -> dict[str, Any]:
        """The entry of one venue order (fails the test when the venue has none)."""
        assert venue_order_id is not None, f"an order on {venue} without a venue order id"
        found = self.by_venue[venue].get(venue_order_id)
        assert found is not None, f"{venue} has no order {venue_order_id}"
        return found

    def legs(self, order: Order) -> list[dict[str, Any]]:
        """The entries of every venue order that worked `order`, oldest first."""
        ids = [leg.venue_order_id for leg in order.legs] or [order.venue_order_id]
        return [self.entry(order.venue, venue_order_id) for venue_order_id in ids]

    def state(self, order: Order) -> VenueState:
        """How the venue shows `order`: its current venue order's state (every earlier
        leg must have ended: one venue order works it at a time)."""
        states = [venue_state(order.venue, entry) for entry in self.legs(order)]
        assert all(state == "ended" for state in states[:-1]), (order.client_order_id, states)
        return states[-1]

    def live_ids(self, venue: str) -> set[str]:
        """Client order ids of the venue orders working or paused at `venue`."""
        return {
            entry["client_order_id"]
            for entry in self.by_venue[venue].values()
            if venue_state(venue, entry) != "ended"
        }


def venue_state(venue: str, entry: Mapping[str, Any]) -> VenueState:
    """Working, paused or ended, from the status as the venue spells it."""
    status = entry["status"]
    if status in _WORKING_AT_VENUE[venue]:
        return "working"
    if status in _PAUSED_AT_VENUE.get(venue, ()):
        return "paused"
    return "ended"


async def read_books(endpoints: Mapping[str, Mapping[str, Any]]) -> Books:
    """`GET /_sandbox/book` of every venue, at once."""
    async with httpx.AsyncClient(timeout=10) as http:

        async def one(venue: str) -> tuple[str, dict[str, dict[str, Any]]]:
            response = await http.get(f"{endpoints[venue]['base_url']}/_sandbox/book")
            assert response.status_code == 200, response.text
            return venue, {entry["venue_order_id"]: entry for entry in response.json()}

        return Books(dict(await asyncio.gather(*map(one, endpoints))))


async def fault_counts(endpoint: Mapping[str, Any]) -> dict[str, int]:
    """`GET /_sandbox/faults` of one venue: faults injected so far by kind, and requests."""
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"{endpoint['base_url']}/_sandbox/faults")
    assert response.status_code == 200, response.text
    return {kind: int(count) for kind, count in response.json().items()}


def live_legs(desk: Desk, books: Books, venue: str) -> set[str]:
    """Client order ids of the current venue orders of the desk's orders on `venue` that
    the books show working or paused (to compare with `Books.live_ids`)."""
    live = set()
    for order in desk.store.orders():
        if order.venue == venue and books.state(order) != "ended":
            leg = order.current_leg
            live.add(order.client_order_id if leg is None else leg.client_order_id)
    return live


# -- what the trader sees ------------------------------------------------------------------------


@dataclass
class ProgressWatch:
    """Every line the status bar's `status.bulk_progress` showed: the progress lines of
    running actions, and each finished action's outcome with the line that showed it.

    It wraps the label's own `show_progress` / `show_outcome` and reads `text()` after
    each, so no line is missed however briefly it was up.
    """

    label: Any
    lines: list[str] = field(default_factory=list)
    outcomes: list[tuple[BulkOutcome, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        show_progress, show_outcome = self.label.show_progress, self.label.show_outcome

        def progress(progress: Any) -> None:
            show_progress(progress)
            self.lines.append(self.label.text())

        def outcome(outcome: BulkOutcome) -> None:
            show_outcome(outcome)
            self.outcomes.append((outcome, self.label.text()))

        setattr(self.label, "show_progress", progress)  # noqa: B010 - shadow the method
        setattr(self.label, "show_outcome", outcome)  # noqa: B010

    async def next_outcome(self, seen: int, timeout_s: float = 45.0) -> tuple[BulkOutcome, str]:
        """The outcome after the first `seen`, once the status bar shows it."""
        await until(lambda: len(self.outcomes) > seen, timeout_s)
        return self.outcomes[seen]


def progress_counts(line: str, verb: Verb) -> tuple[int, int, int]:
    """(done, failed, remaining) of a progress line of `verb` (fails on any other line)."""
    match = _PROGRESS.match(line)
    assert match is not None and match[1] == _PARTICIPLE[verb], f"not {verb} progress: {line!r}"
    return int(match[2]), int(match[3]), int(match[4])


def check_progress(
    lines: Sequence[str], verb: Verb, total: int, failed: int | None = 0
) -> tuple[int, int]:
    """The progress lines of one action: from "0 done / 0 failed / `total` remaining" to
    "... / 0 remaining", each line adding up to `total`, never going back; the last one
    with `failed` failures unless `failed` is None.

    Returns:
        (done, failed) as the last progress line showed them.
    """
    counts = [progress_counts(line, verb) for line in lines]
    assert counts[0] == (0, 0, total), lines[0]
    assert counts[-1][2] == 0, lines[-1]
    if failed is not None:
        assert counts[-1] == (total - failed, failed, 0), lines[-1]
    assert all(sum(count) == total for count in counts), lines
    assert counts == sorted(counts, key=lambda c: c[0] + c[1]), lines
    return counts[-1][0], counts[-1][1]


def error_rows(desk: Desk) -> list[tuple[str, str]]:
    """The error pane's rows as (the order's client order id, message), newest first."""
    model = desk.window.errors.model
    return [
        (
            str(model.index(row, ErrorsColumn.ORDER).data() or ""),
            str(model.index(row, ErrorsColumn.MESSAGE).data() or ""),
        )
        for row in range(model.rowCount())
    ]


def counts_text(orders: Iterable[Order]) -> str:
    """Orders per venue as the confirmations count them, most first: `"treadfi 30, dfx 4"`."""
    counts = Counter(order.venue for order in orders)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{venue} {count}" for venue, count in ranked)


def noun(count: int) -> str:
    """`"1 order"`, `"12 orders"`."""
    return f"{count} order" if count == 1 else f"{count} orders"


# -- driving the desk ----------------------------------------------------------------------------


def _in_menu(menu: QMenu, submenu: str, action: str) -> QAction:
    for entry in menu.actions():
        sub = entry.menu()
        if isinstance(sub, QMenu) and sub.objectName() == submenu:
            for item in sub.actions():
                if item.objectName() == action:
                    return item
    raise AssertionError(f"no {action} under {submenu} in {menu.objectName()}")


def from_orders_menu(desk: Desk, submenu: str, action: str) -> QAction:
    """Orders menu -> `submenu` -> `action`, triggered as a click would (returns it)."""
    orders = desk.window.menuBar().findChild(QMenu, "menu.orders")
    assert orders is not None, "no Orders menu"
    item = _in_menu(orders, submenu, action)
    assert item.isEnabled(), f"{action} is disabled"
    item.trigger()
    return item


def from_context_menu(desk: Desk, submenu: str, action: str) -> QAction:
    """Right-click on the blotter -> `submenu` -> `action`, triggered (returns it)."""
    desk.window.blotter.table.customContextMenuRequested.emit(QPoint(10, 10))
    menus = [m for m in desk.window.findChildren(QMenu, "blotter.context_menu") if m.isVisible()]
    assert len(menus) == 1, "the right-click menu did not open"
    item = _in_menu(menus[0], submenu, action)
    assert item.isEnabled(), f"{action} is disabled"
    item.trigger()
    menus[0].close()
    return item


def open_confirmation(desk: Desk) -> QMessageBox:
    """The bulk action's confirmation now open (`dialog.confirm`)."""
    shown = [b for b in desk.window.findChildren(QMessageBox, "dialog.confirm") if b.isVisible()]
    assert len(shown) == 1, f"{len(shown)} confirmations open"
    return shown[0]


def open_kill_switch(desk: Desk) -> KillSwitchDialog:
    """The kill switch's confirmation now open (`dialog.kill_switch`)."""
    found = desk.window.findChildren(KillSwitchDialog, "dialog.kill_switch")
    shown = [dialog for dialog in found if dialog.isVisible()]
    assert len(shown) == 1, f"{len(shown)} kill switch dialogs open"
    return shown[0]


def press_yes(box: QMessageBox) -> None:
    """Click the confirmation's yes button (`dialog.confirm.yes`)."""
    yes = box.findChild(QPushButton, "dialog.confirm.yes")
    assert yes is not None and yes.isEnabled(), "nothing to confirm"
    yes.click()


@dataclass
class BulkCheck:
    """Runs bulk actions through the desk and checks that each changed exactly its orders,
    in the store and in the venues' books, reported its progress and outcome, and left
    its summary in the audit trail (the journal).

    Attributes:
        desk: The desk (built with a journal).
        endpoints: The sandbox's endpoints (for the books).
        watch: The status bar's progress and outcomes.
        states: Client order id -> how the books showed it after the last check.
    """

    desk: Desk
    endpoints: Mapping[str, Mapping[str, Any]]
    watch: ProgressWatch
    states: dict[str, VenueState] = field(default_factory=dict)

    async def baseline(self) -> Books:
        """Wait until every order is settled, and take the books as they are."""
        await until_settled(self.desk, lambda o: o.status in SETTLED, "settled")
        books = await read_books(self.endpoints)
        self.states = {o.client_order_id: books.state(o) for o in self.desk.store.orders()}
        self.desk.bridge.flush()  # the blotter shows the store as it is now
        return books

    async def run(
        self,
        verb: Verb,
        scope: list[Order],
        trigger: Callable[[], object],
        summary: str,
        reached: Callable[[Order], VenueState],
        informative: str = "",
    ) -> BulkOutcome:
        """Trigger a bulk action, check its confirmation, confirm, and check what it did.

        Args:
            verb: What the action does.
            scope: The orders the action must touch, as the test computed them.
            trigger: Opens the confirmation (a menu, the toolbar, a shortcut).
            summary: The outcome the status bar must show, e.g.
                "Cancel everything on zenotc: 60 done, 0 failed".
            reached: Order -> the state its venue must show afterwards.
            informative: Text the confirmation's details must contain.
        """
        desk = self.desk
        ids = {order.client_order_id for order in scope}
        before = {o.client_order_id: o.status for o in desk.store.orders()}
        seen_outcomes, seen_lines = len(self.watch.outcomes), len(self.watch.lines)
        trigger()
        box = open_confirmation(desk)
        title = _TITLE[verb]
        assert box.text() == f"{title} {noun(len(ids))}: {counts_text(scope)}"
        assert informative in box.informativeText()
        seen: dict[str, set[OrderStatus]] = {cid: set() for cid in ids}

        def record(change: StoreChange) -> None:
            for order in change.orders:
                seen.get(order.client_order_id, set()).add(order.status)

        desk.store.changed.subscribe(record)
        try:
            press_yes(box)
            outcome, line = await self.watch.next_outcome(seen_outcomes)
        finally:
            desk.store.changed.unsubscribe(record)
        # Each order showed its pending status before the venue's answer moved it on.
        assert all(_PENDING[verb] in statuses for statuses in seen.values()), seen
        assert line == summary
        assert {result.client_order_id for result in outcome.results} == ids
        assert all(result.ok for result in outcome.results), outcome.failed
        check_progress(self.watch.lines[seen_lines:], verb, len(ids))

        target = {"cancel": OrderStatus.CANCELED, "pause": OrderStatus.PAUSED}
        settled = target.get(verb, OrderStatus.WORKING)
        await until_settled(
            desk, lambda o: o.client_order_id not in ids or o.status == settled, settled
        )
        after = {o.client_order_id: o.status for o in desk.store.orders()}
        assert {cid for cid in after if after[cid] != before[cid]} == ids, "the store"

        books = await read_books(self.endpoints)
        states = {o.client_order_id: books.state(o) for o in desk.store.orders()}
        changed = {cid for cid in states if states[cid] != self.states[cid]}
        assert changed == ids, "the venues' books"
        for order in scope:
            current = desk.store.get(order.client_order_id)
            assert current is not None and states[order.client_order_id] == reached(current)
        for venue in self.endpoints:  # and no venue order works that the desk does not show
            assert books.live_ids(venue) == live_legs(desk, books, venue), venue
        self.states = states

        await self.audited(verb, summary, ids)
        desk.bridge.flush()
        return outcome

    async def audited(self, action: str, summary: str, ids: set[str]) -> None:
        """The audit trail (the journal) has `action` with `summary` for exactly `ids`."""
        journal = self.desk.journal
        assert journal is not None
        await journal.flush()
        entries = [
            entry
            for entry in journal.load().audit
            if entry.action == action and entry.result[:1].upper() + entry.result[1:] == summary
        ]
        assert [set(entry.client_order_ids) for entry in entries] == [ids], entries


async def until_settled(
    desk: Desk, settled: Callable[[Order], bool], what: str, timeout_s: float = 30.0
) -> None:
    """Wait until `settled(order)` holds for every order; on timeout, fail naming the
    orders that are not `what` yet (venue, client order id, status, reason)."""
    try:
        await until(lambda: all(settled(order) for order in desk.store.orders()), timeout_s)
    except TimeoutError:
        late = [
            (o.venue, o.client_order_id, str(o.status), o.reason)
            for o in desk.store.orders()
            if not settled(o)
        ]
        raise AssertionError(
            f"{len(late)} orders not {what} in {timeout_s} s: {late[:10]}"
        ) from None


async def wait_for(condition: Callable[[], Awaitable[bool]], timeout_s: float = 20.0) -> None:
    """Wait until the coroutine `condition()` returns true (polled every 0.2 s)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not await condition():
        if loop.time() > deadline:
            raise TimeoutError(f"condition not met within {timeout_s} s")
        await asyncio.sleep(0.2)
