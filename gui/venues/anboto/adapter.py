"""Anboto as a `gui.venues.base.VenueClient`: trading verbs in domain types.

One adapter per API key; `account` is the desk's name for it (never sent). Native: create,
cancel (asynchronous: `PENDING_CANCEL`, then `CANCELLED`; the blotter shows both), cancel
many, open orders, look-ups by id. No amend, pause, resume or cancel-all in the reference
doc (notes §1.7): those verbs raise `UnsupportedAction`.

`OrderDetails` has no quantity, strategy, limit price or schedule (notes §1.4), so the
adapter remembers what it sent, by venue order id and by client order id, for the life of
the adapter; an order it did not send is reported with quantity = filled + leaves and no
strategy. Fills are totals only: reports carry `FillAggregate` and the store derives the
fills (`fills_reported=False`).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import httpx

from gui.domain.errors import (
    TicketInvalid,
    VenueAuthError,
    VenueBadResponse,
    VenueError,
    VenueNotFound,
    VenueRejected,
    VenueTransportError,
)
from gui.domain.instruments import Instrument
from gui.domain.options import AssetClass, OrderOption
from gui.domain.orders import OrderStatus, OrderTicket, Strategy, TimeInForce, utc_now
from gui.venues.anboto import parsing, wire
from gui.venues.anboto.auth import AnbotoCredentials, epoch_ms
from gui.venues.anboto.client import AnbotoClient
from gui.venues.anboto.config import (
    DEFAULT_BATCH_LIMIT,
    MAX_SCHEDULE_AHEAD_DAYS,
    VENUE,
    AnbotoConfig,
)
from gui.venues.base import (
    ClosingContext,
    OrderReport,
    UnsupportedVerbs,
    VenueCapabilities,
    capability_errors,
)
from gui.venues.http import last_endpoint
from gui.venues.report_cache import ReportCache

logger = logging.getLogger(__name__)

CAPABILITIES = VenueCapabilities(
    strategies=frozenset({Strategy.MARKET, Strategy.LIMIT, Strategy.TWAP, Strategy.VWAP}),
    pause_resume=False,  # pause states exist, no endpoint does (notes §1.5)
    amend=False,
    cancel_all=False,  # only in the later API (notes §1.7)
    batch_cancel_limit=DEFAULT_BATCH_LIMIT,  # no maximum documented (notes §1.8.8)
    time_in_force=frozenset({TimeInForce.GTC}),  # no time in force at all (notes §1.5)
    options=frozenset(
        {
            OrderOption.ICEBERG,
            OrderOption.STOP,
            OrderOption.SHORT_SALE,
            OrderOption.DESTINATION,
            OrderOption.ASSET_CLASS,
            OrderOption.START_TIME,
            OrderOption.CLIP_SIZE,
        }
    ),
    destinations=tuple(parsing.EXCHANGES),
    asset_classes=(AssetClass.SPOT, AssetClass.FUTURE, AssetClass.OPTION),
    fills_reported=False,
)
"""What Anboto does natively (reference doc; notes §1.7)."""

_CANCEL_REFUSED = frozenset({"REJECTED", "CANCEL_REJECTED"})
_FILLING = frozenset({OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED})


# No pause or resume, one or all: the pause states exist but no endpoint does (notes §1.5).
# No amend, and no cancel-all in the reference doc (a later API added it; notes §1.7).
# `UnsupportedVerbs` raises for them.
class AnbotoAdapter(UnsupportedVerbs, ClosingContext):
    """One Anboto API key's trading verbs.

    Args:
        config: Base URL, signing style, connection limits.
        credentials: API key with secret or RSA key (never logged).
        account: The desk's name for this key (shown on orders; not sent to the venue).
        transport: Replaces the network (tests pass `httpx.ASGITransport`).
        now: Aware-UTC clock: algo start when none is scheduled, SCHEDULED vs WORKING,
            the 60-day rule (injectable for tests against a simulated clock).
        clock_ms: Epoch-milliseconds clock for the signed timestamp header.
    """

    def __init__(
        self,
        config: AnbotoConfig,
        credentials: AnbotoCredentials,
        account: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        now: Callable[[], datetime] = utc_now,
        clock_ms: Callable[[], int] = epoch_ms,
    ) -> None:
        if not account:
            raise ValueError("Anboto account name must be non-empty")
        self._account = account
        self._now = now
        self._client = AnbotoClient(config, credentials, transport=transport, clock_ms=clock_ms)
        self._capabilities = dataclasses.replace(
            CAPABILITIES, batch_cancel_limit=config.batch_limit
        )
        self._by_order_id: dict[str, parsing.Sent] = {}
        self._by_client_id: dict[str, parsing.Sent] = {}
        self._reports = ReportCache()

    @property
    def venue(self) -> str:
        """`"anboto"`."""
        return VENUE

    @property
    def account(self) -> str:
        """The desk's name for this API key."""
        return self._account

    @property
    def capabilities(self) -> VenueCapabilities:
        """Market, Limit, TWAP, VWAP; GTC; broker options; aggregate fills only."""
        return self._capabilities

    @property
    def client(self) -> AnbotoClient:
        """The raw endpoint client (createMany, find by id lists, ...)."""
        return self._client

    # -- what the adapter remembers ------------------------------------------------------------

    def _sent_for(self, details: wire.OrderDetails) -> parsing.Sent | None:
        sent = self._by_order_id.get(details.order_id or "")
        if sent is None and details.client_order_id:
            sent = self._by_client_id.get(details.client_order_id)
            if sent is not None and details.order_id:
                self._by_order_id[details.order_id] = sent
        return sent

    def _report(
        self,
        details: wire.OrderDetails,
        sent: parsing.Sent | None = None,
        now: datetime | None = None,
    ) -> OrderReport:
        try:
            return parsing.details_report(
                details,
                account=self._account,
                sent=sent if sent is not None else self._sent_for(details),
                now=now if now is not None else self._now(),
            )
        except ValueError as exc:
            raise VenueBadResponse(
                VENUE, last_endpoint(), f"order {details.order_id}: {exc}"
            ) from exc

    # -- trading verbs -------------------------------------------------------------------------

    async def submit(self, ticket: OrderTicket, client_order_id: str) -> OrderReport:
        """Send a new parent order once: `POST /api/v2/trading/order/create`.

        Args:
            ticket: A valid ticket; quantity in the base asset.
            client_order_id: Our id, sent as `clientOrderId`.

        Returns:
            The `OrderSummary` as a report of what was sent (usually PENDING_NEW); REJECTED
            with "errorCode: message" as reason when the venue refused it in a 2xx answer.
            A summary that says PARTIALLY_FILLED or FILLED (an order that filled at once)
            is followed by one `GET order/id` for its totals; if that read fails, the
            report says WORKING with nothing filled and the poller brings the rest.

        Raises:
            TicketInvalid: The ticket fails validation or Anboto's rules; nothing was sent.
            VenueRejected: HTTP 400 "invalid order data".
            VenueTransportError: No usable answer: resolve with `find_by_client_order_id`.
        """
        ticket.validate()
        errors = capability_errors(ticket, self._capabilities) | self.ticket_errors(ticket)
        if errors:
            raise TicketInvalid(errors)
        if not client_order_id:
            raise ValueError("Anboto clientOrderId must be non-empty")
        request, sent = parsing.create_request(ticket, client_order_id, self._now())
        self._by_client_id[client_order_id] = sent  # before sending: a lost answer is looked up
        summary = await self._client.create_order(request)
        if summary.order_id:
            self._by_order_id[summary.order_id] = sent
        report = parsing.summary_report(summary, sent, account=self._account)
        if summary.order_id and report.status in _FILLING:
            # A summary that says (partly) filled carries no quantities: read the totals
            # once, or report the order as working and let the poller bring them.
            try:
                details = await self._client.get_order(order_id=summary.order_id)
            except VenueError as exc:
                logger.warning("Anboto order %s: totals not read after create: %s",
                               summary.order_id, exc)  # fmt: skip
                details = None
            if details is not None:
                return self._report(details)
            return dataclasses.replace(report, status=OrderStatus.WORKING)
        return report

    async def cancel(self, venue_order_id: str) -> None:
        """Ask to cancel one order: `POST /api/v2/trading/order/cancel`. The order shows
        PENDING_CANCEL, then CANCELED once the venue finishes (read with `order`).

        Raises:
            VenueNotFound: The id is not an Anboto (int64) order id; nothing was sent.
            VenueRejected: HTTP 400, or a 2xx answer that refuses the cancel (status
                `REJECTED`/`CANCEL_REJECTED`), with the venue's code and words.
        """
        summary = await self._client.cancel_order(order_id=_numeric(venue_order_id))
        refusal = _cancel_refusal(summary)
        if refusal:
            raise VenueRejected(VENUE, refusal, 200, summary.error_code or "")

    async def cancel_many(self, venue_order_ids: Sequence[str]) -> dict[str, str]:
        """Ask to cancel many orders: `POST /api/v2/trading/order/cancelMany`, in chunks of
        `capabilities.batch_cancel_limit`.

        The doc answers one `OrderSummary` per request (notes §1.8.7): a single summary for
        a chunk of several orders speaks for all of them; a `responses` list speaks per
        order id (an id it leaves out counts as accepted).

        Returns:
            Order id -> "" when the cancel was accepted, else the venue's reason (a chunk
            refused with HTTP 400 gives each of its orders the venue's message).

        Raises:
            VenueAuthError: The key or signature was refused.
        """
        results: dict[str, str] = {}
        ids = list(dict.fromkeys(venue_order_ids))
        for bad in [order_id for order_id in ids if _numeric_or_none(order_id) is None]:
            results[bad] = "not an Anboto order id"
        ids = [order_id for order_id in ids if order_id not in results]
        limit = self._capabilities.batch_cancel_limit
        for start in range(0, len(ids), limit):
            chunk = ids[start : start + limit]
            items = [wire.CancelParentOrderRequest(order_id=int(order_id)) for order_id in chunk]
            try:
                summaries = await self._client.cancel_many(items)
            except VenueRejected as exc:
                if isinstance(exc, VenueAuthError):
                    raise
                # The whole chunk was refused (e.g. none of it cancellable); go on.
                results.update(dict.fromkeys(chunk, exc.venue_message or str(exc)))
                continue
            whole = summaries[0] if len(summaries) == 1 and len(chunk) > 1 else None
            if whole is not None and whole.error_code:
                # Accepted as a batch with a remark (some not cancelled, in the venue's
                # words); which ones the next read of each order shows.
                logger.warning(
                    "Anboto cancelMany: %s",
                    parsing.rejection_reason(whole.error_code, whole.message),
                )
            by_id = {summary.order_id: summary for summary in summaries if summary.order_id}
            for order_id in chunk:
                summary = whole or by_id.get(order_id)
                results[order_id] = "" if summary is None else _cancel_refusal(summary)
        return results

    async def open_orders(self) -> list[OrderReport]:
        """Every order not in a terminal state: `GET /api/v2/trading/order/open`.

        An order unchanged since the last poll (same JSON, same sent order, still on the
        same side of its scheduled start) comes back as the same `OrderReport` object
        (`gui.venues.report_cache`).
        """
        answer = await self._client.open_orders()
        now = self._now()
        poll = self._reports.poll()
        reports = []
        for details in answer.responses:
            sent = self._sent_for(details)
            scheduled = sent is not None and sent.start_ts is not None and sent.start_ts > now
            reports.append(
                poll.report(
                    details.order_id,
                    details,
                    (sent, scheduled),
                    functools.partial(self._report, sent=sent, now=now),
                )
            )
        poll.finish()
        return reports

    async def order(self, venue_order_id: str) -> OrderReport:
        """One order: `GET /api/v2/trading/order/id?orderId=...`.

        Raises:
            VenueNotFound: Not an int64 id, an empty answer, or HTTP 400 (the doc has no
                404; a 400 for an unknown order is the notes' suggestion, §1.8.9).
        """
        order_id = _numeric(venue_order_id)
        try:
            details = await self._client.get_order(order_id=order_id)
        except VenueRejected as exc:
            if isinstance(exc, VenueAuthError | VenueNotFound):
                raise
            raise VenueNotFound(
                VENUE, exc.venue_message or f"no order {order_id}", exc.status_code, exc.venue_code
            ) from exc
        if details is None:
            raise VenueNotFound(VENUE, f"no order {order_id}", None)
        return self._report(details)

    async def find_by_client_order_id(self, client_order_id: str) -> OrderReport | None:
        """The order sent with this `clientOrderId`, or None when the venue has none.

        `GET /api/v2/trading/order/id?clientOrderId=...`; an empty answer or 404 is None.
        A 400 is ambiguous (no such order, or a request the venue disliked; the doc has no
        404, notes §1.8.9), so it is settled with `GET /order/find?clientOrderIds=...`,
        whose empty list is an unambiguous "none".

        Raises:
            VenueTransportError: The venue answered with an order of another client id.
        """
        try:
            details = await self._client.get_order(client_order_id=client_order_id)
        except VenueNotFound:
            return None
        except VenueRejected as exc:
            if isinstance(exc, VenueAuthError):
                raise
            logger.info("Anboto order/id refused %s (%s); asking order/find", client_order_id, exc)
            found = await self._client.find(client_order_ids=[client_order_id])
            matches = [d for d in found.responses if d.client_order_id == client_order_id]
            details = matches[0] if matches else None
        if details is None:
            return None
        if details.client_order_id not in (None, client_order_id):
            raise VenueTransportError(
                VENUE,
                f"asked for clientOrderId {client_order_id!r}, got order {details.order_id} "
                f"with {details.client_order_id!r}",
            )
        return self._report(details)

    async def instruments(self) -> list[Instrument]:
        """None: a broker routes any pair to several exchanges, and the doc lists none."""
        return []

    def ticket_errors(self, ticket: OrderTicket) -> dict[str, str]:
        """Anboto's rules beyond the capability table (no I/O).

        An iceberg is a Limit order whose clip is its visible quantity (so no clip size and
        no stop with it); a clip size is for TWAP/VWAP; no POV; an algo may not end more
        than 60 days ahead ("rejected if more than 60 days in the future", external,
        notes §1.5).
        """
        errors: dict[str, str] = {}
        options = ticket.options
        if ticket.strategy not in CAPABILITIES.strategies:
            errors["strategy"] = "Anboto offers Market, Limit, TWAP and VWAP (no POV or IOC)."
        if options.visible_quantity is not None:
            if options.clip_size is not None:
                errors["clip_size"] = "An iceberg's clip is its visible quantity: no clip size."
            if ticket.strategy is not Strategy.LIMIT:
                errors["visible_quantity"] = "An Anboto iceberg is a Limit order."
            if options.stop is not None:
                errors["stop_price"] = "An Anboto iceberg cannot have a stop trigger."
        elif options.clip_size is not None and ticket.strategy not in (
            Strategy.TWAP,
            Strategy.VWAP,
        ):
            errors["clip_size"] = "Clip size applies to TWAP and VWAP orders."
        if ticket.strategy in (Strategy.TWAP, Strategy.VWAP):
            now = self._now()
            start = options.start_ts or now
            end = start + timedelta(seconds=ticket.duration_s or 0)
            if end > now + timedelta(days=MAX_SCHEDULE_AHEAD_DAYS):
                errors["start_time"] = (
                    f"Anboto refuses a schedule ending more than {MAX_SCHEDULE_AHEAD_DAYS} "
                    "days ahead."
                )
        return errors

    async def aclose(self) -> None:
        """Close connections."""
        await self._client.aclose()


def _cancel_refusal(summary: wire.OrderSummary) -> str:
    # "" when the summary accepts the cancel, else the venue's reason.
    if summary.status.strip().upper() not in _CANCEL_REFUSED:
        return ""
    return parsing.rejection_reason(summary.error_code, summary.message) or (
        f"cancel {summary.status}"
    )


def _numeric_or_none(venue_order_id: str) -> int | None:
    text = venue_order_id.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _numeric(venue_order_id: str) -> int:
    order_id = _numeric_or_none(venue_order_id)
    if order_id is None:
        raise VenueNotFound(VENUE, f"{venue_order_id!r} is not an Anboto order id", None)
    return order_id
