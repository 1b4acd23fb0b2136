"""Demo tickets: a varied set of orders for the sandbox, screenshots and first-run tours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from gui.domain.orders import OrderTicket, Side, Strategy

_ALGOS = (
    ("BTC-USDT", Side.BUY, "0.75", Strategy.TWAP, 20 * 60, None),
    ("ETH-USDT", Side.SELL, "12", Strategy.VWAP, 30 * 60, None),
    ("SOL-USDT", Side.BUY, "2000", Strategy.POV, 30 * 60, Decimal("0.02")),
    ("ETH-USDT", Side.BUY, "8", Strategy.TWAP, 15 * 60, None),
    ("BTC-USDT", Side.SELL, "0.5", Strategy.VWAP, 25 * 60, None),
    ("SOL-USDT", Side.SELL, "250", Strategy.TWAP, 40 * 60, None),
)
# Venues without algos get market orders (they fill at once): base-asset quantities that are
# whole contracts on KuCoin Futures (BTC 0.001, ETH 0.01 per contract).
_MARKET = {
    "kucoin_futures": (("BTC-USDT", Side.BUY, "0.025"), ("ETH-USDT", Side.SELL, "0.4")),
    "zenotc": (("ETH-USD", Side.BUY, "1.5"), ("BTC-USD", Side.SELL, "0.1")),
}
# Spot venues that size market orders in the quote asset (DFX): amounts to spend or receive.
_MARKET_BY_AMOUNT = {
    "dfx": (("BTC-USDT", Side.BUY, "2500"), ("ETH-USDT", Side.SELL, "1200")),
}
# Brokers without POV (Anboto) work the time-sliced algos only.
_NO_POV = frozenset({"anboto"})


def demo_tickets(accounts: Mapping[str, Sequence[str]], count: int) -> list[OrderTicket]:
    """`count` valid tickets spread over the venues in `accounts`: algos where the venue
    works them (Tread.fi, Anboto), market orders elsewhere (KuCoin Futures, ZenOTC; DFX sized
    by quote amount).

    Args:
        accounts: Venue name -> its account names.
        count: How many tickets.

    Returns:
        Tickets in round-robin over the venues; quantities base asset, durations seconds,
        POV target a fraction.
    """
    venues = [venue for venue in accounts if accounts[venue]]
    tickets: list[OrderTicket] = []
    seen: dict[str, int] = {}
    for index in range(count if venues else 0):
        venue = venues[index % len(venues)]
        nth = seen.get(venue, 0)
        seen[venue] = nth + 1
        account = accounts[venue][nth % len(accounts[venue])]
        by_amount = _MARKET_BY_AMOUNT.get(venue)
        if by_amount is not None:
            pair, side, amount = by_amount[nth % len(by_amount)]
            tickets.append(
                OrderTicket(
                    venue,
                    account,
                    pair,
                    side,
                    Decimal(0),
                    Strategy.MARKET,
                    notes="demo",
                    quote_quantity=Decimal(amount),
                )
            )
            continue
        markets = _MARKET.get(venue)
        if markets is not None:
            pair, side, quantity = markets[nth % len(markets)]
            tickets.append(
                OrderTicket(
                    venue, account, pair, side, Decimal(quantity), Strategy.MARKET, notes="demo"
                )
            )
            continue
        algos = [a for a in _ALGOS if a[3] != Strategy.POV] if venue in _NO_POV else _ALGOS
        pair, side, quantity, strategy, duration_s, pov = algos[nth % len(algos)]
        tickets.append(
            OrderTicket(
                venue=venue,
                account=account,
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
