"""The sandbox's simulated market and execution engine, shared by every venue emulator.

Venue-neutral: emulators translate their wire requests into `OrderRequest`s and render
`SimOrder`s in their venue's spelling. The engine is lazy: every public call first steps the
simulated markets and the working orders from the last step up to `clock.now()`, in fixed
`STEP_S` steps (coarser when the gap is huge), so the same seed and the same clock moves give
the same fills. Quantities are base asset, prices quote per base, fees quote asset, all
`Decimal`; times aware UTC. The clocks (`Clock`, `ScaledClock`, `ManualClock`) live in
`gui.sandbox.market` and are re-exported here.
"""

from __future__ import annotations

import random
import threading
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from gui.domain.orders import Amendment, Strategy
from gui.sandbox.execution import OrderWorker
from gui.sandbox.market import Clock, ManualClock, Market, ScaledClock
from gui.sandbox.sim_order import (
    AMENDABLE_STATUSES,
    PAUSABLE_STATUSES,
    SIMPLE_STRATEGIES,
    TERMINAL_STATUSES,
    EngineError,
    OrderRefused,
    OrderRequest,
    SimFill,
    SimOrder,
    SimPlacement,
    SimStatus,
    UnknownOrder,
)

__all__ = [
    "MAX_STEPS_PER_ADVANCE",
    "STEP_S",
    "TERMINAL_STATUSES",
    "Clock",
    "EngineError",
    "ManualClock",
    "OrderRefused",
    "OrderRequest",
    "SandboxEngine",
    "ScaledClock",
    "SimFill",
    "SimOrder",
    "SimPlacement",
    "SimStatus",
    "UnknownOrder",
]

STEP_S = 1.0
"""Simulated seconds per market step."""
MAX_STEPS_PER_ADVANCE = 20_000
"""Most steps one catch-up takes; a longer gap is covered in proportionally longer steps."""


class SandboxEngine:
    """Simulated markets (one per pair, created on first use) and the orders worked on them.

    Thread-safe: every public method holds one lock, so emulators in other threads may share
    an engine. The `SimOrder`s returned are the engine's own objects: read them, never write.

    Attributes:
        clock: Where simulated time comes from.
        seed: Seed of every random source (market paths, maker/taker draws).
    """

    def __init__(self, seed: int = 0, clock: Clock | None = None) -> None:
        """Create an empty engine.

        Args:
            seed: Same seed and same clock moves give the same prices and fills.
            clock: Simulated time; defaults to `ScaledClock(1.0)` (real time).
        """
        self.seed = seed
        self.clock: Clock = clock if clock is not None else ScaledClock(1.0)
        self._lock = threading.RLock()
        self._stepped_to = self.clock.now()
        self._markets: dict[str, Market] = {}
        self._orders: dict[str, SimOrder] = {}
        self._workers: dict[str, OrderWorker] = {}
        self._submitted_count = 0

    def advance(self) -> None:
        """Step markets and orders up to `clock.now()` (every other method does this first)."""
        with self._lock:
            self._advance()

    def mid_price(self, pair: str) -> Decimal:
        """Current mid of `pair` (market created on first use), quote per base."""
        with self._lock:
            self._advance()
            return self._market(pair).mid

    def best_bid_ask(self, pair: str) -> tuple[Decimal, Decimal]:
        """Current (best bid, best ask) of `pair`, quote per base."""
        with self._lock:
            self._advance()
            market = self._market(pair)
            return market.bid, market.ask

    def submit(self, request: OrderRequest) -> SimOrder:
        """Accept an order and start working it.

        Market and IOC orders trade at once against the simulated book (IOC: the unfilled rest
        is canceled; fill-or-kill: the whole quantity or nothing, then canceled); a Limit order
        trades what is marketable and rests; algos start now, or stay SCHEDULED until
        `request.start` (or until released when `request.held`).

        Returns:
            The new order.

        Raises:
            OrderRefused: The request is incomplete or inconsistent.
        """
        _check_request(request)
        with self._lock:
            self._advance()
            now = self.clock.now()
            market = self._market(request.pair)
            simple = request.strategy in SIMPLE_STRATEGIES
            start = now
            if not simple and request.start is not None and request.start > now:
                start = request.start
            later = start > now
            end = None
            if not simple and request.duration_s is not None:
                end = start + timedelta(seconds=request.duration_s)
            order = SimOrder(
                order_id=self._new_id(),
                request=request,
                created_ts=now,
                updated_ts=now,
                status=SimStatus.SCHEDULED,
                quantity=request.quantity,
                limit_price=request.limit_price,
                pov_target=request.pov_target,
                start=start,
                end=end,
                original_end=end,
                expected_end=start,
            )
            self._submitted_count += 1
            rng = random.Random(f"{self.seed}:order:{self._submitted_count}")
            worker = OrderWorker(order, rng, self._new_id)
            self._orders[order.order_id] = order
            self._workers[order.order_id] = worker
            if simple:
                worker.activate(now, market)
                worker.execute_simple(now, market)
            else:
                worker.log(now, "INFO", "Generating execution schedule")
                if request.held:
                    worker.log(now, "INFO", "Waiting for the order condition")
                elif later:
                    worker.log(
                        now, "INFO", f"Order scheduled to start at {start:%Y-%m-%d %H:%M:%S} UTC"
                    )
                else:
                    worker.activate(now, market)
            worker.refresh_expected_end(now, market)
            self._retire_if_done(worker)
            return order

    def get(self, order_id: str) -> SimOrder:
        """One order.

        Raises:
            UnknownOrder: No order has this id.
        """
        with self._lock:
            self._advance()
            return self._order(order_id)

    def orders(self) -> list[SimOrder]:
        """Every order, oldest first."""
        with self._lock:
            self._advance()
            return list(self._orders.values())

    def cancel(self, order_id: str) -> bool:
        """Cancel an order and its live placements.

        Returns:
            True if it was canceled now, False if it already was.

        Raises:
            UnknownOrder: No order has this id.
            OrderRefused: It is COMPLETE or FAILED.
        """
        with self._lock:
            self._advance()
            order = self._order(order_id)
            if order.status is SimStatus.CANCELED:
                return False
            if order.is_terminal:
                raise OrderRefused(f"Order is {order.status}")
            worker = self._workers[order_id]
            worker.finish(
                SimStatus.CANCELED, self.clock.now(), self._market(order.pair), "Order canceled"
            )
            self._retire_if_done(worker)
            return True

    def pause(self, order_id: str) -> SimOrder:
        """Stop an ACTIVE or FINISHER order's schedule and cancel its live placements.

        Raises:
            UnknownOrder: No order has this id.
            OrderRefused: It is not working.
        """
        with self._lock:
            self._advance()
            order = self._order(order_id)
            if order.status not in PAUSABLE_STATUSES:
                raise OrderRefused("Order is not running")
            self._workers[order_id].pause(self.clock.now())
            return order

    def resume(self, order_id: str) -> SimOrder:
        """Resume a PAUSED order without catch-up: the rest is spread over the rest of its
        window; resumed after its end, it finishes the rest at once.

        Raises:
            UnknownOrder: No order has this id.
            OrderRefused: It is not paused.
        """
        with self._lock:
            self._advance()
            order = self._order(order_id)
            if order.status is not SimStatus.PAUSED:
                raise OrderRefused("Order is not paused")
            worker = self._workers[order_id]
            worker.resume(self.clock.now(), self._market(order.pair))
            self._retire_if_done(worker)
            return order

    def amend(self, order_id: str, amendment: Amendment) -> SimOrder:
        """Change quantity (base, not below filled), duration (seconds from the start, ending in
        the future), POV target or limit price; the schedule is re-planned from now.

        Raises:
            UnknownOrder: No order has this id.
            OrderRefused: The order is terminal or a change is not allowed.
        """
        with self._lock:
            self._advance()
            order = self._order(order_id)
            if order.status not in AMENDABLE_STATUSES:
                raise OrderRefused(f"Order is {order.status}")
            now = self.clock.now()
            _check_amendment(order, amendment, now)
            worker = self._workers[order_id]
            worker.amend(amendment, now, self._market(order.pair))
            self._retire_if_done(worker)
            return order

    def release(self, order_id: str) -> SimOrder:
        """Start a held order now (its condition triggered); its window starts now.

        Raises:
            UnknownOrder: No order has this id.
            OrderRefused: It is not a held, still scheduled order.
        """
        with self._lock:
            self._advance()
            order = self._order(order_id)
            worker = self._workers.get(order_id)
            if worker is None or not worker.held or order.status is not SimStatus.SCHEDULED:
                raise OrderRefused("Order is not waiting for a condition")
            now = self.clock.now()
            worker.held = False
            if order.end is not None:
                order.end = order.original_end = now + (order.end - order.start)
            order.start = now
            market = self._market(order.pair)
            worker.activate(now, market)
            worker.refresh_expected_end(now, market)
            return order

    def fail(self, order_id: str, reason: str) -> SimOrder:
        """Fail a live order (fault injection): FAILED with `reason`, logged as an ERROR.

        Raises:
            UnknownOrder: No order has this id.
            OrderRefused: It is already terminal.
        """
        with self._lock:
            self._advance()
            order = self._order(order_id)
            if order.is_terminal:
                raise OrderRefused(f"Order is {order.status}")
            order.failure_reason = reason
            worker = self._workers[order_id]
            worker.finish(SimStatus.FAILED, self.clock.now(), self._market(order.pair), reason)
            self._retire_if_done(worker)
            return order

    def _advance(self) -> None:
        gap_s = (self.clock.now() - self._stepped_to).total_seconds()
        steps = int(gap_s // STEP_S)
        if steps <= 0:
            return
        step_s = STEP_S
        if steps > MAX_STEPS_PER_ADVANCE:
            steps, step_s = MAX_STEPS_PER_ADVANCE, gap_s / MAX_STEPS_PER_ADVANCE
        for _ in range(steps):
            self._stepped_to += timedelta(seconds=step_s)
            for market in self._markets.values():
                market.step(step_s)
            for worker in list(self._workers.values()):
                worker.step(self._stepped_to, self._markets[worker.order.pair])
                self._retire_if_done(worker)

    def _market(self, pair: str) -> Market:
        market = self._markets.get(pair)
        if market is None:
            market = self._markets[pair] = Market(pair, self.seed)
        return market

    def _order(self, order_id: str) -> SimOrder:
        try:
            return self._orders[order_id]
        except KeyError:
            raise UnknownOrder(f"No order {order_id}") from None

    def _retire_if_done(self, worker: OrderWorker) -> None:
        if worker.order.is_terminal:
            self._workers.pop(worker.order.order_id, None)

    @staticmethod
    def _new_id() -> str:
        # Random (not seeded) on purpose: a restarted sandbox must never reuse an id the
        # desk has journaled. Determinism covers prices, quantities, times and roles.
        return str(uuid.uuid4())


def _check_request(request: OrderRequest) -> None:
    if not request.quantity.is_finite() or request.quantity <= 0:
        raise OrderRefused("Quantity must be a positive number")
    if request.limit_price is not None and (
        not request.limit_price.is_finite() or request.limit_price <= 0
    ):
        raise OrderRefused("Limit price must be a positive number")
    if request.strategy is Strategy.LIMIT and request.limit_price is None:
        raise OrderRefused("A Limit order needs a limit price")
    if request.strategy in (Strategy.TWAP, Strategy.VWAP) and not request.duration_s:
        raise OrderRefused(f"A {request.strategy} order needs a duration")
    if request.fill_or_kill and request.strategy not in (Strategy.MARKET, Strategy.IOC):
        raise OrderRefused("Fill-or-kill applies to Market and IOC orders only")
    if request.duration_s is not None and request.duration_s <= 0:
        raise OrderRefused("Duration must be a positive number of seconds")
    if request.strategy is Strategy.POV and (
        request.pov_target is None or not 0 < request.pov_target <= 1
    ):
        raise OrderRefused("A POV order needs a pov_target in (0, 1]")


def _check_amendment(order: SimOrder, amendment: Amendment, now: datetime) -> None:
    if amendment.quantity is not None and amendment.quantity < order.filled_qty:
        raise OrderRefused("Quantity cannot be below the filled quantity")
    if amendment.duration_s is not None:
        if order.is_simple:
            raise OrderRefused("Duration applies to algorithmic orders only")
        if order.start + timedelta(seconds=amendment.duration_s) <= now:
            raise OrderRefused("Duration must extend past the elapsed time")
    if amendment.pov_target is not None:
        if order.strategy is not Strategy.POV:
            raise OrderRefused("pov_target applies to participation orders only")
        if not 0 < amendment.pov_target <= 1:
            raise OrderRefused("pov_target must be in (0, 1]")
    if amendment.limit_price is not None and amendment.limit_price <= 0:
        raise OrderRefused("Limit price must be a positive number")
