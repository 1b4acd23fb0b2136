"""Reading Anboto requests in the emulator: create and cancel bodies, lookup queries.

Schemas from shared/venues/anboto/api-reference.md (`CreateParentOrderRequest`,
`CancelParentOrderRequest`, the `order/find` and `order/id` parameters), with the gaps of
notes.md §1.5 and §1.8 decided as each function says. The doc has no rules or messages for
invalid data ("400 Bad request, invalid order data", no body): every check and message here
is ours, and each refusal is an `ApiError` 400 `{"errorCode": "INVALID_ORDER", "message"}`
unless a closer documented code applies (QUANTITY_EXCEED). Quantities are base asset, prices
quote per base, `Decimal`; times aware UTC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from gui.domain.orders import Side
from gui.sandbox.anboto_wire import (
    ASSET_CLASSES,
    CLIP_SIZE_TYPES,
    EXCHANGES,
    SIDES,
    STRATEGIES,
    ErrorCode,
    invalid,
)
from gui.sandbox.exact_json import to_json

CREATE_FIELDS: tuple[str, ...] = (
    "clientOrderId",
    "exchange",
    "subaccount",
    "symbol",
    "assetClass",
    "side",
    "quantity",
    "strategy",
    "limitPrice",
    "startTime",
    "endTime",
    "clipSizeType",
    "clipSizeVal",
    "params",
)
"""`CreateParentOrderRequest` fields in the doc's order; any other field is refused."""
REQUIRED_CREATE_FIELDS: tuple[str, ...] = (
    "exchange",
    "symbol",
    "assetClass",
    "side",
    "quantity",
    "strategy",
)
"""The fields the doc marks required (non-null)."""
LISTED_BASES = frozenset({"BTC", "ETH", "SOL", "XRP", "DOGE", "AVAX", "LINK"})
"""Base assets the sandbox quotes (the engine's markets); other symbols are refused."""
LISTED_QUOTES = frozenset({"USDT", "USDC"})
"""Quote assets accepted: the stablecoins Binance and Bybit quote these against."""
CLIENT_ORDER_ID_MAX_LEN = 128
"""Longest `clientOrderId` (our cap: the doc gives no limit, notes §1.5)."""
DEFAULT_WINDOW = timedelta(days=30)
"""`endTime` when absent: 30 days from now (external Feb-2024 doc, notes §1.5)."""
MAX_HORIZON = timedelta(days=60)
"""`endTime` more than this far in the future is refused (same source)."""
MAX_ORDER_NOTIONAL = Decimal(10_000_000)
"""Per-order notional cap in the quote asset (at the limit price, else the mid): above it
400 QUANTITY_EXCEED (our limit; the doc only names the code)."""
TRIGGER_CONDITIONS: tuple[str, ...] = ("ABOVE", "BELOW")
"""`params.trigger.triggerCondition` values of a STOP_LOSS (external `OrderParams`)."""

_SYMBOL = re.compile(r"^([A-Z0-9]+)/([A-Z0-9]+)$")


@dataclass(frozen=True, slots=True)
class Trigger:
    """A STOP_LOSS trigger: fires when the mid is at or `condition` the price.

    Attributes:
        price: Quote per base.
        condition: `ABOVE` (mid >= price) or `BELOW` (mid <= price).
    """

    price: Decimal
    condition: str

    def fired(self, mid: Decimal) -> bool:
        """Whether the market mid (quote per base) satisfies the trigger."""
        return mid >= self.price if self.condition == "ABOVE" else mid <= self.price


@dataclass(frozen=True, slots=True)
class ParentOrderSpec:
    """A valid create request, in the venue's spelling plus what the engine needs.

    Attributes:
        client_order_id: The caller's id or None.
        exchange: `BINANCE` or `BYBIT`.
        subaccount: As sent, or None.
        symbol: `BASE/QUOTE`, e.g. `BTC/USDT`.
        asset_class: `UNDEFINED`, `SPOT` or `FUTURE`.
        side: `BUY`, `SELL` or `SHORT_SELL` (as echoed in OrderDetails).
        quantity: Base asset, > 0.
        strategy: One of `STRATEGIES`.
        limit_price: Quote per base, or None.
        start: When it starts working (aware UTC; never before the request).
        end: When its window ends (aware UTC, after `start`).
        clip_size_type: As sent, or None.
        clip_size_val: As sent, or None.
        params: The opaque `params` string as sent, or None.
        trigger: The STOP_LOSS trigger read from `params`, else None.
        pair: The engine pair: `BASE-QUOTE` (spot) or `BASE:PERP-QUOTE` (FUTURE).
        engine_side: Buy or sell (SHORT_SELL sells).
    """

    client_order_id: str | None
    exchange: str
    subaccount: str | None
    symbol: str
    asset_class: str
    side: str
    quantity: Decimal
    strategy: str
    limit_price: Decimal | None
    start: datetime
    end: datetime
    clip_size_type: str | None
    clip_size_val: Decimal | None
    params: str | None
    trigger: Trigger | None
    pair: str
    engine_side: Side


def _shown(value: object) -> str:
    # A sent value in a message, as JSON (Decimals as their digits).
    return to_json(value)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _positive_number(body: Mapping[str, Any], name: str) -> Decimal | None:
    raw = body.get(name)
    if raw is None:
        return None
    if not _is_number(raw) or not Decimal(raw).is_finite() or Decimal(raw) <= 0:
        raise invalid(f"{name} must be a positive number")
    return Decimal(raw)


def _optional_string(body: Mapping[str, Any], name: str) -> str | None:
    raw = body.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise invalid(f"{name} must be a string")
    return raw


def _enum(body: Mapping[str, Any], name: str, allowed: Sequence[str]) -> str | None:
    raw = body.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str) or raw not in allowed:
        raise invalid(f"Invalid {name} {_shown(raw)}: expected one of {', '.join(allowed)}")
    return raw


def _time(body: Mapping[str, Any], name: str) -> datetime | None:
    # ISO 8601 `date-time`; a time without an offset is read as UTC.
    raw = body.get(name)
    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            parsed = datetime.fromisoformat(raw.strip())
        except ValueError:
            pass
        else:
            return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise invalid(f"{name} must be an ISO 8601 date-time, e.g. 2019-08-24T14:15:22Z")


def _symbol_pair(symbol: object, asset_class: str) -> str:
    match = _SYMBOL.match(symbol) if isinstance(symbol, str) else None
    if match is None:
        raise invalid(f"Invalid symbol {_shown(symbol)}: expected BASE/QUOTE, e.g. BTC/USDT")
    base, quote = match.groups()
    if base not in LISTED_BASES or quote not in LISTED_QUOTES:
        raise invalid(f"Unknown symbol {symbol}")
    if asset_class == "OPTION":
        raise invalid("assetClass OPTION is not supported: the sandbox has no option markets")
    # FUTURE trades the perpetual of the pair, the market the Tread.fi emulator calls
    # `BASE:PERP-QUOTE`; UNDEFINED is read as SPOT.
    return f"{base}:PERP-{quote}" if asset_class == "FUTURE" else f"{base}-{quote}"


def _window(body: Mapping[str, Any], now: datetime) -> tuple[datetime, datetime]:
    # notes §1.5 (external): startTime defaults to now, endTime to 30 days from now, and an
    # endTime more than 60 days ahead is refused. A start in the past means now.
    start = _time(body, "startTime")
    end = _time(body, "endTime")
    start = now if start is None or start < now else start
    end = now + DEFAULT_WINDOW if end is None else end
    if end > now + MAX_HORIZON:
        raise invalid("endTime must be at most 60 days in the future")
    if end <= now:
        raise invalid("endTime must be in the future")
    if end <= start:
        raise invalid("endTime must be after startTime")
    return start, end


def _trigger(params: str | None) -> Trigger:
    # A STOP_LOSS needs `params` = JSON text `{"trigger": {"triggerPrice": "..",
    # "triggerCondition": "ABOVE"|"BELOW"}}` (the external OrderParams.trigger, carried in the
    # reference doc's opaque string, notes §1.8.11).
    message = (
        'A STOP_LOSS order needs params {"trigger": {"triggerPrice": "<price>", '
        '"triggerCondition": "ABOVE"|"BELOW"}}'
    )
    try:
        decoded = json.loads(params, parse_float=Decimal) if params is not None else None
    except ValueError:
        decoded = None
    trigger = decoded.get("trigger") if isinstance(decoded, dict) else None
    if not isinstance(trigger, dict):
        raise invalid(message)
    raw_price = trigger.get("triggerPrice")
    condition = trigger.get("triggerCondition")
    price: Decimal | None = None
    if isinstance(raw_price, str):
        try:
            price = Decimal(raw_price.strip())
        except ArithmeticError:
            price = None
    elif isinstance(raw_price, (int, Decimal)) and not isinstance(raw_price, bool):
        price = Decimal(raw_price)
    if price is None or not price.is_finite() or price <= 0:
        raise invalid("params.trigger.triggerPrice must be a positive number")
    if condition not in TRIGGER_CONDITIONS:
        raise invalid("params.trigger.triggerCondition must be ABOVE or BELOW")
    return Trigger(price, condition)


def parse_create(
    body: object, now: datetime, mid_price_of: Callable[[str], Decimal]
) -> ParentOrderSpec:
    """Read a `CreateParentOrderRequest` (one order of `order/create` or `order/createMany`).

    Args:
        body: The decoded JSON (numbers as `int`/`Decimal`).
        now: The simulated time of the request.
        mid_price_of: The current mid of an engine pair, for the notional cap.

    Returns:
        The order to create.

    Raises:
        ApiError: 400 INVALID_ORDER for the first problem found (unknown field, missing
            required field, bad enum, symbol, number, time window, clip size or params), or
            400 QUANTITY_EXCEED over `MAX_ORDER_NOTIONAL`.
    """
    if not isinstance(body, dict):
        raise invalid("An order must be a JSON object")
    unknown = sorted(set(body) - set(CREATE_FIELDS))
    if unknown:
        raise invalid(f"Unknown field(s): {', '.join(unknown)}")
    missing = [name for name in REQUIRED_CREATE_FIELDS if body.get(name) is None]
    if missing:
        raise invalid(f"Missing required field(s): {', '.join(missing)}")
    exchange = _enum(body, "exchange", EXCHANGES)
    asset_class = _enum(body, "assetClass", ASSET_CLASSES)
    side = _enum(body, "side", SIDES)
    strategy = _enum(body, "strategy", STRATEGIES)
    clip_type = _enum(body, "clipSizeType", CLIP_SIZE_TYPES)
    assert exchange and asset_class and side and strategy  # required above
    pair = _symbol_pair(body["symbol"], asset_class)
    quantity = _positive_number(body, "quantity")
    assert quantity is not None
    limit_price = _positive_number(body, "limitPrice")
    if strategy in ("LIMIT", "ICEBERG") and limit_price is None:
        raise invalid(f"A {strategy} order needs a limitPrice")
    if strategy == "MARKET" and limit_price is not None:
        raise invalid("A MARKET order takes no limitPrice")
    client_order_id = _optional_string(body, "clientOrderId") or None  # "" is no id
    if client_order_id is not None and len(client_order_id) > CLIENT_ORDER_ID_MAX_LEN:
        raise invalid(f"clientOrderId must be at most {CLIENT_ORDER_ID_MAX_LEN} characters")
    subaccount = _optional_string(body, "subaccount")
    start, end = _window(body, now)
    clip_val = _positive_number(body, "clipSizeVal")
    if clip_type in ("ABSOLUTE", "PERCENTAGE") and clip_val is None:
        # External doc: "required if the type is ABSOLUTE or PERCENTAGE" (notes §1.5).
        raise invalid(f"clipSizeVal is required when clipSizeType is {clip_type}")
    if clip_type == "PERCENTAGE" and clip_val is not None and clip_val > 100:
        raise invalid("A PERCENTAGE clipSizeVal must be at most 100")
    params = _optional_string(body, "params")
    trigger = _trigger(params) if strategy == "STOP_LOSS" else None
    reference = limit_price if limit_price is not None else mid_price_of(pair)
    if quantity * reference > MAX_ORDER_NOTIONAL:
        raise invalid(
            f"Order notional exceeds the limit of {MAX_ORDER_NOTIONAL} per order",
            ErrorCode.QUANTITY_EXCEED,
        )
    return ParentOrderSpec(
        client_order_id=client_order_id,
        exchange=exchange,
        subaccount=subaccount,
        symbol=body["symbol"],
        asset_class=asset_class,
        side=side,
        quantity=quantity,
        strategy=strategy,
        limit_price=limit_price,
        start=start,
        end=end,
        clip_size_type=clip_type,
        clip_size_val=clip_val,
        params=params,
        trigger=trigger,
        pair=pair,
        engine_side=Side.BUY if side == "BUY" else Side.SELL,
    )


@dataclass(frozen=True, slots=True)
class OrderRef:
    """Which order a cancel or lookup names: `order_id` wins when both are given (notes
    §1.8.5).

    Attributes:
        order_id: Anboto's int64 id, or None.
        client_order_id: The caller's id, or None.
    """

    order_id: int | None
    client_order_id: str | None


def parse_order_ref(body: object) -> OrderRef:
    """Read a `CancelParentOrderRequest` `{"orderId": int|null, "clientOrderId": str|null}`.

    Raises:
        ApiError: 400 when it is not an object, has other fields, wrong types, or neither id.
    """
    if not isinstance(body, dict):
        raise invalid("A cancel request must be a JSON object")
    unknown = sorted(set(body) - {"orderId", "clientOrderId"})
    if unknown:
        raise invalid(f"Unknown field(s): {', '.join(unknown)}")
    order_id = body.get("orderId")
    if order_id is not None and (isinstance(order_id, bool) or not isinstance(order_id, int)):
        raise invalid("orderId must be an integer")
    client_order_id = _optional_string(body, "clientOrderId") or None
    if order_id is None and client_order_id is None:
        raise invalid("One of orderId or clientOrderId is required")
    return OrderRef(order_id, client_order_id)


def parse_int_id(text: str, name: str) -> int:
    """An order id from a query value (`order/id` has it as a string, notes §1.8.6).

    Raises:
        ApiError: 400 when it is not a decimal integer.
    """
    stripped = text.strip()
    if not stripped.isascii() or not stripped.lstrip("-").isdigit():
        raise invalid(f"{name} must be an integer, got {json.dumps(text)}")
    return int(stripped)


def query_list(values: Sequence[str]) -> list[str]:
    """An `array[string]` query parameter: repeated keys and comma-joined values both
    accepted (`a=1&a=2`, `a=1,2`), empty items dropped (notes §1.3 (5))."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]
