"""DFX Labs spot as a `gui.venues.base.VenueClient`: trading verbs in domain types.

One adapter per sub-account (`DfxConfig.account_id`); `account` is the desk's name for it.
Native: create (LIMIT by quantity, MARKET by quote amount), cancel one, batch cancel by ids
(5 a call, chunked) and cancel by symbol (`cancel_symbol`; there is no account-wide
cancel-all, notes §2.6). No amend, pause or resume: those raise `UnsupportedAction`.

Fills (notes §2.4, DESIGN "Domain rules"): when `DfxConfig.use_trades` and the account may
read `GET /api/v1/account/trades`, reports carry the venue's trades (`FillReport`, kind
"trade" in the fills pane), fetched only for orders whose `tradeQty` moved since their
trades were last read. Otherwise, or once that endpoint answered 401/403/404 (logged, and
kept for the adapter's life), reports carry `FillAggregate(notional=tradeAmount)` and the
store derives the fills exactly (kind "derived").

Polling stays cheap: `open_orders` is one `GET /spot/open_order?limit=100`; orders that
left the list are looked up by the OMS through `order()` (`GET /spot/order`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import httpx

from gui.domain.errors import VenueBadResponse, VenueError, VenueNotFound, VenueTransportError
from gui.domain.instruments import Instrument
from gui.domain.orders import (
    TERMINAL,
    OrderStatus,
    OrderTicket,
    Strategy,
    TimeInForce,
)
from gui.venues.base import (
    ClosingContext,
    FillReport,
    OrderReport,
    UnsupportedVerbs,
    VenueCapabilities,
)
from gui.venues.dfx import parsing, wire
from gui.venues.dfx.auth import DfxCredentials
from gui.venues.dfx.client import DfxClient
from gui.venues.dfx.config import (
    MAX_BATCH_CANCEL,
    MAX_CLIENT_ORDER_ID_LEN,
    MAX_TRADES_LIMIT,
    VENUE,
    DfxConfig,
)
from gui.venues.dfx.tickets import symbol_errors
from gui.venues.http import last_endpoint
from gui.venues.listing_cache import ListingCache
from gui.venues.report_cache import ReportCache

logger = logging.getLogger(__name__)

_ZERO = Decimal(0)
_TRADES_REFUSED = (401, 403, 404)
_MAX_TRADE_PAGES = 20
_MAX_REMEMBERED = 10_000  # orders whose trades are kept between polls


def capabilities(fills_reported: bool) -> VenueCapabilities:
    """What DFX does natively (notes §2.6); `fills_reported` says whether trades are read."""
    return VenueCapabilities(
        strategies=frozenset({Strategy.MARKET, Strategy.LIMIT}),
        time_in_force=frozenset({TimeInForce.GTC}),
        quote_quantity_market=True,
        batch_cancel_limit=MAX_BATCH_CANCEL,
        cancel_all=False,  # per symbol only: `cancel_symbol`
        max_client_order_id_len=MAX_CLIENT_ORDER_ID_LEN,
        fills_reported=fills_reported,
    )


@dataclass(slots=True)
class _Trades:
    """The trades read for one order, and the `tradeQty` they account for."""

    fills: tuple[FillReport, ...]
    covers: Decimal | None  # None: they lagged the order's total; read again next time


# No amend, pause or resume, one or all, and no native cancel-all: DFX cancels per
# symbol only (`cancel_symbol`), notes §2.6. `UnsupportedVerbs` raises for them.
class DfxAdapter(UnsupportedVerbs, ClosingContext):
    """One DFX sub-account's trading verbs.

    Args:
        config: Base URL, `account_id`, `use_trades`, encoding, rates.
        credentials: API key and Ed25519 private key (never logged).
        account: The desk's name for this sub-account (shown on orders, not sent).
        transport: Replaces the network (tests pass `httpx.ASGITransport`).

    Raises:
        ValueError: An empty account name or `config.account_id`.
    """

    cancel_all_action = "cancel-all (cancel per symbol instead)"

    def __init__(
        self,
        config: DfxConfig,
        credentials: DfxCredentials,
        account: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not account:
            raise ValueError("DFX account name must be non-empty")
        if not config.account_id:
            raise ValueError(f"DFX account {account!r} needs DfxConfig.account_id (accountId)")
        self._config = config
        self._account = account
        self._client = DfxClient(config, credentials, transport=transport)
        self._use_trades = config.use_trades
        self._trades: dict[str, _Trades] = {}
        self._listing = ListingCache[wire.DfxOrder](("data",))
        self._reports = ReportCache()
        self._symbols: dict[str, wire.DfxSymbol] | None = None

    @property
    def venue(self) -> str:
        """`"dfx"`."""
        return VENUE

    @property
    def account(self) -> str:
        """The desk's name for this sub-account."""
        return self._account

    @property
    def capabilities(self) -> VenueCapabilities:
        """Market (by quote amount) and Limit, GTC; batch cancel of 5; fills reported while
        the trades endpoint is in use."""
        return capabilities(self._use_trades)

    @property
    def client(self) -> DfxClient:
        """The raw endpoint client (six order endpoints, account trades, symbols)."""
        return self._client

    @property
    def uses_trades(self) -> bool:
        """True while fills come from `/api/v1/account/trades` (False after a refusal)."""
        return self._use_trades

    # -- fills ---------------------------------------------------------------------------------

    async def _read_trades(self, order_id: str, symbol: str | None) -> list[wire.DfxTrade]:
        # The symbol is optional in the venue's table but narrows the search (the sandbox
        # requires it). One page of 100 is the common case; a bigger order is paged with
        # `fromId` from the highest id seen (the doc: "Start from tradeId, exclusive")
        # until a page brings nothing new.
        seen: dict[str, wire.DfxTrade] = {}
        from_id: str | None = None
        for _ in range(_MAX_TRADE_PAGES):
            page = await self._client.account_trades(
                order_id=order_id, symbol=symbol, limit=MAX_TRADES_LIMIT, from_id=from_id
            )
            fresh = [trade for trade in page if trade.trade_id not in seen]
            seen.update((trade.trade_id, trade) for trade in fresh)
            if len(page) < MAX_TRADES_LIMIT or not fresh:
                break
            from_id = max(seen, key=lambda trade_id: (len(trade_id), trade_id))
        return [t for t in seen.values() if t.order_id in (None, order_id)]

    async def _fills_for(self, order: wire.DfxOrder) -> tuple[FillReport, ...] | None:
        """The order's trades, read only when its `tradeQty` moved; None when unread."""
        filled = order.trade_qty if order.trade_qty is not None else _ZERO
        cached = self._trades.get(order.order_id)
        if cached is not None and cached.covers == filled:
            return cached.fills
        if filled <= 0:
            return ()  # the venue says nothing has filled
        try:
            trades = await self._read_trades(order.order_id, order.symbol)
        except VenueError as exc:
            if exc.status_code in _TRADES_REFUSED:
                self._use_trades = False
                self._trades.clear()
                logger.warning(
                    "DFX account %s may not read /api/v1/account/trades (%s); fills are "
                    "derived from order totals from now on",
                    self._account,
                    exc,
                )
            else:
                logger.warning("DFX order %s: trades not read: %s", order.order_id, exc)
            return None
        fills = parsing.fill_reports(trades)
        total = sum((fill.quantity for fill in fills), _ZERO)
        self._trades.pop(order.order_id, None)
        self._trades[order.order_id] = _Trades(fills, filled if total >= filled else None)
        while len(self._trades) > _MAX_REMEMBERED:
            del self._trades[next(iter(self._trades))]  # the least recently read
        return fills

    async def _report(self, order: wire.DfxOrder) -> OrderReport:
        fills = await self._fills_for(order) if self._use_trades else None
        return self._map(order, fills)

    def _map(self, order: wire.DfxOrder, fills: tuple[FillReport, ...] | None) -> OrderReport:
        try:
            return parsing.order_report(
                order, account=self._account, fills=fills, aggregate=not self._use_trades
            )
        except ValueError as exc:
            raise VenueBadResponse(
                VENUE, last_endpoint(), f"order {order.order_id}: {exc}"
            ) from exc

    # -- trading verbs -------------------------------------------------------------------------

    async def submit(self, ticket: OrderTicket, client_order_id: str) -> OrderReport:
        """Send a new order once: `POST /api/v1/spot/order`.

        The venue answers with the order id only, so the report is built from the ticket
        (WORKING, nothing filled; a Market order's quantity is 0 until it fills); the next
        poll brings the venue's state.

        Args:
            ticket: Limit (price, base quantity) or Market (`quote_quantity`, quantity 0).
            client_order_id: Our id, sent as `clientOrderId`.

        Raises:
            TicketInvalid: The ticket fails validation; nothing was sent.
            UnsupportedAction: Another strategy, or a Market order in the base asset.
            ValueError: The client order id is empty or too long (a bug); nothing was sent.
            VenueRejected: The venue refused it (412, non-"0" code).
            VenueUnavailable / VenueTransportError: Outcome unknown: resolve with
                `find_by_client_order_id`.
        """
        ticket.validate()
        if not 0 < len(client_order_id) <= MAX_CLIENT_ORDER_ID_LEN:
            raise ValueError(
                f"DFX clientOrderId must be 1-{MAX_CLIENT_ORDER_ID_LEN} characters, "
                f"got {client_order_id!r}"
            )
        new = parsing.new_order(ticket)
        order_id = await self._client.create_order(
            symbol=new.symbol,
            side=new.side,
            order_type=new.order_type,
            price=new.price,
            quantity=new.quantity,
            amount=new.amount,
            client_order_id=client_order_id,
        )
        return OrderReport(
            venue=VENUE,
            venue_order_id=order_id,
            client_order_id=client_order_id,
            status=OrderStatus.WORKING,
            venue_status="NEW",
            pair=new.symbol,
            side=ticket.side,
            quantity=new.quantity if new.quantity is not None else _ZERO,
            filled_qty=_ZERO,
            strategy=ticket.strategy,
            account=self._account,
            limit_price=new.price,
        )

    async def cancel(self, venue_order_id: str) -> None:
        """Cancel one order: `DELETE /api/v1/spot/order?orderId=`.

        Raises:
            VenueNotFound: The venue says no such order.
            VenueRejected: Not cancellable (e.g. already done).
        """
        await self._client.cancel_order(order_id=venue_order_id)

    async def cancel_many(self, venue_order_ids: Sequence[str]) -> dict[str, str]:
        """Cancel orders 5 at a time: `DELETE /api/v1/spot/batch/order?orderIds=`.

        Returns:
            Order id -> "" when the venue listed it as cancelled, else why not. A chunk
            that fails as a whole gives every id in it the error's text.
        """
        results: dict[str, str] = {}
        ids = list(dict.fromkeys(venue_order_ids))
        for start in range(0, len(ids), MAX_BATCH_CANCEL):
            chunk = ids[start : start + MAX_BATCH_CANCEL]
            try:
                result = await self._client.batch_cancel(chunk)
            except VenueError as exc:
                results.update((order_id, str(exc)) for order_id in chunk)
                continue
            results.update((order_id, "") for order_id in result.cancelled)
            results.update(result.failed)
        return results

    async def cancel_symbol(self, pair: str) -> list[str]:
        """Cancel every order of one pair: `DELETE /api/v1/spot/batch/order?symbol=`.

        Returns:
            The venue order ids the venue listed as cancelled.
        """
        result = await self._client.cancel_symbol(pair.upper())
        return list(result.cancelled)

    async def open_orders(self) -> list[OrderReport]:
        """Every unfinished order of the sub-account, with fills where read.

        `GET /api/v1/spot/open_order?limit=100` (plus trades for orders whose `tradeQty`
        moved). The endpoint has no cursor (doc §6): when a full page of 100 comes back,
        the list is read again per symbol (one call per symbol seen, 100 each) and merged;
        orders beyond that are still followed one by one through `order()`. An order
        unchanged since the last poll (same JSON and trades) is neither decoded nor mapped
        again: it comes back as the same `OrderReport` object (`gui.venues.report_cache`).
        """
        limit = self._config.open_orders_limit
        listing = self._listing.poll()
        orders = await self._client.open_orders(limit=limit, listing=listing)
        if len(orders) >= limit:
            merged = {order.order_id: order for order in orders}
            for symbol in sorted({order.symbol for order in orders if order.symbol}):
                page = await self._client.open_orders(symbol=symbol, limit=limit, listing=listing)
                if len(page) >= limit:
                    logger.warning("DFX %s: %d+ open orders on %s", self._account, limit, symbol)
                merged.update((order.order_id, order) for order in page)
            orders = list(merged.values())
        poll = self._reports.poll()
        reports = []
        for order in orders:
            fills = await self._fills_for(order) if self._use_trades else None
            reports.append(
                poll.report(
                    order.order_id,
                    order,
                    (fills, self._use_trades),
                    functools.partial(self._map, fills=fills),
                )
            )
        poll.finish()
        listing.finish()
        return reports

    async def order(self, venue_order_id: str) -> OrderReport:
        """One order: `GET /api/v1/spot/order?orderId=` (plus its trades if they moved).

        Raises:
            VenueNotFound: The venue has no such order.
        """
        report = await self._report(await self._client.get_order(order_id=venue_order_id))
        if report.status in TERMINAL and report.fills is not None:
            self._trades.pop(venue_order_id, None)  # done: its trades are in the store
        return report

    async def find_by_client_order_id(self, client_order_id: str) -> OrderReport | None:
        """The order sent with this `clientOrderId`, None when the venue has none:
        `GET /api/v1/spot/order?clientOrderId=`.

        Raises:
            VenueTransportError: The venue answered with another client order id's order.
        """
        try:
            order = await self._client.get_order(client_order_id=client_order_id)
        except VenueNotFound:
            return None
        if order.client_oid not in (None, client_order_id):
            raise VenueTransportError(
                VENUE,
                f"asked for clientOrderId {client_order_id!r}, got order {order.order_id} "
                f"with {order.client_oid!r}",
            )
        return await self._report(order)

    async def instruments(self) -> list[Instrument]:
        """The symbols open for trading: `GET /api/v1/symbols` (cached after one call)."""
        if self._symbols is None:
            listed = await self._client.symbols()
            self._symbols = {s.symbol.upper(): s for s in listed if s.enable_trading is not False}
        return [parsing.instrument(symbol) for symbol in self._symbols.values()]

    def ticket_errors(self, ticket: OrderTicket) -> dict[str, str]:
        """DFX's size and increment rules from `instruments()` (no I/O; {} before it ran)."""
        if self._symbols is None:
            return {}
        return symbol_errors(ticket, self._symbols.get(ticket.pair.upper()))

    async def aclose(self) -> None:
        """Close connections."""
        await self._client.aclose()
