"""Simulated time and a simulated market per pair: a seeded random walk with volume and a book.

Everything here is venue-neutral. Prices are quote asset per one base unit and quantities are
base-asset amounts, both `Decimal` quantised to the pair's tick and lot; the random walk keeps a
float internally and only its quantised value leaves this module. Times are aware UTC.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Protocol

from gui.domain.orders import Side


class Clock(Protocol):
    """Where the engine reads simulated time."""

    def now(self) -> datetime:
        """The current simulated time, aware UTC."""
        ...


class ScaledClock:
    """Real time scaled by a speed factor; simulated time starts at the real time of creation.

    At `speed=60` one real second is one simulated minute, so a 10-minute algo runs in ~10 s.
    """

    def __init__(self, speed: float = 1.0) -> None:
        """Start the clock.

        Args:
            speed: Simulated seconds per real second; must be > 0.
        """
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed!r}")
        self.speed = speed
        self._origin = datetime.now(UTC)
        self._origin_monotonic_s = time.monotonic()

    def now(self) -> datetime:
        """The simulated time, aware UTC."""
        elapsed_s = (time.monotonic() - self._origin_monotonic_s) * self.speed
        return self._origin + timedelta(seconds=elapsed_s)


class ManualClock:
    """A clock for tests: time moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        """Start the clock.

        Args:
            start: Initial time, aware UTC; defaults to 2024-01-02 09:00 UTC.
        """
        self._now = start if start is not None else datetime(2024, 1, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """The current simulated time, aware UTC."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward.

        Args:
            seconds: How far, in simulated seconds (>= 0).
        """
        if seconds < 0:
            raise ValueError(f"time only moves forward, got {seconds!r} s")
        self._now += timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class PairSpec:
    """Static properties of a simulated pair.

    Attributes:
        start_mid: Mid price when the market is created, quote per base.
        tick: Price increment, quote per base.
        lot: Quantity increment, base asset.
    """

    start_mid: Decimal
    tick: Decimal
    lot: Decimal


_SPECS_BY_BASE: dict[str, PairSpec] = {
    "BTC": PairSpec(Decimal(60000), Decimal("0.1"), Decimal("0.00001")),
    "ETH": PairSpec(Decimal(3000), Decimal("0.01"), Decimal("0.0001")),
    "SOL": PairSpec(Decimal(150), Decimal("0.001"), Decimal("0.001")),
    "XRP": PairSpec(Decimal("0.6"), Decimal("0.0001"), Decimal("0.1")),
    "DOGE": PairSpec(Decimal("0.15"), Decimal("0.00001"), Decimal("1")),
    "AVAX": PairSpec(Decimal(35), Decimal("0.001"), Decimal("0.01")),
    "LINK": PairSpec(Decimal(15), Decimal("0.001"), Decimal("0.01")),
}
_DEFAULT_SPEC = PairSpec(Decimal(100), Decimal("0.01"), Decimal("0.001"))


def split_pair(pair: str) -> tuple[str, str]:
    """Split `BASE-QUOTE` or `BASE:VARIANT-QUOTE` into (base token, quote token).

    The base token keeps its variant (`"BTC:PERP"`); a pair without a dash has an empty quote.
    """
    base, _, quote = pair.rpartition("-")
    return (base, quote) if base else (pair, "")


def pair_spec(pair: str) -> PairSpec:
    """The spec of a pair, looked up by its underlying base asset (`BTC:PERP-USDT` -> BTC)."""
    underlying = split_pair(pair)[0].split(":")[0].upper()
    return _SPECS_BY_BASE.get(underlying, _DEFAULT_SPEC)


def floor_to(value: Decimal, increment: Decimal) -> Decimal:
    """`value` rounded down to a multiple of `increment`, with the increment's exponent."""
    units = (value / increment).to_integral_value(rounding=ROUND_FLOOR)
    return (units * increment).quantize(increment)


def ceil_to(value: Decimal, increment: Decimal) -> Decimal:
    """`value` rounded up to a multiple of `increment`, with the increment's exponent."""
    units = (value / increment).to_integral_value(rounding=ROUND_CEILING)
    return (units * increment).quantize(increment)


VOLATILITY_PER_SQRT_S = 2e-4
"""Standard deviation of the mid's log return over one simulated second (~0.5% per 10 min)."""
MEAN_TRADED_NOTIONAL_PER_S = 50_000.0
"""Average market volume per simulated second, in quote asset (turned into base per step)."""
TOUCH_NOTIONAL = 10_000.0
"""Average size shown at each book level, in quote asset."""
HALF_SPREAD_FRACTION = 0.5e-4
"""Half the bid/ask spread as a fraction of mid (a 1 bp spread), at least one tick."""
MAX_BOOK_LEVELS = 100
"""Levels a marketable order may walk; the last one absorbs whatever is left."""


@dataclass(frozen=True, slots=True)
class BookLevel:
    """One price level on one side of the simulated book.

    Attributes:
        price: Quote per base.
        quantity: Base asset available at `price`.
    """

    price: Decimal
    quantity: Decimal


class Market:
    """One pair's simulated market, stepped by the engine in fixed simulated intervals.

    Each step moves the mid by a seeded geometric random walk, draws the market volume traded
    during the step (lognormal around `MEAN_TRADED_NOTIONAL_PER_S`) and the size at the touch.
    The seed is derived from the engine seed and the pair, so a pair's path does not depend on
    which other pairs exist.

    Attributes:
        pair: `BASE-QUOTE`.
        spec: Tick, lot and starting mid.
        volume: Base asset traded by the market during the last step.
        touch_qty: Base asset shown at each book level after the last step.
    """

    def __init__(self, pair: str, seed: int) -> None:
        """Create the market at its starting mid.

        Args:
            pair: `BASE-QUOTE`.
            seed: The engine seed.
        """
        self.pair = pair
        self.spec = pair_spec(pair)
        self._rng = random.Random(f"{seed}:{pair}")
        self._mid_float = float(self.spec.start_mid)
        self.volume = Decimal(0)
        self.touch_qty = self._draw_base_qty(TOUCH_NOTIONAL)

    @property
    def mid(self) -> Decimal:
        """Mid price, quote per base, quantised to the tick."""
        return floor_to(Decimal(repr(self._mid_float)), self.spec.tick)

    @property
    def bid(self) -> Decimal:
        """Best bid, quote per base."""
        return floor_to(Decimal(repr(self._mid_float - self._half_spread())), self.spec.tick)

    @property
    def ask(self) -> Decimal:
        """Best ask, quote per base."""
        return ceil_to(Decimal(repr(self._mid_float + self._half_spread())), self.spec.tick)

    @property
    def mean_volume_per_s(self) -> Decimal:
        """Expected market volume per simulated second at the current mid, base asset."""
        return floor_to(Decimal(repr(MEAN_TRADED_NOTIONAL_PER_S / self._mid_float)), self.spec.lot)

    def step(self, seconds: float) -> None:
        """Advance the market by one step.

        Args:
            seconds: Length of the step in simulated seconds (the volume scales with it).
        """
        shock = self._rng.gauss(0.0, 1.0) * VOLATILITY_PER_SQRT_S * math.sqrt(seconds)
        self._mid_float *= math.exp(shock)
        self.volume = self._draw_base_qty(MEAN_TRADED_NOTIONAL_PER_S * seconds)
        self.touch_qty = self._draw_base_qty(TOUCH_NOTIONAL)

    def levels(self, side: Side) -> Iterator[BookLevel]:
        """The book a marketable order of `side` walks, best first.

        A buy walks the asks upward and a sell the bids downward, one spread per level, each
        level holding `touch_qty`; the last level (`MAX_BOOK_LEVELS`) holds unlimited size.
        """
        spread = max(self.ask - self.bid, self.spec.tick)
        best = self.ask if side is Side.BUY else self.bid
        direction = 1 if side is Side.BUY else -1
        for index in range(MAX_BOOK_LEVELS):
            price = best + direction * spread * index
            if price <= 0:
                return
            unlimited = index == MAX_BOOK_LEVELS - 1
            yield BookLevel(price, Decimal("Infinity") if unlimited else self.touch_qty)

    def _half_spread(self) -> float:
        return max(float(self.spec.tick), self._mid_float * HALF_SPREAD_FRACTION)

    def _draw_base_qty(self, mean_notional: float) -> Decimal:
        # Lognormal with mean 1 (mu = -sigma^2 / 2), at least one lot.
        noise = self._rng.lognormvariate(-0.125, 0.5)
        quantity = Decimal(repr(mean_notional * noise / self._mid_float))
        return max(floor_to(quantity, self.spec.lot), self.spec.lot)
