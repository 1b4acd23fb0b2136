"""The simulated engine's orders: request, lifecycle status, placements, fills and messages.

Venue-neutral: each emulator renders these in its venue's spelling. Quantities are base asset,
prices quote asset per base unit, fees quote asset, all `Decimal`; times aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from gui.domain.orders import Side, Strategy


class SimStatus(StrEnum):
    """Lifecycle of a simulated order."""

    SCHEDULED = "SCHEDULED"
    """Accepted; waiting for its start time (or to be released, for held orders)."""
    ACTIVE = "ACTIVE"
    """Working: resting (limit) or slicing its schedule (algos)."""
    FINISHER = "FINISHER"
    """An algo working its last portion (the last 10% of its window or quantity)."""
    PAUSED = "PAUSED"
    """Paused: no fills until resumed; live placements were canceled."""
    COMPLETE = "COMPLETE"
    """Fully filled (terminal)."""
    CANCELED = "CANCELED"
    """Canceled, possibly after partial fills (terminal); also an IOC's unfilled rest."""
    FAILED = "FAILED"
    """Failed with a reason (terminal)."""


TERMINAL_STATUSES: frozenset[SimStatus] = frozenset(
    {SimStatus.COMPLETE, SimStatus.CANCELED, SimStatus.FAILED}
)
"""Nothing more happens to these orders."""
WORKING_STATUSES: frozenset[SimStatus] = frozenset({SimStatus.ACTIVE, SimStatus.FINISHER})
"""Orders that can fill right now."""
PAUSABLE_STATUSES: frozenset[SimStatus] = WORKING_STATUSES
"""Statuses `SandboxEngine.pause` accepts (an emulator may accept fewer)."""
AMENDABLE_STATUSES: frozenset[SimStatus] = frozenset(
    {SimStatus.SCHEDULED, SimStatus.ACTIVE, SimStatus.FINISHER, SimStatus.PAUSED}
)
"""Statuses `SandboxEngine.amend` accepts."""

SIMPLE_STRATEGIES: frozenset[Strategy] = frozenset({Strategy.MARKET, Strategy.LIMIT, Strategy.IOC})
"""Strategies worked as one exchange order rather than a schedule of slices."""

Role = Literal["maker", "taker"]
"""Liquidity role of a fill or placement."""
MessageLevel = Literal["INFO", "WARN", "ERROR"]
"""Severity of an order message."""


class EngineError(Exception):
    """Base of the engine's refusals; the message is meant for the API caller."""


class UnknownOrder(EngineError, KeyError):
    """No order has this id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown order"


class OrderRefused(EngineError):
    """The order's state or the requested change does not allow the action."""


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """What to work.

    Attributes:
        pair: `BASE-QUOTE` (or `BASE:VARIANT-QUOTE`).
        side: Buy or sell the base asset.
        quantity: Base-asset amount, > 0.
        strategy: MARKET, LIMIT, IOC, TWAP, VWAP or POV.
        limit_price: Quote per base; required for LIMIT, optional for IOC (none = market) and
            a cap (buy) or floor (sell) on algo slices.
        start: When an algo starts (aware UTC); None or past = now. Ignored by simple orders.
        duration_s: Algo window in seconds; required for TWAP/VWAP, optional for POV.
        pov_target: POV participation as a fraction of market volume in (0, 1].
        pov_limit: Cap on any algo's participation, fraction in (0, 1].
        passiveness: In [0, 1]; higher means more maker fills.
        alpha_tilt: In [-1, 1]; positive front-loads a TWAP/VWAP schedule, negative back-loads.
        held: Stay SCHEDULED until `SandboxEngine.release` (a conditional order's trigger).
        fill_or_kill: MARKET and IOC only: trade the whole quantity at submission or nothing
            (the order is then CANCELED without fills).
    """

    pair: str
    side: Side
    quantity: Decimal
    strategy: Strategy
    limit_price: Decimal | None = None
    start: datetime | None = None
    duration_s: int | None = None
    pov_target: Decimal | None = None
    pov_limit: Decimal | None = None
    passiveness: Decimal = Decimal("0.02")
    alpha_tilt: Decimal = Decimal(0)
    held: bool = False
    fill_or_kill: bool = False


@dataclass(slots=True)
class SimFill:
    """One execution.

    Attributes:
        fill_id: UUID string, unique.
        placement_id: The placement (child order) that filled.
        ts: When it filled (aware UTC, simulated).
        quantity: Base asset.
        price: Quote per base.
        fee: Quote asset.
        role: Maker or taker.
    """

    fill_id: str
    placement_id: str
    ts: datetime
    quantity: Decimal
    price: Decimal
    fee: Decimal
    role: Role

    @property
    def notional(self) -> Decimal:
        """Quote-asset value of the fill."""
        return self.quantity * self.price


@dataclass(slots=True)
class SimPlacement:
    """One child order sent to the simulated exchange.

    Attributes:
        placement_id: UUID string.
        created_ts: When it was placed (aware UTC).
        role: Maker (resting) or taker (crossing).
        price: Its price, quote per base.
        quantity: Its size, base asset.
        status: `"ACTIVE"`, `"COMPLETE"` or `"CANCELED"`.
        fills: Its fills, oldest first.
    """

    placement_id: str
    created_ts: datetime
    role: Role
    price: Decimal
    quantity: Decimal
    status: str = "ACTIVE"
    fills: list[SimFill] = field(default_factory=list)

    @property
    def filled_qty(self) -> Decimal:
        """Base asset filled on this placement."""
        return sum((fill.quantity for fill in self.fills), Decimal(0))


@dataclass(frozen=True, slots=True)
class OrderMessage:
    """One line of an order's log.

    Attributes:
        ts: When (aware UTC, simulated).
        level: INFO, WARN or ERROR.
        text: The message.
    """

    ts: datetime
    level: MessageLevel
    text: str


@dataclass(slots=True, eq=False)
class SimOrder:
    """An order inside the engine. Owned and mutated by the engine; callers only read it.

    Attributes:
        order_id: UUID string.
        request: What was asked, as submitted.
        created_ts: When it was submitted (aware UTC).
        updated_ts: Last change.
        status: Lifecycle status.
        quantity: Current total base-asset quantity (amend may change it).
        limit_price: Current limit, quote per base, or None.
        pov_target: Current participation fraction, or None.
        start: When it started or starts working.
        end: End of the algo window, None for simple orders and open-ended POV.
        original_end: `end` as first set, before any amend.
        expected_end: `end`, or for open-ended POV an estimate from the mean market volume, or
            `start` for simple orders.
        fills: All fills, oldest first.
        placements: All placements, oldest first.
        messages: The order's log, oldest first.
        filled_qty: Base asset filled.
        notional: Quote asset exchanged.
        fees: Quote asset paid.
        paused_ts: Last pause.
        resumed_ts: Last resume.
        failure_reason: Why it failed, "" otherwise.
        arrival_price: Market mid when it started working.
        departure_price: Market mid when it ended.
        interval_volume: Market volume (base) traded while it was working.
        interval_notional: Market notional (quote) traded while it was working.
    """

    order_id: str
    request: OrderRequest
    created_ts: datetime
    updated_ts: datetime
    status: SimStatus
    quantity: Decimal
    limit_price: Decimal | None
    pov_target: Decimal | None
    start: datetime
    end: datetime | None
    original_end: datetime | None
    expected_end: datetime
    fills: list[SimFill] = field(default_factory=list)
    placements: list[SimPlacement] = field(default_factory=list)
    messages: list[OrderMessage] = field(default_factory=list)
    filled_qty: Decimal = Decimal(0)
    notional: Decimal = Decimal(0)
    fees: Decimal = Decimal(0)
    paused_ts: datetime | None = None
    resumed_ts: datetime | None = None
    failure_reason: str = ""
    arrival_price: Decimal | None = None
    departure_price: Decimal | None = None
    interval_volume: Decimal = Decimal(0)
    interval_notional: Decimal = Decimal(0)

    @property
    def pair(self) -> str:
        """`BASE-QUOTE`."""
        return self.request.pair

    @property
    def side(self) -> Side:
        """Buy or sell."""
        return self.request.side

    @property
    def strategy(self) -> Strategy:
        """How it is worked."""
        return self.request.strategy

    @property
    def is_simple(self) -> bool:
        """True for Market, Limit and IOC."""
        return self.request.strategy in SIMPLE_STRATEGIES

    @property
    def is_terminal(self) -> bool:
        """True once COMPLETE, CANCELED or FAILED."""
        return self.status in TERMINAL_STATUSES

    @property
    def remaining_qty(self) -> Decimal:
        """Base asset still to fill (zero once terminal)."""
        if self.is_terminal:
            return Decimal(0)
        return max(self.quantity - self.filled_qty, Decimal(0))

    @property
    def avg_price(self) -> Decimal | None:
        """Volume-weighted average fill price, quote per base; None before the first fill."""
        if self.filled_qty == 0:
            return None
        return self.notional / self.filled_qty

    @property
    def market_vwap(self) -> Decimal | None:
        """The market's VWAP while the order worked, quote per base; None before any volume."""
        if self.interval_volume == 0:
            return None
        return self.interval_notional / self.interval_volume
