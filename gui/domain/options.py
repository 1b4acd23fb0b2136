"""Order options beyond side, quantity and strategy: post-only, reduce-only, hidden, iceberg,
leverage, margin mode, stop triggers, and a broker's routing and scheduling choices
(short sale, destination exchange, asset class, scheduled start, clip size).

Exchanges (KuCoin Futures) take most of the book options; algo brokers (Anboto) take the
routing and scheduling ones; OTC desks take none. A venue
declares which it accepts in `VenueCapabilities.options` (`OrderOption` names them), and
`gui.venues.base.capability_errors` refuses a ticket that uses one the venue lacks, so an
option is never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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
    SHORT_SALE = "short_sale"
    """A sell that opens or adds to a short position (FIX side "sell short")."""
    DESTINATION = "destination"
    """The exchange a broker routes the order to (FIX ExDestination)."""
    ASSET_CLASS = "asset_class"
    """Spot, future or option: which market of the destination the pair trades on."""
    START_TIME = "start_time"
    """Scheduled start of an algo; the end is start plus the ticket's duration."""
    CLIP_SIZE = "clip_size"
    """How large each child order (clip) of an algo may be."""


class AssetClass(StrEnum):
    """Which market of a destination exchange an order trades on."""

    SPOT = "spot"
    """The spot market: the base asset itself."""
    FUTURE = "future"
    """Futures or perpetual swaps on the pair."""
    OPTION = "option"
    """Options on the pair."""


class ClipSizeKind(StrEnum):
    """How a clip size is expressed."""

    QUANTITY = "quantity"
    """`ClipSize.value` is a base-asset quantity per child order."""
    FRACTION = "fraction"
    """`ClipSize.value` is a fraction of the order's quantity in (0, 1] (0.1 = 10%)."""
    AUTO = "auto"
    """The broker chooses; `ClipSize.value` is None."""


@dataclass(frozen=True, slots=True)
class ClipSize:
    """The size of each child order an algo places.

    Attributes:
        kind: Quantity, fraction of the order, or the broker's choice.
        value: Base-asset quantity (QUANTITY), fraction in (0, 1] (FRACTION), None (AUTO).
    """

    kind: ClipSizeKind
    value: Decimal | None = None


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
        short_sale: A sell that opens a short (only with a sell ticket).
        destination: Exchange the broker routes to, in the venue's capability spelling
            (e.g. `"Binance"`); "" for the venue's own book.
        asset_class: Market of the destination (None: the venue's default, spot).
        start_ts: Scheduled algo start, aware UTC (None: start now).
        clip_size: Child order size (None: the broker's default).
    """

    post_only: bool = False
    reduce_only: bool = False
    hidden: bool = False
    visible_quantity: Decimal | None = None
    leverage: Decimal | None = None
    margin_mode: MarginMode | None = None
    stop: StopTrigger | None = None
    short_sale: bool = False
    destination: str = ""
    asset_class: AssetClass | None = None
    start_ts: datetime | None = None
    clip_size: ClipSize | None = None

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
            OrderOption.SHORT_SALE: self.short_sale,
            OrderOption.DESTINATION: bool(self.destination),
            OrderOption.ASSET_CLASS: self.asset_class is not None,
            OrderOption.START_TIME: self.start_ts is not None,
            OrderOption.CLIP_SIZE: self.clip_size is not None,
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
        if self.start_ts is not None and self.start_ts.tzinfo is None:
            errors["start_time"] = "Start time must carry a time zone."
        if self.clip_size is not None:
            errors.update(_clip_size_errors(self.clip_size, quantity))
        return errors


def _clip_size_errors(clip: ClipSize, quantity: Decimal) -> dict[str, str]:
    value = clip.value
    if clip.kind == ClipSizeKind.AUTO:
        return {} if value is None else {"clip_size": "An automatic clip size takes no value."}
    if value is None or not value.is_finite() or value <= 0:
        return {"clip_size": "Clip size must be greater than zero."}
    if clip.kind == ClipSizeKind.FRACTION and value > 1:
        return {"clip_size": "Clip size must be at most 100% of the order."}
    if clip.kind == ClipSizeKind.QUANTITY and quantity.is_finite() and value > quantity:
        return {"clip_size": "Clip size must not exceed the quantity."}
    return {}


NO_OPTIONS = OrderOptions()
"""A ticket without options."""
