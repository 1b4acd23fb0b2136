"""The KuCoin Futures emulator's contract table and its wire number and time formats.

The contracts are linear USDT-margined perpetuals over the engine's pairs (`XBTUSDTM` trades
`BTC-USDT`). Their multipliers are real KuCoin's (notes.md §3 "Lots, contracts and
multiplier"); tick sizes come from the engine's `pair_spec`, so every price the engine quotes
is a valid contract price. Sizes on the wire are whole lots: base quantity = lots x multiplier,
exactly, in `Decimal`. The contract endpoint itself is outside the order document; its fields
follow KuCoin's `GET /api/v1/contracts/active` as ccxt reads it (notes.md §3, §8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from gui.sandbox.engine import SandboxEngine
from gui.sandbox.market import pair_spec

SETTLE_CURRENCY = "USDT"
"""Settlement (and quote and fee) currency of every emulated contract."""
MAKER_FEE_RATE = Decimal("0.0002")
"""Maker fee as a fraction of the fill value (notes.md §6.21)."""
TAKER_FEE_RATE = Decimal("0.0006")
"""Taker fee as a fraction of the fill value (notes.md §6.21)."""
FEE_QUANTUM = Decimal("0.00000001")
"""Fees are rounded to 8 decimals, as in the doc's examples (`"0.04045854"`)."""
MAX_ORDER_LOTS = 1_000_000
"""`maxOrderQty` of every contract, lots."""
FIRST_OPEN_MS = 1_585_555_200_000
"""`firstOpenDate` shown for every contract (2020-03-30, ms); informational only."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Contract:
    """One emulated perpetual contract.

    Attributes:
        symbol: KuCoin symbol, e.g. `XBTUSDTM`.
        base_currency: KuCoin's spelling of the base (`XBT` for bitcoin).
        pair: The engine pair it trades, e.g. `BTC-USDT`.
        multiplier: Base asset per lot.
        max_leverage: Highest accepted `leverage`.
    """

    symbol: str
    base_currency: str
    pair: str
    multiplier: Decimal
    max_leverage: int

    @property
    def tick(self) -> Decimal:
        """Price increment, USDT per base unit (the engine pair's tick)."""
        return pair_spec(self.pair).tick

    def base_qty(self, lots: int) -> Decimal:
        """Engine base quantity of `lots` lots, exactly."""
        return lots * self.multiplier

    def whole_lots(self, base_qty: Decimal) -> int:
        """Whole lots contained in `base_qty` (rounded down)."""
        return int((base_qty / self.multiplier).to_integral_value(rounding=ROUND_FLOOR))

    def value(self, lots: int, price: Decimal) -> Decimal:
        """Linear notional of `lots` lots at `price`, USDT (notes.md §3)."""
        return lots * self.multiplier * price


def _contract(symbol: str, base: str, engine_base: str, multiplier: str, leverage: int) -> Contract:
    return Contract(symbol, base, f"{engine_base}-USDT", Decimal(multiplier), leverage)


CONTRACTS: dict[str, Contract] = {
    c.symbol: c
    for c in (
        _contract("XBTUSDTM", "XBT", "BTC", "0.001", 125),
        _contract("ETHUSDTM", "ETH", "ETH", "0.01", 100),
        _contract("SOLUSDTM", "SOL", "SOL", "0.1", 75),
        _contract("XRPUSDTM", "XRP", "XRP", "10", 75),
        _contract("DOGEUSDTM", "DOGE", "DOGE", "100", 75),
        _contract("AVAXUSDTM", "AVAX", "AVAX", "0.1", 75),
        _contract("LINKUSDTM", "LINK", "LINK", "0.1", 75),
    )
}
"""The emulated contracts by symbol, in listing order."""


def decimal_str(value: Decimal) -> str:
    """A decimal string without exponent or trailing zeros (`"0.1"`, `"67430"`) (notes §6.24)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def fee_of(value: Decimal, liquidity: str) -> tuple[Decimal, Decimal]:
    """(fee rate, fee) of a fill of `value` USDT as `maker` or `taker` (notes.md §6.21)."""
    rate = MAKER_FEE_RATE if liquidity == "maker" else TAKER_FEE_RATE
    return rate, (value * rate).quantize(FEE_QUANTUM)


def to_ms(ts: datetime) -> int:
    """Epoch milliseconds of an aware datetime (exact, no float)."""
    return (ts - _EPOCH) // timedelta(milliseconds=1)


def to_ns(ts: datetime) -> int:
    """Epoch nanoseconds of an aware datetime (microsecond precision, no float)."""
    return (ts - _EPOCH) // timedelta(microseconds=1) * 1000


def from_ms(ms: int) -> datetime:
    """Aware UTC datetime of epoch milliseconds."""
    return _EPOCH + timedelta(milliseconds=ms)


def contract_json(contract: Contract, engine: SandboxEngine) -> dict[str, Any]:
    """One item of `GET /api/v1/contracts/active`, KuCoin's spelling and JSON number types.

    Prices (`markPrice`, `indexPrice`, `lastTradePrice`) are the engine's current mid; the
    statistics fields are fixed placeholders. `nextFundingRateTime` is set because clients
    (ccxt) tell a perpetual from a dated future by it.
    """
    mid = engine.mid_price(contract.pair)
    root = contract.base_currency
    return {
        "symbol": contract.symbol,
        "rootSymbol": SETTLE_CURRENCY,
        "type": "FFWCSX",
        "firstOpenDate": FIRST_OPEN_MS,
        "expireDate": None,
        "settleDate": None,
        "baseCurrency": contract.base_currency,
        "quoteCurrency": SETTLE_CURRENCY,
        "settleCurrency": SETTLE_CURRENCY,
        "maxOrderQty": MAX_ORDER_LOTS,
        "maxPrice": 1000000.0,
        "lotSize": 1,
        "tickSize": float(contract.tick),
        "indexPriceTickSize": float(contract.tick),
        "multiplier": float(contract.multiplier),
        "initialMargin": float(1 / Decimal(contract.max_leverage)),
        "maintainMargin": float(1 / Decimal(contract.max_leverage) / 2),
        "maxRiskLimit": 100000,
        "minRiskLimit": 100000,
        "riskStep": 50000,
        "makerFeeRate": float(MAKER_FEE_RATE),
        "takerFeeRate": float(TAKER_FEE_RATE),
        "takerFixFee": 0.0,
        "makerFixFee": 0.0,
        "settlementFee": None,
        "isDeleverage": True,
        "isQuanto": False,
        "isInverse": False,
        "markMethod": "FairPrice",
        "fairMethod": "FundingRate",
        "fundingBaseSymbol": f".{root}INT8H",
        "fundingQuoteSymbol": ".USDTINT8H",
        "fundingRateSymbol": f".{contract.symbol}FPI8H",
        "indexSymbol": f".K{root}USDT",
        "settlementSymbol": "",
        "status": "Open",
        "fundingFeeRate": 0.0001,
        "predictedFundingFeeRate": 0.0001,
        "fundingRateGranularity": 28800000,
        "openInterest": "0",
        "turnoverOf24h": 0.0,
        "volumeOf24h": 0.0,
        "markPrice": float(mid),
        "indexPrice": float(mid),
        "lastTradePrice": float(mid),
        "nextFundingRateTime": 28800000,
        "maxLeverage": contract.max_leverage,
        "sourceExchanges": ["sandbox"],
        "premiumsSymbol1M": f".{contract.symbol}PI",
        "premiumsSymbol8H": f".{contract.symbol}PI8H",
        "fundingBaseSymbol1M": f".{root}INT",
        "fundingQuoteSymbol1M": ".USDTINT",
        "lowPrice": float(mid),
        "highPrice": float(mid),
        "priceChgPct": 0.0,
        "priceChg": 0.0,
    }
