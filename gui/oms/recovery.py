"""Start-up recovery: restore the blotter from the journal, then reconcile it with each venue.

`restore` puts every journaled order and fill back in the store (one change: the blotter
shows them at once), gives the service the tickets orders and legs were sent with, and
attaches the journal so everything after is recorded. Nothing is sent.

`reconcile` then asks each venue about every order the journal left unfinished:

- sent but never answered (no venue order id: the desk stopped between the journaled
  intent and the venue's answer): OUTCOME_UNKNOWN, looked up by client order id with
  backoff (`OrderService.resolve_lost_submit`), never sent again;
- known to the venue: fetched by venue order id, so a status change or a fill that
  happened while the desk was closed lands (fills de-duplicated against the journal's);
  so is a finished order whose fills fall short of its filled quantity (its fills were
  to be read when the desk stopped);
- no longer known by venue order id: one look-up by client order id before the order is
  declared gone (CANCELED on the desk, with a warning in the error pane naming it);
- nothing working at the venue by the desk's own doing (synthetically paused): kept as
  is; one stopped halfway through a cancel/replace becomes PAUSED with its remainder.

A look-up that fails (network, 5xx) leaves the order to the poll loop, which carries on.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from dataclasses import dataclass

from gui.domain.errors import VenueError, VenueNotFound
from gui.domain.orders import Order, OrderStatus
from gui.oms.events import ErrorEvent, ErrorKind
from gui.oms.journal import Journal, JournalState
from gui.oms.service import OrderService
from gui.oms.store import OrderStore
from gui.oms.synthetic import find_with_fills
from gui.venues.base import OrderReport
from gui.venues.http import background_requests

log = logging.getLogger(__name__)

RECONCILE_CONCURRENCY = 4
"""Look-ups in flight at once per venue account while reconciling."""

GONE_REASON = "the venue no longer knows this order (by venue or client order id)"


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    """What reconciling the restored blotter found.

    Attributes:
        checked: Unfinished orders the venues were asked about.
        changed: Of those, orders whose status, fills or quantities the answer changed.
        gone: Orders declared gone (unknown to the venue by both ids).
        resolving: Orders sent but never answered, now being looked up by client order id.
        unreachable: Orders whose look-up failed; the poll loop takes them on.
        seconds: Wall time the reconcile took, in seconds.
    """

    checked: int
    changed: int
    gone: int
    resolving: int
    unreachable: int
    seconds: float


def restore(journal: Journal, store: OrderStore, service: OrderService) -> JournalState:
    """Load the journal into an empty store and attach it for what comes next.

    Returns:
        What the journal held (orders, fills, tickets, audit trail).

    Raises:
        ValueError: The store is not empty.
    """
    state = journal.load()
    store.restore(state.orders, state.fills)
    # Restored orders live as long as the desk: keep the collector from walking them on
    # every full collection (100,000 orders cost a 0.3 s pause per pass otherwise).
    gc.freeze()
    service.restore_tickets(state.tickets)
    journal.attach(store)
    log.info(
        "restored %d order(s) and %d fill(s) from %s",
        len(state.orders),
        sum(len(fills) for fills in state.fills.values()),
        journal.path,
    )
    return state


async def reconcile(service: OrderService) -> ReconcileReport:
    """Ask each venue about every unfinished order in the store (see the module docstring).

    Runs every venue account at once, `RECONCILE_CONCURRENCY` look-ups each; never raises
    for a venue failure (it is counted and logged; the poll loop carries on).
    """
    started = time.perf_counter()
    store = service.store
    by_account: dict[tuple[str, str], list[Order]] = {}
    resolving = 0
    for order in store.orders():
        if order.is_terminal:
            continue
        if order.is_between_legs:
            _settle_between_legs(service, order)
            continue
        if order.venue_order_id is None:
            resolving += service.resolve_lost_submit(order.client_order_id)
            continue
        by_account.setdefault((order.venue, order.account), []).append(order)
    # Finished, but their fills were not in yet when the desk stopped (a market order
    # filled in its submit answer, fills to be read): the store's index names them.
    for venue, account in service.clients:
        if short := store.fills_short(venue, account):
            by_account.setdefault((venue, account), []).extend(short)
    with background_requests():  # a trader acting meanwhile goes first
        counts = await asyncio.gather(
            *(_reconcile_account(service, key, orders) for key, orders in by_account.items())
        )
    report = ReconcileReport(
        checked=sum(len(orders) for orders in by_account.values()),
        changed=sum(changed for changed, _, _ in counts),
        gone=sum(gone for _, gone, _ in counts),
        resolving=resolving,
        unreachable=sum(failed for _, _, failed in counts),
        seconds=time.perf_counter() - started,
    )
    log.info("reconciled with the venues: %s", report)
    return report


def _settle_between_legs(service: OrderService, order: Order) -> None:
    """An order with nothing at the venue: a finished pause stays PAUSED; one caught
    between the cancel and the new leg of a resume or cancel/replace keeps its remainder
    and waits, PAUSED, for the trader."""
    if order.status == OrderStatus.PAUSED:
        return
    why = "the desk stopped halfway through this action; the remainder is kept: resume or cancel"
    service.store.set_status(order.client_order_id, OrderStatus.PAUSED, why)
    service.errors.publish(ErrorEvent(why, ErrorKind.WARNING, order.venue, order.client_order_id))


async def _reconcile_account(
    service: OrderService, key: tuple[str, str], orders: list[Order]
) -> tuple[int, int, int]:
    client = service.clients.get(key)
    if client is None:
        log.warning("no client for %s/%s: %d restored order(s) not checked", *key, len(orders))
        return 0, 0, len(orders)
    limit = asyncio.Semaphore(RECONCILE_CONCURRENCY)
    store = service.store
    changed = gone = failed = 0

    async def one(order: Order) -> None:
        nonlocal changed, gone, failed
        assert order.venue_order_id is not None
        leg = order.current_leg
        lookup_id = order.client_order_id if leg is None else leg.client_order_id
        async with limit:
            asked_at = store.stamp()
            report: OrderReport | None
            try:
                try:
                    report = await client.order(order.venue_order_id)
                except VenueNotFound:
                    report = await find_with_fills(client, lookup_id)
            except VenueError as exc:
                log.info("reconcile of %s failed: %s", order.client_order_id, exc)
                failed += 1
                return
        if report is None:
            if not order.is_terminal:
                _declare_gone(service, order)
                gone += 1
            return
        store.apply_report(report, client_order_id=order.client_order_id, observed_at=asked_at)
        if store.get(order.client_order_id) != order:
            changed += 1

    await asyncio.gather(*(one(order) for order in orders))
    return changed, gone, failed


def _declare_gone(service: OrderService, order: Order) -> None:
    log.warning("%s: %s", order.client_order_id, GONE_REASON)
    service.store.set_status(order.client_order_id, OrderStatus.CANCELED, GONE_REASON)
    service.errors.publish(
        ErrorEvent(GONE_REASON, ErrorKind.WARNING, order.venue, order.client_order_id)
    )
