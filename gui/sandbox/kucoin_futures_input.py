"""Reading KuCoin Futures requests in the emulator: the OrderInput body and query values.

The OrderInput rules are notes.md §2.1 (with decisions §6.7, §6.8); a malformed or missing
single field is `400100` and a broken cross-field order rule is `100001`, both HTTP 200
(notes.md §4.1, §6.23); an unknown symbol is `100003` "Contract parameter invalid" (the
futures error table; Kucoin/kucoin-python-sdk issue 74 shows it on an order).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Literal

from gui.domain.orders import Side
from gui.sandbox.kucoin_futures_auth import ApiError, invalid_parameters, parameter_error
from gui.sandbox.kucoin_futures_contracts import CONTRACTS, MAX_ORDER_LOTS, Contract

Variant = Literal["add", "test", "batch", "st"]
"""Which endpoint's OrderInput: Add Order, Add Order Test, a Batch item, TP/SL (§2.1)."""

MAX_PAGE_SIZE = 1000
"""Largest `pageSize` (§2.2 (11) (12) (18)); larger values are clamped (notes.md §6.16)."""
DEFAULT_PAGE_SIZE = 50
"""`pageSize` when absent."""

_CLIENT_OID = re.compile(r"[A-Za-z0-9_-]{1,40}")
_STP = ("", "CN", "CO", "CB")
_STOP_PRICE_TYPES = ("TP", "MP", "IP")


def unknown_contract() -> ApiError:
    """`100003` Contract parameter invalid, the answer to an unknown symbol."""
    return ApiError("100003", "Contract parameter invalid")


def contract_of(symbol: object) -> Contract:
    """The contract named `symbol`.

    Raises:
        ApiError: `400100` when absent, `100003` when unknown.
    """
    if symbol is None or symbol == "":
        raise parameter_error("symbol is required")
    contract = CONTRACTS.get(symbol) if isinstance(symbol, str) else None
    if contract is None:
        raise unknown_contract()
    return contract


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """A checked OrderInput (notes.md §2.1); sizes in lots, prices USDT per base unit.

    Attributes:
        client_oid: The caller's id, `[A-Za-z0-9_-]{1,40}`.
        contract: The contract.
        side: Buy or sell; None only for `closeOrder` (taken from the position).
        order_type: `limit` or `market`.
        lots: Whole lots; None only for `closeOrder`.
        price: Limit price (tick multiple); None for market orders.
        leverage: As given (string on the wire out), None when allowed absent (§6.7).
        time_in_force: `GTC` or `IOC` (limit orders).
        post_only: Reject instead of taking liquidity.
        hidden: Not shown in the book (no effect in the simulation).
        iceberg: Only `visible_size` shown (no effect in the simulation).
        visible_size: Iceberg visible lots, or None.
        stop: `up`/`down` for a stop order, else None.
        stop_price: Trigger price of a stop order.
        stop_price_type: `TP`/`MP`/`IP` (all watch the engine's mid in the simulation).
        reduce_only: Only reduce the position; the excess is canceled.
        close_order: Close the whole position (side and size from it).
        force_hold: Accepted and echoed; no effect.
        stp: `""`, `CN`, `CO` or `CB`; accepted and echoed (no self-trades occur).
        margin_mode: `ISOLATED` or `CROSS`.
        remark: Free text up to 100 characters, or None.
        trigger_up: TP/SL only: take-profit trigger (§2.2 (4)).
        trigger_down: TP/SL only: stop-loss trigger.
    """

    client_oid: str
    contract: Contract
    side: Side | None
    order_type: str
    lots: int | None
    price: Decimal | None
    leverage: Decimal | None
    time_in_force: str = "GTC"
    post_only: bool = False
    hidden: bool = False
    iceberg: bool = False
    visible_size: int | None = None
    stop: str | None = None
    stop_price: Decimal | None = None
    stop_price_type: str | None = None
    reduce_only: bool = False
    close_order: bool = False
    force_hold: bool = False
    stp: str = ""
    margin_mode: str = "ISOLATED"
    remark: str | None = None
    trigger_up: Decimal | None = None
    trigger_down: Decimal | None = None


def parse_json(raw: bytes) -> object:
    """The body as JSON with exact decimals.

    Raises:
        ApiError: `400100` when it is not JSON.
    """
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise parameter_error("Invalid JSON body") from None


def _bool(body: Mapping[str, object], name: str) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise parameter_error(f"{name} must be a boolean")
    return value


def _decimal(body: Mapping[str, object], name: str) -> Decimal | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise parameter_error(f"{name} must be a decimal string")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise parameter_error(f"{name} must be a decimal string") from None
    if not number.is_finite() or number <= 0:
        raise parameter_error(f"{name} must be a positive number")
    return number


def _whole(body: Mapping[str, object], name: str) -> int | None:
    # Lots are integers (§2.1 `size`); `visibleSize` is a string holding one (§6.3).
    value = body.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise parameter_error(f"{name} must be a positive integer")
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if not isinstance(value, int) or value <= 0:
        raise parameter_error(f"{name} must be a positive integer")
    return value


def _on_tick(contract: Contract, name: str, price: Decimal | None) -> Decimal | None:
    if price is not None and price % contract.tick != 0:
        raise invalid_parameters(f"{name} must be a multiple of the tickSize {contract.tick}")
    return price


def _choice(body: Mapping[str, object], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = body.get(name)
    if value is None:
        return default
    if value not in allowed:
        raise parameter_error(f"{name} must be one of {', '.join(a for a in allowed if a)}")
    assert isinstance(value, str)
    return value


def parse_order_input(
    body: object, variant: Variant, reference_price: Callable[[Contract], Decimal]
) -> OrderSpec:
    """Check one OrderInput (notes.md §2.1 and decisions §6.7, §6.8).

    Args:
        body: The decoded JSON object.
        variant: Which endpoint it came to (`type` is required by Test and TP/SL; `stop`
            belongs to all but TP/SL; the triggers only to TP/SL).
        reference_price: Current price of a contract, for a market order's `valueQty`.

    Returns:
        The checked order; the `clientOid` duplicate and position rules are the book's.

    Raises:
        ApiError: `400100`, `100001` or `100003` as described in the module docstring.
    """
    if not isinstance(body, dict):
        raise parameter_error("The request body must be a JSON object")
    client_oid = body.get("clientOid")
    if client_oid is None or client_oid == "":
        raise parameter_error("clientOid is required")
    if not isinstance(client_oid, str) or _CLIENT_OID.fullmatch(client_oid) is None:
        raise parameter_error(
            "clientOid must be at most 40 characters of letters, digits, '_' and '-'"
        )
    contract = contract_of(body.get("symbol"))
    close_order = _bool(body, "closeOrder")
    reduce_only = _bool(body, "reduceOnly")
    side: Side | None = None
    if body.get("side") is not None or not close_order:
        side_text = body.get("side")
        if side_text not in ("buy", "sell"):
            raise parameter_error("side must be buy or sell")
        side = Side(side_text)
    leverage = _decimal(body, "leverage")
    if leverage is None and not (close_order or reduce_only):  # decision §6.7
        raise parameter_error("leverage is required")
    if leverage is not None and leverage > contract.max_leverage:
        raise invalid_parameters(f"leverage must not exceed {contract.max_leverage}")
    if variant in ("test", "st") and body.get("type") is None:
        raise parameter_error("type is required")
    order_type = _choice(body, "type", ("limit", "market"), "limit")
    limit = order_type == "limit"
    price = _on_tick(contract, "price", _decimal(body, "price")) if limit else None
    if limit and price is None:
        raise invalid_parameters("price is required for a limit order")
    time_in_force = _choice(body, "timeInForce", ("GTC", "IOC"), "GTC")
    post_only, hidden, iceberg = (_bool(body, n) for n in ("postOnly", "hidden", "iceberg"))
    visible_size = _whole(body, "visibleSize")
    if not limit and (
        post_only or hidden or iceberg or visible_size is not None or "timeInForce" in body
    ):
        raise invalid_parameters(
            "timeInForce, postOnly, hidden, iceberg and visibleSize are for limit orders only"
        )
    if post_only and time_in_force == "IOC":
        raise invalid_parameters('Unavailable to enable both "postOnly" and "IOC"')
    if post_only and (hidden or iceberg):
        word = "hidden" if hidden else "iceberg"
        raise invalid_parameters(f'Unavailable to enable both "postOnly" and "{word}"')
    if iceberg and visible_size is None:
        raise invalid_parameters("visibleSize is required for an iceberg order")
    lots = None if close_order else _lots(body, contract, price, reference_price)
    if lots is not None and visible_size is not None and visible_size > lots:
        raise invalid_parameters("visibleSize must not exceed the order size")
    stop = stop_price = None
    if variant != "st" and body.get("stop") is not None:
        stop = _choice(body, "stop", ("up", "down"), "")
        stop_price = _on_tick(contract, "stopPrice", _decimal(body, "stopPrice"))
        if stop_price is None or body.get("stopPriceType") is None:
            raise invalid_parameters("stop needs stopPrice and stopPriceType")
    trigger_up = trigger_down = None
    has_trigger = False
    if variant == "st":
        trigger_up = _on_tick(contract, "triggerStopUpPrice", _decimal(body, "triggerStopUpPrice"))
        trigger_down = _on_tick(
            contract, "triggerStopDownPrice", _decimal(body, "triggerStopDownPrice")
        )
        has_trigger = trigger_up is not None or trigger_down is not None
        if has_trigger and body.get("stopPriceType") is None:
            raise invalid_parameters("stopPriceType is required with a trigger price")
    stop_price_type = _choice(body, "stopPriceType", _STOP_PRICE_TYPES, "") or None
    if body.get("stp") == "DC":
        raise invalid_parameters("DC not currently supported")
    remark = body.get("remark")
    if remark is not None and (not isinstance(remark, str) or len(remark) > 100):
        raise parameter_error("remark cannot exceed 100 characters")
    return OrderSpec(
        client_oid=client_oid,
        contract=contract,
        side=side,
        order_type=order_type,
        lots=lots,
        price=price,
        leverage=leverage,
        time_in_force=time_in_force,
        post_only=post_only,
        hidden=hidden,
        iceberg=iceberg,
        visible_size=visible_size,
        stop=stop,
        stop_price=stop_price,
        stop_price_type=stop_price_type if stop or has_trigger else None,
        reduce_only=reduce_only,
        close_order=close_order,
        force_hold=_bool(body, "forceHold"),
        stp=_choice(body, "stp", _STP, ""),
        margin_mode=_choice(body, "marginMode", ("ISOLATED", "CROSS"), "ISOLATED"),
        remark=remark,
        trigger_up=trigger_up,
        trigger_down=trigger_down,
    )


def _lots(
    body: Mapping[str, object],
    contract: Contract,
    price: Decimal | None,
    reference_price: Callable[[Contract], Decimal],
) -> int:
    # "Choose one of size, qty, valueQty" (§2.1); none or several is 100001 (decision §6.8).
    given = [name for name in ("size", "qty", "valueQty") if body.get(name) not in (None, "")]
    if len(given) != 1:
        raise invalid_parameters("Choose one of size, qty, valueQty")
    if given[0] == "size":
        lots = _whole(body, "size")
        assert lots is not None
    elif given[0] == "qty":
        qty = _decimal(body, "qty")
        assert qty is not None
        if qty % contract.multiplier != 0:
            raise invalid_parameters(
                f"qty must be a multiple of the multiplier {contract.multiplier}"
            )
        lots = int(qty / contract.multiplier)
    else:
        value = _decimal(body, "valueQty")
        assert value is not None
        at = price if price is not None else reference_price(contract)
        lots = int((value / (at * contract.multiplier)).to_integral_value(rounding=ROUND_FLOOR))
        if lots < 1:
            raise invalid_parameters("valueQty is less than one lot")
    if lots > MAX_ORDER_LOTS:
        raise invalid_parameters(f"size must not exceed maxOrderQty {MAX_ORDER_LOTS}")
    return lots


def page_of(params: Mapping[str, str]) -> tuple[int, int]:
    """(`currentPage` >= 1, `pageSize` clamped to 1..1000, default 50) (notes.md §6.16).

    Raises:
        ApiError: `400100` when either is not an integer.
    """
    try:
        page = int(params.get("currentPage") or 1)
        size = int(params.get("pageSize") or DEFAULT_PAGE_SIZE)
    except ValueError:
        raise parameter_error("currentPage and pageSize must be integers") from None
    return max(page, 1), min(max(size, 1), MAX_PAGE_SIZE)


def ms_of(params: Mapping[str, str], name: str) -> int | None:
    """An epoch-millisecond query parameter, or None.

    Raises:
        ApiError: `400100` when it is not an integer.
    """
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise parameter_error(f"{name} must be a timestamp in milliseconds")
    return int(raw)


def required(params: Mapping[str, str], name: str) -> str:
    """A required query parameter.

    Raises:
        ApiError: `400100` when absent or empty.
    """
    value = params.get(name)
    if not value:
        raise parameter_error(f"{name} is required")
    return value
