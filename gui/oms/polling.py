"""One poll loop per venue account: keeps the store current and says when it cannot.

Each tick asks the venue for its open orders and applies them; orders the store still
thinks are working but the venue no longer lists (filled, cancelled, expired meanwhile)
are fetched one by one so their final status and last fills land too. The interval is
short while orders work and long when idle; `poke()` wakes the loop at once (after a
submit or an action). A failed tick is reported once per failure streak, marks the venue
DEGRADED, and the loop carries on with a backoff: it never dies of an exception.

Health (issue 5, item 4, staleness): every tick publishes a `VenueHealth` with the count of
failed polls in a row. After `DISCONNECT_AFTER_FAILURES` of them the account is
DISCONNECTED: the status bar shows it red and the blotter marks its working orders stale.
The next good poll makes it OK again (and clears the marks).

Cost on the GUI thread (issue 8, item 3): the venue lists every working order each tick, but
the store passes over a report equal to the last one it merged into an untouched order, so
unchanged orders cost one comparison and nothing downstream (no change published, no model
work, no journal write). Reports are applied in slices of `APPLY_SLICE`, yielding to the
event loop between slices, so adopting or updating thousands of orders at once never holds
the GUI thread for long; the per-tick look-ups of the account's working orders read the
store's index rather than every order in it.

Finished orders whose fills fell short of their filled quantity (the fills were not read
when the order finished: a market order done in its submit answer, a trades read refused
by a rate limit) are read by the same look-ups until their fills add up (the store keeps
them in an index per account, `OrderStore.fills_short`).

Look-ups of orders gone from the open list (issue 5, long soak): each is read on its own,
and one that fails (a 5xx, a garbled answer, a 429 hold) is logged and read again at the
next tick without failing the tick, since the venue did answer the open-orders read. The
orders are read least recently tried first, so under a venue that answers only a few
requests between rate-limit holds (KuCoin holds an account up to 30 s after a 429) every
order pending cancel gets its turn, rather than the same ones failing first each tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime

from gui.domain.errors import VenueError, VenueNotFound
from gui.domain.orders import utc_now
from gui.oms.events import ErrorEvent, ErrorKind, Signal, VenueHealth, VenueState
from gui.oms.store import OrderStore
from gui.venues.base import VenueClient
from gui.venues.http import background_requests

log = logging.getLogger(__name__)

FAST_INTERVAL_S = 1.0
"""Seconds between polls while the account has working orders."""
SLOW_INTERVAL_S = 5.0
"""Seconds between polls while it has none."""
MAX_BACKOFF_S = 30.0
"""Longest wait between polls while the venue keeps failing."""
RECONCILE_CONCURRENCY = 4
"""Order look-ups in flight at once when reconciling orders gone from the open list."""
APPLY_SLICE = 250
"""Reports applied to the store between two yields to the event loop (a slice of changed
reports costs a few milliseconds; unchanged ones far less)."""
MAX_FILL_READS = 10
"""Reads of a finished order whose fills fall short before the poller stops asking (a
venue whose trades never add up to its filled total must not cost a read every tick)."""
DISCONNECT_AFTER_FAILURES = 3
"""Failed polls in a row after which the account is DISCONNECTED (before that: DEGRADED).

With the backoff of `next_interval_s` (2 s, then 4 s after a fast interval of 1 s) the
third failure comes about 6 s after the first: one dropped request does not alarm the
trader, and a dead venue is flagged within seconds."""


class VenuePoller:
    """Polls one venue account into the store.

    Args:
        client: The venue account's client.
        store: The order store.
        fast_interval_s: Seconds between polls while orders work.
        slow_interval_s: Seconds between polls when idle.

    Signals:
        errors (ErrorEvent): the first failure of a streak, and a note when it recovers.
        health (VenueHealth): after every tick and on start/stop: OK after a good tick,
            DEGRADED after a failed one, DISCONNECTED once `DISCONNECT_AFTER_FAILURES`
            ticks in a row have failed, with `consecutive_failures` counting them.
    """

    def __init__(
        self,
        client: VenueClient,
        store: OrderStore,
        *,
        fast_interval_s: float = FAST_INTERVAL_S,
        slow_interval_s: float = SLOW_INTERVAL_S,
    ) -> None:
        self.client = client
        self.store = store
        self.fast_interval_s = fast_interval_s
        self.slow_interval_s = slow_interval_s
        self.errors: Signal[ErrorEvent] = Signal("VenuePoller.errors")
        self.health: Signal[VenueHealth] = Signal("VenuePoller.health")
        self.last_success_ts: datetime | None = None
        self.consecutive_failures = 0
        self._wake = asyncio.Event()
        self._running = asyncio.Event()
        self._running.set()
        self._task: asyncio.Task[None] | None = None
        self._state = VenueState.CONNECTING
        self._last_error = ""
        self._tried_at: dict[str, float] = {}
        self._fill_reads: dict[str, int] = {}
        """Client order id -> reads of a finished order whose fills fell short."""
        """Venue order id -> monotonic time of its last look-up (only orders still gone)."""

    @property
    def state(self) -> VenueState:
        """The account's connection state."""
        return self._state

    def start(self) -> None:
        """Start polling in a task owned by this poller (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"poll {self.client.venue}/{self.client.account}"
            )

    async def stop(self) -> None:
        """Stop polling and wait for the loop to end."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._set_state(VenueState.STOPPED)

    def pause(self) -> None:
        """Hold polling after the current tick until `resume()`."""
        self._running.clear()

    def resume(self) -> None:
        """Continue polling after `pause()`."""
        self._running.set()
        self._wake.set()

    def poke(self) -> None:
        """Poll now instead of waiting out the interval."""
        self._wake.set()

    def next_interval_s(self) -> float:
        """Seconds to wait before the next tick, from working orders and failures."""
        if self.consecutive_failures:
            return min(self.fast_interval_s * 2.0**self.consecutive_failures, MAX_BACKOFF_S)
        venue, account = self.client.venue, self.client.account
        busy = self.store.has_working(venue, account) or self.store.has_fills_short(venue, account)
        return self.fast_interval_s if busy else self.slow_interval_s

    async def _run(self) -> None:
        while True:
            await self._running.wait()
            await self.poll_once()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.next_interval_s())

    async def poll_once(self) -> bool:
        """One tick: apply open orders, reconcile the ones gone. True if it succeeded."""
        try:
            with background_requests():  # a trader's action on this account goes first
                await self._tick()
        except asyncio.CancelledError:
            raise
        except VenueError as exc:
            self._failed(str(exc), ErrorKind.NETWORK)
            return False
        except Exception as exc:  # a bug must not stop the loop, and must be seen
            log.exception("poll of %s/%s failed", self.client.venue, self.client.account)
            self._failed(f"internal error while polling: {exc!r}", ErrorKind.INTERNAL)
            return False
        if self.consecutive_failures:
            self.errors.publish(
                ErrorEvent(
                    f"polling recovered after {self.consecutive_failures} failed attempt(s)",
                    ErrorKind.WARNING,
                    self.client.venue,
                )
            )
        self.consecutive_failures = 0
        self._last_error = ""
        self.last_success_ts = utc_now()
        self._set_state(VenueState.OK)
        return True

    async def _tick(self) -> None:
        venue, account = self.client.venue, self.client.account
        sent_at = self.store.stamp()
        reports = await self.client.open_orders()
        for start in range(0, len(reports), APPLY_SLICE):
            if start:
                await asyncio.sleep(0)  # let the GUI paint and the other venues run
            self.store.apply_reports(reports[start : start + APPLY_SLICE], observed_at=sent_at)
        listed = {report.venue_order_id for report in reports}
        # An order worked by legs is looked up by its current leg's venue order id; one
        # with nothing working at the venue (synthetically paused) needs no look-up.
        gone = [
            order
            for order in self.store.working_orders(venue, account)
            if order.venue_order_id is not None
            and not order.is_between_legs
            and order.venue_order_id not in listed
            and self.store.command_mark(order.client_order_id) < sent_at
        ]
        # Finished orders whose fills fell short (unread when they finished) are read the
        # same way, until their fills add up or `MAX_FILL_READS` reads did not bring them.
        reads = {
            order.client_order_id: self._fill_reads.get(order.client_order_id, 0)
            for order in self.store.fills_short(venue, account)
        }
        self._fill_reads = reads  # only orders still short: bounded
        short = [
            order
            for order in self.store.fills_short(venue, account)
            if reads[order.client_order_id] < MAX_FILL_READS
        ]
        for order in short:
            reads[order.client_order_id] += 1
            if reads[order.client_order_id] == MAX_FILL_READS:
                log.warning(
                    "%s: fills of %s still short of its filled quantity after %d reads; "
                    "no more reads",
                    venue,
                    order.client_order_id,
                    MAX_FILL_READS,
                )
        tried_at = self._tried_at
        ids = [order.venue_order_id for order in gone + short if order.venue_order_id is not None]
        self._tried_at = tried_at = {key: tried_at[key] for key in ids if key in tried_at}
        ids.sort(key=lambda key: tried_at.get(key, 0.0))  # least recently tried first
        limit = asyncio.Semaphore(RECONCILE_CONCURRENCY)

        async def reconcile(venue_order_id: str) -> None:
            async with limit:
                tried_at[venue_order_id] = time.monotonic()
                asked_at = self.store.stamp()
                try:
                    report = await self.client.order(venue_order_id)
                except VenueNotFound:
                    log.warning("%s no longer knows order %s", venue, venue_order_id)
                    return
                except VenueError as exc:  # read again next tick; the listing did answer
                    log.info("%s: order %s not read this tick: %s", venue, venue_order_id, exc)
                    return
                self.store.apply_reports([report], observed_at=asked_at)

        await asyncio.gather(*map(reconcile, ids))

    def _failed(self, message: str, kind: ErrorKind) -> None:
        self.consecutive_failures += 1
        if self.consecutive_failures == 1 or message != self._last_error:
            self.errors.publish(ErrorEvent(f"polling failed: {message}", kind, self.client.venue))
        self._last_error = message
        self._set_state(
            VenueState.DISCONNECTED
            if self.consecutive_failures >= DISCONNECT_AFTER_FAILURES
            else VenueState.DEGRADED
        )

    def _set_state(self, state: VenueState) -> None:
        self._state = state
        self.health.publish(
            VenueHealth(
                self.client.venue,
                self.client.account,
                state,
                self.last_success_ts,
                self._last_error,
                self.consecutive_failures,
            )
        )
