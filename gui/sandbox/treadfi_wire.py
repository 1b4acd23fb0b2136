"""Tread.fi's vocabulary for the emulator: accounts, strategies, per-order metadata, number and
time formats, and the per-order shapes the composite ones are built from.

Source: shared/venues/treadfi/api-reference.md, digested in notes.md. Shapes here: the list
item (§3.1), the three fill shapes (§4.9), placements (§3.6 Shape B) and order messages (§3.8);
`treadfi_shapes` builds detail, 201, summary and stats from them. The engine keeps base
quantities; an order sized in the quote asset reports its target in the quote token.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from gui.domain.orders import Side
from gui.sandbox.market import split_pair
from gui.sandbox.sim_order import (
    WORKING_STATUSES,
    Role,
    SimOrder,
    SimPlacement,
    SimStatus,
)

USER_ID = "1"
"""The emulated user's id, a string of an integer as in the doc's examples (§4.1)."""

STRATEGY_IDS: dict[str, str] = {
    # TWAP's UUID is the one the doc and the official client README show (§4.3); VWAP's is the
    # strategy of the doc's 201 example (Impact Minimization is a VWAP trajectory); the rest
    # are fixed values of ours (decision 6).
    "TWAP": "6fe4ba3e-c578-45bd-824c-c523bf3c56de",
    "VWAP": "8fd62b68-85d9-4346-8366-311c9a2a1d7a",
    "IS": "18bdb4a5-b6d1-4af6-a8ae-d71f91340583",
    "Target Time": "b4fafe09-5f0e-4d6f-a22a-390ab1ed21fc",
    "Market": "97d91b19-8151-47bc-ab4c-22bcab7afbd9",
    "Limit": "6efe0632-c37e-41e8-ab79-35885aa3f553",
    "IOC": "df78a770-2e1a-4de3-8dde-48489e009574",
    "Iceberg": "48221115-0706-42ce-8b4f-f952f05e12e6",
}
"""Strategy name (Type Reference spelling) -> this instance's strategy UUID."""
SIMPLE_STRATEGY_NAMES = frozenset({"Market", "Limit", "IOC", "Iceberg"})
"""Strategies that are one exchange order; algo parameters are ignored for them (§4.3)."""

_EXCHANGES = {"binance": "Binance", "bybit": "Bybit", "okx": "OKX", "coinbase": "Coinbase"}
_PRICE_QUANTUM = Decimal("0.00000001")
_PERCENT_QUANTUM = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class TreadAccount:
    """One linked exchange account of the emulated user.

    Attributes:
        name: Display name, as sent in `accounts` and `account_names`.
        account_id: Exchange-credential UUID, as returned in `accounts`.
        exchange: Venue name for `exchanges`, `unique_venues` and placements.
    """

    name: str
    account_id: str
    exchange: str

    @classmethod
    def named(cls, name: str) -> TreadAccount:
        """The account for a display name; the exchange comes from its last `-` part."""
        suffix = name.rsplit("-", 1)[-1].lower()
        account_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"treadfi-sandbox-account:{name}"))
        return cls(name, account_id, _EXCHANGES.get(suffix, "MockExchange"))


def account_book(names: Sequence[str]) -> dict[str, TreadAccount]:
    """Display name -> account, for the emulated user's accounts (decision 29)."""
    return {name: TreadAccount.named(name) for name in names}


@dataclass(slots=True)
class TreadOrderInfo:
    """What the emulator keeps per order beside the engine's `SimOrder`.

    Attributes:
        strategy_name: Type Reference name reported in list shapes ("POV" is stored as "TWAP").
        accounts: The order's accounts, in request order.
        reference_price: Mid at submission, quote per base; prices the non-target token amount.
        quote_target: The order's size in quote asset when it was sized in quote, else None.
        custom_order_id: Client id, "" if none (max 64 chars).
        notes: Free text.
        engine_passiveness: [0, 1].
        schedule_discretion: [0.02, 0.5].
        alpha_tilt: [-1, 1].
        pov_limit: Participation cap in (0, 1], or None.
        strategy_params: As sent (known keys type-checked).
        super_strategy: As sent, or None.
        is_reverse_limit_price: As sent.
        pos_side: "long", "short" or None.
        market_type: "spot", "perp", ...
        order_condition: The RPN trigger as sent, or None.
        updated_leverage: As sent, or None.
        order_slices: As sent, or None.
        max_otc: [0, 1].
    """

    strategy_name: str
    accounts: tuple[TreadAccount, ...]
    reference_price: Decimal
    quote_target: Decimal | None = None
    custom_order_id: str = ""
    notes: str = ""
    engine_passiveness: Decimal = Decimal("0.02")
    schedule_discretion: Decimal = Decimal("0.08")
    alpha_tilt: Decimal = Decimal(0)
    pov_limit: Decimal | None = None
    strategy_params: dict[str, Any] = field(default_factory=dict)
    super_strategy: str | None = None
    is_reverse_limit_price: bool = False
    pos_side: str | None = None
    market_type: str = "spot"
    order_condition: str | None = None
    updated_leverage: int | None = None
    order_slices: int | None = None
    max_otc: Decimal = Decimal(0)


def decimal_str(value: Decimal | None) -> str | None:
    """A decimal string without exponent or trailing zeros (`"0.5"`, `"60000"`), None for None."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def price_str(value: Decimal | None) -> str | None:
    """A computed price (average, VWAP) rounded to 8 decimals, as `decimal_str`."""
    return None if value is None else decimal_str(value.quantize(_PRICE_QUANTUM))


def number(value: Decimal | None) -> float | None:
    """A JSON float, for the fields the doc shows as floats (201 quantities, summary)."""
    return None if value is None else float(value)


def iso(ts: datetime | None) -> str | None:
    """ISO 8601 UTC with microseconds and `Z`, as in the doc's examples (§4.5)."""
    return None if ts is None else ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class Target:
    """An order's progress in its target token (decision 32).

    Attributes:
        token: Base token for base-sized orders, quote token for quote-sized ones.
        order_qty: Target size.
        executed: Executed, in `token` (equals `executed_qty`).
        remaining: Still to execute (zero once COMPLETE).
        pct_filled: 0-100, two decimals, rounded down.
    """

    token: str
    order_qty: Decimal
    executed: Decimal
    remaining: Decimal
    pct_filled: Decimal


def target_of(info: TreadOrderInfo, order: SimOrder) -> Target:
    """The target-token view of an order."""
    base, quote = split_pair(order.pair)
    if info.quote_target is not None:
        token, total, executed = quote, info.quote_target, order.notional
    else:
        token, total, executed = base, order.quantity, order.filled_qty
    complete = order.status is SimStatus.COMPLETE
    remaining = Decimal(0) if complete else max(total - executed, Decimal(0))
    percent = Decimal(100) if complete else min(Decimal(100), 100 * executed / total)
    return Target(token, total, executed, remaining, percent.quantize(_PERCENT_QUANTUM, ROUND_DOWN))


def token_amounts(info: TreadOrderInfo, order: SimOrder) -> tuple[Decimal | None, Decimal]:
    """(`buy_token_amount`, `sell_token_amount`) per §4.2: the target token's amount is exact;
    the other is priced at the reference price; `buy_token_amount` is null when the order
    targets its sell token."""
    buying = order.side is Side.BUY
    if info.quote_target is not None:
        quote_amount = info.quote_target
        base_amount = order.quantity
    else:
        base_amount = order.quantity
        quote_amount = (order.quantity * info.reference_price).quantize(Decimal("0.01"))
    buy_amount, sell_amount = (base_amount, quote_amount) if buying else (quote_amount, base_amount)
    targets_buy_token = buying == (info.quote_target is None)
    return (buy_amount if targets_buy_token else None), sell_amount


def duration_s(order: SimOrder) -> int:
    """Window length in seconds (expected, for open-ended POV; 0 for simple orders)."""
    return round((order.expected_end - order.start).total_seconds())


def _exchange_by_placement(info: TreadOrderInfo, order: SimOrder) -> dict[str, str]:
    # Placements rotate over the order's accounts' venues.
    venues = [account.exchange for account in info.accounts]
    return {
        placement.placement_id: venues[index % len(venues)]
        for index, placement in enumerate(order.placements)
    }


def external_id(any_uuid: str) -> str:
    """A numeric exchange-side id derived from one of our UUIDs."""
    return str(uuid.UUID(any_uuid).int % 10**10)


def list_item(info: TreadOrderInfo, order: SimOrder) -> dict[str, Any]:
    """The §3.1 order-list item (47 fields; numbers as decimal strings, as in its example)."""
    base, quote = split_pair(order.pair)
    buying = order.side is Side.BUY
    target = target_of(info, order)
    buy_amount, sell_amount = token_amounts(info, order)
    avg_price = order.avg_price
    return {
        "id": order.order_id,
        "custom_order_id": info.custom_order_id,
        "parent_order_id": None,
        "batch_order_id": None,
        "batch_order_strategy": None,
        "notes": info.notes,
        "pair": order.pair,
        "side": order.side.value,
        "exchanges": list(dict.fromkeys(account.exchange for account in info.accounts)),
        "buy_token": base if buying else quote,
        "buy_token_amount": decimal_str(buy_amount),
        "sell_token": quote if buying else base,
        "sell_token_amount": decimal_str(sell_amount),
        "executed_qty": decimal_str(target.executed),
        "executed_buy_qty": decimal_str(order.filled_qty if buying else order.notional),
        "average_executed_price": price_str(avg_price),
        "executed_notional": decimal_str(order.notional),
        "target_order_qty": decimal_str(target.order_qty),
        "target_remaining_qty": decimal_str(target.remaining),
        "target_token": target.token,
        "target_executed_qty": decimal_str(target.executed),
        "pct_filled": str(target.pct_filled),
        "total_fee": decimal_str(order.fees),
        "fee_asset": quote,
        "total_fee_in_base": price_str(order.fees / avg_price if avg_price else Decimal(0)),
        "strategy": info.strategy_name,
        "super_strategy": info.super_strategy,
        "duration": duration_s(order),
        "accounts": [account.account_id for account in info.accounts],
        "account_names": [account.name for account in info.accounts],
        "engine_passiveness": decimal_str(info.engine_passiveness),
        "schedule_discretion": decimal_str(info.schedule_discretion),
        "pov_limit": decimal_str(info.pov_limit),
        "pov_target": decimal_str(order.pov_target),
        "alpha_tilt": decimal_str(info.alpha_tilt),
        "strategy_params": dict(info.strategy_params),
        "user": USER_ID,
        "status": order.status.value,
        "active": order.status in WORKING_STATUSES,  # decision 11
        "is_simple": order.is_simple,
        "failure_reason": order.failure_reason,
        "limit_price": decimal_str(order.limit_price) or "",  # decision 24
        "is_reverse_limit_price": info.is_reverse_limit_price,
        "time_start": iso(order.start),
        "time_end": iso(order.expected_end),
        "created_at": iso(order.created_ts),
        "updated_at": iso(order.updated_ts),
    }


def active_fills(info: TreadOrderInfo, order: SimOrder) -> list[dict[str, Any]]:
    """The order's fills in the active-orders shape (§3.2); `quantity` in base, fee in quote."""
    exchanges = _exchange_by_placement(info, order)
    return [
        {
            "id": fill.fill_id,
            "order_id": order.order_id,
            "exchange": exchanges[fill.placement_id],
            "pair": order.pair,
            "side": order.side.value,
            "quantity": decimal_str(fill.quantity),
            "price": decimal_str(fill.price),
            "timestamp": iso(fill.ts),
            "fee": decimal_str(fill.fee),
            "fee_currency": split_pair(order.pair)[1],
        }
        for fill in order.fills
    ]


def flat_fills(
    info: TreadOrderInfo, order: SimOrder, *, lowercase_role: bool = False
) -> list[dict[str, Any]]:
    """The order's fills in the flat shape (§3.6 detail; §3.5 stats with lowercase roles)."""
    exchanges = _exchange_by_placement(info, order)
    return [
        {
            "placement_id": fill.placement_id,
            "exchange": exchanges[fill.placement_id],
            "role": fill.role if lowercase_role else _role(fill.role),
            "executed_price": decimal_str(fill.price),
            "executed_qty": decimal_str(fill.quantity),
            "executed_notional": decimal_str(fill.notional),
            "fee": decimal_str(fill.fee),
            "fill_time": iso(fill.ts),
        }
        for fill in order.fills
    ]


def placement_items(info: TreadOrderInfo, order: SimOrder) -> list[dict[str, Any]]:
    """The order's placements with their nested fills, as in the §3.6 Shape B example."""
    exchanges = _exchange_by_placement(info, order)
    return [
        _placement_item(info, order, placement, exchanges[placement.placement_id])
        for placement in order.placements
    ]


def _role(role: Role) -> str:
    return "MAKE" if role == "maker" else "TAKE"


def _placement_item(
    info: TreadOrderInfo, order: SimOrder, placement: SimPlacement, exchange: str
) -> dict[str, Any]:
    return {
        "id": placement.placement_id,
        "created_at": iso(placement.created_ts),
        "order": order.order_id,
        "placement_type": _role(placement.role),
        "price": decimal_str(placement.price),
        "qty": decimal_str(placement.quantity),
        "exchange": exchange,
        "fills": [
            {
                "id": fill.fill_id,
                "created_at": iso(fill.ts),
                "fill_time": iso(fill.ts),
                "role": _role(fill.role),
                "external_id": external_id(fill.fill_id),
                "executed_price": decimal_str(fill.price),
                "executed_qty": decimal_str(fill.quantity),
                "exchange": exchange,
                "fee": decimal_str(fill.fee),
            }
            for fill in placement.fills
        ],
        "passiveness": decimal_str(info.engine_passiveness),
        "filled": placement.status == "COMPLETE",
        "external_id": external_id(placement.placement_id),
        "status": placement.status,
        "sub_status": None,
        "is_cross": False,
        "is_simple": order.is_simple,
        "contract_value": "1",
    }


def order_messages(order: SimOrder) -> list[dict[str, str | None]]:
    """The order's log in the §3.8 shape, newest first."""
    return [
        {"message": message.text, "message_type": message.level, "created_at": iso(message.ts)}
        for message in reversed(order.messages)
    ]
