"""ZenOTC as a `gui.venues.base.VenueClient`: trading verbs in domain types.

One adapter per API key; `account` is the desk's name for it (ZenOTC has no sub-accounts
in the Orders API). Native: create, cancel, amend (PATCH, quantity and/or price), cancel
all. No pause or resume (notes §3.6): those verbs raise `UnsupportedAction`.

Polling stays cheap (notes §3.3 (2), (7)): `open_orders` lists open and partially filled
orders (one request per page of 100) and fetches an order's fills only when its
`filledQuantity` differs from the quantity its cached fills account for, so an unchanged
order costs nothing. List items lack `orderType`, `timeInForce` and `averagePrice`: the
strategy comes from what this adapter sent, the average from the venue's last full answer
at the same filled quantity or from the fills; otherwise they stay None.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from dataclasses import dataclass
from decimal import Decimal

import httpx

from gui.domain.errors import VenueBadResponse, VenueError, VenueNotFound, VenueTransportError
from gui.domain.instruments import Instrument
from gui.domain.orders import Amendment, OrderTicket, Strategy, TimeInForce
from gui.venues.base import (
    ClosingContext,
    FillReport,
    OrderReport,
    UnsupportedVerbs,
    VenueCapabilities,
)
from gui.venues.http import last_endpoint
from gui.venues.report_cache import ReportCache
from gui.venues.zenotc import parsing, wire
from gui.venues.zenotc.auth import ZenotcCredentials
from gui.venues.zenotc.client import ZenotcClient
from gui.venues.zenotc.config import MAX_CLIENT_ORDER_ID_LEN, VENUE, ZenotcConfig

logger = logging.getLogger(__name__)

_ZERO = Decimal(0)

CAPABILITIES = VenueCapabilities(
    strategies=frozenset({Strategy.MARKET, Strategy.LIMIT, Strategy.IOC}),
    amend=True,
    cancel_all=True,
    batch_cancel_limit=0,  # cancel-all with filters only, no cancel-by-ids (notes §3.6)
    max_client_order_id_len=MAX_CLIENT_ORDER_ID_LEN,
    time_in_force=frozenset({TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK}),
    amend_fields=frozenset({"quantity", "limit_price"}),
)
"""What ZenOTC does natively (doc "Orders API"; notes §3.6)."""


@dataclass(slots=True)
class _Known:
    """What the adapter knows of one order beyond what the venue's list says."""

    sent: parsing.Sent
    stamp: int
    fills: tuple[FillReport, ...] | None = None
    fills_cover: Decimal | None = None  # filledQuantity the cached fills account for


# No pause or resume, one or all (notes §3.6): `UnsupportedVerbs` raises for them.
class ZenotcAdapter(UnsupportedVerbs, ClosingContext):
    """One ZenOTC API key's trading verbs.

    Args:
        config: Base URL, assets, connection limits.
        credentials: API key and secret (never logged).
        account: The desk's name for this key (shown on orders; not sent to the venue).
        transport: Replaces the network (tests pass `httpx.ASGITransport`).
    """

    def __init__(
        self,
        config: ZenotcConfig,
        credentials: ZenotcCredentials,
        account: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not account:
            raise ValueError("ZenOTC account name must be non-empty")
        self._config = config
        self._account = account
        self._client = ZenotcClient(config, credentials, transport=transport)
        self._known: dict[str, _Known] = {}
        self._reports = ReportCache()
        self._stamp = 0

    @property
    def venue(self) -> str:
        """`"zenotc"`."""
        return VENUE

    @property
    def account(self) -> str:
        """The desk's name for this API key."""
        return self._account

    @property
    def capabilities(self) -> VenueCapabilities:
        """Market, Limit, IOC; GTC/IOC/FOK; native amend and cancel-all; 64-char ids."""
        return CAPABILITIES

    @property
    def client(self) -> ZenotcClient:
        """The raw endpoint client, for what the verbs do not cover (batch create)."""
        return self._client

    # -- what the adapter remembers ------------------------------------------------------------

    def _entry(self, order_id: str) -> _Known:
        self._stamp += 1
        known = self._known.get(order_id)
        if known is None:
            known = self._known[order_id] = _Known(parsing.Sent(), self._stamp)
        known.stamp = self._stamp
        return known

    def _learn(self, order: wire.Order, strategy: Strategy | None = None) -> _Known:
        known = self._entry(order.order_id)
        if strategy is not None:
            known.sent = dataclasses.replace(known.sent, strategy=strategy)
        if order.average_price is not None:  # only full answers carry it
            filled = order.filled_quantity if order.filled_quantity is not None else _ZERO
            known.sent = dataclasses.replace(
                known.sent, filled_qty=filled, avg_fill_px=order.average_price
            )
        return known

    def _report(self, order: wire.Order, fills: tuple[FillReport, ...] | None) -> OrderReport:
        known = self._known.get(order.order_id)
        try:
            return parsing.order_report(
                order,
                account=self._account,
                fills=fills,
                sent=known.sent if known is not None else None,
            )
        except ValueError as exc:
            raise VenueBadResponse(
                VENUE, last_endpoint(), f"order {order.order_id}: {exc}"
            ) from exc

    async def _fetch_fills(self, order: wire.Order) -> tuple[FillReport, ...]:
        answer = await self._client.get_order_fills(order.order_id)
        fills = parsing.fill_reports(answer.fills)
        filled = order.filled_quantity if order.filled_quantity is not None else _ZERO
        total = sum((fill.quantity for fill in fills), _ZERO)
        known = self._learn(order)
        known.fills = fills
        # Fills that lag the order's aggregate are fetched again on the next poll.
        known.fills_cover = total if total >= filled else None
        return fills

    async def _fills_if_changed(self, order: wire.Order) -> tuple[FillReport, ...]:
        filled = order.filled_quantity if order.filled_quantity is not None else _ZERO
        known = self._known.get(order.order_id)
        if known is not None and known.fills is not None and known.fills_cover == filled:
            return known.fills
        if filled <= 0:
            return ()  # the venue says nothing has filled
        return await self._fetch_fills(order)

    # -- trading verbs -------------------------------------------------------------------------

    async def submit(self, ticket: OrderTicket, client_order_id: str) -> OrderReport:
        """Send a new order once: `POST /api/sdk/orders`.

        An order that filled at once (market, IOC, FOK) comes back with its fills: one
        `GET .../fills` follows, and if that read fails the report carries no fills (the
        order exists; the poller's `order()` look-up brings them).

        Args:
            ticket: A valid ticket for `<ASSET>-USD`; quantity in the asset.
            client_order_id: Our id, sent as `clientOrderId` (1-64 characters).

        Returns:
            The venue's Order object as a report (WORKING, FILLED, EXPIRED, ...).

        Raises:
            TicketInvalid: The ticket fails validation; nothing was sent.
            UnsupportedAction: An algo strategy or a non-USD quote; nothing was sent.
            ValueError: The client order id is empty or too long (a bug); nothing was sent.
            VenueRejected: Invalid parameters (400) or risk check failed (422).
            VenueTransportError: No usable answer: resolve with `find_by_client_order_id`.
        """
        ticket.validate()
        if not 0 < len(client_order_id) <= MAX_CLIENT_ORDER_ID_LEN:
            raise ValueError(
                f"ZenOTC clientOrderId must be 1-{MAX_CLIENT_ORDER_ID_LEN} characters, "
                f"got {client_order_id!r}"
            )
        request = parsing.create_request(ticket, client_order_id)
        order = await self._client.create_order(request)
        self._learn(order, ticket.strategy)
        fills: tuple[FillReport, ...] | None = None
        try:
            fills = await self._fills_if_changed(order)
        except VenueError as exc:
            logger.warning("ZenOTC order %s: fills not read after create: %s", order.order_id, exc)
        return self._report(order, fills)

    async def cancel(self, venue_order_id: str) -> None:
        """Cancel one order: `DELETE /api/sdk/orders/:orderId`.

        Raises:
            VenueNotFound: Unknown order (404).
            VenueRejected: Not cancellable (e.g. 409, already terminal).
        """
        await self._client.cancel_order(venue_order_id)

    async def amend(self, venue_order_id: str, amendment: Amendment) -> None:
        """Change the quantity (new total, asset) and/or limit price: `PATCH
        /api/sdk/orders/:orderId`. The order keeps its id (notes §3.7.7).

        Raises:
            UnsupportedAction: A duration or POV change; nothing was sent.
            ValueError: An empty amendment or a non-positive value (a bug); nothing sent.
            VenueRejected: Invalid (400) or not amendable (409, filled or cancelled).
            VenueNotFound: Unknown order (404).
        """
        request = parsing.amend_request(amendment)
        order = await self._client.amend_order(venue_order_id, request)
        self._learn(order)

    async def cancel_all(self) -> None:
        """Cancel every open order of this key: `DELETE /api/sdk/orders/batch` with `{}`
        (sent as an empty body, notes §3.7.3)."""
        await self._client.cancel_all_orders()

    async def open_orders(self) -> list[OrderReport]:
        """Every open or partially filled order of this key, with fills.

        `GET /api/sdk/orders?statuses=open,partially_filled&page=N&limit=100` per page, plus
        `GET .../fills` only for orders whose `filledQuantity` moved since their fills were
        last read. Orders no longer listed are forgotten (the poller reads them by id). An
        order unchanged since the last poll (same JSON, fills and sent order) comes back as
        the same `OrderReport` object (`gui.venues.report_cache`).
        """
        started = self._stamp
        orders = await self._client.list_all_orders(statuses=parsing.OPEN_STATUSES)
        poll = self._reports.poll()
        reports = []
        for order in orders:
            fills = await self._fills_if_changed(order)
            known = self._known.get(order.order_id)
            context = (fills, known.sent if known is not None else None)
            reports.append(
                poll.report(
                    order.order_id,
                    order,
                    context,
                    functools.partial(self._report, fills=fills),
                )
            )
        poll.finish()
        listed = {order.order_id for order in orders}
        for order_id in [i for i, k in self._known.items() if i not in listed]:
            if self._known[order_id].stamp <= started:  # not learnt while we listed
                del self._known[order_id]
        return reports

    async def order(self, venue_order_id: str) -> OrderReport:
        """One order with all its fills: `GET /api/sdk/orders/:orderId` and `.../fills`.

        Raises:
            VenueNotFound: Order not found (404).
        """
        order = await self._client.get_order(venue_order_id)
        self._learn(order)
        return self._report(order, await self._fetch_fills(order))

    async def find_by_client_order_id(self, client_order_id: str) -> OrderReport | None:
        """The order sent with this `clientOrderId`, or None when the venue has none:
        `GET /api/sdk/orders/by-client-id?clientOrderId=...` (404 or an empty answer is
        None), plus its fills when something has filled.

        Raises:
            VenueTransportError: The venue answered with an order of another client id.
        """
        try:
            order = await self._client.get_order_by_client_id(client_order_id)
        except VenueNotFound:
            return None
        if order is None:
            return None
        if order.client_order_id not in (None, client_order_id):
            raise VenueTransportError(
                VENUE,
                f"asked for clientOrderId {client_order_id!r}, got order {order.order_id} "
                f"with {order.client_order_id!r}",
            )
        self._learn(order)
        return self._report(order, await self._fills_if_changed(order))

    async def instruments(self) -> list[Instrument]:
        """The configured assets as `<ASSET>-USD` (the Orders API lists none, notes §3.1)."""
        return [
            Instrument(pair=parsing.pair_for_asset(asset), symbol=asset)
            for asset in self._config.assets
        ]

    def ticket_errors(self, ticket: OrderTicket) -> dict[str, str]:
        """ZenOTC's rules beyond the capability table: a USD quote; no limit price on a
        market order (the doc: price is "null for market orders")."""
        errors: dict[str, str] = {}
        problem = parsing.quote_error(ticket.pair)
        if problem is not None:
            errors["pair"] = problem
        if ticket.strategy is Strategy.MARKET and ticket.limit_price is not None:
            errors["limit_price"] = "ZenOTC market orders take no limit price."
        return errors

    async def aclose(self) -> None:
        """Close connections."""
        await self._client.aclose()
