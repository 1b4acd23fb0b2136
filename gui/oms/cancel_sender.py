"""The cancel requests of one venue account in a bulk cancel, sent as fast as the venue's
limits allow (issue 8); `gui.oms.bulk` decides the scope, `gui.oms.confirm` reads the
outcome afterwards.

- Without batch cancel: one request per order, concurrently within the account's bound.
- With it: batches of the venue's size from the front of the queue, one after the other,
  while they can leave at once. When the next one would wait for the rate limit:
  * the remaining orders of a pair the scope covers whole go in one pair-wide request
    (`PairCancel`, DFX) when they would take more than one batch (it waits its turn);
  * from then on batches from the front and single cancels from the back each go whenever
    their request can leave at once (`immediate_requests()`), else sleep until their
    bucket refills: no order waits committed to a request that cannot leave. On a venue
    that limits the two endpoints apart (DFX: batches of 5 at 1 per second, single cancels
    at 10 per second) both run at their own rate; where one bucket counts both, they share.
  With limits that never bind, this is exactly "batches of the venue's size".

200 DFX orders on two pairs: one batch, then two pair-wide requests, about 2 s (40 batches
at one per second took 44 s).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Protocol, runtime_checkable

from gui.domain.errors import OrderDeskError, UnsupportedAction, VenueError
from gui.domain.orders import Order
from gui.oms.synthetic import ActionResult
from gui.venues.base import BatchCancel, VenueClient
from gui.venues.http import RateLimitedNow, immediate_requests

__all__ = ["CancelSender", "PairCancel", "VenueWide"]

VenueWide = tuple[Callable[[], Awaitable[object]], list[Order]]
"""A venue-wide request (cancel-all, cancel of a pair, pause/resume-all) and its orders."""


@runtime_checkable
class PairCancel(Protocol):
    """A venue client that cancels every order of one pair in one request (DFX `DELETE
    /api/v1/spot/batch/order?symbol=`, doc §3; its capability table says
    `cancel_all=False`: "per symbol only").

    Used only for a pair whose every working order the desk knows on that account is in a
    scope that covers the pair, as cancel-all is for a whole account.
    """

    async def cancel_symbol(self, pair: str) -> list[str]:
        """Cancel every order of `pair` (`BASE-QUOTE`); returns the venue order ids the
        venue listed as cancelled.

        Raises:
            VenueError: The request failed.
        """
        ...


class CancelSender:
    """Sends one account's cancels (see the module doc); reads nothing.

    Args:
        client: The account's client.
        limit: The account's bound on requests in flight.
        pairs: Pairs (upper case) a pair-wide cancel may cover.
        count: Called with the accepted results of each request that answers per order
            (a failed one is counted by the caller once the venue's word settles it:
            issue 6, item 3, progress counts each order once, with its outcome).

    Attributes:
        results: One result per order a batch or single request was for (ok: the venue
            accepted).
        errors: Client order id -> the error of its failed request.
        wide: The pair-wide requests sent, with their orders.
        wide_failures: Per pair-wide request, its failure or None.
    """

    def __init__(
        self,
        client: VenueClient,
        limit: asyncio.Semaphore,
        pairs: set[str],
        count: Callable[[list[ActionResult]], None],
    ) -> None:
        self._client = client
        self._limit = limit
        self._pairs = pairs
        self._count = count
        self.results: list[ActionResult] = []
        self.errors: dict[str, VenueError | UnsupportedAction] = {}
        self.wide: list[VenueWide] = []
        self.wide_failures: list[OrderDeskError | None] = []

    async def send(self, orders: list[Order]) -> None:
        """Send the cancels of `orders` (all acknowledged or failed when this returns)."""
        size = self._client.capabilities.batch_cancel_limit
        if size <= 0 or len(orders) <= 1 or not isinstance(self._client, BatchCancel):
            await asyncio.gather(*(self._single(order) for order in orders))
            return
        batch: BatchCancel = self._client
        queue = deque(orders)
        limited = asyncio.Event()  # set once a request would have waited
        emptied = asyncio.Event()  # set when a worker took the last queued order

        def take(count: int, *, front: bool) -> list[Order]:
            taken = [queue.popleft() if front else queue.pop() for _ in range(count)]
            if not queue:
                emptied.set()
            return taken

        def put_back(taken: list[Order], *, front: bool) -> None:
            if front:
                queue.extendleft(reversed(taken))
            else:
                queue.extend(taken)
            emptied.clear()

        async def nap(seconds: float) -> None:
            """Sleep until the limit refills, or until the queue ran out meanwhile."""
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(emptied.wait(), seconds)

        async def batches() -> None:
            try:
                while queue:
                    chunk = take(min(size, len(queue)), front=True)
                    try:
                        with immediate_requests():
                            await self._batch(batch, chunk)
                    except RateLimitedNow as wait:
                        put_back(chunk, front=True)  # nothing waits holding orders
                        if not limited.is_set():
                            limited.set()
                            await self._whole_pairs(queue, size)
                        else:
                            await nap(wait.retry_after_s)
            finally:
                limited.set()  # lets the singles see the queue is done

        async def singles() -> None:
            await limited.wait()
            while queue:
                [order] = take(1, front=False)
                try:
                    with immediate_requests():
                        await self._single(order)
                except RateLimitedNow as wait:
                    put_back([order], front=False)
                    await nap(wait.retry_after_s)

        await asyncio.gather(batches(), singles())

    async def _whole_pairs(self, queue: deque[Order], size: int) -> None:
        """Take the queued orders of each covered pair with more than a batch of them out
        of the queue and cancel each such pair in one request (waiting for the limit)."""
        client = self._client
        if not self._pairs or not isinstance(client, PairCancel):
            return
        groups: dict[str, list[Order]] = {}
        for order in queue:
            if order.pair.upper() in self._pairs:
                groups.setdefault(order.pair.upper(), []).append(order)
        groups = {pair: group for pair, group in groups.items() if len(group) > size}
        if not groups:
            return
        kept = [order for order in queue if order.pair.upper() not in groups]
        queue.clear()
        queue.extend(kept)
        for pair, group in sorted(groups.items()):
            self.wide.append((partial(client.cancel_symbol, pair), group))
            async with self._limit:
                try:
                    await client.cancel_symbol(pair)
                except (VenueError, UnsupportedAction) as exc:
                    self.wide_failures.append(exc)
                else:
                    self.wide_failures.append(None)

    async def _batch(self, batch: BatchCancel, chunk: list[Order]) -> None:
        """One batch request.

        Raises:
            RateLimitedNow: Inside `immediate_requests()`, when it would wait (nothing sent).
        """
        async with self._limit:
            try:
                answers = await batch.cancel_many([order.venue_order_id or "" for order in chunk])
            except (VenueError, UnsupportedAction) as exc:
                self.errors.update({order.client_order_id: exc for order in chunk})
                part = [
                    ActionResult(order.client_order_id, False, _message(exc)) for order in chunk
                ]
            else:
                part = []
                for order in chunk:
                    reason = answers.get(order.venue_order_id or "", "")
                    part.append(ActionResult(order.client_order_id, not reason, reason))
        self._count([result for result in part if result.ok])
        self.results.extend(part)

    async def _single(self, order: Order) -> None:
        """One single cancel.

        Raises:
            RateLimitedNow: Inside `immediate_requests()`, when it would wait (nothing sent).
        """
        assert order.venue_order_id is not None, "refused before"
        async with self._limit:
            try:
                await self._client.cancel(order.venue_order_id)
            except (VenueError, UnsupportedAction) as exc:
                self.errors[order.client_order_id] = exc
                result = ActionResult(order.client_order_id, False, _message(exc))
            else:
                result = ActionResult(order.client_order_id, True)
        if result.ok:
            self._count([result])
        self.results.append(result)


def _message(exc: OrderDeskError) -> str:
    return exc.venue_message if isinstance(exc, VenueError) else str(exc)
