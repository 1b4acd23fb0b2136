"""Tread.fi wire models <-> domain types: the one place the two spellings meet.

Statuses map through `STATUS_MAP` (notes §4.8, §7.10), strategies through names or
instance UUIDs (§4.3, §7.6-7.7), pairs from `BASE/QUOTE` to `BASE-QUOTE` (§7.33).

Quantities (notes §4.2, §7.32). The domain is base-sized, Tread.fi tracks progress in the
order's *target token*. OrderDesk submits base-sized orders (`base_asset_qty`), so
`target_token` is the base and `target_order_qty`/`target_executed_qty` are taken as is.
An order sized in the quote asset (placed elsewhere, e.g. in the Tread.fi UI) is converted
as well as the venue allows, never guessed beyond that:

* filled base = `executed_buy_qty` (buys), else `executed_notional / average price` (the
  venue's aggregates), else the sum of the fills carried (a list may be partial), else 0;
* total base = the order's own base amount (`buy_token_amount` for buys,
  `sell_token_amount` for sells), else quote target / average fill price, else quote
  target / limit price (the doc's own estimate, 201 example), else 0 (unknown);
* whether a COMPLETE order is FILLED or EXPIRED is decided in target-token units, the
  venue's own measure, so no conversion error can flip it.

When `target_token` is absent, the target follows from which amount is set (201 table:
`buy_token_amount`, "if set, order targets this quantity instead of sell_token_amount").
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from gui.domain.errors import UnsupportedAction
from gui.domain.orders import (
    ALGO_STRATEGIES,
    Amendment,
    OrderStatus,
    OrderTicket,
    Side,
    Strategy,
    TimeInForce,
)
from gui.venues.base import FillReport, OrderReport
from gui.venues.treadfi import wire
from gui.venues.treadfi.config import VENUE

logger = logging.getLogger(__name__)

_ZERO = Decimal(0)

STATUS_MAP: dict[str, OrderStatus] = {
    "SCHEDULED": OrderStatus.SCHEDULED,
    "SUBMITTED": OrderStatus.SCHEDULED,
    "ACTIVE": OrderStatus.WORKING,  # PARTIALLY_FILLED once something filled
    "FINISHER": OrderStatus.WORKING,  # likewise
    "PAUSED": OrderStatus.PAUSED,
    "COMPLETE": OrderStatus.FILLED,  # EXPIRED when it ended short of its target
    "COMPLETED": OrderStatus.FILLED,  # likewise
    "CANCELED": OrderStatus.CANCELED,
    "CANCELLED": OrderStatus.CANCELED,
    "FAILED": OrderStatus.REJECTED,
}
"""Venue status (upper case) -> domain status before the fill-dependent refinements."""

STRATEGY_BY_NAME: dict[str, Strategy] = {
    "MARKET": Strategy.MARKET,
    "LIMIT": Strategy.LIMIT,
    "IOC": Strategy.IOC,
    "TWAP": Strategy.TWAP,
    "VWAP": Strategy.VWAP,
    "POV": Strategy.POV,
}
"""Venue strategy name (upper case) -> domain strategy; IS, Target Time, Iceberg map to None."""

KNOWN_STRATEGY_UUIDS: dict[str, str] = {
    # TWAP in the official client's README and in detail Shape B (notes §2.3, §4.3).
    "6fe4ba3e-c578-45bd-824c-c523bf3c56de": "TWAP",
}
"""Strategy UUID (lower case) -> name. Per instance; the adapter learns more at submit."""

STRATEGY_NAME: dict[Strategy, str] = {
    Strategy.MARKET: "Market",
    Strategy.LIMIT: "Limit",
    Strategy.IOC: "IOC",
    Strategy.TWAP: "TWAP",
    Strategy.VWAP: "VWAP",
    # POV is a trajectory plus `pov_target` (notes §7.7); VWAP follows market volume, and the
    # summary example pairs trajectory VWAP with a participation target.
    Strategy.POV: "VWAP",
}
"""Domain strategy -> the name sent in `strategy` (Type Reference spelling, notes §7.6)."""

_LIQUIDITY = {"MAKE": "maker", "MAKER": "maker", "TAKE": "taker", "TAKER": "taker"}


def normalize_pair(pair: str) -> str:
    """`BTC/USDT` -> `BTC-USDT` (notes §7.33); other forms unchanged."""
    return pair.strip().replace("/", "-")


def parse_side(side: str) -> Side:
    """`buy`/`sell` in any case -> `Side`.

    Raises:
        ValueError: Neither buy nor sell.
    """
    try:
        return Side(side.strip().lower())
    except ValueError:
        raise ValueError(f"Tread.fi side must be 'buy' or 'sell', got {side!r}") from None


def map_status(
    venue_status: str | None, *, filled: bool, complete: bool, order_id: str = ""
) -> OrderStatus:
    """The domain status of a Tread.fi order.

    Args:
        venue_status: The venue's status string (any case; aliases of §7.10 included).
        filled: Something has filled.
        complete: The target is fully executed.
        order_id: For the warning logged on an unknown status.

    Returns:
        The mapped status; `OrderStatus.UNKNOWN` (with a warning) for a status not in
        `STATUS_MAP`.
    """
    status = STATUS_MAP.get((venue_status or "").strip().upper())
    if status is None:
        logger.warning("Tread.fi order %s has unknown status %r", order_id, venue_status)
        return OrderStatus.UNKNOWN
    if status is OrderStatus.WORKING and filled:
        return OrderStatus.PARTIALLY_FILLED
    if status is OrderStatus.FILLED and not complete:
        return OrderStatus.EXPIRED
    return status


def parse_strategy(
    strategy: str | None,
    *,
    pov_target: Decimal | None,
    strategy_names: Mapping[str, str] = KNOWN_STRATEGY_UUIDS,
) -> Strategy | None:
    """The domain strategy of an order: POV when a participation target is set.

    Args:
        strategy: Name or instance UUID.
        pov_target: Participation target (any unit; only whether it is set matters).
        strategy_names: Known UUID (lower case) -> name.

    Returns:
        The strategy, or None for one the domain has no word for (IS, Iceberg, ...).
    """
    if pov_target is not None and pov_target > 0:
        return Strategy.POV
    if strategy is None:
        return None
    name = strategy_names.get(strategy.strip().lower(), strategy)
    return STRATEGY_BY_NAME.get(name.strip().upper())


def _synthetic_fill_id(order_id: str, fill: wire.Fill, ts: datetime) -> str:
    parts = (
        order_id,
        fill.placement_id or "",
        fill.exchange or "",
        ts.isoformat(),
        format(fill.executed_qty.normalize(), "f") if fill.executed_qty is not None else "",
        format(fill.executed_price.normalize(), "f") if fill.executed_price is not None else "",
    )
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
    return f"{order_id}/{digest}"


def fill_report(fill: wire.Fill, *, order_id: str, fee_asset: str = "") -> FillReport | None:
    """One fill in domain units, or None (with a warning) when it lacks size, price or time.

    A fill without its own id (flat shape, notes §4.9) gets a stable id derived from the
    order, placement, exchange, time, quantity and price, so repeated polls de-duplicate.
    `fee_asset` is used when the fill does not name its own (placement fills never do).
    """
    ts = fill.fill_time if fill.fill_time is not None else fill.created_at
    if fill.executed_qty is None or fill.executed_price is None or ts is None:
        logger.warning("Tread.fi order %s: skipped a fill lacking size, price or time", order_id)
        return None
    return FillReport(
        fill_id=fill.id or _synthetic_fill_id(order_id, fill, ts),
        quantity=fill.executed_qty,
        price=fill.executed_price,
        ts=ts,
        fee=fill.fee,
        fee_asset=fill.fee_asset or fee_asset,
        liquidity=_LIQUIDITY.get((fill.role or "").strip().upper(), ""),
    )


def order_fills(order: wire.Order) -> tuple[FillReport, ...] | None:
    """The fills an order carries: placement fills (they have ids), else flat fills.

    Returns:
        None when the order carries no fill data at all.
    """
    placement_fills = [fill for placement in order.placements or () for fill in placement.fills]
    source = placement_fills or order.fills
    if source is None:
        return () if order.placements is not None else None
    return _fill_reports(source, order.id, order.fee_asset or "")


def _fill_reports(
    fills: Sequence[wire.Fill], order_id: str, fee_asset: str = ""
) -> tuple[FillReport, ...]:
    reports = (fill_report(fill, order_id=order_id, fee_asset=fee_asset) for fill in fills)
    return tuple(report for report in reports if report is not None)


@dataclass(frozen=True, slots=True)
class _Sizes:
    quantity: Decimal
    filled: Decimal
    avg_px: Decimal | None
    complete: bool


def _first(*values: Decimal | None) -> Decimal | None:
    return next((value for value in values if value is not None), None)


def _difference(total: Decimal | None, remaining: Decimal | None) -> Decimal | None:
    # More remaining than the total is inconsistent data: it says nothing about what
    # filled (a negative filled quantity would be shown otherwise).
    if total is None or remaining is None or remaining > total:
        return None
    return total - remaining


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def _targets_quote(
    side: Side, pair: str, target_token: str | None, order: wire.Order | None
) -> bool:
    base, _, quote = pair.rpartition("-")
    buy_token = order.buy_token if order is not None else None
    sell_token = order.sell_token if order is not None else None
    if target_token:
        if target_token == quote:
            return True
        if target_token in (base, base.partition(":")[0]):
            return False
        if target_token == buy_token:
            return side is Side.SELL
        if target_token == sell_token:
            return side is Side.BUY
        return False
    if order is not None and order.buy_token_amount is not None:
        return side is Side.SELL
    if order is not None and order.sell_token_amount is not None:
        return side is Side.BUY
    return False


def _sizes(
    *,
    quote_targeted: bool,
    target_total: Decimal | None,
    target_done: Decimal | None,
    base_total: Decimal | None,
    base_done: Decimal | None,
    notional: Decimal | None,
    avg_px: Decimal | None,
    limit_price: Decimal | None,
    fills: Sequence[FillReport] | None,
) -> _Sizes:
    fills_qty = sum((f.quantity for f in fills), _ZERO) if fills else None
    fills_value = sum((f.quantity * f.price for f in fills), _ZERO) if fills else None
    fills_avg = _ratio(fills_value, fills_qty)
    avg = _first(avg_px, fills_avg)
    if quote_targeted:
        target_done = _first(target_done, notional)
        filled = _first(base_done, _ratio(notional, avg), fills_qty, _ratio(target_done, avg))
        quantity = _first(base_total, _ratio(target_total, avg), _ratio(target_total, limit_price))
    else:
        filled = _first(target_done, base_done, fills_qty)
        quantity = _first(target_total, base_total)
        target_total, target_done = quantity, filled
    filled = filled if filled is not None else _ZERO
    if avg is None and filled > 0:
        avg = _ratio(notional, filled)
    # With no target to compare against, the venue's COMPLETE stands.
    complete = target_total is None or (target_done is not None and target_done >= target_total)
    return _Sizes(quantity if quantity is not None else _ZERO, filled, avg, complete)


def _limit(price: Decimal | str | None) -> Decimal | None:
    return price if isinstance(price, Decimal) else None  # an expression has no domain form


def order_report(
    order: wire.Order, *, strategy_names: Mapping[str, str] = KNOWN_STRATEGY_UUIDS
) -> OrderReport:
    """An order of any order shape (list, active, 201, detail A/B) as a domain report.

    Args:
        order: The wire order.
        strategy_names: Known strategy UUID (lower case) -> name, for UUID-bearing shapes.

    Returns:
        The report; base-asset quantities (see the module docstring for quote-sized orders).

    Raises:
        ValueError: The side is neither buy nor sell.
    """
    side = parse_side(order.side)
    pair = normalize_pair(order.pair)
    fills = order_fills(order)
    quote_targeted = _targets_quote(side, pair, order.target_token, order)
    target_done = _first(
        order.target_executed_qty, _difference(order.target_order_qty, order.target_remaining_qty)
    )
    buying = side is Side.BUY
    base_done = order.executed_buy_qty if buying else None
    if not quote_targeted:
        base_done = _first(base_done, order.executed_qty)  # minimal items carry only this
    sizes = _sizes(
        quote_targeted=quote_targeted,
        target_total=order.target_order_qty,
        target_done=target_done,
        base_total=order.buy_token_amount if buying else order.sell_token_amount,
        base_done=base_done,
        notional=order.executed_notional,
        avg_px=order.average_executed_price,
        limit_price=_limit(order.limit_price),
        fills=fills,
    )
    return OrderReport(
        venue=VENUE,
        venue_order_id=order.id,
        client_order_id=order.custom_order_id or "",
        status=map_status(
            order.status, filled=sizes.filled > 0, complete=sizes.complete, order_id=order.id
        ),
        venue_status=order.status or "",
        pair=pair,
        side=side,
        quantity=sizes.quantity,
        filled_qty=sizes.filled,
        avg_fill_px=sizes.avg_px,
        strategy=parse_strategy(
            order.strategy, pov_target=order.pov_target, strategy_names=strategy_names
        ),
        account=",".join(order.account_names),
        limit_price=_limit(order.limit_price),
        start_ts=order.time_start,
        end_ts=order.time_end,
        paused_ts=order.paused_at,
        resumed_ts=order.resumed_at,
        updated_ts=order.updated_at,
        reason=order.failure_reason or "",
        fills=fills,
    )


def summary_report(summary: wire.OrderSummary) -> OrderReport:
    """An order summary (or an order with statistics) as a domain report.

    The summary carries no client order id and no price except through the notional, so a
    quote-sized summary reports zero base quantities (see the module docstring).

    Raises:
        ValueError: The side is neither buy nor sell.
    """
    side = parse_side(summary.side)
    pair = normalize_pair(summary.pair)
    carried = summary.fills if isinstance(summary, wire.OrderWithStats) else None
    fills = None if carried is None else _fill_reports(carried, summary.id)
    target_done = _first(
        summary.executed_qty, _difference(summary.order_qty, summary.remaining_qty)
    )
    sizes = _sizes(
        quote_targeted=_targets_quote(side, pair, summary.target_token, None),
        target_total=summary.order_qty,
        target_done=target_done,
        base_total=None,
        base_done=None,
        notional=summary.executed_notional,
        avg_px=None,
        limit_price=_limit(summary.limit_price),
        fills=fills,
    )
    return OrderReport(
        venue=VENUE,
        venue_order_id=summary.id,
        client_order_id="",
        status=map_status(
            summary.status, filled=sizes.filled > 0, complete=sizes.complete, order_id=summary.id
        ),
        venue_status=summary.status or "",
        pair=pair,
        side=side,
        quantity=sizes.quantity,
        filled_qty=sizes.filled,
        avg_fill_px=sizes.avg_px,
        strategy=parse_strategy(
            summary.trajectory, pov_target=summary.participation_rate_target_percent
        ),
        account=",".join(summary.account_names),
        limit_price=_limit(summary.limit_price),
        start_ts=summary.time_start,
        reason=summary.failure_reason or "",
        fills=fills,
    )


def submit_request(ticket: OrderTicket, client_order_id: str) -> wire.SubmitOrderRequest:
    """The `POST /api/orders/` body for a ticket (doc "Submit an order").

    Base-sized (`base_asset_qty`, sent as an exact decimal string); one account
    (`accounts=[ticket.account]`); `duration` in seconds for algos only (the Simple Orders
    page says simple orders should not send it); `pov_target` as a fraction; a Limit
    ticket with time in force IOC goes out as the `IOC` strategy.

    Raises:
        UnsupportedAction: Fill-or-kill, which Tread.fi has no strategy for.
    """
    strategy = ticket.strategy
    if strategy not in ALGO_STRATEGIES and ticket.time_in_force is TimeInForce.FOK:
        raise UnsupportedAction(VENUE, "fill-or-kill orders")
    if strategy is Strategy.LIMIT and ticket.time_in_force is TimeInForce.IOC:
        strategy = Strategy.IOC
    return wire.SubmitOrderRequest(
        pair=ticket.pair,
        side=ticket.side.value,
        strategy=STRATEGY_NAME[strategy],
        accounts=[ticket.account],
        base_asset_qty=ticket.quantity,
        duration=ticket.duration_s if strategy in ALGO_STRATEGIES else None,
        limit_price=ticket.limit_price,
        pov_target=ticket.pov_target if strategy is Strategy.POV else None,
        custom_order_id=client_order_id,
        notes=ticket.notes or None,
    )


def amend_changes(amendment: Amendment) -> wire.AmendChanges:
    """The `changes` of `POST /api/amend_order/`: new base quantity, duration in seconds
    (from the original start), POV fraction, limit price; unchanged fields are left out."""
    return wire.AmendChanges(
        base_asset_qty=amendment.quantity,
        duration=amendment.duration_s,
        pov_target=amendment.pov_target,
        limit_price=amendment.limit_price,
    )
