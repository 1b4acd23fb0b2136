"""The composite order shapes of the Tread.fi emulator: detail, 201 submit, summary, stats.

Each follows the example of its section in shared/venues/treadfi/api-reference.md (see
notes.md §3): number encodings differ per endpoint on purpose, because the doc's do
(decision 3: one encoding per endpoint, kept fixed).
"""

from __future__ import annotations

import math
import uuid
from decimal import Decimal
from typing import Any

from gui.domain.orders import Side
from gui.sandbox.market import split_pair
from gui.sandbox.sim_order import WORKING_STATUSES, SimOrder
from gui.sandbox.treadfi_wire import (
    STRATEGY_IDS,
    USER_ID,
    TreadOrderInfo,
    decimal_str,
    duration_s,
    flat_fills,
    iso,
    list_item,
    number,
    placement_items,
    price_str,
    target_of,
    token_amounts,
)


def detail(info: TreadOrderInfo, order: SimOrder, *, include_fills: bool) -> dict[str, Any]:
    """`GET /api/order/{id}` (decision 21): the list item plus `placements[]` (with nested
    fills), `super_strategy_name`, `paused_at`, `resumed_at`, `orig_time_end`, and the flat
    `fills[]` only when `include_fills` is true."""
    body = list_item(info, order)
    body["placements"] = placement_items(info, order)
    body["super_strategy_name"] = info.super_strategy
    body["paused_at"] = iso(order.paused_ts)
    body["resumed_at"] = iso(order.resumed_ts)
    body["orig_time_end"] = iso(order.original_end or order.expected_end)
    if include_fills:
        body["fills"] = flat_fills(info, order)
    return body


def created(info: TreadOrderInfo, order: SimOrder) -> dict[str, Any]:
    """The 201 body of `POST /api/orders/`: the 66 fields of §3.3, encoded as its example
    (decimal strings for amounts and parameters, floats for computed quantities, strategy as
    UUID, benchmarks only once the order is terminal)."""
    base, quote = split_pair(order.pair)
    buying = order.side is Side.BUY
    target = target_of(info, order)
    buy_amount, sell_amount = token_amounts(info, order)
    finished = order.is_terminal
    strategy_name = info.strategy_name
    return {
        "id": order.order_id,
        "parent_order": None,
        "batch_order": None,
        "chained_orders": [],
        "created_at": iso(order.created_ts),
        "buy_token": base if buying else quote,
        "sell_token": quote if buying else base,
        "pair": order.pair,
        "side": order.side.value,
        "sell_token_amount": decimal_str(sell_amount),
        "buy_token_amount": decimal_str(buy_amount),
        "target_order_qty": number(target.order_qty),
        "target_remaining_qty": number(target.remaining),
        "strategy": STRATEGY_IDS[strategy_name],
        "super_strategy": info.super_strategy,
        "super_strategy_name": info.super_strategy,
        "strategy_params": dict(info.strategy_params),
        "limit_price": decimal_str(order.limit_price) or "",
        "is_reverse_limit_price": info.is_reverse_limit_price,
        "time_start": iso(order.start),
        "time_end": iso(order.expected_end),
        "is_simple": order.is_simple,
        "orig_time_end": iso(order.original_end or order.expected_end),
        "duration": duration_s(order),
        "accounts": [account.account_id for account in info.accounts],
        "account_names": [account.name for account in info.accounts],
        "unique_venues": list(dict.fromkeys(account.exchange for account in info.accounts)),
        "user": USER_ID,
        "placements": placement_items(info, order),
        "executed_qty": number(target.executed),
        "executed_buy_qty": number(order.filled_qty if buying else order.notional),
        "executed_price": price_str(order.avg_price),
        "executed_notional": number(order.notional),
        "executed_token": number(target.executed),
        "active": order.status in WORKING_STATUSES,
        "status": order.status.value,
        "engine_passiveness": decimal_str(info.engine_passiveness),
        "schedule_discretion": decimal_str(info.schedule_discretion),
        "alpha_tilt": decimal_str(info.alpha_tilt),
        "exposure_tolerance": None,
        "pov_limit": decimal_str(info.pov_limit),
        "pov_target": decimal_str(order.pov_target),
        "order_condition": info.order_condition,
        "order_condition_vars": {},
        "order_condition_expiry": None,
        "failure_reason": order.failure_reason,
        "stop_price": "-1",
        "notes": info.notes,
        "custom_order_id": info.custom_order_id,
        "updated_leverage": info.updated_leverage,
        "vwap": price_str(_market_vwap(order)) if finished else None,
        "interval_volume": decimal_str(order.interval_volume) if finished else None,
        "arrival_price": decimal_str(order.arrival_price) if finished else None,
        "departure_price": decimal_str(order.departure_price) if finished else None,
        "pct_filled": number(target.pct_filled),
        "order_variable_normal": {},
        "order_condition_normal": info.order_condition or "",
        "paused_at": iso(order.paused_ts),
        "resumed_at": iso(order.resumed_ts),
        "market_type": info.market_type,
        "max_otc": decimal_str(info.max_otc),
        "pos_side": info.pos_side,
        "order_slices": info.order_slices,
        "auto_order_metadata": {},
        "batch_order_strategy": None,
        "chase_decay": None,
    }


def _market_vwap(order: SimOrder) -> Decimal | None:
    # An order done within one step (Market, IOC) saw no market volume: its own fills are
    # the whole window's trading.
    return order.avg_price if order.market_vwap is None else order.market_vwap


def _summary_fields(info: TreadOrderInfo, order: SimOrder) -> dict[str, Any]:
    target = target_of(info, order)
    live_qty = sum(
        (p.quantity - p.filled_qty for p in order.placements if p.status == "ACTIVE"), Decimal(0)
    )
    return {
        "id": order.order_id,
        "pair": order.pair,
        "side": order.side.value,
        "status": order.status.value,
        "start_datetime": iso(order.start),
        "duration": duration_s(order),
        "target_token": target.token,
        "order_qty": target.order_qty,  # decision 22: `order_qty`, as in the example
        "remaining_qty": target.remaining,
        "executed_qty": target.executed,
        "executed_notional": order.notional,
        "exchange_names": list(dict.fromkeys(account.exchange for account in info.accounts)),
        "account_names": [account.name for account in info.accounts],
        "schedule_discretion": info.schedule_discretion,
        "engine_passiveness": info.engine_passiveness,
        "alpha_tilt": info.alpha_tilt,
        "strategy": info.super_strategy,
        "trajectory": info.strategy_name,
        "strategy_params": dict(info.strategy_params),
        "participation_rate_target_percent": (
            None if order.pov_target is None else order.pov_target * 100
        ),
        "market_type": info.market_type,
        "parent_order_id": None,
        "failure_reason": order.failure_reason,
        "limit_price": decimal_str(order.limit_price) or "",
        "placement_live_qty": live_qty,
    }


def summary(info: TreadOrderInfo, order: SimOrder) -> dict[str, Any]:
    """`GET /api/order_summary/{id}` (§3.4): numbers as floats, as in its example."""
    return {
        name: number(value) if isinstance(value, Decimal) else value
        for name, value in _summary_fields(info, order).items()
    }


def stats_item(info: TreadOrderInfo, order: SimOrder) -> dict[str, Any]:
    """An `/api/orders_with_stats/` item (§3.5): the summary with `time_start`, decimal
    strings, `stats{}` and flat fills with lowercase roles.

    The pair in slash form and the upper-case market type reproduce the doc's example, so
    that a client exercises its normalisation (decision 33).
    """
    fields = _summary_fields(info, order)
    item: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "start_datetime":
            item["time_start"] = value
        elif isinstance(value, Decimal):
            item[name] = decimal_str(value)
        else:
            item[name] = value
    item["pair"] = order.pair.replace("-", "/")
    item["market_type"] = info.market_type.upper()
    item["stats"] = {
        "order_id": order.order_id,
        "stat_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"treadfi-sandbox-stats:{order.order_id}")),
        "interval_volume": decimal_str(order.interval_volume),
        "vwap": price_str(_market_vwap(order)),
        "arrival_price": decimal_str(order.arrival_price),
        "departure_price": decimal_str(order.departure_price),
    }
    item["fills"] = flat_fills(info, order, lowercase_role=True)
    return item


def page_envelope(items: list[dict[str, Any]], page: int, page_size: int) -> dict[str, Any]:
    """The paginated envelope of §3.1/§3.5 for page `page` (1-based) of `items`.

    Decision 19: `num_pages` is at least 1 and a page past the end is empty, not an error.
    """
    count = len(items)
    return {
        "orders": items[(page - 1) * page_size : page * page_size],
        "page_number": page,
        "page_size": page_size,
        "num_pages": max(1, math.ceil(count / page_size)),
        "order_count": count,
    }
