"""Bulk actions: cancel, pause or resume every order in a scope, on every venue at once
(issue 6 §1-§3 and §6).

A `Scope` says which orders: the selection, a venue, a pair, a side, or everything (the
kill switch is "cancel everything"). Each venue account is worked concurrently with the
others, native first:

- cancel: the account's cancel-all (`cancel_all`) only when the scope really is everything
  on that account, i.e. every order the desk knows working there is one this action
  cancels (no pinned order left out, none already pending cancel, none awaiting its
  submit's answer); else its batch cancel (`batch_cancel_limit` ids per request), else
  one request per order within the account's concurrency bound, as `gui.oms.cancel_sender`
  sends them: when the venue's limit would make batches wait, a pair the scope covers
  whole goes in one request (`PairCancel`, DFX) and single cancels help.
- pause/resume: Tread.fi's pause-all/resume-all (`pause_all`) when the scope is everything
  on the venue (those endpoints take no filter, so they act on every account of the token);
  else the per-order path of `OrderService`, synthetic where the venue has no native pause.

Orders go to their pending status before any request is sent, so a second bulk action
started meanwhile does not send them again. After the requests the account's open orders
are read once and the orders gone from that list looked up (`gui.oms.confirm`: at once
where the venue's read limit allows, else in the background: the action does not wait
for hundreds of rate-limited reads); an order the venue refused goes back to its previous
status and its failure reaches the error pane with the order named. An account with a
single order in the action keeps the one-order path: its request, then its own read.
Pins (`Order.pinned`) matter to cancel only: pause and resume ignore them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gui.domain.errors import OrderDeskError, UnsupportedAction, VenueError
from gui.domain.orders import (
    CANCELLABLE,
    PAUSABLE,
    RESUMABLE,
    TERMINAL,
    Order,
    OrderStatus,
    Side,
)
from gui.oms.cancel_sender import CancelSender, PairCancel, VenueWide
from gui.oms.confirm import Confirmer
from gui.oms.events import ErrorEvent, ErrorKind
from gui.oms.synthetic import ActionResult
from gui.venues.base import VenueClient

if TYPE_CHECKING:
    from gui.oms.service import OrderService

__all__ = [
    "ACTIONS",
    "EVERYTHING",
    "BulkOutcome",
    "BulkProgress",
    "BulkRunner",
    "PairCancel",
    "Scope",
]

log = logging.getLogger(__name__)

ACTIONS: tuple[str, ...] = ("cancel", "pause", "resume")
"""The bulk actions, as `run_bulk` takes them."""

_APPLIES: dict[str, frozenset[OrderStatus]] = {
    "cancel": CANCELLABLE,
    "pause": PAUSABLE,
    "resume": RESUMABLE,
}
_PENDING: dict[str, OrderStatus] = {
    "cancel": OrderStatus.PENDING_CANCEL,
    "pause": OrderStatus.PENDING_PAUSE,
    "resume": OrderStatus.PENDING_RESUME,
}
# Where an order may stand once a venue-wide request (cancel/pause/resume all) worked.
_REACHED: dict[str, frozenset[OrderStatus]] = {
    "cancel": TERMINAL | {OrderStatus.PENDING_CANCEL},
    "pause": TERMINAL | {OrderStatus.PENDING_PAUSE, OrderStatus.PAUSED},
    "resume": TERMINAL
    | {
        OrderStatus.PENDING_RESUME,
        OrderStatus.SCHEDULED,
        OrderStatus.WORKING,
        OrderStatus.PARTIALLY_FILLED,
    },
}

Key = tuple[str, str]


@dataclass(frozen=True)
class Scope:
    """Which orders a bulk action is for; every given filter must match (None: any).

    Attributes:
        client_order_ids: The selection (client order ids), or None for no selection.
        venue: Venue name, e.g. `"kucoin_futures"`.
        pair: `BASE-QUOTE` (compared case-insensitively).
        side: Buy or sell.
        include_pinned: Cancel pinned orders too (the confirmation's "include pinned").
    """

    client_order_ids: frozenset[str] | None = None
    venue: str | None = None
    pair: str | None = None
    side: Side | None = None
    include_pinned: bool = False

    def matches(self, order: Order) -> bool:
        """Whether `order` is in the scope (whatever its status or pin)."""
        return (
            (self.client_order_ids is None or order.client_order_id in self.client_order_ids)
            and (self.venue is None or order.venue == self.venue)
            and (self.pair is None or order.pair.upper() == self.pair.upper())
            and (self.side is None or order.side == self.side)
        )

    def covers_venue(self, venue: str) -> bool:
        """True when the scope is everything on `venue` (no selection, pair or side)."""
        return (
            self.client_order_ids is None
            and self.pair is None
            and self.side is None
            and self.venue in (None, venue)
        )

    def covers_pair(self, venue: str, pair: str) -> bool:
        """True when the scope is everything on `pair` at `venue` (no selection or side)."""
        return (
            self.client_order_ids is None
            and self.side is None
            and self.venue in (None, venue)
            and (self.pair is None or self.pair.upper() == pair.upper())
        )

    def describe(self) -> str:
        """The scope in the trader's words: "the selection", "everything on kucoin_futures",
        "BTC-USDT buys", "all sells on dfx", "everything"."""
        target = ""
        if self.pair is not None and self.side is not None:
            target = f"{self.pair} {self.side}s"
        elif self.pair is not None:
            target = self.pair
        elif self.side is not None:
            target = f"{self.side}s"
        if self.client_order_ids is not None:
            text = f"the selected {target}" if target else "the selection"
        elif not target:
            text = "everything"
        else:
            text = target if self.pair is not None else f"all {target}"
        return text if self.venue is None else f"{text} on {self.venue}"


EVERYTHING = Scope()
"""Every order on every venue (the kill switch's scope, pinned orders skipped)."""


@dataclass(frozen=True)
class BulkProgress:
    """How far a bulk action is, reported after each order or batch resolves.

    Attributes:
        action: `"cancel"`, `"pause"` or `"resume"`.
        total: Orders the action sends for (pinned orders skipped not counted).
        done: Orders the venue accepted the request for (or the desk did it itself).
        failed: Orders whose request failed or was refused.
    """

    action: str
    total: int
    done: int
    failed: int

    @property
    def remaining(self) -> int:
        """Orders still waiting for their outcome."""
        return self.total - self.done - self.failed


@dataclass(frozen=True)
class BulkOutcome:
    """What a bulk action did, order by order.

    Attributes:
        action: `"cancel"`, `"pause"` or `"resume"`.
        scope: The scope it was run for.
        results: One result per order the action was for (ok: the venue accepted; the
            order's status shows the venue's word), in the store's order.
        skipped_pinned: Pinned orders in the scope left alone (cancel only).
        summary: One line for the audit trail, e.g.
            "cancel everything: 412 done, 3 failed, 5 pinned skipped".
    """

    action: str
    scope: Scope
    results: tuple[ActionResult, ...]
    skipped_pinned: int
    summary: str

    @property
    def done(self) -> int:
        """Orders the action succeeded for."""
        return sum(1 for result in self.results if result.ok)

    @property
    def failed(self) -> tuple[ActionResult, ...]:
        """The results that failed."""
        return tuple(result for result in self.results if not result.ok)


def summarize(action: str, scope: Scope, results: Sequence[ActionResult], skipped: int) -> str:
    """The audit line of a bulk action: "<action> <scope>: N done, M failed[, K pinned
    skipped]"."""
    done = sum(1 for result in results if result.ok)
    text = f"{action} {scope.describe()}: {done} done, {len(results) - done} failed"
    return f"{text}, {skipped} pinned skipped" if skipped else text


class _Tracker:
    """Counts outcomes and reports `BulkProgress`; a failing callback is logged only."""

    def __init__(
        self, action: str, total: int, progress: Callable[[BulkProgress], None] | None
    ) -> None:
        self.action = action
        self.total = total
        self.done = 0
        self.failed = 0
        self._progress = progress

    def emit(self) -> None:
        if self._progress is None:
            return
        try:
            self._progress(BulkProgress(self.action, self.total, self.done, self.failed))
        except Exception:
            log.exception("bulk %s progress callback failed", self.action)

    def count(self, results: Iterable[ActionResult]) -> None:
        for result in results:
            if result.ok:
                self.done += 1
            else:
                self.failed += 1
        self.emit()

    async def one(self, job: Awaitable[ActionResult]) -> list[ActionResult]:
        result = await job
        self.count([result])
        return [result]


class BulkRunner:
    """Runs bulk actions for an `OrderService` (which owns the clients, their concurrency
    bounds and the per-order paths); see the module doc."""

    def __init__(self, service: OrderService) -> None:
        self._service = service
        self._store = service.store
        self._confirm = Confirmer(service.store, service._limits, service._spawn)

    def orders_in_scope(self, scope: Scope, action: str) -> list[Order]:
        """The orders `action` would be sent for, in the store's order.

        Cancel: cancellable orders not already pending cancel, pinned ones only with
        `scope.include_pinned`. Pause: pausable orders. Resume: paused orders.

        Raises:
            ValueError: `action` is not one of `ACTIONS`.
        """
        return [
            order
            for order in self._in_scope(scope, action)
            if not self._skips(scope, action, order)
        ]

    async def run(
        self,
        action: str,
        scope: Scope,
        progress: Callable[[BulkProgress], None] | None = None,
    ) -> BulkOutcome:
        """Run `action` over `scope` on every venue at once; see `OrderService.run_bulk`."""
        matching = self._in_scope(scope, action)
        targets = [order for order in matching if not self._skips(scope, action, order)]
        skipped = len(matching) - len(targets)
        # A selected order the action does not apply to still gets its refusal (as a
        # per-order cancel/pause/resume would say it), pinned ones aside.
        others: list[str] = []
        if scope.client_order_ids is not None:
            taken = {order.client_order_id for order in matching}
            others = sorted(scope.client_order_ids - taken)
        tracker = _Tracker(action, len(targets) + len(others), progress)
        tracker.emit()
        service = self._service
        one = {"cancel": service._cancel_one, "pause": service._pause_one}.get(
            action, service._resume_one
        )
        if action == "cancel":
            jobs = self._cancel_jobs(scope, targets, tracker)
        else:
            jobs = self._pause_resume_jobs(action, scope, targets, tracker)
        jobs.extend(tracker.one(one(client_order_id)) for client_order_id in others)
        found: dict[str, ActionResult] = {}
        for part in await asyncio.gather(*jobs):
            found.update((result.client_order_id, result) for result in part)
        ordered = [order.client_order_id for order in targets] + others
        results = tuple(found[client_order_id] for client_order_id in ordered)
        summary = summarize(action, scope, results, skipped)
        # The audit trail for now is the log; the journal (a later issue) will record it.
        log.info("bulk action: %s", summary)
        return BulkOutcome(action, scope, results, skipped, summary)

    def _in_scope(self, scope: Scope, action: str) -> list[Order]:
        if action not in _APPLIES:
            raise ValueError(f"unknown bulk action {action!r}; expected one of {ACTIONS}")
        allowed = _APPLIES[action]
        ids = scope.client_order_ids
        if ids is not None and len(ids) == 1:
            # One order (a row's Cancel/Pause/Resume): no walk through the whole store.
            found = self._store.get(next(iter(ids)))
            candidates = [] if found is None else [found]
        else:
            candidates = self._store.orders()
        return [order for order in candidates if order.status in allowed and scope.matches(order)]

    @staticmethod
    def _skips(scope: Scope, action: str, order: Order) -> bool:
        return action == "cancel" and order.pinned and not scope.include_pinned

    # -- cancel ------------------------------------------------------------------------------

    def _cancel_jobs(
        self, scope: Scope, targets: list[Order], tracker: _Tracker
    ) -> list[Awaitable[list[ActionResult]]]:
        service = self._service
        jobs: list[Awaitable[list[ActionResult]]] = []
        target_ids: dict[Key, set[str]] = {}
        by_account: dict[Key, list[Order]] = {}
        for order in targets:
            key = (order.venue, order.account)
            target_ids.setdefault(key, set()).add(order.client_order_id)
            if order.is_between_legs or service._refusal(
                order, order.client_order_id, "cancel", CANCELLABLE
            ):
                # Nothing at the venue (cancelled on the desk), or the per-order refusal.
                jobs.append(tracker.one(service._cancel_one(order.client_order_id)))
            else:
                by_account.setdefault(key, []).append(order)
        for key, orders in by_account.items():
            working = self._store.working_orders(*key)
            covered = (
                scope.covers_venue(key[0])
                and {order.client_order_id for order in working} <= target_ids[key]
            )
            pairs = set()
            client = service._clients[key]
            if not (covered and client.capabilities.cancel_all) and isinstance(client, PairCancel):
                pairs = _covered_pairs(scope, key[0], orders, working, target_ids[key])
            # Pending before anything is sent, and before this call returns: a bulk action
            # started meanwhile finds them pending and leaves them alone.
            previous: dict[str, OrderStatus] = {}
            for order in orders:
                service._legs.drop_ending(order)  # a cancel outranks a pause in flight
                previous[order.client_order_id] = order.status
                self._store.set_status(order.client_order_id, OrderStatus.PENDING_CANCEL)
            jobs.append(self._cancel_account(key, orders, previous, covered, pairs, tracker))
        return jobs

    async def _cancel_account(
        self,
        key: Key,
        orders: list[Order],
        previous: dict[str, OrderStatus],
        covered: bool,
        pairs: set[str],
        tracker: _Tracker,
    ) -> list[ActionResult]:
        """Cancel one account's orders: cancel-all when `covered`, else their requests as
        `CancelSender` sends them (a pair of `pairs` may go whole); then one reconciliation.
        One order alone keeps the one-order path."""
        client = self._service._clients[key]
        if client.capabilities.cancel_all and covered:
            wide: list[VenueWide] = [(client.cancel_all, orders)]
            return await self._venue_wide(client, key, wide, previous, "cancel", tracker)
        if len(orders) == 1:
            order = orders[0]
            single = self._cancel_single(client, key, order, previous[order.client_order_id])
            return await tracker.one(single)
        sender = CancelSender(client, self._service._limits[key], pairs, tracker.count)
        await sender.send(orders)
        failed = {result.client_order_id for result in sender.results if not result.ok}
        failed.update(  # a failed pair-wide cancel may have landed too: read its orders
            order.client_order_id
            for (_, group), failure in zip(sender.wide, sender.wide_failures, strict=True)
            if failure is not None
            for order in group
        )
        await self._confirm.reconcile(client, key, orders, previous, failed, _PENDING["cancel"])
        results = self._wide_results(sender.wide, sender.wide_failures, "cancel", tracker)
        settled = [
            self._settled(result, sender.errors.get(result.client_order_id))
            for result in sender.results
        ]
        tracker.count(  # the accepted ones were counted as they came
            now for now, sent in zip(settled, sender.results, strict=True) if not sent.ok
        )
        return results + settled

    async def _cancel_single(
        self, client: VenueClient, key: Key, order: Order, previous: OrderStatus
    ) -> ActionResult:
        """The one-order path: the request, then the order's own read (waiting its turn)."""
        service = self._service
        client_order_id = order.client_order_id
        assert order.venue_order_id is not None, "refused before"
        async with service._limits[key]:
            try:
                await client.cancel(order.venue_order_id)
            except (VenueError, UnsupportedAction) as exc:
                return await service.action_failed(
                    exc, client, client_order_id, "cancel", _PENDING["cancel"], previous
                )
            await service._refresh(client, client_order_id)
        return ActionResult(client_order_id, True)

    def _settled(
        self, result: ActionResult, error: VenueError | UnsupportedAction | None
    ) -> ActionResult:
        """A batch cancel's result once the venue's reports are in: a refused cancel of an
        order the venue shows cancelled is done (nothing to chase), else it is reported."""
        if result.ok:
            return result
        order = self._store.get(result.client_order_id)
        if order is not None and order.status == OrderStatus.CANCELED:
            return ActionResult(result.client_order_id, True, "already done at the venue")
        if order is not None and order.status == OrderStatus.PENDING_CANCEL:
            # No read got through (confirm.py): shown pending cancel, not working, until
            # the poller reads the venue's word.
            reason = f"outcome unknown ({result.message}); pending until the venue reports it"
            self._service._report(OrderDeskError(reason), result.client_order_id, "cancel")
            return ActionResult(result.client_order_id, False, reason)
        if error is not None:
            self._service._report(error, result.client_order_id, "cancel")
        elif order is not None:
            self._refused(order, "cancel", result.message)
        return result

    # -- pause and resume -----------------------------------------------------------------------

    def _pause_resume_jobs(
        self, action: str, scope: Scope, targets: list[Order], tracker: _Tracker
    ) -> list[Awaitable[list[ActionResult]]]:
        service = self._service
        one = service._pause_one if action == "pause" else service._resume_one
        jobs: list[Awaitable[list[ActionResult]]] = []
        native: dict[Key, list[Order]] = {}
        for order in targets:
            capabilities = service._capabilities(order.venue)
            venue_wide = (
                capabilities is not None
                and capabilities.pause_all
                and capabilities.pause_resume
                and scope.covers_venue(order.venue)
                and not order.is_between_legs
                and service._refusal(order, order.client_order_id, action, _APPLIES[action]) is None
            )
            if venue_wide:
                native.setdefault((order.venue, order.account), []).append(order)
            else:
                jobs.append(tracker.one(one(order.client_order_id)))
        for key, orders in native.items():
            previous: dict[str, OrderStatus] = {}
            for order in orders:  # pending at once, as for cancel
                previous[order.client_order_id] = order.status
                self._store.set_status(order.client_order_id, _PENDING[action])
            client = service._clients[key]
            call = client.pause_all if action == "pause" else client.resume_all
            jobs.append(self._venue_wide(client, key, [(call, orders)], previous, action, tracker))
        return jobs

    # -- shared ----------------------------------------------------------------------------------

    async def _venue_wide(
        self,
        client: VenueClient,
        key: Key,
        wide: list[VenueWide],
        previous: dict[str, OrderStatus],
        action: str,
        tracker: _Tracker,
    ) -> list[ActionResult]:
        """Venue-wide requests (cancel/pause/resume all), then one reconciliation; each
        order's outcome is what the venue shows afterwards (see `_wide_results`)."""
        failures = await self._send_wide(key, wide, action)
        orders = [order for _, group in wide for order in group]
        # A failed request may have landed (its answer lost): its orders are read until the
        # venue answers, as a failed per-order request's are (confirm.py).
        failed = {
            order.client_order_id
            for (_, group), failure in zip(wide, failures, strict=True)
            if failure is not None
            for order in group
        }
        await self._confirm.reconcile(client, key, orders, previous, failed, _PENDING[action])
        return self._wide_results(wide, failures, action, tracker)

    async def _send_wide(
        self, key: Key, wide: list[VenueWide], action: str
    ) -> list[OrderDeskError | None]:
        """Send each venue-wide request in turn; its failure, or None."""
        failures: list[OrderDeskError | None] = []
        async with self._service._limits[key]:
            for call, _ in wide:
                try:
                    await call()
                except (VenueError, UnsupportedAction) as exc:
                    failures.append(exc)
                    log.info("%s-all on %s/%s failed: %s", action, *key, exc)
                else:
                    failures.append(None)
        return failures

    def _wide_results(
        self,
        wide: list[VenueWide],
        failures: list[OrderDeskError | None],
        action: str,
        tracker: _Tracker,
    ) -> list[ActionResult]:
        """Each order's outcome after venue-wide requests, from what the venue shows (a
        pause-all of another account of the same token may already have paused it, making
        this one's "nothing to pause" harmless)."""
        results: list[ActionResult] = []
        for (_, orders), failure in zip(wide, failures, strict=True):
            part: list[ActionResult] = []
            for order in orders:
                part.append(self._wide_result(order, failure, action))
            tracker.count(part)
            results.extend(part)
        return results

    def _wide_result(
        self,
        order: Order,
        failure: OrderDeskError | None,
        action: str,
    ) -> ActionResult:
        current = self._store.get(order.client_order_id)
        status = OrderStatus.UNKNOWN if current is None else current.status
        if failure is None and status in _REACHED[action]:  # accepted (pending: until
            return ActionResult(order.client_order_id, True)  # the venue reports it)
        if status == _PENDING[action] and failure is not None:
            # The request failed and no read got through (confirm.py sends an answered
            # order back to its status): it may have landed. Shown pending, not back in
            # its old status on a guess, for the poller to settle.
            reason = f"outcome unknown ({_message(failure)}); pending until the venue reports it"
            self._service._report(OrderDeskError(reason), order.client_order_id, action)
            return ActionResult(order.client_order_id, False, reason)
        if status in _REACHED[action]:  # the venue did it, whatever the request's answer
            return ActionResult(order.client_order_id, True)
        if failure is not None:
            self._service._report(failure, order.client_order_id, action)
            return ActionResult(order.client_order_id, False, _message(failure))
        reason = f"the venue still shows it {status} after {action}-all"
        self._refused(order, action, reason)
        return ActionResult(order.client_order_id, False, reason)

    def _refused(self, order: Order, action: str, reason: str) -> None:
        self._service.errors.publish(
            ErrorEvent(
                f"{action} failed: {reason}", ErrorKind.REJECTED, order.venue, order.client_order_id
            )
        )


def _message(exc: OrderDeskError) -> str:
    return exc.venue_message if isinstance(exc, VenueError) else str(exc)


def _covered_pairs(
    scope: Scope, venue: str, orders: list[Order], working: list[Order], targets: set[str]
) -> set[str]:
    """Pairs (upper case) of `orders` a pair-wide cancel may cover (see `PairCancel`): the
    scope covers the pair, and every working order the desk knows on it at this account is
    a target."""
    pairs = {order.pair.upper() for order in orders}
    for order in working:
        if order.client_order_id not in targets:
            pairs.discard(order.pair.upper())
    return {pair for pair in pairs if scope.covers_pair(venue, pair)}
