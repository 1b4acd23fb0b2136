"""OrderService: the trading verbs the desk calls, in domain types.

Submit: validate the ticket, give the order a client order id, add it to the store as
PENDING_NEW, send it once (never retried), apply the venue's answer. A lost answer leaves
the order OUTCOME_UNKNOWN and is resolved by looking the order up by its client order id.

Cancel / pause / resume / amend take client order ids and return one `ActionResult` per
order. An order gets the pending status when its request is sent, and only the venue's
report moves it on: buttons follow confirmed status. Bulk calls run the per-order requests
concurrently, bounded per venue. Failures reach the error pane with the venue's words.

Pause/resume and amend are native where the venue has them (`VenueCapabilities`) and
synthetic elsewhere (`gui.oms.synthetic`: the order is worked by successive legs, one
blotter row throughout); `pause_is_synthetic` and `amend_is_cancel_replace` tell the GUI
which, so it can label the action.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from decimal import Decimal

from gui.domain.errors import (
    OrderDeskError,
    TicketInvalid,
    UnsupportedAction,
    VenueError,
    VenueRejected,
)
from gui.domain.orders import (
    CANCELLABLE,
    PAUSABLE,
    RESUMABLE,
    Amendment,
    LegPurpose,
    Order,
    OrderStatus,
    OrderTicket,
    utc_now,
)
from gui.oms.bulk import EVERYTHING, BulkOutcome, BulkProgress, BulkRunner, Scope
from gui.oms.confirm import read_order
from gui.oms.events import ErrorEvent, ErrorKind, Signal
from gui.oms.journal import AuditEntry, Journal
from gui.oms.journal_codec import TicketBook
from gui.oms.journal_writer import JournalError
from gui.oms.legs import amendment_fields
from gui.oms.store import OrderStore
from gui.oms.synthetic import ActionResult, LegActions, find_with_fills, resolve_delays_s
from gui.venues.base import VenueCapabilities, VenueClient, capability_errors, send_after

__all__ = [
    "EVERYTHING",
    "MAX_CONCURRENT_REQUESTS_PER_VENUE",
    "ActionResult",
    "BulkOutcome",
    "BulkProgress",
    "OrderService",
    "Scope",
    "new_client_order_id",
]

log = logging.getLogger(__name__)

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MAX_CONCURRENT_REQUESTS_PER_VENUE = 8
"""Per-order requests in flight at once per venue account during a bulk action."""


def new_client_order_id() -> str:
    """A unique client order id: `OD` + 8 random + 10 time characters (Crockford base32).

    20 characters of `[0-9A-Z]`, valid on every venue (KuCoin: <= 40 of `[A-Za-z0-9_-]`;
    Tread.fi and ZenOTC: <= 64). Random characters come first so the first nine
    alphanumerics (Tread.fi's exchange client id is `TL` + those) differ between orders.
    The 40 random bits come from one `secrets.token_bytes(5)` (one system call, not one per
    character: it was a tenth of what the desk itself adds to a submit, issue 8).
    """
    random_bits = int.from_bytes(secrets.token_bytes(5), "big")
    millis = time.time_ns() // 1_000_000
    return f"OD{_base32(random_bits, 8)}{_base32(millis, 10)}"


def _base32(value: int, width: int) -> str:
    """The low `5 * width` bits of `value` in `width` Crockford base32 characters."""
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(5 * (width - 1), -1, -5))


def trader_name() -> str:
    """Who is at the desk, for the audit trail: the OS login name, or "unknown"."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (containers, some services)
        return "unknown"


class OrderService:
    """Submit and manage orders across venue accounts.

    Args:
        store: The order store.
        clients: Venue clients keyed by (venue, account).
        journal: Where intents are made durable before a request leaves, and trader
            actions are recorded (the audit trail); None runs without one (tests).
        user: The trader's name for the audit trail (default: the OS login name).

    Signals:
        errors (ErrorEvent): every failure the trader must see (validation, rejection,
            network), also those the store reports.
    """

    def __init__(
        self,
        store: OrderStore,
        clients: Mapping[tuple[str, str], VenueClient],
        *,
        journal: Journal | None = None,
        user: str | None = None,
    ) -> None:
        self.store = store
        self.errors: Signal[ErrorEvent] = Signal("OrderService.errors")
        self.journal = journal
        self._user = user if user is not None else trader_name()
        self._clients = dict(clients)
        self._limits = {
            key: asyncio.Semaphore(MAX_CONCURRENT_REQUESTS_PER_VENUE) for key in clients
        }
        self._resolving: set[asyncio.Task[None]] = set()
        # accounts whose instruments are loaded (adapters cache them; asking again per
        # submit rebuilt the list every time on some venues)
        self._instruments_loaded: set[tuple[str, str]] = set()
        # client order id -> the ticket it was sent with (a synthetic resume or a
        # cancel/replace sends the remainder with the same parameters)
        self._tickets = TicketBook()
        self._legs = LegActions(
            store,
            self.errors,
            check=self.check_ticket,
            report=self._report,
            spawn=self._spawn,
            tickets=self._tickets,
            new_id=new_client_order_id,
            intent=self._leg_intent,
        )
        self._bulk = BulkRunner(self)
        store.problems.subscribe(self.errors.publish)

    @property
    def accounts(self) -> dict[str, list[str]]:
        """Venue name -> account names this service can trade."""
        result: dict[str, list[str]] = {}
        for venue, account in self._clients:
            result.setdefault(venue, []).append(account)
        return result

    @property
    def clients(self) -> dict[tuple[str, str], VenueClient]:
        """(venue, account) -> client, in configuration order (a copy)."""
        return dict(self._clients)

    def pause_is_synthetic(self, venue: str) -> bool:
        """True when orders on `venue` are paused synthetically: the working remainder is
        cancelled at the venue and kept, and resume sends it again as a new leg (the venue
        has no native pause). False for native pause, and for a venue not configured."""
        capabilities = self._capabilities(venue)
        return capabilities is not None and not capabilities.pause_resume

    def amend_is_cancel_replace(self, venue: str, amendment: Amendment | None = None) -> bool:
        """True when an amend on `venue` is done by cancel/replace (cancel the working
        leg, send the remainder with the new terms): the venue has no native amend, or
        `amendment` changes a field its native amend does not (`amend_fields`). False for a
        native amend, and for a venue not configured."""
        capabilities = self._capabilities(venue)
        if capabilities is None:
            return False
        if not capabilities.amend:
            return True
        return amendment is not None and not amendment_fields(amendment) <= (
            capabilities.amend_fields
        )

    def _capabilities(self, venue: str) -> VenueCapabilities | None:
        for (client_venue, _), client in self._clients.items():
            if client_venue == venue:
                return client.capabilities
        return None

    def client_for(self, venue: str, account: str) -> VenueClient:
        """The client of a venue account.

        Raises:
            KeyError: No such venue account is configured.
        """
        return self._clients[(venue, account)]

    # -- submit ----------------------------------------------------------------------------

    def check_ticket(self, ticket: OrderTicket) -> dict[str, str]:
        """Every reason this ticket would not be sent, as field name -> message; no I/O.

        The ticket's own rules first, then the account, then what the venue lacks
        (`capability_errors`), then the venue's own rules (`VenueClient.ticket_errors`).

        Returns:
            An empty dict when `submit` would send it.
        """
        errors = ticket.validation_errors()
        client = self._clients.get((ticket.venue, ticket.account))
        if client is None:
            if "venue" not in errors and "account" not in errors:
                errors["account"] = f"No account {ticket.account!r} on {ticket.venue}."
            return errors
        if errors:
            return errors
        return capability_errors(ticket, client.capabilities) or client.ticket_errors(ticket)

    async def submit(self, ticket: OrderTicket) -> Order:
        """Send a new order.

        Returns:
            The order in its state after the venue's answer: working or scheduled when
            accepted, REJECTED (with the venue's reason) when refused, OUTCOME_UNKNOWN when
            the answer was lost (resolution then runs in the background).

        Raises:
            TicketInvalid: The ticket failed validation; nothing was stored or sent.
        """
        key = (ticket.venue, ticket.account)
        client = self._clients.get(key)
        if client is not None and key not in self._instruments_loaded:
            try:  # the venue's rules need its instrument table (loaded once, then cached)
                await client.instruments()
            except VenueError as exc:  # check_ticket then says what is not known
                log.warning("instruments of %s not loaded: %s", ticket.venue, exc)
            else:
                self._instruments_loaded.add(key)
        errors = self.check_ticket(ticket)
        if errors:
            invalid = TicketInvalid(errors)
            self.errors.publish(ErrorEvent(str(invalid), ErrorKind.VALIDATION, ticket.venue))
            raise invalid
        assert client is not None
        client_order_id = new_client_order_id()
        self._tickets[client_order_id] = ticket
        order = Order.from_ticket(ticket, client_order_id)
        # The intent is committed while the adapter builds and signs the request; the
        # request leaves only once it is (`send_after`), or not at all (issue 8 §4).
        intent = self._journal_intent(order, ticket)
        self.store.add(order)
        sent_at = self.store.stamp()
        try:
            with send_after(intent):
                report = await client.submit(ticket, client_order_id)
        except JournalError as exc:  # nothing was sent
            self._not_journaled(order, exc)
        except TicketInvalid as invalid:  # the adapter's last check: nothing was sent
            self.errors.publish(
                ErrorEvent(str(invalid), ErrorKind.VALIDATION, ticket.venue, client_order_id)
            )
            self.store.set_status(client_order_id, OrderStatus.REJECTED, str(invalid))
        except VenueError as exc:
            self._report(exc, client_order_id, "submit")
            lost = not isinstance(exc, VenueRejected)  # a refusal is an answer
            self._answer_failed(client, client_order_id, exc, lost=lost)
        else:
            self.store.apply_report(report, client_order_id=client_order_id, observed_at=sent_at)
            self._fetch_missing_fills(client, client_order_id)
        return self._submitted(ticket, client_order_id)

    def _fetch_missing_fills(self, client: VenueClient, client_order_id: str) -> None:
        """A submit answered with a filled quantity but fewer fills (a market order done at
        once: ZenOTC, DFX, whose answer carries no fills or an empty list): the poller
        never looks at a finished order again, so read it by venue id now, which carries
        its fills. Nothing is read when the fills (or those derived from totals) add up."""
        order = self.store.get(client_order_id)
        if order is None or order.venue_order_id is None:
            return
        have = sum((fill.quantity for fill in self.store.fills(client_order_id)), Decimal(0))
        if order.filled_qty <= have:
            return
        venue_order_id = order.venue_order_id

        async def fetch() -> None:
            for delay_s in resolve_delays_s():
                asked_at = self.store.stamp()
                try:
                    report = await client.order(venue_order_id)
                except VenueError as exc:
                    log.info("fills of %s not read yet: %s", client_order_id, exc)
                    await asyncio.sleep(delay_s)
                    continue
                self.store.apply_report(
                    report, client_order_id=client_order_id, observed_at=asked_at
                )
                return

        self._spawn(fetch())

    def _answer_failed(
        self, client: VenueClient, client_order_id: str, exc: VenueError, *, lost: bool
    ) -> None:
        """A submit got no usable answer (`lost`: timeout, reset, 5xx, 429, garbage: the
        venue may have it) or a refusal. Only an order still PENDING_NEW is moved: a poll
        may already have found it working by its client order id while the request hung,
        and then the venue has spoken."""
        order = self.store.get(client_order_id)
        if order is None or order.status != OrderStatus.PENDING_NEW:
            return
        if lost:
            self.store.set_status(client_order_id, OrderStatus.OUTCOME_UNKNOWN, str(exc))
            self._spawn(self._resolve_unknown(client, client_order_id))
        else:
            self.store.set_status(client_order_id, OrderStatus.REJECTED, exc.venue_message)

    def _journal_intent(self, order: Order, ticket: OrderTicket) -> asyncio.Future[None] | None:
        """Queue the intent (`Journal.start_intent`): the request must not leave before
        the returned future is done, and not at all if it raises `JournalError` (disk full,
        locked, I/O: never send what is not journaled). None: no journal."""
        if self.journal is None:
            return None
        intent = self.journal.start_intent(order, ticket)
        # Retrieved here too: an adapter that refuses the ticket sends nothing and never
        # waits for the intent.
        intent.add_done_callback(lambda done: done.cancelled() or done.exception())
        return intent

    def _not_journaled(self, order: Order, exc: JournalError) -> None:
        """The intent could not be journaled, so nothing was sent: REJECTED, error pane."""
        log.error("journal could not record the intent of %s: %s", order.client_order_id, exc)
        why = f"not sent: the journal could not record it ({exc})"
        self.store.set_status(order.client_order_id, OrderStatus.REJECTED, why)
        self.errors.publish(ErrorEvent(why, ErrorKind.INTERNAL, order.venue, order.client_order_id))

    async def _leg_intent(self, leg_client_order_id: str, ticket: OrderTicket) -> None:
        """Make a new leg's intent durable before it is sent (raises when it cannot be)."""
        self._tickets[leg_client_order_id] = ticket
        if self.journal is not None:
            await self.journal.record_leg_intent(leg_client_order_id, ticket)

    def _submitted(self, ticket: OrderTicket, client_order_id: str) -> Order:
        order = self.store.get(client_order_id)
        assert order is not None
        size = (
            f"{ticket.quote_quantity} (quote)"
            if ticket.quote_quantity is not None
            else str(ticket.quantity)
        )
        self.audit(
            "submit",
            f"{ticket.venue}/{ticket.account}",
            f"{ticket.side} {size} {ticket.pair} {ticket.strategy}: {order.status}",
            (client_order_id,),
        )
        return order

    def restore_tickets(self, tickets: Mapping[str, OrderTicket]) -> None:
        """Take the tickets orders and legs were sent with from the journal (a synthetic
        resume or a cancel/replace after a restart sends the remainder with them); a
        `TicketBook`'s rows stay undecoded until one is needed."""
        if isinstance(tickets, TicketBook):
            self._tickets.take(tickets)
        else:
            self._tickets.update(tickets)

    def audit(
        self, action: str, scope: str, result: str, client_order_ids: Iterable[str] = ()
    ) -> None:
        """Record a trader action in the audit trail (journal) and the log.

        Args:
            action: What was done ("submit", "cancel", "kill switch", "pin"...).
            scope: Which orders, in the trader's words ("the selection", "everything").
            result: What came of it (a status, or the bulk summary line).
            client_order_ids: The orders concerned.
        """
        entry = AuditEntry(utc_now(), self._user, action, scope, result, tuple(client_order_ids))
        log.info("audit: %s %s [%s] -> %s", entry.user, action, scope, result)
        if self.journal is not None:
            self.journal.record_audit(entry)

    def set_pinned(self, client_order_ids: Iterable[str], pinned: bool) -> list[Order]:
        """Pin or unpin orders (bulk cancel and the kill switch skip pinned ones unless told
        to include them); recorded in the audit trail. Unknown ids are skipped."""
        ids = [cid for cid in dict.fromkeys(client_order_ids) if self.store.get(cid) is not None]
        changed = [self.store.set_pinned(cid, pinned) for cid in ids]
        if ids:
            self.audit("pin" if pinned else "unpin", f"{len(ids)} order(s)", "done", ids)
        return changed

    def resolve_lost_submit(self, client_order_id: str) -> bool:
        """Start resolving an order (or its current leg) whose submit was sent but never
        answered, e.g. journaled just before the desk was killed: look it up by client
        order id with backoff, never send it again. The order shows OUTCOME_UNKNOWN
        meanwhile. Returns False when there is nothing to resolve (unknown order, no
        client for its account, or the venue already acknowledged it)."""
        order = self.store.get(client_order_id)
        client = None if order is None else self._clients.get((order.venue, order.account))
        if order is None or client is None or order.venue_order_id is not None:
            return False
        leg = order.current_leg
        if leg is not None and leg.number > 1:
            action = "resume" if leg.purpose == LegPurpose.RESUME else "amend"
            self._spawn(
                self._legs.resolve_leg(client, client_order_id, leg.client_order_id, action)
            )
            return True
        if order.status == OrderStatus.PENDING_NEW:
            self.store.set_status(
                client_order_id,
                OrderStatus.OUTCOME_UNKNOWN,
                "sent, but the desk stopped before the venue answered; looking it up",
            )
        self._spawn(self._resolve_unknown(client, client_order_id))
        return True

    async def _resolve_unknown(self, client: VenueClient, client_order_id: str) -> None:
        """Look a lost submit up by client order id; never send the create again."""
        for delay_s in resolve_delays_s():
            await asyncio.sleep(delay_s)
            sent_at = self.store.stamp()
            try:
                report = await find_with_fills(client, client_order_id)
            except VenueError as exc:
                log.info("lookup of %s failed: %s", client_order_id, exc)
                continue
            if report is not None:
                self.store.apply_report(
                    report, client_order_id=client_order_id, observed_at=sent_at
                )
                return
            self.store.set_status(
                client_order_id,
                OrderStatus.REJECTED,
                "the venue has no order with this client order id: it was never placed",
            )
            return
        self.errors.publish(
            ErrorEvent(
                "the outcome of this order is still unknown; check it on the venue",
                ErrorKind.NETWORK,
                client.venue,
                client_order_id,
            )
        )

    # -- actions on working orders -----------------------------------------------------------

    async def cancel(self, client_order_ids: Iterable[str]) -> list[ActionResult]:
        """Cancel these orders, pinned ones included: `run_bulk("cancel", ...)` over the
        selection (batch cancel where the venue has it, else one request each,
        concurrently within each venue's bound).

        An order with nothing working at the venue (synthetically paused) is cancelled on
        the desk at once, without a request.

        Returns:
            One result per distinct id, in the order given; an order that cannot be
            cancelled (unknown, done, already pending cancel) gets its refusal.
        """
        ids = list(dict.fromkeys(client_order_ids))
        scope = Scope(client_order_ids=frozenset(ids), include_pinned=True)
        outcome = await self.run_bulk("cancel", scope)
        by_id = {result.client_order_id: result for result in outcome.results}
        return [by_id[client_order_id] for client_order_id in ids]

    async def pause(self, client_order_ids: Iterable[str]) -> list[ActionResult]:
        """Pause working orders: natively where the venue pauses, else synthetically
        (`pause_is_synthetic`: the working leg is cancelled and the remainder kept)."""
        return await self._each(client_order_ids, self._pause_one, "pause")

    async def resume(self, client_order_ids: Iterable[str]) -> list[ActionResult]:
        """Resume paused orders: natively, or by sending the remainder as a new leg."""
        return await self._each(client_order_ids, self._resume_one, "resume")

    # -- bulk actions (issue 6; see gui.oms.bulk) ----------------------------------------------

    def orders_in_scope(self, scope: Scope, action: str) -> list[Order]:
        """The orders a bulk `action` over `scope` would be sent for, in the store's order
        (for the confirmation: how many orders on which venues).

        Cancel: cancellable orders not already pending cancel, pinned ones only with
        `scope.include_pinned`. Pause: working or partially filled orders. Resume: paused
        orders. Pause and resume ignore pins.

        Raises:
            ValueError: `action` is not "cancel", "pause" or "resume".
        """
        return self._bulk.orders_in_scope(scope, action)

    async def run_bulk(
        self,
        action: str,
        scope: Scope,
        progress: Callable[[BulkProgress], None] | None = None,
    ) -> BulkOutcome:
        """Cancel, pause or resume every order in `scope`, on every venue account at once.

        Native first (`gui.oms.bulk`): cancel-all when the scope is everything on the
        account, batch cancel in chunks of the venue's limit, Tread.fi pause/resume-all
        when the scope is everything on the venue; else per-order requests within each
        account's bound (synthetic pause where the venue has none; where batches would
        wait for the rate limit, a covered pair goes whole and single cancels help,
        `gui.oms.cancel_sender`). Orders show their pending status before any request; a
        refusal puts the order back and reaches the error pane naming it. Returns once the
        venues answered every request: the final state of orders the venue no longer lists
        is read at once where its read limit allows, else in the background
        (`gui.oms.confirm`; pending status meanwhile). The summary is logged for the audit
        trail.

        Args:
            action: "cancel", "pause" or "resume".
            scope: Which orders.
            progress: Called with the counts at the start and after each order or batch
                resolves (on the event loop; it must not block).

        Returns:
            One result per order sent for (and per selected order refused), the pinned
            orders skipped, and the summary line.

        Raises:
            ValueError: `action` is not "cancel", "pause" or "resume".
        """
        return await self._bulk_audited(action, action, scope, progress)

    async def kill_switch(
        self,
        include_pinned: bool = False,
        progress: Callable[[BulkProgress], None] | None = None,
    ) -> BulkOutcome:
        """Cancel everything on every venue at once (`run_bulk("cancel", EVERYTHING)`),
        pinned orders skipped unless `include_pinned`."""
        scope = Scope(include_pinned=include_pinned)
        return await self._bulk_audited("kill switch", "cancel", scope, progress)

    async def _bulk_audited(
        self,
        label: str,
        action: str,
        scope: Scope,
        progress: Callable[[BulkProgress], None] | None,
    ) -> BulkOutcome:
        outcome = await self._bulk.run(action, scope, progress)
        pinned = " (pinned included)" if scope.include_pinned and action == "cancel" else ""
        self.audit(
            label,
            scope.describe() + pinned,
            outcome.summary,
            (result.client_order_id for result in outcome.results),
        )
        return outcome

    async def amend(self, client_order_id: str, amendment: Amendment) -> ActionResult:
        """Change a working order's quantity (its new total), limit, duration or POV
        target: natively, or by cancel/replace (`amend_is_cancel_replace`) with the
        remainder only. A cancel/replace refuses a quantity not above the filled one."""
        result = await self._amend(client_order_id, amendment)
        verdict = "done" if result.ok else f"failed: {result.message}"
        self.audit("amend", _describe(amendment), verdict, (client_order_id,))
        return result

    async def _amend(self, client_order_id: str, amendment: Amendment) -> ActionResult:
        if amendment.is_empty():
            return ActionResult(client_order_id, False, "nothing to change")
        order = self.store.get(client_order_id)
        client = None if order is None else self._clients.get((order.venue, order.account))
        if order is None or client is None or not self._cancel_replace(order, amendment):
            return await self._one(
                client_order_id,
                "amend",
                CANCELLABLE - {OrderStatus.PENDING_REPLACE},
                OrderStatus.PENDING_REPLACE,
                lambda client, order_id: client.amend(order_id, amendment),
            )
        if not order.is_between_legs:
            refusal = self._refusal(order, client_order_id, "amend", CANCELLABLE, native=False)
            if refusal is not None:
                return self._legs.refuse(order, "amend", refusal)
        limit = self._limits[(order.venue, order.account)]
        return await self._legs.amend(order, amendment, client, limit)

    def _cancel_replace(self, order: Order, amendment: Amendment) -> bool:
        if order.is_between_legs or self.amend_is_cancel_replace(order.venue, amendment):
            return True
        # A later leg is sent for the remainder, so a native amend of the order's total
        # quantity or of its window (from the original start) does not fit the leg.
        return bool(order.legs) and (
            amendment.quantity is not None or amendment.duration_s is not None
        )

    async def _cancel_one(self, client_order_id: str) -> ActionResult:
        order = self.store.get(client_order_id)
        if order is not None and order.is_between_legs:
            return self._legs.cancel_here(order)
        if order is not None and order.status in CANCELLABLE:
            self._legs.drop_ending(order)  # a cancel outranks a pause or replace in flight
        return await self._one(
            client_order_id,
            "cancel",
            CANCELLABLE,
            OrderStatus.PENDING_CANCEL,
            lambda client, order_id: client.cancel(order_id),
        )

    async def _pause_one(self, client_order_id: str) -> ActionResult:
        order = self.store.get(client_order_id)
        if order is not None and self.pause_is_synthetic(order.venue):
            refusal = self._refusal(order, client_order_id, "pause", PAUSABLE, native=False)
            if refusal is not None:
                return self._legs.refuse(order, "pause", refusal)
            client = self._clients[(order.venue, order.account)]
            limit = self._limits[(order.venue, order.account)]
            return await self._legs.pause(order, client, limit)
        return await self._one(
            client_order_id,
            "pause",
            PAUSABLE,
            OrderStatus.PENDING_PAUSE,
            lambda client, order_id: client.pause(order_id),
        )

    async def _resume_one(self, client_order_id: str) -> ActionResult:
        order = self.store.get(client_order_id)
        if order is not None and (order.is_between_legs or self.pause_is_synthetic(order.venue)):
            refusal = self._refusal(
                order, client_order_id, "resume", RESUMABLE, native=False, acknowledged=False
            )
            if refusal is None and not order.is_between_legs:
                refusal = "it was paused at the venue, not by the desk: resume it there"
            if refusal is not None:
                return self._legs.refuse(order, "resume", refusal)
            client = self._clients[(order.venue, order.account)]
            limit = self._limits[(order.venue, order.account)]
            return await self._legs.resume(order, client, limit)
        return await self._one(
            client_order_id,
            "resume",
            RESUMABLE,
            OrderStatus.PENDING_RESUME,
            lambda client, order_id: client.resume(order_id),
        )

    async def _each(
        self,
        client_order_ids: Iterable[str],
        one: Callable[[str], Awaitable[ActionResult]],
        action: str,
    ) -> list[ActionResult]:
        ids = list(dict.fromkeys(client_order_ids))
        results = list(await asyncio.gather(*(one(client_order_id) for client_order_id in ids)))
        done = sum(1 for result in results if result.ok)
        self.audit(action, f"{len(ids)} order(s)", f"{done} done, {len(ids) - done} failed", ids)
        return results

    async def _one(
        self,
        client_order_id: str,
        action: str,
        allowed: frozenset[OrderStatus],
        pending: OrderStatus,
        send: Callable[[VenueClient, str], Awaitable[None]],
    ) -> ActionResult:
        order = self.store.get(client_order_id)
        refusal = self._refusal(order, client_order_id, action, allowed)
        if refusal is not None:
            venue = "" if order is None else order.venue
            self.errors.publish(
                ErrorEvent(
                    f"{action} not sent: {refusal}", ErrorKind.REJECTED, venue, client_order_id
                )
            )
            return ActionResult(client_order_id, False, refusal)
        assert order is not None and order.venue_order_id is not None
        client = self._clients[(order.venue, order.account)]
        async with self._limits[(order.venue, order.account)]:
            previous = order.status
            self.store.set_status(client_order_id, pending)
            try:
                await send(client, order.venue_order_id)
            except (VenueError, UnsupportedAction) as exc:
                return await self.action_failed(
                    exc, client, client_order_id, action, pending, previous
                )
            await self._refresh(client, client_order_id)
        return ActionResult(client_order_id, True)

    async def action_failed(
        self,
        exc: OrderDeskError,
        client: VenueClient,
        client_order_id: str,
        action: str,
        pending: OrderStatus,
        previous: OrderStatus,
    ) -> ActionResult:
        """A cancel, pause or resume request failed: read the order first, and report the
        failure only if the order did not end up where the action wanted it. (A cancel is
        retried after a timeout; when the first attempt had landed, the retry is refused as
        "not found" or "already done", yet the order is cancelled: no failure to report.)
        The order is read until the venue answers (`confirm.read_order`); when no read gets
        through, it stays in `pending` with its outcome unknown, for the poller to settle,
        rather than shown back in `previous` on a guess (issue 6, item 3)."""
        answered = await read_order(self.store, client, client_order_id)
        current = self.store.get(client_order_id)
        if current is not None and current.status in _GOALS.get(action, frozenset()):
            log.info("%s of %s: refused (%s) but done at the venue", action, client_order_id, exc)
            return ActionResult(client_order_id, True, "already done at the venue")
        if current is not None and current.status == pending and not answered:
            reason = f"outcome unknown ({_message(exc)}); pending until the venue reports it"
            self._report(OrderDeskError(reason), client_order_id, action)
            return ActionResult(client_order_id, False, reason)
        if current is not None and current.status == pending:
            self.store.set_status(client_order_id, previous)
        self._report(exc, client_order_id, action)
        return ActionResult(client_order_id, False, _message(exc))

    def _refusal(
        self,
        order: Order | None,
        client_order_id: str,
        action: str,
        allowed: frozenset[OrderStatus],
        *,
        native: bool = True,
        acknowledged: bool = True,
    ) -> str | None:
        """Why an action is not sent, or None.

        Args:
            native: The venue's own endpoint is called (its capability is checked).
            acknowledged: The action needs the venue's order id (a synthetic resume does
                not: it sends a new leg).
        """
        if order is None:
            return f"no order {client_order_id}"
        if order.status not in allowed:
            return f"cannot {action} an order that is {order.status}"
        if acknowledged and order.venue_order_id is None:
            return f"cannot {action} before the venue has acknowledged the order"
        client = self._clients.get((order.venue, order.account))
        if client is None:
            return f"no client for {order.venue}/{order.account}"
        if not native:
            return None
        capabilities = client.capabilities
        if action in ("pause", "resume") and not capabilities.pause_resume:
            return f"{order.venue} cannot {action} orders"
        if action == "amend" and not capabilities.amend:
            return f"{order.venue} cannot amend orders"
        return None

    async def _refresh(self, client: VenueClient, client_order_id: str) -> None:
        """Fetch the order after an accepted request so the blotter shows the venue's own
        word (one read; a failed one is logged and the poller reads it again)."""
        await read_order(self.store, client, client_order_id, ())

    # -- plumbing ----------------------------------------------------------------------------

    def _report(self, exc: OrderDeskError, client_order_id: str, action: str) -> None:
        kind = (
            ErrorKind.REJECTED
            if isinstance(exc, (VenueRejected, UnsupportedAction))
            else ErrorKind.NETWORK
        )
        venue = getattr(exc, "venue", "")
        self.errors.publish(
            ErrorEvent(f"{action} failed: {_message(exc)}", kind, venue, client_order_id)
        )

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._resolving.add(task)
        task.add_done_callback(self._resolving.discard)

    async def aclose(self) -> None:
        """Cancel and await background resolution tasks."""
        for task in list(self._resolving):
            task.cancel()
        await asyncio.gather(*self._resolving, return_exceptions=True)


_GOALS: dict[str, frozenset[OrderStatus]] = {
    "cancel": frozenset({OrderStatus.CANCELED}),
    "pause": frozenset({OrderStatus.PAUSED}),
    "resume": frozenset({OrderStatus.SCHEDULED, OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED}),
}
"""Where each action leaves an order when it worked (its request may still have failed)."""


def _describe(amendment: Amendment) -> str:
    """`"quantity=2, limit_price=101.5"`: the fields an amendment changes."""
    changes = (
        f"{name}={value}"
        for name in Amendment.__dataclass_fields__
        if (value := getattr(amendment, name)) is not None
    )
    return ", ".join(changes) or "nothing"


def _message(exc: OrderDeskError) -> str:
    return exc.venue_message if isinstance(exc, VenueError) else str(exc)
