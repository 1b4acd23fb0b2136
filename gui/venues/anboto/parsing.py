"""Anboto wire models <-> domain types: the one place the two spellings meet.

* Pairs: the desk's `BTC-USDT` is Anboto's `BTC/USDT` ("Anboto symbology", later docs;
  notes §1.3 (3)).
* Tickets become a `CreateParentOrderRequest` (`create_request`): Market -> `MARKET`,
  Limit -> `LIMIT`, Limit with a visible quantity -> `ICEBERG` (clip = visible quantity),
  Market/Limit with a stop -> `STOP_LOSS` with the trigger in `params` (later docs'
  `OrderParams.trigger`, notes §1.5; `params` is an opaque string in the reference doc,
  §1.8.11), TWAP/VWAP -> `TWAP`/`VWAP` over `startTime..endTime` with an optional clip.
* `OrderDetails` has no quantity, strategy, limit price or schedule (notes §1.4): reports
  take them from what the desk sent (`Sent`), else quantity = filled + leaves and the rest
  stays None.
* Statuses map through `STATUS_MAP` (the 11 `OrderStatusEnum` values); an unknown one
  (e.g. `CANCEL_REJECTED`, notes §1.4) becomes `OrderStatus.UNKNOWN` with a warning.
* Fills: only totals (notes §1.5); a report carries `FillAggregate(lastQuantity,
  lastPrice)` and the store derives the fills.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from gui.domain.errors import UnsupportedAction
from gui.domain.options import AssetClass, ClipSizeKind, StopDirection
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy
from gui.venues.anboto import wire
from gui.venues.anboto.config import VENUE
from gui.venues.base import FillAggregate, OrderReport

logger = logging.getLogger(__name__)

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)

STATUS_MAP: dict[str, OrderStatus] = {
    "PENDING_NEW": OrderStatus.PENDING_NEW,
    "ACCEPTED": OrderStatus.WORKING,  # SCHEDULED while the sent startTime is ahead
    "PARTIALLY_FILLED": OrderStatus.PARTIALLY_FILLED,
    "FILLED": OrderStatus.FILLED,
    "PENDING_CANCEL": OrderStatus.PENDING_CANCEL,
    "CANCELLED": OrderStatus.CANCELED,
    "REJECTED": OrderStatus.REJECTED,
    "EXPIRED": OrderStatus.EXPIRED,
    "PENDING_PAUSE": OrderStatus.PENDING_PAUSE,
    "PAUSED": OrderStatus.PAUSED,
    "PENDING_UNPAUSE": OrderStatus.PENDING_RESUME,
}
"""`OrderStatusEnum` (reference doc "Schemas") -> domain status."""

EXCHANGES: dict[str, str] = {"Binance": "BINANCE", "Bybit": "BYBIT"}
"""Destination as shown to the trader -> `Exchange` (reference doc "Schemas")."""

DEFAULT_DESTINATION = "Binance"
"""Used when the ticket names no destination (`exchange` is required; notes §1.3 (3))."""

ASSET_CLASSES: dict[AssetClass, str] = {
    AssetClass.SPOT: "SPOT",
    AssetClass.FUTURE: "FUTURE",
    AssetClass.OPTION: "OPTION",
}
"""Domain asset class -> `AssetClass`; a ticket without one is sent as `SPOT`."""

CLIP_SIZE_TYPES: dict[ClipSizeKind, str] = {
    ClipSizeKind.QUANTITY: "ABSOLUTE",
    ClipSizeKind.FRACTION: "PERCENTAGE",
    ClipSizeKind.AUTO: "AUTOMATIC",
}
"""Domain clip size kind -> `ClipSizeType`."""

TRIGGER_CONDITIONS: dict[StopDirection, str] = {
    StopDirection.UP: "ABOVE",
    StopDirection.DOWN: "BELOW",
}
"""Stop direction -> later docs' `trigger.triggerCondition` (notes §1.5)."""


@dataclass(frozen=True, slots=True)
class Sent:
    """What the desk sent for one order: everything `OrderDetails` leaves out.

    Attributes:
        client_order_id: Our id.
        pair: `BASE-QUOTE`.
        side: Buy or sell (a short sale is a sell).
        quantity: Total base quantity.
        strategy: The ticket's strategy (Limit for an iceberg or a stop-limit).
        limit_price: Quote per base unit, None when none was sent.
        start_ts: Algo start sent (aware UTC), None for simple orders.
        end_ts: Algo end sent.
    """

    client_order_id: str
    pair: str
    side: Side
    quantity: Decimal
    strategy: Strategy
    limit_price: Decimal | None = None
    start_ts: datetime | None = None
    end_ts: datetime | None = None


def symbol_for_pair(pair: str) -> str:
    """`BTC-USDT` -> `BTC/USDT`."""
    base, _, quote = pair.strip().upper().partition("-")
    return f"{base}/{quote}"


def pair_for_symbol(symbol: str) -> str:
    """`BTC/USDT` -> `BTC-USDT` (a symbol without `/` is kept as it is, with a warning)."""
    base, slash, quote = symbol.strip().partition("/")
    if not slash:
        logger.warning("Anboto symbol %r is not BASE/QUOTE; shown as is", symbol)
        return symbol.strip()
    return f"{base}-{quote}"


def iso_utc(when: datetime) -> str:
    """ISO 8601 in UTC with `Z`, as the doc's `2019-08-24T14:15:22Z` (milliseconds only
    when the time has a fraction of a second)."""
    utc = when.astimezone(UTC)
    spec = "milliseconds" if utc.microsecond else "seconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def trigger_params(direction: StopDirection, price: Decimal) -> str:
    """`{"trigger":{"triggerPrice":"<decimal>","triggerCondition":"ABOVE"|"BELOW"}}` as
    compact JSON, the later docs' `OrderParams.trigger` carried in the opaque `params`."""
    trigger = {
        "triggerPrice": format(price, "f"),
        "triggerCondition": TRIGGER_CONDITIONS[direction],
    }
    return wire.dumps({"trigger": trigger})


def create_request(
    ticket: OrderTicket, client_order_id: str, now: datetime
) -> tuple[wire.CreateParentOrderRequest, Sent]:
    """The `order/create` body for a ticket, and the record of what it sends.

    Args:
        ticket: A valid ticket (`OrderTicket.validate` passed).
        client_order_id: Our id, sent as `clientOrderId`.
        now: Aware UTC; the start of an algo without a scheduled start (truncated to the
            second).

    Returns:
        The request (quantities in base units, times ISO 8601 UTC) and the `Sent` record.

    Raises:
        UnsupportedAction: A strategy, destination or option combination Anboto has no
            spelling for (nothing is sent).
    """
    options = ticket.options
    exchange = EXCHANGES.get(options.destination or DEFAULT_DESTINATION)
    if exchange is None:
        raise UnsupportedAction(VENUE, f"routing to {options.destination}")
    asset_class = ASSET_CLASSES[options.asset_class or AssetClass.SPOT]
    side = ticket.side.value.upper()
    if options.short_sale and ticket.side is Side.SELL:
        side = "SHORT_SELL"
    limit_price = ticket.limit_price
    start: datetime | None = None
    end: datetime | None = None
    clip_type: str | None = None
    clip_value: Decimal | None = None
    params: str | None = None
    if ticket.strategy in (Strategy.MARKET, Strategy.LIMIT):
        if ticket.strategy is Strategy.MARKET:
            limit_price = None
        strategy = ticket.strategy.value.upper()
        if options.stop is not None:
            if options.visible_quantity is not None:
                raise UnsupportedAction(VENUE, "an iceberg with a stop trigger")
            strategy = "STOP_LOSS"
            params = trigger_params(options.stop.direction, options.stop.price)
        elif options.visible_quantity is not None:
            if ticket.strategy is not Strategy.LIMIT:
                raise UnsupportedAction(VENUE, "a market iceberg (ICEBERG takes a limit price)")
            strategy = "ICEBERG"
            clip_type, clip_value = "ABSOLUTE", options.visible_quantity
    elif ticket.strategy in (Strategy.TWAP, Strategy.VWAP):
        assert ticket.duration_s is not None  # validated
        strategy = ticket.strategy.value
        start = options.start_ts or now.replace(microsecond=0)
        end = start + timedelta(seconds=ticket.duration_s)
        clip = options.clip_size
        if clip is not None:
            clip_type = CLIP_SIZE_TYPES[clip.kind]
            if clip.kind is ClipSizeKind.QUANTITY:
                clip_value = clip.value
            elif clip.kind is ClipSizeKind.FRACTION and clip.value is not None:
                clip_value = clip.value * _HUNDRED
    else:
        raise UnsupportedAction(VENUE, f"{ticket.strategy} orders")
    request = wire.CreateParentOrderRequest(
        client_order_id=client_order_id,
        exchange=exchange,
        symbol=symbol_for_pair(ticket.pair),
        asset_class=asset_class,
        side=side,
        quantity=ticket.quantity,
        strategy=strategy,
        limit_price=limit_price,
        start_time=None if start is None else iso_utc(start),
        end_time=None if end is None else iso_utc(end),
        clip_size_type=clip_type,
        clip_size_val=clip_value,
        params=params,
    )
    sent = Sent(
        client_order_id=client_order_id,
        pair=ticket.pair,
        side=ticket.side,
        quantity=ticket.quantity,
        strategy=ticket.strategy,
        limit_price=limit_price,
        start_ts=start,
        end_ts=end,
    )
    return request, sent


def map_status(
    venue_status: str | None, *, filled: bool, scheduled: bool, order_id: str = ""
) -> OrderStatus:
    """The domain status of an Anboto order.

    Args:
        venue_status: `OrderStatusEnum` value (any case).
        filled: Something has filled (an `ACCEPTED` order with fills is partially filled).
        scheduled: The start time sent is still ahead (an `ACCEPTED` algo is SCHEDULED).
        order_id: For the warning logged on an unknown status.

    Returns:
        The mapped status; `OrderStatus.UNKNOWN` (with a warning) for one not in
        `STATUS_MAP`.
    """
    status = STATUS_MAP.get((venue_status or "").strip().upper())
    if status is None:
        logger.warning("Anboto order %s has unknown status %r", order_id, venue_status)
        return OrderStatus.UNKNOWN
    if status is OrderStatus.WORKING:
        if filled:
            return OrderStatus.PARTIALLY_FILLED
        if scheduled:
            return OrderStatus.SCHEDULED
    return status


def parse_side(side: str | None) -> Side:
    """`BUY` -> buy; `SELL` and `SHORT_SELL` -> sell.

    Raises:
        ValueError: Anything else (or absent).
    """
    text = (side or "").strip().upper()
    if text == "BUY":
        return Side.BUY
    if text in ("SELL", "SHORT_SELL"):
        return Side.SELL
    raise ValueError(f"Anboto side must be BUY, SELL or SHORT_SELL, got {side!r}")


def rejection_reason(error_code: str | None, message: str | None) -> str:
    """`"INSUFFICIENT_FUNDS: not enough USDT"`, or whichever part the venue gave."""
    parts = [part.strip() for part in (error_code, message) if part and part.strip()]
    return ": ".join(parts)


def summary_report(summary: wire.OrderSummary, sent: Sent, *, account: str) -> OrderReport:
    """The answer to `order/create` (or one createMany item) as a report of what was sent.

    A 2xx `REJECTED` summary is the venue refusing the order: the report is REJECTED with
    "errorCode: message" as its reason (notes §1.6).
    """
    order_id = summary.order_id or ""
    status = map_status(summary.status, filled=False, scheduled=False, order_id=order_id)
    rejected = status is OrderStatus.REJECTED
    return OrderReport(
        venue=VENUE,
        venue_order_id=order_id,
        client_order_id=summary.client_order_id or sent.client_order_id,
        status=status,
        venue_status=summary.status,
        pair=sent.pair,
        side=sent.side,
        quantity=sent.quantity,
        filled_qty=_ZERO,
        strategy=sent.strategy,
        account=account,
        limit_price=sent.limit_price,
        start_ts=sent.start_ts,
        end_ts=sent.end_ts,
        updated_ts=summary.created_at,
        reason=rejection_reason(summary.error_code, summary.message) if rejected else "",
    )


def details_report(
    details: wire.OrderDetails, *, account: str, sent: Sent | None, now: datetime
) -> OrderReport:
    """An `OrderDetails` as a domain report.

    Args:
        details: The wire order.
        account: The desk's account name for this API key.
        sent: What the desk sent for it, None for an order it did not send (then quantity
            = filled + leaves, and strategy, limit price and schedule are None).
        now: Aware UTC, to tell a SCHEDULED algo from a WORKING one.

    Returns:
        The report with `fills=None` and `aggregate` = the last child fill; quantities in
        base units, prices quote per base unit.

    Raises:
        ValueError: No side or symbol, and nothing sent to take them from.
    """
    order_id = details.order_id or ""
    filled = details.filled_quantity if details.filled_quantity is not None else _ZERO
    leaves = details.leaves_quantity if details.leaves_quantity is not None else _ZERO
    if details.side is not None or sent is None:
        side = parse_side(details.side)
    else:
        side = sent.side
    if details.symbol:
        pair = pair_for_symbol(details.symbol)
    elif sent is not None:
        pair = sent.pair
    else:
        raise ValueError(f"Anboto order {order_id} has no symbol")
    scheduled = sent is not None and sent.start_ts is not None and sent.start_ts > now
    average = details.average_price
    return OrderReport(
        venue=VENUE,
        venue_order_id=order_id,
        client_order_id=details.client_order_id or (sent.client_order_id if sent else ""),
        status=map_status(
            details.status, filled=filled > 0, scheduled=scheduled, order_id=order_id
        ),
        venue_status=details.status,
        pair=pair,
        side=side,
        quantity=sent.quantity if sent is not None else filled + leaves,
        filled_qty=filled,
        avg_fill_px=average if average is not None and average > 0 else None,
        strategy=sent.strategy if sent is not None else None,
        account=account,
        limit_price=sent.limit_price if sent is not None else None,
        start_ts=sent.start_ts if sent is not None else None,
        end_ts=sent.end_ts if sent is not None else None,
        fills=None,
        aggregate=FillAggregate(last_qty=details.last_quantity, last_price=details.last_price),
    )
