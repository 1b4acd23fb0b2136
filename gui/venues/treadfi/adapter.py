"""Tread.fi as a `gui.venues.base.VenueClient`: trading verbs in domain types.

One adapter per Tread.fi account (display name). Everything the venue does natively is
used: pause/resume, pause-all/resume-all, amend and cancel-all (notes §6).
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from types import TracebackType

import httpx

from gui.domain.errors import VenueBadResponse
from gui.domain.instruments import Instrument
from gui.domain.orders import Amendment, OrderTicket, Strategy, TimeInForce
from gui.venues.base import OrderReport, VenueCapabilities
from gui.venues.http import last_endpoint
from gui.venues.report_cache import ReportCache
from gui.venues.treadfi import parsing, wire
from gui.venues.treadfi.client import TreadfiClient
from gui.venues.treadfi.config import MAX_CUSTOM_ORDER_ID_LEN, VENUE, TreadfiConfig

logger = logging.getLogger(__name__)

CAPABILITIES = VenueCapabilities(
    strategies=frozenset(Strategy),
    pause_resume=True,
    pause_all=True,
    amend=True,
    cancel_all=True,
    batch_cancel_limit=0,  # no cancel-by-ids endpoint (notes §6)
    max_client_order_id_len=MAX_CUSTOM_ORDER_ID_LEN,
    # FOK has no Tread.fi equivalent (parsing.submit_request refuses it); IOC is a strategy.
    time_in_force=frozenset({TimeInForce.GTC}),
    amend_fields=frozenset({"quantity", "limit_price", "duration_s", "pov_target"}),
)
"""What Tread.fi does natively."""


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text.strip())
    except ValueError:
        return False
    return True


class TreadfiAdapter:
    """One Tread.fi account's trading verbs.

    Args:
        config: Instance URL and connection limits.
        api_key: The account's API token (never logged).
        account: The account display name orders go to and are listed for.
        transport: Replaces the network (tests pass `httpx.ASGITransport`).
    """

    def __init__(
        self,
        config: TreadfiConfig,
        api_key: str,
        account: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not account or "," in account:
            raise ValueError(f"Tread.fi account must be a display name without commas: {account!r}")
        self._account = account
        self._client = TreadfiClient(config, api_key, transport=transport)
        self._strategy_names = dict(parsing.KNOWN_STRATEGY_UUIDS)
        self._reports = ReportCache()

    @property
    def venue(self) -> str:
        """`"treadfi"`."""
        return VENUE

    @property
    def account(self) -> str:
        """The account display name."""
        return self._account

    @property
    def capabilities(self) -> VenueCapabilities:
        """Native pause/resume (one and all), amend and cancel-all; 64-char client ids."""
        return CAPABILITIES

    @property
    def client(self) -> TreadfiClient:
        """The raw endpoint client, for what the trading verbs do not cover (messages, stats)."""
        return self._client

    def _report(self, order: wire.Order) -> OrderReport:
        try:
            return parsing.order_report(order, strategy_names=self._strategy_names)
        except ValueError as exc:
            raise VenueBadResponse(VENUE, last_endpoint(), f"order {order.id}: {exc}") from exc

    async def submit(self, ticket: OrderTicket, client_order_id: str) -> OrderReport:
        """Send a new order once: `POST /api/orders/`, base-sized.

        Args:
            ticket: A valid ticket; quantity in the base asset.
            client_order_id: Our id, sent as `custom_order_id` (at most 64 characters, no
                commas: the lookup filter is comma-separated).

        Returns:
            The venue's 201 order as a report (usually SCHEDULED or WORKING).

        Raises:
            TicketInvalid: The ticket fails validation; nothing was sent.
            UnsupportedAction: Fill-or-kill; nothing was sent.
            ValueError: The client order id is empty, too long or has a comma (a bug).
            VenueRejected: The venue refused the order (HTTP 4xx).
            VenueTransportError: No usable answer: resolve with `find_by_client_order_id`.
        """
        ticket.validate()
        if not 0 < len(client_order_id) <= MAX_CUSTOM_ORDER_ID_LEN or "," in client_order_id:
            raise ValueError(
                f"Tread.fi custom_order_id must be 1-{MAX_CUSTOM_ORDER_ID_LEN} characters "
                f"without commas, got {client_order_id!r}"
            )
        request = parsing.submit_request(ticket, client_order_id)
        order = await self._client.submit_order(request)
        if order.strategy is not None and _is_uuid(order.strategy):
            # The 201 names the strategy by the instance's UUID (notes §7.6): learn it.
            self._strategy_names.setdefault(order.strategy.strip().lower(), request.strategy)
        report = self._report(order)
        if report.strategy is None:
            report = dataclasses.replace(report, strategy=ticket.strategy)
        return report

    async def cancel(self, venue_order_id: str) -> None:
        """Cancel one order: `DELETE /api/order/{id}` (idempotent on the venue)."""
        await self._client.cancel_order(venue_order_id)

    async def pause(self, venue_order_id: str) -> None:
        """Pause one ACTIVE order: `POST /api/pause_order/`.

        Raises:
            VenueRejected: "Order is not running." when it is not ACTIVE (HTTP 422).
        """
        await self._client.pause_order(venue_order_id)

    async def resume(self, venue_order_id: str) -> None:
        """Resume one PAUSED order: `POST /api/resume_order/`.

        Raises:
            VenueRejected: "Order is not paused." (HTTP 422).
        """
        await self._client.resume_order(venue_order_id)

    async def amend(self, venue_order_id: str, amendment: Amendment) -> None:
        """Change quantity (base), limit, duration (seconds) or POV fraction:
        `POST /api/amend_order/`. The venue answers without the order; poll to see it.

        Raises:
            ValueError: The amendment changes nothing (a bug: nothing to send).
            VenueRejected: The venue refused (HTTP 4xx).
        """
        if amendment.is_empty():
            raise ValueError(f"empty amendment for Tread.fi order {venue_order_id}")
        await self._client.amend_order(venue_order_id, parsing.amend_changes(amendment))

    async def cancel_all(self) -> None:
        """Cancel every non-terminal order of this account, paused ones included:
        `POST /api/cancel_all_orders/?exclude_paused=false` with this account's name."""
        await self._client.cancel_all_orders(account_names=[self._account], exclude_paused=False)

    async def pause_all(self) -> None:
        """Pause every ACTIVE order: `POST /api/pause_all_orders/`. The venue has no
        filter: this pauses the token's orders on all its accounts."""
        await self._client.pause_all_orders()

    async def resume_all(self) -> None:
        """Resume every PAUSED order: `POST /api/resume_all_orders/` (all accounts).

        Raises:
            VenueRejected: "No paused orders to resume." (HTTP 400).
        """
        await self._client.resume_all_orders()

    async def open_orders(self) -> list[OrderReport]:
        """Every non-terminal order of this account, paused ones included, with fills:
        `GET /api/active_orders/?exclude_paused=false&account_names=<account>`.

        An order unchanged since the last poll (same JSON, same strategy names learnt)
        comes back as the same `OrderReport` object (`gui.venues.report_cache`).
        """
        answer = await self._client.active_orders(
            exclude_paused=False, account_names=[self._account]
        )
        poll = self._reports.poll()
        # The names only grow (`setdefault` on submit): their count says whether they moved.
        learnt = len(self._strategy_names)
        reports = [poll.report(order.id, order, learnt, self._report) for order in answer.orders]
        poll.finish()
        return reports

    async def order(self, venue_order_id: str) -> OrderReport:
        """One order with its fills: `GET /api/order/{id}?include_fills=true`.

        Fill ids come from the placement fills; flat fills get stable synthesized ids.

        Raises:
            VenueNotFound: No such order (HTTP 404).
        """
        return self._report(await self._client.order_detail(venue_order_id, include_fills=True))

    async def find_by_client_order_id(self, client_order_id: str) -> OrderReport | None:
        """The order sent with this `custom_order_id`, or None:
        `GET /api/orders/?custom_order_ids=<id>&account_names=<account>`.

        The venue does not enforce uniqueness (notes §7.30); if several match, the newest
        is returned and the others are logged.
        """
        page = await self._client.orders_by_custom_order_ids(
            [client_order_id], account_names=[self._account]
        )
        matches = [order for order in page.orders if order.custom_order_id == client_order_id]
        if not matches:
            return None
        matches.sort(key=lambda order: order.created_at.timestamp() if order.created_at else 0.0)
        if len(matches) > 1:
            logger.warning(
                "Tread.fi has %d orders with custom_order_id %r: %s; using the newest",
                len(matches),
                client_order_id,
                [order.id for order in matches],
            )
        return self._report(matches[-1])

    async def instruments(self) -> list[Instrument]:
        """None listed: Tread.fi routes any pair its linked exchanges trade (notes §7)."""
        return []

    def ticket_errors(self, ticket: OrderTicket) -> dict[str, str]:
        """No rules beyond the capability table."""
        return {}

    async def aclose(self) -> None:
        """Close connections."""
        await self._client.aclose()

    async def __aenter__(self) -> TreadfiAdapter:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
