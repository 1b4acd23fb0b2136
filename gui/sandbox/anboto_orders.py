"""Anboto parent orders in the emulator: the book of record over the shared engine.

A parent order is worked by one or more engine orders ("children"): TWAP and VWAP by one
engine algo over [startTime, endTime]; MARKET and LIMIT by one simple order; ICEBERG by a
chain of LIMIT clips, the next placed when the last one filled; STOP_LOSS by nothing until the
mid crosses its trigger, then one MARKET (or LIMIT at `limitPrice`) order. The doc documents
none of this (notes §1.8.10); the rules here are ours:

- Status (notes §1.5): PENDING_NEW until the engine has stepped past the creation (the accept
  delay, one engine step), then ACCEPTED, PARTIALLY_FILLED, FILLED. Cancel (notes §1.3 (1),
  "set the order state to pending cancel") stops the children at once and reports
  PENDING_CANCEL until the cancel delay passed, then CANCELLED. An order still unfilled
  `EXPIRY_GRACE_S` after its `endTime` is EXPIRED (errorCode EXPIRY_REACHED). An engine
  failure (fault injection) is REJECTED (EXCHANGE_ERROR).
- The engine is lazy and so is this book: ICEBERG clips, STOP_LOSS triggers, deferred starts
  (MARKET/LIMIT/ICEBERG/STOP_LOSS with a future startTime) and expiry are applied whenever
  the emulator is asked anything (`sync`), against the market at that moment.
- `leavesQuantity` is quantity - filled in every status, so that filled + leaves is always
  the ordered quantity (notes §1.4 derives the quantity that way).

Quantities base asset, prices quote per base, `Decimal`; times aware UTC (simulated).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from gui.domain.orders import Strategy
from gui.sandbox.anboto_requests import OrderRef, ParentOrderSpec
from gui.sandbox.anboto_wire import (
    TERMINAL_STATUSES,
    AnbotoStatus,
    ErrorCode,
    invalid,
    iso_ms,
)
from gui.sandbox.engine import OrderRefused, OrderRequest, SandboxEngine, SimOrder, SimStatus
from gui.sandbox.market import floor_to, pair_spec

ACCEPT_DELAY_S = 1.0
"""Simulated seconds an order stays PENDING_NEW (without fills): one engine step."""
CANCEL_DELAY_S = 1.0
"""Simulated seconds an order stays PENDING_CANCEL before it is CANCELLED."""
EXPIRY_GRACE_S = 2.0
"""An order unfilled this long after its `endTime` is EXPIRED (the engine's last algo slice
lands on the first engine step at or after the window end)."""
AUTOMATIC_CLIP_FRACTION = Decimal("0.1")
"""ICEBERG clip with clipSizeType AUTOMATIC (or none): a tenth of the quantity."""


@dataclass(slots=True, eq=False)
class ParentOrder:
    """One Anboto order beside its engine children.

    Attributes:
        order_id: Anboto's int64 id.
        owner: The API key that created it (orders are per key).
        spec: The create request as read.
        created_ts: Simulated time of the create.
        children: Engine order ids, oldest first.
        clip_qty: ICEBERG clip size (base), set at launch.
        cancel_ts: When a cancel was requested.
        expired_ts: When it expired (its `endTime`).
        failure: Why the engine failed it, or None.
        settled: Filled, cancelled, expired or failed: `sync` has nothing more to do.
    """

    order_id: int
    owner: str
    spec: ParentOrderSpec
    created_ts: datetime
    children: list[str] = field(default_factory=list)
    clip_qty: Decimal | None = None
    cancel_ts: datetime | None = None
    expired_ts: datetime | None = None
    failure: str | None = None
    settled: bool = False


@dataclass(frozen=True, slots=True)
class Execution:
    """A parent order's fill totals.

    Attributes:
        filled_qty: Base asset filled.
        notional: Quote asset exchanged.
        last_qty: Base asset of the latest child fill (0 before any).
        last_price: Price of the latest child fill (0 before any).
    """

    filled_qty: Decimal
    notional: Decimal
    last_qty: Decimal
    last_price: Decimal

    @property
    def average_price(self) -> Decimal:
        """Volume-weighted average price, quote per base; 0 before any fill."""
        return self.notional / self.filled_qty if self.filled_qty else Decimal(0)


class ParentOrderBook:
    """Every Anboto order of the emulator, by id and by (key, clientOrderId)."""

    def __init__(self, engine: SandboxEngine, accept_delay_s: float, cancel_delay_s: float) -> None:
        """Start empty.

        Args:
            engine: Works the children (may be shared with other venues).
            accept_delay_s: Simulated seconds of PENDING_NEW.
            cancel_delay_s: Simulated seconds of PENDING_CANCEL.
        """
        self.engine = engine
        self._accept_delay = timedelta(seconds=accept_delay_s)
        self._cancel_delay = timedelta(seconds=cancel_delay_s)
        self._orders: dict[int, ParentOrder] = {}
        self._by_client_id: dict[tuple[str, str], ParentOrder] = {}
        # int64 ids from the wall clock in ms x 1000 plus a sequence: unique across restarts
        # of the sandbox (a desk may have journaled an id), below 2^53 for JSON readers.
        self._next_id = int(time.time() * 1000) * 1000

    # Queries ---------------------------------------------------------------------------------

    def orders(self, owner: str) -> Iterator[ParentOrder]:
        """The key's orders, oldest first."""
        return (order for order in self._orders.values() if order.owner == owner)

    def find(self, owner: str, ref: OrderRef) -> ParentOrder | None:
        """The key's order named by `ref` (orderId preferred, notes §1.8.5), or None."""
        if ref.order_id is not None:
            order = self._orders.get(ref.order_id)
            return order if order is not None and order.owner == owner else None
        assert ref.client_order_id is not None
        return self._by_client_id.get((owner, ref.client_order_id))

    def status(self, order: ParentOrder) -> AnbotoStatus:
        """The order's status now (see the module docstring for the rules)."""
        now = self.engine.clock.now()
        if order.failure is not None:
            return AnbotoStatus.REJECTED
        if order.cancel_ts is not None:
            if now >= order.cancel_ts + self._cancel_delay:
                return AnbotoStatus.CANCELLED
            return AnbotoStatus.PENDING_CANCEL
        if order.expired_ts is not None:
            return AnbotoStatus.EXPIRED
        filled = self.execution(order).filled_qty
        if filled >= order.spec.quantity:
            return AnbotoStatus.FILLED
        if filled > 0:
            return AnbotoStatus.PARTIALLY_FILLED
        if now < order.created_ts + self._accept_delay:
            return AnbotoStatus.PENDING_NEW
        return AnbotoStatus.ACCEPTED

    def execution(self, order: ParentOrder) -> Execution:
        """Fill totals over the order's children."""
        children = self._children(order)
        filled = sum((child.filled_qty for child in children), Decimal(0))
        notional = sum((child.notional for child in children), Decimal(0))
        last_qty = last_price = Decimal(0)
        for child in reversed(children):
            if child.fills:
                last_qty, last_price = child.fills[-1].quantity, child.fills[-1].price
                break
        return Execution(filled, notional, last_qty, last_price)

    # Wire shapes -----------------------------------------------------------------------------

    def summary(
        self,
        order: ParentOrder,
        message: str | None = None,
        status: AnbotoStatus | None = None,
    ) -> dict[str, Any]:
        """`OrderSummary` (6 fields, the doc's order).

        Args:
            order: The order.
            message: The summary's `message` (an expiry or failure reason otherwise).
            status: The status to report instead of the current one (a create answers
                PENDING_NEW, the doc's example, even for a MARKET order filled at once).
        """
        code = None
        if order.failure is not None:
            code, message = ErrorCode.EXCHANGE_ERROR.value, message or order.failure
        elif order.expired_ts is not None:
            code, message = ErrorCode.EXPIRY_REACHED.value, message or "endTime reached"
        return {
            "orderId": order.order_id,
            "clientOrderId": order.spec.client_order_id,
            "status": (status or self.status(order)).value,
            "createdAt": iso_ms(order.created_ts),
            "message": message,
            "errorCode": code,
        }

    def details(self, order: ParentOrder) -> dict[str, Any]:
        """`OrderDetails` (12 fields, the doc's order); numbers exact Decimals."""
        execution = self.execution(order)
        spec = order.spec
        return {
            "orderId": order.order_id,
            "clientOrderId": spec.client_order_id,
            "symbol": spec.symbol,
            "assetClass": spec.asset_class,
            "exchange": spec.exchange,
            "status": self.status(order).value,
            "filledQuantity": execution.filled_qty,
            "leavesQuantity": max(spec.quantity - execution.filled_qty, Decimal(0)),
            "side": spec.side,
            "lastQuantity": execution.last_qty,
            "lastPrice": execution.last_price,
            "averagePrice": execution.average_price,
        }

    # Changes ---------------------------------------------------------------------------------

    def check(self, owner: str, spec: ParentOrderSpec, taken: set[str]) -> None:
        """Refuse what only the book can see: a clientOrderId the key already used (in the
        book or in `taken`, the ids of a batch so far), or an algo window under a second.

        Raises:
            ApiError: 400 INVALID_ORDER.
        """
        cid = spec.client_order_id
        if cid is not None and ((owner, cid) in self._by_client_id or cid in taken):
            raise invalid(f"Duplicate clientOrderId {cid}")
        self._algo_request(spec, self.engine.clock.now())

    def create(self, owner: str, spec: ParentOrderSpec) -> ParentOrder:
        """Record an order and start working it (TWAP/VWAP at once, scheduled by the engine
        when startTime is later; the others now if their start has come).

        Raises:
            ApiError: 400 for a duplicate clientOrderId, or an algo window under a second.
        """
        self.check(owner, spec, set())
        now = self.engine.clock.now()
        algo = self._algo_request(spec, now)
        self._next_id += 1
        order = ParentOrder(self._next_id, owner, spec, now)
        try:
            if algo is not None:
                order.children.append(self.engine.submit(algo).order_id)
        except OrderRefused as exc:
            raise invalid(str(exc)) from None
        self._orders[order.order_id] = order
        if spec.client_order_id is not None:
            self._by_client_id[(owner, spec.client_order_id)] = order
        self._work(order, now)
        return order

    def cancel(self, order: ParentOrder) -> None:
        """Stop the order's children now; it is PENDING_CANCEL, then CANCELLED.

        A second cancel while PENDING_CANCEL changes nothing.

        Raises:
            ApiError: 400 when the order is already terminal.
        """
        status = self.status(order)
        if status in TERMINAL_STATUSES:
            raise invalid(f"Order {order.order_id} is {status.value} and cannot be cancelled")
        if order.cancel_ts is not None:
            return
        self._stop_children(order)
        order.cancel_ts = self.engine.clock.now()
        order.settled = True

    def sync(self) -> None:
        """Apply what time did to every live order: deferred starts, STOP_LOSS triggers,
        ICEBERG clips, engine failures and expiry."""
        now = self.engine.clock.now()
        for order in self._orders.values():
            if not order.settled:
                self._work(order, now)

    # Working ---------------------------------------------------------------------------------

    def _work(self, order: ParentOrder, now: datetime) -> None:
        spec = order.spec
        failed = [child for child in self._children(order) if child.status is SimStatus.FAILED]
        if failed:
            order.failure = failed[0].failure_reason or "Order failed on the exchange"
            self._stop_children(order)
            order.settled = True
            return
        if not order.children and now >= spec.start and now < spec.end:
            trigger = spec.trigger
            if trigger is None or trigger.fired(self.engine.mid_price(spec.pair)):
                self._launch(order)
        if spec.strategy == "ICEBERG" and order.children and now < spec.end:
            self._next_clips(order)
        filled = self.execution(order).filled_qty
        expiry = spec.end + timedelta(seconds=EXPIRY_GRACE_S)
        if filled >= spec.quantity:
            order.settled = True
        elif now >= expiry:
            self._stop_children(order)
            order.expired_ts = spec.end
            order.settled = True

    def _launch(self, order: ParentOrder) -> None:
        spec = order.spec
        if spec.strategy == "ICEBERG":
            order.clip_qty = _clip_qty(spec)
            self._submit(order, Strategy.LIMIT, min(order.clip_qty, spec.quantity))
        elif spec.strategy in ("LIMIT", "MARKET", "STOP_LOSS"):
            limited = spec.limit_price is not None
            self._submit(order, Strategy.LIMIT if limited else Strategy.MARKET, spec.quantity)

    def _next_clips(self, order: ParentOrder) -> None:
        assert order.clip_qty is not None
        while self.engine.get(order.children[-1]).status is SimStatus.COMPLETE:
            remaining = order.spec.quantity - self.execution(order).filled_qty
            if remaining <= 0:
                return
            self._submit(order, Strategy.LIMIT, min(order.clip_qty, remaining))

    def _submit(self, order: ParentOrder, strategy: Strategy, quantity: Decimal) -> None:
        spec = order.spec
        request = OrderRequest(
            pair=spec.pair,
            side=spec.engine_side,
            quantity=quantity,
            strategy=strategy,
            limit_price=spec.limit_price if strategy is Strategy.LIMIT else None,
        )
        order.children.append(self.engine.submit(request).order_id)

    def _stop_children(self, order: ParentOrder) -> None:
        for child in self._children(order):
            if not child.is_terminal:
                self.engine.cancel(child.order_id)

    def _children(self, order: ParentOrder) -> list[SimOrder]:
        return [self.engine.get(child_id) for child_id in order.children]

    @staticmethod
    def _algo_request(spec: ParentOrderSpec, now: datetime) -> OrderRequest | None:
        # TWAP/VWAP: one engine algo over [start, end]; a limitPrice caps (buy) or floors
        # (sell) its slices. Whole seconds, so the engine window never outlasts endTime.
        if spec.strategy not in ("TWAP", "VWAP"):
            return None
        duration_s = int((spec.end - max(spec.start, now)).total_seconds())
        if duration_s < 1:
            raise invalid("The window from startTime to endTime must be at least one second")
        return OrderRequest(
            pair=spec.pair,
            side=spec.engine_side,
            quantity=spec.quantity,
            strategy=Strategy.TWAP if spec.strategy == "TWAP" else Strategy.VWAP,
            limit_price=spec.limit_price,
            start=spec.start if spec.start > now else None,
            duration_s=duration_s,
        )


def _clip_qty(spec: ParentOrderSpec) -> Decimal:
    # ICEBERG clips: ABSOLUTE is base asset, PERCENTAGE a share of the quantity (0-100],
    # AUTOMATIC (or no type) a tenth, but a clipSizeVal without a type is read as ABSOLUTE.
    # Whole lots, at least one lot, at most the quantity.
    value = spec.clip_size_val
    kind = spec.clip_size_type or ("ABSOLUTE" if value is not None else "AUTOMATIC")
    if kind == "ABSOLUTE" and value is not None:
        clip = value
    elif kind == "PERCENTAGE" and value is not None:
        clip = spec.quantity * value / 100
    else:
        clip = spec.quantity * AUTOMATIC_CLIP_FRACTION
    lot = pair_spec(spec.pair).lot
    return min(max(floor_to(clip, lot), lot), spec.quantity)
