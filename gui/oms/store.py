"""OrderStore: the one in-memory truth about orders and fills.

Everything that changes an order goes through here: local commands (`add`, `set_status`)
and venue reports (`apply_reports`). Reports move the status only through the domain state
machine, fills are de-duplicated by venue fill id, filled quantity never goes down, and a
report observed before the trader's latest command on that order cannot overwrite the
pending status that command set (a poll in flight when Pause was clicked must not flip the
row back to working). Each call publishes at most one `StoreChange`.

Orders worked by successive legs (synthetic pause, cancel/replace; see `gui.oms.legs`) stay
one order: every leg's venue order id and client order id lead to it, each leg's fills are
its fills, its filled quantity and average are totals over the legs, a leg's report never
changes its total quantity, and only the current leg's report moves its status.

Polls repeat themselves: every second a venue lists thousands of orders of which few moved.
The store keeps the last report it merged into each working order and, while that order is
untouched since, an equal report is passed over before any domain work (one tuple
comparison instead of a merge); and it indexes working orders by venue account, so the
poller's per-tick questions cost the account's working orders, not the whole blotter
(issue 8, item 3).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from gui.domain.aggregates import derive_fill
from gui.domain.errors import InvalidTransition
from gui.domain.orders import (
    PENDING,
    TERMINAL,
    WORKING,
    Amendment,
    Fill,
    FillKind,
    Leg,
    LegEnd,
    LegPurpose,
    Order,
    OrderStatus,
    Strategy,
    can_transition,
    utc_now,
)
from gui.oms.events import ErrorEvent, ErrorKind, Signal, StoreChange
from gui.oms.legs import (
    NextStatus,
    first_leg,
    leg_index,
    next_status,
    with_ending,
    with_leg_report,
    with_new_leg,
    with_refused_leg,
    with_terms,
)
from gui.venues.base import OrderReport

log = logging.getLogger(__name__)

_ZERO = Decimal(0)


class OrderStore:
    """Orders keyed by client order id, with their fills.

    Signals:
        changed (StoreChange): orders added or changed and fills added, once per call.
        problems (ErrorEvent): reports the store could not apply as given (unknown venue
            status, a transition the state machine forbids).
    """

    def __init__(self) -> None:
        self.changed: Signal[StoreChange] = Signal("OrderStore.changed")
        self.problems: Signal[ErrorEvent] = Signal("OrderStore.problems")
        self._orders: dict[str, Order] = {}
        self._fills: dict[str, list[Fill]] = {}
        self._fill_keys: set[tuple[str, str]] = set()
        self._by_venue_id: dict[tuple[str, str], str] = {}
        # client order id of a leg (2, 3...) -> the order's client order id
        self._by_leg_id: dict[str, str] = {}
        # Stamps order events strictly: a command and a request sent "at the same time" still
        # get distinct stamps, so which came first is never a tie (clock readings can tie).
        self._stamp = itertools.count(1)
        # client order id -> stamp of the trader's latest command on it
        self._command_marks: dict[str, int] = {}
        # (venue, account) -> client order ids of its working orders, in insertion order
        self._working: dict[tuple[str, str], dict[str, None]] = {}
        # client order id -> (the last report merged, the order object that merge left):
        # while the order is still that very object, the same report again is a no-op.
        # Working orders only, and only when a second merge would surely change nothing.
        self._settled: dict[str, tuple[OrderReport, Order]] = {}
        # (venue, account) -> client order ids of finished orders whose fills add up to less
        # than their filled quantity (fills unread when the order finished: a market order
        # done in its submit answer, a trades read refused by a rate limit). The poller reads
        # them again until their fills are in (`fills_short`).
        self._short: dict[tuple[str, str], dict[str, None]] = {}

    # -- reading ---------------------------------------------------------------------------

    def get(self, client_order_id: str) -> Order | None:
        """The order with this client order id, or None."""
        return self._orders.get(client_order_id)

    def __len__(self) -> int:
        return len(self._orders)

    def orders(self) -> list[Order]:
        """Every order, in insertion order."""
        return list(self._orders.values())

    def fills(self, client_order_id: str) -> list[Fill]:
        """The order's fills, oldest first (a copy)."""
        return list(self._fills.get(client_order_id, ()))

    def legs(self, client_order_id: str) -> list[Leg]:
        """The venue orders that worked an order, oldest first, the last one current.

        One leg (the order itself, under its own client order id) unless the order was
        paused or amended synthetically; [] for an unknown order. What the blotter can show
        per leg: number, purpose (new/resume/replace), client and venue order ids,
        quantity, filled quantity and average, status, and why the desk ended it.
        """
        order = self._orders.get(client_order_id)
        if order is None:
            return []
        return list(order.legs) or [first_leg(order)]

    def is_known_id(self, client_order_id: str) -> bool:
        """Whether an order or a leg already uses this client order id."""
        return client_order_id in self._orders or client_order_id in self._by_leg_id

    def find_by_venue_order_id(self, venue: str, venue_order_id: str) -> Order | None:
        """The order a venue knows by `venue_order_id`, or None."""
        client_order_id = self._by_venue_id.get((venue, venue_order_id))
        return None if client_order_id is None else self._orders.get(client_order_id)

    def working_orders(self, venue: str | None = None, account: str | None = None) -> list[Order]:
        """Non-terminal orders, optionally of one venue and account, in insertion order.

        With both `venue` and `account` this reads an index: it costs that account's working
        orders, not every order in the store (the poller asks every tick).
        """
        if venue is not None and account is not None:
            ids = self._working.get((venue, account), {})
            return [self._orders[client_order_id] for client_order_id in ids]
        return [
            order
            for order in self._orders.values()
            if order.status in WORKING
            and (venue is None or order.venue == venue)
            and (account is None or order.account == account)
        ]

    def fills_short(self, venue: str, account: str) -> list[Order]:
        """The account's finished orders whose fills add up to less than their filled
        quantity, oldest first (an index: no walk through the store)."""
        ids = self._short.get((venue, account), {})
        return [self._orders[client_order_id] for client_order_id in ids]

    def has_fills_short(self, venue: str, account: str) -> bool:
        """Whether the account has a finished order whose fills fall short."""
        return bool(self._short.get((venue, account)))

    def has_working(self, venue: str, account: str) -> bool:
        """Whether the venue account has a non-terminal order (O(1))."""
        return bool(self._working.get((venue, account)))

    # -- local commands ----------------------------------------------------------------------

    def add(self, order: Order) -> None:
        """Add a new order (normally PENDING_NEW, before its request is sent).

        Raises:
            ValueError: An order with this client order id already exists.
        """
        if order.client_order_id in self._orders:
            raise ValueError(f"duplicate client order id {order.client_order_id!r}")
        self._put(order)
        self._command_marks[order.client_order_id] = self.stamp()
        self.changed.publish(StoreChange(orders=(order,)))

    def set_status(self, client_order_id: str, status: OrderStatus, reason: str = "") -> Order:
        """Move an order because of the trader's command (e.g. PENDING_CANCEL on Cancel).

        Reports observed before this call no longer move the order's status.

        Raises:
            KeyError: No such order.
            InvalidTransition: The state machine forbids the move.
        """
        order = self._orders[client_order_id]
        new = order.with_status(status)
        if reason:
            new = dataclasses.replace(new, reason=reason)
        self._command_marks[client_order_id] = self.stamp()
        if new is not order:
            self._put(new)
            self.changed.publish(StoreChange(orders=(new,)))
        return new

    def set_pinned(self, client_order_id: str, pinned: bool) -> Order:
        """Pin or unpin an order: bulk cancel and the kill switch skip pinned orders
        unless told to include them (issue 6 §6). A desk-side flag: it is not a command
        to the venue, so reports keep moving the order as before.

        Returns:
            The order with the flag set (the same object when it already was).

        Raises:
            KeyError: No such order.
        """
        order = self._orders[client_order_id]
        if order.pinned == pinned:
            return order
        new = dataclasses.replace(order, pinned=pinned, updated_ts=utc_now())
        self._put(new)
        self.changed.publish(StoreChange(orders=(new,)))
        return new

    def restore(self, orders: Iterable[Order], fills: Mapping[str, Sequence[Fill]]) -> None:
        """Put back what the journal held (start-up), as it was: no state machine, no
        report merging, nothing sent.

        Every index is rebuilt as if the orders had lived here all along: venue order ids
        (each leg's included) and legs' client order ids lead to their order, each fill's
        (venue, fill id) is known, so the same fill reported again is dropped, and finished
        orders whose fills fall short are in `fills_short`. Publishes one
        `StoreChange` with every order and fill (the blotter shows them at once).

        Args:
            orders: The latest snapshot of each order, in blotter order.
            fills: Order's client order id -> its fills, oldest first. A fill whose key was
                already seen is left out.

        Raises:
            ValueError: The store is not empty, or two orders share a client order id
                (nothing is restored then).
        """
        if self._orders or self._fills:
            raise ValueError("restore needs an empty store")
        by_id: dict[str, Order] = {}
        for order in orders:
            if order.client_order_id in by_id:
                raise ValueError(f"duplicate client order id {order.client_order_id!r}")
            by_id[order.client_order_id] = order
        self._put_all(by_id)
        restored_fills: list[Fill] = []
        for client_order_id, order_fills in fills.items():
            bucket: list[Fill] = []
            for fill in order_fills:
                key = (fill.venue, fill.fill_id)  # as _new_fills and _derived_fills key them
                if key in self._fill_keys:
                    continue
                self._fill_keys.add(key)
                bucket.append(fill)
            if bucket:
                self._fills[client_order_id] = bucket
                restored_fills.extend(bucket)
        for order in by_id.values():  # finished while its fills were still to be read
            if order.filled_qty > 0 and order.status in TERMINAL:
                self._track_short(order)
        if by_id or restored_fills:
            self.changed.publish(
                StoreChange(orders=tuple(by_id.values()), fills=tuple(restored_fills))
            )

    # -- legs (synthetic pause and cancel/replace) ------------------------------------------------

    def end_leg(self, client_order_id: str, ending: LegEnd, pending: OrderStatus) -> Order:
        """The desk is about to cancel the order's current leg to pause or replace the order.

        The order goes to `pending` (PENDING_PAUSE or PENDING_REPLACE) as a command. When
        the venue then reports the leg ended, a PAUSE ending makes the order PAUSED (FILLED
        if nothing remains), a REPLACE ending leaves it pending for the service to send the
        new leg; the leg's other reports no longer move the order's status meanwhile.

        Raises:
            KeyError: No such order.
            InvalidTransition: The order cannot go to `pending`.
        """
        order = with_ending(self._orders[client_order_id], ending)
        return self._command(order.with_status(pending))

    def keep_leg(self, client_order_id: str, status: OrderStatus | None = None) -> Order:
        """The current leg goes on after all (its cancel was refused, or the trader cancels
        the order instead): forget why it was being ended; move the order to `status` if
        given (back to what it was before the pause or amend).

        Raises:
            KeyError: No such order.
            InvalidTransition: The order cannot go to `status`.
        """
        order = self._orders[client_order_id]
        if order.legs:
            order = with_ending(order, None)
        return self._command(order if status is None else order.with_status(status))

    def add_leg(
        self,
        client_order_id: str,
        leg_client_order_id: str,
        quantity: Decimal,
        purpose: LegPurpose,
        pending: OrderStatus,
        terms: Amendment | None = None,
    ) -> Order:
        """Start a new leg (PENDING_NEW) for the order, before its submit is sent.

        Args:
            client_order_id: The order.
            leg_client_order_id: The leg's own id (unused so far).
            quantity: Base quantity the leg is sent for (the remainder).
            purpose: RESUME or REPLACE.
            pending: The order's status until the venue answers (PENDING_RESUME or
                PENDING_REPLACE).
            terms: New terms that take effect with this leg (cancel/replace): quantity is
                the order's new total; None fields keep the order's.

        Returns:
            The order, its `venue_order_id` None until the venue acknowledges the leg.

        Raises:
            KeyError: No such order.
            ValueError: `leg_client_order_id` is already used.
            InvalidTransition: The order cannot go to `pending`.
        """
        order = self._orders[client_order_id]
        if self.is_known_id(leg_client_order_id):
            raise ValueError(f"duplicate client order id {leg_client_order_id!r}")
        updated = with_new_leg(order, leg_client_order_id, quantity, purpose, terms)
        return self._command(updated.with_status(pending))

    def refuse_leg(
        self, client_order_id: str, reason: str, status: OrderStatus = OrderStatus.PAUSED
    ) -> Order:
        """The venue refused (or never placed) the current leg: the leg is REJECTED and
        the order goes to `status` (PAUSED: its remainder is kept, nothing works at the
        venue) with the reason.

        Raises:
            KeyError: No such order.
            InvalidTransition: The order cannot go to `status`.
        """
        order = with_refused_leg(self._orders[client_order_id], reason)
        return self._command(order.with_status(status))

    def change_terms(self, client_order_id: str, terms: Amendment) -> Order:
        """Change an order's terms locally (quantity, limit price, duration, POV target;
        None keeps a field): for an order with nothing working at the venue (a synthetic
        pause; the next leg is sent with them), or the total after a leg's amend.

        Raises:
            KeyError: No such order.
        """
        return self._command(with_terms(self._orders[client_order_id], terms))

    def _command(self, new: Order) -> Order:
        self._command_marks[new.client_order_id] = self.stamp()
        old = self._orders[new.client_order_id]
        if new != old:
            new = dataclasses.replace(new, updated_ts=utc_now())
            self._put(new)
            self.changed.publish(StoreChange(orders=(new,)))
        return new

    def stamp(self) -> int:
        """A new stamp, greater than every stamp before it.

        Take one just before sending a request and pass it as `observed_at` with the
        reports the request returns.
        """
        return next(self._stamp)

    def command_mark(self, client_order_id: str) -> int:
        """Stamp of the latest local command on the order (0 if none)."""
        return self._command_marks.get(client_order_id, 0)

    # -- venue reports -----------------------------------------------------------------------

    def apply_report(
        self,
        report: OrderReport,
        *,
        client_order_id: str | None = None,
        observed_at: int | None = None,
    ) -> Order:
        """Apply one venue report; see `apply_reports`."""
        changed = self.apply_reports(
            [report], client_order_id=client_order_id, observed_at=observed_at
        )
        key = client_order_id or self._key_for(report)
        assert key is not None, "apply_reports always files the report under a key"
        return changed[0] if changed else self._orders[key]

    def apply_reports(
        self,
        reports: Iterable[OrderReport],
        *,
        client_order_id: str | None = None,
        observed_at: int | None = None,
    ) -> list[Order]:
        """Apply venue reports and publish one StoreChange.

        Args:
            reports: What the venue said. An order the store does not know (placed from
                another screen or an earlier session) is adopted under the venue's client
                order id, or `<venue>:<venue order id>` when it has none.
            client_order_id: Force the order the (single) report belongs to, e.g. the submit
                answer whose venue order id is not known yet.
            observed_at: `stamp()` taken when the request that produced the reports was
                sent; a report older than the trader's latest command on an order does not
                move that order's status (its fills and quantities still apply). None
                means "now".

        Returns:
            The orders that changed, in their new state.
        """
        changed: list[Order] = []
        new_fills: list[Fill] = []
        settled = self._settled
        for report in reports:
            key = client_order_id or self._key_for(report)
            order = self._orders.get(key) if key is not None else None
            if order is not None:
                last = settled.get(order.client_order_id)
                if (
                    last is not None
                    and last[1] is order
                    and (last[0] is report or last[0] == report)
                ):
                    continue  # what the last merge said, to an order untouched since
            adopted = order is None
            if order is None:
                order = self._adopt(report, key)
            updated, fills = self._merge(order, report, observed_at)
            new_fills.extend(fills)
            # An adopted order is new even when its first report changes nothing in it.
            if adopted or updated != order:
                self._put(updated)
                changed.append(updated)
            else:
                updated = order  # the store keeps the object it had
            if _merges_to_itself(updated, report):
                settled[updated.client_order_id] = (report, updated)
            else:
                settled.pop(updated.client_order_id, None)
            if updated.status in TERMINAL:
                self._track_short(updated)
        if changed or new_fills:
            self.changed.publish(StoreChange(orders=tuple(changed), fills=tuple(new_fills)))
        return changed

    # -- internals ---------------------------------------------------------------------------

    def _put(self, order: Order) -> None:
        self._orders[order.client_order_id] = order
        account = (order.venue, order.account)
        if order.status in WORKING:
            self._working.setdefault(account, {})[order.client_order_id] = None
        else:
            working = self._working.get(account)
            if working is not None:
                working.pop(order.client_order_id, None)
            self._settled.pop(order.client_order_id, None)
        if order.venue_order_id:
            self._by_venue_id[(order.venue, order.venue_order_id)] = order.client_order_id
        for leg in order.legs:
            if leg.venue_order_id:
                self._by_venue_id[(order.venue, leg.venue_order_id)] = order.client_order_id
            if leg.client_order_id != order.client_order_id:
                self._by_leg_id[leg.client_order_id] = order.client_order_id

    def _track_short(self, order: Order) -> None:
        """File a finished order under `_short` while its fills fall short."""
        account = (order.venue, order.account)
        have = sum((fill.quantity for fill in self._fills.get(order.client_order_id, ())), _ZERO)
        if order.venue_order_id is not None and order.filled_qty > have:
            self._short.setdefault(account, {})[order.client_order_id] = None
        elif (short := self._short.get(account)) is not None:
            short.pop(order.client_order_id, None)

    def _put_all(self, by_id: dict[str, Order]) -> None:
        # `_put` for every order of an empty store at once (start-up: 100,000 orders), the
        # same indexes in a third of the time.
        self._orders = by_id
        by_venue_id = self._by_venue_id
        working = self._working
        for client_order_id, order in by_id.items():
            if order.venue_order_id:
                by_venue_id[(order.venue, order.venue_order_id)] = client_order_id
            if order.legs:
                self._put(order)
            elif order.status in WORKING:
                account = (order.venue, order.account)
                ids = working.get(account)
                if ids is None:
                    ids = working[account] = {}
                ids[client_order_id] = None

    def _key_for(self, report: OrderReport) -> str | None:
        by_venue = self._by_venue_id.get((report.venue, report.venue_order_id))
        if by_venue is not None:
            return by_venue
        if report.client_order_id and report.client_order_id in self._orders:
            return report.client_order_id
        if report.client_order_id:
            return self._by_leg_id.get(report.client_order_id)
        return None

    def _adopt(self, report: OrderReport, key: str | None) -> Order:
        client_order_id = key or report.client_order_id or f"{report.venue}:{report.venue_order_id}"
        if report.status == OrderStatus.UNKNOWN:  # adopted in UNKNOWN: no transition says so
            self.problems.publish(
                ErrorEvent(
                    f"unknown status {report.venue_status!r} from {report.venue} for an "
                    "order the desk did not place; shown as unknown",
                    ErrorKind.WARNING,
                    report.venue,
                    client_order_id,
                )
            )
        now = utc_now()
        return Order(
            client_order_id=client_order_id,
            venue=report.venue,
            account=report.account,
            pair=report.pair,
            side=report.side,
            strategy=report.strategy or Strategy.LIMIT,
            quantity=report.quantity,
            # Adopted orders start from the venue's word: the first merge sets the status.
            status=OrderStatus.UNKNOWN,
            created_ts=report.updated_ts or now,
            updated_ts=now,
            limit_price=report.limit_price,
            venue_order_id=report.venue_order_id,
        )

    def _merge(
        self, order: Order, report: OrderReport, observed_at: int | None
    ) -> tuple[Order, list[Fill]]:
        if order.legs:
            return self._merge_leg(order, report, observed_at)
        fills = self._new_fills(order, report)
        filled = max(order.filled_qty, report.filled_qty)
        # An average belongs to the filled quantity it was computed over: a report that
        # knows of less than we already have is older, and its average is too.
        report_is_current = report.filled_qty >= order.filled_qty
        avg = (
            report.avg_fill_px
            if report.avg_fill_px is not None and report_is_current
            else order.avg_fill_px
        )
        notional = order.filled_notional
        if report.aggregate is not None and report_is_current:
            notional = report.aggregate.notional or notional
        updated = dataclasses.replace(
            order,
            venue_order_id=report.venue_order_id or order.venue_order_id,
            filled_qty=filled,
            avg_fill_px=avg,
            filled_notional=notional,
            quantity=report.quantity if report.quantity > 0 else order.quantity,
            limit_price=report.limit_price if report.limit_price is not None else order.limit_price,
            start_ts=report.start_ts or order.start_ts,
            end_ts=report.end_ts or order.end_ts,
            reason=report.reason or order.reason,
        )
        updated = self._merge_status(updated, report, observed_at)
        if updated != order or fills:
            updated = dataclasses.replace(updated, updated_ts=utc_now())
        return updated, fills

    def _merge_leg(
        self, order: Order, report: OrderReport, observed_at: int | None
    ) -> tuple[Order, list[Fill]]:
        """Apply a report of one of the order's legs: the leg's totals, the order's totals
        over all legs, and the order's status from the current leg only."""
        index = leg_index(order.legs, report)
        old_leg = order.legs[index]
        fills = self._new_fills(order, report, old_leg)
        updated = with_leg_report(order, index, report)
        step = next_status(updated, old_leg, current=index == len(order.legs) - 1)
        if step == NextStatus.FOLLOW:
            updated = self._merge_status(updated, report, observed_at)
        elif step == NextStatus.PAUSED:
            when = self._status_ts(report, OrderStatus.PAUSED)
            updated = updated.with_status(OrderStatus.PAUSED, when)
        elif step == NextStatus.FILLED and can_transition(updated.status, OrderStatus.FILLED):
            updated = updated.with_status(OrderStatus.FILLED)
        if updated != order or fills:
            updated = dataclasses.replace(updated, updated_ts=utc_now())
        return updated, fills

    def _merge_status(self, order: Order, report: OrderReport, observed_at: int | None) -> Order:
        target = report.status
        if target == OrderStatus.UNKNOWN and order.status != OrderStatus.UNKNOWN:
            self.problems.publish(
                ErrorEvent(
                    f"unknown status {report.venue_status!r} from {report.venue}; "
                    f"keeping {order.status}",
                    ErrorKind.WARNING,
                    report.venue,
                    order.client_order_id,
                )
            )
            return order
        if target == OrderStatus.WORKING and order.filled_qty > 0:
            target = OrderStatus.PARTIALLY_FILLED
        if target == order.status:
            return order
        if target == OrderStatus.PENDING_NEW:
            # "Received, not live yet" is no news once the desk has seen the order further
            # on: a resumed or replacing leg is pending at the venue (Anboto holds a new
            # parent order in PENDING_NEW for a moment) while the order it works is live.
            return order
        stale = (
            observed_at is not None
            and observed_at < self._command_marks.get(order.client_order_id, 0)
            and target not in TERMINAL
        )
        if stale:
            return order
        if order.status in TERMINAL:
            # A late report of a finished order: quantities were applied, status stays.
            return order
        if not can_transition(order.status, target):
            if order.status in PENDING:
                return order  # a pending command outranks a report that skips back
            self.problems.publish(
                ErrorEvent(
                    f"{report.venue} reported {report.venue_status!r} for an order that is "
                    f"{order.status}; ignored",
                    ErrorKind.WARNING,
                    report.venue,
                    order.client_order_id,
                )
            )
            return order
        when = self._status_ts(report, target)
        try:
            return order.with_status(target, when)
        except InvalidTransition:  # pragma: no cover - can_transition checked above
            log.exception("transition refused after check")
            return order

    @staticmethod
    def _status_ts(report: OrderReport, target: OrderStatus) -> datetime | None:
        if target == OrderStatus.PAUSED and report.paused_ts is not None:
            return report.paused_ts
        if report.resumed_ts is not None and target in (
            OrderStatus.WORKING,
            OrderStatus.PARTIALLY_FILLED,
        ):
            return report.resumed_ts
        return None

    def _new_fills(self, order: Order, report: OrderReport, leg: Leg | None = None) -> list[Fill]:
        if report.fills is None:
            return self._derived_fills(order, report, leg)
        added: list[Fill] = []
        for fill_report in report.fills:
            key = (report.venue, fill_report.fill_id)
            if key in self._fill_keys:
                continue
            self._fill_keys.add(key)
            fill = Fill(
                fill_id=fill_report.fill_id,
                client_order_id=order.client_order_id,
                venue=report.venue,
                pair=order.pair,
                side=order.side,
                quantity=fill_report.quantity,
                price=fill_report.price,
                ts=fill_report.ts,
                fee=fill_report.fee,
                fee_asset=fill_report.fee_asset,
                liquidity=fill_report.liquidity,
            )
            added.append(fill)
        if added:
            bucket = self._fills.setdefault(order.client_order_id, [])
            bucket.extend(added)
            bucket.sort(key=lambda fill: fill.ts)
        return added

    def _derived_fills(self, order: Order, report: OrderReport, leg: Leg | None) -> list[Fill]:
        """The fill a rise in an aggregate-only venue's filled quantity stands for.

        For an order worked by legs, the rise is the leg's (its own totals, its venue
        order id in the fill id), so each leg's derived fills stay unique and the order's
        fills add up over the legs.
        """
        aggregate = report.aggregate
        old_qty = order.filled_qty if leg is None else leg.filled_qty
        if aggregate is None or report.filled_qty <= old_qty:
            return []
        if leg is None:
            old_notional = order.filled_notional
            if old_notional is None:
                old_notional = order.filled_qty * (order.avg_fill_px or 0)
            known_id = order.venue_order_id
        else:
            old_notional = leg.notional
            known_id = leg.venue_order_id
        new_notional = aggregate.notional
        if new_notional is None:
            new_notional = report.filled_qty * (report.avg_fill_px or 0)
        derived = derive_fill(
            report.venue_order_id or known_id or order.client_order_id,
            old_qty=old_qty,
            old_notional=old_notional,
            new_qty=report.filled_qty,
            new_notional=new_notional,
            last_qty=aggregate.last_qty,
            last_price=aggregate.last_price,
        )
        if derived is None or (report.venue, derived.fill_id) in self._fill_keys:
            return []
        self._fill_keys.add((report.venue, derived.fill_id))
        fill = Fill(
            fill_id=derived.fill_id,
            client_order_id=order.client_order_id,
            venue=report.venue,
            pair=order.pair,
            side=order.side,
            quantity=derived.quantity,
            price=derived.price,
            ts=report.updated_ts or utc_now(),
            kind=FillKind.DERIVED,
        )
        self._fills.setdefault(order.client_order_id, []).append(fill)
        return [fill]


def _merges_to_itself(order: Order, report: OrderReport) -> bool:
    """Whether merging `report` into `order` (which a merge of it just left) again would
    change nothing and tell nothing, whatever the command marks and observation stamps.

    Quantities, prices, times and fills merge idempotently (maxima, the report's value,
    fill ids de-duplicated). The status is settled when it already is the report's (a
    working report of a partly filled order reads PARTIALLY_FILLED). Not remembered: orders
    worked by legs (their merge goes through the leg's state), finished orders (not polled;
    nothing kept for them), and reports whose status is unknown or not yet reached (a
    stale or refused status move, which a later poll may make, or which warns each time).
    """
    if order.legs or order.status in TERMINAL or report.status == OrderStatus.UNKNOWN:
        return False
    target = report.status
    if target == OrderStatus.WORKING and order.filled_qty > 0:
        target = OrderStatus.PARTIALLY_FILLED
    return order.status == target
