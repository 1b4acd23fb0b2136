"""The venue's word on each order after a bulk action, without waiting on read limits.

After a bulk request (cancel-all, batch cancel, pause-all, per-order cancels) the account's
open orders are read once, and each order gone from that list is looked up by its venue
order id (its final status and last fills). Those look-ups used to run inside the action,
each waiting for the account's rate limit: a kill switch over 200 DFX orders (reads: 1 per
second, notes §2.5) took more than 200 s to return although the venue had accepted every
cancel within two (issue 8, profiled). Now:

- The open-orders read and a lone look-up wait their turn as before: an action on one
  order shows the venue's word when it returns.
- Several look-ups go at once where the limit lets them (`immediate_requests()`); each one
  that would have to wait is left to a follow-up task the service owns, which reads them
  one by one at background priority (`background_requests()`: trader actions first) and
  skips an order something else (a poll) has meanwhile seen finish. Until its look-up, such
  an order shows the pending status the action set: the venue accepted the request, and
  only its report moves the order on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence

from gui.domain.errors import VenueError
from gui.domain.orders import TERMINAL, Order, OrderStatus
from gui.oms.store import OrderStore
from gui.venues.base import VenueClient
from gui.venues.http import RateLimitedNow, background_requests, immediate_requests

__all__ = ["Confirmer"]

log = logging.getLogger(__name__)

Key = tuple[str, str]


class Confirmer:
    """Reads the venue's word on orders after a bulk request (see the module doc).

    Args:
        store: The order store.
        limits: Per venue account, the bound on its requests in flight.
        spawn: Runs a background task the service owns (cancelled on its `aclose`).
    """

    def __init__(
        self,
        store: OrderStore,
        limits: Mapping[Key, asyncio.Semaphore],
        spawn: Callable[[Awaitable[None]], None],
    ) -> None:
        self._store = store
        self._limits = limits
        self._spawn = spawn

    async def reconcile(
        self,
        client: VenueClient,
        key: Key,
        orders: Sequence[Order],
        previous: Mapping[str, OrderStatus],
        failed: set[str],
        pending: OrderStatus,
    ) -> None:
        """Read the account's open orders, look up the orders gone from them, and send the
        `failed` ones still `pending` back to their previous status.

        Args:
            client: The account's client.
            key: (venue, account).
            orders: The orders the action was for on this account.
            previous: Client order id -> status before the action.
            failed: Client order ids whose request the venue refused or that failed.
            pending: The status the action set (e.g. PENDING_CANCEL).
        """
        store = self._store
        sent_at = store.stamp()
        listed: set[str] | None = None
        try:
            reports = await client.open_orders()
        except VenueError as exc:
            log.info("open orders of %s/%s not read after a bulk action: %s", *key, exc)
        else:
            store.apply_reports(reports, observed_at=sent_at)
            listed = {report.venue_order_id for report in reports}
        gone = [o for o in orders if listed is None or o.venue_order_id not in listed]
        gone.sort(key=lambda order: order.client_order_id not in failed)  # refused ones first
        later = await self._look_up_now(client, key, gone)
        for client_order_id in failed:
            current = store.get(client_order_id)
            if current is not None and current.status == pending:
                store.set_status(client_order_id, previous[client_order_id])
        if later:
            log.info(
                "%s/%s: %d order(s) confirmed later, as the read limit allows", *key, len(later)
            )
            self._spawn(self._look_up_later(client, later))

    async def _look_up_now(
        self, client: VenueClient, key: Key, orders: Sequence[Order]
    ) -> list[Order]:
        """Look the orders up; the ones that would wait for the rate limit are returned
        (all are looked up, waiting, when there is only one)."""
        limit = self._limits[key]
        if len(orders) == 1:
            async with limit:
                await self.look_up(client, orders[0])
            return []
        deferred: set[str] = set()

        async def first_try(order: Order) -> None:
            async with limit:
                with immediate_requests():
                    try:
                        await self.look_up(client, order)
                    except RateLimitedNow:
                        deferred.add(order.client_order_id)

        await asyncio.gather(*map(first_try, orders))
        return [order for order in orders if order.client_order_id in deferred]

    async def _look_up_later(self, client: VenueClient, orders: Sequence[Order]) -> None:
        with background_requests():
            for order in orders:
                current = self._store.get(order.client_order_id)
                if current is None or current.status in TERMINAL:
                    continue  # a poll saw it finish meanwhile
                await self.look_up(client, order)

    async def look_up(self, client: VenueClient, order: Order) -> None:
        """Read one order by its venue order id and apply the report (a failed read is
        logged: the next poll tries again).

        Raises:
            RateLimitedNow: Inside `immediate_requests()`, when the read would wait.
        """
        assert order.venue_order_id is not None
        asked_at = self._store.stamp()
        try:
            report = await client.order(order.venue_order_id)
        except VenueError as exc:
            log.info("look-up of %s failed: %s", order.client_order_id, exc)
            return
        self._store.apply_report(
            report, client_order_id=order.client_order_id, observed_at=asked_at
        )
