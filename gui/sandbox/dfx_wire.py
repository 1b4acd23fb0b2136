"""The DFX Labs emulator's response objects, in the venue's spelling and key order.

Shapes from shared/venues/dfx/api-reference.md §4-6 (orders) and notes.md §2.3 (trades):
decimals are strings without trailing zeros, `orderId` is a JSON number in order objects
(and a string in the create and cancel answers), an unset `clientOid` or `failedReason` is a
single space, times in ms.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from gui.sandbox.dfx_book import DfxOrder, DfxStatus, DfxTrade, to_ms
from gui.sandbox.dfx_symbols import decimal_text

UNSET = " "
"""How the venue writes an unset `clientOid` / `failedReason` (reference doc §4)."""
STOP_STATUS = "PENDING"
"""`stopStatus` of every example order, plain LIMIT orders included (reference doc §4-6);
the emulator has no conditional orders, so it never changes (notes.md §2.7(6))."""
STOP_TYPE = "UP"
"""`stopType` of every `finish_order` example, likewise constant here."""
AVERAGE_PRICE_QUANTUM = Decimal("0.00000001")
"""`averagePrice` is rounded half-even to this (an average need not terminate)."""


def order_object(order: DfxOrder, *, finished: bool = False) -> dict[str, Any]:
    """One order as `GET /api/v1/spot/order` (`data`) and `open_order` (`data[]`) return it;
    with `finished`, as `finish_order` does (adds `stopType` and `averagePrice`).

    Keys in the doc's order. LIMIT: `amount` = price x quantity. MARKET: `price` and
    `quantity` are `"0"` (the request had none) and `amount` is the requested quote amount
    (our choice; the doc shows LIMIT orders only). `tradeQty` base and `tradeAmount` quote
    filled so far; `failedReason` is the engine's reason for a REJECT, else " ".
    """
    sim = order.sim
    status = order.status
    body: dict[str, Any] = {
        "clientOid": order.client_oid if order.client_oid is not None else UNSET,
        "orderId": order.order_id,
        "accountId": order.account_id,
        "side": order.side.value.upper(),
        "symbol": order.spec.symbol,
        "price": decimal_text(order.price) if order.price is not None else "0",
        "quantity": decimal_text(order.quantity) if order.quantity is not None else "0",
        "amount": decimal_text(order.amount),
        "status": status.value,
        "tradeQty": decimal_text(sim.filled_qty),
        "tradeAmount": decimal_text(sim.notional),
        "orderType": order.order_type,
    }
    if finished:
        body["stopType"] = STOP_TYPE
    body["stopStatus"] = STOP_STATUS
    if finished:
        average = Decimal(0)
        if sim.filled_qty > 0:
            average = (sim.notional / sim.filled_qty).quantize(
                AVERAGE_PRICE_QUANTUM, rounding=ROUND_HALF_EVEN
            )
        body["averagePrice"] = decimal_text(average)
    reason = sim.failure_reason if status is DfxStatus.REJECT else ""
    body["failedReason"] = reason or UNSET
    return body


def trade_object(trade: DfxTrade) -> dict[str, Any]:
    """One `data[]` item of `GET /api/v1/account/trades`, keys in the venue example's order
    (`tradeId` and `time` are strings there; `isMaker` a boolean)."""
    return {
        "tradeId": str(trade.trade_id),
        "symbol": trade.order.spec.symbol,
        "price": decimal_text(trade.price),
        "quantity": decimal_text(trade.quantity),
        "amount": decimal_text(trade.amount),
        "type": trade.order.order_type,
        "side": trade.order.side.value.upper(),
        "isMaker": trade.is_maker,
        "feeAsset": trade.fee_asset,
        "fee": decimal_text(trade.fee),
        "time": str(to_ms(trade.ts)),
    }
