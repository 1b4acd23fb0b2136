"""The KuCoin Futures emulator's response shapes: OrderRecord, FillRecord, Page, statistics.

Field lists and order are the doc's (notes.md §2.3, §2.4, §2.5); canonical output per
decisions §6.3/§6.4 (`stopPrice` a decimal string or null, `leverage` a string, `visibleSize`
an int, `remark` null, `tags` `""`, `endAt` null while open, `price` `"0"` for market orders)
and §6.24 (decimal strings without exponent or trailing zeros). Times: ms, except `orderTime`
and `tradeTime` in ns (§3 "Timestamps").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from gui.domain.orders import Side
from gui.sandbox.kucoin_futures_contracts import SETTLE_CURRENCY, decimal_str, to_ms, to_ns
from gui.sandbox.kucoin_futures_orders import KucoinFill, KucoinOrder

_AVERAGE_QUANTUM = Decimal("1E-10")  # an average price may not terminate; 10 decimals


def _average_price(order: KucoinOrder) -> str:
    # Linear contracts: sum(value) / sum(lots x multiplier) (§2.4 `avgDealPrice`).
    if order.filled_lots == 0:
        return "0"
    quantity = order.contract.base_qty(order.filled_lots)
    return decimal_str((order.filled_value / quantity).quantize(_AVERAGE_QUANTUM))


def display_type(order: KucoinOrder) -> str:
    """`limit`, `market`, `limit_stop` or `market_stop` (§2.5 `displayType`)."""
    return f"{order.spec.order_type}_stop" if order.is_stop else order.spec.order_type


def order_record(order: KucoinOrder) -> dict[str, Any]:
    """The 38-field OrderRecord of §2.4, in the doc's field order."""
    spec = order.spec
    contract = order.contract
    if spec.price is not None:
        price, value = decimal_str(spec.price), decimal_str(contract.value(order.lots, spec.price))
    else:
        price, value = "0", decimal_str(order.filled_value)
    filled_value = decimal_str(order.filled_value)
    end = order.end
    # `leverage` may be absent on a reduce-only or close order (§6.7); "1" is shown then.
    leverage = "1" if spec.leverage is None else decimal_str(spec.leverage)
    return {
        "id": order.order_id,
        "symbol": contract.symbol,
        "type": spec.order_type,
        "side": order.side.value,
        "price": price,
        "size": order.lots,
        "value": value,
        "dealValue": filled_value,
        "dealSize": order.filled_lots,
        "stp": spec.stp,
        "stop": spec.stop or "",
        "stopPriceType": (spec.stop_price_type or "") if order.is_stop else "",
        "stopTriggered": order.triggered is not None,
        "stopPrice": None if spec.stop_price is None else decimal_str(spec.stop_price),
        "timeInForce": spec.time_in_force,
        "postOnly": spec.post_only,
        "hidden": spec.hidden,
        "iceberg": spec.iceberg,
        "leverage": leverage,
        "forceHold": spec.force_hold,
        "closeOrder": spec.close_order,
        "visibleSize": spec.visible_size or 0,
        "clientOid": order.client_oid,
        "remark": spec.remark,
        "tags": "",
        "isActive": order.is_active,
        "cancelExist": order.cancel_exist,
        "createdAt": to_ms(order.created),
        "updatedAt": to_ms(order.updated),
        "endAt": None if end is None else to_ms(end),
        "orderTime": to_ns(order.created),
        "settleCurrency": SETTLE_CURRENCY,
        "marginMode": spec.margin_mode,
        "avgDealPrice": _average_price(order),
        "status": "open" if order.is_active else "done",
        "filledSize": order.filled_lots,
        "filledValue": filled_value,
        "reduceOnly": spec.reduce_only,
    }


def fill_record(fill: KucoinFill, *, with_tax: bool) -> dict[str, Any]:
    """The FillRecord of §2.5; `with_tax` adds `openFeeTaxPay`/`closeFeeTaxPay` (`/fills`
    only, not `/recentFills`). `tradeType` is always `trade` (§6.19)."""
    order = fill.order
    record: dict[str, Any] = {
        "symbol": order.contract.symbol,
        "tradeId": fill.trade_id,
        "orderId": order.order_id,
        "side": order.side.value,
        "liquidity": fill.liquidity,
        "forceTaker": False,
        "price": decimal_str(fill.price),
        "size": fill.lots,
        "value": decimal_str(fill.value),
        "openFeePay": decimal_str(fill.open_fee),
        "closeFeePay": decimal_str(fill.close_fee),
        "stop": order.spec.stop or "",
        "feeRate": decimal_str(fill.fee_rate),
        "fixFee": "0",
        "feeCurrency": SETTLE_CURRENCY,
        "tradeTime": to_ns(fill.ts),
        "subTradeType": None,
        "marginMode": order.spec.margin_mode,
        "settleCurrency": SETTLE_CURRENCY,
        "displayType": display_type(order),
        "fee": decimal_str(fill.fee),
        "orderType": order.spec.order_type,
        "tradeType": "trade",
        "createdAt": to_ms(fill.ts),
    }
    if with_tax:
        record["openFeeTaxPay"] = "0"
        record["closeFeeTaxPay"] = "0"
    return record


def page(items: Sequence[dict[str, Any]], current_page: int, page_size: int) -> dict[str, Any]:
    """The Page wrapper of §2.3: `totalPage = ceil(totalNum / pageSize)` (§6.16)."""
    start = (current_page - 1) * page_size
    return {
        "currentPage": current_page,
        "pageSize": page_size,
        "totalNum": len(items),
        "totalPage": math.ceil(len(items) / page_size),
        "items": list(items[start : start + page_size]),
    }


def open_order_statistics(orders: Sequence[KucoinOrder], symbol: str) -> dict[str, Any]:
    """`GET /api/v1/openOrderStatistics` (§2.2 (16)): unfilled lots and their value per side
    over the symbol's active orders, untriggered stops excluded (decision §6.18)."""
    sizes = {Side.BUY: 0, Side.SELL: 0}
    costs = {Side.BUY: Decimal(0), Side.SELL: Decimal(0)}
    for order in orders:
        if order.contract.symbol != symbol or order.spec.price is None:
            continue
        unfilled = order.working_lots - order.filled_lots
        sizes[order.side] += unfilled
        costs[order.side] += order.contract.value(unfilled, order.spec.price)
    return {
        "openOrderBuySize": sizes[Side.BUY],
        "openOrderSellSize": sizes[Side.SELL],
        "openOrderBuyCost": decimal_str(costs[Side.BUY]),
        "openOrderSellCost": decimal_str(costs[Side.SELL]),
        "settleCurrency": SETTLE_CURRENCY,
    }
