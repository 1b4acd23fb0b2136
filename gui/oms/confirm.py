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

An order whose own request failed is different (issue 6, item 3: the outcome per order is
the venue's word). The failure may hide a cancel that landed: its answer was lost, or a
retry was refused as "already cancelled" because the first attempt had landed. Such an
order is read, waiting its turn and again with backoff while reads fail (`read_order`),
before its outcome is settled: cancelled at the venue is done, still working is a failure
named in the error pane. Only when no read gets through does it stay in its pending status
with the outcome unknown, for the poller to settle; it is never shown back as working on a
guess.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence

from gui.domain.errors import VenueError, VenueRejected
from gui.domain.orders import TERMINAL, Order, OrderStatus
from gui.oms.store import OrderStore
from gui.venues.base import VenueClient
from gui.venues.http import RateLimitedNow, background_requests, immediate_requests

__all__ = ["Confirmer", "read_order"]

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
        answered = {o.client_order_id for o in orders if o not in gone}
        later = await self._look_up_now(client, key, gone, answered)
        # A failed request's outcome is the venue's word: read until it answers.
        unsure = [o for o in gone if o.client_order_id in failed - answered]
        read = await asyncio.gather(*(self._read_waiting(client, key, o) for o in unsure))
        answered.update(o.client_order_id for o, ok in zip(unsure, read, strict=True) if ok)
        later = [order for order in later if order.client_order_id not in failed]
        for client_order_id in failed & answered:
            current = store.get(client_order_id)
            if current is not None and current.status == pending:
                store.set_status(client_order_id, previous[client_order_id])
        if later:
            log.info(
                "%s/%s: %d order(s) confirmed later, as the read limit allows", *key, len(later)
            )
            self._spawn(self._look_up_later(client, later))

    async def _look_up_now(
        self, client: VenueClient, key: Key, orders: Sequence[Order], answered: set[str]
    ) -> list[Order]:
        """Look the orders up, adding the client order id of each one read to `answered`;
        the ones that would wait for the rate limit are returned (all are looked up,
        waiting, when there is only one)."""
        limit = self._limits[key]
        if len(orders) == 1:
            async with limit:
                if await self.look_up(client, orders[0]):
                    answered.add(orders[0].client_order_id)
            return []
        deferred: set[str] = set()

        async def first_try(order: Order) -> None:
            async with limit:
                with immediate_requests():
                    try:
                        if await self.look_up(client, order):
                            answered.add(order.client_order_id)
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

    async def _read_waiting(self, client: VenueClient, key: Key, order: Order) -> bool:
        """`read_order` for one order whose request failed, within the account's bound."""
        return await read_order(self._store, client, order.client_order_id, limit=self._limits[key])

    async def look_up(self, client: VenueClient, order: Order) -> bool:
        """Read one order once by its venue order id and apply the report (a failed read
        is logged: the next poll tries again). True when the venue answered.

        Raises:
            RateLimitedNow: Inside `immediate_requests()`, when the read would wait.
        """
        return await read_order(self._store, client, order.client_order_id, ())


CONFIRM_DELAYS_S = (0.5, 1.0, 2.0, 4.0, 8.0)
"""Waits between reads of an order whose action failed, while the reads fail (each read is
itself retried by the venue client); about 15 s in all, with the client's own retries."""


async def read_order(
    store: OrderStore,
    client: VenueClient,
    client_order_id: str,
    delays_s: Iterable[float] | None = None,
    *,
    limit: asyncio.Semaphore | None = None,
) -> bool:
    """Read one order by its venue order id until the venue answers, and apply the report.

    Args:
        store: The order store.
        client: The order's venue account client.
        client_order_id: The order.
        delays_s: Seconds to wait before each further read while reads fail;
            `CONFIRM_DELAYS_S` with +-20% jitter by default.
        limit: The account's bound on requests in flight, held for each read (not while
            waiting between reads).

    Returns:
        True once a report was applied; False when every read failed or the venue
        refused the read (it does not know the order).
    """
    if delays_s is None:
        delays_s = [d * random.uniform(0.8, 1.2) for d in CONFIRM_DELAYS_S]  # noqa: S311
    waits = iter(delays_s)
    while True:
        order = store.get(client_order_id)
        if order is None or order.venue_order_id is None:
            return False
        asked_at = store.stamp()
        try:
            async with limit if limit is not None else contextlib.nullcontext():
                report = await client.order(order.venue_order_id)
        except VenueRejected as exc:  # an answer, but no order to read: nothing to retry
            log.info("read of %s refused: %s", client_order_id, exc)
            return False
        except VenueError as exc:
            delay_s = next(waits, None)
            log.info(
                "read of %s failed (%s); %s",
                client_order_id,
                exc,
                "giving up" if delay_s is None else f"again in {delay_s:.1f} s",
            )
            if delay_s is None:
                return False
            await asyncio.sleep(delay_s)
            continue
        store.apply_report(report, client_order_id=client_order_id, observed_at=asked_at)
        return True
