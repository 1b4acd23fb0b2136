"""ZenOTC wire models <-> domain types: the one place the two spellings meet.

* Pairs: ZenOTC trades an `asset` against an implicit USD quote (notes §3.1, §3.7.10), so
  the desk's `BTC-USD` is the venue's `BTC`; any other quote is refused before sending.
* Statuses map through `STATUS_MAP` (doc "Order Statuses", notes §3.4); an unknown status
  becomes `OrderStatus.UNKNOWN` with a warning, never a guess.
* Strategies: `orderType` `market` is Market; `limit` with `timeInForce` `IOC` is the IOC
  strategy, any other limit is Limit. A list item has neither field (notes §3.3 (2)): the
  adapter supplies what it sent, else the strategy is None.
* Fills carry `fee`/`feeCurrency`; the doc gives no maker/taker flag (an OTC desk), so
  `liquidity` is "".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gui.domain.errors import UnsupportedAction
from gui.domain.orders import Amendment, OrderStatus, OrderTicket, Side, Strategy, TimeInForce
from gui.venues.base import FillReport, OrderReport
from gui.venues.zenotc import wire
from gui.venues.zenotc.config import QUOTE_ASSET, VENUE

logger = logging.getLogger(__name__)

_ZERO = Decimal(0)

STATUS_MAP: dict[str, OrderStatus] = {
    "open": OrderStatus.WORKING,  # PARTIALLY_FILLED once something filled
    "partially_filled": OrderStatus.PARTIALLY_FILLED,
    "filled": OrderStatus.FILLED,
    "cancelled": OrderStatus.CANCELED,
    "rejected": OrderStatus.REJECTED,
    # "Order expired (for IOC/FOK)": also a partly filled IOC, whose filled quantity stays
    # on the report (notes §3.7.8).
    "expired": OrderStatus.EXPIRED,
}
"""Venue status (lower case, doc "Order Statuses") -> domain status."""

OPEN_STATUSES: tuple[str, ...] = ("open", "partially_filled")
"""The venue statuses of a working order, as sent in `statuses=` (notes §3.6)."""

TIME_IN_FORCE: dict[TimeInForce, str] = {
    TimeInForce.GTC: "GTC",
    TimeInForce.IOC: "IOC",
    TimeInForce.FOK: "FOK",
}
"""Domain time in force -> `timeInForce` (doc "Time in Force")."""


@dataclass(frozen=True, slots=True)
class Sent:
    """What the adapter knows of an order beyond a list item (it keeps what it sent).

    Attributes:
        strategy: The strategy the desk sent it as, None when not known.
        filled_qty: Filled quantity at which `avg_fill_px` was reported, None if never.
        avg_fill_px: The venue's `averagePrice` at `filled_qty`.
    """

    strategy: Strategy | None = None
    filled_qty: Decimal | None = None
    avg_fill_px: Decimal | None = None


def pair_for_asset(asset: str) -> str:
    """`BTC` -> `BTC-USD`."""
    return f"{asset.strip().upper()}-{QUOTE_ASSET}"


def quote_error(pair: str) -> str | None:
    """The trader-facing refusal of a pair ZenOTC cannot trade, None when it can."""
    base, dash, quote = pair.partition("-")
    if dash and base and quote == QUOTE_ASSET:
        return None
    return f"ZenOTC quotes every asset in USD: use {base or 'ASSET'}-{QUOTE_ASSET}."


def asset_for_pair(pair: str) -> str:
    """`BTC-USD` -> `BTC`.

    Raises:
        UnsupportedAction: The quote is not USD (nothing was sent).
    """
    if quote_error(pair) is not None:
        raise UnsupportedAction(VENUE, f"the pair {pair} (every asset is quoted in USD)")
    return pair.partition("-")[0]


def parse_side(side: str | None) -> Side:
    """`buy`/`sell` in any case -> `Side`.

    Raises:
        ValueError: Neither buy nor sell (or absent).
    """
    try:
        return Side((side or "").strip().lower())
    except ValueError:
        raise ValueError(f"ZenOTC side must be 'buy' or 'sell', got {side!r}") from None


def map_status(venue_status: str | None, *, filled: bool, order_id: str = "") -> OrderStatus:
    """The domain status of a ZenOTC order.

    Args:
        venue_status: The venue's status string (any case).
        filled: Something has filled (an `open` order with fills is partially filled).
        order_id: For the warning logged on an unknown status.

    Returns:
        The mapped status; `OrderStatus.UNKNOWN` (with a warning) for one not in
        `STATUS_MAP`.
    """
    status = STATUS_MAP.get((venue_status or "").strip().lower())
    if status is None:
        logger.warning("ZenOTC order %s has unknown status %r", order_id, venue_status)
        return OrderStatus.UNKNOWN
    if status is OrderStatus.WORKING and filled:
        return OrderStatus.PARTIALLY_FILLED
    return status


def parse_strategy(order_type: str | None, time_in_force: str | None) -> Strategy | None:
    """The strategy of `orderType` + `timeInForce`; None when `orderType` is absent."""
    kind = (order_type or "").strip().lower()
    if kind == "market":
        return Strategy.MARKET
    if kind == "limit":
        tif = (time_in_force or "").strip().upper()
        return Strategy.IOC if tif == "IOC" else Strategy.LIMIT
    return None


def fill_report(fill: wire.Fill) -> FillReport | None:
    """One fill in domain units, or None (with a warning) when it lacks size, price or time."""
    if fill.quantity is None or fill.price is None or fill.executed_at is None:
        logger.warning("ZenOTC fill %s lacks quantity, price or time; skipped", fill.fill_id)
        return None
    return FillReport(
        fill_id=fill.fill_id,
        quantity=fill.quantity,
        price=fill.price,
        ts=fill.executed_at,
        fee=fill.fee,
        fee_asset=fill.fee_currency or "",
    )


def fill_reports(fills: Sequence[wire.Fill]) -> tuple[FillReport, ...]:
    """The readable fills, oldest first."""
    reports = (fill_report(fill) for fill in fills)
    return tuple(sorted((r for r in reports if r is not None), key=lambda r: r.ts))


def fills_average(fills: Sequence[FillReport], filled_qty: Decimal) -> Decimal | None:
    """The volume-weighted price of `fills` when they add up to exactly `filled_qty`."""
    total = sum((fill.quantity for fill in fills), _ZERO)
    if total <= 0 or total != filled_qty:
        return None
    return sum((fill.quantity * fill.price for fill in fills), _ZERO) / total


def order_report(
    order: wire.Order,
    *,
    account: str,
    fills: tuple[FillReport, ...] | None = None,
    sent: Sent | None = None,
) -> OrderReport:
    """An Order object or list item as a domain report.

    What a list item lacks is filled from `sent` (strategy; the average price when the
    filled quantity has not moved since the venue last gave it) or from `fills` (the
    average, when they add up to the filled quantity); otherwise it stays None.

    Args:
        order: The wire order.
        account: The desk's account name for this API key.
        fills: The order's fills, or None when not fetched.
        sent: What the adapter knows of the order.

    Returns:
        The report; quantities in the asset, prices in USD per unit.

    Raises:
        ValueError: The side is missing or neither buy nor sell, or the asset is missing.
    """
    side = parse_side(order.side)
    if not order.asset:
        raise ValueError(f"ZenOTC order {order.order_id} has no asset")
    filled = order.filled_quantity if order.filled_quantity is not None else _ZERO
    quantity = order.quantity
    if quantity is None and order.remaining_quantity is not None:
        quantity = filled + order.remaining_quantity
    avg = order.average_price
    if avg is None and sent is not None and sent.filled_qty == filled:
        avg = sent.avg_fill_px
    if avg is None and fills:
        avg = fills_average(fills, filled)
    strategy = sent.strategy if sent is not None and sent.strategy is not None else None
    if strategy is None:
        strategy = parse_strategy(order.order_type, order.time_in_force)
    return OrderReport(
        venue=VENUE,
        venue_order_id=order.order_id,
        client_order_id=order.client_order_id or "",
        status=map_status(order.status, filled=filled > 0, order_id=order.order_id),
        venue_status=order.status or "",
        pair=pair_for_asset(order.asset),
        side=side,
        quantity=quantity if quantity is not None else _ZERO,
        filled_qty=filled,
        avg_fill_px=avg,
        strategy=strategy,
        account=account,
        limit_price=order.price,
        updated_ts=order.updated_at,
        fills=fills,
    )


def create_request(ticket: OrderTicket, client_order_id: str) -> wire.CreateOrderRequest:
    """The `POST /api/sdk/orders` body for a ticket (doc "Create Order").

    Market -> `market` (no price); Limit -> `limit` with the ticket's time in force; the
    IOC strategy -> `limit` with `IOC`. The ticket's notes travel as `metadata.notes`.

    Raises:
        UnsupportedAction: An algo strategy, or a quote other than USD (nothing was sent).
    """
    asset = asset_for_pair(ticket.pair)
    if ticket.strategy is Strategy.MARKET:
        order_type, tif, price = "market", ticket.time_in_force, None
    elif ticket.strategy is Strategy.LIMIT:
        order_type, tif, price = "limit", ticket.time_in_force, ticket.limit_price
    elif ticket.strategy is Strategy.IOC:
        order_type, tif, price = "limit", TimeInForce.IOC, ticket.limit_price
    else:
        raise UnsupportedAction(VENUE, f"{ticket.strategy} orders")
    return wire.CreateOrderRequest(
        side=ticket.side.value,
        asset=asset,
        quantity=ticket.quantity,
        price=price,
        order_type=order_type,
        time_in_force=TIME_IN_FORCE[tif],
        client_order_id=client_order_id,
        metadata={"notes": ticket.notes} if ticket.notes else None,
    )


def amend_request(amendment: Amendment) -> wire.AmendOrderRequest:
    """The `PATCH /api/sdk/orders/:orderId` body (doc "Amend Order").

    `quantity` is the new *total* quantity, as `Amendment.quantity` is (notes §3.7.7).

    Raises:
        UnsupportedAction: The amendment changes a duration or POV target (ZenOTC has no
            algos); nothing is sent.
        ValueError: An empty amendment, or a quantity or price that is not positive (a
            bug: nothing is sent).
    """
    if amendment.is_empty():
        raise ValueError("empty amendment: ZenOTC needs a quantity or a price")
    if amendment.duration_s is not None or amendment.pov_target is not None:
        raise UnsupportedAction(VENUE, "amending a duration or POV target")
    for name, value in (("quantity", amendment.quantity), ("limit_price", amendment.limit_price)):
        if value is not None and (not value.is_finite() or value <= 0):
            raise ValueError(f"ZenOTC amendment {name} must be > 0, got {value}")
    return wire.AmendOrderRequest(quantity=amendment.quantity, price=amendment.limit_price)
