"""Reading a Tread.fi submit (`POST /api/orders/`, notes.md §3.3) in the emulator.

Checks follow the order of the doc's refusals: missing fields, quantity fields, side,
strategy, accounts, pair, then values. Bodies are the §3.3 / §5.3 ones; where the doc names a
case without its words, the message is ours and says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from gui.domain.orders import Side, Strategy
from gui.sandbox.market import floor_to, pair_spec, split_pair
from gui.sandbox.sim_order import OrderRequest
from gui.sandbox.treadfi_requests import (
    ApiError,
    is_absent,
    rejected,
    resolve_accounts,
    to_decimal,
)
from gui.sandbox.treadfi_wire import (
    SIMPLE_STRATEGY_NAMES,
    STRATEGY_IDS,
    TreadAccount,
    TreadOrderInfo,
)

QTY_FIELDS = ("base_asset_qty", "quote_asset_qty", "sell_token_amount")
"""Exactly one of these sizes an order (§3.3)."""
CUSTOM_ORDER_ID_MAX_LEN = 64
"""Longest `custom_order_id` (§3.3)."""
_PAIR = re.compile(r"^([A-Za-z0-9]+)(:\w+)?-([A-Za-z0-9]+)$")
# Tokens the emulated venue lists; anything else is refused as §3.3 shows
# (`{"errors": ["Invalid buy_token ASDF"]}`), naming the unknown token.
LISTED_TOKENS = frozenset(
    {"BTC", "ETH", "SOL", "XRP", "DOGE", "AVAX", "LINK", "USDT", "USDC", "USD"}
)
_STRATEGY_ALIASES = {"LIMIT": "Limit", "MARKET": "Market", "POV": "TWAP"}  # decisions 6, 7
_STRATEGY_BY_ID = {strategy_id: name for name, strategy_id in STRATEGY_IDS.items()}
_BOOLEAN_PARAMS = (
    "passive_only",
    "active_limit",
    "reduce_only",
    "ool_pause",
    "strict_duration",
    "dicy",
    "spot_leverage",
    "entry",
)


def resolve_strategy(raw: object) -> str | None:
    """The Type Reference name for a strategy name, alias or UUID (decisions 6, 7)."""
    if not isinstance(raw, str):
        return None
    if raw in STRATEGY_IDS:
        return raw
    return _STRATEGY_ALIASES.get(raw) or _STRATEGY_BY_ID.get(raw.lower())


def _bounded(
    body: Mapping[str, Any], name: str, low: Decimal, high: Decimal, default: Decimal
) -> Decimal:
    raw = body.get(name)
    if is_absent(raw):
        return default
    value = to_decimal(raw)
    if value is None or not low <= value <= high:
        raise rejected(f"{name} must be between {low} and {high}")  # our wording
    return value


def _fraction(body: Mapping[str, Any], name: str) -> Decimal | None:
    raw = body.get(name)
    if is_absent(raw):
        return None
    value = to_decimal(raw)
    if value is None or not 0 < value <= 1:  # decision 9: fractions in (0, 1]
        raise rejected(f"{name} must be greater than 0 and at most 1")  # our wording
    return value


def parse_limit_price(raw: object) -> Decimal | None:
    """A limit price: absent/empty is None; otherwise a positive decimal (decision 25).

    Raises:
        ApiError: 400 `{"errors": ["Limit price must be a positive number"]}` (§3.3).
    """
    if is_absent(raw):
        return None
    value = to_decimal(raw)
    if value is None or value <= 0:
        raise rejected("Limit price must be a positive number")
    return value


def _start(raw: object) -> datetime | None:
    # Decision 5: ISO 8601, or a number meaning epoch milliseconds.
    if is_absent(raw):
        return None
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        try:
            return datetime.fromtimestamp(float(raw) / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            raise rejected("Invalid start_datetime format") from None  # our wording
    if isinstance(raw, str):
        try:
            parsed = datetime.fromisoformat(raw.strip())
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    raise rejected("Invalid start_datetime format")  # our wording


def _strategy_params(raw: object) -> dict[str, Any]:
    # Decision 36: keep any keys, type-check the known ones.
    if is_absent(raw):
        return {}
    if not isinstance(raw, dict):
        raise rejected("Invalid strategy_params")  # our wording
    for name in _BOOLEAN_PARAMS:
        if raw.get(name) is not None and not isinstance(raw[name], bool):
            raise rejected(f"strategy_params.{name} must be a boolean")  # our wording
    clip = raw.get("max_clip_size")
    if clip is not None:
        clip_value = to_decimal(clip)
        if clip_value is None or clip_value < 100:
            raise rejected("max_clip_size must be at least 100")  # our wording
    return {name: _plain(value) for name, value in raw.items()}


def _plain(value: Any) -> Any:
    # Echoed back as sent, with the exact decimals we parsed written as decimal strings.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _optional_int(body: Mapping[str, Any], name: str) -> int | None:
    raw = body.get(name)
    if is_absent(raw):
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise rejected(f"{name} must be an integer")  # our wording
    return raw


def parse_submit(
    body: object, book: Mapping[str, TreadAccount], mid_price_of: Callable[[str], Decimal]
) -> tuple[OrderRequest, TreadOrderInfo]:
    """Read a `POST /api/orders/` body into an engine request and the emulator's metadata.

    Args:
        body: The decoded JSON body.
        book: The user's accounts by display name.
        mid_price_of: The current mid of a (validated) pair, quote per base; sizes given in
            the quote asset become base quantities at that price.

    Raises:
        ApiError: The §3.3 / §5.3 refusal for the first problem found.
    """
    if not isinstance(body, dict):
        raise rejected("Invalid order data")
    strategy_name = resolve_strategy(body.get("strategy"))
    simple = strategy_name in SIMPLE_STRATEGY_NAMES
    needs_duration = not simple and is_absent(body.get("pov_target"))
    missing = [
        name
        for name in ("pair", "accounts", "side", "duration", "strategy")
        if is_absent(body.get(name)) and (name != "duration" or needs_duration)
    ]
    if missing:
        raise ApiError(400, {"error": f"Missing required fields: {missing}"})
    sizes = [name for name in QTY_FIELDS if not is_absent(body.get(name))]
    if not sizes:
        raise rejected(f"Need one of the qty fields: {list(QTY_FIELDS)}")
    if len(sizes) > 1:
        raise rejected(f"Cannot have more than one of the qty fields: {list(QTY_FIELDS)}")
    side_text = body["side"]
    if not isinstance(side_text, str) or side_text.lower() not in ("buy", "sell"):
        raise rejected("Side must be either 'Buy' or 'Sell'")
    if strategy_name is None:
        raise rejected(f"Invalid strategy: {body['strategy']}")
    accounts = body["accounts"]
    if not isinstance(accounts, list) or not all(isinstance(name, str) for name in accounts):
        raise rejected("Invalid order data", "accounts must be a list of account names")
    resolve_accounts(accounts, book)
    pair = body["pair"]
    match = _PAIR.match(pair) if isinstance(pair, str) else None
    if match is None:
        base, quote = split_pair(str(pair))
        raise rejected(f"Invalid buy_token {base if side_text.lower() == 'buy' else quote or base}")
    for token in (match.group(1), match.group(3)):
        if token.upper() not in LISTED_TOKENS:
            raise rejected(f"Invalid buy_token {token}")
    return _build_request(body, book, strategy_name, sizes[0], mid_price_of(pair))


def _build_request(
    body: Mapping[str, Any],
    book: Mapping[str, TreadAccount],
    strategy_name: str,
    size_field: str,
    mid_price: Decimal,
) -> tuple[OrderRequest, TreadOrderInfo]:
    pair: str = body["pair"]
    side = Side(body["side"].lower())
    size = to_decimal(body[size_field])
    if size is None or size <= 0:
        raise rejected(f"{size_field} must be a positive number")  # our wording
    sized_in_quote = size_field == "quote_asset_qty" or (
        size_field == "sell_token_amount" and side is Side.BUY
    )
    quantity = floor_to(size / mid_price, pair_spec(pair).lot) if sized_in_quote else size
    if quantity <= 0:
        raise rejected(f"{size_field} is below the minimum order size")  # our wording
    limit_price = parse_limit_price(body.get("limit_price"))
    pov_target = _fraction(body, "pov_target")
    if body.get("strategy") == "POV" and pov_target is None:
        raise ApiError(400, {"error": "Missing required fields: ['pov_target']"})
    simple = strategy_name in SIMPLE_STRATEGY_NAMES
    if strategy_name in ("Limit", "Iceberg") and limit_price is None:
        raise rejected("Limit price must be a positive number")
    duration = None
    if not simple and not is_absent(body.get("duration")):
        raw_duration = body["duration"]
        if isinstance(raw_duration, bool) or not isinstance(raw_duration, int) or raw_duration <= 0:
            raise rejected("duration must be a positive integer number of seconds")  # our wording
        duration = raw_duration
    custom_order_id = body.get("custom_order_id") or ""
    if not isinstance(custom_order_id, str):
        raise rejected("custom_order_id must be a string")  # our wording
    if len(custom_order_id) > CUSTOM_ORDER_ID_MAX_LEN:
        # §3.3 "max length 64"; the errors-list shape is that of the other submit refusals.
        raise rejected(f"custom_order_id must be at most {CUSTOM_ORDER_ID_MAX_LEN} characters")
    notes = body.get("notes") or ""
    pos_side = body.get("pos_side")
    if not isinstance(notes, str) or pos_side not in (None, "", "long", "short"):
        raise rejected("Invalid order data")
    # IS and Target Time are worked as TWAP trajectories, Iceberg as a Limit without clips
    # (decision 35); any algo with a pov_target is a participation order (decision 7).
    engine_strategy = {
        "Market": Strategy.MARKET,
        "Limit": Strategy.LIMIT,
        "Iceberg": Strategy.LIMIT,
        "IOC": Strategy.IOC,
        "VWAP": Strategy.VWAP,
    }.get(strategy_name, Strategy.TWAP)
    if not simple and pov_target is not None:
        engine_strategy = Strategy.POV
    passiveness = _bounded(body, "engine_passiveness", Decimal(0), Decimal(1), Decimal("0.02"))
    alpha_tilt = _bounded(body, "alpha_tilt", Decimal(-1), Decimal(1), Decimal(0))
    order_condition = body.get("order_condition") or None
    super_strategy = body.get("super_strategy") or None
    for name, text in (("order_condition", order_condition), ("super_strategy", super_strategy)):
        if text is not None and not isinstance(text, str):
            raise rejected(f"Invalid {name}")  # our wording
    pov_limit = _fraction(body, "pov_limit")
    request = OrderRequest(
        pair=pair,
        side=side,
        quantity=quantity,
        strategy=engine_strategy,
        limit_price=limit_price,
        start=None if simple else _start(body.get("start_datetime")),
        duration_s=duration,
        pov_target=None if simple else pov_target,
        pov_limit=None if simple else pov_limit,
        passiveness=passiveness,
        alpha_tilt=Decimal(0) if simple else alpha_tilt,
        held=order_condition is not None and not simple,
    )
    market_type = body.get("market_type") or ("perp" if ":PERP" in pair.upper() else "spot")
    info = TreadOrderInfo(
        strategy_name=strategy_name,
        accounts=resolve_accounts(body["accounts"], book),
        reference_price=mid_price,
        quote_target=size if sized_in_quote else None,
        custom_order_id=custom_order_id,
        notes=notes,
        engine_passiveness=passiveness,
        schedule_discretion=_bounded(
            body, "schedule_discretion", Decimal("0.02"), Decimal("0.5"), Decimal("0.08")
        ),
        alpha_tilt=alpha_tilt,
        pov_limit=pov_limit,
        strategy_params=_strategy_params(body.get("strategy_params")),
        super_strategy=super_strategy,
        is_reverse_limit_price=body.get("is_reverse_limit_price") is True,
        pos_side=pos_side or None,
        market_type=str(market_type),
        order_condition=order_condition,
        updated_leverage=_optional_int(body, "updated_leverage"),
        order_slices=_optional_int(body, "order_slices"),
        max_otc=_bounded(body, "max_otc", Decimal(0), Decimal(1), Decimal(0)),
    )
    return request, info
