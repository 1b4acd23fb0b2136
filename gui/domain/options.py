"""Order options beyond side, quantity and strategy: post-only, reduce-only, hidden, iceberg,
leverage, margin mode and stop triggers.

Exchanges (KuCoin Futures) take most of these; brokers and OTC desks take none. A venue
declares which it accepts in `VenueCapabilities.options` (`OrderOption` names them), and
`gui.venues.base.capability_errors` refuses a ticket that uses one the venue lacks, so an
option is never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class OrderOption(StrEnum):
    """An option a venue may support; the vocabulary of `VenueCapabilities.options`."""

    POST_ONLY = "post_only"
    """Rest only: refused (or cancelled) rather than take liquidity."""
    REDUCE_ONLY = "reduce_only"
    """Only reduce an open position (derivatives)."""
    HIDDEN = "hidden"
    """Rest invisibly in the book."""
    ICEBERG = "iceberg"
    """Show only `visible_quantity` of the order at a time."""
    LEVERAGE = "leverage"
    """Leverage of the position the order opens (derivatives)."""
    MARGIN_MODE = "margin_mode"
    """Isolated or cross margin (derivatives)."""
    STOP = "stop"
    """Hold the order until the market crosses a trigger price."""


class MarginMode(StrEnum):
    """How a derivatives position is margined."""

    ISOLATED = "isolated"
    """Margin is set aside per position."""
    CROSS = "cross"
    """The whole account balance margins every position."""


class StopDirection(StrEnum):
    """Which way the market must cross the trigger price."""

    UP = "up"
    """Trigger when the price rises to the trigger price or above."""
    DOWN = "down"
    """Trigger when the price falls to the trigger price or below."""


class TriggerPrice(StrEnum):
    """Which price a stop watches."""

    LAST = "last"
    """Last traded price."""
    MARK = "mark"
    """Mark price (derivatives)."""
    INDEX = "index"
    """Index price (derivatives)."""


@dataclass(frozen=True, slots=True)
class StopTrigger:
    """A stop: the order is held until `price_type` crosses `price` in `direction`.

    Attributes:
        direction: Up (buy stops, take-profit on shorts) or down (sell stops).
        price: Trigger price, quote per base unit.
        price_type: Which market price is watched.
    """

    direction: StopDirection
    price: Decimal
    price_type: TriggerPrice = TriggerPrice.LAST


@dataclass(frozen=True, slots=True)
class OrderOptions:
    """Options of one ticket or order; the defaults mean "none used".

    Attributes:
        post_only: Rest only, never take.
        reduce_only: Only reduce a position.
        hidden: Not shown in the book.
        visible_quantity: Iceberg: base-asset quantity shown at a time (None: not an iceberg).
        leverage: Position leverage, e.g. `Decimal(5)` for 5x (None: the venue's current).
        margin_mode: Isolated or cross (None: the venue's current).
        stop: Stop trigger (None: not a stop order).
    """

    post_only: bool = False
    reduce_only: bool = False
    hidden: bool = False
    visible_quantity: Decimal | None = None
    leverage: Decimal | None = None
    margin_mode: MarginMode | None = None
    stop: StopTrigger | None = None

    def used(self) -> frozenset[OrderOption]:
        """The options set to something other than their default."""
        flags = {
            OrderOption.POST_ONLY: self.post_only,
            OrderOption.REDUCE_ONLY: self.reduce_only,
            OrderOption.HIDDEN: self.hidden,
            OrderOption.ICEBERG: self.visible_quantity is not None,
            OrderOption.LEVERAGE: self.leverage is not None,
            OrderOption.MARGIN_MODE: self.margin_mode is not None,
            OrderOption.STOP: self.stop is not None,
        }
        return frozenset(option for option, on in flags.items() if on)

    def validation_errors(self, quantity: Decimal) -> dict[str, str]:
        """Problems with the option values themselves, as ticket field name -> message.

        Combination rules that differ by venue (post-only with hidden, say) belong to the
        venue's adapter (`VenueClient.ticket_errors`).

        Args:
            quantity: The ticket's base-asset quantity (an iceberg shows less than it).
        """
        errors: dict[str, str] = {}
        if self.visible_quantity is not None:
            if not self.visible_quantity.is_finite() or self.visible_quantity <= 0:
                errors["visible_quantity"] = "Visible quantity must be greater than zero."
            elif quantity.is_finite() and self.visible_quantity >= quantity:
                errors["visible_quantity"] = "Visible quantity must be less than the quantity."
        if self.leverage is not None and (not self.leverage.is_finite() or self.leverage <= 0):
            errors["leverage"] = "Leverage must be greater than zero."
        if self.stop is not None and (not self.stop.price.is_finite() or self.stop.price <= 0):
            errors["stop_price"] = "Stop trigger price must be greater than zero."
        return errors


NO_OPTIONS = OrderOptions()
"""A ticket without options."""
