"""DFX's per-symbol order rules, checked before a ticket is sent (no I/O).

From `GET /api/v1/symbols` (external "Market Endpoints", notes §2.3, §2.7(9)): a LIMIT
order's quantity is a multiple of `baseIncrement` and at least `baseMinSize`, its price a
multiple of `priceIncrement`, its value (price x quantity) at least `quoteMinSize`; a
MARKET order's amount (quote) is a multiple of `quoteIncrement` and at least
`quoteMinSize`. A symbol with `enableTrading: false` takes no orders.
"""

from __future__ import annotations

from decimal import Decimal

from gui.domain.orders import OrderTicket, Strategy
from gui.venues.dfx import wire


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _off_step(value: Decimal, step: Decimal | None) -> bool:
    return step is not None and step > 0 and value % step != 0


def symbol_errors(ticket: OrderTicket, symbol: wire.DfxSymbol | None) -> dict[str, str]:
    """What the symbol's rules refuse in a ticket, as field name -> message for the trader.

    Args:
        ticket: A ticket valid on its own.
        symbol: The pair's rules, None when the venue does not list the pair.

    Returns:
        An empty dict when DFX would take it.
    """
    if symbol is None:
        return {"pair": f"DFX does not list {ticket.pair}."}
    if symbol.enable_trading is False:
        return {"pair": f"DFX has trading in {ticket.pair} switched off."}
    errors: dict[str, str] = {}
    if ticket.strategy is Strategy.MARKET:
        amount = ticket.quote_quantity
        if amount is None:
            return errors  # capability_errors says a Market order needs an amount
        quote = symbol.quote_token or ticket.pair.partition("-")[2]
        if _off_step(amount, symbol.quote_increment):
            step = _plain(symbol.quote_increment or Decimal(0))
            errors["quote_quantity"] = f"Amount must be a multiple of {step} {quote}."
        elif symbol.quote_min_size is not None and amount < symbol.quote_min_size:
            least = _plain(symbol.quote_min_size)
            errors["quote_quantity"] = f"Amount must be at least {least} {quote}."
        return errors
    quantity = ticket.quantity
    if _off_step(quantity, symbol.base_increment):
        step = _plain(symbol.base_increment or Decimal(0))
        errors["quantity"] = f"Quantity must be a multiple of {step}."
    elif symbol.base_min_size is not None and quantity < symbol.base_min_size:
        errors["quantity"] = f"Quantity must be at least {_plain(symbol.base_min_size)}."
    price = ticket.limit_price
    if price is not None and _off_step(price, symbol.price_increment):
        step = _plain(symbol.price_increment or Decimal(0))
        errors["limit_price"] = f"Limit price must be a multiple of {step}."
    if (
        price is not None
        and "quantity" not in errors
        and symbol.quote_min_size is not None
        and price * quantity < symbol.quote_min_size
    ):
        least = _plain(symbol.quote_min_size)
        errors["quantity"] = f"Order value must be at least {least} (price x quantity)."
    return errors
