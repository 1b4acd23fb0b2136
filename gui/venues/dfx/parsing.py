"""DFX wire models <-> domain types: the one place the two spellings meet.

* Pairs: DFX symbols are already `BASE-QUOTE` (`BTC-USDT`), as the desk writes them.
* Statuses map through `STATUS_MAP` (notes §2.4, the venue's full list with its spellings
  `PARTIAL_FILLED`, `CANCELED`, `REJECT`); an unknown one is `OrderStatus.UNKNOWN` with a
  warning. `PENDING_NEW` is a conditional order not yet triggered: SCHEDULED.
* Quantities: a MARKET order is sized by quote `amount` (notes §2.4); its report's quantity
  is the venue's `quantity` when that is > 0, else what has filled (`tradeQty`).
* Average price: `averagePrice` when given (finish_order only), else
  `tradeAmount / tradeQty`.
* Fills: from `/api/v1/account/trades` (`FillReport`s, maker/taker from `isMaker`), or, for
  an account without that endpoint, the totals (`FillAggregate(notional=tradeAmount)`) the
  store derives fills from.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gui.domain.errors import UnsupportedAction
from gui.domain.instruments import Instrument
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy
from gui.venues.base import FillAggregate, FillReport, OrderReport
from gui.venues.dfx import wire
from gui.venues.dfx.config import VENUE

logger = logging.getLogger(__name__)

_ZERO = Decimal(0)

STATUS_MAP: dict[str, OrderStatus] = {
    "PENDING_NEW": OrderStatus.SCHEDULED,  # conditional order not yet triggered
    "NEW": OrderStatus.WORKING,
    "PARTIAL_FILLED": OrderStatus.PARTIALLY_FILLED,
    "FILLED": OrderStatus.FILLED,
    "CANCELED": OrderStatus.CANCELED,
    "REJECT": OrderStatus.REJECTED,
}
"""Venue status (notes §2.4, "Getting Started") -> domain status."""

STRATEGIES: dict[str, Strategy] = {"LIMIT": Strategy.LIMIT, "MARKET": Strategy.MARKET}
"""`orderType` -> strategy (notes §2.4: `LIMIT`, `MARKET`)."""


def map_status(venue_status: str | None, *, filled: bool, order_id: str = "") -> OrderStatus:
    """The domain status of a DFX order.

    Args:
        venue_status: `status` (any case).
        filled: Something has filled (a `NEW` order with `tradeQty` > 0 is partly filled).
        order_id: For the warning logged on an unknown status.

    Returns:
        The mapped status; UNKNOWN (with a warning) for a status not in `STATUS_MAP`.
    """
    status = STATUS_MAP.get((venue_status or "").strip().upper())
    if status is None:
        logger.warning("DFX order %s has unknown status %r", order_id, venue_status)
        return OrderStatus.UNKNOWN
    if status is OrderStatus.WORKING and filled:
        return OrderStatus.PARTIALLY_FILLED
    return status


def parse_side(side: str | None) -> Side:
    """`BUY`/`SELL` -> `Side`.

    Raises:
        ValueError: Neither (or absent).
    """
    try:
        return Side((side or "").strip().lower())
    except ValueError:
        raise ValueError(f"DFX side must be BUY or SELL, got {side!r}") from None


def average_price(order: wire.DfxOrder) -> Decimal | None:
    """`averagePrice` when the venue gives a positive one, else `tradeAmount / tradeQty`;
    None before any fill."""
    if order.average_price is not None and order.average_price > 0:
        return order.average_price
    filled = order.trade_qty
    if filled is None or filled <= 0 or order.trade_amount is None:
        return None
    return order.trade_amount / filled


def order_report(
    order: wire.DfxOrder,
    *,
    account: str,
    fills: tuple[FillReport, ...] | None = None,
    aggregate: bool = False,
) -> OrderReport:
    """A DFX order as a domain report.

    Args:
        order: The wire order.
        account: The desk's account name.
        fills: Trades read for it, or None when this report carries no fill list.
        aggregate: Attach `FillAggregate(notional=tradeAmount)` so the store derives fills
            (accounts without the trades endpoint); ignored when `fills` is given.

    Returns:
        The report; quantities base asset, prices quote per base.

    Raises:
        ValueError: No side or no symbol.
    """
    side = parse_side(order.side)
    if not order.symbol:
        raise ValueError(f"DFX order {order.order_id} has no symbol")
    filled = order.trade_qty if order.trade_qty is not None else _ZERO
    strategy = STRATEGIES.get((order.order_type or "").strip().upper())
    quantity = order.quantity if order.quantity is not None else _ZERO
    if strategy is Strategy.MARKET and quantity <= 0:
        quantity = filled  # sized by amount: what has filled is all we know
    status = map_status(order.status, filled=filled > 0, order_id=order.order_id)
    limit_price = order.price if strategy is not Strategy.MARKET else None
    return OrderReport(
        venue=VENUE,
        venue_order_id=order.order_id,
        client_order_id=order.client_oid or "",
        status=status,
        venue_status=order.status or "",
        pair=order.symbol.upper(),
        side=side,
        quantity=quantity,
        filled_qty=filled,
        avg_fill_px=average_price(order),
        strategy=strategy,
        account=account,
        limit_price=limit_price if limit_price is not None and limit_price > 0 else None,
        reason=order.failed_reason or "" if status is OrderStatus.REJECTED else "",
        fills=fills,
        aggregate=(
            FillAggregate(notional=order.trade_amount) if aggregate and fills is None else None
        ),
    )


def fill_report(trade: wire.DfxTrade) -> FillReport | None:
    """One trade as a fill, or None (with a warning) when it lacks size, price or time."""
    if trade.quantity is None or trade.price is None or trade.time is None:
        logger.warning("DFX trade %s lacks quantity, price or time; skipped", trade.trade_id)
        return None
    liquidity = "" if trade.is_maker is None else ("maker" if trade.is_maker else "taker")
    return FillReport(
        fill_id=trade.trade_id,
        quantity=trade.quantity,
        price=trade.price,
        ts=trade.time,
        fee=trade.fee,
        fee_asset=trade.fee_asset or "",
        liquidity=liquidity,
    )


def fill_reports(trades: Sequence[wire.DfxTrade]) -> tuple[FillReport, ...]:
    """The readable trades as fills, oldest first (the venue sends newest first)."""
    reports = (fill_report(trade) for trade in trades)
    return tuple(sorted((r for r in reports if r is not None), key=lambda r: (r.ts, r.fill_id)))


def instrument(symbol: wire.DfxSymbol) -> Instrument:
    """A symbol's rules as an `Instrument` (tick = `priceIncrement`, lot = `baseIncrement`)."""
    return Instrument(
        pair=symbol.symbol.upper(),
        symbol=symbol.symbol,
        tick_size=symbol.price_increment,
        lot_size=symbol.base_increment,
    )


@dataclass(frozen=True, slots=True)
class NewOrder:
    """The fields of `POST /api/v1/spot/order` that come from a ticket (doc §1), in domain
    types; the client adds `accountId` and `clientOrderId`.

    Attributes:
        symbol: `BTC-USDT`.
        side: `BUY` or `SELL`.
        order_type: `LIMIT` or `MARKET`.
        price: Limit price, quote per base (LIMIT).
        quantity: Base quantity (LIMIT).
        amount: Quote amount (MARKET).
    """

    symbol: str
    side: str
    order_type: str
    price: Decimal | None = None
    quantity: Decimal | None = None
    amount: Decimal | None = None


def new_order(ticket: OrderTicket) -> NewOrder:
    """The order to create for a ticket.

    Limit -> `LIMIT` with `price` and `quantity`; Market -> `MARKET` with `amount` (the
    ticket's quote quantity; `ticket.quantity` is 0).

    Raises:
        UnsupportedAction: Another strategy, or a Market ticket sized in the base asset
            (DFX takes a quote amount, notes §2.4); nothing was sent.
    """
    symbol, side = ticket.pair.upper(), ticket.side.value.upper()
    if ticket.strategy is Strategy.LIMIT:
        return NewOrder(symbol, side, "LIMIT", price=ticket.limit_price, quantity=ticket.quantity)
    if ticket.strategy is Strategy.MARKET:
        if ticket.quote_quantity is None:
            raise UnsupportedAction(VENUE, "Market orders sized in the base asset")
        return NewOrder(symbol, side, "MARKET", amount=ticket.quote_quantity)
    raise UnsupportedAction(VENUE, f"{ticket.strategy} orders")
