"""KuCoin Futures as a `gui.venues.base.VenueClient`: trading verbs in domain types.

One adapter per API key ("account"). Quantities are base asset on the desk side and whole
lots on the wire; `parsing`/`tickets` convert with each contract's multiplier. KuCoin has no
amend and no pause (notes §5): those verbs raise `UnsupportedAction` and the OMS emulates
them. Polling is cheap (notes §4.2 weights): `open_orders` costs the active-order pages, the
untriggered-stop pages and one `recentFills`, whatever the number of orders.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import httpx

from gui.domain.errors import (
    TicketInvalid,
    VenueBadResponse,
    VenueNotFound,
    VenueTransportError,
)
from gui.domain.instruments import Instrument
from gui.domain.options import OrderOption
from gui.domain.orders import OrderStatus, OrderTicket, Strategy, TimeInForce
from gui.venues.base import ClosingContext, OrderReport, UnsupportedVerbs, VenueCapabilities
from gui.venues.http import last_endpoint
from gui.venues.kucoin_futures import parsing, tickets, wire
from gui.venues.kucoin_futures.client import KucoinFuturesClient
from gui.venues.kucoin_futures.config import (
    CLIENT_OID_PATTERN,
    MAX_BATCH_CANCEL,
    MAX_CLIENT_OID_LEN,
    MAX_PAGE_SIZE,
    VENUE,
    KucoinFuturesConfig,
)
from gui.venues.listing_cache import ListingCache
from gui.venues.report_cache import ReportCache

logger = logging.getLogger(__name__)

CAPABILITIES = VenueCapabilities(
    strategies=frozenset({Strategy.MARKET, Strategy.LIMIT, Strategy.IOC}),
    pause_resume=False,
    pause_all=False,
    amend=False,
    cancel_all=True,
    batch_cancel_limit=MAX_BATCH_CANCEL,
    max_client_order_id_len=MAX_CLIENT_OID_LEN,
    time_in_force=frozenset({TimeInForce.GTC, TimeInForce.IOC}),
    # Listed one by one: the broker options (short sale, destination, schedule, clip size)
    # are not KuCoin's, and a new domain option must not become KuCoin's by default.
    options=frozenset(
        {
            OrderOption.POST_ONLY,
            OrderOption.REDUCE_ONLY,
            OrderOption.HIDDEN,
            OrderOption.ICEBERG,
            OrderOption.LEVERAGE,
            OrderOption.MARGIN_MODE,
            OrderOption.STOP,
        }
    ),
    quantity_in_contracts=True,
)
"""What KuCoin Futures does natively (notes §5 capabilities row)."""

_CLIENT_OID = re.compile(CLIENT_OID_PATTERN)

_PageFetch = Callable[[int], Awaitable[wire.Page[wire.Order]]]
"""Fetches one 1-based page of an order listing."""


@dataclass(frozen=True, slots=True)
class KucoinCredentials:
    """One KuCoin API key; the repr shows none of it.

    Attributes:
        api_key: `KC-API-KEY`.
        api_secret: The HMAC key.
        api_passphrase: The key's passphrase.
        key_version: `"2"` or `"3"` (signed passphrase), `"1"` (plain). Notes §6.2 suggests
            3 for new keys; both sign the same way, so the lead's default of 2 is kept.
    """

    api_key: str
    api_secret: str
    api_passphrase: str
    key_version: str = "2"

    def __repr__(self) -> str:
        return f"KucoinCredentials(api_key=<redacted>, key_version={self.key_version!r})"

    __str__ = __repr__


# No amend (no modify endpoint) and no pause or resume, one or all (notes §5):
# `UnsupportedVerbs` raises for them, in KuCoin's own wording; the OMS emulates them.
class KucoinFuturesAdapter(UnsupportedVerbs, ClosingContext):
    """One KuCoin Futures key's trading verbs.

    Args:
        config: Host and limits.
        credentials: The API key (never logged).
        account: The name the desk shows for this key.
        transport: Replaces the network (tests pass `httpx.ASGITransport`).
    """

    pause_action = "pause"
    resume_action = "resume"
    amend_action = "amend"
    pause_all_action = "pause all"
    resume_all_action = "resume all"

    def __init__(
        self,
        config: KucoinFuturesConfig,
        credentials: KucoinCredentials,
        account: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not account:
            raise ValueError("KuCoin Futures account name must not be empty")
        self._config = config
        self._account = account
        self._client = KucoinFuturesClient.from_credentials(
            config,
            credentials.api_key,
            credentials.api_secret,
            credentials.api_passphrase,
            credentials.key_version,
            transport=transport,
        )
        self._by_pair: dict[str, Instrument] | None = None
        self._by_symbol: dict[str, Instrument] = {}
        self._active_listing = ListingCache[wire.Order](("data", "items"))
        self._stop_listing = ListingCache[wire.Order](("data", "items"))
        self._reports = ReportCache()
        self._max_lots: dict[str, int] = {}
        self._instruments_lock = asyncio.Lock()

    @property
    def venue(self) -> str:
        """`"kucoin_futures"`."""
        return VENUE

    @property
    def account(self) -> str:
        """The account name."""
        return self._account

    @property
    def capabilities(self) -> VenueCapabilities:
        """Market/Limit/IOC, every option, cancel-all and cancel-many by 10; no amend/pause."""
        return CAPABILITIES

    @property
    def client(self) -> KucoinFuturesClient:
        """The raw endpoint client (TP/SL orders, batches, statistics)."""
        return self._client

    # -- instruments ----------------------------------------------------------------------

    async def instruments(self) -> list[Instrument]:
        """Linear contracts, one per pair, loaded once: `GET /api/v1/contracts/active`."""
        async with self._instruments_lock:
            if self._by_pair is None:
                contracts = await self._client.active_contracts()
                listed = parsing.instruments(contracts)
                self._by_pair = {item.pair: item for item in listed}
                self._by_symbol = {item.symbol: item for item in listed}
                self._max_lots = {
                    contract.symbol: contract.max_order_qty
                    for contract in contracts
                    if contract.symbol and contract.max_order_qty is not None
                }
            return list(self._by_pair.values())

    def _contract(self, symbol: str | None) -> Instrument:
        found = self._by_symbol.get(symbol or "")
        if found is None:
            raise VenueTransportError(
                VENUE, f"order on {symbol!r}, a contract the desk does not trade"
            )
        return found

    def _report(
        self,
        order: wire.Order,
        *,
        fills: Sequence[wire.Fill] | None = None,
        from_stop_list: bool = False,
        endpoint: str | None = None,
    ) -> OrderReport:
        """The order in domain terms.

        Raises:
            VenueBadResponse: The order cannot be mapped (names `endpoint`, by default the
                latest request this task sent).
        """
        try:
            return parsing.order_report(
                order,
                self._contract(order.symbol),
                fills=fills,
                account=self._account,
                from_stop_list=from_stop_list,
            )
        except ValueError as exc:
            where = endpoint or last_endpoint()
            raise VenueBadResponse(VENUE, where, f"order {order.id}: {exc}") from exc

    # -- tickets and orders ---------------------------------------------------------------

    def ticket_errors(self, ticket: OrderTicket) -> dict[str, str]:
        """KuCoin's rules for a ticket (whole contracts, tick, post-only clashes, leverage,
        iceberg in lots, stop trigger); no I/O, uses the loaded contract table."""
        contract = None if self._by_pair is None else self._by_pair.get(ticket.pair)
        max_lots = None if contract is None else self._max_lots.get(contract.symbol)
        return tickets.ticket_errors(
            ticket, contract, loaded=self._by_pair is not None, max_order_lots=max_lots
        )

    async def submit(self, ticket: OrderTicket, client_order_id: str) -> OrderReport:
        """Place one order, once: `POST /api/v1/orders` with `size` in lots.

        Args:
            ticket: A valid ticket; quantity in the base asset, a whole number of lots.
            client_order_id: Our id, sent as `clientOid` (`[A-Za-z0-9_-]`, at most 40).

        Returns:
            An acknowledgement: WORKING (SCHEDULED for a stop), nothing filled. The create
            answer carries only the ids; the next poll brings the real state and fills.

        Raises:
            TicketInvalid: The ticket breaks a rule (nothing was sent).
            ValueError: The client order id is not a valid clientOid (a bug).
            VenueRejected: KuCoin refused the order (`100001`, `300003`...).
            VenueTransportError: No usable answer: resolve with `find_by_client_order_id`.
        """
        if not _CLIENT_OID.match(client_order_id):
            raise ValueError(
                f"KuCoin clientOid must match {CLIENT_OID_PATTERN}: {client_order_id!r}"
            )
        ticket.validate()
        await self.instruments()
        errors = self.ticket_errors(ticket)
        if errors:
            raise TicketInvalid(errors)
        assert self._by_pair is not None
        contract = self._by_pair[ticket.pair]
        request = tickets.order_request(
            ticket, client_order_id, contract, self._config.default_leverage
        )
        ack = await self._client.add_order(request)
        if not ack.order_id:
            raise VenueTransportError(VENUE, "Add Order answered without an orderId")
        return OrderReport(
            venue=VENUE,
            venue_order_id=ack.order_id,
            client_order_id=ack.client_oid or client_order_id,
            status=OrderStatus.WORKING if request.stop is None else OrderStatus.SCHEDULED,
            venue_status="accepted",
            pair=contract.pair,
            side=ticket.side,
            quantity=ticket.quantity,
            filled_qty=Decimal(0),
            strategy=ticket.strategy,
            account=self._account,
            limit_price=request.price,
        )

    async def cancel(self, venue_order_id: str) -> None:
        """Cancel one order, untriggered stops included: `DELETE /api/v1/orders/{orderId}`.

        Raises:
            VenueNotFound: `100004`, unknown or already done.
        """
        await self._client.cancel_order(venue_order_id)

    async def cancel_many(self, venue_order_ids: Sequence[str]) -> dict[str, str]:
        """Cancel non-stop orders in batches of 10: `DELETE /api/v1/orders/multi-cancel`.

        Returns:
            Order id -> "" when cancelled, else the venue's reason.
        """
        results: dict[str, str] = {}
        ids = list(dict.fromkeys(venue_order_ids))
        for start in range(0, len(ids), MAX_BATCH_CANCEL):
            chunk = ids[start : start + MAX_BATCH_CANCEL]
            for item in await self._client.batch_cancel_orders(order_ids=chunk):
                if item.order_id:
                    ok = item.code in wire.SUCCESS_CODES
                    results[item.order_id] = "" if ok else (item.msg or f"code {item.code}")
        return results

    async def cancel_all(self) -> None:
        """Cancel every working order: `DELETE /api/v3/orders?symbol=` for each contract with
        active orders (v3 needs a symbol; weight 10 against v1's 800, notes §6.12), then
        `DELETE /api/v1/stopOrders` for the untriggered stops."""
        active = await self._all_pages(
            lambda page: self._client.order_list(
                "active", current_page=page, page_size=MAX_PAGE_SIZE, for_cancel=True
            )
        )
        for symbol in sorted({order.symbol for order in active if order.symbol}):
            await self._client.cancel_all_orders(symbol)
        await self._client.cancel_all_stop_orders()

    # -- reads ----------------------------------------------------------------------------

    async def _all_pages(self, fetch: _PageFetch) -> list[wire.Order]:
        items: list[wire.Order] = []
        for page_number in range(1, self._config.max_pages + 1):
            page = await fetch(page_number)
            items.extend(page.items)
            if not page.items or page.total_page is None or page_number >= page.total_page:
                return items
        logger.warning("KuCoin listing cut at %d pages", self._config.max_pages)
        return items

    async def open_orders(self) -> list[OrderReport]:
        """Every working order with its recent fills, for the poller:
        `GET /api/v1/orders?status=active` (all pages), `GET /api/v1/stopOrders` (all pages,
        SCHEDULED) and one `GET /api/v1/recentFills` matched to orders by `orderId`. An
        order unchanged since the last poll (same JSON, recent fills and contract) comes
        back as the same `OrderReport` object.

        Fills older than 24 h are not in that list; the store keeps those it has seen.
        Orders on contracts the desk does not trade (inverse) are skipped and logged.
        """
        await self.instruments()
        # Incremental (`gui.venues.listing_cache`, `gui.venues.report_cache`): an order
        # unchanged since the last poll is neither decoded nor mapped again.
        active_listing = self._active_listing.poll()
        active = await self._all_pages(
            lambda page: self._client.order_list(
                "active", current_page=page, page_size=MAX_PAGE_SIZE, listing=active_listing
            )
        )
        stop_listing = self._stop_listing.poll()
        stops = await self._all_pages(
            lambda page: self._client.stop_order_list(
                current_page=page, page_size=MAX_PAGE_SIZE, listing=stop_listing
            )
        )
        recent = await self._client.recent_fills()
        by_order: dict[str, list[wire.Fill]] = {}
        for fill in recent:
            by_order.setdefault(fill.order_id or "", []).append(fill)
        poll = self._reports.poll()
        reports: dict[str, OrderReport] = {}
        for order, from_stop_list in [(o, False) for o in active] + [(o, True) for o in stops]:
            if not order.id or order.id in reports:
                continue
            contract = self._by_symbol.get(order.symbol or "")
            if contract is None:
                logger.warning("skipping KuCoin order %s on %s", order.id, order.symbol)
                continue
            fills = tuple(by_order.get(order.id, ()))
            reports[order.id] = poll.report(
                order.id,
                order,
                (fills, from_stop_list, contract),
                functools.partial(
                    self._report,
                    fills=fills,
                    from_stop_list=from_stop_list,
                    endpoint="GET /api/v1/stopOrders" if from_stop_list else "GET /api/v1/orders",
                ),
            )
        poll.finish()
        active_listing.finish()
        stop_listing.finish()
        return list(reports.values())

    async def order(self, venue_order_id: str) -> OrderReport:
        """One order with all its fills: `GET /api/v1/orders/{order-id}` and
        `GET /api/v1/fills?orderId=` (all pages).

        Raises:
            VenueNotFound: The venue has no such order.
        """
        await self.instruments()
        order = await self._client.order(venue_order_id)
        fills: list[wire.Fill] = []
        for page_number in range(1, self._config.max_pages + 1):
            page = await self._client.fills(
                order_id=venue_order_id, current_page=page_number, page_size=MAX_PAGE_SIZE
            )
            fills.extend(page.items)
            if not page.items or page.total_page is None or page_number >= page.total_page:
                break
        return self._report(order, fills=fills)

    async def find_by_client_order_id(self, client_order_id: str) -> OrderReport | None:
        """The newest order with this clientOid, or None:
        `GET /api/v1/orders/byClientOid?clientOid=` (no fills carried)."""
        await self.instruments()
        try:
            order = await self._client.order_by_client_oid(client_order_id)
        except VenueNotFound:
            return None
        if order is None or not order.id:
            return None
        return self._report(order)

    async def aclose(self) -> None:
        """Close connections."""
        await self._client.aclose()
