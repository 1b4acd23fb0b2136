"""ZenOTC's vocabulary for the emulator: assets, statuses, ids, exact JSON numbers, timestamps
and the Order, list-item and fill shapes.

Source: shared/venues/zenotc/api-reference.md ("The Order Object", "List Orders", "Get Order
Fills"), digested in notes.md §3.3-§3.4. Quantities are base asset, prices and fees USD per
base unit and USD, all `Decimal`; times aware UTC.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from gui.sandbox.exact_json import ExactJSONResponse
from gui.sandbox.sim_order import SimFill, SimOrder, SimStatus

ASSETS: tuple[str, ...] = ("BTC", "ETH", "SOL", "XRP", "DOGE", "AVAX", "LINK")
"""Assets the desk quotes (notes §3.7 decision 10: the doc names BTC and ETH only; these are
the sandbox market's assets). Anything else is refused with 400."""
QUOTE_CURRENCY = "USD"
"""Every asset trades against USD (`feeCurrency: "USD"`, decision 10): engine pair `BTC-USD`."""
FEE_RATE = Decimal("0.0005")
"""Fee per fill as a fraction of its notional: 0.05 %, as in the doc's fills example
(24.975 = 0.05 % of 49950 x 0.5). The engine's own maker/taker fees are not used."""
AVERAGE_PRICE_QUANTUM = Decimal("0.00000001")
"""`averagePrice` is a quotient: rounded half-even to 8 decimals (every other number is exact)."""

_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
ORDER_ID_LENGTH = 12
"""Characters after `ord_` (the doc's `ord_abc123def456`)."""


def pair_of(asset: str) -> str:
    """The engine pair an asset trades on: `BTC` -> `BTC-USD`."""
    return f"{asset}-{QUOTE_CURRENCY}"


class ZenStatus(StrEnum):
    """ZenOTC's order statuses ("Order Statuses" table)."""

    OPEN = "open"
    """Active and waiting to be filled."""
    PARTIALLY_FILLED = "partially_filled"
    """Active, some quantity filled."""
    FILLED = "filled"
    """Completely filled (terminal)."""
    CANCELLED = "cancelled"
    """Cancelled by the user (terminal), possibly after partial fills."""
    REJECTED = "rejected"
    """Rejected (terminal); in the sandbox only an order the engine failed (fault injection)."""
    EXPIRED = "expired"
    """An IOC/FOK (or market) order's unfilled rest (terminal), decision 8."""


OPEN_STATUSES: frozenset[ZenStatus] = frozenset({ZenStatus.OPEN, ZenStatus.PARTIALLY_FILLED})
"""Working orders: amendable, cancellable, and what cancel-all cancels."""
TERMINAL_STATUSES: frozenset[ZenStatus] = frozenset(set(ZenStatus) - OPEN_STATUSES)
"""Nothing more happens to these orders."""


@dataclass(slots=True)
class ZenOrderInfo:
    """What the emulator keeps per order beside the engine's `SimOrder`.

    Attributes:
        order_id: ZenOTC id, `ord_` + 12 lowercase alphanumerics.
        engine_id: The engine's order id.
        asset: Base asset symbol, e.g. `BTC`.
        order_type: `limit` or `market`.
        time_in_force: `GTC`, `IOC` or `FOK`.
        client_order_id: The caller's id (at most 64 characters) or None.
        metadata: Custom key-value pairs as sent (numbers as `Decimal`/`int`).
    """

    order_id: str
    engine_id: str
    asset: str
    order_type: str
    time_in_force: str
    client_order_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def new_order_id(taken: Mapping[str, object]) -> str:
    """A fresh `ord_` id not in `taken` (random, so a restarted sandbox never reuses one)."""
    while True:
        order_id = "ord_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(ORDER_ID_LENGTH))
        if order_id not in taken:
            return order_id


def fill_id(fill: SimFill) -> str:
    """The fill's ZenOTC id: `fill_` + the engine fill UUID in hex (unique and stable)."""
    return "fill_" + uuid.UUID(fill.fill_id).hex


def status_of(info: ZenOrderInfo, order: SimOrder) -> ZenStatus:
    """The ZenOTC status of an order (decision 8 for IOC/FOK rests)."""
    if order.status is SimStatus.COMPLETE:
        return ZenStatus.FILLED
    if order.status is SimStatus.FAILED:
        return ZenStatus.REJECTED
    if order.status is SimStatus.CANCELED:
        # The engine cancels an IOC/FOK/market rest itself; only GTC limits rest, and only a
        # user's cancel ends them unfilled.
        immediate = info.time_in_force != "GTC" or info.order_type == "market"
        return ZenStatus.EXPIRED if immediate else ZenStatus.CANCELLED
    return ZenStatus.PARTIALLY_FILLED if order.filled_qty > 0 else ZenStatus.OPEN


def iso_ms(ts: datetime) -> str:
    """ISO 8601 UTC with milliseconds and `Z`, as the doc's `2024-01-15T10:30:00.000Z`."""
    ts = ts.astimezone(UTC)
    return f"{ts:%Y-%m-%dT%H:%M:%S}.{ts.microsecond // 1000:03d}Z"


def average_price(order: SimOrder) -> Decimal | None:
    """Volume-weighted average fill price, USD per base, 8 decimals; None before a fill."""
    average = order.avg_price
    return None if average is None else average.quantize(AVERAGE_PRICE_QUANTUM)


def order_object(info: ZenOrderInfo, order: SimOrder, *, with_metadata: bool) -> dict[str, Any]:
    """The Order object, keys in the doc's order.

    `remainingQuantity` is `quantity - filledQuantity` in every status (our reading: what was
    never filled). The create response has no `metadata` key (the doc's example); get,
    by-client-id and amend carry it, `{}` when none was sent.
    """
    body: dict[str, Any] = {
        "orderId": info.order_id,
        "clientOrderId": info.client_order_id,
        "side": order.side.value,
        "asset": info.asset,
        "quantity": order.quantity,
        "price": order.limit_price if info.order_type == "limit" else None,
        "orderType": info.order_type,
        "timeInForce": info.time_in_force,
        "status": status_of(info, order).value,
        "filledQuantity": order.filled_qty,
        "remainingQuantity": max(order.quantity - order.filled_qty, Decimal(0)),
        "averagePrice": average_price(order),
    }
    if with_metadata:
        body["metadata"] = info.metadata
    body["createdAt"] = iso_ms(order.created_ts)
    body["updatedAt"] = iso_ms(order.updated_ts)
    return body


def list_item(info: ZenOrderInfo, order: SimOrder) -> dict[str, Any]:
    """An item of `GET /api/sdk/orders`: only the nine fields of the doc's example."""
    return {
        "orderId": info.order_id,
        "clientOrderId": info.client_order_id,
        "side": order.side.value,
        "asset": info.asset,
        "quantity": order.quantity,
        "price": order.limit_price if info.order_type == "limit" else None,
        "status": status_of(info, order).value,
        "filledQuantity": order.filled_qty,
        "createdAt": iso_ms(order.created_ts),
    }


def fill_item(info: ZenOrderInfo, order: SimOrder, fill: SimFill) -> dict[str, Any]:
    """An item of `GET /api/sdk/orders/:orderId/fills`; `fee` is exactly 0.05 % of notional."""
    return {
        "fillId": fill_id(fill),
        "orderId": info.order_id,
        "price": fill.price,
        "quantity": fill.quantity,
        "side": order.side.value,
        "fee": fill.quantity * fill.price * FEE_RATE,
        "feeCurrency": QUOTE_CURRENCY,
        "executedAt": iso_ms(fill.ts),
    }


class ZenotcJSONResponse(ExactJSONResponse):
    """`ExactJSONResponse` that also writes floats, as the decimal of their shortest repr."""

    floats = True
