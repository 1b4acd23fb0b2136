"""What a venue lists: instruments, their sizes and increments, and contract arithmetic.

On a spot venue or a broker one unit of quantity is one unit of the base asset. On a
derivatives exchange (KuCoin Futures) orders are sized in integer contracts (lots), and
one contract is `multiplier` base units; the desk keeps quantities in the base asset
everywhere and converts at the edge with `Instrument.to_contracts`/`to_base`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Instrument:
    """One tradable instrument of a venue.

    Attributes:
        pair: `BASE-QUOTE` in the desk's spelling, e.g. `"BTC-USDT"`.
        symbol: The venue's own name, e.g. `"XBTUSDTM"`.
        tick_size: Price increment, quote per base unit (None when unknown).
        multiplier: Base units per contract; None for instruments sized in the base asset.
        lot_size: Quantity increment in the venue's unit (contracts when `multiplier` is set,
            base asset otherwise); None when unknown.
        max_leverage: Highest leverage the venue allows, None when not a derivative.
    """

    pair: str
    symbol: str
    tick_size: Decimal | None = None
    multiplier: Decimal | None = None
    lot_size: Decimal | None = None
    max_leverage: Decimal | None = None

    @property
    def in_contracts(self) -> bool:
        """True when orders are sized in contracts."""
        return self.multiplier is not None

    def to_base(self, contracts: Decimal) -> Decimal:
        """Base-asset quantity of `contracts` contracts (exact).

        Raises:
            ValueError: The instrument is not sized in contracts.
        """
        if self.multiplier is None:
            raise ValueError(f"{self.symbol} is sized in the base asset, not in contracts")
        return contracts * self.multiplier

    def to_contracts(self, base_quantity: Decimal) -> Decimal:
        """Contracts for a base-asset quantity; may be fractional (see `is_whole_lots`).

        Raises:
            ValueError: The instrument is not sized in contracts.
        """
        if self.multiplier is None:
            raise ValueError(f"{self.symbol} is sized in the base asset, not in contracts")
        return base_quantity / self.multiplier

    def is_whole_lots(self, base_quantity: Decimal) -> bool:
        """True when `base_quantity` is a whole number of lots in the venue's unit."""
        amount = self.to_contracts(base_quantity) if self.in_contracts else base_quantity
        step = self.lot_size if self.lot_size is not None and self.lot_size > 0 else None
        if step is None:
            return not self.in_contracts or amount == amount.to_integral_value()
        return amount % step == 0
