"""Pause, resume and amend on venues that lack them, worked by legs (shared/DESIGN.md
"Capabilities and emulated actions"; issue 6 §4/§5).

Synthetic pause: PENDING_PAUSE, cancel the current leg at the venue; when the venue
confirms it ended the order is PAUSED with its fills kept (FILLED if the leg filled
instead). Resume: PENDING_RESUME, send the remainder as a new leg under a new client order
id linked to the order; the venue's acknowledgement makes it work again, its refusal
leaves it PAUSED with the reason in the error pane. Cancel/replace amend: PENDING_REPLACE,
cancel the current leg, and once the venue confirms send the remainder of the new quantity
as a new leg with the new terms (no new leg if nothing remains). Cancel of an order with
nothing working at the venue ends it on the desk at once.

The trader sees one order throughout (`gui.oms.legs`, `Order.legs`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from gui.domain.errors import OrderDeskError, TicketInvalid, VenueError, VenueRejected
from gui.domain.orders import (
    ALGO_STRATEGIES,
    PENDING,
    Amendment,
    LegEnd,
    LegPurpose,
    Order,
    OrderStatus,
    OrderTicket,
    utc_now,
)
from gui.oms.events import ErrorEvent, ErrorKind, Signal, StoreChange
from gui.oms.legs import leg_client_order_id, leg_ticket, ticket_from_order
from gui.oms.store import OrderStore
from gui.venues.base import OrderReport, VenueClient

log = logging.getLogger(__name__)

RESOLVE_DELAYS_S = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
"""Waits (each with +-20% jitter) between look-ups of an order or leg whose submit answer
was lost; about a minute in all before the trader is told to check the venue."""


def resolve_delays_s() -> list[float]:
    """`RESOLVE_DELAYS_S` with jitter, so many lost submits do not look up in lockstep."""
    return [delay * random.uniform(0.8, 1.2) for delay in RESOLVE_DELAYS_S]  # noqa: S311


async def find_with_fills(client: VenueClient, client_order_id: str) -> OrderReport | None:
    """The venue's order with this client order id, with its fills, or None when the
    venue has none (it was never placed).

    A look-up by client order id may carry no fills (KuCoin's `byClientOid`); an order
    found that way may already be done, and nothing would fetch its fills later, so the
    order is then read again by its venue id, which carries them.

    Raises:
        VenueError: Either request failed (look again later).
    """
    report = await client.find_by_client_order_id(client_order_id)
    if report is None or report.fills is not None or report.aggregate is not None:
        return report
    return await client.order(report.venue_order_id)


@dataclass(frozen=True, slots=True)
class ActionResult:
    """The outcome of one order's request in a (bulk) action.

    Attributes:
        client_order_id: The order.
        ok: True when the venue accepted the request (the order's report shows the effect),
            or the desk did it itself (cancel of an order with nothing at the venue).
        message: Why not, in the venue's words or ours; when ok, "" or a note on how it
            was done (e.g. a cancel/replace still waiting for the venue's confirmation).
    """

    client_order_id: str
    ok: bool
    message: str = ""


@dataclass(slots=True)
class _Replacement:
    """A cancel/replace waiting for its old leg to end."""

    amendment: Amendment
    keep_stop: bool
    client: VenueClient
    limit: asyncio.Semaphore
    inline: bool = True  # the amend call itself is still waiting for the leg to end


class LegActions:
    """The synthetic actions, for `OrderService` (which decides when they apply).

    Args:
        store: The order store.
        errors: The service's error signal (the error pane).
        check: `OrderService.check_ticket`: every reason a ticket would not be sent.
        report: Publishes a venue failure of an action: (error, client order id, action).
        spawn: Runs a background task owned by the service.
        tickets: Client order id -> the ticket the order was sent with.
        new_id: A fresh client order id valid on every venue.
        intent: Makes a new leg's intent (its client order id and ticket) durable before
            it is sent (the journal); raises when it cannot, and the leg is then not sent.
        now: Current time (aware UTC), for the algo window left at resume.
    """

    def __init__(
        self,
        store: OrderStore,
        errors: Signal[ErrorEvent],
        *,
        check: Callable[[OrderTicket], dict[str, str]],
        report: Callable[[OrderDeskError, str, str], None],
        spawn: Callable[[Awaitable[None]], None],
        tickets: Mapping[str, OrderTicket],
        new_id: Callable[[], str],
        intent: Callable[[str, OrderTicket], Awaitable[None]] | None = None,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.errors = errors
        self._check = check
        self._report = report
        self._spawn = spawn
        self._tickets = tickets
        self._new_id = new_id
        self._intent = intent
        self._now = now
        self._replacing: dict[str, _Replacement] = {}
        store.changed.subscribe(self._on_change)

    # -- pause and resume ------------------------------------------------------------------

    async def pause(
        self, order: Order, client: VenueClient, limit: asyncio.Semaphore
    ) -> ActionResult:
        """Cancel the order's working leg and keep the remainder (see module doc)."""
        client_order_id = order.client_order_id
        venue_order_id = order.venue_order_id
        assert venue_order_id is not None, "checked by the service"
        async with limit:
            previous = order.status
            self.store.end_leg(client_order_id, LegEnd.PAUSE, OrderStatus.PENDING_PAUSE)
            failure = await self._cancel(client, venue_order_id)
            current = await self._refresh(client, client_order_id)
        if failure is None or current.status == OrderStatus.PAUSED:
            # PAUSED, or PENDING_PAUSE until a poll shows the venue's cancel.
            return ActionResult(client_order_id, True)
        self._report(failure, client_order_id, "pause")
        if current.status == OrderStatus.PENDING_PAUSE:  # the leg still works
            self.store.keep_leg(client_order_id, previous)
        return ActionResult(client_order_id, False, _message(failure))

    async def resume(
        self, order: Order, client: VenueClient, limit: asyncio.Semaphore
    ) -> ActionResult:
        """Send what remains of a synthetically paused order as a new leg."""
        remainder = order.quantity - order.filled_qty
        if remainder <= 0:
            return self.refuse(order, "resume", "nothing remains to resume")
        ticket = leg_ticket(self._ticket(order), order, remainder, now=self._now())
        async with limit:
            return await self._start_leg(
                order.client_order_id, client, ticket, LegPurpose.RESUME, None
            )

    # -- cancel/replace ----------------------------------------------------------------------

    async def amend(
        self,
        order: Order,
        amendment: Amendment,
        client: VenueClient,
        limit: asyncio.Semaphore,
    ) -> ActionResult:
        """Amend by cancel/replace: the remainder of the new quantity goes out as a new leg
        with the new terms once the venue confirms the old leg's cancel. On an order with
        nothing working at the venue the new terms are only kept (sent on resume)."""
        client_order_id = order.client_order_id
        refusal = self.amend_refusal(order, amendment)
        if refusal is not None:
            return self.refuse(order, "amend", refusal)
        if order.is_between_legs:
            self.store.change_terms(client_order_id, amendment)
            return ActionResult(
                client_order_id, True, "nothing works at the venue: sent with the resume"
            )
        keep_stop = order.status == OrderStatus.SCHEDULED  # a stop not triggered yet
        total = amendment.quantity if amendment.quantity is not None else order.quantity
        ticket = leg_ticket(
            self._ticket(order),
            order,
            total - order.filled_qty,
            now=self._now(),
            amendment=amendment,
            keep_stop=keep_stop,
        )
        errors = await self._ticket_errors(client, ticket)
        if errors:
            return self.refuse(order, "amend", "; ".join(errors.values()))
        venue_order_id = order.venue_order_id
        assert venue_order_id is not None, "checked by the service"
        replacement = _Replacement(amendment, keep_stop, client, limit)
        async with limit:
            previous = order.status
            self._replacing[client_order_id] = replacement
            self.store.end_leg(client_order_id, LegEnd.REPLACE, OrderStatus.PENDING_REPLACE)
            failure = await self._cancel(client, venue_order_id)
            current = await self._refresh(client, client_order_id)
            if self._replacing.get(client_order_id) is not replacement:
                return ActionResult(client_order_id, False, f"the order is {current.status}")
            if not current.is_between_legs:  # the old leg still works
                if failure is None and current.status == OrderStatus.PENDING_REPLACE:
                    replacement.inline = False  # `_on_change` goes on when it ends
                    return ActionResult(
                        client_order_id,
                        True,
                        "cancel sent: the remainder goes out once the venue confirms it",
                    )
                del self._replacing[client_order_id]
                if current.status == OrderStatus.PENDING_REPLACE:
                    self.store.keep_leg(client_order_id, previous)
                if failure is None:
                    return ActionResult(client_order_id, False, f"the order is {current.status}")
                self._report(failure, client_order_id, "amend")
                return ActionResult(client_order_id, False, _message(failure))
            del self._replacing[client_order_id]
            return await self._replace(client_order_id, replacement)

    def amend_refusal(self, order: Order, amendment: Amendment) -> str | None:
        """Why a cancel/replace (or an amend of an order worked by legs) is not sent."""
        if order.status in PENDING:
            return f"cannot amend an order that is {order.status}"
        if order.strategy not in ALGO_STRATEGIES and (
            amendment.duration_s is not None or amendment.pov_target is not None
        ):
            return f"a {order.strategy} order has no duration or participation target"
        if amendment.quantity is not None and amendment.quantity <= order.filled_qty:
            return (
                f"the new quantity must be above the {order.filled_qty} already filled; "
                "cancel the order instead"
            )
        return None

    async def _replace(self, client_order_id: str, replacement: _Replacement) -> ActionResult:
        """Send the new leg of a cancel/replace whose old leg has ended (limit held)."""
        order = self.store.get(client_order_id)
        if order is None or order.status != OrderStatus.PENDING_REPLACE:
            status = "gone" if order is None else order.status
            return ActionResult(client_order_id, False, f"the order is {status}")
        amendment = replacement.amendment
        total = amendment.quantity if amendment.quantity is not None else order.quantity
        remainder = total - order.filled_qty
        if remainder <= 0:  # the old leg filled meanwhile: nothing left to send
            self.store.change_terms(
                client_order_id, Amendment(quantity=max(total, order.filled_qty))
            )
            self.store.set_status(client_order_id, OrderStatus.FILLED)
            return ActionResult(client_order_id, True, "the order filled before the replace")
        ticket = leg_ticket(
            self._ticket(order),
            order,
            remainder,
            now=self._now(),
            amendment=amendment,
            keep_stop=replacement.keep_stop,
        )
        return await self._start_leg(
            client_order_id, replacement.client, ticket, LegPurpose.REPLACE, amendment
        )

    async def _replace_later(self, client_order_id: str, replacement: _Replacement) -> None:
        async with replacement.limit:
            await self._replace(client_order_id, replacement)

    def _on_change(self, change: StoreChange) -> None:
        """Send a cancel/replace's new leg when a poll shows its old leg ended."""
        for order in change.orders:
            replacement = self._replacing.get(order.client_order_id)
            if replacement is None or replacement.inline:
                continue
            if order.status != OrderStatus.PENDING_REPLACE:
                del self._replacing[order.client_order_id]
            elif order.is_between_legs:
                del self._replacing[order.client_order_id]
                self._spawn(self._replace_later(order.client_order_id, replacement))

    # -- cancel --------------------------------------------------------------------------------

    def cancel_here(self, order: Order) -> ActionResult:
        """Cancel an order with nothing working at the venue (synthetically paused, or
        between the legs of a cancel/replace): CANCELED on the desk at once, nothing sent."""
        self._replacing.pop(order.client_order_id, None)
        self.store.set_status(order.client_order_id, OrderStatus.CANCELED)
        log.info(
            "%s cancelled on the desk: nothing was working at the venue", order.client_order_id
        )
        return ActionResult(
            order.client_order_id, True, "nothing was working at the venue: cancelled here"
        )

    def drop_ending(self, order: Order) -> None:
        """The trader cancels an order whose leg is being ended for a pause or a replace:
        the cancel wins, nothing follows the leg's end."""
        self._replacing.pop(order.client_order_id, None)
        leg = order.current_leg
        if leg is not None and leg.ending is not None:
            self.store.keep_leg(order.client_order_id)

    def refuse(self, order: Order, action: str, why: str) -> ActionResult:
        """Refuse an action before anything is sent: error pane and result."""
        self.errors.publish(
            ErrorEvent(
                f"{action} not sent: {why}", ErrorKind.REJECTED, order.venue, order.client_order_id
            )
        )
        return ActionResult(order.client_order_id, False, why)

    # -- plumbing ----------------------------------------------------------------------------

    def _ticket(self, order: Order) -> OrderTicket:
        return self._tickets.get(order.client_order_id) or ticket_from_order(order)

    async def _ticket_errors(self, client: VenueClient, ticket: OrderTicket) -> dict[str, str]:
        try:  # the venue's rules need its instrument table (cached after one call)
            await client.instruments()
        except VenueError as exc:
            log.warning("instruments of %s not loaded: %s", client.venue, exc)
        return self._check(ticket)

    async def _cancel(self, client: VenueClient, venue_order_id: str) -> VenueError | None:
        try:
            await client.cancel(venue_order_id)
        except VenueError as exc:
            return exc
        return None

    async def _refresh(self, client: VenueClient, client_order_id: str) -> Order:
        """Fetch the current leg so the order shows the venue's own word."""
        order = self.store.get(client_order_id)
        assert order is not None
        if order.venue_order_id is not None:
            sent_at = self.store.stamp()
            try:
                report = await client.order(order.venue_order_id)
            except VenueError as exc:
                log.info("refresh of %s failed: %s", client_order_id, exc)
            else:
                self.store.apply_report(
                    report, client_order_id=client_order_id, observed_at=sent_at
                )
        current = self.store.get(client_order_id)
        assert current is not None
        return current

    async def _start_leg(
        self,
        client_order_id: str,
        client: VenueClient,
        ticket: OrderTicket,
        purpose: LegPurpose,
        terms: Amendment | None,
    ) -> ActionResult:
        """Send a new leg for `ticket` (the remainder). Resume: the order is PAUSED;
        replace: PENDING_REPLACE with its old leg ended. A refusal leaves it PAUSED."""
        action = "resume" if purpose == LegPurpose.RESUME else "amend"
        expected = (
            OrderStatus.PAUSED if purpose == LegPurpose.RESUME else OrderStatus.PENDING_REPLACE
        )
        errors = await self._ticket_errors(client, ticket)
        order = self.store.get(client_order_id)
        if order is None or order.status != expected or not order.is_between_legs:
            status = "gone" if order is None else order.status
            return ActionResult(client_order_id, False, f"the order is {status}")
        if errors:
            why = "; ".join(errors.values())
            if order.status != OrderStatus.PAUSED:
                self.store.set_status(client_order_id, OrderStatus.PAUSED, why)
            return self.refuse(order, action, why)
        leg_id = leg_client_order_id(
            client_order_id,
            order.leg_count + 1,
            client.capabilities.max_client_order_id_len,
            self.store.is_known_id,
            self._new_id(),
        )
        pending = OrderStatus.PENDING_RESUME if purpose == LegPurpose.RESUME else expected
        self.store.add_leg(client_order_id, leg_id, ticket.quantity, purpose, pending, terms)
        if self._intent is not None:
            try:
                await self._intent(leg_id, ticket)
            except Exception as exc:  # never send a leg the journal could not record
                log.exception("journal could not record leg %s", leg_id)
                why = f"not sent: the journal could not record it ({exc})"
                self.store.refuse_leg(client_order_id, why)
                return self.refuse(order, action, why)
        sent_at = self.store.stamp()
        try:
            report = await client.submit(ticket, leg_id)
        except TicketInvalid as invalid:  # the adapter's last check: nothing was sent
            self.store.refuse_leg(client_order_id, str(invalid))
            return self.refuse(order, action, str(invalid))
        except VenueRejected as exc:
            self.store.refuse_leg(client_order_id, exc.venue_message)
            self.errors.publish(
                ErrorEvent(
                    f"{action} failed: {exc.venue_message} (the order stays paused with "
                    f"{ticket.quantity} to go; resume or cancel it)",
                    ErrorKind.REJECTED,
                    client.venue,
                    client_order_id,
                )
            )
            return ActionResult(client_order_id, False, exc.venue_message)
        except VenueError as exc:  # the answer was lost: look the leg up, never resend
            self._report(exc, client_order_id, action)
            self._spawn(self.resolve_leg(client, client_order_id, leg_id, action))
            return ActionResult(client_order_id, False, f"outcome unknown: {exc.venue_message}")
        self.store.apply_report(report, client_order_id=client_order_id, observed_at=sent_at)
        return ActionResult(client_order_id, True)

    async def resolve_leg(
        self, client: VenueClient, client_order_id: str, leg_id: str, action: str
    ) -> None:
        """Look a leg whose submit answer was lost up by its client order id."""
        for delay_s in resolve_delays_s():
            await asyncio.sleep(delay_s)
            sent_at = self.store.stamp()
            try:
                report = await find_with_fills(client, leg_id)
            except VenueError as exc:
                log.info("lookup of leg %s failed: %s", leg_id, exc)
                continue
            if report is not None:
                self.store.apply_report(
                    report, client_order_id=client_order_id, observed_at=sent_at
                )
                return
            order = self.store.get(client_order_id)
            leg = None if order is None else order.current_leg
            if order is not None and leg is not None and leg.client_order_id == leg_id:
                if order.status in (OrderStatus.PENDING_RESUME, OrderStatus.PENDING_REPLACE):
                    self.store.refuse_leg(
                        client_order_id,
                        "the venue has no order with this client order id: it was never placed",
                    )
            return
        self.errors.publish(
            ErrorEvent(
                f"the outcome of this {action} is still unknown; check it on the venue",
                ErrorKind.NETWORK,
                client.venue,
                client_order_id,
            )
        )


def _message(exc: OrderDeskError) -> str:
    return exc.venue_message if isinstance(exc, VenueError) else str(exc)
