"""Orders in the field's terms: ticket, order, fill, side, strategy, status and its transitions.

Quantities are base-asset amounts and prices are quote-asset per one base unit, always
`decimal.Decimal`; times are aware UTC `datetime`s. Venue spellings never appear here:
each venue's `parsing.py` translates to and from these types.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from gui.domain.errors import InvalidTransition, TicketInvalid
from gui.domain.options import NO_OPTIONS, OrderOptions


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


class Side(StrEnum):
    """Which way the order trades the base asset."""

    BUY = "buy"
    """Buy the base asset, pay the quote asset."""
    SELL = "sell"
    """Sell the base asset, receive the quote asset."""


class Strategy(StrEnum):
    """How the order is worked: a simple order type or an execution algorithm."""

    MARKET = "Market"
    """Fill at once at the best available prices."""
    LIMIT = "Limit"
    """Rest until the market trades at the limit price or better."""
    IOC = "IOC"
    """Immediate or cancel: fill what crosses the limit now, cancel the rest."""
    TWAP = "TWAP"
    """Time-weighted: slice evenly over the duration."""
    VWAP = "VWAP"
    """Volume-weighted: slice along the expected volume curve over the duration."""
    POV = "POV"
    """Percentage of volume: trade a target fraction of market volume."""


ALGO_STRATEGIES: frozenset[Strategy] = frozenset({Strategy.TWAP, Strategy.VWAP, Strategy.POV})
"""Time-sliced (parent) orders: they have a schedule and can be paused on venues that allow it."""
LIMIT_STRATEGIES: frozenset[Strategy] = frozenset({Strategy.LIMIT, Strategy.IOC})
"""Strategies that need a limit price (algos take one optionally)."""
TIMED_STRATEGIES: frozenset[Strategy] = frozenset({Strategy.TWAP, Strategy.VWAP})
"""Algos that need a duration."""


class TimeInForce(StrEnum):
    """How long a simple order stays working."""

    GTC = "GTC"
    """Good till cancelled."""
    IOC = "IOC"
    """Immediate or cancel."""
    FOK = "FOK"
    """Fill or kill."""


class FillKind(StrEnum):
    """Where a fill in the fills pane comes from."""

    TRADE = "trade"
    """The venue reported this execution itself (a trade or fill record)."""
    DERIVED = "derived"
    """Derived from a rise in the order's filled quantity (venues that report only totals);
    its price is what makes the order's average come out as the venue reports it."""


class OrderStatus(StrEnum):
    """One status vocabulary for every venue (FIX/Nautilus style); venues map into it."""

    PENDING_NEW = "pending new"
    """Journaled and sent; the venue has not answered yet."""
    OUTCOME_UNKNOWN = "outcome unknown"
    """The submit's answer was lost; resolved by looking the order up by client order id."""
    SCHEDULED = "scheduled"
    """Accepted; waiting for its start time or trigger."""
    WORKING = "working"
    """Accepted and working, nothing filled yet."""
    PARTIALLY_FILLED = "partially filled"
    """Working with some quantity filled."""
    PENDING_PAUSE = "pending pause"
    """Pause sent, not yet confirmed."""
    PAUSED = "paused"
    """The venue confirmed the order is paused."""
    PENDING_RESUME = "pending resume"
    """Resume sent, not yet confirmed."""
    PENDING_CANCEL = "pending cancel"
    """Cancel sent, not yet confirmed."""
    PENDING_REPLACE = "pending replace"
    """Amend sent, not yet confirmed."""
    FILLED = "filled"
    """Fully filled (terminal)."""
    CANCELED = "canceled"
    """Cancelled, possibly after partial fills (terminal)."""
    REJECTED = "rejected"
    """The venue refused or failed the order (terminal)."""
    EXPIRED = "expired"
    """Ended by its time in force or window without a full fill (terminal)."""
    UNKNOWN = "unknown"
    """The venue reported a status we do not know; shown as such, never guessed."""


TERMINAL: frozenset[OrderStatus] = frozenset(
    {OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.REJECTED, OrderStatus.EXPIRED}
)
"""Nothing more happens to these orders, except late fills being applied."""

PENDING: frozenset[OrderStatus] = frozenset(
    {
        OrderStatus.PENDING_NEW,
        OrderStatus.PENDING_PAUSE,
        OrderStatus.PENDING_RESUME,
        OrderStatus.PENDING_CANCEL,
        OrderStatus.PENDING_REPLACE,
        OrderStatus.OUTCOME_UNKNOWN,
    }
)
"""A request is in flight or unresolved; buttons wait for the venue's answer."""

WORKING: frozenset[OrderStatus] = frozenset(
    {
        OrderStatus.PENDING_NEW,
        OrderStatus.OUTCOME_UNKNOWN,
        OrderStatus.SCHEDULED,
        OrderStatus.WORKING,
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.PENDING_PAUSE,
        OrderStatus.PAUSED,
        OrderStatus.PENDING_RESUME,
        OrderStatus.PENDING_CANCEL,
        OrderStatus.PENDING_REPLACE,
        OrderStatus.UNKNOWN,
    }
)
"""Not terminal: what the blotter's Working filter shows and the poller watches."""

CANCELLABLE: frozenset[OrderStatus] = frozenset(
    {
        OrderStatus.SCHEDULED,
        OrderStatus.WORKING,
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.PAUSED,
        OrderStatus.PENDING_PAUSE,
        OrderStatus.PENDING_RESUME,
        OrderStatus.PENDING_REPLACE,
        OrderStatus.UNKNOWN,
    }
)
"""A cancel request makes sense (the venue knows the order and it is not done)."""

PAUSABLE: frozenset[OrderStatus] = frozenset({OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED})
"""A pause request makes sense."""

RESUMABLE: frozenset[OrderStatus] = frozenset({OrderStatus.PAUSED})
"""A resume request makes sense."""

_LIVE = frozenset({OrderStatus.SCHEDULED, OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED})
_ENDS = TERMINAL
_S = OrderStatus
_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    _S.PENDING_NEW: _LIVE | _ENDS | {_S.OUTCOME_UNKNOWN, _S.PAUSED, _S.PENDING_CANCEL, _S.UNKNOWN},
    _S.OUTCOME_UNKNOWN: _LIVE | _ENDS | {_S.PAUSED, _S.PENDING_CANCEL, _S.UNKNOWN},
    _S.SCHEDULED: _LIVE
    | _ENDS
    | {_S.PENDING_PAUSE, _S.PAUSED, _S.PENDING_CANCEL, _S.PENDING_REPLACE, _S.UNKNOWN},
    _S.WORKING: _LIVE
    | _ENDS
    | {_S.PENDING_PAUSE, _S.PAUSED, _S.PENDING_CANCEL, _S.PENDING_REPLACE, _S.UNKNOWN},
    # Fills are never undone, so a partially filled order does not go back to plain working.
    _S.PARTIALLY_FILLED: _ENDS
    | {_S.PENDING_PAUSE, _S.PAUSED, _S.PENDING_CANCEL, _S.PENDING_REPLACE, _S.UNKNOWN},
    # A pending state goes forward when confirmed, or back to the live state when refused.
    _S.PENDING_PAUSE: _LIVE | _ENDS | {_S.PAUSED, _S.PENDING_CANCEL, _S.UNKNOWN},
    _S.PAUSED: _LIVE
    | _ENDS
    | {_S.PENDING_RESUME, _S.PENDING_CANCEL, _S.PENDING_REPLACE, _S.UNKNOWN},
    _S.PENDING_RESUME: _LIVE | _ENDS | {_S.PAUSED, _S.PENDING_CANCEL, _S.UNKNOWN},
    _S.PENDING_CANCEL: _LIVE | _ENDS | {_S.PAUSED, _S.UNKNOWN},
    _S.PENDING_REPLACE: _LIVE | _ENDS | {_S.PAUSED, _S.PENDING_CANCEL, _S.UNKNOWN},
    _S.UNKNOWN: _LIVE
    | _ENDS
    | {_S.PAUSED, _S.PENDING_PAUSE, _S.PENDING_RESUME, _S.PENDING_CANCEL, _S.PENDING_REPLACE},
    _S.FILLED: frozenset(),
    _S.CANCELED: frozenset(),
    _S.REJECTED: frozenset(),
    _S.EXPIRED: frozenset(),
}


def can_transition(old: OrderStatus, new: OrderStatus) -> bool:
    """Whether an order may move from `old` to `new` (staying put is always allowed)."""
    return old == new or new in _TRANSITIONS[old]


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution of part of an order.

    Attributes:
        fill_id: The venue's id for this fill, unique per venue; how duplicates are dropped.
        client_order_id: OrderDesk's id of the order filled.
        venue: Venue name (`"treadfi"`, ...).
        pair: Instrument, `BASE-QUOTE`.
        side: Side of the order.
        quantity: Base-asset amount filled.
        price: Quote asset per base unit.
        ts: When the venue says it filled (aware UTC).
        fee: Fee charged, in `fee_asset`, if the venue says.
        fee_asset: Asset of `fee`.
        liquidity: `"maker"`, `"taker"` or `""` when unknown.
        kind: Reported by the venue or derived from its totals.
    """

    fill_id: str
    client_order_id: str
    venue: str
    pair: str
    side: Side
    quantity: Decimal
    price: Decimal
    ts: datetime
    fee: Decimal | None = None
    fee_asset: str = ""
    liquidity: str = ""
    kind: FillKind = FillKind.TRADE

    @property
    def notional(self) -> Decimal:
        """Quote-asset value of the fill."""
        return self.quantity * self.price


def _decimal_or_none(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


def parse_decimal(text: str) -> Decimal | None:
    """Parse a trader-typed number (`"1,250.5"` allowed) to Decimal, or None if it is not one."""
    return _decimal_or_none(text.replace(",", "").replace("_", ""))


MIN_DURATION_S = 60
"""Shortest algo window the desk accepts, in seconds."""
MAX_DURATION_S = 7 * 24 * 3600
"""Longest algo window the desk accepts, in seconds (one week)."""


@dataclass(frozen=True, slots=True)
class OrderTicket:
    """What the trader asks for, before it becomes an order.

    Attributes:
        venue: Venue name the order goes to (`"treadfi"`, ...).
        account: Venue account name (Tread.fi: the account display name).
        pair: `BASE-QUOTE`, e.g. `"BTC-USDT"`.
        side: Buy or sell.
        quantity: Base-asset amount; must be > 0, except 0 for an order sized in the quote
            asset (`quote_quantity`).
        strategy: Order type or algo.
        limit_price: Quote per base unit; required for Limit and IOC, optional cap/floor for algos.
        duration_s: Algo window in seconds; required for TWAP and VWAP, optional for POV.
        pov_target: POV participation as a fraction in (0, 1] (0.1 = 10%); required for POV.
        time_in_force: For simple orders.
        notes: Free text kept with the order.
        options: Post-only, reduce-only, iceberg, stop... (venue permitting).
        quote_quantity: A Market order sized in the quote asset (FIX CashOrderQty), e.g.
            spend 100 USDT; `quantity` is then 0. None for orders sized in the base asset.
    """

    venue: str
    account: str
    pair: str
    side: Side
    quantity: Decimal
    strategy: Strategy
    limit_price: Decimal | None = None
    duration_s: int | None = None
    pov_target: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    notes: str = ""
    options: OrderOptions = NO_OPTIONS
    quote_quantity: Decimal | None = None

    def validation_errors(self) -> dict[str, str]:
        """Every problem with this ticket, as field name -> message a trader understands.

        Returns:
            An empty dict when the ticket may be sent.
        """
        errors: dict[str, str] = {}
        if not self.venue:
            errors["venue"] = "Choose a venue."
        if not self.account:
            errors["account"] = "Choose an account."
        base, dash, quote = self.pair.partition("-")
        if not (dash and base and quote and " " not in self.pair):
            errors["pair"] = "Pair must look like BASE-QUOTE, e.g. BTC-USDT."
        if self.quote_quantity is not None:
            errors.update(self._quote_quantity_errors(self.quote_quantity))
        elif not self.quantity.is_finite() or self.quantity <= 0:
            errors["quantity"] = "Quantity must be greater than zero."
        if self.limit_price is not None and (
            not self.limit_price.is_finite() or self.limit_price <= 0
        ):
            errors["limit_price"] = "Limit price must be greater than zero."
        elif self.limit_price is None and self.strategy in LIMIT_STRATEGIES:
            errors["limit_price"] = f"A {self.strategy} order needs a limit price."
        if self.strategy in TIMED_STRATEGIES and self.duration_s is None:
            errors["duration_s"] = f"A {self.strategy} order needs a duration."
        if self.duration_s is not None and self.strategy in ALGO_STRATEGIES:
            if not MIN_DURATION_S <= self.duration_s <= MAX_DURATION_S:
                errors["duration_s"] = (
                    f"Duration must be between {MIN_DURATION_S // 60} minute and "
                    f"{MAX_DURATION_S // 86400} days."
                )
        if self.strategy == Strategy.POV:
            if self.pov_target is None:
                errors["pov_target"] = "A POV order needs a participation target."
            elif not (0 < self.pov_target <= 1):
                errors["pov_target"] = "Participation target must be above 0% and at most 100%."
        if self.options.post_only and (
            self.strategy not in (Strategy.LIMIT,) or self.time_in_force != TimeInForce.GTC
        ):
            errors["post_only"] = "Post-only needs a Limit order that rests (GTC)."
        if self.options.stop is not None and self.strategy not in (Strategy.MARKET, Strategy.LIMIT):
            errors["stop_price"] = "A stop trigger works with Market and Limit orders only."
        if self.options.short_sale and self.side != Side.SELL:
            errors["short_sale"] = "Only a sell can be a short sale."
        if self.options.start_ts is not None and self.strategy not in ALGO_STRATEGIES:
            errors["start_time"] = "Only an algo (TWAP, VWAP, POV) takes a start time."
        errors.update(self.options.validation_errors(self.quantity))
        return errors

    def _quote_quantity_errors(self, amount: Decimal) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not amount.is_finite() or amount <= 0:
            errors["quote_quantity"] = "Amount must be greater than zero."
        if self.strategy != Strategy.MARKET:
            errors["quote_quantity"] = "Only a Market order can be sized in the quote asset."
        if self.quantity != 0:
            errors["quantity"] = "Give a quantity or an amount, not both."
        return errors

    def validate(self) -> None:
        """Raise if the ticket may not be sent.

        Raises:
            TicketInvalid: With every field's message.
        """
        errors = self.validation_errors()
        if errors:
            raise TicketInvalid(errors)


@dataclass(frozen=True, slots=True)
class Amendment:
    """Changes to a working order; None means unchanged.

    Attributes:
        quantity: New total base-asset quantity (not below what is filled).
        limit_price: New limit price, quote per base unit.
        duration_s: New algo window in seconds, from the original start.
        pov_target: New participation fraction in (0, 1].
    """

    quantity: Decimal | None = None
    limit_price: Decimal | None = None
    duration_s: int | None = None
    pov_target: Decimal | None = None

    def is_empty(self) -> bool:
        """True when nothing would change."""
        return all(
            value is None
            for value in (self.quantity, self.limit_price, self.duration_s, self.pov_target)
        )


class LegPurpose(StrEnum):
    """Why a leg (one venue order working part of an order) was started."""

    NEW = "new"
    """The order's first venue order, sent on submit under the order's own client order id."""
    RESUME = "resume"
    """Sent on a synthetic resume for what remained when the order was paused."""
    REPLACE = "replace"
    """Sent by a cancel/replace amend for the remainder, with the amended terms."""


class LegEnd(StrEnum):
    """Why the desk is cancelling a leg while the order itself goes on."""

    PAUSE = "pause"
    """Synthetic pause: once the venue confirms the leg ended, the order is PAUSED."""
    REPLACE = "replace"
    """Cancel/replace amend: once the venue confirms, a new leg takes the remainder."""


@dataclass(frozen=True, slots=True)
class Leg:
    """One venue order that works part of an `Order` (synthetic pause, cancel/replace).

    The trader sees one order (one blotter row, keyed by the order's client order id); on
    a venue without native pause or amend the desk works it by successive legs: the first
    under the order's own client order id, each later one under a new id linked to it.
    Quantities are base asset, prices quote per base unit.

    Attributes:
        client_order_id: The id this venue order was sent with.
        number: 1 for the first leg, then 2, 3...
        purpose: Why it was started.
        quantity: Base-asset quantity this venue order was sent for (the order's remainder
            at the time).
        status: The leg's own status as the venue last reported it (PENDING_NEW until the
            venue answers; terminal once it ended).
        venue_order_id: The venue's id once it answered.
        filled_qty: Base quantity this leg filled.
        avg_fill_px: This leg's average fill price, None before its first fill.
        filled_notional: Quote amount this leg filled, when the venue reports it.
        ending: Set while the desk cancels this leg to pause or replace the order.
        created_ts: When the desk started the leg (aware UTC).
        reason: The venue's refusal or failure text for this leg, "" if none.
    """

    client_order_id: str
    number: int
    purpose: LegPurpose
    quantity: Decimal
    status: OrderStatus
    venue_order_id: str | None = None
    filled_qty: Decimal = Decimal(0)
    avg_fill_px: Decimal | None = None
    filled_notional: Decimal | None = None
    ending: LegEnd | None = None
    created_ts: datetime = field(default_factory=utc_now)
    reason: str = ""

    @property
    def notional(self) -> Decimal:
        """Quote amount filled: `filled_notional` when known, else average x quantity."""
        if self.filled_notional is not None:
            return self.filled_notional
        return self.filled_qty * (self.avg_fill_px or Decimal(0))

    @property
    def has_ended(self) -> bool:
        """True once nothing of this leg works at the venue (terminal status)."""
        return self.status in TERMINAL


@dataclass(frozen=True, slots=True)
class Order:
    """One order as OrderDesk knows it; immutable, replaced on every change.

    Attributes:
        client_order_id: OrderDesk's id, unique, valid for the venue; the blotter's row key.
        venue: Venue name.
        account: Venue account name.
        pair: `BASE-QUOTE`.
        side: Buy or sell.
        strategy: Order type or algo.
        quantity: Total base-asset quantity.
        status: Current status, moved only through `with_status` (checked transitions).
        created_ts: When OrderDesk created it (aware UTC).
        updated_ts: Last change OrderDesk saw (aware UTC).
        limit_price: Quote per base unit, if any.
        duration_s: Algo window in seconds, if any.
        pov_target: Participation fraction, if any.
        time_in_force: For simple orders.
        notes: Free text.
        options: Options the order was sent with.
        venue_order_id: The venue's id once it answered.
        filled_qty: Base-asset quantity filled so far.
        avg_fill_px: Volume-weighted average fill price, None before the first fill.
        start_ts: Algo schedule start (aware UTC), if known.
        end_ts: Algo schedule end (aware UTC), if known.
        pauses: Paused spans as (start, end or None while still paused), oldest first.
        reason: Last rejection or failure text from the venue, "" if none.
        quote_quantity: Quote-asset size of a Market order sized in the quote asset (then
            `quantity` is 0 until the venue reports the base quantity), else None.
        filled_notional: Quote-asset amount filled so far, when the venue reports it (DFX
            `tradeAmount`); None otherwise (use `avg_fill_px * filled_qty`).
        legs: The venue orders that worked it, oldest first, the last one current. Empty
            while the order is worked by one venue order under its own client order id
            (the usual case, and every order on a venue with native pause and amend); set
            from the first synthetic pause or cancel/replace amend on. `filled_qty` and
            `avg_fill_px` are then totals over all legs, `venue_order_id` is the current
            leg's (None while a new leg awaits the venue's answer), and `quantity` stays
            the order's total. The blotter shows `leg_count` and, when
            `is_between_legs`, that nothing is working at the venue.
        pinned: The trader pinned it: bulk cancel and the kill switch skip it unless
            they are told to include pinned orders (issue 6 §6). A desk-side flag: never
            sent to the venue, kept across the venue's reports.
    """

    client_order_id: str
    venue: str
    account: str
    pair: str
    side: Side
    strategy: Strategy
    quantity: Decimal
    status: OrderStatus
    created_ts: datetime
    updated_ts: datetime
    limit_price: Decimal | None = None
    duration_s: int | None = None
    pov_target: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    notes: str = ""
    options: OrderOptions = NO_OPTIONS
    venue_order_id: str | None = None
    filled_qty: Decimal = Decimal(0)
    avg_fill_px: Decimal | None = None
    start_ts: datetime | None = None
    end_ts: datetime | None = None
    pauses: tuple[tuple[datetime, datetime | None], ...] = field(default=())
    reason: str = ""
    quote_quantity: Decimal | None = None
    filled_notional: Decimal | None = None
    legs: tuple[Leg, ...] = field(default=())
    pinned: bool = False

    @classmethod
    def from_ticket(
        cls, ticket: OrderTicket, client_order_id: str, now: datetime | None = None
    ) -> Order:
        """A new order in PENDING_NEW for a ticket about to be sent."""
        ts = now if now is not None else utc_now()
        return cls(
            client_order_id=client_order_id,
            venue=ticket.venue,
            account=ticket.account,
            pair=ticket.pair,
            side=ticket.side,
            strategy=ticket.strategy,
            quantity=ticket.quantity,
            status=OrderStatus.PENDING_NEW,
            created_ts=ts,
            updated_ts=ts,
            limit_price=ticket.limit_price,
            duration_s=ticket.duration_s,
            pov_target=ticket.pov_target,
            time_in_force=ticket.time_in_force,
            notes=ticket.notes,
            options=ticket.options,
            quote_quantity=ticket.quote_quantity,
        )

    @property
    def leaves_qty(self) -> Decimal:
        """Base-asset quantity still to fill (zero once terminal)."""
        if self.status in TERMINAL:
            return Decimal(0)
        return max(self.quantity - self.filled_qty, Decimal(0))

    @property
    def fill_fraction(self) -> Decimal:
        """Filled share of the quantity in [0, 1] (of the quote amount for quote-sized orders)."""
        if self.quote_quantity is not None and self.quantity <= 0:
            if self.quote_quantity <= 0:
                return Decimal(0)
            spent = self.filled_notional
            if spent is None:
                spent = self.filled_qty * (self.avg_fill_px or Decimal(0))
            return min(spent / self.quote_quantity, Decimal(1))
        if self.quantity <= 0:
            return Decimal(0)
        return min(self.filled_qty / self.quantity, Decimal(1))

    @property
    def is_terminal(self) -> bool:
        """True once nothing more happens to the order."""
        return self.status in TERMINAL

    @property
    def current_leg(self) -> Leg | None:
        """The leg working now (or last), None while the order has a single venue order."""
        return self.legs[-1] if self.legs else None

    @property
    def leg_count(self) -> int:
        """How many venue orders have worked this order (1 unless paused or replaced
        synthetically)."""
        return max(1, len(self.legs))

    @property
    def is_between_legs(self) -> bool:
        """True while the order goes on but nothing of it works at the venue: synthetically
        paused, or between the cancel and the new leg of a cancel/replace."""
        leg = self.current_leg
        return leg is not None and leg.has_ended and self.status not in TERMINAL

    def with_status(self, status: OrderStatus, ts: datetime | None = None) -> Order:
        """This order moved to `status`, with paused spans kept up to date.

        Raises:
            InvalidTransition: The state machine forbids the move.
        """
        if status == self.status:
            return self
        if not can_transition(self.status, status):
            raise InvalidTransition(self.client_order_id, self.status, status)
        when = ts if ts is not None else utc_now()
        pauses = self.pauses
        if status == OrderStatus.PAUSED and (not pauses or pauses[-1][1] is not None):
            pauses = (*pauses, (when, None))
        elif (
            self.status in (OrderStatus.PAUSED, OrderStatus.PENDING_RESUME)
            and status not in (OrderStatus.PAUSED, OrderStatus.PENDING_RESUME)
            and pauses
            and pauses[-1][1] is None
        ):
            pauses = (*pauses[:-1], (pauses[-1][0], when))
        return dataclasses.replace(self, status=status, pauses=pauses, updated_ts=when)
