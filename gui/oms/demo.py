"""Demo tickets: a varied set of orders for the sandbox, screenshots and first-run tours."""

from __future__ import annotations

from decimal import Decimal

from gui.domain.orders import OrderTicket, Side, Strategy

_DEMO = (
    ("BTC-USDT", Side.BUY, "0.75", Strategy.TWAP, 20 * 60, None),
    ("ETH-USDT", Side.SELL, "12", Strategy.VWAP, 30 * 60, None),
    ("SOL-USDT", Side.BUY, "2000", Strategy.POV, 30 * 60, Decimal("0.02")),
    ("ETH-USDT", Side.BUY, "8", Strategy.TWAP, 15 * 60, None),
    ("BTC-USDT", Side.SELL, "0.5", Strategy.VWAP, 25 * 60, None),
    ("SOL-USDT", Side.SELL, "250", Strategy.TWAP, 40 * 60, None),
)


def demo_tickets(venue: str, accounts: list[str], count: int) -> list[OrderTicket]:
    """`count` valid algo tickets cycling over pairs, sides, strategies and accounts.

    Quantities are base-asset amounts; durations seconds; POV target a fraction.
    """
    tickets = []
    for index in range(count):
        pair, side, quantity, strategy, duration_s, pov = _DEMO[index % len(_DEMO)]
        tickets.append(
            OrderTicket(
                venue=venue,
                account=accounts[index % len(accounts)],
                pair=pair,
                side=side,
                quantity=Decimal(quantity),
                strategy=strategy,
                duration_s=duration_s,
                pov_target=pov,
                notes="demo",
            )
        )
    return tickets
