"""The error hierarchy every layer raises and the error pane shows.

    OrderDeskError
    ├── TicketInvalid          a ticket failed validation; nothing was sent
    ├── InvalidTransition      a status change the state machine forbids (a bug or a stale report)
    ├── UnsupportedAction      the venue cannot do this (capability), nothing was sent
    └── VenueError             anything a venue call produced
        ├── VenueTransportError    timeout, connection refused, TLS: the outcome may be unknown
        │   └── VenueBadResponse       an answer arrived but cannot be read (not JSON, an HTML
        │                              page, a field missing or of the wrong type)
        ├── VenueUnavailable       HTTP 5xx
        ├── VenueRateLimited       HTTP 429 or the venue's own throttle code
        └── VenueRejected          HTTP 4xx with the venue's code and message
            ├── VenueAuthError         HTTP 401/403: credentials missing, wrong or not allowed
            └── VenueNotFound          HTTP 404: the venue has no such order

Every `VenueError` keeps the venue's own words in `venue_message`, so the trader sees
what the venue said, not our paraphrase of it.
"""

from __future__ import annotations

from collections.abc import Mapping


class OrderDeskError(Exception):
    """Base of every error OrderDesk raises on purpose."""


class TicketInvalid(OrderDeskError):
    """An order ticket failed validation; nothing was journaled or sent.

    Attributes:
        field_errors: Ticket field name (as in `OrderTicket`) -> message for the trader.
    """

    def __init__(self, field_errors: Mapping[str, str]) -> None:
        self.field_errors = dict(field_errors)
        joined = "; ".join(f"{name}: {message}" for name, message in self.field_errors.items())
        super().__init__(f"ticket invalid: {joined}")


class InvalidTransition(OrderDeskError):
    """The order state machine refused a status change."""

    def __init__(self, client_order_id: str, old: str, new: str) -> None:
        self.client_order_id = client_order_id
        self.old = old
        self.new = new
        super().__init__(f"order {client_order_id}: {old} -> {new} is not allowed")


class UnsupportedAction(OrderDeskError):
    """The venue has no way to do this action, natively or emulated; nothing was sent."""

    def __init__(self, venue: str, action: str) -> None:
        self.venue = venue
        self.action = action
        super().__init__(f"{venue} does not support {action}")


class VenueError(OrderDeskError):
    """A venue call failed.

    Attributes:
        venue: Venue name (`"treadfi"`, ...).
        venue_message: The venue's own words, or the transport's for transport errors.
        status_code: HTTP status, or None when no response arrived.
    """

    def __init__(self, venue: str, venue_message: str, status_code: int | None = None) -> None:
        self.venue = venue
        self.venue_message = venue_message
        self.status_code = status_code
        prefix = f"{venue} HTTP {status_code}" if status_code is not None else venue
        super().__init__(f"{prefix}: {venue_message}")


class VenueTransportError(VenueError):
    """No usable answer: timeout, refused connection, reset. A write's outcome is unknown."""


class VenueBadResponse(VenueTransportError):
    """The venue answered, but the answer cannot be read: not JSON, an HTML error page, a
    missing, null or mistyped field, a number out of range, an enum value with no meaning.

    A `VenueTransportError` on purpose: after a write (a submit above all) the outcome is
    unknown, exactly as if the answer had been lost, and is resolved the same way (look the
    order up by its client order id). The raw body is logged on `gui.venues.raw`.

    Attributes:
        endpoint: The request answered, method and path: `"GET /api/v1/orders"`.
        detail: The first problem found, e.g. `"orders.0.side: ..."` or `"not JSON (...)"`.
    """

    def __init__(
        self, venue: str, endpoint: str, detail: str, status_code: int | None = None
    ) -> None:
        self.endpoint = endpoint
        self.detail = detail
        super().__init__(venue, f"unreadable answer to {endpoint}: {detail}", status_code)


class VenueUnavailable(VenueError):
    """The venue answered with a server error (HTTP 5xx)."""


class VenueRateLimited(VenueError):
    """The venue throttled us (HTTP 429 or its own throttle code).

    Attributes:
        retry_after_s: Seconds the venue asked us to wait, if it said.
    """

    def __init__(
        self,
        venue: str,
        venue_message: str,
        status_code: int | None = 429,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(venue, venue_message, status_code)
        self.retry_after_s = retry_after_s


class VenueRejected(VenueError):
    """The venue refused the request (HTTP 4xx).

    Attributes:
        venue_code: The venue's own error code as a string ("" when it gives none).
    """

    def __init__(
        self, venue: str, venue_message: str, status_code: int | None = 400, venue_code: str = ""
    ) -> None:
        super().__init__(venue, venue_message, status_code)
        self.venue_code = venue_code


class VenueAuthError(VenueRejected):
    """Credentials missing, wrong, expired or not allowed (HTTP 401/403)."""


class VenueNotFound(VenueRejected):
    """The venue has no such order (HTTP 404)."""
