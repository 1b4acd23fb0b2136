"""The DFX Labs emulator's symbols table and the order-size rules it implies.

`GET /api/v1/symbols` (notes.md §2.3, external) gives per pair `baseIncrement`,
`baseMinSize`, `quoteIncrement`, `quoteMinSize`, `priceIncrement`, `priceLimitRate` and
`enableTrading`; the reference doc has no precision rules (notes.md §2.7(9)), so the create
endpoint enforces these. Values follow the venue's example response for the pairs it lists;
SOL-USDT is ours, with the engine's lot and tick (gui/sandbox/market.py), so every simulated
fill is a whole number of base increments.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from gui.domain.orders import Side
from gui.sandbox.dfx_gateway import bad_request


@dataclass(frozen=True, slots=True)
class SymbolSpec:
    """One pair of the symbols table.

    Attributes:
        symbol: `BASE-QUOTE`, e.g. `BTC-USDT` (also the engine's pair name).
        base_token: Base asset.
        quote_token: Quote asset.
        quote_increment: Step of a MARKET order's `amount`, quote asset.
        quote_min_size: Smallest order value (`amount`, or price x quantity), quote asset.
        base_increment: Step of `quantity`, base asset (a multiple of the engine's lot).
        base_min_size: Smallest `quantity`, base asset.
        price_increment: Step of `price`, quote per base.
        price_limit_rate: Largest distance of a LIMIT price beyond the mid on the crossing
            side, as a fraction (a buy above mid x (1 + rate) or a sell below mid x (1 -
            rate) is refused; our reading of the undocumented field).
        enable_trading: False: orders are refused.
    """

    symbol: str
    base_token: str
    quote_token: str
    quote_increment: Decimal
    quote_min_size: Decimal
    base_increment: Decimal
    base_min_size: Decimal
    price_increment: Decimal
    price_limit_rate: Decimal
    enable_trading: bool = True


def _spec(
    symbol: str, base_increment: str, price_increment: str = "0.01", enable: bool = True
) -> SymbolSpec:
    base, quote = symbol.split("-")
    return SymbolSpec(
        symbol=symbol,
        base_token=base,
        quote_token=quote,
        quote_increment=Decimal("0.01"),
        quote_min_size=Decimal(5),
        base_increment=Decimal(base_increment),
        base_min_size=Decimal(base_increment),
        price_increment=Decimal(price_increment),
        price_limit_rate=Decimal("0.1"),
        enable_trading=enable,
    )


SYMBOLS: tuple[SymbolSpec, ...] = (
    _spec("BTC-USD", "0.00001"),
    _spec("ETH-USD", "0.0001"),
    _spec("BTC-USDT", "0.00001"),
    _spec("ETH-USDT", "0.0001"),
    _spec("SOL-USDT", "0.001", price_increment="0.001"),
    # Listed but not tradable, as in the venue's example (the engine would price it at its
    # default 100, so it must stay disabled).
    SymbolSpec(
        "USDT-USD",
        "USDT",
        "USD",
        Decimal("0.01"),
        Decimal(5),
        Decimal("0.01"),
        Decimal(5),
        Decimal("0.01"),
        Decimal("0.01"),
        enable_trading=False,
    ),
)
"""Every pair the emulator lists, in the venue example's order."""
SYMBOLS_BY_NAME: dict[str, SymbolSpec] = {spec.symbol: spec for spec in SYMBOLS}


def decimal_text(value: Decimal) -> str:
    """A decimal as the venue writes it: plain notation, no trailing zeros (`"69000"`,
    `"0.001"`, `"14.149096"`), as in every example of the reference doc."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def symbol_object(spec: SymbolSpec) -> dict[str, Any]:
    """One `data[]` item of `GET /api/v1/symbols`, keys in the venue example's order."""
    return {
        "symbol": spec.symbol,
        "baseToken": spec.base_token,
        "quoteToken": spec.quote_token,
        "quoteIncrement": decimal_text(spec.quote_increment),
        "quoteMinSize": decimal_text(spec.quote_min_size),
        "baseIncrement": decimal_text(spec.base_increment),
        "baseMinSize": decimal_text(spec.base_min_size),
        "priceIncrement": decimal_text(spec.price_increment),
        "enableTrading": spec.enable_trading,
        "priceLimitRate": decimal_text(spec.price_limit_rate),
    }


def tradable_symbol(symbol: str) -> SymbolSpec:
    """The spec of a pair orders may be placed on.

    Raises:
        ApiError: 400 unknown pair or trading disabled.
    """
    spec = SYMBOLS_BY_NAME.get(symbol)
    if spec is None:
        raise bad_request(f"Symbol {symbol} does not exist")
    if not spec.enable_trading:
        raise bad_request(f"Trading is disabled for {symbol}")
    return spec


def positive_decimal(name: str, text: str) -> Decimal:
    """`text` as a finite decimal > 0.

    Raises:
        ApiError: 400 otherwise.
    """
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise bad_request(f"`{name}` must be a number") from None
    if not value.is_finite() or value <= 0:
        raise bad_request(f"`{name}` must be a positive number")
    return value


def check_limit(
    spec: SymbolSpec, side: Side, price: Decimal, quantity: Decimal, mid: Decimal
) -> None:
    """A LIMIT order's price and quantity against the table.

    Args:
        spec: The pair.
        side: Buy or sell.
        price: Quote per base.
        quantity: Base asset.
        mid: The simulated market's mid, quote per base (for `priceLimitRate`).

    Raises:
        ApiError: 400 off-increment price or quantity, below `baseMinSize` or
            `quoteMinSize`, or beyond the price limit.
    """
    _check_step("price", price, spec.price_increment)
    _check_step("quantity", quantity, spec.base_increment)
    if quantity < spec.base_min_size:
        raise bad_request(f"`quantity` is below the minimum {decimal_text(spec.base_min_size)}")
    if price * quantity < spec.quote_min_size:
        raise bad_request(
            f"Order value is below the minimum {decimal_text(spec.quote_min_size)}"
            f" {spec.quote_token}"
        )
    rate = spec.price_limit_rate
    if (
        side is Side.BUY
        and price > mid * (1 + rate)
        or side is Side.SELL
        and price < mid * (1 - rate)
    ):
        raise bad_request("`price` is beyond the price limit of the market")


def check_market_amount(spec: SymbolSpec, amount: Decimal) -> None:
    """A MARKET order's quote `amount` against the table.

    Raises:
        ApiError: 400 off `quoteIncrement` or below `quoteMinSize`.
    """
    _check_step("amount", amount, spec.quote_increment)
    if amount < spec.quote_min_size:
        raise bad_request(
            f"`amount` is below the minimum {decimal_text(spec.quote_min_size)} {spec.quote_token}"
        )


def _check_step(name: str, value: Decimal, increment: Decimal) -> None:
    try:
        off_step = value % increment != 0
    except InvalidOperation:  # too many digits for the context: absurdly large
        off_step = True
    if off_step:
        raise bad_request(f"`{name}` must be a multiple of {decimal_text(increment)}")
