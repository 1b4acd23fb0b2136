"""The DFX Labs emulator's account: its orders and trades over the shared `SandboxEngine`.

A `DfxOrder` is the venue's view of one spot order (notes.md §2.3(4), §2.4): a 16-digit
numeric order id, the request as given (LIMIT: price and base quantity; MARKET: quote
amount) and the engine's `SimOrder` that works it. A `DfxTrade` is one execution as
`GET /api/v1/account/trades` returns it (notes.md §2.3, external). The book is lazy like the
engine: `sync()`, run first by every request, turns new engine fills into trades.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from gui.domain.orders import Side, Strategy
from gui.sandbox.dfx_gateway import ApiError, bad_request, not_found
from gui.sandbox.dfx_symbols import (
    SymbolSpec,
    check_limit,
    check_market_amount,
    decimal_text,
)
from gui.sandbox.engine import OrderRefused, OrderRequest, SandboxEngine, SimFill, SimOrder
from gui.sandbox.execution import MAKER_FEE_RATE, TAKER_FEE_RATE
from gui.sandbox.market import floor_to
from gui.sandbox.sim_order import SimStatus

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class DfxStatus(StrEnum):
    """The venue's order statuses (notes.md §2.4, Getting Started), in its spelling."""

    PENDING_NEW = "PENDING_NEW"
    """A conditional order not yet triggered (not emulated: only LIMIT and MARKET are)."""
    NEW = "NEW"
    """Working, nothing filled."""
    PARTIAL_FILLED = "PARTIAL_FILLED"
    """Working, part filled."""
    FILLED = "FILLED"
    """Completely filled (final)."""
    CANCELED = "CANCELED"
    """Canceled, possibly after partial fills (final)."""
    REJECT = "REJECT"
    """Rejected while matching (final); the engine's fault injection (`SandboxEngine.fail`)."""


OPEN_STATUSES: frozenset[DfxStatus] = frozenset({DfxStatus.NEW, DfxStatus.PARTIAL_FILLED})
"""What `open_order` lists and a cancel accepts."""
FINISHED_STATUSES: frozenset[DfxStatus] = frozenset(
    {DfxStatus.FILLED, DfxStatus.CANCELED, DfxStatus.REJECT}
)
"""What `finish_order` lists: every final status, including a partly filled order that was
canceled (our reading, notes.md §2.7(7))."""


def to_ms(ts: datetime) -> int:
    """An aware datetime as unix milliseconds."""
    return (ts - _EPOCH) // timedelta(milliseconds=1)


class IdSource:
    """Increasing numeric ids, never reused across sandbox restarts: each is at least the
    wall-clock milliseconds times `scale`."""

    def __init__(self, scale: int) -> None:
        """Start before any id.

        Args:
            scale: 1000 gives 16-digit ids like the venue's order ids (notes.md §2.4).
        """
        self._scale = scale
        self._last = 0

    def next(self) -> int:
        """The next id."""
        self._last = max(self._last + 1, int(time.time() * 1000) * self._scale)
        return self._last


@dataclass(slots=True, eq=False)
class DfxOrder:
    """One spot order as the venue reports it.

    Attributes:
        order_id: 16-digit venue order id (a JSON number in reads, a string elsewhere).
        client_oid: The caller's `clientOrderId`, or None.
        account_id: The account (`accountId`, a numeric string).
        spec: Its pair.
        order_type: `LIMIT` or `MARKET`.
        side: Buy or sell.
        price: LIMIT price, quote per base; None for MARKET.
        quantity: LIMIT quantity, base asset; None for MARKET.
        amount: LIMIT price x quantity, or the MARKET order's quote amount.
        created_ts: Creation (sandbox clock, aware UTC).
        sim: The engine order working it.
        fills_seen: Engine fills already turned into trades.
    """

    order_id: int
    client_oid: str | None
    account_id: str
    spec: SymbolSpec
    order_type: str
    side: Side
    price: Decimal | None
    quantity: Decimal | None
    amount: Decimal
    created_ts: datetime
    sim: SimOrder
    fills_seen: int = 0

    @property
    def status(self) -> DfxStatus:
        """The venue status derived from the engine's."""
        sim_status = self.sim.status
        if sim_status is SimStatus.COMPLETE:
            return DfxStatus.FILLED
        if sim_status is SimStatus.CANCELED:
            return DfxStatus.CANCELED
        if sim_status is SimStatus.FAILED:
            return DfxStatus.REJECT
        return DfxStatus.PARTIAL_FILLED if self.sim.filled_qty > 0 else DfxStatus.NEW

    @property
    def created_ms(self) -> int:
        """Creation time, unix ms."""
        return to_ms(self.created_ts)


@dataclass(frozen=True, slots=True)
class DfxTrade:
    """One execution of one of the account's orders.

    Attributes:
        trade_id: Increasing numeric id.
        order: The order that traded.
        price: Quote per base.
        quantity: Base asset.
        is_maker: True if the order provided liquidity.
        fee: In `fee_asset`.
        fee_asset: The asset received: base for a buy, quote for a sell (as the venue's
            example, a BUY paying its fee in BTC).
        ts: When (sandbox clock, aware UTC).
    """

    trade_id: int
    order: DfxOrder
    price: Decimal
    quantity: Decimal
    is_maker: bool
    fee: Decimal
    fee_asset: str
    ts: datetime

    @property
    def amount(self) -> Decimal:
        """Quote asset exchanged, price x quantity."""
        return self.price * self.quantity


class DfxBook:
    """The emulated account's orders and trades.

    Attributes:
        engine: The shared simulated market.
        account_id: The account every order belongs to.
        orders: Every order by id, oldest first.
        trades: Every trade, oldest first.
    """

    def __init__(self, engine: SandboxEngine, account_id: str) -> None:
        """No orders yet.

        Args:
            engine: The shared engine (other venues' orders in it are invisible here).
            account_id: The one account (`accountId`).
        """
        self.engine = engine
        self.account_id = account_id
        self.orders: dict[int, DfxOrder] = {}
        self.trades: list[DfxTrade] = []
        self._by_client_oid: dict[str, DfxOrder] = {}
        self._order_ids = IdSource(1000)
        self._trade_ids = IdSource(1)
        self._live: list[DfxOrder] = []

    # Placement ---------------------------------------------------------------------------------

    def place_limit(
        self,
        spec: SymbolSpec,
        side: Side,
        price: Decimal,
        quantity: Decimal,
        client_oid: str | None,
    ) -> DfxOrder:
        """Accept a LIMIT order: it trades what is marketable now and rests until the market
        crosses its price.

        Raises:
            ApiError: 400 against the symbols table or a `clientOrderId` already used.
        """
        self._check_client_oid(client_oid)
        check_limit(spec, side, price, quantity, self.engine.mid_price(spec.symbol))
        request = OrderRequest(spec.symbol, side, quantity, Strategy.LIMIT, limit_price=price)
        return self._create(
            spec, "LIMIT", side, price, quantity, price * quantity, request, client_oid
        )

    def place_market(
        self, spec: SymbolSpec, side: Side, amount: Decimal, client_oid: str | None
    ) -> DfxOrder:
        """Accept a MARKET order for `amount` quote asset, filled now.

        The engine trades base quantity, so the amount becomes `amount / touch` (ask for a
        buy, bid for a sell) rounded down to `baseIncrement`. An order within the touch's
        size trades at the touch for at most `amount`; a larger one walks the simulated book,
        so its `tradeAmount` can differ from `amount` (our approximation, notes.md §2.7(8)).

        Raises:
            ApiError: 400 against the symbols table (also when the amount buys less than
                `baseMinSize`) or a `clientOrderId` already used.
        """
        self._check_client_oid(client_oid)
        check_market_amount(spec, amount)
        bid, ask = self.engine.best_bid_ask(spec.symbol)
        touch = ask if side is Side.BUY else bid
        quantity = floor_to(amount / touch, spec.base_increment)
        if quantity < spec.base_min_size:
            raise bad_request(
                f"`amount` buys less than the minimum {decimal_text(spec.base_min_size)}"
                f" {spec.base_token}"
            )
        request = OrderRequest(spec.symbol, side, quantity, Strategy.MARKET)
        return self._create(spec, "MARKET", side, None, None, amount, request, client_oid)

    def _check_client_oid(self, client_oid: str | None) -> None:
        # Our rule: a clientOrderId names one order for good, so that looking it up after a
        # lost answer is never ambiguous (the doc is silent on reuse).
        if client_oid is not None and client_oid in self._by_client_oid:
            raise bad_request(f"Duplicate clientOrderId {client_oid}")

    def _create(
        self,
        spec: SymbolSpec,
        order_type: str,
        side: Side,
        price: Decimal | None,
        quantity: Decimal | None,
        amount: Decimal,
        request: OrderRequest,
        client_oid: str | None,
    ) -> DfxOrder:
        created = self.engine.clock.now()
        try:
            sim = self.engine.submit(request)
        except OrderRefused as exc:
            raise bad_request(str(exc)) from None
        order = DfxOrder(
            order_id=self._order_ids.next(),
            client_oid=client_oid,
            account_id=self.account_id,
            spec=spec,
            order_type=order_type,
            side=side,
            price=price,
            quantity=quantity,
            amount=amount,
            created_ts=created,
            sim=sim,
        )
        self.orders[order.order_id] = order
        if client_oid is not None:
            self._by_client_oid[client_oid] = order
        self._live.append(order)
        self._absorb_fills()
        return order

    # Cancel ------------------------------------------------------------------------------------

    def cancel(self, order: DfxOrder) -> None:
        """Cancel a NEW or PARTIAL_FILLED order (its fills stay).

        Raises:
            ApiError: 400 the order is already finished.
        """
        if order.status not in OPEN_STATUSES:
            raise _finished(order)
        try:
            self.engine.cancel(order.sim.order_id)
        except OrderRefused:
            raise _finished(order) from None
        finally:
            self._absorb_fills()

    # Lookups -----------------------------------------------------------------------------------

    def by_id(self, order_id: int) -> DfxOrder:
        """One order by venue id.

        Raises:
            ApiError: 404 no such order.
        """
        order = self.orders.get(order_id)
        if order is None:
            raise not_found()
        return order

    def by_client_oid(self, client_oid: str) -> DfxOrder:
        """One order by `clientOrderId`.

        Raises:
            ApiError: 404 no such order.
        """
        order = self._by_client_oid.get(client_oid)
        if order is None:
            raise not_found()
        return order

    # Lazy progress -----------------------------------------------------------------------------

    def sync(self) -> None:
        """Catch up with the engine: new fills become trades, in time order across orders."""
        self.engine.advance()
        self._absorb_fills()

    def _absorb_fills(self) -> None:
        pending: list[tuple[datetime, int, int, DfxOrder, SimFill]] = []
        for rank, order in enumerate(self._live):
            new = order.sim.fills[order.fills_seen :]
            order.fills_seen += len(new)
            pending.extend((fill.ts, rank, i, order, fill) for i, fill in enumerate(new))
        for _, _, _, order, fill in sorted(pending, key=lambda item: item[:3]):
            self.trades.append(self._trade(order, fill))
        self._live = [order for order in self._live if not order.sim.is_terminal]

    def _trade(self, order: DfxOrder, fill: SimFill) -> DfxTrade:
        if order.side is Side.BUY:
            rate = MAKER_FEE_RATE if fill.role == "maker" else TAKER_FEE_RATE
            fee, fee_asset = fill.quantity * rate, order.spec.base_token
        else:
            fee, fee_asset = fill.fee, order.spec.quote_token
        return DfxTrade(
            trade_id=self._trade_ids.next(),
            order=order,
            price=fill.price,
            quantity=fill.quantity,
            is_maker=fill.role == "maker",
            fee=fee,
            fee_asset=fee_asset,
            ts=fill.ts,
        )


def _finished(order: DfxOrder) -> ApiError:
    return bad_request(f"Order {order.order_id} is already finished ({order.status})")


__all__ = [
    "FINISHED_STATUSES",
    "OPEN_STATUSES",
    "DfxBook",
    "DfxOrder",
    "DfxStatus",
    "DfxTrade",
    "IdSource",
    "to_ms",
]
