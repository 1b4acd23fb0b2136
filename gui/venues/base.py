"""The contract every venue adapter fulfils, and the reports it returns.

An adapter (`gui/venues/<venue>/adapter.py`) speaks domain types only: it takes an
`OrderTicket` or an order's venue id and returns `OrderReport`/`FillReport`s. What a venue
does natively is declared in its `VenueCapabilities`; the OMS reads that table and never
calls a method the table says is missing (see shared/venues/cross-venue.md §2).

Required methods: `submit`, `cancel`, `open_orders`, `order`, `find_by_client_order_id`,
`instruments`, `ticket_errors`, `aclose`.
Optional (capability flag): `pause`/`resume` (`pause_resume`), `amend` (`amend`),
`cancel_all` (`cancel_all`), `pause_all`/`resume_all` (`pause_all`), `cancel_many`
(`batch_cancel_limit` > 0; see `BatchCancel`). An adapter inherits
`UnsupportedVerbs` for the optional verbs it lacks and `ClosingContext` for `async with`.
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import TracebackType
from typing import ClassVar, Protocol, Self, runtime_checkable

from gui.domain.errors import UnsupportedAction
from gui.domain.instruments import Instrument
from gui.domain.options import AssetClass, OrderOption
from gui.domain.orders import Amendment, OrderStatus, OrderTicket, Side, Strategy, TimeInForce


@dataclass(frozen=True, slots=True)
class VenueCapabilities:
    """What a venue does natively.

    Attributes:
        strategies: Strategies the venue accepts.
        pause_resume: Native pause and resume of one order.
        pause_all: Native pause-all and resume-all.
        amend: Native amend of quantity/limit/duration/POV target.
        cancel_all: Native cancel-all.
        batch_cancel_limit: Orders per native cancel-many call; 0 when there is none.
        max_client_order_id_len: Longest client order id the venue takes.
        time_in_force: Times in force accepted for Market/Limit orders (an IOC strategy is
            always immediate-or-cancel).
        options: Order options accepted (post-only, iceberg, stop...).
        amend_fields: Amendment fields the native amend changes (`"quantity"`,
            `"limit_price"`, `"duration_s"`, `"pov_target"`).
        quantity_in_contracts: Orders are sized in contracts: the ticket asks for contracts
            and converts with the instrument's multiplier.
        quote_quantity_market: Market orders are sized in the quote asset (DFX: `amount`);
            the ticket asks for an amount instead of a quantity.
        destinations: Exchanges a broker routes to (option `destination`), as shown to the
            trader, e.g. `("Binance", "Bybit")`; empty for a venue with its own book.
        asset_classes: Asset classes the venue takes (option `asset_class`).
        fills_reported: The venue reports each fill; False when it reports only totals and
            the desk derives fills from them (`OrderReport.aggregate`).
    """

    strategies: frozenset[Strategy]
    pause_resume: bool = False
    pause_all: bool = False
    amend: bool = False
    cancel_all: bool = False
    batch_cancel_limit: int = 0
    max_client_order_id_len: int = 64
    time_in_force: frozenset[TimeInForce] = frozenset({TimeInForce.GTC})
    options: frozenset[OrderOption] = frozenset()
    amend_fields: frozenset[str] = frozenset()
    quantity_in_contracts: bool = False
    quote_quantity_market: bool = False
    destinations: tuple[str, ...] = ()
    asset_classes: tuple[AssetClass, ...] = ()
    fills_reported: bool = True


def capability_errors(ticket: OrderTicket, capabilities: VenueCapabilities) -> dict[str, str]:
    """What a ticket asks of a venue that the venue does not do, as field name -> message.

    Args:
        ticket: The ticket (already valid on its own, see `OrderTicket.validation_errors`).
        capabilities: The venue's table.

    Returns:
        An empty dict when the venue can take the ticket as it is.
    """
    errors: dict[str, str] = {}
    if ticket.strategy not in capabilities.strategies:
        errors["strategy"] = f"{ticket.venue} does not take {ticket.strategy} orders."
    if (
        ticket.strategy in (Strategy.MARKET, Strategy.LIMIT)
        and ticket.time_in_force not in capabilities.time_in_force
    ):
        errors["time_in_force"] = (
            f"{ticket.venue} does not take time in force {ticket.time_in_force}."
        )
    for option in sorted(ticket.options.used() - capabilities.options):
        errors[option.value] = f"{ticket.venue} does not take the {option.value} option."
    destination = ticket.options.destination
    if destination and OrderOption.DESTINATION in capabilities.options:
        if destination not in capabilities.destinations:
            errors["destination"] = f"{ticket.venue} does not route to {destination}."
    asset_class = ticket.options.asset_class
    if asset_class is not None and OrderOption.ASSET_CLASS in capabilities.options:
        if asset_class not in capabilities.asset_classes:
            errors["asset_class"] = f"{ticket.venue} does not take {asset_class} orders."
    if ticket.quote_quantity is not None and not capabilities.quote_quantity_market:
        errors["quote_quantity"] = f"{ticket.venue} does not size orders in the quote asset."
    if (
        ticket.quote_quantity is None
        and ticket.strategy == Strategy.MARKET
        and capabilities.quote_quantity_market
    ):
        errors["quantity"] = (
            f"{ticket.venue} sizes Market orders in the quote asset: give an amount."
        )
    return errors


@dataclass(frozen=True, slots=True)
class FillReport:
    """One fill as a venue reported it, in domain units.

    Attributes:
        fill_id: The venue's fill id (unique per venue); duplicates are dropped by the store.
        quantity: Base-asset amount.
        price: Quote per base unit.
        ts: Aware UTC.
        fee: Fee in `fee_asset`, if reported.
        fee_asset: Asset of the fee, "" if unknown.
        liquidity: `"maker"`, `"taker"` or "".
    """

    fill_id: str
    quantity: Decimal
    price: Decimal
    ts: datetime
    fee: Decimal | None = None
    fee_asset: str = ""
    liquidity: str = ""


@dataclass(frozen=True, slots=True)
class FillAggregate:
    """An order's fill totals from a venue that reports no fill list (Anboto, DFX).

    A report carrying one asks the store to derive fills from the rise in `filled_qty`
    (`gui.domain.aggregates.derive_fill`); the report's `fills` is then None.

    Attributes:
        notional: Cumulative quote amount filled, when the venue reports it (DFX
            `tradeAmount`); None: the store uses `avg_fill_px * filled_qty`.
        last_qty: The venue's last child fill quantity (Anboto `lastQuantity`), if any.
        last_price: Its price (Anboto `lastPrice`).
    """

    notional: Decimal | None = None
    last_qty: Decimal | None = None
    last_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class OrderReport:
    """An order's state as a venue reported it, in domain units.

    Attributes:
        venue: Venue name.
        venue_order_id: The venue's order id.
        client_order_id: Our id as echoed by the venue ("" when the venue lost or lacks it).
        status: Mapped status (UNKNOWN for a venue status we do not know).
        venue_status: The venue's own status string, for display and logs.
        pair: `BASE-QUOTE`.
        side: Buy or sell.
        quantity: Total base-asset quantity.
        filled_qty: Base-asset quantity filled.
        avg_fill_px: Average fill price, None before any fill.
        strategy: The strategy, when the venue reports it.
        account: Account name, when the venue reports it.
        limit_price: Limit price, None when none.
        start_ts: Algo schedule start, if any.
        end_ts: Algo schedule end, if any.
        paused_ts: When the venue paused it, if it says.
        resumed_ts: When the venue resumed it, if it says.
        updated_ts: The venue's last-update time, if it says.
        reason: Failure or rejection text, "" if none.
        fills: Fills carried with the report; None when this report carries no fill list
            (an empty tuple means the venue says there are none).
        aggregate: Fill totals to derive fills from (venues without a fill list); None
            when the venue reports fills itself.
    """

    venue: str
    venue_order_id: str
    client_order_id: str
    status: OrderStatus
    venue_status: str
    pair: str
    side: Side
    quantity: Decimal
    filled_qty: Decimal
    avg_fill_px: Decimal | None = None
    strategy: Strategy | None = None
    account: str = ""
    limit_price: Decimal | None = None
    start_ts: datetime | None = None
    end_ts: datetime | None = None
    paused_ts: datetime | None = None
    resumed_ts: datetime | None = None
    updated_ts: datetime | None = None
    reason: str = ""
    fills: tuple[FillReport, ...] | None = field(default=None)
    aggregate: FillAggregate | None = None


@runtime_checkable
class VenueClient(Protocol):
    """A venue account's trading verbs in domain types.

    Every method raises `gui.domain.errors.VenueError` subclasses for venue failures, with the
    venue's own message kept; `UnsupportedAction` for a capability the venue lacks.
    """

    @property
    def venue(self) -> str:
        """Venue name, e.g. `"treadfi"`."""
        ...

    @property
    def account(self) -> str:
        """The account this client trades."""
        ...

    @property
    def capabilities(self) -> VenueCapabilities:
        """What the venue does natively."""
        ...

    async def submit(self, ticket: OrderTicket, client_order_id: str) -> OrderReport:
        """Send a new order; never retried (a lost answer is resolved by client order id)."""
        ...

    async def cancel(self, venue_order_id: str) -> None:
        """Ask the venue to cancel one order; the next report shows the outcome."""
        ...

    async def pause(self, venue_order_id: str) -> None:
        """Pause one working order (capability `pause_resume`)."""
        ...

    async def resume(self, venue_order_id: str) -> None:
        """Resume one paused order (capability `pause_resume`)."""
        ...

    async def amend(self, venue_order_id: str, amendment: Amendment) -> None:
        """Change a working order (capability `amend`)."""
        ...

    async def cancel_all(self) -> None:
        """Cancel every working order of this account (capability `cancel_all`)."""
        ...

    async def pause_all(self) -> None:
        """Pause every working order (capability `pause_all`)."""
        ...

    async def resume_all(self) -> None:
        """Resume every paused order (capability `pause_all`)."""
        ...

    async def open_orders(self) -> list[OrderReport]:
        """Every non-terminal order of the account, with fills where the venue gives them."""
        ...

    async def order(self, venue_order_id: str) -> OrderReport:
        """One order in full, with its fills.

        Raises:
            VenueNotFound: The venue has no such order.
        """
        ...

    async def find_by_client_order_id(self, client_order_id: str) -> OrderReport | None:
        """The order the venue holds under our client order id, or None if it has none."""
        ...

    async def instruments(self) -> list[Instrument]:
        """What the account can trade, with sizes and increments; [] when the venue takes
        any pair (brokers route to many exchanges). Cached by the adapter after one call."""
        ...

    def ticket_errors(self, ticket: OrderTicket) -> dict[str, str]:
        """The venue's own rules for a ticket beyond `capability_errors` (e.g. KuCoin:
        post-only not with hidden or iceberg; whole contracts), as field name -> message.

        No I/O: uses what `instruments()` loaded. An empty dict when the venue takes it.
        """
        ...

    async def aclose(self) -> None:
        """Close connections."""
        ...


@runtime_checkable
class BatchCancel(Protocol):
    """The optional `cancel_many` verb of a `VenueClient` (capability `batch_cancel_limit`).

    Every adapter that inherits `UnsupportedVerbs` has it (raising `UnsupportedAction`
    when the venue has no batch cancel). It is a protocol of its own, not yet a member of
    `VenueClient`, because the Tread.fi adapter (no batch cancel, notes §6) does not
    inherit `UnsupportedVerbs`: the OMS calls it only on a client whose capability says
    so and that passes `isinstance(client, BatchCancel)`.
    """

    async def cancel_many(self, venue_order_ids: Sequence[str]) -> dict[str, str]:
        """Ask the venue to cancel several orders with its batch endpoint (capability
        `batch_cancel_limit` > 0: at most that many ids per request; an adapter may chunk a
        longer list itself). The next report of each order shows the outcome.

        Returns:
            Venue order id -> "" when the venue accepted that order's cancel, else the
            venue's reason. An id the answer leaves out was not refused by name.

        Raises:
            VenueError: The request as a whole failed (auth, network, 5xx).
        """
        ...


class UnsupportedVerbs(ABC):
    """The optional verbs, each raising `UnsupportedAction` without sending anything.

    An adapter inherits this and defines the verbs its venue does natively; the others
    stay here. The error reads "<venue> does not support <action>"; a venue may reword an
    action through the `*_action` class attributes.
    """

    pause_action: ClassVar[str] = "pausing orders"
    resume_action: ClassVar[str] = "resuming orders"
    amend_action: ClassVar[str] = "amending orders"
    cancel_all_action: ClassVar[str] = "cancel-all"
    cancel_many_action: ClassVar[str] = "batch cancel"
    pause_all_action: ClassVar[str] = "pausing orders"
    resume_all_action: ClassVar[str] = "resuming orders"

    @property
    @abstractmethod
    def venue(self) -> str:
        """Venue name, named in the error."""

    async def pause(self, venue_order_id: str) -> None:
        """Raises `UnsupportedAction`: the venue cannot pause an order."""
        raise UnsupportedAction(self.venue, self.pause_action)

    async def resume(self, venue_order_id: str) -> None:
        """Raises `UnsupportedAction`: the venue cannot resume an order."""
        raise UnsupportedAction(self.venue, self.resume_action)

    async def amend(self, venue_order_id: str, amendment: Amendment) -> None:
        """Raises `UnsupportedAction`: the venue cannot amend an order."""
        raise UnsupportedAction(self.venue, self.amend_action)

    async def cancel_many(self, venue_order_ids: Sequence[str]) -> dict[str, str]:
        """Raises `UnsupportedAction`: the venue has no batch cancel."""
        raise UnsupportedAction(self.venue, self.cancel_many_action)

    async def cancel_all(self) -> None:
        """Raises `UnsupportedAction`: the venue has no cancel-all."""
        raise UnsupportedAction(self.venue, self.cancel_all_action)

    async def pause_all(self) -> None:
        """Raises `UnsupportedAction`: the venue has no pause-all."""
        raise UnsupportedAction(self.venue, self.pause_all_action)

    async def resume_all(self) -> None:
        """Raises `UnsupportedAction`: the venue has no resume-all."""
        raise UnsupportedAction(self.venue, self.resume_all_action)


class ClosingContext(ABC):
    """`async with adapter:` closes the adapter's connections on the way out."""

    @abstractmethod
    async def aclose(self) -> None:
        """Close connections."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


_SEND_AFTER: ContextVar[asyncio.Future[None] | None] = ContextVar("send_after", default=None)


@contextlib.contextmanager
def send_after(gate: asyncio.Future[None] | None) -> Iterator[None]:
    """While inside, no request of this task leaves before `gate` is done; if `gate` fails,
    its exception is raised in place of the request, which is not sent.

    The OMS journals an order's intent while the adapter builds and signs the request, and
    the bytes leave only once the intent is committed: the commit's round trip to the
    journal thread (0.2-0.5 ms after an idle spell) overlaps the request's own preparation
    instead of preceding it (issue 8, item 4). `None` gates nothing.
    """
    token = _SEND_AFTER.set(gate)
    try:
        yield
    finally:
        _SEND_AFTER.reset(token)


async def wait_for_send_gate() -> None:
    """Wait until this task may send (see `send_after`); the transport calls it last.

    Raises:
        Exception: Whatever the gate failed with (the request must not be sent).
    """
    gate = _SEND_AFTER.get()
    if gate is not None:
        await gate
