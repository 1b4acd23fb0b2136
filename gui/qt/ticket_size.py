"""How the ticket sizes an order: base asset, contracts, or an amount of the quote asset.

Pure helpers (no widgets): the ticket asks them what to call the size field, how a typed
size becomes base asset, and what to say under it. A venue that sizes in contracts
(`VenueCapabilities.quantity_in_contracts`) is asked for contracts and shown the base
quantity; one that sizes Market orders in the quote asset (`quote_quantity_market`, DFX:
`amount`) is asked for an amount of the quote asset instead of a quantity.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from gui.domain.orders import Strategy
from gui.oms.profiles import VenueProfile
from gui.qt import theme

__all__ = [
    "base_quantity_text",
    "in_contracts",
    "quote_sized",
    "summary_text",
    "to_base_converter",
]


def _split(pair: str) -> tuple[str, str]:
    base, _, quote = pair.strip().upper().partition("-")
    return base, quote


def in_contracts(profile: VenueProfile | None) -> bool:
    """Whether the venue's orders are sized in contracts."""
    return profile is not None and profile.capabilities.quantity_in_contracts


def quote_sized(profile: VenueProfile | None, strategy: Strategy) -> bool:
    """Whether this venue sizes this order in the quote asset (a Market order on DFX)."""
    return (
        profile is not None
        and profile.capabilities.quote_quantity_market
        and strategy == Strategy.MARKET
    )


def to_base_converter(
    profile: VenueProfile | None, pair: str, parse_errors: dict[str, str]
) -> Callable[[Decimal], Decimal]:
    """Typed quantity -> base asset: contracts times the multiplier on contract venues.

    Args:
        profile: The chosen venue.
        pair: The pair typed, `BASE-QUOTE`.
        parse_errors: Gets a `pair` message when a contract venue does not list the pair.

    Returns:
        The identity for venues sized in the base asset.
    """
    if not in_contracts(profile):
        return lambda typed: typed
    assert profile is not None
    instrument = profile.instrument(pair)
    if instrument is None or not instrument.in_contracts:
        parse_errors.setdefault("pair", f"{pair.strip()} is not listed on {profile.venue}.")
        return lambda typed: typed
    return instrument.to_base


def base_quantity_text(profile: VenueProfile | None, pair: str, quantity: Decimal | None) -> str:
    """The line under a contracts quantity ("= 0.007 BTC (1 contract = 0.001 BTC)").

    Returns:
        "" for venues sized in the base asset (the line is hidden).
    """
    if not in_contracts(profile):
        return ""
    assert profile is not None
    base, _ = _split(pair)
    instrument = profile.instrument(pair)
    if instrument is None or instrument.multiplier is None:
        return f"Contract size of {pair.strip()} not known yet"
    size = theme.format_decimal(instrument.multiplier)
    if quantity is not None and quantity > 0:
        in_base = theme.format_decimal(instrument.to_base(quantity))
        return f"= {in_base} {base}  (1 contract = {size} {base})"
    return f"1 contract = {size} {base}"


def summary_text(
    pair: str, quantity_base: Decimal | None, limit_price: Decimal | None, amount: Decimal | None
) -> str:
    """The caption under the buttons: notional at the limit, or what an amount buys.

    Args:
        pair: `BASE-QUOTE`.
        quantity_base: Base-asset quantity typed (already converted), if any.
        limit_price: Limit price typed (None when the strategy takes none).
        amount: Quote-asset amount of a quote-sized Market order, if any.
    """
    base, quote = _split(pair)
    if amount is not None:
        if amount <= 0:
            return ""
        shown = theme.format_decimal(amount)
        return f"{shown} {quote} at market; {base} quantity known once filled".strip()
    if quantity_base is None or limit_price is None or quantity_base <= 0 or limit_price <= 0:
        return ""
    notional = theme.format_decimal(quantity_base * limit_price)
    return f"Notional at limit ≈ {notional} {quote}".rstrip()
