"""Working one simulated order: its schedule, its slices, its placements and fills.

An `OrderWorker` is stepped by the engine once per simulated step. TWAP and VWAP trade, at
slice times, whatever their schedule says is due (so a slice blocked by the limit price is
caught up later); POV trades its target share of the market volume seen since its last slice;
a Limit order rests and fills when the market crosses it. Pause stops the schedule; resume
spreads the remaining quantity over the remaining window (no catch-up). Quantities are base
asset, prices quote per base, fees quote asset.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from gui.domain.orders import Amendment, Side, Strategy
from gui.sandbox.market import Market, floor_to
from gui.sandbox.sim_order import (
    WORKING_STATUSES,
    MessageLevel,
    OrderMessage,
    Role,
    SimFill,
    SimOrder,
    SimPlacement,
    SimStatus,
)

SLICES_PER_WINDOW = 120
"""Target number of TWAP/VWAP slices over a window."""
MIN_SLICE_INTERVAL_S = 2.0
"""Shortest time between algo slices, simulated seconds."""
MAX_SLICE_INTERVAL_S = 30.0
"""Longest time between algo slices, simulated seconds."""
POV_SLICE_INTERVAL_S = 5.0
"""POV trades its share of the volume of the steps since its last slice every this many seconds
(rather than every 1 s step) to keep the number of placements readable."""
FINISHER_FRACTION = 0.9
"""An algo enters FINISHER after this share of its window (or of its quantity, open POV)."""
MAKER_FEE_RATE = Decimal("0.0002")
"""Maker fee as a fraction of notional."""
TAKER_FEE_RATE = Decimal("0.0005")
"""Taker fee as a fraction of notional."""
FEE_QUANTUM = Decimal("0.00000001")
"""Fees are rounded to this many quote units."""


def slice_interval_s(duration_s: float) -> float:
    """Seconds between TWAP/VWAP slices for a window of `duration_s` seconds."""
    return min(MAX_SLICE_INTERVAL_S, max(MIN_SLICE_INTERVAL_S, duration_s / SLICES_PER_WINDOW))


def schedule_fraction(strategy: Strategy, elapsed_fraction: float, alpha_tilt: float) -> float:
    """Share of the quantity a schedule has traded once `elapsed_fraction` of its window passed.

    TWAP is linear. VWAP follows a U-shaped intraday-style volume curve whose density is
    `(1 + 3 (2x - 1)^2) / 2` (twice the average at both ends, half in the middle). A positive
    `alpha_tilt` warps time so that both front-load (`x + tilt * x * (1 - x)`).

    Args:
        strategy: TWAP or VWAP.
        elapsed_fraction: In [0, 1].
        alpha_tilt: In [-1, 1].

    Returns:
        The cumulative share in [0, 1], increasing, 0 at 0 and 1 at 1.
    """
    x = elapsed_fraction + alpha_tilt * elapsed_fraction * (1.0 - elapsed_fraction)
    if strategy is Strategy.VWAP:
        return x / 2.0 + ((2.0 * x - 1.0) ** 3 + 1.0) / 4.0
    return x


class OrderWorker:
    """Works one non-terminal order; owned by the engine, which serialises calls to it."""

    def __init__(self, order: SimOrder, rng: random.Random, new_id: Callable[[], str]) -> None:
        """Take charge of an order that was just created.

        Args:
            order: The order, in SCHEDULED or ACTIVE.
            rng: This order's own random source (maker/taker draws).
            new_id: Makes placement and fill ids.
        """
        self.order = order
        self._rng = rng
        self._new_id = new_id
        self._anchor_ts = order.start
        self._anchor_filled = Decimal(0)
        self._next_slice_ts = order.start
        self._volume_since_slice = Decimal(0)
        self._participation_carry = Decimal(0)
        self._limit_blocked = False
        self._resting: SimPlacement | None = None
        self.held = order.request.held
        """Stays SCHEDULED while True (see `SandboxEngine.release`)."""

    # Lifecycle -------------------------------------------------------------------------------

    def activate(self, ts: datetime, market: Market) -> None:
        """Start working at `ts`: ACTIVE, arrival price, schedule anchored at the start."""
        order = self.order
        order.status = SimStatus.ACTIVE
        order.updated_ts = ts
        order.arrival_price = market.mid
        self._anchor_ts, self._anchor_filled = order.start, Decimal(0)
        self._next_slice_ts = ts + self._interval()
        self.log(ts, "INFO", "Order started")

    def execute_simple(self, ts: datetime, market: Market) -> None:
        """Trade a Market, IOC or Limit order at submission against the simulated book; a
        fill-or-kill order that the book cannot fill in full is canceled without fills."""
        order = self.order
        limit = order.limit_price
        if order.request.fill_or_kill and not self._fillable_in_full(market):
            self.finish(SimStatus.CANCELED, ts, market, "Unfillable FOK order canceled")
            return
        role: Role = "maker" if order.strategy is Strategy.LIMIT else "taker"
        touch = market.ask if order.side is Side.BUY else market.bid
        placement = self._place(ts, role, touch if limit is None else limit, order.quantity)
        for level in market.levels(order.side):
            remaining = order.quantity - order.filled_qty
            if remaining <= 0 or (limit is not None and not self._within_limit(level.price)):
                break
            self._fill(placement, min(remaining, level.quantity), level.price, ts, "taker")
        if order.filled_qty >= order.quantity:
            self.finish(SimStatus.COMPLETE, ts, market, "Order execution completed")
        elif order.strategy is Strategy.LIMIT:
            self._resting = placement
        else:
            placement.status = "CANCELED"
            self.finish(SimStatus.CANCELED, ts, market, "Unfilled IOC quantity canceled")

    def step(self, ts: datetime, market: Market) -> None:
        """Advance the order by one market step ending at `ts`."""
        order = self.order
        if order.status is SimStatus.SCHEDULED:
            if self.held or ts < order.start:
                return
            self.activate(ts, market)
        if order.status not in WORKING_STATUSES:
            return
        order.interval_volume += market.volume
        order.interval_notional += market.volume * market.mid
        self._volume_since_slice += market.volume
        if order.strategy is Strategy.LIMIT:
            self._work_resting(ts, market)
        elif order.strategy is Strategy.POV:
            self._work_participation(ts, market)
        else:
            self._work_schedule(ts, market)
        self.update_phase(ts, market)

    def pause(self, ts: datetime) -> None:
        """PAUSED: live placements canceled, no fills until resumed."""
        self.order.status = SimStatus.PAUSED
        self.order.paused_ts = self.order.updated_ts = ts
        self._cancel_resting()
        self.log(ts, "INFO", "Order paused")

    def resume(self, ts: datetime, market: Market) -> None:
        """Back to working; the remaining quantity is spread over the remaining window."""
        self.order.status = SimStatus.ACTIVE
        self.order.resumed_ts = self.order.updated_ts = ts
        self._restart_schedule(ts)
        self.log(ts, "INFO", "Order resumed")
        self.update_phase(ts, market)

    def amend(self, amendment: Amendment, ts: datetime, market: Market) -> None:
        """Apply changes (checked by the engine) and re-plan the rest of the schedule from `ts`;
        a duration counts from the order's start."""
        order = self.order
        changes = [
            f"{name} {value}"
            for name, value in (
                ("quantity", amendment.quantity),
                ("duration", amendment.duration_s),
                ("pov_target", amendment.pov_target),
                ("limit_price", amendment.limit_price),
            )
            if value is not None
        ]
        order.quantity = order.quantity if amendment.quantity is None else amendment.quantity
        if amendment.duration_s is not None:
            order.end = order.start + timedelta(seconds=amendment.duration_s)
        if amendment.pov_target is not None:
            order.pov_target = amendment.pov_target
        if amendment.limit_price is not None:
            order.limit_price = amendment.limit_price
        self._cancel_resting()  # a resting Limit is re-placed at its new price and size
        order.updated_ts = ts
        self.log(ts, "INFO", "Order amended: " + ", ".join(changes))
        self._restart_schedule(ts)
        self.refresh_expected_end(ts, market)
        if order.status is SimStatus.FINISHER and not self._in_finisher(ts):
            order.status = SimStatus.ACTIVE
        if order.status in WORKING_STATUSES:
            self.update_phase(ts, market)

    def refresh_expected_end(self, ts: datetime, market: Market) -> None:
        """Recompute `expected_end` (open-ended POV: from the mean market volume)."""
        order = self.order
        if order.end is not None:
            order.expected_end = order.end
        elif order.is_simple or order.pov_target is None:
            order.expected_end = order.start
        else:
            rate = order.pov_target * market.mean_volume_per_s
            seconds = float(order.remaining_qty / rate) if rate > 0 else 0.0
            order.expected_end = max(ts, order.start) + timedelta(seconds=seconds)

    def update_phase(self, ts: datetime, market: Market) -> None:
        """COMPLETE once filled; FINISHER once in the last portion."""
        order = self.order
        if order.filled_qty >= order.quantity:
            self.finish(SimStatus.COMPLETE, ts, market, "Order execution completed")
        elif order.status is SimStatus.ACTIVE and self._in_finisher(ts):
            order.status = SimStatus.FINISHER
            order.updated_ts = ts
            self.log(ts, "INFO", "Executing the last portion of the order")

    def finish(self, status: SimStatus, ts: datetime, market: Market, text: str) -> None:
        """Move to a terminal status, cancel what rests and record the departure price."""
        order = self.order
        order.status = status
        order.updated_ts = ts
        order.departure_price = market.mid
        self._cancel_resting()
        self.log(ts, "ERROR" if status is SimStatus.FAILED else "INFO", text)

    def log(self, ts: datetime, level: MessageLevel, text: str) -> None:
        """Append a line to the order's log."""
        self.order.messages.append(OrderMessage(ts, level, text))

    # Working ---------------------------------------------------------------------------------

    def _work_schedule(self, ts: datetime, market: Market) -> None:
        order = self.order
        assert order.end is not None, "TWAP/VWAP orders always have a window"
        past_end = ts >= order.end
        if not past_end and ts < self._next_slice_ts:
            return
        while self._next_slice_ts <= ts:
            self._next_slice_ts += self._interval()
        due = self._scheduled_qty(ts) - order.filled_qty
        pov_limit = order.request.pov_limit
        if pov_limit is not None and not past_end:
            due = min(due, pov_limit * self._volume_since_slice)
        self._volume_since_slice = Decimal(0)
        self._trade(due, ts, market)

    def _work_participation(self, ts: datetime, market: Market) -> None:
        order = self.order
        if order.end is not None and ts >= order.end:
            self._trade(order.remaining_qty, ts, market)
            return
        if ts < self._next_slice_ts:
            return
        while self._next_slice_ts <= ts:
            self._next_slice_ts += timedelta(seconds=POV_SLICE_INTERVAL_S)
        assert order.pov_target is not None, "POV orders always have a target"
        rate = order.pov_target
        if order.request.pov_limit is not None:
            rate = min(rate, order.request.pov_limit)
        share = rate * self._volume_since_slice + self._participation_carry
        self._volume_since_slice = Decimal(0)
        quantity = floor_to(share, market.spec.lot)
        # Sub-lot shares carry over; a share blocked by the limit is not caught up (POV).
        self._participation_carry = share - quantity
        self._trade(quantity, ts, market)

    def _work_resting(self, ts: datetime, market: Market) -> None:
        order = self.order
        limit = order.limit_price
        assert limit is not None, "Limit orders always have a limit price"
        if self._resting is None:
            self._resting = self._place(ts, "maker", limit, order.remaining_qty)
        crossed = market.ask <= limit if order.side is Side.BUY else market.bid >= limit
        if crossed:
            quantity = self._tradable(min(order.remaining_qty, market.volume), market)
            if quantity > 0:
                self._fill(self._resting, quantity, limit, ts, "maker")

    def _trade(self, quantity: Decimal, ts: datetime, market: Market) -> None:
        quantity = self._tradable(quantity, market)
        if quantity <= 0:
            return
        priced = self._slice_price(market)
        if priced is None:
            if not self._limit_blocked:
                self.log(ts, "WARN", "Market price is outside the limit price; waiting")
            self._limit_blocked = True
            return
        self._limit_blocked = False
        price, role = priced
        placement = self._place(ts, role, price, quantity)
        self._fill(placement, quantity, price, ts, role)

    def _tradable(self, quantity: Decimal, market: Market) -> Decimal:
        # Whole lots, never more than remains; a sub-lot remainder goes with the last slice.
        remaining = self.order.quantity - self.order.filled_qty
        quantity = min(floor_to(max(quantity, Decimal(0)), market.spec.lot), remaining)
        if remaining - quantity < market.spec.lot:
            return remaining
        return quantity

    def _slice_price(self, market: Market) -> tuple[Decimal, Role] | None:
        maker_probability = 0.2 + 0.7 * float(self.order.request.passiveness)
        drawn: Role = "maker" if self._rng.random() < maker_probability else "taker"
        buying = self.order.side is Side.BUY
        for role in (drawn, "maker") if drawn == "taker" else (drawn,):
            passive = role == "maker"
            price = (
                (market.bid if passive else market.ask)
                if buying
                else (market.ask if passive else market.bid)
            )
            if self._within_limit(price):
                return price, role
        return None

    def _fillable_in_full(self, market: Market) -> bool:
        available = Decimal(0)
        for level in market.levels(self.order.side):
            if not self._within_limit(level.price):
                break
            available += level.quantity
            if available >= self.order.quantity:
                return True
        return False

    def _within_limit(self, price: Decimal) -> bool:
        limit = self.order.limit_price
        if limit is None:
            return True
        return price <= limit if self.order.side is Side.BUY else price >= limit

    def _scheduled_qty(self, ts: datetime) -> Decimal:
        order = self.order
        assert order.end is not None
        window_s = (order.end - order.start).total_seconds()
        elapsed = min(1.0, max(0.0, (ts - order.start).total_seconds() / window_s))
        anchored = min(1.0, max(0.0, (self._anchor_ts - order.start).total_seconds() / window_s))
        if elapsed >= 1.0 or anchored >= 1.0:
            return order.quantity
        tilt = float(order.request.alpha_tilt)
        done = schedule_fraction(order.strategy, elapsed, tilt)
        done_at_anchor = schedule_fraction(order.strategy, anchored, tilt)
        share = Decimal(repr((done - done_at_anchor) / (1.0 - done_at_anchor)))
        return self._anchor_filled + (order.quantity - self._anchor_filled) * share

    def _in_finisher(self, ts: datetime) -> bool:
        order = self.order
        if order.is_simple:
            return False
        if order.end is None:
            return order.filled_qty >= order.quantity * Decimal(repr(FINISHER_FRACTION))
        return ts >= order.start + (order.end - order.start) * FINISHER_FRACTION

    def _restart_schedule(self, ts: datetime) -> None:
        self._anchor_ts, self._anchor_filled = ts, self.order.filled_qty
        self._next_slice_ts = ts + self._interval()
        self._volume_since_slice = Decimal(0)
        self._participation_carry = Decimal(0)
        self._limit_blocked = False

    def _interval(self) -> timedelta:
        order = self.order
        if order.strategy is Strategy.POV:
            return timedelta(seconds=POV_SLICE_INTERVAL_S)
        if order.end is None:
            return timedelta(seconds=MIN_SLICE_INTERVAL_S)
        return timedelta(seconds=slice_interval_s((order.end - order.start).total_seconds()))

    def _place(self, ts: datetime, role: Role, price: Decimal, quantity: Decimal) -> SimPlacement:
        placement = SimPlacement(self._new_id(), ts, role, price, quantity)
        self.order.placements.append(placement)
        return placement

    def _fill(
        self, placement: SimPlacement, quantity: Decimal, price: Decimal, ts: datetime, role: Role
    ) -> None:
        rate = MAKER_FEE_RATE if role == "maker" else TAKER_FEE_RATE
        fee = (quantity * price * rate).quantize(FEE_QUANTUM)
        fill = SimFill(self._new_id(), placement.placement_id, ts, quantity, price, fee, role)
        placement.fills.append(fill)
        order = self.order
        order.fills.append(fill)
        order.filled_qty += quantity
        order.notional += quantity * price
        order.fees += fee
        order.updated_ts = ts
        if placement.filled_qty >= placement.quantity:
            placement.status = "COMPLETE"

    def _cancel_resting(self) -> None:
        if self._resting is not None and self._resting.status == "ACTIVE":
            self._resting.status = "CANCELED"
        self._resting = None
